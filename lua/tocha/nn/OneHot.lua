--- nn.OneHot(outputSize): class indices (a tensor of any shape, or a
-- number) -> one-hot vectors along a new last dimension of outputSize
-- entries (Torch7's); the indices get a zero gradient.
local tocha = require "tocha"
local utils = require "tocha.utils"

local OneHot, parent = tocha.class("nn.OneHot", "nn.Module")
local NAME = "nn.OneHot"

function OneHot:__init(outputSize)
  parent.__init(self)
  self.outputSize = utils.checkinteger(outputSize, NAME, "outputSize", 1)
end

local function check_range(self, lo, hi)
  if lo < 1 or hi > self.outputSize then
    error(string.format("%s: index out of range 1..%d", NAME, self.outputSize), 3)
  end
end

function OneHot:updateOutput(input)
  if type(input) == "number" then
    local k = utils.integer(input)
    if k == nil then error(string.format("%s: index %s is not an integer", NAME, tostring(input)), 2) end
    check_range(self, k, k)
    self.output:resize(self.outputSize):zero()
    self.output[k] = 1
    return self.output
  end
  if not tocha.isTensor(input) then
    error(string.format("%s: input must be a tensor of indices or a number, got %s", NAME, tocha.type(input)), 2)
  end
  local size = input:size():totable()
  size[#size + 1] = self.outputSize
  self.output:resize(tocha.LongStorage(size)):zero()
  if input:nElement() == 0 then return self.output end
  local idx = utils.like(self, "_input", tocha.LongTensor(input:size())):copy(input)
  check_range(self, idx:min(), idx:max())
  size[#size] = 1
  self.output:scatter(#size, idx:view(tocha.LongStorage(size)), 1)
  return self.output
end

function OneHot:updateGradInput(input)
  if type(input) == "number" then return 0 end
  self.gradInput:resize(input:size()):zero()
  return self.gradInput
end

return OneHot
