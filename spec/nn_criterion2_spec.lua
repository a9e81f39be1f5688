-- The criterions after MSE/NLL/BCE: values against plain reference loops
-- written here, float64 gradients against central differences (<= 1e-6),
-- and malformed calls.
local tocha = require "tocha"
local nn = require "tocha.nn"

local TOL = 1e-6

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

local function near(a, b, tol)
  tol = tol or 1e-10
  assert.is_true(math.abs(a - b) <= tol * math.max(1, math.abs(a)), string.format("%.17g vs %.17g", a, b))
end

local function D(t) return tocha.DoubleTensor(t) end

local function elems(t) return t:contiguous():view(t:nElement()):totable() end

-- The gradient check of a criterion whose input is a table of tensors.
local function table_check(c, input, target)
  c:forward(input, target)
  local analytic = {}
  for i, g in ipairs(c:backward(input, target)) do analytic[i] = g:clone() end
  local worst = 0
  for i, x in ipairs(input) do
    local flat = x:view(x:nElement())
    local g = analytic[i]:contiguous():view(x:nElement())
    for k = 1, x:nElement() do
      local orig = flat[k]
      flat[k] = orig + 1e-6
      local hi = c:forward(input, target)
      flat[k] = orig - 1e-6
      local lo = c:forward(input, target)
      flat[k] = orig
      worst = math.max(worst, math.abs((hi - lo) / 2e-6 - g[k]))
    end
  end
  return worst
end

-- Element-wise criterions: name, constructor, reference loss of one
-- element (x, t), whether sizeAverage divides by n, an input and a target.
local elementwise = {
  { "AbsCriterion", function() return nn.AbsCriterion() end, function(x, t) return math.abs(x - t) end },
  { "SmoothL1Criterion", function() return nn.SmoothL1Criterion() end, function(x, t)
    local d = math.abs(x - t)
    return d < 1 and 0.5 * d * d or d - 0.5
  end },
  { "DistKLDivCriterion", function() return nn.DistKLDivCriterion() end, function(x, t)
    return t > 0 and t * (math.log(t) - x) or 0
  end, positive = true },
  { "MarginCriterion", function() return nn.MarginCriterion(0.7) end, function(x, t)
    return math.max(0, 0.7 - x * t)
  end, labels = true },
  { "SoftMarginCriterion", function() return nn.SoftMarginCriterion() end, function(x, t)
    return math.log(1 + math.exp(-x * t))
  end, labels = true },
}

