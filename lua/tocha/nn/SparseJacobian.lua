--- nn.SparseJacobian: nn.Jacobian's checks for modules whose input is in
-- the sparse (index, value) form of nn.SparseLinear (Torch7's): only the
-- value column (input:select(2, 2)) is varied.  Jacobians are float64,
-- rows per varied element, columns per output element.
local tocha = require "tocha"
local nn = require "tocha.nn"
local utils = require "tocha.utils"

local SparseJacobian = {}
nn.SparseJacobian = SparseJacobian

local function values(input) return input:select(2, 2) end

-- Calls f(dout) for each unit gradOutput; f fills column i.
local function each_unit_output(module, input, f)
  module:forward(input)
  local dout = utils.new_like(module.output):resizeAs(module.output)
  local flat = dout:view(dout:nElement())
  for i = 1, dout:nElement() do
    dout:zero()
    flat[i] = 1
    f(i, dout)
  end
  return dout:nElement()
end

--- d output / d (values or param) from backward.
function SparseJacobian.backward(module, input, param, dparam)
  local rows = param and param:nElement() or input:size(1)
  local jacobian
  each_unit_output(module, input, function(i, dout)
    jacobian = jacobian or tocha.DoubleTensor(rows, module.output:nElement()):zero()
    module:zeroGradParameters()
    local din = module:updateGradInput(input, dout)
    module:accGradParameters(input, dout)
    jacobian:select(2, i):copy(param and dparam or values(din))
  end)
  return jacobian
end

--- The same by central differences (step 1e-6).
function SparseJacobian.forward(module, input, param, perturbation)
  perturbation = perturbation or 1e-6
  local sin = param and param:view(param:nElement()) or values(input)
  local nout = module:forward(input):nElement()
  local jacobian = tocha.DoubleTensor(sin:nElement(), nout)
  local outa, outb = tocha.DoubleTensor(nout), tocha.DoubleTensor(nout)
  for i = 1, sin:nElement() do
    local orig = sin[i]
    sin[i] = orig - perturbation
    outa:copy(module:forward(input))
    sin[i] = orig + perturbation
    outb:copy(module:forward(input))
    sin[i] = orig
    jacobian:select(1, i):copy(outb:add(-1, outa):div(2 * perturbation))
  end
  return jacobian
end

--- param after one accUpdateGradParameters (lr 1) per unit gradOutput.
function SparseJacobian.backwardUpdate(module, input, param)
  local params = module:parameters() or {}
  local saved = {}
  for j, p in ipairs(params) do saved[j] = p:clone() end
  local jacobian
  each_unit_output(module, input, function(i, dout)
    jacobian = jacobian or tocha.DoubleTensor(param:nElement(), module.output:nElement()):zero()
    for j, p in ipairs(params) do p:copy(saved[j]) end
    module:zeroGradParameters()
    module:updateGradInput(input, dout)
    module:accUpdateGradParameters(input, dout, 1)
    jacobian:select(2, i):copy(param)
  end)
  for j, p in ipairs(params) do p:copy(saved[j]) end
  return jacobian
end

--- The same by central differences: row i is param[i] - d output / d param[i].
function SparseJacobian.forwardUpdate(module, input, param, perturbation)
  local jacobian = SparseJacobian.forward(module, input, param, perturbation)
  local sin = param:view(param:nElement())
  for i = 1, sin:nElement() do jacobian:select(1, i):mul(-1):add(sin[i]) end
  return jacobian
end

local function randomise(input, minval, maxval)
  values(input):uniform(minval or -2, maxval or 2)
end

local function max_abs_difference(a, b) return a:add(-1, b):abs():max() end

--- The largest error of the Jacobian with respect to a sparse input against finite differences.
function SparseJacobian.testJacobian(module, input, minval, maxval)
  randomise(input, minval, maxval)
  return max_abs_difference(SparseJacobian.forward(module, input), SparseJacobian.backward(module, input))
end

--- The largest error of the Jacobian with respect to param (sparse input) against finite differences.
function SparseJacobian.testJacobianParameters(module, input, param, dparam, minval, maxval)
  randomise(input, minval, maxval)
  param:uniform(minval or -2, maxval or 2)
  local bprop = SparseJacobian.backward(module, input, param, dparam)
  return max_abs_difference(SparseJacobian.forward(module, input, param), bprop)
end

--- The largest error of updateParameters with respect to param (sparse input) against finite differences.
function SparseJacobian.testJacobianUpdateParameters(module, input, param, minval, maxval)
  randomise(input, minval, maxval)
  param:uniform(minval or -2, maxval or 2)
  local bprop = SparseJacobian.backwardUpdate(module, input, param)
  return max_abs_difference(SparseJacobian.forwardUpdate(module, input, param), bprop)
end

--- nn.Jacobian.testIO: the largest difference after a save and load.
SparseJacobian.testIO = function(...) return nn.Jacobian.testIO(...) end
--- nn.Jacobian.testAllUpdate: the update functions against each other.
SparseJacobian.testAllUpdate = function(...) return nn.Jacobian.testAllUpdate(...) end

return SparseJacobian
