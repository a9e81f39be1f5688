-- The nn.Module protocol, classes and Sequential (Torch7's nn semantics).
local tocha = require "tocha"
local nn = require "tocha.nn"

local function assert_error(pattern, f)
  local ok, err = pcall(f)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

local function mlp()
  return nn.Sequential():add(nn.Linear(4, 3)):add(nn.ReLU()):add(nn.Dropout(0.5)):add(nn.Linear(3, 2))
end

describe("tocha.class", function()
  it("makes Torch7-style classes with inheritance", function()
    local Scale, parent = tocha.class("nn.SpecScale", "nn.Module")
    assert.are.equal(nn.Module, parent)
    function Scale:__init(k)
      parent.__init(self)
      self.k = k
    end
    function Scale:updateOutput(input)
      self.output:resizeAs(input):copy(input):mul(self.k)
      return self.output
    end
    function Scale:updateGradInput(_, gradOutput)
      self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(self.k)
      return self.gradInput
    end
    local m = nn.SpecScale(3)
    assert.are.equal("nn.SpecScale", tocha.type(m))
    assert.is_true(tocha.class.istype(m, "nn.Module"))
    assert.are.same({ 3, 6 }, m:forward(tocha.Tensor({ 1, 2 })):totable())
    assert.are.same({ 3, 3 }, m:backward(tocha.Tensor({ 1, 2 }), tocha.ones(2)):totable())
    assert.are.equal("nn.SpecScale", tostring(m))
    local net = nn.Sequential():add(m):add(nn.Identity())
    assert.are.same({ 6 }, net:forward(tocha.Tensor({ 2 })):totable())
  end)

  it("rejects duplicate names and unknown parents", function()
    assert_error("already exists", function() tocha.class("nn.Module") end)
    assert_error("unknown parent class 'nn.Nope'", function() tocha.class("nn.SpecOrphan", "nn.Nope") end)
  end)
end)

describe("nn.Module protocol", function()
  it("calls forward when called, and backward with a gradOutput", function()
    local m = nn.Linear(2, 2)
    local x = tocha.Tensor({ 1, -1 })
    assert.are.same(m:forward(x):totable(), m(x):totable())
    local out, gradInput = m(x, tocha.ones(2))
    assert.are.equal(m.output, out)
    assert.are.equal(m.gradInput, gradInput)
  end)

  it("training() and evaluate() reach every child", function()
    local net = nn.Sequential():add(mlp()):add(nn.Dropout())
    net:evaluate()
    for _, m in ipairs(net:listModules()) do assert.is_false(m.train) end
    net:training()
    for _, m in ipairs(net:listModules()) do assert.is_true(m.train) end
  end)

  it("lists and finds modules", function()
    local net = mlp()
    assert.are.equal(5, #net:listModules())
    local linears, containers = net:findModules("nn.Linear")
    assert.are.equal(2, #linears)
    assert.are.equal(net, containers[1])
    local count = 0
    net:apply(function() count = count + 1 end)
    assert.are.equal(5, count)
  end)

  it("getParameters flattens and stays in sync with the modules", function()
    local net = mlp()
    local params, grads = net:getParameters()
    assert.are.equal(4 * 3 + 3 + 3 * 2 + 2, params:nElement())
    assert.are.equal(params:nElement(), grads:nElement())
    params:fill(0.5)
    assert.are.equal(0.5, net:get(1).weight[{ 2, 3 }])
    net:get(4).bias:fill(7)
    assert.are.equal(7, params[params:nElement()])
    net:zeroGradParameters()
    net:forward(tocha.ones(2, 4))
    net:backward(tocha.ones(2, 4), tocha.ones(2, 2))
    assert.are.equal(grads:sum(), net:get(1).gradWeight:sum() + net:get(1).gradBias:sum()
      + net:get(4).gradWeight:sum() + net:get(4).gradBias:sum())
  end)

  it("getParameters keeps shared parameters shared", function()
    local a, b = nn.Linear(3, 3), nn.Linear(3, 3)
    b:share(a, "weight", "bias")
    local net = nn.Sequential():add(a):add(b)
    local params = net:getParameters()
    assert.are.equal(12, params:nElement())
    a.weight:fill(2)
    assert.are.equal(2, b.weight[{ 1, 1 }])
  end)

  it("updateParameters takes a gradient step", function()
    local m = nn.Linear(2, 1)
    m.weight:fill(1)
    m.bias:fill(0)
    m:zeroGradParameters()
    m:forward(tocha.Tensor({ 1, 2 }))
    m:backward(tocha.Tensor({ 1, 2 }), tocha.Tensor({ 1 }))
    m:updateParameters(0.1)
    assert.is_true(math.abs(m.weight[{ 1, 1 }] - 0.9) < 1e-6)
    assert.is_true(math.abs(m.weight[{ 1, 2 }] - 0.8) < 1e-6)
    assert.is_true(math.abs(m.bias[1] + 0.1) < 1e-6)
  end)

  it("zeroGradParameters and updateParameters follow a parameters() of the module's own", function()
    local Scaled, parent = tocha.class("nn.ScaledForProtocolTest", "nn.Module")
    function Scaled:__init()
      parent.__init(self)
      self.k, self.gradK = tocha.DoubleTensor({ 2 }), tocha.DoubleTensor({ 3 })
    end
    function Scaled:parameters() return { self.k }, { self.gradK } end
    local m = Scaled()
    m:updateParameters(0.5)
    assert.are.same({ 0.5 }, m.k:totable())
    m:zeroGradParameters()
    assert.are.same({ 0 }, m.gradK:totable())
    -- the default parameters(): gradWeight and gradBias
    local lin = nn.Linear(2, 1):double()
    lin.gradWeight:fill(1)
    lin.gradBias:fill(2)
    lin.weight:fill(1)
    lin.bias:fill(1)
    lin:updateParameters(0.25)
    assert.are.same({ { 0.75, 0.75 } }, lin.weight:totable())
    assert.are.same({ 0.5 }, lin.bias:totable())
    lin:zeroGradParameters()
    assert.are.same({ { 0, 0 } }, lin.gradWeight:totable())
    assert.are.same({ 0 }, lin.gradBias:totable())
    local nb = nn.Linear(2, 1, false)
    nb.gradWeight:fill(1)
    nb:zeroGradParameters() -- no bias: nothing else to do
    assert.are.same({ { 0, 0 } }, nb.gradWeight:totable())
  end)

  it("clone is deep unless fields are named for sharing", function()
    local m = nn.Linear(2, 2)
    local copy = m:clone()
    copy.weight:fill(9)
    assert.are_not.equal(9, m.weight[{ 1, 1 }])
    local shared = m:clone("weight", "bias")
    shared.weight:fill(4)
    assert.are.equal(4, m.weight[{ 1, 1 }])
    local net = mlp()
    local net2 = net:clone()
    local x = tocha.randn(3, 4)
    net:evaluate()
    net2:evaluate()
    assert.are.same(net:forward(x):totable(), net2:forward(x):totable())
  end)

  it("type/double/float convert every tensor and keep sharing", function()
    local a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    b:share(a, "weight")
    local net = nn.Sequential():add(a):add(b):double()
    assert.are.equal("tocha.DoubleTensor", a.weight:type())
    assert.are.equal("tocha.DoubleTensor", b.output:type())
    a.weight:fill(3)
    assert.are.equal(3, b.weight[{ 2, 2 }])
    local y = net:forward(tocha.DoubleTensor({ 1, 1 }))
    assert.are.equal("tocha.DoubleTensor", y:type())
    net:float()
    assert.are.equal("tocha.FloatTensor", b.weight:type())
  end)

  it("clearState empties buffers", function()
    local net = mlp()
    net:forward(tocha.ones(5, 4))
    net:clearState()
    for _, m in ipairs(net:listModules()) do assert.are.equal(0, m.output:nElement()) end
  end)
end)

describe("nn.Sequential", function()
  it("adds, inserts, removes and gets", function()
    local s = nn.Sequential():add(nn.Identity()):add(nn.ReLU())
    s:insert(nn.Tanh(), 2)
    assert.are.equal(3, s:size())
    assert.are.equal("nn.Tanh", tocha.type(s:get(2)))
    local removed = s:remove(1)
    assert.are.equal("nn.Identity", tocha.type(removed))
    assert.are.equal(2, #s.modules)
    assert_error("index 5 out of range 1..2", function() s:get(5) end)
    assert_error("nn.Module expected, got number", function() s:add(3) end)
  end)

  it("says which child failed", function()
    local s = nn.Sequential():add(nn.Linear(4, 3)):add(nn.ReLU()):add(nn.Linear(5, 2))
    assert_error("In 3 module of nn.Sequential:", function() s:forward(tocha.ones(4)) end)
  end)

  it("passes every result of a child through, and non-string errors unchanged", function()
    local Two, parent = tocha.class("nn.TwoResultsForProtocolTest", "nn.Module")
    function Two:__init() parent.__init(self) end
    function Two:updateOutput(input) return input, "second", nil, "fourth" end
    local s = nn.Sequential():add(Two())
    local r = table.pack(s:rethrowErrors(s.modules[1], 1, "updateOutput", 7))
    assert.are.equal(4, r.n)
    assert.are.same({ 7, "second", nil, "fourth" }, { r[1], r[2], r[3], r[4] })
    local Fails, fparent = tocha.class("nn.FailsWithTableForProtocolTest", "nn.Module")
    function Fails:__init() fparent.__init(self) end
    local payload = { code = 42 }
    function Fails:updateOutput() error(payload) end
    local ok, err = pcall(function() nn.Sequential():add(nn.Identity()):add(Fails()):forward(tocha.ones(2)) end)
    assert.is_false(ok)
    assert.are.equal(payload, err)
    -- nested containers prefix each level
    local inner = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Linear(5, 2))
    local outer = nn.Sequential():add(nn.Identity()):add(inner)
    assert_error("In 2 module of nn.Sequential:\nIn 2 module of nn.Sequential:\nnn.Linear: size mismatch: input",
      function() outer:forward(tocha.ones(4)) end)
  end)

  it("runs forward and backward without allocating once warm", function()
    local s = nn.Sequential():add(nn.Linear(4, 3)):add(nn.ReLU()):add(nn.Linear(3, 2)):add(nn.LogSoftMax())
    local x, g = tocha.rand(6, 4), tocha.rand(6, 2)
    local function run(n)
      for _ = 1, n do
        s:forward(x)
        s:backward(x, g)
        s:updateGradInput(x, g)
        s:accGradParameters(x, g, 0.1)
        s:zeroGradParameters()
        s:updateParameters(1e-3)
      end
    end
    run(2)
    collectgarbage("collect")
    collectgarbage("stop")
    run(1) -- a full collection shrinks Lua's call-info lists: grow them back first
    local before = collectgarbage("count")
    run(50)
    local grown = collectgarbage("count") - before
    collectgarbage("restart")
    assert.are.equal(0, grown)
  end)

  it("prints like Torch7", function()
    local s = nn.Sequential():add(nn.Linear(784, 10)):add(nn.Dropout(0.2)):add(nn.LogSoftMax())
    assert.are.equal(table.concat({
      "nn.Sequential {",
      "  [input -> (1) -> (2) -> (3) -> output]",
      "  (1): nn.Linear(784 -> 10)",
      "  (2): nn.Dropout(0.2)",
      "  (3): nn.LogSoftMax",
      "}",
    }, "\n"), tostring(s))
  end)
end)
