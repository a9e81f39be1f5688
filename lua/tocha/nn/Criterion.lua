--- nn.Criterion: the protocol of loss functions (Torch7's nn.Criterion).
-- forward(input, target) returns the loss (a number, also in self.output);
-- backward(input, target) returns d loss / d input (self.gradInput).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Criterion = tocha.class("nn.Criterion")

function Criterion:__init()
  self.gradInput = tocha.Tensor()
  self.output = 0
end

--- Computes the loss of input against target into self.output (what each criterion implements).
function Criterion:updateOutput(input, target) -- luacheck: no unused args
  return self.output
end

--- The loss of input against target (a number); calls updateOutput.
function Criterion:forward(input, target)
  return self:updateOutput(input, target)
end

--- The gradient of the loss with respect to input (self.gradInput); calls updateGradInput.
function Criterion:backward(input, target)
  return self:updateGradInput(input, target)
end

--- Computes the gradient of the loss with respect to input into self.gradInput.
function Criterion:updateGradInput(input, target) -- luacheck: no unused args
  return self.gradInput
end

--- A deep copy (tensors get their own storage).
function Criterion:clone()
  return utils.deepcopy(self)
end

--- Converts the criterion's tensors (weights, buffers) to `typename`;
-- without an argument, returns the class name.
function Criterion:type(typename, cache)
  if typename == nil then return self.__typename end
  utils.convert_tensors(self, typename, cache or {})
  return self
end

--- Converts the criterion's tensors to float; returns self.
function Criterion:float() return self:type("tocha.FloatTensor") end

--- Converts the criterion's tensors to double; returns self.
function Criterion:double() return self:type("tocha.DoubleTensor") end

--- Frees the gradInput buffer.
function Criterion:clearState()
  utils.clear(self, "gradInput")
  return self
end

function Criterion:__call__(input, target)
  self.output = self:forward(input, target)
  self.gradInput = self:backward(input, target)
  return self.output, self.gradInput
end

function Criterion:__tostring__()
  return self.__typename
end

return Criterion
