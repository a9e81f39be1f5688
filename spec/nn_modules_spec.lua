-- tocha.nn layers and containers: gradient checks, values, printing,
-- parameters and errors.
local tocha = require "tocha"
local nn = require "tocha.nn"

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

-- Compares a tensor with a nested table of expected numbers.
local function assert_near(expected, t, tol)
  tol = tol or 1e-12
  local got = tocha.isTensor(t) and t:totable() or t
  local function walk(e, g, path)
    if type(e) == "table" then
      assert.are.equal(#e, #g, "length at " .. path)
      for i = 1, #e do walk(e[i], g[i], path .. "[" .. i .. "]") end
    else
      assert.is_true(math.abs(e - g) <= tol * math.max(1, math.abs(e)),
        string.format("at %s: expected %.17g, got %.17g", path, e, g))
    end
  end
  walk(expected, got, "")
end

local function sigmoid(x) return 1 / (1 + math.exp(-x)) end
local function tanh(x) return (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1) end

local function double_mode(fn)
  return function()
    local saved = tocha.getdefaulttensortype()
    tocha.setdefaulttensortype("tocha.DoubleTensor")
    local ok, err = pcall(fn)
    tocha.setdefaulttensortype(saved)
    if not ok then error(err, 0) end
  end
end

local TOL = 1e-6

describe("nn.Jacobian gradient checks (double)", function()
  before_each(function() tocha.manualSeed(1234) end)

  local function check(make, sizes)
    for _, size in ipairs(sizes) do
      local err = nn.Jacobian.testJacobian(make(), tocha.DoubleTensor(table.unpack(size)))
      assert.is_true(err <= TOL, string.format("%s on %s: error %g", tostring(make()),
        table.concat(size, "x"), err))
    end
  end

  local vector_and_batch = { { 5 }, { 4, 5 } }

  it("passes for every activation, in place or not", double_mode(function()
    check(function() return nn.ReLU() end, vector_and_batch)
    check(function() return nn.ReLU(true) end, vector_and_batch)
    check(function() return nn.LeakyReLU() end, vector_and_batch)
    check(function() return nn.LeakyReLU(0.3, true) end, vector_and_batch)
    check(function() return nn.ELU() end, vector_and_batch)
    check(function() return nn.ELU(0.5, true) end, vector_and_batch)
    check(function() return nn.Tanh() end, vector_and_batch)
    check(function() return nn.Sigmoid() end, vector_and_batch)
    check(function() return nn.Identity() end, vector_and_batch)
  end))

  it("passes for SoftMax and LogSoftMax", double_mode(function()
    check(function() return nn.SoftMax() end, vector_and_batch)
    check(function() return nn.LogSoftMax() end, vector_and_batch)
  end))

  it("passes for Linear, with and without bias, on its input and parameters", double_mode(function()
    check(function() return nn.Linear(5, 3) end, vector_and_batch)
    check(function() return nn.Linear(5, 3, false) end, vector_and_batch)
    for _, size in ipairs(vector_and_batch) do
      local m = nn.Linear(5, 3)
      local input = tocha.DoubleTensor(table.unpack(size))
      assert.is_true(nn.Jacobian.testJacobianParameters(m, input, m.weight, m.gradWeight) <= TOL)
      assert.is_true(nn.Jacobian.testJacobianParameters(m, input, m.bias, m.gradBias) <= TOL)
      assert.is_true(nn.Jacobian.testJacobianUpdateParameters(m, input, m.weight) <= TOL)
      assert.is_true(nn.Jacobian.testJacobianUpdateParameters(m, input, m.bias) <= TOL)
      local nb = nn.Linear(5, 3, false)
      assert.is_true(nn.Jacobian.testJacobianParameters(nb, input, nb.weight, nb.gradWeight) <= TOL)
    end
  end))

  it("passes for View and Reshape", double_mode(function()
    check(function() return nn.View(5) end, vector_and_batch)
    check(function() return nn.View(-1):setNumInputDims(1) end, vector_and_batch)
    check(function() return nn.Reshape(5, 1) end, vector_and_batch)
  end))

  it("passes for Sequential, Concat, ConcatTable and Parallel", double_mode(function()
    check(function()
      return nn.Sequential():add(nn.Linear(5, 4)):add(nn.Tanh()):add(nn.Linear(4, 3)):add(nn.LogSoftMax())
    end, vector_and_batch)
    check(function() return nn.Concat(1):add(nn.Linear(5, 2)):add(nn.Sigmoid()) end, { { 5 } })
    check(function() return nn.Concat(2):add(nn.Linear(5, 2)):add(nn.ReLU()) end, { { 4, 5 } })
    check(function() return nn.ConcatTable():add(nn.Linear(5, 2)):add(nn.Tanh()) end, vector_and_batch)
    check(function() return nn.Parallel(1, 1):add(nn.Linear(5, 2)):add(nn.ELU()):add(nn.Tanh()):add(nn.Sigmoid())
    end, { { 4, 5 } })
    check(function() return nn.Parallel(2, 1):add(nn.Linear(4, 2)):add(nn.Tanh()) end, { { 4, 2 } })
  end))

  it("checks a container's parameters through getParameters", double_mode(function()
    local net = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()):add(nn.Linear(3, 2))
    local w, dw = net:getParameters()
    assert.is_true(nn.Jacobian.testJacobianParameters(net, tocha.DoubleTensor(3, 4), w, dw) <= TOL)
  end))

  it("reports a wrong backward", double_mode(function()
    local Broken = tocha.class("nn.BrokenTanhForTest", "nn.Tanh")
    function Broken:updateGradInput(input, gradOutput)
      nn.Tanh.updateGradInput(self, input, gradOutput)
      self.gradInput:mul(1.01)
      return self.gradInput
    end
    assert.is_true(nn.Jacobian.testJacobian(Broken(), tocha.DoubleTensor(5), -1, 1) > 1e-4)
  end))

  it("leaves the tensors of float modules in float and still runs", function()
    local m = nn.Tanh()
    local err = nn.Jacobian.testJacobian(m, tocha.FloatTensor(6), -1, 1, 1e-2)
    assert.is_true(err < 1e-2, "float error " .. err)
    assert.are.equal("tocha.FloatTensor", m.output:type())
  end)
end)

