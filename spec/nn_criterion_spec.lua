-- tocha.nn criterions: values, gradients (checked by finite differences),
-- errors, and a small network trained end to end.
local tocha = require "tocha"
local nn = require "tocha.nn"

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

local function assert_near(expected, got, tol)
  tol = tol or 1e-12
  if tocha.isTensor(got) then got = got:totable() end
  if type(expected) == "table" then
    assert.are.equal(#expected, #got)
    for i = 1, #expected do assert_near(expected[i], got[i], tol) end
  else
    assert.is_true(math.abs(expected - got) <= tol * math.max(1, math.abs(expected)),
      string.format("expected %.17g, got %.17g", expected, got))
  end
end

local TOL = 1e-6
local log, exp = math.log, math.exp

describe("nn.MSECriterion", function()
  local x = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })
  local t = tocha.DoubleTensor({ { 0, 2 }, { 5, 3 } })

  it("averages or sums squared errors; gradient 2 (x - t) / n", function()
    local c = nn.MSECriterion():double()
    assert_near((1 + 0 + 4 + 1) / 4, c:forward(x, t))
    assert_near({ { 0.5, 0 }, { -1, 0.5 } }, c:backward(x, t))
    local s = nn.MSECriterion(false):double()
    assert_near(6, s:forward(x, t))
    assert_near({ { 2, 0 }, { -4, 2 } }, s:backward(x, t))
    assert.is_false(s.sizeAverage)
    -- float, and a strided target
    local cf = nn.MSECriterion()
    assert_near(1.5, cf:forward(x:float(), t:float()), 1e-7)
    assert_near((1 + 9 + 1 + 1) / 4, c:forward(x, t:t()))
  end)

  it("passes the gradient check for vectors and batches", function()
    tocha.manualSeed(11)
    for _, avg in ipairs({ true, false }) do
      local c = nn.MSECriterion(avg):double()
      assert.is_true(nn.Jacobian.testCriterion(c, tocha.DoubleTensor(5):uniform(-1, 1),
        tocha.DoubleTensor(5):uniform()) <= TOL)
      assert.is_true(nn.Jacobian.testCriterion(c, tocha.DoubleTensor(3, 4):uniform(-1, 1),
        tocha.DoubleTensor(3, 4):uniform()) <= TOL)
    end
  end)

  it("rejects mismatched shapes and types", function()
    local c = nn.MSECriterion():double()
    assert_error("nn.MSECriterion: target has size 4 but input has size 2x2", function()
      c:forward(x, tocha.DoubleTensor(4))
    end)
    assert_error("nn.MSECriterion: target is a FloatTensor but input is a DoubleTensor", function()
      c:forward(x, t:float())
    end)
    assert_error("nn.MSECriterion: target must be a tensor, got nil", function() c:forward(x) end)
    assert_error("nn.MSECriterion: sizeAverage must be a boolean, got number", function() nn.MSECriterion(1) end)
  end)
end)

