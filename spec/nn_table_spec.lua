-- Table modules (CAddTable ... CMinTable, JoinTable, SplitTable,
-- SelectTable, NarrowTable) and MM / MV: outputs against plain loops,
-- gradients against central differences in float64, bad input, and the
-- Torch7-format round trip of nn.Jacobian.testIO.
local tocha = require "tocha"
local nn = require "tocha.nn"

-- Tensors of a (nested) table in order.
local function leaves(x, out)
  out = out or {}
  if tocha.isTensor(x) then
    out[#out + 1] = x
  else
    for _, v in ipairs(x) do leaves(v, out) end
  end
  return out
end

local function clone(x)
  if tocha.isTensor(x) then return x:clone() end
  local t = {}
  for i, v in ipairs(x) do t[i] = clone(v) end
  return t
end

-- The largest difference between gradInput for a random gradOutput G and
-- the central differences of L(input) = sum(output .* G).
local function gradient_error(module, input)
  local G = clone(module:forward(clone(input)))
  for _, g in ipairs(leaves(G)) do g:uniform(-1, 1) end
  local function loss(x)
    local s = 0
    local outs, gs = leaves(module:forward(x)), leaves(G)
    for i = 1, #outs do s = s + outs[i]:dot(gs[i]) end
    return s
  end
  local x = clone(input)
  module:forward(x)
  local gin = leaves(clone(module:updateGradInput(x, G)))
  local worst = 0
  for i, t in ipairs(leaves(x)) do
    local flat = t:view(t:nElement())
    local gflat = gin[i]:contiguous():view(gin[i]:nElement())
    for k = 1, flat:nElement() do
      local v = flat[k]
      flat[k] = v + 1e-6
      local hi = loss(x)
      flat[k] = v - 1e-6
      local lo = loss(x)
      flat[k] = v
      worst = math.max(worst, math.abs((hi - lo) / 2e-6 - gflat[k]))
    end
  end
  return worst
end

local function rand(...) return tocha.DoubleTensor(...):uniform(-2, 2) end

describe("element-wise table modules", function()
  local a, b, c = rand(3, 4), rand(3, 4), rand(3, 4)
  local function each(f)
    local r = a:clone()
    for i = 1, 3 do for j = 1, 4 do r[i][j] = f(a[i][j], b[i][j], c[i][j]) end end
    return r
  end
  local cases = {
    { "CAddTable", { a, b, c }, function(x, y, z) return x + y + z end },
    { "CSubTable", { a, b }, function(x, y) return x - y end },
    { "CMulTable", { a, b, c }, function(x, y, z) return x * y * z end },
    { "CDivTable", { a, b:clone():abs():add(0.5) }, nil },
    { "CMaxTable", { a, b, c }, function(x, y, z) return math.max(x, y, z) end },
    { "CMinTable", { a, b, c }, function(x, y, z) return math.min(x, y, z) end },
  }
  for _, case in ipairs(cases) do
    it(case[1] .. " computes its loop and its gradient", function()
      local m = nn[case[1]]()
      local out = m:forward(case[2])
      local want = case[3] and each(case[3])
      if case[1] == "CDivTable" then want = case[2][1]:clone():cdiv(case[2][2]) end
      assert.are.equal(0, out:clone():add(-1, want):abs():max())
      assert.is_true(gradient_error(m, case[2]) < 1e-6)
    end)
  end

  it("CMaxTable sends each gradient to the first largest input only", function()
    local m = nn.CMaxTable()
    local x, y = tocha.DoubleTensor({ 1, 5, 3 }), tocha.DoubleTensor({ 1, 2, 4 })
    m:forward({ x, y })
    local g = m:backward({ x, y }, tocha.DoubleTensor({ 10, 20, 30 }))
    assert.are.same({ 10, 20, 0 }, g[1]:totable())
    assert.are.same({ 0, 0, 30 }, g[2]:totable())
  end)

  it("CAddTable in place writes into input[1] and shares gradOutput", function()
    local x, y = tocha.DoubleTensor({ 1, 2 }), tocha.DoubleTensor({ 3, 4 })
    local m = nn.CAddTable(true)
    assert.are.equal(x, m:forward({ x, y }))
    assert.are.same({ 4, 6 }, x:totable())
    local go = tocha.DoubleTensor({ 1, 1 })
    local g = m:backward({ x, y }, go)
    assert.are.equal(go, g[1])
    assert.are.equal(go, g[2])
  end)

  it("rejects what is not a table of tensors of one size", function()
    assert.has_error(function() nn.CAddTable():forward(a) end,
      "nn.CAddTable: input must be a table of tensors, got tocha.DoubleTensor")
    assert.has_error(function() nn.CSubTable():forward({ a, b, c }) end,
      "nn.CSubTable: input must hold 2 tensors, got 3")
    assert.has_error(function() nn.CMulTable():forward({ a, rand(5) }) end)
    assert.has_error(function() nn.CAddTable():forward({ a, 3 }) end,
      "nn.CAddTable: input[2] must be a tensor, got number")
  end)
end)

describe("JoinTable and SplitTable", function()
  it("join along a dimension, also counted from the end and in batches", function()
    local x, y = rand(2, 3), rand(2, 5)
    local m = nn.JoinTable(2)
    local out = m:forward({ x, y })
    assert.are.same({ 2, 8 }, out:size():totable())
    for i = 1, 2 do
      for j = 1, 8 do assert.are.equal(j <= 3 and x[i][j] or y[i][j - 3], out[i][j]) end
    end
    assert.is_true(gradient_error(m, { x, y }) < 1e-6)
    assert.are.same({ 2, 8 }, nn.JoinTable(-1):forward({ x, y }):size():totable())
    -- nInputDims 1: 2-D inputs are batches of vectors, joined along dim 2
    assert.are.same({ 2, 8 }, nn.JoinTable(1, 1):forward({ x, y }):size():totable())
    assert.are.same({ 8 }, nn.JoinTable(1, 1):forward({ rand(3), rand(5) }):size():totable())
  end)

  it("split into selected slices and join the gradients back", function()
    local x = rand(3, 4)
    local m = nn.SplitTable(1)
    local out = m:forward(x)
    assert.are.equal(3, #out)
    for i = 1, 3 do assert.are.same(x[i]:totable(), out[i]:totable()) end
    assert.is_true(gradient_error(m, x) < 1e-6)
    assert.are.equal(4, #nn.SplitTable(-1):forward(x))
    assert.are.equal(4, #nn.SplitTable(1, 1):forward(x)) -- a batch of 3 vectors of 4
  end)

  it("round-trips a table: SplitTable then JoinTable", function()
    local x = rand(4, 3)
    local net = nn.Sequential():add(nn.SplitTable(1, 1)):add(nn.JoinTable(1, 1))
    local y = net:forward(x)
    assert.are.same({ 12 }, { y:nElement() })
  end)

  it("name the problem with bad input", function()
    assert.has_error(function() nn.JoinTable(0) end, "nn.JoinTable: dimension must not be 0")
    assert.has_error(function() nn.JoinTable(2.5) end)
    assert.has_error(function() nn.JoinTable(1):forward({ rand(2, 3), rand(3, 3, 1) }) end)
    assert.has_error(function() nn.JoinTable(2):forward({ rand(2, 3), rand(3, 3) }) end)
    assert.has_error(function() nn.SplitTable(3):forward(rand(2, 3)) end)
  end)
end)

describe("SelectTable and NarrowTable", function()
  it("select an entry, negative from the end, with zeros for the others", function()
    local x = { rand(2), { rand(3), rand(1) }, rand(4) }
    local m = nn.SelectTable(-1)
    assert.are.equal(x[3], m:forward(x))
    assert.is_true(gradient_error(m, x) < 1e-6)
    local g = m:backward(x, tocha.DoubleTensor(4):fill(7))
    assert.are.equal(0, g[1]:abs():sum() + g[2][1]:abs():sum() + g[2][2]:abs():sum())
    assert.are.same({ 7, 7, 7, 7 }, g[3]:totable())
    local m2 = nn.SelectTable(2)
    assert.are.equal(x[2], m2:forward(x))
    assert.is_true(gradient_error(m2, x) < 1e-6)
    assert.has_error(function() m:forward({}) end, "nn.SelectTable: index -1 out of range for a table of 0 entries")
    assert.has_error(function() nn.SelectTable(0) end)
  end)

  it("narrow a table", function()
    local x = { rand(2), rand(3), rand(4), rand(5) }
    local m = nn.NarrowTable(2, 2)
    local out = m:forward(x)
    assert.are.equal(2, #out)
    assert.are.equal(x[2], out[1])
    assert.are.equal(x[3], out[2])
    assert.is_true(gradient_error(m, x) < 1e-6)
    assert.are.equal(3, #nn.NarrowTable(2, -1):forward(x))
    assert.has_error(function() nn.NarrowTable(4, 2):forward(x) end)
  end)
end)

describe("MM and MV", function()
  it("MM multiplies matrices and batches, with transposes", function()
    for _, tr in ipairs({ { false, false }, { true, false }, { false, true }, { true, true } }) do
      local A = tr[1] and rand(4, 3) or rand(3, 4)
      local B = tr[2] and rand(2, 4) or rand(4, 2)
      local m = nn.MM(tr[1], tr[2])
      local out = m:forward({ A, B })
      local a = tr[1] and A:t() or A
      local b = tr[2] and B:t() or B
      for i = 1, 3 do
        for j = 1, 2 do
          local s = 0
          for k = 1, 4 do s = s + a[i][k] * b[k][j] end
          assert.is_true(math.abs(out[i][j] - s) < 1e-12)
        end
      end
      assert.is_true(gradient_error(m, { A, B }) < 1e-6)
      local bA = tr[1] and rand(2, 4, 3) or rand(2, 3, 4)
      local bB = tr[2] and rand(2, 2, 4) or rand(2, 4, 2)
      assert.are.same({ 2, 3, 2 }, m:forward({ bA, bB }):size():totable())
      assert.is_true(gradient_error(m, { bA, bB }) < 1e-6)
    end
    assert.has_error(function() nn.MM():forward({ rand(3, 4), rand(3, 4) }) end,
      "nn.MM: sizes 3x4 and 3x4 do not make a product")
  end)

  it("MV multiplies a matrix and a vector, and batches of them", function()
    for _, tr in ipairs({ false, true }) do
      local M = tr and rand(4, 3) or rand(3, 4)
      local v = rand(4)
      local m = nn.MV(tr)
      local out = m:forward({ M, v })
      local mm = tr and M:t() or M
      for i = 1, 3 do
        local s = 0
        for k = 1, 4 do s = s + mm[i][k] * v[k] end
        assert.is_true(math.abs(out[i] - s) < 1e-12)
      end
      assert.is_true(gradient_error(m, { M, v }) < 1e-6)
      local bM = tr and rand(2, 4, 3) or rand(2, 3, 4)
      assert.are.same({ 2, 3 }, m:forward({ bM, rand(2, 4) }):size():totable())
      assert.is_true(gradient_error(m, { bM, rand(2, 4) }) < 1e-6)
    end
    assert.has_error(function() nn.MV():forward({ rand(3, 4), rand(3) }) end)
  end)
end)

describe("nn.Jacobian.testIO", function()
  it("gives identical results after a Torch7-format round trip", function()
    local net = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh())
    local fe, be = nn.Jacobian.testIO(net:double(), rand(2, 4))
    assert.are.equal(0, fe)
    assert.are.equal(0, be)
    fe, be = nn.Jacobian.testIO(nn.CAddTable(), { rand(3), rand(3) })
    assert.are.equal(0, fe)
    assert.are.equal(0, be)
  end)
end)