describe("nn.Linear", function()
  local function fixed(bias)
    local m = nn.Linear(2, 3, bias):double()
    m.weight:copy(tocha.DoubleTensor({ { 1, 2 }, { 3, 4 }, { 5, 6 } }))
    if m.bias then m.bias:copy(tocha.DoubleTensor({ 0.5, -1, 2 })) end
    return m
  end

  it("computes W x + b for a vector and a batch", function()
    local m = fixed()
    assert_near({ -0.5, -2, 1 }, m:forward(tocha.DoubleTensor({ 1, -1 })))
    assert_near({ { -0.5, -2, 1 }, { 5.5, 10, 19 } }, m:forward(tocha.DoubleTensor({ { 1, -1 }, { 1, 2 } })))
    local nb = fixed(false)
    assert_near({ { -1, -1, -1 }, { 5, 11, 17 } }, nb:forward(tocha.DoubleTensor({ { 1, -1 }, { 1, 2 } })))
  end)

  it("takes strided (transposed) inputs", function()
    local m = fixed()
    local x = tocha.DoubleTensor({ { 1, 1 }, { -1, 2 } }):t()
    assert.is_false(x:isContiguous())
    assert_near({ { -0.5, -2, 1 }, { 5.5, 10, 19 } }, m:forward(x))
  end)

  it("computes gradInput, and accumulates gradWeight and gradBias with a scale", function()
    local m = fixed()
    local x = tocha.DoubleTensor({ { 1, -1 }, { 1, 2 } })
    local g = tocha.DoubleTensor({ { 1, 0, -1 }, { 0.5, 1, 2 } })
    m:zeroGradParameters()
    m:forward(x)
    -- gradInput = g W
    assert_near({ { -4, -4 }, { 13.5, 17 } }, m:backward(x, g))
    -- gradWeight = g^T x, gradBias = column sums of g
    assert_near({ { 1.5, 0 }, { 1, 2 }, { 1, 5 } }, m.gradWeight)
    assert_near({ 1.5, 1, 1 }, m.gradBias)
    m:backward(x, g, 0.5)
    assert_near({ { 2.25, 0 }, { 1.5, 3 }, { 1.5, 7.5 } }, m.gradWeight)
    assert_near({ 2.25, 1.5, 1.5 }, m.gradBias)
    -- a single sample
    m:zeroGradParameters()
    local xv, gv = tocha.DoubleTensor({ 2, 1 }), tocha.DoubleTensor({ 1, -1, 0 })
    m:forward(xv)
    assert_near({ -2, -2 }, m:backward(xv, gv))
    assert_near({ { 2, 1 }, { -2, -1 }, { 0, 0 } }, m.gradWeight)
    assert_near({ 1, -1, 0 }, m.gradBias)
  end)

  it("initialises uniformly in (-1/sqrt(inputSize), 1/sqrt(inputSize)) and resets with a stdv", function()
    tocha.manualSeed(5)
    local m = nn.Linear(100, 50)
    local bound = 1 / math.sqrt(100)
    assert.is_true(m.weight:max() <= bound and m.weight:min() >= -bound)
    assert.is_true(m.weight:max() > 0.9 * bound and m.weight:min() < -0.9 * bound)
    assert.is_true(m.bias:abs():max() <= bound)
    m:reset(0.01)
    local b2 = 0.01 * math.sqrt(3)
    assert.is_true(m.weight:abs():max() <= b2 and m.weight:abs():max() > 0.9 * b2)
  end)

  it("reuses its buffers once warm", function()
    local m = nn.Linear(4, 3)
    local x, g = tocha.rand(5, 4), tocha.rand(5, 3)
    m:forward(x)
    m:backward(x, g)
    local out, gin = m.output, m.gradInput
    local p_out, p_gin = out:storage():pointer(), gin:storage():pointer()
    local p_buf = m.addBuffer:storage():pointer()
    for _ = 1, 3 do
      m:forward(x)
      m:backward(x, g)
    end
    assert.are.equal(out, m.output)
    assert.are.equal(gin, m.gradInput)
    assert.are.equal(p_out, m.output:storage():pointer())
    assert.are.equal(p_gin, m.gradInput:storage():pointer())
    assert.are.equal(p_buf, m.addBuffer:storage():pointer())
  end)

  it("allocates nothing once warm, alone or in a network trained with a criterion", function()
    local m = nn.Linear(6, 4)
    local x, g = tocha.rand(5, 6), tocha.rand(5, 4)
    local net = nn.Sequential():add(nn.Linear(6, 8)):add(nn.ReLU()):add(nn.Linear(8, 3)):add(nn.LogSoftMax())
    local criterion = nn.ClassNLLCriterion()
    local target = tocha.LongTensor({ 1, 3, 2, 2, 1 })
    local function steps(n)
      for _ = 1, n do
        m:forward(x)
        m:backward(x, g, 0.5)
        net:zeroGradParameters()
        local out = net:forward(x)
        criterion:forward(out, target)
        net:backward(x, criterion:backward(out, target))
      end
    end
    steps(2)
    collectgarbage("collect")
    collectgarbage("stop")
    steps(1) -- a full collection shrinks Lua's call-info lists: grow them back first
    local before = collectgarbage("count")
    steps(50)
    local grown = collectgarbage("count") - before
    collectgarbage("restart")
    assert.are.equal(0, grown)
  end)

  it("computes the same values when its output shares memory with the input or the weights", function()
    local m = nn.Linear(3, 3):double()
    m.weight:copy(tocha.DoubleTensor({ { 1, 2, 0 }, { 0, 1, -1 }, { 2, 0, 1 } }))
    m.bias:copy(tocha.DoubleTensor({ 0.5, -1, 2 }))
    local x = tocha.DoubleTensor({ { 1, -1, 2 }, { 3, 0, 1 } })
    local expected = { { -0.5, -4, 6 }, { 3.5, -2, 9 } } -- x W^T + b
    assert_near(expected, m:forward(x))
    -- output is the input itself: the bias must not overwrite x before the product reads it
    m.output = x:clone()
    local y = m.output
    assert_near(expected, m:forward(y))
    assert.are.equal(y, m.output)
    -- a vector input that is the output
    m.output = tocha.DoubleTensor({ 1, -1, 2 })
    assert_near({ -0.5, -4, 6 }, m:forward(m.output))
    -- output aliasing the weights (a view of the same storage)
    local w = m.weight:clone()
    m.weight = w
    m.output = w:narrow(1, 1, 2)
    assert_near(expected, m:forward(x))
  end)

  it("writes a right-sized strided output through its strides", function()
    local m = nn.Linear(2, 3):double()
    m.weight:copy(tocha.DoubleTensor({ { 1, 2 }, { 3, 4 }, { 5, 6 } }))
    m.bias:copy(tocha.DoubleTensor({ 0.5, -1, 2 }))
    local big = tocha.DoubleTensor(3, 2):fill(7)
    m.output = big:t() -- 2x3, strides (1, 2)
    m:forward(tocha.DoubleTensor({ { 1, -1 }, { 1, 2 } }))
    assert_near({ { -0.5, 5.5 }, { -2, 10 }, { 1, 19 } }, big)
  end)

  it("skips gradInput when it is nil (Torch7's way to save the first layer's product)", function()
    tocha.manualSeed(3)
    local net = nn.Sequential():add(nn.Linear(4, 5)):add(nn.ReLU()):add(nn.Linear(5, 2))
    local ref = net:clone()
    local x, g = tocha.rand(3, 4), tocha.rand(3, 2)
    net:get(1).gradInput = nil
    net:zeroGradParameters()
    ref:zeroGradParameters()
    net:forward(x)
    ref:forward(x)
    assert.is_nil(net:backward(x, g))
    ref:backward(x, g)
    assert.is_true(tocha.isTensor(ref.gradInput))
    assert_near(ref:get(1).gradWeight:totable(), net:get(1).gradWeight, 1e-6)
    assert_near(ref:get(1).gradBias:totable(), net:get(1).gradBias, 1e-6)
    assert_near(ref:get(3).gradWeight:totable(), net:get(3).gradWeight, 1e-6)
  end)

  it("accumulates gradBias over batches of changing size", function()
    local m = nn.Linear(2, 2):double()
    m:zeroGradParameters()
    m:backward(tocha.DoubleTensor(3, 2):fill(1), tocha.DoubleTensor({ { 1, 2 }, { 3, 4 }, { 5, 6 } }))
    assert_near({ 9, 12 }, m.gradBias)
    m:backward(tocha.DoubleTensor(1, 2):fill(1), tocha.DoubleTensor({ { 1, -1 } }), 2)
    assert_near({ 11, 10 }, m.gradBias)
    assert.are.equal(1, m.addBuffer:nElement())
  end)

  it("lists its parameters and flattens them with getParameters", function()
    local m = nn.Linear(3, 2)
    local params, grads = m:parameters()
    assert.are.equal(2, #params)
    assert.are.equal(m.weight, params[1])
    assert.are.equal(m.bias, params[2])
    assert.are.equal(m.gradWeight, grads[1])
    assert.are.equal(m.gradBias, grads[2])
    local before_w, before_b = m.weight:clone(), m.bias:clone()
    local w, dw = m:getParameters()
    assert.are.equal(8, w:nElement())
    assert.are.equal(8, dw:nElement())
    -- the module's tensors now live in the flat ones, values unchanged
    assert.are.same(before_w:totable(), m.weight:totable())
    assert.are.same(before_b:totable(), m.bias:totable())
    w:fill(0.25)
    assert.are.same({ { 0.25, 0.25, 0.25 }, { 0.25, 0.25, 0.25 } }, m.weight:totable())
    assert.are.same({ 0.25, 0.25 }, m.bias:totable())
    m:zeroGradParameters()
    m:forward(tocha.Tensor({ 1, 2, 3 }))
    m:backward(tocha.Tensor({ 1, 2, 3 }), tocha.Tensor({ 1, -1 }))
    assert.are.same({ 1, 2, 3, -1, -2, -3, 1, -1 }, dw:totable())
    local nb = nn.Linear(3, 2, false)
    local p = nb:parameters()
    assert.are.equal(1, #p)
    assert.are.equal(6, (nb:getParameters()):nElement())
  end)

  it("converts with :double() and :float()", function()
    local m = nn.Linear(3, 2):double()
    assert.are.equal("tocha.DoubleTensor", m.weight:type())
    assert.are.equal("tocha.DoubleTensor", m:forward(tocha.DoubleTensor(3)):type())
    m:float()
    assert.are.equal("tocha.FloatTensor", m:forward(tocha.FloatTensor(4, 3)):type())
  end)

  it("prints as Torch7 does", function()
    assert.are.equal("nn.Linear(784 -> 10)", tostring(nn.Linear(784, 10)))
    assert.are.equal("nn.Linear(3 -> 2) without bias", tostring(nn.Linear(3, 2, false)))
    assert.are.equal("nn.Linear(3 -> 2) without bias", tostring(nn.Linear(3, 2):noBias()))
  end)

  it("rejects bad inputs with messages naming the module and the problem", function()
    local m = nn.Linear(3, 2)
    assert_error("nn.Linear: size mismatch: input must be a vector of 3 elements or a matrix (batch x 3), got size 2x4",
      function() m:forward(tocha.Tensor(2, 4)) end)
    assert_error("nn.Linear: size mismatch: input must be a vector of 3 elements or a matrix (batch x 3), got size 4",
      function() m:forward(tocha.Tensor(4)) end)
    assert_error("got size 2x3x3", function() m:forward(tocha.Tensor(2, 3, 3)) end)
    assert_error("nn.Linear: input must be a tensor, got table", function() m:forward({ 1, 2, 3 }) end)
    assert_error("nn.Linear: input is a tocha.DoubleTensor but the weights are a tocha.FloatTensor",
      function() m:forward(tocha.DoubleTensor(3)) end)
    m:forward(tocha.Tensor(5, 3))
    assert_error("nn.Linear: gradOutput must have size 5x2, got 5x3",
      function() m:backward(tocha.Tensor(5, 3), tocha.Tensor(5, 3)) end)
    assert_error("nn.Linear: gradOutput must have size 5x2, got 5x3",
      function() m:accGradParameters(tocha.Tensor(5, 3), tocha.Tensor(5, 3)) end)
    assert_error("nn.Linear: gradOutput is a tocha.DoubleTensor but the weights are a tocha.FloatTensor",
      function() m:backward(tocha.Tensor(5, 3), tocha.DoubleTensor(5, 2)) end)
    assert_error("nn.Linear: gradOutput must be a tensor, got table", function() m:backward(tocha.Tensor(3), {}) end)
    assert_error("nn.Linear: inputSize must be a positive integer, got 0", function() nn.Linear(0, 2) end)
    assert_error("nn.Linear: outputSize must be a positive integer, got 2.5", function() nn.Linear(3, 2.5) end)
    assert_error("nn.Linear: bias must be a boolean, got string", function() nn.Linear(3, 2, "no") end)
    local net = nn.Sequential():add(nn.Linear(3, 2)):add(nn.Linear(3, 1))
    assert_error("In 2 module of nn.Sequential:\nnn.Linear: size mismatch: input must be a vector of 3 elements "
      .. "or a matrix "
      .. "(batch x 3), got size 4x2", function() net:forward(tocha.Tensor(4, 3)) end)
  end)
end)

describe("activations", function()
  local xs = { { -2, -0.5, 0 }, { 0.25, 1, 3 } }

  local function expected(f)
    local out = {}
    for i, row in ipairs(xs) do
      out[i] = {}
      for j, v in ipairs(row) do out[i][j] = f(v) end
    end
    return out
  end

  local cases = {
    { "ReLU", function() return nn.ReLU() end, function(x) return math.max(x, 0) end },
    { "LeakyReLU", function() return nn.LeakyReLU(0.1) end, function(x) return x > 0 and x or 0.1 * x end },
    { "LeakyReLU default", function() return nn.LeakyReLU() end, function(x) return x > 0 and x or x / 100 end },
    { "ELU", function() return nn.ELU(0.5) end, function(x) return x > 0 and x or 0.5 * (math.exp(x) - 1) end },
    { "Tanh", function() return nn.Tanh() end, tanh },
    { "Sigmoid", function() return nn.Sigmoid() end, sigmoid },
  }

  for _, case in ipairs(cases) do
    local name, make, f = case[1], case[2], case[3]
    it(name .. " computes its values in double and float, contiguous or not", function()
      local m = make():double()
      assert_near(expected(f), m:forward(tocha.DoubleTensor(xs)), 1e-14)
      local t = tocha.DoubleTensor(xs):t():clone():t() -- same values, strided
      assert.is_false(t:isContiguous())
      assert_near(expected(f), m:forward(t), 1e-14)
      local mf = make()
      assert.are.equal("tocha.FloatTensor", mf:forward(tocha.FloatTensor(xs)):type())
      assert_near(expected(f), mf.output, 1e-6)
    end)
  end

  it("backward values: relu masks, tanh 1 - y^2, sigmoid y (1 - y), elu y + alpha", function()
    local x = tocha.DoubleTensor({ -1, 2 })
    local g = tocha.DoubleTensor({ 3, 5 })
    assert_near({ 0, 5 }, nn.ReLU():double():backward(x, g))
    assert_near({ 0.3, 5 }, nn.LeakyReLU(0.1):double():backward(x, g))
    local t = nn.Tanh():double()
    t:forward(x)
    assert_near({ 3 * (1 - tanh(-1) ^ 2), 5 * (1 - tanh(2) ^ 2) }, t:backward(x, g), 1e-14)
    local s = nn.Sigmoid():double()
    s:forward(x)
    assert_near({ 3 * sigmoid(-1) * (1 - sigmoid(-1)), 5 * sigmoid(2) * (1 - sigmoid(2)) }, s:backward(x, g), 1e-14)
    local e = nn.ELU(2):double()
    e:forward(x)
    assert_near({ 3 * 2 * math.exp(-1), 5 }, e:backward(x, g), 1e-14)
  end)

  it("inplace variants overwrite input and gradOutput, with the same results", function()
    for _, pair in ipairs({
      { nn.ReLU(true), nn.ReLU() },
      { nn.LeakyReLU(0.2, true), nn.LeakyReLU(0.2) },
      { nn.ELU(0.7, true), nn.ELU(0.7) },
    }) do
      local inplace, plain = pair[1]:double(), pair[2]:double()
      local x = tocha.DoubleTensor(xs)
      local g = tocha.DoubleTensor({ { 1, 2, 3 }, { 4, 5, 6 } })
      local y_ref = plain:forward(x):clone()
      local gi_ref = plain:backward(x, g):clone()
      local y = inplace:forward(x)
      assert.are.same(y_ref:totable(), y:totable())
      assert.are.same(y_ref:totable(), x:totable()) -- the input now holds the output
      assert.are.equal(x:storage():pointer(), y:storage():pointer())
      local gi = inplace:backward(x, g)
      assert.are.same(gi_ref:totable(), gi:totable())
      assert.are.same(gi_ref:totable(), g:totable())
      assert.is_true(inplace.inplace)
    end
  end)

  it("rejects bad arguments naming the module", function()
    assert_error("nn.ReLU: input must be a tensor, got table", function() nn.ReLU():forward({ 1 }) end)
    assert_error("nn.Tanh: input must be a FloatTensor or DoubleTensor, got a LongTensor",
      function() nn.Tanh():forward(tocha.LongTensor(3)) end)
    assert_error("nn.Sigmoid: input is a DoubleTensor but output is a FloatTensor",
      function() nn.Sigmoid():forward(tocha.DoubleTensor(3)) end)
    local m = nn.Tanh()
    m:forward(tocha.Tensor(2, 3))
    assert_error("nn.Tanh: gradOutput has size 3x2 but output has size 2x3",
      function() m:backward(tocha.Tensor(2, 3), tocha.Tensor(3, 2)) end)
    assert_error("nn.ReLU: inplace must be a boolean, got number", function() nn.ReLU(1) end)
    assert_error("nn.LeakyReLU: inplace needs negval >= 0", function() nn.LeakyReLU(-0.5, true) end)
    assert_error("nn.ELU: alpha must be >= 0, got -1", function() nn.ELU(-1) end)
  end)

  it("print as Torch7's", function()
    assert.are.equal("nn.ReLU", tostring(nn.ReLU()))
    assert.are.equal("nn.Tanh", tostring(nn.Tanh()))
    assert.are.equal("nn.Sigmoid", tostring(nn.Sigmoid()))
    assert.are.equal("nn.LeakyReLU", tostring(nn.LeakyReLU()))
    assert.are.equal("nn.ELU (alpha:1.000000)", tostring(nn.ELU()))
    assert.are.equal("nn.SoftMax", tostring(nn.SoftMax()))
    assert.are.equal("nn.LogSoftMax", tostring(nn.LogSoftMax()))
    assert.are.equal("nn.Identity", tostring(nn.Identity()))
  end)
end)

describe("SoftMax and LogSoftMax", function()
  it("compute normalised rows, stable for large inputs", function()
    local z = math.exp(-2) + math.exp(-1) + 1
    local p = { math.exp(-2) / z, math.exp(-1) / z, 1 / z }
    local x = tocha.DoubleTensor({ { 1, 2, 3 }, { 1001, 1002, 1003 } })
    assert_near({ p, p }, nn.SoftMax():double():forward(x), 1e-14)
    local lp = { -2 - math.log(z), -1 - math.log(z), -math.log(z) }
    assert_near({ lp, lp }, nn.LogSoftMax():double():forward(x), 1e-12)
    assert_near(p, nn.SoftMax():forward(tocha.FloatTensor({ 1, 2, 3 })), 1e-6)
    -- a strided column: {1, 1001} gives {0, 1}
    assert_near({ 0, 1 }, nn.SoftMax():double():forward(x:select(2, 1)))
  end)

  it("backward: SoftMax y (g - y.g), LogSoftMax g - exp(y) sum(g)", function()
    local x = tocha.DoubleTensor({ 0.5, -1, 2 })
    local g = tocha.DoubleTensor({ 1, 2, -1 })
    local sm = nn.SoftMax():double()
    local y = sm:forward(x):totable()
    local dot = y[1] * 1 + y[2] * 2 + y[3] * -1
    assert_near({ y[1] * (1 - dot), y[2] * (2 - dot), y[3] * (-1 - dot) }, sm:backward(x, g), 1e-14)
    local lsm = nn.LogSoftMax():double()
    lsm:forward(x)
    assert_near({ 1 - y[1] * 2, 2 - y[2] * 2, -1 - y[3] * 2 }, lsm:backward(x, g), 1e-14)
  end)

  it("rejects inputs that are not vectors or matrices", function()
    assert_error("nn.SoftMax: input must be a vector (n) or a matrix (batch, n), got size 2x2x2",
      function() nn.SoftMax():forward(tocha.Tensor(2, 2, 2)) end)
    assert_error("nn.LogSoftMax: input must be a vector (n) or a matrix (batch, n), got size empty",
      function() nn.LogSoftMax():forward(tocha.Tensor()) end)
  end)
end)

describe("nn.View and nn.Reshape", function()
  it("View reshapes a sample and keeps a batch dimension", function()
    local x = tocha.range(1, 6)
    local v = nn.View(2, 3)
    local y = v:forward(x)
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, y:totable())
    assert.are.equal(x:storage():pointer(), y:storage():pointer()) -- shares the storage
    local b = tocha.range(1, 24):view(4, 6)
    assert.are.same({ 4, 2, 3 }, v:forward(b):size():totable())
    assert.are.same({ 4, 6 }, v:backward(b, v.output):size():totable())
    assert.are.same(b:totable(), v.gradInput:totable())
  end)

  it("View infers -1, and setNumInputDims settles the batch", function()
    assert.are.same({ 3, 2 }, nn.View(-1, 2):forward(tocha.Tensor(6)):size():totable())
    -- without numInputDims, -1 takes in everything, as in Torch7
    assert.are.same({ 12 }, nn.View(-1):forward(tocha.Tensor(2, 6)):size():totable())
    local v = nn.View(-1):setNumInputDims(2)
    assert.are.same({ 12 }, v:forward(tocha.Tensor(3, 4)):size():totable())
    assert.are.same({ 5, 12 }, v:forward(tocha.Tensor(5, 3, 4)):size():totable())
    assert.are.same({ 5, 3, 4 }, v:backward(tocha.Tensor(5, 3, 4), v.output):size():totable())
  end)

  it("View copies a non-contiguous input instead of failing", function()
    local x = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 }, { 5, 6 } }):t()
    assert.are.same({ 1, 3, 5, 2, 4, 6 }, nn.View(6):forward(x):totable())
  end)

  it("View and Reshape take non-contiguous gradOutputs, and buffers follow a type change", function()
    for _, m in ipairs({ nn.View(6), nn.Reshape(6) }) do
      local x = tocha.DoubleTensor({ { 1, 2, 3 }, { 4, 5, 6 } })
      m:forward(x)
      local strided = tocha.DoubleTensor(6, 2):zero():select(2, 1) -- stride 2
      strided:copy(tocha.DoubleTensor({ 10, 20, 30, 40, 50, 60 }))
      assert.is_false(strided:isContiguous())
      assert.are.same({ { 10, 20, 30 }, { 40, 50, 60 } }, m:backward(x, strided):totable())
      -- a non-contiguous float input after a double one: a float buffer
      m:forward(tocha.DoubleTensor({ { 1, 2 }, { 3, 4 }, { 5, 6 } }):t())
      local y = m:forward(tocha.FloatTensor({ { 1, 2 }, { 3, 4 }, { 5, 6 } }):t())
      assert.are.equal("tocha.FloatTensor", tocha.type(y))
      assert.are.same({ 1, 3, 5, 2, 4, 6 }, y:totable())
    end
  end)

  it("Reshape reads a batch unless the sizes use every element", function()
    local r = nn.Reshape(3, 2)
    assert.are.same({ 3, 2 }, r:forward(tocha.Tensor(2, 3)):size():totable())
    assert.are.same({ 4, 3, 2 }, r:forward(tocha.Tensor(4, 6)):size():totable())
    assert.are.same({ 4, 6 }, r:backward(tocha.Tensor(4, 6), r.output):size():totable())
    assert.are.same({ 1, 3, 2 }, r:forward(tocha.Tensor(1, 6)):size():totable())
    local forced = nn.Reshape(3, 2, true)
    assert.are.same({ 1, 3, 2 }, forced:forward(tocha.Tensor(6, 1):t()):size():totable())
    local x = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 }, { 5, 6 } }):t()
    assert.are.same({ { 1, 3 }, { 5, 2 }, { 4, 6 } }, nn.Reshape(3, 2):forward(x):totable())
  end)

  it("print and reject bad sizes as Torch7's (with clearer messages)", function()
    assert.are.equal("nn.View(2, -1)", tostring(nn.View(2, -1)))
    assert.are.equal("nn.View(4)", tostring(nn.View(tocha.LongStorage({ 4 }))))
    assert.are.equal("nn.Reshape(2x3)", tostring(nn.Reshape(2, 3)))
    assert_error("nn.View: input view (5) and desired view (2x-1) do not match",
      function() nn.View(2, -1):forward(tocha.Tensor(5)) end)
    assert_error("nn.View: only one size can be -1", function() nn.View(-1, -1) end)
    assert_error("nn.View: size 2 must be a positive integer or -1, got 0", function() nn.View(2, 0) end)
    assert_error("nn.Reshape: input of size 7 (7 elements) cannot be reshaped to 2x3",
      function() nn.Reshape(2, 3, false):forward(tocha.Tensor(7)) end)
    assert_error("nn.Reshape: input of size 2x4 is not a batch of 2x3",
      function() nn.Reshape(2, 3):forward(tocha.Tensor(2, 4)) end)
  end)
