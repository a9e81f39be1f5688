--- nn.AddConstant(c [, inplace]): y = x + c (Torch7's nn.AddConstant); c is
-- a number or a tensor of the input's size.  With inplace the input is
-- changed in place and restored after backward, as Torch7 does.
local tocha = require "tocha"
local utils = require "tocha.utils"

local AddConstant, parent = tocha.class("nn.AddConstant", "nn.Module")

function AddConstant:__init(constant_scalar, ip)
  parent.__init(self)
  if type(constant_scalar) ~= "number" and not tocha.isTensor(constant_scalar) then
    error("nn.AddConstant: constant_scalar must be a number or a tensor, got " .. type(constant_scalar), 2)
  end
  self.constant_scalar = constant_scalar
  self.inplace = ip == true
end

function AddConstant:updateOutput(input)
  if self.inplace then
    input:add(self.constant_scalar)
    self.output = input
  else
    utils.like(self, "output", input):copy(input):add(self.constant_scalar)
  end
  return self.output
end

function AddConstant:updateGradInput(input, gradOutput)
  if self.inplace then
    self.gradInput = gradOutput
    if type(self.constant_scalar) == "number" then
      input:add(-self.constant_scalar)
    else
      input:add(-1, self.constant_scalar)
    end
  else
    utils.like(self, "gradInput", input):copy(gradOutput)
  end
  return self.gradInput
end

return AddConstant
