-- Simple layers (element-wise functions, constants, shape modules, Sum and
-- Mean): outputs against per-element Lua references, gradients against
-- central differences in float64, and bad input.
local tocha = require "tocha"
local nn = require "tocha.nn"

-- The largest difference between gradInput for a random gradOutput G and
-- the central differences of L(x) = sum(forward(x) .* G).
local function gradient_error(module, x)
  x = x:clone()
  local G = module:forward(x):clone():uniform(-1, 1)
  local gi = module:updateGradInput(x, G):clone():contiguous()
  local flat, gflat = x:view(x:nElement()), gi:view(gi:nElement())
  local worst = 0
  for k = 1, flat:nElement() do
    local v = flat[k]
    flat[k] = v + 1e-6
    local hi = module:forward(x):clone():cmul(G):sum()
    flat[k] = v - 1e-6
    local lo = module:forward(x):clone():cmul(G):sum()
    flat[k] = v
    worst = math.max(worst, math.abs((hi - lo) / 2e-6 - gflat[k]))
  end
  return worst
end

-- An input in [lo, hi] that keeps away from the kinks at the given points.
local function input(lo, hi, kinks)
  local x = tocha.DoubleTensor(3, 5):uniform(lo, hi)
  local f = x:view(15)
  for k = 1, 15 do
    for _, p in ipairs(kinks or {}) do
      if math.abs(f[k] - p) < 1e-3 then f[k] = p + 0.01 end
    end
  end
  return x
end

local function sigmoid(v) return 1 / (1 + math.exp(-v)) end

local cases = {
  { "Abs", {}, function(v) return math.abs(v) end, -2, 2, { 0 } },
  { "Exp", {}, math.exp, -2, 2 },
  { "Log", {}, math.log, 0.1, 3 },
  { "Square", {}, function(v) return v * v end, -2, 2 },
  { "Sqrt", {}, math.sqrt, 0.1, 3 },
  { "Sqrt", { 0.5 }, function(v) return math.sqrt(v + 0.5) end, 0.1, 3 },
  { "Power", { 3 }, function(v) return v ^ 3 end, -2, 2 },
  { "Power", { 0.5 }, function(v) return v ^ 0.5 end, 0.1, 3 },
  { "SoftSign", {}, function(v) return v / (1 + math.abs(v)) end, -3, 3, { 0 } },
  { "LogSigmoid", {}, function(v) return math.log(sigmoid(v)) end, -5, 5 },
  { "SoftPlus", {}, function(v) return math.log(1 + math.exp(v)) end, -3, 3 },
  { "SoftPlus", { 2 }, function(v) return math.log(1 + math.exp(2 * v)) / 2 end, -3, 3 },
  { "SoftShrink", {}, function(v) return v > 0.5 and v - 0.5 or v < -0.5 and v + 0.5 or 0 end, -2, 2, { -0.5, 0.5 } },
  { "HardShrink", { 0.3 }, function(v) return math.abs(v) > 0.3 and v or 0 end, -2, 2, { -0.3, 0.3 } },
  { "HardTanh", {}, function(v) return math.max(-1, math.min(1, v)) end, -2, 2, { -1, 1 } },
  { "HardTanh", { -0.5, 2 }, function(v) return math.max(-0.5, math.min(2, v)) end, -3, 3, { -0.5, 2 } },
  { "Clamp", { -0.2, 0.7 }, function(v) return math.max(-0.2, math.min(0.7, v)) end, -2, 2, { -0.2, 0.7 } },
  { "Threshold", { 0.1, -3 }, function(v) return v > 0.1 and v or -3 end, -2, 2, { 0.1 } },
  { "MulConstant", { -2.5 }, function(v) return -2.5 * v end, -2, 2 },
  { "AddConstant", { 4 }, function(v) return v + 4 end, -2, 2 },
  { "GradientReversal", {}, function(v) return v end, -2, 2 },
}

describe("element-wise layers", function()
  for _, case in ipairs(cases) do
    local name, args, ref, lo, hi, kinks = table.unpack(case)
    it(string.format("%s(%s) follows its formula and its gradient", name, table.concat(args, ", ")), function()
      local m = nn[name](table.unpack(args))
      local x = input(lo, hi, kinks)
      local y = m:forward(x)
      assert.are.same(x:size():totable(), y:size():totable())
      for i = 1, 3 do
        for j = 1, 5 do
          assert.is_true(math.abs(y[i][j] - ref(x[i][j])) < 1e-12, name .. " at " .. x[i][j])
        end
      end
      if name == "GradientReversal" then
        local g = m:backward(x, tocha.DoubleTensor(3, 5):fill(2))
        assert.are.equal(-2, g[1][1])
      else
        assert.is_true(gradient_error(m, x) < 1e-6)
      end
      -- float input works too, and the output follows its type
      assert.are.equal("tocha.FloatTensor", tocha.type(m:forward(x:float())))
    end)
  end

  it("LogSigmoid and SoftPlus stay finite for large inputs", function()
    local x = tocha.DoubleTensor({ -800, 800 })
    local y = nn.LogSigmoid():forward(x)
    assert.are.equal(-800, y[1])
    assert.are.equal(0, y[2])
    local s = nn.SoftPlus():forward(x)
    assert.are.equal(0, s[1])
    assert.are.equal(800, s[2])
  end)

  it("in-place MulConstant, AddConstant, HardTanh and Threshold write into the input", function()
    local x = tocha.DoubleTensor({ -2, 0.5, 3 })
    local y = nn.MulConstant(2, true):forward(x)
    assert.are.same({ -4, 1, 6 }, x:totable())
    assert.are.equal(x:storage(), y:storage())
    nn.HardTanh(-1, 1, true):forward(x)
    assert.are.same({ -1, 1, 1 }, x:totable())
    local m = nn.AddConstant(1, true)
    m:forward(x)
    assert.are.same({ 0, 2, 2 }, x:totable())
    m:backward(x, tocha.DoubleTensor(3):fill(1))
    assert.are.same({ -1, 1, 1 }, x:totable()) -- restored
  end)

  it("reject bad arguments", function()
    assert.has_error(function() nn.MulConstant("a") end)
    assert.has_error(function() nn.HardTanh(1, -1) end,
      "nn.HardTanh: max_value (-1) must be greater than min_value (1)")
    assert.has_error(function() nn.Threshold(0, 1, true) end)
    assert.has_error(function() nn.SoftPlus(0) end)
    assert.has_error(function() nn.Power() end)
    assert.has_error(function() nn.SoftShrink(-1) end)
  end)
end)

