-- nn.SpatialSubtractiveNormalization([nInputPlane [, kernel]]): subtracts from
-- each pixel the weighted mean of its neighbourhood over all planes (Torch7's
-- module): output = input - sums(input) / sums(ones), sums the kernel's
-- local sums over the planes (zero padding keeps the size; dividing by the
-- sums of ones corrects the borders).  kernel: odd-sized 1-D (separable) or
-- 2-D, default 9x9 ones (spatial_normalization.lua).
local tocha = require "tocha"
local utils = require "tocha.utils"
local norm = require "tocha.nn.spatial_normalization"

local SpatialSubtractiveNormalization, parent = tocha.class("nn.SpatialSubtractiveNormalization", "nn.Module")

function SpatialSubtractiveNormalization:__init(nInputPlane, kernel)
  parent.__init(self)
  norm.init(self, nInputPlane, kernel)
end

function SpatialSubtractiveNormalization:updateOutput(input)
  norm.check(self, input)
  local coef = norm.coefficients(self, input)
  self.adjustedsums = utils.like(self, "adjustedsums", coef):copy(norm.sums(self, input)):cdiv(coef)
  utils.like(self, "output", input):copy(input):add(-1, norm.replicate(self.adjustedsums, input))
  return self.output
end

function SpatialSubtractiveNormalization:updateGradInput(input, gradOutput)
  norm.check(self, input)
  utils.check_tensor(self, gradOutput, "gradOutput", 3)
  local coef = norm.coefficients(self, input)
  local g = norm.plane_sum(gradOutput):cdiv(coef)
  local back = norm.sums_gradient(self, input, g)
  utils.like(self, "gradInput", input):copy(gradOutput):add(-1, back)
  return self.gradInput
end

function SpatialSubtractiveNormalization:type(typename, cache)
  return norm.type(self, parent, typename, cache)
end

function SpatialSubtractiveNormalization:clearState()
  utils.clear(self, "adjustedsums")
  self.meanestimator:clearState()
  return parent.clearState(self)
end

return SpatialSubtractiveNormalization
