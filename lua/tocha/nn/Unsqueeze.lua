--- nn.Unsqueeze(pos [, numInputDims]): inserts a dimension of size 1 before
-- dimension `pos` (pos = dim + 1 appends), as Torch7's nn.Unsqueeze; with
-- numInputDims the input's first dim - numInputDims dimensions are batch
-- dimensions and pos counts after them.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Unsqueeze, parent = tocha.class("nn.Unsqueeze", "nn.Module")

function Unsqueeze:__init(pos, numInputDims)
  parent.__init(self)
  self.pos = utils.checkinteger(pos, "nn.Unsqueeze", "pos", 1)
  if numInputDims ~= nil then
    self.numInputDims = utils.checkinteger(numInputDims, "nn.Unsqueeze", "numInputDims", 1)
  end
end

--- The number of non-batch dimensions of the input (so that a batch is recognised); returns self.
function Unsqueeze:setNumInputDims(numInputDims)
  self.numInputDims = numInputDims and utils.checkinteger(numInputDims, "nn.Unsqueeze", "numInputDims", 1)
  return self
end

function Unsqueeze:updateOutput(input)
  local offset = input:dim() - (self.numInputDims or input:dim())
  if offset < 0 then
    error(string.format("nn.Unsqueeze: numInputDims (%d) exceeds the input's %d dimensions", self.numInputDims,
      input:dim()), 2)
  end
  local pos = self.pos + offset
  if pos > input:dim() + 1 then
    error(string.format("nn.Unsqueeze: position %d out of range for a %dD input", self.pos, input:dim()), 2)
  end
  local sizes = input:size():totable()
  table.insert(sizes, pos, 1)
  self.output = input:contiguous():view(tocha.LongStorage(sizes))
  return self.output
end

function Unsqueeze:updateGradInput(input, gradOutput)
  self.gradInput = gradOutput:contiguous():view(input:size())
  return self.gradInput
end

return Unsqueeze
