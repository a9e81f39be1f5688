--- nn.AddConstant(c [, inplace]): y = x + c (Torch7's nn.AddConstant); c is
-- a number, a tensor of the input's size, or a vector added to each row of
-- a 2-D (batch) input.  With inplace the input itself becomes the output,
-- and updateGradInput restores it: to the exact values it had (a copy kept
-- at forward; x + c - c would not always round back to x).
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

-- The constant as added to `input`: a number, or a tensor of its size.
local function constant(self, input)
  local c = self.constant_scalar
  if type(c) == "number" then return c end
  if c:isSameSizeAs(input) or c:nElement() == input:nElement() and input:dim() == 1 then return c:viewAs(input) end
  if input:dim() == 2 and c:nElement() == input:size(2) then
    return c:view(1, input:size(2)):expandAs(input)
  end
  error(string.format("nn.AddConstant: the constant (size %s) matches neither the input (size %s) nor its rows",
    utils.shape(c), utils.shape(input)), 0)
end

function AddConstant:updateOutput(input)
  utils.check_tensor(self, input, "input")
  local c = constant(self, input)
  if self.inplace then
    utils.like(self, "_saved", input):copy(input)
    input:add(c)
    self.output = input
  else
    utils.like(self, "output", input):copy(input):add(c)
  end
  return self.output
end

function AddConstant:updateGradInput(input, gradOutput)
  if self.inplace then
    self.gradInput = gradOutput
    if tocha.isTensor(self._saved) and self._saved:isSameSizeAs(input) then
      input:copy(self._saved)
    else
      local c = constant(self, input) -- no copy (cleared state): undo the addition
      if type(c) == "number" then input:add(-c) else input:add(-1, c) end
    end
  else
    utils.like(self, "gradInput", input):copy(gradOutput)
  end
  return self.gradInput
end

function AddConstant:clearState()
  utils.clear(self, "_saved")
  return parent.clearState(self)
end

return AddConstant
