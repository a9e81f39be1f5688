-- nn.TemporalDynamicKMaxPooling(minK [, factor]): for each feature of a
-- (seqLen, features) or (batch, seqLen, features) input, the k largest
-- values along the sequence kept in their order (Torch7's module), with
-- k = max(minK, ceil(factor * seqLen)) (factor default 0: k = minK).  The
-- gradient goes back to the places the values came from.
local tocha = require "tocha"
local utils = require "tocha.utils"

local TemporalDynamicKMaxPooling, parent = tocha.class("nn.TemporalDynamicKMaxPooling", "nn.Module")

function TemporalDynamicKMaxPooling:__init(minK, factor)
  parent.__init(self)
  local name = self.__typename
  self.minK = utils.checkinteger(minK, name, "minK", 1)
  if factor ~= nil and (type(factor) ~= "number" or factor ~= factor or factor < 0) then
    error(string.format("%s: factor must be a non-negative number, got %s", name, tostring(factor)), 2)
  end
  self.factor = factor or 0
end

local function seq_dim(self, input)
  utils.check_tensor(self, input, "input", 4)
  if input:dim() ~= 2 and input:dim() ~= 3 then
    error(string.format("%s: input must be 2D (seqLen x features) or 3D (batch x seqLen x features), got size %s",
      self.__typename, utils.shape(input)), 0)
  end
  local d = input:dim() - 1
  if input:size(d) < self.minK then
    error(string.format("%s: input sequence length (%d) too small for minK (%d)", self.__typename, input:size(d),
      self.minK), 0)
  end
  return d
end

function TemporalDynamicKMaxPooling:updateOutput(input)
  local d = seq_dim(self, input)
  local n = input:size(d)
  local k = math.min(n, math.max(self.minK, math.ceil(self.factor * n)))
  local _, order = input:sort(d, true)
  self.indices = order:narrow(d, 1, k):sort(d)
  self.output = input:gather(d, self.indices)
  return self.output
end

function TemporalDynamicKMaxPooling:updateGradInput(input, gradOutput)
  local d = seq_dim(self, input)
  utils.check_tensor(self, gradOutput, "gradOutput", 3)
  if not tocha.isTensor(self.indices) or not gradOutput:isSameSizeAs(self.indices) then
    error(string.format("%s: gradOutput must have the output's size, got %s", self.__typename,
      utils.shape(gradOutput)), 0)
  end
  utils.like(self, "gradInput", input):zero():scatter(d, self.indices, gradOutput)
  return self.gradInput
end

function TemporalDynamicKMaxPooling:clearState()
  utils.clear(self, "indices")
  return parent.clearState(self)
end

return TemporalDynamicKMaxPooling