for _, case in ipairs(elementwise) do
  local name, make, ref = case[1], case[2], case[3]
  describe("nn." .. name, function()
    local function data(rows, cols)
      local x = tocha.DoubleTensor(rows, cols):uniform(-2, 2)
      local t = tocha.DoubleTensor(rows, cols):uniform(-3, 3)
      if case.labels then t:sign() end
      if case.positive then t:uniform(0, 1); t[1][1] = 0 end
      return x, t
    end

    it("matches a reference loop, averaged or summed", function()
      tocha.manualSeed(3)
      local x, t = data(3, 4)
      local xs, ts = elems(x), elems(t)
      local sum = 0
      for i = 1, #xs do sum = sum + ref(xs[i], ts[i]) end
      local c = make():double()
      near(sum / #xs, c:forward(x, t))
      c.sizeAverage = false
      near(sum, c:forward(x, t))
      -- a float input gives the same value within float precision
      near(sum, c:forward(x:float(), t:float()), 1e-5)
    end)

    it("passes the float64 gradient check", function()
      tocha.manualSeed(4)
      for _, avg in ipairs({ true, false }) do
        local c = make():double()
        c.sizeAverage = avg
        local x, t = data(2, 5)
        assert.is_true(nn.Jacobian.testCriterion(c, x, t) <= TOL)
      end
    end)

    it("rejects a target of another size and a non-tensor input", function()
      local c = make()
      assert_error("nn." .. name .. ": input (2x2) and target (3) must have the same number of elements",
        function() c:forward(tocha.DoubleTensor(2, 2), tocha.DoubleTensor(3)) end)
      assert_error("nn." .. name .. ": input must be a tensor", function() c:forward(3, tocha.DoubleTensor(1)) end)
    end)
  end)
end

describe("nn.AbsCriterion at zero difference", function()
  it("has gradient +1/n where input == target (Torch7)", function()
    local g = nn.AbsCriterion():double():backward(D({ 1, 2 }), D({ 1, 3 }))
    assert.are.same({ 0.5, -0.5 }, g:totable())
  end)
end)

describe("nn.MultiMarginCriterion", function()
  local function ref(x, y, p, w, margin)
    local sum = 0
    for i = 1, #x do
      if i ~= y then
        local z = margin - x[y] + x[i]
        if z > 0 then sum = sum + z ^ p * (w and w[y] or 1) end
      end
    end
    return sum / #x
  end

  it("matches a reference loop for p 1 and 2, weights, margin and batches", function()
    tocha.manualSeed(5)
    local x = tocha.DoubleTensor(3, 6):uniform(-1, 1)
    local y = { 2, 6, 1 }
    local w = tocha.DoubleTensor(6):uniform(0, 2)
    for _, p in ipairs({ 1, 2 }) do
      for _, weights in ipairs({ false, true }) do
        local c = nn.MultiMarginCriterion(p, weights and w or nil, 0.4):double()
        local sum = 0
        for r = 1, 3 do sum = sum + ref(x[r]:totable(), y[r], p, weights and w:totable(), 0.4) end
        near(sum / 3, c:forward(x, tocha.LongTensor(y)))
        near(ref(x[2]:totable(), 6, p, weights and w:totable(), 0.4), c:forward(x[2], 6))
        assert.is_true(nn.Jacobian.testCriterion(c, x, tocha.DoubleTensor(y)) <= TOL)
        assert.is_true(nn.Jacobian.testCriterion(c, x[1]:clone(), 2) <= TOL)
      end
    end
  end)

  it("rejects bad p, targets out of range and mismatched weights", function()
    assert_error("nn.MultiMarginCriterion: p must be 1 or 2, got 3", function() nn.MultiMarginCriterion(3) end)
    local c = nn.MultiMarginCriterion()
    assert_error("target out of range 1..4", function() c:forward(tocha.DoubleTensor(4), 5) end)
    assert_error("target out of range 1..4", function()
      c:forward(tocha.DoubleTensor(2, 4), tocha.LongTensor({ 1, 0 }))
    end)
    assert_error("a tensor of 2 indices", function() c:forward(tocha.DoubleTensor(2, 4), tocha.LongTensor({ 1 })) end)
    assert_error("weights has 3 entries for 4 classes", function()
      nn.MultiMarginCriterion(1, tocha.DoubleTensor(3)):forward(tocha.DoubleTensor(4), 1)
    end)
  end)
end)

describe("nn.MultiLabelMarginCriterion", function()
  it("matches a reference loop; targets end at the first 0", function()
    tocha.manualSeed(6)
    local x = tocha.DoubleTensor(2, 5):uniform(-1, 1)
    local y = { { 3, 1, 0, 5, 0 }, { 2, 0, 0, 0, 0 } }
    local sum = 0
    local rows = x:totable()
    for r, row in ipairs(rows) do
      local labels, is = {}, {}
      for _, k in ipairs(y[r]) do
        if k == 0 then break end
        labels[#labels + 1], is[k] = k, true
      end
      for _, j in ipairs(labels) do
        for i = 1, 5 do
          if not is[i] then sum = sum + math.max(0, 1 - row[j] + row[i]) end
        end
      end
    end
    local c = nn.MultiLabelMarginCriterion():double()
    near(sum / 5 / 2, c:forward(x, D(y)))
    assert.is_true(nn.Jacobian.testCriterion(c, x, D(y)) <= TOL)
    assert_error("target 7 out of range 1..5", function() c:forward(x, D({ { 7, 0, 0, 0, 0 }, { 1, 0, 0, 0, 0 } })) end)
  end)
end)

describe("nn.MultiLabelSoftMarginCriterion", function()
  it("is BCE on sigmoid(input), with weights, for vectors and batches", function()
    tocha.manualSeed(7)
    local x = tocha.DoubleTensor(3, 4):uniform(-2, 2)
    local t = tocha.DoubleTensor(3, 4):uniform():round()
    local w = tocha.DoubleTensor(4):uniform(0.5, 1.5)
    local sum = 0
    for r = 1, 3 do
      for k = 1, 4 do
        local p = 1 / (1 + math.exp(-x[r][k]))
        sum = sum - w[k] * (t[r][k] * math.log(p + 1e-12) + (1 - t[r][k]) * math.log(1 - p + 1e-12))
      end
    end
    local c = nn.MultiLabelSoftMarginCriterion(w):double()
    near(sum / 12, c:forward(x, t), 1e-9)
    assert.is_true(nn.Jacobian.testCriterion(c, x, t) <= TOL)
    assert.is_true(nn.Jacobian.testCriterion(nn.MultiLabelSoftMarginCriterion():double(), x[1]:clone(), t[1]) <= TOL)
  end)
end)

describe("nn.HingeEmbeddingCriterion", function()
  it("sums x where y = 1 and max(0, margin - x) where y = -1", function()
    local c = nn.HingeEmbeddingCriterion(2):double()
    local x, y = D({ 0.3, 2.1, 1.8, 0 }), D({ 1, -1, -1, 1 })
    near((0.3 + 0 + 0.2 + 0) / 4, c:forward(x, y))
    assert.are.same({ 0.25, 0, -0.25, 0.25 }, c:backward(x, y):totable())
    c.sizeAverage = false
    near(0.5, c:forward(x, y))
    assert.is_true(nn.Jacobian.testCriterion(c, D({ 0.3, 2.5, 1.2, 0.7 }), y) <= TOL)
  end)
end)

describe("nn.L1HingeEmbeddingCriterion", function()
  it("is the L1 distance, or its hinge for dissimilar pairs", function()
    local c = nn.L1HingeEmbeddingCriterion(3):double()
    local a, b = D({ 1, 2 }), D({ 0, 3.5 })
    near(2.5, c:forward({ a, b }, 1))
    near(0.5, c:forward({ a, b }, -1))
    assert.are.same({ 1, -1 }, c:backward({ a, b }, 1)[1]:totable())
    assert.are.same({ -1, 1 }, c:backward({ a, b }, -1)[1]:totable())
    assert.are.same({ 1, -1 }, c:backward({ a, b }, -1)[2]:totable())
    assert.is_true(table_check(c, { a:clone(), b:clone() }, 1) <= TOL)
    assert.is_true(table_check(c, { a:clone(), b:clone() }, -1) <= TOL)
    assert_error("the label must be 1 or -1, got 0", function() c:forward({ a, b }, 0) end)
    assert_error("input must be a table of two tensors", function() c:forward(a, 1) end)
  end)
end)

describe("nn.CosineEmbeddingCriterion", function()
  local function cos(a, b)
    local d, na, nb = 0, 0, 0
    for i = 1, #a do d, na, nb = d + a[i] * b[i], na + a[i] ^ 2, nb + b[i] ^ 2 end
    return d / math.sqrt((na + 1e-12) * (nb + 1e-12))
  end

  it("is 1 - cos for y = 1 and max(0, cos - margin) for y = -1", function()
    tocha.manualSeed(8)
    local x1, x2 = tocha.DoubleTensor(3, 4):uniform(-1, 1), tocha.DoubleTensor(3, 4):uniform(-1, 1)
    local y = { 1, -1, -1 }
    local sum = 0
    for r = 1, 3 do
      local c = cos(x1[r]:totable(), x2[r]:totable())
      sum = sum + (y[r] == 1 and 1 - c or math.max(0, c - 0.1))
    end
    local crit = nn.CosineEmbeddingCriterion(0.1):double()
    near(sum / 3, crit:forward({ x1, x2 }, D(y)))
    assert.is_true(table_check(crit, { x1, x2 }, D(y)) <= TOL)
    crit.sizeAverage = false
    near(sum, crit:forward({ x1, x2 }, D(y)))
    assert.is_true(table_check(crit, { x1, x2 }, D(y)) <= TOL)
    near(1 - cos(x1[1]:totable(), x2[1]:totable()), crit:forward({ x1[1], x2[1] }, 1))
    assert.is_true(table_check(crit, { x1[1]:clone(), x2[1]:clone() }, -1) <= TOL)
  end)

  it("has zero gradient where the hinge is inactive", function()
    local crit = nn.CosineEmbeddingCriterion(0.6):double()
    local g = crit:backward({ D({ 1, 0 }), D({ 0.5, math.sqrt(3) / 2 }) }, -1)
    assert.are.same({ 0, 0 }, g[1]:totable())
    assert.are.same({ 0, 0 }, g[2]:totable())
    assert_error("y must be a number or a tensor of 2 labels", function()
      crit:forward({ D({ { 1, 0 }, { 0, 1 } }), D({ { 1, 0 }, { 0, 1 } }) }, D({ 1 }))
    end)
  end)
end)

describe("nn.MarginRankingCriterion", function()
  it("is max(0, -y (x1 - x2) + margin), for one pair and batches", function()
    tocha.manualSeed(9)
    local c = nn.MarginRankingCriterion(0.3):double()
    near(math.max(0, -(0.5 - 0.9) + 0.3), c:forward({ D({ 0.5 }), D({ 0.9 }) }, 1))
    local g = c:backward({ D({ 0.5 }), D({ 0.9 }) }, 1)
    assert.are.same({ -1 }, g[1]:totable())
    assert.are.same({ 1 }, g[2]:totable())
    local a, b = tocha.DoubleTensor(5):uniform(), tocha.DoubleTensor(5):uniform()
    local y = D({ 1, -1, 1, 1, -1 })
    local sum = 0
    for i = 1, 5 do sum = sum + math.max(0, -y[i] * (a[i] - b[i]) + 0.3) end
    near(sum / 5, c:forward({ a, b }, y))
    assert.is_true(table_check(c, { a, b }, y) <= TOL)
    -- a float copy computes the same with float tensors
    local cf = c:clone():float()
    near(sum / 5, cf:forward({ a:float(), b:float() }, y:float()), 1e-6)
    assert.are.equal("tocha.FloatTensor", tocha.type(cf:backward({ a:float(), b:float() }, y:float())[1]))
  end)
end)

describe("nn.WeightedMSECriterion", function()
  it("is MSE between input and target .* w (Torch7), w repeated over a batch", function()
    tocha.manualSeed(10)
    local w = tocha.DoubleTensor(3):uniform()
    local x, t = tocha.DoubleTensor(2, 3):uniform(), tocha.DoubleTensor(2, 3):uniform()
    local sum = 0
    for r = 1, 2 do
      for k = 1, 3 do sum = sum + (x[r][k] - t[r][k] * w[k]) ^ 2 end
    end
    local c = nn.WeightedMSECriterion(w):double()
    near(sum / 6, c:forward(x, t))
    assert.is_true(nn.Jacobian.testCriterion(c, x, t) <= TOL)
    assert_error("nn.WeightedMSECriterion: w must be a tensor", function() nn.WeightedMSECriterion(2) end)
  end)
end)

describe("nn.MultiCriterion and nn.ParallelCriterion", function()
  it("add weighted criterions on one input, or one per input entry", function()
    tocha.manualSeed(12)
    local x, t = tocha.DoubleTensor(2, 4):uniform(), tocha.DoubleTensor(2, 4):uniform()
    local mse, abs = nn.MSECriterion():double(), nn.AbsCriterion():double()
    local mc = nn.MultiCriterion():add(mse, 0.5):add(abs)
    near(mse:forward(x, t) / 2 + abs:forward(x, t), mc:forward(x, t))
    local expect = mse:backward(x, t):clone():div(2):add(abs:backward(x, t))
    assert.is_true(mc:backward(x, t):clone():add(-1, expect):abs():max() < 1e-12)
    assert.is_true(nn.Jacobian.testCriterion(mc, x, t) <= TOL)

    local y = tocha.DoubleTensor(2, 4):uniform()
    local pc = nn.ParallelCriterion():add(mse, 0.5):add(abs)
    near(mse:forward(x, t) / 2 + abs:forward(y, t), pc:forward({ x, y }, { t, t }))
    local g = pc:backward({ x, y }, { t, t })
    assert.is_true(g[1]:clone():add(-0.5, mse:backward(x, t)):abs():max() < 1e-12)
    assert.is_true(table_check(pc, { x, y }, { t, t }) <= TOL)
    local rep = nn.ParallelCriterion(true):add(mse):add(abs, 2)
    near(mse:forward(x, t) + 2 * abs:forward(y, t), rep:forward({ x, y }, t))
    -- nested tables
    local nested = nn.ParallelCriterion():add(mse):add(nn.ParallelCriterion():add(abs):add(mse))
    near(mse:forward(x, t) + abs:forward(y, t) + mse:forward(x, t), nested:forward({ x, { y, x } }, { t, { t, t } }))
    assert_error("input must be a table of 2 entries", function() pc:forward(x, { t, t }) end)
    assert_error("criterion expected, got number", function() mc:add(3) end)
  end)

  it("convert with :float()", function()
    local mc = nn.MultiCriterion():add(nn.WeightedMSECriterion(tocha.DoubleTensor({ 1, 2 })))
    mc:float()
    assert.are.equal("tocha.FloatTensor", tocha.type(mc.criterions[1].weight))
  end)
end)

describe("nn.ModuleCriterion", function()
  it("applies the criterion to the input module's output and backpropagates through it", function()
    tocha.manualSeed(13)
    local x, t = tocha.DoubleTensor(3, 2):uniform(-1, 1), tocha.DoubleTensor(3, 2):uniform()
    local tanh, mse = nn.Tanh():double(), nn.MSECriterion():double()
    local mc = nn.ModuleCriterion(mse, tanh)
    local y = x:clone():tanh()
    local sum = 0
    for _, d in ipairs(elems(y:clone():add(-1, t))) do sum = sum + d * d end
    near(sum / 6, mc:forward(x, t))
    assert.is_true(nn.Jacobian.testCriterion(mc, x, t) <= TOL)
    assert_error("nn.ModuleCriterion: criterion expected", function() nn.ModuleCriterion(nn.Tanh()) end)
  end)
end)

describe("nn.ClassSimplexCriterion", function()
  it("embeds classes as unit vertices of a regular simplex and takes the MSE to them", function()
    local c = nn.ClassSimplexCriterion(4):double()
    local s = c.simplex
    for i = 1, 4 do
      near(1, s[i]:norm(), 1e-6)
      for j = i + 1, 4 do near(-1 / 3, s[i]:dot(s[j]), 1e-6) end
    end
    tocha.manualSeed(14)
    local x = tocha.DoubleTensor(4):uniform()
    near(x:dist(s[3]) ^ 2 / 4, c:forward(x, 3))
    assert.is_true(nn.Jacobian.testCriterion(c, x, 3) <= TOL)
    local xb = tocha.DoubleTensor(2, 4):uniform()
    assert.is_true(nn.Jacobian.testCriterion(c, xb, D({ 1, 4 })) <= TOL)
    assert.are.same({ 2 }, c:getTopPrediction(s[2]:clone()):totable())
    assert_error("nClasses must be an integer >= 2", function() nn.ClassSimplexCriterion(1) end)
    assert_error("target 5 out of range 1..4", function() c:forward(x, 5) end)
  end)
end)

describe("nn.L1Cost and nn.L1Penalty", function()
  it("L1Cost is sum |x| with gradient sign(x)", function()
    local c = nn.L1Cost():double()
    near(4.5, c:forward(D({ -1, 0, 3.5 })))
    assert.are.same({ -1, 0, 1 }, c:backward(D({ -1, 0, 3.5 })):totable())
  end)

  it("L1Penalty passes its input through and adds w sign(x) to the gradient", function()
    local m = nn.L1Penalty(0.5):double()
    local x = D({ -2, 0, 1 })
    assert.are.equal(x, m:forward(x))
    near(1.5, m.loss)
    assert.are.same({ 0.5, 1, 1.5 }, m:backward(x, D({ 1, 1, 1 })):totable())
    local avg = nn.L1Penalty(0.5, true, false):double()
    avg:forward(x)
    near(0.5, avg.loss)
    assert.are.same({ -0.5 / 3, 0, 0.5 / 3 }, avg:backward(x, D({ 1, 1, 1 })):totable())
    assert_error("nn.L1Penalty: l1weight must be a number", function() nn.L1Penalty() end)
  end)
end)

describe("nn.CrossEntropyCriterion and nll.sizeAverage", function()
  it("keeps a directly set nll.sizeAverage and propagates a changed sizeAverage (Torch7)", function()
    local c = nn.CrossEntropyCriterion()
    c.nll.sizeAverage = false
    local x = tocha.DoubleTensor(2, 3):uniform()
    local t = tocha.LongTensor({ 1, 3 })
    c:double():forward(x, t)
    assert.is_false(c.nll.sizeAverage)
    local c2 = nn.CrossEntropyCriterion():double()
    c2.sizeAverage = false
    c2:forward(x, t)
    assert.is_false(c2.nll.sizeAverage)
    assert.is_true(nn.Jacobian.testCriterion(c2, x, t) <= TOL)
  end)
end)

describe("nn.DistanceRatioCriterion", function()
  it("is X + log(exp(-X) + exp(-Y)), averaged, with its gradient", function()
    tocha.manualSeed(15)
    local X, Y = tocha.DoubleTensor(5, 1):uniform(0, 3), tocha.DoubleTensor(5, 1):uniform(0, 3)
    local c = nn.DistanceRatioCriterion():double()
    local sum = 0
    for i = 1, 5 do sum = sum + X[i][1] + math.log(math.exp(-X[i][1]) + math.exp(-Y[i][1])) end
    near(sum / 5, c:forward({ X, Y }))
    assert.is_true(table_check(c, { X, Y }) <= TOL)
    c.sizeAverage = false
    near(sum, c:forward({ X, Y }))
    assert_error("nn.DistanceRatioCriterion: input must be {X, Y}", function() c:forward({ X, D({ 1 }) }) end)
  end)
end)