describe("nn.ClassNLLCriterion", function()
  local x = tocha.DoubleTensor({ { -1, -2, -3 }, { -0.5, -1.5, -2.5 } })

  it("takes -input[target], averaged over the batch", function()
    local c = nn.ClassNLLCriterion():double()
    assert_near((3 + 0.5) / 2, c:forward(x, tocha.LongTensor({ 3, 1 })))
    assert_near({ { 0, 0, -0.5 }, { -0.5, 0, 0 } }, c:backward(x, tocha.LongTensor({ 3, 1 })))
    -- targets may be Float or Double tensors of integers too
    assert_near(3.5 / 2, c:forward(x, tocha.FloatTensor({ 3, 1 })))
    assert_near(3.5 / 2, c:forward(x, tocha.DoubleTensor({ 3, 1 })))
    local s = nn.ClassNLLCriterion(nil, false):double()
    assert_near(3.5, s:forward(x, tocha.LongTensor({ 3, 1 })))
    assert_near({ { 0, 0, -1 }, { -1, 0, 0 } }, s:backward(x, tocha.LongTensor({ 3, 1 })))
  end)

  it("takes a number or one-element target for a single sample", function()
    local c = nn.ClassNLLCriterion():double()
    assert_near(1.5, c:forward(x[2], 2))
    assert_near({ 0, -1, 0 }, c:backward(x[2], 2))
    assert_near(2, c:forward(x[1], tocha.LongTensor({ 2 })))
  end)

  it("weights classes and averages by the total weight of the targets", function()
    local w = tocha.DoubleTensor({ 0.5, 2, 4 })
    local c = nn.ClassNLLCriterion(w):double()
    -- -(4 * -3 + 0.5 * -0.5) / (4 + 0.5)
    assert_near(12.25 / 4.5, c:forward(x, tocha.LongTensor({ 3, 1 })))
    assert_near({ { 0, 0, -4 / 4.5 }, { -0.5 / 4.5, 0, 0 } }, c:backward(x, tocha.LongTensor({ 3, 1 })))
    local s = nn.ClassNLLCriterion(w, false):double()
    assert_near(12.25, s:forward(x, tocha.LongTensor({ 3, 1 })))
  end)

  it("skips targets equal to ignoreIndex", function()
    local c = nn.ClassNLLCriterion(nil, true, 0):double()
    assert_near(3, c:forward(x, tocha.LongTensor({ 3, 0 })))
    assert_near({ { 0, 0, -1 }, { 0, 0, 0 } }, c:backward(x, tocha.LongTensor({ 3, 0 })))
    assert.are.equal(-100, nn.ClassNLLCriterion().ignoreIndex)
  end)

  it("passes the gradient check, with and without weights", function()
    tocha.manualSeed(12)
    local weights = tocha.DoubleTensor({ 1, 3, 0.5, 2 })
    for _, c in ipairs({ nn.ClassNLLCriterion(), nn.ClassNLLCriterion(weights, false) }) do
      c:double()
      assert.is_true(nn.Jacobian.testCriterion(c, tocha.DoubleTensor(5, 4):uniform(-3, 0),
        tocha.LongTensor({ 1, 4, 2, 2, 3 })) <= TOL)
      assert.is_true(nn.Jacobian.testCriterion(c, tocha.DoubleTensor(4):uniform(-3, 0), 3) <= TOL)
    end
  end)

  it("names a bad target's value and row", function()
    local c = nn.ClassNLLCriterion():double()
    assert_error("nn.ClassNLLCriterion: target 7 at row 2 out of range 1..3", function()
      c:forward(x, tocha.LongTensor({ 1, 7 }))
    end)
    assert_error("nn.ClassNLLCriterion: target 0 at row 1 out of range 1..3", function()
      c:backward(x, tocha.LongTensor({ 0, 1 }))
    end)
    assert_error("nn.ClassNLLCriterion: target 4 out of range 1..3", function() c:forward(x[1], 4) end)
    assert_error("nn.ClassNLLCriterion: target 1.5 at row 2 is not an integer class index", function()
      c:forward(x, tocha.DoubleTensor({ 1, 1.5 }))
    end)
    assert_error("nn.ClassNLLCriterion: target 2.5 is not an integer class index", function() c:forward(x[1], 2.5) end)
    assert_error("nn.ClassNLLCriterion: target must be a vector of 2 class indices for input of size 2x3, got size 3",
      function() c:forward(x, tocha.LongTensor({ 1, 2, 3 })) end)
    assert_error("nn.ClassNLLCriterion: target must be a Float, Double, Long or IntTensor of class indices, "
      .. "got a ByteTensor", function() c:forward(x, tocha.ByteTensor({ 1, 2 })) end)
    -- Int, Short and Char targets are class indices too (Torch7's scripts use IntTensors)
    local want = c:forward(x, tocha.LongTensor({ 3, 1 }))
    assert.are.equal(want, c:forward(x, tocha.IntTensor({ 3, 1 })))
    assert.are.equal(want, c:forward(x, tocha.CharTensor({ 3, 1 })))
    assert_error("nn.ClassNLLCriterion: input must be a vector (n) or a matrix (batch, n), got size 2x3x1",
      function() c:forward(x:view(2, 3, 1), tocha.LongTensor({ 1, 2 })) end)
    assert_error("nn.ClassNLLCriterion: weights must be a vector of 3 class weights, got size 2", function()
      nn.ClassNLLCriterion(tocha.DoubleTensor({ 1, 2 })):forward(x, tocha.LongTensor({ 1, 2 }))
    end)
    assert_error("nn.ClassNLLCriterion: weights must be a vector (1D tensor), got a 2D tensor", function()
      nn.ClassNLLCriterion(tocha.DoubleTensor(2, 2))
    end)
  end)
end)

describe("nn.CrossEntropyCriterion", function()
  it("is LogSoftMax followed by ClassNLLCriterion", function()
    local c = nn.CrossEntropyCriterion():double()
    local x = tocha.DoubleTensor({ 1, 2, 3 })
    local z = exp(1) + exp(2) + exp(3)
    assert_near(-(3 - log(z)), c:forward(x, 3))
    -- gradient: softmax - onehot
    assert_near({ exp(1) / z, exp(2) / z, exp(3) / z - 1 }, c:backward(x, 3))
    local b = tocha.DoubleTensor({ { 1, 2, 3 }, { 3, 2, 1 } })
    assert_near((-(3 - log(z)) - (2 - log(z))) / 2, c:forward(b, tocha.LongTensor({ 3, 2 })))
    local g = c:backward(b, tocha.LongTensor({ 3, 2 }))
    assert_near({ { exp(1) / z / 2, exp(2) / z / 2, (exp(3) / z - 1) / 2 },
      { exp(3) / z / 2, (exp(2) / z - 1) / 2, exp(1) / z / 2 } }, g)
  end)

  it("passes the gradient check, with weights and sizeAverage", function()
    tocha.manualSeed(13)
    local weights = tocha.DoubleTensor({ 2, 1, 0.5 })
    for _, c in ipairs({ nn.CrossEntropyCriterion(), nn.CrossEntropyCriterion(weights, false) }) do
      c:double()
      assert.is_true(nn.Jacobian.testCriterion(c, tocha.DoubleTensor(4, 3):uniform(-2, 2),
        tocha.LongTensor({ 1, 3, 2, 3 })) <= TOL)
      assert.is_true(nn.Jacobian.testCriterion(c, tocha.DoubleTensor(3):uniform(-2, 2), 2) <= TOL)
    end
  end)

  it("reports errors as its own", function()
    local c = nn.CrossEntropyCriterion():double()
    assert_error("nn.CrossEntropyCriterion: target 5 at row 1 out of range 1..3", function()
      c:forward(tocha.DoubleTensor(2, 3), tocha.LongTensor({ 5, 1 }))
    end)
    assert_error("nn.CrossEntropyCriterion: input must be a tensor, got string", function() c:forward("x", 1) end)
  end)
end)

describe("nn.BCECriterion", function()
  local p = tocha.DoubleTensor({ { 0.9, 0.2 }, { 0.6, 0.3 } })
  local t = tocha.DoubleTensor({ { 1, 0 }, { 0, 1 } })

  it("computes the binary cross entropy, weighted or not", function()
    local c = nn.BCECriterion():double()
    assert_near(-(log(0.9) + log(0.8) + log(0.4) + log(0.3)) / 4, c:forward(p, t), 1e-10)
    assert_near({ { -1 / 0.9 / 4, 1 / 0.8 / 4 }, { 1 / 0.4 / 4, -1 / 0.3 / 4 } }, c:backward(p, t), 1e-10)
    local w = nn.BCECriterion(tocha.DoubleTensor({ 2, 0.5 }), false):double()
    assert_near(-(2 * log(0.9) + 0.5 * log(0.8) + 2 * log(0.4) + 0.5 * log(0.3)), w:forward(p, t), 1e-10)
    assert_near({ { -2 / 0.9, 0.5 / 0.8 }, { 2 / 0.4, -0.5 / 0.3 } }, w:backward(p, t), 1e-10)
    local v = nn.BCECriterion():double()
    assert_near(-log(0.9) / 1, v:forward(tocha.DoubleTensor({ 0.9 }), tocha.DoubleTensor({ 1 })), 1e-10)
  end)

  it("passes the gradient check", function()
    tocha.manualSeed(14)
    for _, c in ipairs({ nn.BCECriterion(), nn.BCECriterion(tocha.DoubleTensor({ 1, 2, 0.5 }), false) }) do
      c:double()
      assert.is_true(nn.Jacobian.testCriterion(c, tocha.DoubleTensor(4, 3):uniform(0.05, 0.95),
        tocha.DoubleTensor(4, 3):bernoulli(0.5)) <= TOL)
    end
    assert.is_true(nn.Jacobian.testCriterion(nn.BCECriterion():double(), tocha.DoubleTensor(6):uniform(0.05, 0.95),
      tocha.DoubleTensor(6):uniform()) <= TOL)
  end)

  it("rejects inputs that are not probabilities and mismatched weights", function()
    local c = nn.BCECriterion():double()
    assert_error("nn.BCECriterion: input must hold probabilities in [0, 1], got 1.5 at element 3", function()
      c:forward(tocha.DoubleTensor({ 0.5, 0.5, 1.5 }), tocha.DoubleTensor({ 1, 0, 1 }))
    end)
    assert_error("nn.BCECriterion: weights must have the input's size 2x2 or one weight per column, got size 3",
      function() nn.BCECriterion(tocha.DoubleTensor(3)):double():forward(p, t) end)
    assert_error("nn.BCECriterion: weights must be a tensor, got table", function() nn.BCECriterion({ 1 }) end)
  end)
end)

describe("nn.Criterion", function()
  it("__call__ runs forward and backward", function()
    local c = nn.MSECriterion():double()
    local loss, grad = c(tocha.DoubleTensor({ 1, 2 }), tocha.DoubleTensor({ 0, 0 }))
    assert_near(2.5, loss)
    assert_near({ 1, 2 }, grad)
    assert.are.equal(loss, c.output)
  end)

  it("converts its tensors with type/float/double and clones deeply", function()
    local c = nn.ClassNLLCriterion(tocha.FloatTensor({ 1, 2 }))
    assert.are.equal("nn.ClassNLLCriterion", c:type())
    c:double()
    assert.are.equal("tocha.DoubleTensor", c.weights:type())
    assert.are.equal("tocha.DoubleTensor", c.gradInput:type())
    local d = c:clone()
    d.weights:fill(5)
    assert.are.same({ 1, 2 }, c.weights:totable())
    c:float()
    assert.are.equal("tocha.FloatTensor", c.weights:type())
    local ce = nn.CrossEntropyCriterion():double()
    assert.are.equal("tocha.DoubleTensor", ce.lsm.output:type())
  end)

  it("prints its class name", function()
    assert.are.equal("nn.MSECriterion", tostring(nn.MSECriterion()))
    assert.are.equal("nn.ClassNLLCriterion", tostring(nn.ClassNLLCriterion()))
  end)

  it("is not a module", function()
    assert.is_false(tocha.class.istype(nn.MSECriterion(), "nn.Module"))
    assert.is_true(tocha.class.istype(nn.BCECriterion(), "nn.Criterion"))
    assert_error("nn.Module expected", function() nn.Sequential():add(nn.MSECriterion()) end)
  end)
end)

describe("training a small network", function()
  it("drives the loss of a toy problem near zero with plain SGD", function()
    tocha.manualSeed(2024)
    -- four 2-D points, XOR-like classes (not linearly separable)
    local inputs = tocha.DoubleTensor({ { -1, -1 }, { -1, 1 }, { 1, -1 }, { 1, 1 } })
    local targets = tocha.LongTensor({ 1, 2, 2, 1 })
    local net = nn.Sequential()
      :add(nn.Linear(2, 8))
      :add(nn.ReLU())
      :add(nn.Linear(8, 2))
      :add(nn.LogSoftMax())
    net:double()
    local criterion = nn.ClassNLLCriterion():double()
    local params, grads = net:getParameters()
    assert.are.equal(2 * 8 + 8 + 8 * 2 + 2, params:nElement())

    local first_loss, loss
    for epoch = 1, 1000 do
      net:zeroGradParameters()
      loss = criterion:forward(net:forward(inputs), targets)
      if epoch == 1 then first_loss = loss end
      net:backward(inputs, criterion:backward(net.output, targets))
      net:updateParameters(0.2)
    end
    assert.is_true(loss < 0.01, "final loss " .. loss .. " from " .. first_loss)
    assert.is_true(first_loss > 0.3)
    -- every point classified correctly
    local _, predicted = net:forward(inputs):max(2)
    assert.are.same({ { 1 }, { 2 }, { 2 }, { 1 } }, predicted:totable())

    -- the flat views stay the module's tensors: the same storage, and
    -- editing the flat tensor edits the modules
    local linear1 = net:get(1)
    assert.are.equal(params:storage():pointer(), linear1.weight:storage():pointer())
    assert.are.equal(grads:storage():pointer(), net:get(3).gradBias:storage():pointer())
    local before = linear1.weight[1][1]
    params[1] = before + 1
    assert.are.equal(before + 1, linear1.weight[1][1])
    -- one SGD step through the flat tensors equals updateParameters
    net:zeroGradParameters()
    criterion:forward(net:forward(inputs), targets)
    net:backward(inputs, criterion:backward(net.output, targets))
    local expected = params:clone():add(-0.1, grads)
    net:updateParameters(0.1)
    assert.are.same(expected:totable(), params:totable())
  end)
end)
