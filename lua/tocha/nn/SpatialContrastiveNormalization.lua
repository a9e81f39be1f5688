-- nn.SpatialContrastiveNormalization([nInputPlane [, kernel [, threshold [,
-- thresval]]]]): SpatialSubtractiveNormalization followed by
-- SpatialDivisiveNormalization with the same kernel (Torch7's module; the
-- two are self.normalizer's modules).
local tocha = require "tocha"

local SpatialContrastiveNormalization, parent = tocha.class("nn.SpatialContrastiveNormalization", "nn.Module")

function SpatialContrastiveNormalization:__init(nInputPlane, kernel, threshold, thresval)
  parent.__init(self)
  local nn = tocha.nn
  self.kernel = kernel or tocha.Tensor(9, 9):fill(1)
  self.nInputPlane = nInputPlane or 1
  self.threshold = threshold or 1e-4
  self.thresval = thresval or self.threshold
  self.normalizer = nn.Sequential()
  self.normalizer:add(nn.SpatialSubtractiveNormalization(self.nInputPlane, self.kernel))
  self.normalizer:add(nn.SpatialDivisiveNormalization(self.nInputPlane, self.kernel, self.threshold, self.thresval))
end

function SpatialContrastiveNormalization:updateOutput(input)
  self.output = self.normalizer:forward(input)
  return self.output
end

function SpatialContrastiveNormalization:updateGradInput(input, gradOutput)
  self.gradInput = self.normalizer:backward(input, gradOutput)
  return self.gradInput
end

function SpatialContrastiveNormalization:type(typename, cache)
  if typename == nil then return parent.type(self) end
  parent.type(self, typename, cache)
  self.normalizer:type(typename, cache)
  return self
end

function SpatialContrastiveNormalization:clearState()
  self.normalizer:clearState()
  return parent.clearState(self)
end

return SpatialContrastiveNormalization