describe("shape layers", function()
  local x = tocha.DoubleTensor(3, 4, 2):uniform(-1, 1)

  it("Narrow and Select, with offsets from the end", function()
    local y = nn.Narrow(2, 2, 2):forward(x)
    assert.are.same(x:narrow(2, 2, 2):totable(), y:totable())
    -- Torch7: a negative offset takes from index 1 and leaves `length` out at the end
    assert.are.same(x:narrow(2, 1, 3):totable(), nn.Narrow(2, -1):forward(x):totable())
    assert.are.same(x:narrow(1, 2, 1):totable(), nn.Narrow(-3, 2, -2):forward(x):totable())
    assert.are.same(x:narrow(2, 2, 3):totable(), nn.Narrow(2, 2, -1):forward(x):totable())
    assert.is_true(gradient_error(nn.Narrow(2, 2, 2), x) < 1e-6)
    assert.are.same(x:select(3, 2):totable(), nn.Select(3, -1):forward(x):totable())
    assert.is_true(gradient_error(nn.Select(1, 2), x) < 1e-6)
    assert.has_error(function() nn.Narrow(1, 0) end)
  end)

  it("Sum and Mean along a dimension, in batches, with and without squeeze", function()
    local s = nn.Sum(2):forward(x)
    assert.are.same({ 3, 2 }, s:size():totable())
    for i = 1, 3 do
      for k = 1, 2 do
        local r = 0
        for j = 1, 4 do r = r + x[i][j][k] end
        assert.is_true(math.abs(s[i][k] - r) < 1e-12)
      end
    end
    assert.is_true(gradient_error(nn.Sum(2), x) < 1e-6)
    assert.are.same({ 3, 1, 2 }, nn.Sum(2, nil, false, false):forward(x):size():totable())
    -- nInputDims 2: a 3-D input is a batch, so dimension 1 sums dimension 2
    assert.are.same(nn.Sum(2):forward(x):totable(), nn.Sum(1, 2):forward(x):totable())
    local m = nn.Mean(-1):forward(x)
    assert.is_true(math.abs(m[1][1] - (x[1][1][1] + x[1][1][2]) / 2) < 1e-12)
    assert.is_true(gradient_error(nn.Mean(3), x) < 1e-6)
    assert.has_error(function() nn.Sum(4):forward(x) end)
  end)

  it("Squeeze, Unsqueeze and Contiguous", function()
    local z = tocha.DoubleTensor(1, 3, 1, 2):uniform(-1, 1)
    assert.are.same({ 3, 2 }, nn.Squeeze():forward(z):size():totable())
    assert.are.same({ 1, 3, 2 }, nn.Squeeze(3):forward(z):size():totable())
    assert.are.same({ 1, 3, 2 }, nn.Squeeze(nil, 3):forward(z):size():totable()) -- a batch of one
    assert.is_true(gradient_error(nn.Squeeze(), z) < 1e-6)
    assert.are.same({ 3, 1, 4, 2 }, nn.Unsqueeze(2):forward(x):size():totable())
    assert.are.same({ 3, 4, 2, 1 }, nn.Unsqueeze(4):forward(x):size():totable())
    assert.are.same({ 3, 4, 1, 2 }, nn.Unsqueeze(2, 2):forward(x):size():totable())
    assert.is_true(gradient_error(nn.Unsqueeze(1), x) < 1e-6)
    assert.has_error(function() nn.Unsqueeze(5):forward(x) end)
    local t = x:transpose(1, 3)
    local c = nn.Contiguous():forward(t)
    assert.is_true(c:isContiguous())
    assert.are.same(t:totable(), c:totable())
    -- a contiguous input is viewed (Torch7: output:set(input)), not copied
    local view = nn.Contiguous():forward(x)
    assert.are.equal(x:storageOffset(), view:storageOffset())
    view[1][1][1] = 42
    assert.are.equal(42, x[1][1][1])
  end)
end)
