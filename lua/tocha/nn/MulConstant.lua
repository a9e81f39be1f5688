--- nn.MulConstant(c [, inplace]): y = c * x (Torch7's nn.MulConstant).  With
-- inplace the input is scaled in place (and gradOutput in backward), and
-- restored after backward as Torch7 does.
local tocha = require "tocha"
local utils = require "tocha.utils"

local MulConstant, parent = tocha.class("nn.MulConstant", "nn.Module")

function MulConstant:__init(constant_scalar, ip)
  parent.__init(self)
  if type(constant_scalar) ~= "number" then
    error("nn.MulConstant: constant_scalar must be a number, got " .. type(constant_scalar), 2)
  end
  self.constant_scalar = constant_scalar
  self.inplace = ip == true
end

function MulConstant:updateOutput(input)
  if self.inplace then
    input:mul(self.constant_scalar)
    self.output = input
  else
    utils.like(self, "output", input):copy(input):mul(self.constant_scalar)
  end
  return self.output
end

function MulConstant:updateGradInput(input, gradOutput)
  if self.inplace then
    gradOutput:mul(self.constant_scalar)
    self.gradInput = gradOutput
    input:div(self.constant_scalar) -- restore the input
  else
    utils.like(self, "gradInput", input):copy(gradOutput):mul(self.constant_scalar)
  end
  return self.gradInput
end

return MulConstant
