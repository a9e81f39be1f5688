-- Layers with parameters (Mul, CMul, Add, PReLU, LookupTable) and more
-- shape and pair layers (Replicate, Transpose, SoftMin, DotProduct):
-- outputs against plain loops, input and parameter gradients against
-- central differences in float64, and bad input.
local tocha = require "tocha"
local nn = require "tocha.nn"

local gradients = require("gradcheck").module

local function rand(...) return tocha.DoubleTensor(...):uniform(-2, 2) end

describe("layers with parameters", function()
  it("Mul scales by one learnable number", function()
    local m = nn.Mul()
    local x = rand(3, 4)
    assert.is_true(math.abs(m:forward(x)[2][3] - m.weight[1] * x[2][3]) < 1e-12)
    assert.is_true(gradients(m, x) < 1e-6)
  end)

  it("CMul multiplies by a learnable tensor, repeated over a batch", function()
    local m = nn.CMul(4)
    local x = rand(3, 4)
    m:double()
    local y = m:forward(x)
    assert.is_true(math.abs(y[3][2] - m.weight[2] * x[3][2]) < 1e-12)
    assert.is_true(gradients(m, x) < 1e-6)
    assert.is_true(gradients(nn.CMul(2, 2), rand(2, 2)) < 1e-6)
    assert.has_error(function() nn.CMul(5):double():forward(rand(3, 4)) end)
  end)

  it("Add adds a learnable bias, or one scalar", function()
    local m = nn.Add(4):double()
    local x = rand(3, 4)
    assert.is_true(math.abs(m:forward(x)[3][2] - (x[3][2] + m.bias[2])) < 1e-12)
    assert.is_true(gradients(m, x) < 1e-6)
    assert.is_true(gradients(nn.Add(4, true), rand(3, 4)) < 1e-6)
  end)

  it("PReLU learns one slope or one per plane", function()
    local m = nn.PReLU():double()
    local x = rand(3, 4)
    local y = m:forward(x)
    for i = 1, 3 do
      for j = 1, 4 do
        local v = x[i][j]
        assert.is_true(math.abs(y[i][j] - (v > 0 and v or 0.25 * v)) < 1e-12)
      end
    end
    assert.is_true(gradients(m, x) < 1e-6)
    local mp = nn.PReLU(4):double()
    mp.weight:copy(tocha.DoubleTensor({ 0.1, 0.2, 0.3, 0.4 }))
    local yp = mp:forward(x)
    assert.is_true(math.abs(yp[1][3] - (x[1][3] > 0 and x[1][3] or 0.3 * x[1][3])) < 1e-12)
    assert.is_true(gradients(nn.PReLU(4), x) < 1e-6)
    assert.is_true(gradients(nn.PReLU(3), rand(3, 2, 2)) < 1e-6)
    assert.has_error(function() nn.PReLU(5):double():forward(x) end)
  end)

  it("LookupTable gathers rows and accumulates their gradients", function()
    local m = nn.LookupTable(5, 3):double()
    local idx = tocha.LongTensor({ 2, 5, 2 })
    local y = m:forward(idx)
    assert.are.same({ 3, 3 }, y:size():totable())
    assert.are.same(m.weight[5]:totable(), y[2]:totable())
    m:zeroGradParameters()
    local g = rand(3, 3)
    m:backward(idx, g)
    for k = 1, 3 do
      assert.is_true(math.abs(m.gradWeight[2][k] - (g[1][k] + g[3][k])) < 1e-12)
      assert.are.equal(0, m.gradWeight[1][k])
    end
    -- a batch of index rows, and indices from a DoubleTensor (Torch7 code)
    assert.are.same({ 2, 2, 3 }, m:forward(tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })):size():totable())
    assert.has_error(function() m:forward(tocha.LongTensor({ 6 })) end, "nn.LookupTable: index 6 out of range 1..5")
    assert.has_error(function() m:forward(tocha.LongTensor({ 0 })) end)
  end)
end)

describe("shape and pair layers", function()
  it("Replicate stacks copies as a view and sums the gradients", function()
    local x = rand(2, 3)
    local m = nn.Replicate(4, 2)
    local y = m:forward(x)
    assert.are.same({ 2, 4, 3 }, y:size():totable())
    assert.are.equal(x[2][3], y[2][4][3])
    assert.is_true(gradients(m, x) < 1e-6)
    assert.are.same({ 2, 4, 3 }, nn.Replicate(4, 1, 1):forward(x):size():totable())
  end)

  it("Transpose swaps pairs of dimensions in turn", function()
    local x = rand(2, 3, 4)
    local y = nn.Transpose({ 1, 2 }, { 2, 3 }):forward(x)
    assert.are.same({ 3, 4, 2 }, y:size():totable())
    assert.are.equal(x[2][1][3], y[1][3][2])
    assert.is_true(gradients(nn.Transpose({ 1, 3 }), x) < 1e-6)
  end)

  it("SoftMin is the softmax of -x", function()
    local x = rand(2, 5)
    local y = nn.SoftMin():forward(x)
    local s = 0
    for j = 1, 5 do s = s + math.exp(-x[1][j]) end
    assert.is_true(math.abs(y[1][2] - math.exp(-x[1][2]) / s) < 1e-12)
    assert.is_true(gradients(nn.SoftMin(), x) < 1e-6)
  end)

  it("DotProduct of vectors and of batches", function()
    local a, b = rand(3, 4), rand(3, 4)
    local m = nn.DotProduct()
    local y = m:forward({ a, b })
    assert.is_true(math.abs(y[2] - a[2]:dot(b[2])) < 1e-12)
    local G = rand(3)
    local g = m:backward({ a, b }, G)
    assert.is_true(math.abs(g[1][2][3] - b[2][3] * G[2]) < 1e-12)
    assert.is_true(math.abs(g[2][3][1] - a[3][1] * G[3]) < 1e-12)
    assert.is_true(math.abs(m:forward({ a[1], b[1] })[1] - a[1]:dot(b[1])) < 1e-12)
    assert.has_error(function() m:forward({ a, rand(3, 5) }) end)
  end)
end)
