--- nn.SparseLinear(inputSize, outputSize [, doGradInput]): a Linear layer
-- on sparse inputs (Torch7's).  A sample is an (nnz x 2) tensor of
-- (index, value) rows; a batch is a table of samples (or, legacy, a
-- (batch x nnz x 2) tensor).  y = W x + b.  With doGradInput, gradInput
-- holds per sample an (inputSize x 2) tensor of (index, dense gradient).
-- The bias starts near zero (its reset range times 1e-6) and
-- self.weightDecay (0) adds weightDecay * weight to gradWeight, as in Torch7.
local tocha = require "tocha"
local utils = require "tocha.utils"

local SparseLinear, parent = tocha.class("nn.SparseLinear", "nn.Module")
local NAME = "nn.SparseLinear"

function SparseLinear:__init(inputSize, outputSize, doGradInput)
  parent.__init(self)
  inputSize = utils.checkinteger(inputSize, NAME, "inputSize", 1)
  outputSize = utils.checkinteger(outputSize, NAME, "outputSize", 1)
  if doGradInput ~= nil and type(doGradInput) ~= "boolean" then
    error(string.format("%s: doGradInput must be a boolean, got %s", NAME, tocha.type(doGradInput)), 2)
  end
  self.weightDecay = 0
  self.doGradInput = doGradInput or false
  self.weight = tocha.Tensor(outputSize, inputSize):zero()
  self.bias = tocha.Tensor(outputSize):zero()
  self.gradWeight = tocha.Tensor(outputSize, inputSize):zero()
  self.gradBias = tocha.Tensor(outputSize):zero()
  self.gradInput = {}
  self:reset()
end

function SparseLinear:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(2))
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv):mul(0.000001)
  return self
end

-- The samples as a list of {indices (LongTensor), values}, whether the
-- input was a batch, and whether it was the legacy 3D form.
function SparseLinear:_samples(input)
  local list, batch, legacy
  if type(input) == "table" and not tocha.isTensor(input) then
    list, batch, legacy = input, true, false
  elseif tocha.isTensor(input) and input:dim() == 2 then
    list, batch, legacy = { input }, false, false
  elseif tocha.isTensor(input) and input:dim() == 3 then
    list, batch, legacy = {}, true, true
    for k = 1, input:size(1) do list[k] = input[k] end
  else
    error(string.format("%s: input must be an (nnz x 2) tensor, a table of them or a (batch x nnz x 2) tensor, "
      .. "got %s", NAME, tocha.isTensor(input) and utils.shape(input) or tocha.type(input)), 3)
  end
  local n = self.weight:size(2)
  local samples = {}
  for i, s in ipairs(list) do
    if not tocha.isTensor(s) or s:dim() ~= 2 or s:size(2) ~= 2 then
      error(string.format("%s: sample %d must be an (nnz x 2) tensor of (index, value) rows", NAME, i), 3)
    end
    local idx = s:select(2, 1):long()
    if idx:nElement() > 0 and (idx:min() < 1 or idx:max() > n) then
      error(string.format("%s: sample %d has an index out of range 1..%d", NAME, i, n), 3)
    end
    samples[i] = { idx, s:select(2, 2) }
  end
  return samples, batch, legacy
end

function SparseLinear:updateOutput(input)
  local samples, batch = self:_samples(input)
  local m = self.weight:size(1)
  local out = utils.like(self, "_output", self.bias.new(math.max(1, #samples), m))
  for i, s in ipairs(samples) do
    local row = out[i]:copy(self.bias)
    if s[1]:nElement() > 0 then row:addmv(1, self.weight:index(2, s[1]), s[2]:typeAs(self.weight)) end
  end
  if #samples == 0 then out[1]:copy(self.bias) end
  self.output = batch and out or out[1]
  return self.output
end

function SparseLinear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local samples = self:_samples(input)
  local g = gradOutput:dim() == 1 and gradOutput:view(1, gradOutput:nElement()) or gradOutput
  for i, s in ipairs(samples) do
    if s[1]:nElement() > 0 then
      local outer = tocha.ger(g[i], s[2]:typeAs(self.weight)):mul(scale)
      self.gradWeight:indexAdd(2, s[1], outer)
    end
    self.gradBias:add(scale, g[i])
  end
  if self.weightDecay ~= 0 then self.gradWeight:add(self.weightDecay, self.weight) end
end

function SparseLinear:updateGradInput(input, gradOutput)
  local samples, batch, legacy = self:_samples(input)
  if not self.doGradInput then
    self.gradInput = {}
    return self.gradInput
  end
  local g = gradOutput:dim() == 1 and gradOutput:view(1, gradOutput:nElement()) or gradOutput
  local dense = tocha.mm(g, self.weight)
  local n = self.weight:size(2)
  local indices = tocha.range(1, n):typeAs(dense)
  if legacy then
    local gi = utils.like(self, "_legacyGradInput", dense.new(#samples, n, 2))
    for k = 1, #samples do
      gi[k]:select(2, 1):copy(indices)
      gi[k]:select(2, 2):copy(dense[k])
    end
    self.gradInput = gi
  else
    self.gradInput = {}
    for i = 1, (batch and #samples or 1) do
      local gi = dense.new(n, 2)
      gi:select(2, 1):copy(indices)
      gi:select(2, 2):copy(dense[i])
      self.gradInput[i] = gi
    end
  end
  return self.gradInput
end

function SparseLinear:__tostring__()
  return string.format("%s(%d -> %d)", self.__typename, self.weight:size(2), self.weight:size(1))
end

return SparseLinear
