--- nn.CReLU(nInputDims [, inplace]): the concatenated ReLU (Torch7's):
-- (relu(x), relu(-x)) joined along the feature dimension, which doubles
-- the feature maps; an input of nInputDims + 1 dimensions is a batch
-- (features along dimension 2), else features are along dimension 1.
-- (inplace is kept as a field; the input is never overwritten.)
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local CReLU, parent = tocha.class("nn.CReLU", "nn.Module")
local NAME = "nn.CReLU"

function CReLU:__init(nInputDims, inplace)
  parent.__init(self)
  self.nInputDims = utils.checkinteger(nInputDims, NAME, "nInputDims", 1)
  self.inplace = inplace == true
end

-- input as a batch (n, features, ...).
local function batch(self, input)
  if not tocha.isTensor(input) or (input:dim() ~= self.nInputDims and input:dim() ~= self.nInputDims + 1) then
    error(string.format("%s: input must have %d or %d dimensions, got %s", NAME, self.nInputDims,
      self.nInputDims + 1, tocha.isTensor(input) and utils.shape(input) or tocha.type(input)), 3)
  end
  if input:dim() == self.nInputDims + 1 then return input end
  local size = input:size():totable()
  table.insert(size, 1, 1)
  return input:contiguous():view(tocha.LongStorage(size))
end

function CReLU:updateOutput(input)
  local x = batch(self, input)
  local c = x:size(2)
  local size = x:size():totable()
  size[2] = 2 * c
  local out = utils.like(self, "_output", x):resize(tocha.LongStorage(size))
  out:narrow(2, 1, c):copy(x):cmax(0)
  out:narrow(2, c + 1, c):copy(x):mul(-1):cmax(0)
  if input:dim() == self.nInputDims then
    table.remove(size, 1)
    self.output = out:view(tocha.LongStorage(size))
  else
    self.output = out
  end
  return self.output
end

function CReLU:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local x = batch(self, input)
  local c = x:size(2)
  local g = gradOutput:contiguous():view(x:size(1), 2 * c, x:nElement() // math.max(1, x:size(1) * c))
  local xv = x:contiguous():view(x:size(1), c, g:size(3))
  local gi = utils.like(self, "gradInput", input)
  local giv = gi:view(x:size(1), c, g:size(3))
  giv:copy(g:narrow(2, 1, c)):cmul(xv:gt(0):typeAs(xv))
  giv:add(-1, g:narrow(2, c + 1, c):clone():cmul(xv:lt(0):typeAs(xv)))
  return gi
end

function CReLU:__tostring__()
  return string.format("%s(%d)", self.__typename, self.nInputDims)
end

return CReLU
