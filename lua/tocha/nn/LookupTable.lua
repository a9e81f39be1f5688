--- nn.LookupTable(nIndex, nOutput): row i of a learnable nIndex x nOutput
-- weight for each index i (Torch7's nn.LookupTable).  Input: a 1-D tensor
-- of indices (output nIndices x nOutput) or a 2-D batch (output
-- batch x nIndices x nOutput); indices are integral values in 1..nIndex,
-- of any tensor type.  Weights start as N(0, 1).
local tocha = require "tocha"
local utils = require "tocha.utils"

local LookupTable, parent = tocha.class("nn.LookupTable", "nn.Module")

function LookupTable:__init(nIndex, nOutput)
  parent.__init(self)
  nIndex = utils.checkinteger(nIndex, "nn.LookupTable", "nIndex", 1)
  nOutput = utils.checkinteger(nOutput, "nn.LookupTable", "nOutput", 1)
  self.weight = tocha.Tensor(nIndex, nOutput)
  self.gradWeight = tocha.Tensor(nIndex, nOutput):zero()
  self._indices = tocha.LongTensor()
  self:reset()
end

function LookupTable:reset(stdv)
  self.weight:normal(0, stdv or 1)
  return self
end

-- The input's indices as a 1-D LongTensor, checked against nIndex.
local function indices(self, input)
  if not tocha.isTensor(input) or (input:dim() ~= 1 and input:dim() ~= 2) then
    error("nn.LookupTable: input must be a 1-D or 2-D tensor of indices, got " ..
      (tocha.isTensor(input) and utils.shape(input) or tocha.type(input)), 3)
  end
  local idx = self._indices:resize(input:nElement()):copy(input:contiguous():view(input:nElement()))
  if idx:nElement() > 0 then
    local lo, hi = idx:min(), idx:max()
    if lo < 1 or hi > self.weight:size(1) then
      error(string.format("nn.LookupTable: index %d out of range 1..%d", lo < 1 and lo or hi, self.weight:size(1)), 3)
    end
  end
  return idx
end

function LookupTable:updateOutput(input)
  local idx = indices(self, input)
  local rows = self.weight:index(1, idx)
  if input:dim() == 2 then rows = rows:view(input:size(1), input:size(2), self.weight:size(2)) end
  utils.like(self, "output", rows):copy(rows)
  return self.output
end

-- Indices have no gradient (Torch7 leaves gradInput empty).
function LookupTable:updateGradInput(input, gradOutput) -- luacheck: no unused args
  return self.gradInput
end

function LookupTable:accGradParameters(input, gradOutput, scale)
  local idx = indices(self, input)
  local g = gradOutput:contiguous():view(idx:nElement(), self.weight:size(2))
  if (scale or 1) ~= 1 then g = g:clone():mul(scale) end
  self.gradWeight:indexAdd(1, idx, g)
end

return LookupTable
