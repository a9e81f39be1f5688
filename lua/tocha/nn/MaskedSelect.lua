--- nn.MaskedSelect(): {input, mask} -> the entries of input where the
-- ByteTensor mask (input's shape) is 1, as a vector (Torch7's); backward
-- puts gradOutput back at those places (zero elsewhere; the mask's
-- gradient is zero).
local tocha = require "tocha"
local utils = require "tocha.utils"
local TableUtil = require "tocha.nn.TableUtil"

local MaskedSelect, parent = tocha.class("nn.MaskedSelect", "nn.Module")
local NAME = "nn.MaskedSelect"

function MaskedSelect:__init()
  parent.__init(self)
  self.gradInput = { tocha.Tensor(), tocha.ByteTensor() }
end

local function check(input)
  TableUtil.check(NAME, "input", input, 2)
  if not tocha.isTensor(input[1]) or not tocha.isTensor(input[2]) or input[1]:nElement() ~= input[2]:nElement() then
    error(string.format("%s: input must be {tensor, mask} of one number of elements", NAME), 3)
  end
  return input[1], input[2]
end

function MaskedSelect:updateOutput(input)
  local x, mask = check(input)
  local selected = x:maskedSelect(mask)
  utils.like(self, "output", selected):copy(selected)
  return self.output
end

function MaskedSelect:updateGradInput(input, gradOutput)
  local x, mask = check(input)
  local g = utils.like(self.gradInput, 1, x):zero()
  if gradOutput:nElement() > 0 then g:maskedCopy(mask, gradOutput:contiguous()) end
  utils.like(self.gradInput, 2, mask):zero()
  return self.gradInput
end

return MaskedSelect