end)

describe("nn.Identity", function()
  it("passes tensors through", function()
    local x, g = tocha.Tensor(3), tocha.Tensor(3)
    local m = nn.Identity()
    assert.are.equal(x, m:forward(x))
    assert.are.equal(g, m:backward(x, g))
  end)
end)

describe("containers", function()
  local function fixed_linear(w, b)
    local m = nn.Linear(#w[1], #w):double()
    m.weight:copy(tocha.DoubleTensor(w))
    m.bias:copy(tocha.DoubleTensor(b))
    return m
  end

  it("Concat joins outputs along its dimension and sums gradInputs", function()
    local c = nn.Concat(2)
      :add(fixed_linear({ { 1, 0 }, { 0, 1 } }, { 0, 0 }))
      :add(fixed_linear({ { 1, 1 } }, { 10 }))
      :double()
    local x = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })
    assert.are.same({ { 1, 2, 13 }, { 3, 4, 17 } }, c:forward(x):totable())
    local g = tocha.DoubleTensor({ { 1, 1, 1 }, { 0, 2, -1 } })
    -- identity part gives g[:, 1:2], the sum part gives g[:, 3] to both inputs
    assert.are.same({ { 2, 2 }, { -1, 1 } }, c:backward(x, g):totable())
    local p = c:parameters()
    assert.are.equal(4, #p)
  end)

  it("ConcatTable gives a table of outputs and sums the gradients", function()
    local ct = nn.ConcatTable():add(nn.Identity()):add(fixed_linear({ { 2, 0 }, { 0, 3 } }, { 0, 1 })):double()
    local x = tocha.DoubleTensor({ 1, 2 })
    local out = ct:forward(x)
    assert.are.equal(2, #out)
    assert.are.same({ 1, 2 }, out[1]:totable())
    assert.are.same({ 2, 7 }, out[2]:totable())
    local gi = ct:backward(x, { tocha.DoubleTensor({ 1, 1 }), tocha.DoubleTensor({ 1, 1 }) })
    assert.are.same({ 3, 4 }, gi:totable())
    assert_error("nn.ConcatTable: gradOutput must be a table of 2 entries (one per module), got a table of 1",
      function() ct:backward(x, { tocha.DoubleTensor({ 1, 1 }) }) end)
  end)

  it("Parallel feeds slices to its modules and joins the outputs", function()
    local p = nn.Parallel(1, 1):add(nn.Identity()):add(fixed_linear({ { 1, 1, 1 } }, { 0 })):double()
    local x = tocha.DoubleTensor({ { 1, 2, 3 }, { 4, 5, 6 } })
    assert.are.same({ 1, 2, 3, 15 }, p:forward(x):totable())
    assert.are.same({ { 1, 1, 1 }, { 2, 2, 2 } }, p:backward(x, tocha.DoubleTensor({ 1, 1, 1, 2 })):totable())
    assert_error("nn.Parallel: input has 3 slices along dimension 1 but there are 2 modules",
      function() p:forward(tocha.DoubleTensor(3, 3)) end)
  end)

  it("report mismatched children clearly", function()
    local c = nn.Concat(2):add(nn.Linear(3, 2)):add(nn.View(2, 6))
    assert_error("nn.Concat: output of module 2 has size 2x6, which does not fit module 1's size 4x2 outside "
      .. "dimension 2", function() c:forward(tocha.Tensor(4, 3)) end)
    local c2 = nn.Concat(1):add(nn.Linear(3, 2)):add(nn.Linear(4, 2))
    assert_error("In 2 module of nn.Concat:\nnn.Linear: size mismatch: input must be a vector of 4 elements",
      function() c2:forward(tocha.Tensor(3)) end)
  end)

  it("print as Torch7's", function()
    local c = nn.Concat(1):add(nn.Linear(3, 2)):add(nn.Sequential():add(nn.Linear(3, 4)):add(nn.ReLU()))
    assert.are.equal(table.concat({
      "nn.Concat {",
      "  input",
      "    |`-> (1): nn.Linear(3 -> 2)",
      "     `-> (2): nn.Sequential {",
      "           [input -> (1) -> (2) -> output]",
      "           (1): nn.Linear(3 -> 4)",
      "           (2): nn.ReLU",
      "         }",
      "     ... -> output",
      "}" }, "\n"), tostring(c))
    local ct = nn.ConcatTable():add(nn.Concat(1):add(nn.Tanh())):add(nn.Identity())
    assert.are.equal(table.concat({
      "nn.ConcatTable {",
      "  input",
      "    |`-> (1): nn.Concat {",
      "    |      input",
      "    |         `-> (1): nn.Tanh",
      "    |         ... -> output",
      "    |    }",
      "     `-> (2): nn.Identity",
      "     ... -> output",
      "}" }, "\n"), tostring(ct))
    assert.are.equal("nn.Parallel {\n  input\n     `-> (1): nn.Tanh\n     ... -> output\n}",
      tostring(nn.Parallel(1, 1):add(nn.Tanh())))
  end)
end)
