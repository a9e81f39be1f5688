--- nn.Max([dimension [, nInputDims]]): the largest entry along `dimension`
-- (1; negative from the end; with nInputDims an input of nInputDims + 1
-- dimensions is a batch and the dimension moves one up), the dimension
-- dropped (Torch7's).  The gradient goes to the position of the maximum.
-- nn.Min is the same with the smallest entry.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"
local nnutils = require "tocha.nn.utils"

local Max, parent = tocha.class("nn.Max", "nn.Module")
Max._reduce = "max"

function Max:__init(dimension, nInputDims)
  parent.__init(self)
  self.dimension = utils.checkinteger(dimension or 1, self.__typename, "dimension")
  if nInputDims ~= nil then
    self.nInputDims = utils.checkinteger(nInputDims, self.__typename, "nInputDims", 1)
  end
end

function Max:_getPositiveDimension(input)
  if not tocha.isTensor(input) or input:dim() == 0 then
    error(string.format("%s: input must be a non-empty tensor, got %s", self.__typename,
      tocha.isTensor(input) and "an empty tensor" or tocha.type(input)), 3)
  end
  local dim = utils.batch_dimension(self.dimension, input:dim(), self.nInputDims)
  if dim < 1 or dim > input:dim() then
    error(string.format("%s: dimension %d out of range for a %dD input", self.__typename, self.dimension,
      input:dim()), 3)
  end
  return dim
end

function Max:updateOutput(input)
  local dim = self:_getPositiveDimension(input)
  local values, indices = input[self._reduce](input, dim)
  self._indices = indices
  if input:dim() > 1 then values = values:select(dim, 1) end
  utils.like(self, "output", values):copy(values)
  return self.output
end

function Max:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local dim = self:_getPositiveDimension(input)
  if not self._indices then
    error(string.format("%s: updateGradInput needs a forward first", self.__typename), 2)
  end
  local g = input:dim() > 1 and nnutils.addSingletonDimension(gradOutput:contiguous(), dim) or gradOutput
  utils.like(self, "gradInput", input):zero():scatter(dim, self._indices, g)
  return self.gradInput
end

function Max:clearState()
  self._indices = nil
  return parent.clearState(self)
end

return Max
