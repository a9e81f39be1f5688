-- nn.Dropout and nn.SpatialDropout: the chapter's module, checked exactly
-- and statistically.
local tocha = require "tocha"
local nn = require "tocha.nn"

local function assert_error(pattern, f)
  local ok, err = pcall(f)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

local function count_zeros(t)
  local zeros = 0
  for _, v in ipairs(t:clone():view(-1):totable()) do
    if v == 0 then zeros = zeros + 1 end
  end
  return zeros
end

describe("nn.Dropout", function()
  before_each(function() tocha.manualSeed(2024) end)

  it("behaves as Torch7's documentation example", function()
    local module = nn.Dropout()
    local x = tocha.Tensor({ { 1, 2, 3, 4 }, { 5, 6, 7, 8 } })
    local y = module:forward(x)
    local mask = module:mask()
    for i = 1, 2 do
      for j = 1, 4 do
        local expected = mask[i][j] == 1 and x[i][j] * 2 or 0
        assert.are.equal(expected, y[i][j])
      end
    end
    local g = module:backward(x, x:clone():fill(1))
    for i = 1, 2 do
      for j = 1, 4 do assert.are.equal(mask[i][j] * 2, g[i][j]) end
    end
    module:evaluate()
    assert.are.same(x:totable(), module:forward(x):totable())
    assert.are.same(x:totable(), module:backward(x, x):totable())
  end)

  it("zeroes a fraction p of 1e6 units and preserves the mean", function()
    for _, p in ipairs({ 0.2, 0.5, 0.8 }) do
      local n = 1000000
      local x = tocha.DoubleTensor(n):fill(1)
      local y = nn.Dropout(p):forward(x)
      local zeros = count_zeros(y)
      local sd = math.sqrt(n * p * (1 - p))
      assert.is_true(math.abs(zeros - n * p) < 5 * sd, ("p=%g: %d zeros"):format(p, zeros))
      -- survivors are scaled by 1/(1-p), so the mean stays 1 within 5 sd
      local mean_sd = math.sqrt(p / (1 - p) / n)
      assert.is_true(math.abs(y:sum() / n - 1) < 5 * mean_sd, ("p=%g: mean %g"):format(p, y:sum() / n))
    end
  end)

  it("backward reuses the forward mask: gradInput = gradOutput * mask / (1-p)", function()
    local m = nn.Dropout(0.25)
    local x = tocha.rand(50, 40)
    m:forward(x)
    local mask = m:mask():double()
    local gradOutput = tocha.randn(50, 40)
    local g = m:backward(x, gradOutput):double()
    local expected = gradOutput:double():cmul(mask):div(0.75)
    assert.is_true((g - expected):abs():max() < 1e-6)
    -- and the output used the same mask
    local out = m.output:double()
    assert.is_true((out - x:double():cmul(mask):div(0.75)):abs():max() < 1e-6)
  end)

  it("masks repeat after the same seed, and differ after another", function()
    local x = tocha.ones(1000)
    tocha.manualSeed(7)
    local a = nn.Dropout(0.5):forward(x):clone()
    tocha.manualSeed(7)
    local b = nn.Dropout(0.5):forward(x):clone()
    assert.are.same(a:totable(), b:totable())
    tocha.manualSeed(8)
    assert.are_not.same(a:totable(), nn.Dropout(0.5):forward(x):totable())
  end)

  it("draws the mask tocha.bernoulli(1 - p) would draw", function()
    tocha.manualSeed(99)
    local m = nn.Dropout(0.3)
    m:forward(tocha.ones(1001))
    tocha.manualSeed(99)
    local expected = tocha.ByteTensor(1001):bernoulli(0.7)
    assert.are.same(expected:totable(), m:mask():totable())
  end)

  it("p = 0 is an exact identity", function()
    local x = tocha.randn(7, 9)
    local m = nn.Dropout(0)
    assert.are.same(x:totable(), m:forward(x):totable())
    assert.are.same(x:totable(), m:backward(x, x):totable())
  end)

  it("v1 scales in evaluate mode instead of training", function()
    local m = nn.Dropout(0.4, true)
    local x = tocha.DoubleTensor(10000):fill(1)
    local y = m:forward(x)
    assert.are.equal(10000 - count_zeros(y), y:sum()) -- kept units are 1
    m:evaluate()
    assert.is_true(math.abs(m:forward(x)[1] - 0.6) < 1e-12)
    assert.is_true(math.abs(m:backward(x, x)[1] - 0.6) < 1e-12)
  end)

  it("stochasticInference masks in evaluate mode and backward uses that mask", function()
    local m = nn.Dropout(0.5, false, false, true)
    m:evaluate()
    local x = tocha.ones(2000)
    local y = m:forward(x)
    assert.is_true(count_zeros(y) > 800)
    local g = m:backward(x, x)
    assert.are.same(y:totable(), g:totable())
  end)

  it("inplace writes into the input", function()
    local x = tocha.ones(100)
    local m = nn.Dropout(0.5, false, true)
    local y = m:forward(x)
    assert.are.same(x:totable(), y:totable())
    assert.is_true(count_zeros(x) > 20)
    local gradOutput = tocha.ones(100)
    local g = m:backward(x, gradOutput)
    assert.are.same(y:totable(), g:totable())
    assert.are.same(g:totable(), gradOutput:totable())
  end)

  it("stores 1 bit per element", function()
    local m = nn.Dropout(0.5)
    m:forward(tocha.ones(64, 1000))
    assert.are.equal(64 * 1000 / 8, m.maskBits:nElement())
    assert.are.equal("tocha.ByteTensor", m.maskBits:type())
  end)

  it("works on non-contiguous float and double input", function()
    for _, T in ipairs({ tocha.FloatTensor, tocha.DoubleTensor }) do
      local base = T(30, 20):fill(3)
      local x = base:t()
      local m = nn.Dropout(0.5)
      local y = m:forward(x)
      assert.are.same({ 20, 30 }, y:size():totable())
      local mask = m:mask()
      for i = 1, 20 do
        for j = 1, 30 do assert.are.equal(mask[i][j] * 6, y[i][j]) end
      end
    end
  end)

  it("prints what matters", function()
    assert.are.equal("nn.Dropout(0.5)", tostring(nn.Dropout()))
    assert.are.equal("nn.Dropout(0.2, inplace)", tostring(nn.Dropout(0.2, false, true)))
    assert.are.equal("nn.Dropout(0.5, v1, stochastic)", tostring(nn.Dropout(0.5, true, false, true)))
  end)

  it("rejects bad arguments and misuse clearly", function()
    assert_error("0 <= p < 1, got 1", function() nn.Dropout(1) end)
    assert_error("0 <= p < 1, got -0.1", function() nn.Dropout(-0.1) end)
    assert_error("bad argument #1 to 'setp'", function() nn.Dropout():setp(1) end)
    assert_error("before updateOutput", function() nn.Dropout():backward(tocha.ones(3), tocha.ones(3)) end)
    local m = nn.Dropout()
    m:forward(tocha.ones(3, 4))
    assert_error("does not match the last input of size 3x4",
      function() m:backward(tocha.ones(3, 4), tocha.ones(4, 3)) end)
    assert_error("tensor expected", function() m:forward("x") end)
    assert_error("Float or Double", function() m:forward(tocha.LongTensor(3)) end)
  end)
end)

describe("nn.SpatialDropout", function()
  it("drops whole feature maps", function()
    tocha.manualSeed(3)
    local m = nn.SpatialDropout(0.5)
    local x = tocha.ones(4, 16, 3, 3)
    local y = m:forward(x)
    local dropped = 0
    for b = 1, 4 do
      for c = 1, 16 do
        local map = y[b][c]
        local s = map:sum()
        assert.is_true(s == 0 or s == 18, "map is all dropped or all kept")
        if s == 0 then dropped = dropped + 1 end
      end
    end
    assert.is_true(dropped > 10 and dropped < 54)
    local g = m:backward(x, tocha.ones(4, 16, 3, 3))
    assert.are.same(y:totable(), g:totable())
  end)

  it("wants 3D or 4D input", function()
    assert_error("expects 3D", function() nn.SpatialDropout():forward(tocha.ones(4, 4)) end)
  end)
end)
