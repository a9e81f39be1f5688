--- Shared argument checks of the element-wise criterions (AbsCriterion,
-- SmoothL1Criterion, MarginCriterion, ...): one rule, one place.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Loss = {}

--- sizeAverage as given (a boolean), or `default` when nil.
function Loss.flag(name, what, v, default)
  if v == nil then return default end
  if type(v) ~= "boolean" then
    error(string.format("%s: %s must be a boolean, got %s", name, what, tocha.type(v)), 3)
  end
  return v
end

--- A number argument, or `default` when nil.
function Loss.number(name, what, v, default)
  if v == nil then return default end
  if type(v) ~= "number" then
    error(string.format("%s: %s must be a number, got %s", name, what, tocha.type(v)), 3)
  end
  return v
end

--- t when it is a tensor, else an error "<name>: <what> must be a tensor, got <type>"
-- at the caller's caller's level (the user's call).
function Loss.tensor(name, what, t, level)
  if not tocha.isTensor(t) then
    error(string.format("%s: %s must be a tensor, got %s", name, what, tocha.type(t)), level or 4)
  end
  return t
end

--- gradOutput when it is a tensor with as many elements as module.output
-- (once there is an output), else an error naming the module.
function Loss.gradOutput(module, gradOutput)
  local name = module.__typename
  if not tocha.isTensor(gradOutput) then
    error(string.format("%s: gradOutput must be a tensor, got %s", name, tocha.type(gradOutput)), 3)
  end
  local out = module.output
  if tocha.isTensor(out) and out:nElement() > 0 and gradOutput:nElement() ~= out:nElement() then
    error(string.format("%s: gradOutput (%s) does not match the output (%s)", name, utils.shape(gradOutput),
      utils.shape(out)), 3)
  end
  return gradOutput
end

--- Checks that input and target are tensors with one element count;
-- returns target viewed with input's shape (a view, no copy).
function Loss.pair(name, input, target)
  if not tocha.isTensor(input) then
    error(string.format("%s: input must be a tensor, got %s", name, tocha.type(input)), 3)
  end
  if not tocha.isTensor(target) then
    error(string.format("%s: target must be a tensor, got %s", name, tocha.type(target)), 3)
  end
  if input:nElement() ~= target:nElement() then
    error(string.format("%s: input (%s) and target (%s) must have the same number of elements", name,
      utils.shape(input), utils.shape(target)), 3)
  end
  if tocha.type(target) ~= tocha.type(input) then target = target:type(input:type()) end
  if not target:isSameSizeAs(input) then target = target:contiguous():viewAs(input) end
  return target
end

--- The divisor of a sum: n with sizeAverage, else 1.
function Loss.norm(self, n)
  if self.sizeAverage and n > 0 then return n end
  return 1
end

return Loss
