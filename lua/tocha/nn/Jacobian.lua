--- nn.Jacobian: checks a module's (or criterion's) backward against central
-- finite differences of its forward (Torch7's nn.Jacobian).  Jacobians are
-- DoubleTensors of size (elements of the varied tensor) x (elements of the
-- output); the test* functions return the largest absolute difference.
--
-- Every forward runs on a fresh copy of the input, so modules that work in
-- place (ReLU(true), ...) are checked as well.  Outputs may be tensors or
-- (nested) tables of tensors, read in order.
local tocha = require "tocha"
local nn = require "tocha.nn"
local utils = require "tocha.utils"

local Jacobian = {}
nn.Jacobian = Jacobian

local function fail(fmt, ...)
  error("nn.Jacobian: " .. string.format(fmt, ...), 3)
end

-- A 1-D view of t for reading and writing single elements.
local function flat(t, what)
  if not tocha.isTensor(t) then fail("%s must be a tensor, got %s", what, tocha.type(t)) end
  if not t:isContiguous() then fail("%s must be contiguous", what) end
  return t:view(t:nElement())
end

-- ---- outputs that are tensors or tables of tensors ----------------------------

local function count(out)
  if tocha.isTensor(out) then return out:nElement() end
  local n = 0
  for _, v in ipairs(out) do n = n + count(v) end
  return n
end

-- Copies out's elements into the 1-D tensor dst from position `offset`.
local function copy_into(dst, out, offset)
  if tocha.isTensor(out) then
    local n = out:nElement()
    if n > 0 then dst:narrow(1, offset, n):copy(out) end
    return offset + n
  end
  for _, v in ipairs(out) do offset = copy_into(dst, v, offset) end
  return offset
end

-- A zero tensor (or table of them) shaped like out.
local function zeros_like(out)
  if tocha.isTensor(out) then return utils.new_like(out):resizeAs(out):zero() end
  local t = {}
  for i, v in ipairs(out) do t[i] = zeros_like(v) end
  return t
end

-- Zeroes d and sets its element k (in order) to 1; returns the next k.
local function unit(d, k)
  if tocha.isTensor(d) then
    d:zero()
    local n = d:nElement()
    if k >= 1 and k <= n then flat(d, "gradOutput")[k] = 1 end
    return k - n
  end
  for _, v in ipairs(d) do k = unit(v, k) end
  return k
end

local function forward_copy(module, input, scratch)
  scratch:resizeAs(input):copy(input)
  return module:forward(scratch)
end

-- module:accUpdateGradParameters when the module has it, else its effect.
local function acc_update(module, input, gradOutput, lr)
  if module.accUpdateGradParameters then
    module:accUpdateGradParameters(input, gradOutput, lr)
  else
    module:zeroGradParameters()
    module:accGradParameters(input, gradOutput, 1)
    module:updateParameters(lr)
  end
end

local function max_abs_difference(a, b)
  return a:add(-1, b):abs():max()
end

-- ---- Jacobians ---------------------------------------------------------------------

--- The Jacobian of the output with respect to `param` (default: the input),
-- from module:updateGradInput (or, with `dparam`, the gradient that
-- accGradParameters accumulates for `param`).
function Jacobian.backward(module, input, param, dparam)
  if param and not dparam then fail("dparam expected with param") end
  local scratch = utils.new_like(input)
  local out = forward_copy(module, input, scratch)
  local nout = count(out)
  local dout = zeros_like(out)
  local jacobian = tocha.DoubleTensor((param or input):nElement(), nout):zero()
  for i = 1, nout do
    unit(dout, i)
    module:zeroGradParameters()
    local din = module:updateGradInput(scratch, dout)
    module:accGradParameters(scratch, dout, 1)
    jacobian:select(2, i):copy(param and dparam or din)
  end
  return jacobian
end

--- The Jacobian by central differences: row i is d output / d param[i].
function Jacobian.forward(module, input, param, perturbation)
  param = param or input
  perturbation = perturbation or 1e-6
  local scratch = utils.new_like(input)
  local sin = flat(param, "param")
  local nout = count(forward_copy(module, input, scratch))
  local jacobian = tocha.DoubleTensor(sin:nElement(), nout)
  local outa, outb = tocha.DoubleTensor(nout), tocha.DoubleTensor(nout)
  for i = 1, sin:nElement() do
    local orig = sin[i]
    -- the steps actually taken (float tensors round them)
    sin[i] = orig - perturbation
    local low = sin[i]
    copy_into(outa, forward_copy(module, input, scratch), 1)
    sin[i] = orig + perturbation
    local high = sin[i]
    copy_into(outb, forward_copy(module, input, scratch), 1)
    sin[i] = orig
    jacobian:select(1, i):copy(outb:add(-1, outa):div(high - low))
  end
  return jacobian
end

--- param after one accUpdateGradParameters step (lr = 1) for each unit
-- gradOutput: column i is param - d output[i] / d param.
function Jacobian.backwardUpdate(module, input, param)
  local scratch = utils.new_like(input)
  local out = forward_copy(module, input, scratch)
  local nout = count(out)
  local dout = zeros_like(out)
  local jacobian = tocha.DoubleTensor(param:nElement(), nout):zero()
  local params = module:parameters() or {}
  local saved = {}
  for j, p in ipairs(params) do saved[j] = p:clone() end
  for i = 1, nout do
    for j, p in ipairs(params) do p:copy(saved[j]) end
    unit(dout, i)
    module:updateGradInput(scratch, dout)
    acc_update(module, scratch, dout, 1)
    jacobian:select(2, i):copy(param)
  end
  for j, p in ipairs(params) do p:copy(saved[j]) end
  return jacobian
end

--- The same by central differences: row i is param[i] - d output / d param[i].
function Jacobian.forwardUpdate(module, input, param, perturbation)
  local jacobian = Jacobian.forward(module, input, param, perturbation)
  local sin = flat(param, "param")
  for i = 1, sin:nElement() do
    jacobian:select(1, i):mul(-1):add(sin[i])
  end
  return jacobian
end

-- ---- tests -------------------------------------------------------------------------

-- Fills t at random in [lo, hi): integer tensors (indices, as for
-- LookupTable) get whole numbers, as Torch7's copy of random doubles into
-- them gave.
local function fill_uniform(t, lo, hi)
  if tocha.type(t) == "tocha.FloatTensor" or tocha.type(t) == "tocha.DoubleTensor" then return t:uniform(lo, hi) end
  return t:copy(tocha.DoubleTensor(t:size()):uniform(lo, hi):floor())
end

--- Fills input uniformly in [minval, maxval] (default -2, 2) and returns the
-- largest difference between the finite-difference and backward Jacobians.
function Jacobian.testJacobian(module, input, minval, maxval, perturbation)
  fill_uniform(input, minval or -2, maxval or 2)
  local fprop = Jacobian.forward(module, input, input, perturbation)
  local bprop = Jacobian.backward(module, input)
  return max_abs_difference(fprop, bprop)
end

--- The same for a parameter and its gradient (e.g. module.weight and
-- module.gradWeight); input and param are filled at random.
function Jacobian.testJacobianParameters(module, input, param, dparam, minval, maxval, perturbation)
  minval, maxval = minval or -2, maxval or 2
  fill_uniform(input, minval, maxval)
  param:uniform(minval, maxval)
  local bprop = Jacobian.backward(module, input, param, dparam)
  local fprop = Jacobian.forward(module, input, param, perturbation)
  return max_abs_difference(fprop, bprop)
end

--- The same through accUpdateGradParameters (or zeroGradParameters,
-- accGradParameters and updateParameters).
function Jacobian.testJacobianUpdateParameters(module, input, param, minval, maxval, perturbation)
  minval, maxval = minval or -2, maxval or 2
  fill_uniform(input, minval, maxval)
  param:uniform(minval, maxval)
  local bprop = Jacobian.backwardUpdate(module, input, param)
  local fprop = Jacobian.forwardUpdate(module, input, param, perturbation)
  return max_abs_difference(fprop, bprop)
end

--- Checks the four ways of updating module[weight] (a field name) from
-- its gradient module[gradWeight] against one another, on clones of
-- module (Torch7's testAllUpdate): accGradParameters + updateParameters,
-- accUpdateGradParameters, and both with the weight shared between two
-- clones.  Returns a table of error norms keyed by the way.
function Jacobian.testAllUpdate(module, input, weight, gradWeight)
  local lr = tocha.uniform(0.1, 1)
  local errors = {}

  local m = module:clone()
  local w0 = m[weight]:clone()
  m:forward(input)
  local gradOutput = utils.new_like(m.output):resizeAs(m.output):uniform(0, 1)
  m:zeroGradParameters()
  m:updateGradInput(input, gradOutput)
  m:accGradParameters(input, gradOutput)
  m:updateParameters(lr)
  local step = m[gradWeight]:clone()
  errors["accGradParameters"] = w0:clone():add(-lr, step):add(-1, m[weight]):norm()

  local u = module:clone()
  u:forward(input)
  u:updateGradInput(input, gradOutput)
  u:accUpdateGradParameters(input, gradOutput, lr)
  errors["accUpdateGradParameters"] = u[weight]:clone():add(-1, m[weight]):norm()

  -- each step runs on both clones before the next one (Torch7's order)
  local function shared_error(...)
    local a, b = module:clone(), module:clone()
    b:share(a, weight)
    a:forward(input)
    b:forward(input)
    for i = 1, select("#", ...) do
      local step_fn = select(i, ...)
      step_fn(a)
      step_fn(b)
    end
    local expected = w0:clone():add(-2 * lr, step)
    return expected:clone():add(-1, a[weight]):norm() + expected:clone():add(-1, b[weight]):norm()
  end
  errors["accGradParameters [shared]"] = shared_error(
    function(c) c:zeroGradParameters() end,
    function(c) c:updateGradInput(input, gradOutput) end,
    function(c) c:accGradParameters(input, gradOutput) end,
    function(c) c:updateParameters(lr) end)
  errors["accUpdateGradParameters [shared]"] = shared_error(
    function(c) c:updateGradInput(input, gradOutput) end,
    function(c) c:accUpdateGradParameters(input, gradOutput, lr) end)
  return errors
end

-- ---- diagonal Hessians (with nn.hessian.enable()) -------------------------------

--- The diagonal Hessian of F = sum(output^2) / 2 with respect to the field
-- `name` (diagHessianInput, diagHessianWeight or diagHessianBias), by
-- nn.hessian's backward pass (Torch7's backwardDiagHessian).
function Jacobian.backwardDiagHessian(module, input, name)
  module:forward(input)
  local ones = utils.new_like(module.output):resizeAs(module.output):fill(1)
  if module.diagHessianWeight then module.diagHessianWeight:zero() end
  if module.diagHessianBias then module.diagHessianBias:zero() end
  module:updateDiagHessianInput(input, ones)
  module:accDiagHessianParameters(input, ones)
  return module[name]
end

--- The same for a module linear in its input and parameters, from first
-- derivatives: sum over outputs k of (d y_k / d x)^2, x the field
-- `gradName` names the gradient of (gradInput, gradWeight, gradBias).
function Jacobian.linearModuleDiagHessian(module, input, gradName)
  module:forward(input)
  local diag
  local gradOutput = utils.new_like(module.output):resizeAs(module.output)
  local flatOut = gradOutput:view(gradOutput:nElement())
  for i = 1, gradOutput:nElement() do
    flatOut:zero()
    flatOut[i] = 1
    module:zeroGradParameters()
    module:updateGradInput(input, gradOutput)
    module:accGradParameters(input, gradOutput)
    local g = module[gradName]
    diag = diag or utils.new_like(g):resize(g:nElement()):zero()
    diag:addcmul(g:contiguous():view(g:nElement()), g:contiguous():view(g:nElement()))
  end
  return diag
end

--- Fills input at random in [minval, maxval] (-2, 2) and returns the
-- largest difference between the two diagonal Hessians above.
function Jacobian.testDiagHessian(module, input, gradName, hessianName, minval, maxval)
  input:uniform(minval or -2, maxval or 2)
  module:initDiagHessianParameters()
  local h = Jacobian.backwardDiagHessian(module, input, hessianName)
  local l = Jacobian.linearModuleDiagHessian(module, input, gradName)
  return max_abs_difference(h:clone():view(h:nElement()), l)
end

--- The largest error of the diagonal Hessian with respect to the input (nn.hessian) against finite differences.
function Jacobian.testDiagHessianInput(module, input, minval, maxval)
  return Jacobian.testDiagHessian(module, input, "gradInput", "diagHessianInput", minval, maxval)
end

--- The largest error of the diagonal Hessian with respect to the weight against finite differences.
function Jacobian.testDiagHessianWeight(module, input, minval, maxval)
  return Jacobian.testDiagHessian(module, input, "gradWeight", "diagHessianWeight", minval, maxval)
end

--- The largest error of the diagonal Hessian with respect to the bias against finite differences.
function Jacobian.testDiagHessianBias(module, input, minval, maxval)
  return Jacobian.testDiagHessian(module, input, "gradBias", "diagHessianBias", minval, maxval)
end

--- The largest difference between criterion:backward(input, target) and the
-- central differences of criterion:forward.  input is used as given (its
-- valid range depends on the criterion) and is not modified.
function Jacobian.testCriterion(criterion, input, target, perturbation)
  perturbation = perturbation or 1e-6
  if not tocha.isTensor(input) then fail("input must be a tensor, got %s", tocha.type(input)) end
  local x = input:clone()
  local sx = flat(x, "input")
  local n = sx:nElement()
  criterion:forward(x, target)
  local analytic = tocha.DoubleTensor(n):copy(criterion:backward(x, target))
  local numeric = tocha.DoubleTensor(n)
  for i = 1, n do
    local orig = sx[i]
    sx[i] = orig - perturbation
    local low = sx[i]
    local loss_low = criterion:forward(x, target)
    sx[i] = orig + perturbation
    local high = sx[i]
    local loss_high = criterion:forward(x, target)
    sx[i] = orig
    numeric[i] = (loss_high - loss_low) / (high - low)
  end
  return max_abs_difference(numeric, analytic)
end

--- Saves the module in Torch7's format and loads it back (Torch7's
-- testIO): returns the largest differences between the original's and the
-- copy's output and gradInput for the same input and a random gradOutput
-- in [minval, maxval] (default -2, 2).  It also checks that clearState
-- returns the module.
function Jacobian.testIO(module, input, minval, maxval)
  minval, maxval = minval or -2, maxval or 2
  local input_copy = utils.copy_nested(nil, input)
  module:forward(input)
  local gradOutput = utils.copy_nested(nil, module.output)
  local function randomise(t)
    if tocha.isTensor(t) then
      t:uniform(minval, maxval)
    else
      for _, v in ipairs(t) do randomise(v) end
    end
  end
  randomise(gradOutput)
  local gradOutput_copy = utils.copy_nested(nil, gradOutput)
  module:zeroGradParameters()
  module:updateGradInput(input, gradOutput)
  module:accGradParameters(input, gradOutput)
  local out = utils.copy_nested(nil, module.output)
  local gin = utils.copy_nested(nil, module.gradInput)

  if module:clearState() ~= module then fail("clearState of %s did not return the module", tostring(module)) end
  local copy = tocha.deserialize(tocha.serialize(module, "t7"))
  copy:forward(input_copy)
  copy:zeroGradParameters()
  copy:updateGradInput(input_copy, gradOutput_copy)
  copy:accGradParameters(input_copy, gradOutput_copy)

  local function flat_double(t)
    local d = tocha.DoubleTensor(count(t))
    copy_into(d, t, 1)
    return d
  end
  local function difference(a, b)
    if count(a) == 0 and count(b) == 0 then return 0 end
    return max_abs_difference(flat_double(a), flat_double(b))
  end
  return difference(out, copy.output), difference(gin, copy.gradInput)
end

return Jacobian
