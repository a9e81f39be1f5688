--- nn.ELU([alpha [, inplace]]): y = x if x > 0 else alpha * (exp(x) - 1),
-- alpha = 1 by default (Torch7's nn.ELU).
local tocha = require "tocha"

local ELU, parent = tocha.class("nn.ELU", "nn.Module")
local C = tocha._nn

function ELU:__init(alpha, inplace)
  parent.__init(self)
  if alpha ~= nil and type(alpha) ~= "number" then
    error(string.format("nn.ELU: alpha must be a number, got %s", type(alpha)), 2)
  end
  if inplace ~= nil and type(inplace) ~= "boolean" then
    error(string.format("nn.ELU: inplace must be a boolean, got %s", type(inplace)), 2)
  end
  self.alpha = alpha or 1
  -- backward computes the slope from the output: alpha * exp(x) = y + alpha
  if self.alpha < 0 then
    error(string.format("nn.ELU: alpha must be >= 0, got %g", self.alpha), 2)
  end
  self.inplace = inplace or false
end

function ELU:updateOutput(input)
  if self.inplace and tocha.isTensor(input) and input:type() == self.output:type() then
    self.output:set(input)
    C.elu_forward(self, self.output, self.output, self.alpha)
  else
    C.elu_forward(self, self.output, input, self.alpha)
  end
  return self.output
end

function ELU:updateGradInput(input, gradOutput) -- luacheck: no unused args
  if self.inplace and tocha.isTensor(gradOutput) and gradOutput:type() == self.gradInput:type() then
    self.gradInput:set(gradOutput)
    C.elu_backward(self, self.gradInput, self.gradInput, self.output, self.alpha)
  else
    C.elu_backward(self, self.gradInput, gradOutput, self.output, self.alpha)
  end
  return self.gradInput
end

function ELU:__tostring__()
  return string.format("%s (alpha:%f)", self.__typename, self.alpha)
end

return ELU
