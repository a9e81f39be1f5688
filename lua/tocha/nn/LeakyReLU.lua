--- nn.LeakyReLU([negval [, inplace]]): y = x if x > 0 else negval * x,
-- negval = 1/100 by default (Torch7's nn.LeakyReLU).
local tocha = require "tocha"

local LeakyReLU, parent = tocha.class("nn.LeakyReLU", "nn.Module")
local C = tocha._nn

function LeakyReLU:__init(negval, inplace)
  parent.__init(self)
  if negval ~= nil and type(negval) ~= "number" then
    error(string.format("nn.LeakyReLU: negval must be a number, got %s", type(negval)), 2)
  end
  if inplace ~= nil and type(inplace) ~= "boolean" then
    error(string.format("nn.LeakyReLU: inplace must be a boolean, got %s", type(inplace)), 2)
  end
  self.negval = negval or 1 / 100
  self.inplace = inplace or false
  -- backward reads the signs of the (overwritten) input
  if self.inplace and self.negval < 0 then
    error(string.format("nn.LeakyReLU: inplace needs negval >= 0 (it keeps the input's signs), got %g",
      self.negval), 2)
  end
end

function LeakyReLU:updateOutput(input)
  if self.inplace and tocha.isTensor(input) and input:type() == self.output:type() then
    self.output:set(input)
    C.leaky_relu_forward(self, self.output, self.output, self.negval)
  else
    C.leaky_relu_forward(self, self.output, input, self.negval)
  end
  return self.output
end

function LeakyReLU:updateGradInput(input, gradOutput)
  if self.inplace and tocha.isTensor(gradOutput) and gradOutput:type() == self.gradInput:type() then
    self.gradInput:set(gradOutput)
    C.leaky_relu_backward(self, self.gradInput, self.gradInput, input, self.negval)
  else
    C.leaky_relu_backward(self, self.gradInput, gradOutput, input, self.negval)
  end
  return self.gradInput
end

return LeakyReLU
