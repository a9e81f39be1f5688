-- Seeding, generators, and the distributions of the tensor fills.
local tocha = require "tocha"

local function mean_and_var(t)
  local values = t:double():view(-1):totable()
  local sum, sumsq = 0, 0
  for _, v in ipairs(values) do
    sum, sumsq = sum + v, sumsq + v * v
  end
  local n = #values
  local mean = sum / n
  return mean, sumsq / n - mean * mean, n
end

describe("seeding", function()
  it("repeats a stream after manualSeed", function()
    tocha.manualSeed(42)
    local a = tocha.rand(100):totable()
    tocha.manualSeed(42)
    local b = tocha.rand(100):totable()
    assert.are.same(a, b)
    tocha.manualSeed(43)
    assert.are_not.same(a, tocha.rand(100):totable())
    assert.are.equal(43, tocha.initialSeed())
  end)

  it("continues the stream across calls", function()
    tocha.manualSeed(7)
    local whole = tocha.rand(8):totable()
    tocha.manualSeed(7)
    local first, second = tocha.rand(4):totable(), tocha.rand(4):totable()
    assert.are.same({ whole[1], whole[2], whole[3], whole[4] }, first)
    assert.are.same({ whole[5], whole[6], whole[7], whole[8] }, second)
  end)

  it("saves and restores the state", function()
    tocha.manualSeed(5)
    tocha.rand(3)
    local state = tocha.getRNGState()
    local a = tocha.randn(5):totable()
    tocha.setRNGState(state)
    assert.are.same(a, tocha.randn(5):totable())
  end)

  it("gives generators their own streams", function()
    local g1, g2 = tocha.Generator(), tocha.Generator()
    tocha.manualSeed(g1, 11)
    tocha.manualSeed(g2, 11)
    tocha.manualSeed(99)
    local a = tocha.Tensor(6):uniform(g1):totable()
    tocha.rand(10) -- the default stream does not disturb g2
    local b = tocha.Tensor(6):uniform(g2):totable()
    assert.are.same(a, b)
    assert.is_truthy(tostring(g1):find("tocha.Generator", 1, true))
  end)

  it("tocha.seed picks a new seed and returns it", function()
    local s = tocha.seed()
    assert.are.equal("integer", math.type(s))
    assert.are.equal(s, tocha.initialSeed())
  end)
end)

describe("distributions", function()
  before_each(function() tocha.manualSeed(1234) end)

  it("uniform(a, b) has the right range, mean and variance", function()
    local t = tocha.DoubleTensor(200000):uniform(-1, 3)
    local mean, var, n = mean_and_var(t)
    assert.is_true(t:min() >= -1 and t:max() < 3)
    -- mean 1, variance 16/12; 5 standard errors
    assert.is_true(math.abs(mean - 1) < 5 * math.sqrt(16 / 12 / n))
    assert.is_true(math.abs(var - 16 / 12) < 0.02)
  end)

  it("normal(mean, stdv) has the right moments", function()
    local t = tocha.FloatTensor(200000):normal(2, 0.5)
    local mean, var, n = mean_and_var(t)
    assert.is_true(math.abs(mean - 2) < 5 * 0.5 / math.sqrt(n))
    assert.is_true(math.abs(math.sqrt(var) - 0.5) < 0.005)
  end)

  it("bernoulli(p) hits p within 5 standard deviations", function()
    for _, p in ipairs({ 0.1, 0.5, 0.9 }) do
      local n = 100000
      local t = tocha.ByteTensor(n):bernoulli(p)
      local ones = 0
      for _, v in ipairs(t:totable()) do ones = ones + v end
      assert.is_true(math.abs(ones / n - p) < 5 * math.sqrt(p * (1 - p) / n), "p = " .. p)
    end
    assert.are.same({ 0, 0, 0 }, tocha.Tensor(3):bernoulli(0):totable())
    assert.are.same({ 1, 1, 1 }, tocha.Tensor(3):bernoulli(1):totable())
  end)

  it("random(a, b) covers the inclusive range evenly", function()
    local t = tocha.LongTensor(60000):random(3, 8)
    local counts = {}
    for _, v in ipairs(t:totable()) do counts[v] = (counts[v] or 0) + 1 end
    for v = 3, 8 do
      assert.is_true(math.abs(counts[v] - 10000) < 5 * math.sqrt(10000), "value " .. v)
    end
    assert.is_nil(counts[2])
    assert.is_nil(counts[9])
    local b = tocha.LongTensor(1000):random(4)
    assert.is_true(b:min() == 1 and b:max() == 4)
  end)

  it("randperm is a permutation of 1..n", function()
    local p = tocha.randperm(1000):long():totable()
    table.sort(p)
    for i = 1, 1000 do assert.are.equal(i, p[i]) end
  end)

  it("rand and randn make tensors of the default type", function()
    assert.are.same({ 2, 3 }, tocha.rand(2, 3):size():totable())
    assert.are.equal("tocha.FloatTensor", tocha.randn(4):type())
    local res = tocha.DoubleTensor()
    tocha.rand(res, 5)
    assert.are.equal(5, res:nElement())
  end)

  it("scalar draws stay in range", function()
    for _ = 1, 1000 do
      local u = tocha.uniform(2, 3)
      assert.is_true(u >= 2 and u < 3)
      local r = tocha.random(1, 6)
      assert.is_true(r >= 1 and r <= 6 and math.type(r) == "integer")
      local b = tocha.bernoulli(0.3)
      assert.is_true(b == 0 or b == 1)
    end
    assert.are.equal("number", type(tocha.normal()))
  end)
end)

describe("bad input", function()
  local function assert_error(pattern, f)
    local ok, err = pcall(f)
    assert.is_false(ok)
    assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
  end

  it("rejects impossible parameters", function()
    assert_error("expected a <= b", function() tocha.Tensor(3):uniform(3, 1) end)
    assert_error("bad argument #1 to 'bernoulli'", function() tocha.Tensor(3):bernoulli(1.5) end)
    assert_error("empty range", function() tocha.LongTensor(3):random(5, 2) end)
    assert_error("n must be >= 1", function() tocha.randperm(0) end)
    assert_error("integer seed", function() tocha.manualSeed("x") end)
    assert_error("expected finite a <= b", function() tocha.uniform(1, 0) end)
  end)
end)
