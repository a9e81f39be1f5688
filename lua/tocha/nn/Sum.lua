--- nn.Sum([dimension [, nInputDims [, sizeAverage [, squeeze]]]]): the sum
-- of the input along `dimension` (1; negative from the end), as Torch7's
-- nn.Sum; with nInputDims an input of nInputDims + 1 dimensions is a batch
-- and the dimension moves one up; sizeAverage divides by the size summed
-- over (nn.Mean); squeeze (true) drops the summed dimension.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Sum, parent = tocha.class("nn.Sum", "nn.Module")

function Sum:__init(dimension, nInputDims, sizeAverage, squeeze)
  parent.__init(self)
  self.dimension = utils.checkinteger(dimension or 1, "nn.Sum", "dimension")
  if nInputDims ~= nil then self.nInputDims = utils.checkinteger(nInputDims, "nn.Sum", "nInputDims", 1) end
  self.sizeAverage = sizeAverage == true
  self.squeeze = squeeze == nil or squeeze == true
end

function Sum:_getPositiveDimension(input)
  local dim = utils.batch_dimension(self.dimension, input:dim(), self.nInputDims)
  if dim < 1 or dim > input:dim() then
    error(string.format("%s: dimension %d out of range for a %dD input", self.__typename, self.dimension,
      input:dim()), 3)
  end
  return dim
end

function Sum:updateOutput(input)
  local dim = self:_getPositiveDimension(input)
  local s = input:sum(dim)
  if self.sizeAverage then s:div(input:size(dim)) end
  if self.squeeze and input:dim() > 1 then s = s:select(dim, 1) end
  utils.like(self, "output", s):copy(s)
  return self.output
end

function Sum:updateGradInput(input, gradOutput)
  local dim = self:_getPositiveDimension(input)
  local sizes = input:size():totable()
  sizes[dim] = 1
  local g = gradOutput:contiguous():view(tocha.LongStorage(sizes))
  local gi = utils.like(self, "gradInput", input):copy(g:expandAs(input))
  if self.sizeAverage then gi:div(input:size(dim)) end
  return gi
end

return Sum
