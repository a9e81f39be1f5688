--- nn.Squeeze([dim [, numInputDims]]): drops dimensions of size 1 (all of
-- them, or only `dim`), as Torch7's nn.Squeeze; with numInputDims an input
-- of numInputDims + 1 dimensions is a batch (its first dimension is kept
-- even when it is 1, and dim moves one up).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Squeeze, parent = tocha.class("nn.Squeeze", "nn.Module")

function Squeeze:__init(dim, numInputDims)
  parent.__init(self)
  if dim ~= nil then self.dim = utils.checkinteger(dim, "nn.Squeeze", "dim", 1) end
  if numInputDims ~= nil then
    self.numInputDims = utils.checkinteger(numInputDims, "nn.Squeeze", "numInputDims", 1)
  end
end

function Squeeze:updateOutput(input)
  local batch = self.numInputDims and input:dim() == self.numInputDims + 1
  local sizes = {}
  for d = 1, input:dim() do
    local keep = input:size(d) ~= 1 or (batch and d == 1)
    if self.dim and d ~= self.dim + (batch and 1 or 0) then keep = true end
    if keep then sizes[#sizes + 1] = input:size(d) end
  end
  if #sizes == 0 then sizes[1] = 1 end
  local c = input:contiguous()
  self.output = c:view(tocha.LongStorage(sizes))
  return self.output
end

function Squeeze:updateGradInput(input, gradOutput)
  self.gradInput = gradOutput:contiguous():view(input:size())
  return self.gradInput
end

return Squeeze
