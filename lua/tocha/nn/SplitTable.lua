--- nn.SplitTable(dimension [, nInputDims]): splits a tensor into the table
-- of its slices along `dimension` (Torch7's).  With nInputDims, an input
-- of nInputDims + 1 dimensions is a batch and the dimension moves one up;
-- a negative dimension counts from the end.
local tocha = require "tocha"
local utils = require "tocha.utils"

local SplitTable, parent = tocha.class("nn.SplitTable", "nn.Module")

function SplitTable:__init(dimension, nInputDims)
  parent.__init(self)
  self.dimension = utils.checkinteger(dimension, "nn.SplitTable", "dimension")
  if self.dimension == 0 then error("nn.SplitTable: dimension must not be 0", 2) end
  if nInputDims ~= nil then self.nInputDims = utils.checkinteger(nInputDims, "nn.SplitTable", "nInputDims", 1) end
  self.output = {}
end

function SplitTable:_getPositiveDimension(input)
  local dim = utils.batch_dimension(self.dimension, input:dim(), self.nInputDims)
  if dim < 1 or dim > input:dim() then
    error(string.format("nn.SplitTable: dimension %d out of range for a %dD input", self.dimension, input:dim()), 3)
  end
  return dim
end

function SplitTable:updateOutput(input)
  if not tocha.isTensor(input) then error("nn.SplitTable: input must be a tensor, got " .. tocha.type(input), 2) end
  local dim = self:_getPositiveDimension(input)
  local n = input:size(dim)
  for i = 1, n do self.output[i] = input:select(dim, i) end
  for i = n + 1, #self.output do self.output[i] = nil end
  return self.output
end

function SplitTable:updateGradInput(input, gradOutput)
  local dim = self:_getPositiveDimension(input)
  if type(gradOutput) ~= "table" or #gradOutput ~= input:size(dim) then
    error(string.format("nn.SplitTable: gradOutput must be a table of %d tensors", input:size(dim)), 2)
  end
  if tocha.type(self.gradInput) ~= tocha.type(input) then self.gradInput = input.new() end
  self.gradInput:resizeAs(input)
  for i = 1, #gradOutput do self.gradInput:select(dim, i):copy(gradOutput[i]) end
  return self.gradInput
end

return SplitTable
