--- nn.LookupTable(nIndex, nOutput [, paddingValue, maxNorm, normType]): row i
-- of a learnable nIndex x nOutput weight for each index i (Torch7's
-- nn.LookupTable).  Input: a 1-D tensor of indices (output nIndices x
-- nOutput) or a 2-D batch (output batch x nIndices x nOutput); indices are
-- integral values in 1..nIndex, of any tensor type.  Weights start as
-- N(0, 1).  As Torch7:
--   paddingValue (default 0: none): an index whose row gets no gradient;
--   maxNorm: before each lookup, the rows looked up whose normType-norm
--     (default 2) exceeds maxNorm are scaled to maxNorm (the weight changes);
--   scaleGradByFreq(): each row's gradient divided by how often its index
--     occurs in the input;
--   accUpdateOnly(): drops gradWeight (accUpdateGradParameters only).
local tocha = require "tocha"
local utils = require "tocha.utils"

local LookupTable, parent = tocha.class("nn.LookupTable", "nn.Module")

function LookupTable:__init(nIndex, nOutput, paddingValue, maxNorm, normType)
  parent.__init(self)
  local name = "nn.LookupTable"
  nIndex = utils.checkinteger(nIndex, name, "nIndex", 1)
  nOutput = utils.checkinteger(nOutput, name, "nOutput", 1)
  self.paddingValue = paddingValue == nil and 0 or utils.checkinteger(paddingValue, name, "paddingValue", 0)
  if maxNorm ~= nil and (type(maxNorm) ~= "number" or maxNorm ~= maxNorm or maxNorm <= 0) then
    error(string.format("%s: maxNorm must be a positive number, got %s", name, tostring(maxNorm)), 3)
  end
  if normType ~= nil and (type(normType) ~= "number" or normType ~= normType or normType <= 0) then
    error(string.format("%s: normType must be a positive number, got %s", name, tostring(normType)), 3)
  end
  self.maxNorm = maxNorm
  self.normType = normType
  self.weight = tocha.Tensor(nIndex, nOutput)
  self.gradWeight = tocha.Tensor(nIndex, nOutput):zero()
  self.shouldScaleGradByFreq = false
  self._indices = tocha.LongTensor()
  self:reset()
end

function LookupTable:reset(stdv)
  self.weight:normal(0, stdv or 1)
  return self
end

--- Drops gradWeight: the table is then trained by accUpdateGradParameters only (Torch7's accUpdateOnly); returns self.
function LookupTable:accUpdateOnly()
  self.gradWeight = nil
  return self
end

--- Sets the padding index (an index whose row gets no gradient; 0 for none); returns self.
function LookupTable:setPadding(paddingValue)
  self.paddingValue = paddingValue
  return self
end

--- Sets maxNorm: rows looked up whose norm exceeds it are rescaled to it before each lookup; returns self.
function LookupTable:setMaxNorm(maxNorm)
  self.maxNorm = maxNorm
  return self
end

--- Sets the norm (p of the p-norm, default 2) that maxNorm bounds; returns self.
function LookupTable:setNormType(normType)
  self.normType = normType
  return self
end

--- Divides each row's gradient by how often its index occurs in the input; returns self.
function LookupTable:scaleGradByFreq()
  self.shouldScaleGradByFreq = true
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

-- Scales the rows of the indices idx whose norm exceeds maxNorm down to it.
local function renorm(self, idx)
  if not self.maxNorm or idx:nElement() == 0 then return end
  local p, seen = self.normType or 2, {}
  for k = 1, idx:nElement() do
    local i = idx[k]
    if not seen[i] then
      seen[i] = true
      local row = self.weight[i]
      local norm = row:norm(p)
      if norm > self.maxNorm then row:mul(self.maxNorm / (norm + 1e-7)) end
    end
  end
end

function LookupTable:updateOutput(input)
  local idx = indices(self, input)
  renorm(self, idx)
  local rows = self.weight:index(1, idx)
  if input:dim() == 2 then rows = rows:view(input:size(1), input:size(2), self.weight:size(2)) end
  utils.like(self, "output", rows):copy(rows)
  return self.output
end

-- Indices have no gradient: gradInput is zeros of the input's type and
-- size (Torch7's).
function LookupTable:updateGradInput(input, gradOutput) -- luacheck: no unused args
  if not tocha.isTensor(self.gradInput) or tocha.type(self.gradInput) ~= tocha.type(input) then
    self.gradInput = input.new()
  end
  if not self.gradInput:isSameSizeAs(input) then self.gradInput:resizeAs(input):zero() end
  return self.gradInput
end

function LookupTable:accGradParameters(input, gradOutput, scale)
  if not self.gradWeight then
    error("nn.LookupTable: no gradWeight (accUpdateOnly() was called): use accUpdateGradParameters", 2)
  end
  local idx = indices(self, input)
  scale = scale or 1
  local n = idx:nElement()
  if not tocha.isTensor(gradOutput) or gradOutput:nElement() ~= n * self.weight:size(2) then
    error(string.format("nn.LookupTable: gradOutput must have %d x %d elements, got %s", n, self.weight:size(2),
      tocha.isTensor(gradOutput) and utils.shape(gradOutput) or tocha.type(gradOutput)), 2)
  end
  local g = gradOutput:contiguous():view(n, self.weight:size(2))
  local pad = self.paddingValue or 0
  local counts
  if self.shouldScaleGradByFreq then
    counts = {}
    for k = 1, n do counts[idx[k]] = (counts[idx[k]] or 0) + 1 end
  end
  if pad == 0 and not counts then
    if scale ~= 1 then g = g:clone():mul(scale) end
    self.gradWeight:indexAdd(1, idx, g)
    return
  end
  for k = 1, n do
    local i = idx[k]
    if i ~= pad then self.gradWeight[i]:add(counts and scale / counts[i] or scale, g[k]) end
  end
end

function LookupTable:type(typename, cache)
  if typename == nil then return parent.type(self) end
  parent.type(self, typename, cache)
  self._indices = tocha.LongTensor() -- indices stay Long
  return self
end

function LookupTable:clearState()
  utils.clear(self, "_indices")
  return parent.clearState(self)
end

return LookupTable
