-- nn.SpatialDivisiveNormalization([nInputPlane [, kernel [, threshold [,
-- thresval]]]]): divides each pixel by the local standard deviation over its
-- neighbourhood and all planes (Torch7's module):
--   std = sqrt(sums(input^2)) / sums(ones),  output = input / max'(std)
-- where max'(s) = s when s > threshold, else thresval (defaults 1e-4 and
-- threshold); sums the kernel's local sums over the planes
-- (spatial_normalization.lua).  kernel: odd-sized 1-D or 2-D, default 9x9.
local tocha = require "tocha"
local utils = require "tocha.utils"
local norm = require "tocha.nn.spatial_normalization"

local SpatialDivisiveNormalization, parent = tocha.class("nn.SpatialDivisiveNormalization", "nn.Module")

function SpatialDivisiveNormalization:__init(nInputPlane, kernel, threshold, thresval)
  parent.__init(self)
  norm.init(self, nInputPlane, kernel)
  if threshold ~= nil and type(threshold) ~= "number" then
    error(string.format("%s: threshold must be a number, got %s", self.__typename, type(threshold)), 3)
  end
  if thresval ~= nil and type(thresval) ~= "number" then
    error(string.format("%s: thresval must be a number, got %s", self.__typename, type(thresval)), 3)
  end
  self.threshold = threshold or 1e-4
  self.thresval = thresval or self.threshold
end

function SpatialDivisiveNormalization:updateOutput(input)
  norm.check(self, input)
  local coef = norm.coefficients(self, input)
  self.inputSq = utils.like(self, "inputSq", input):copy(input):cmul(input)
  local sums = norm.sums(self, self.inputSq)
  self.localstds = utils.like(self, "localstds", sums):copy(sums):sqrt()
  self.adjustedstds = utils.like(self, "adjustedstds", sums):copy(self.localstds):cdiv(coef)
  local th = utils.like(self, "thresholdedstds", sums):copy(self.adjustedstds)
  th:maskedFill(self.adjustedstds:le(self.threshold), self.thresval)
  utils.like(self, "output", input):copy(input):cdiv(norm.replicate(th, input))
  return self.output
end

function SpatialDivisiveNormalization:updateGradInput(input, gradOutput)
  norm.check(self, input)
  utils.check_tensor(self, gradOutput, "gradOutput", 3)
  local coef = norm.coefficients(self, input)
  local th = self.thresholdedstds
  local gi = utils.like(self, "gradInput", input)
  -- through output = input / th: d/dinput = g / th, d/dth = -sum_planes(g * input) / th^2
  local gth = norm.plane_sum(gi:copy(gradOutput):cmul(input)):cdiv(th):cdiv(th):mul(-1)
  gth:maskedFill(self.adjustedstds:le(self.threshold), 0) -- the threshold passes no gradient
  -- adjusted = std / coef, std = sqrt(sums): d/dsums = g / (coef * 2 std)
  gth:cdiv(coef):cdiv(self.localstds):mul(0.5)
  local back = norm.sums_gradient(self, self.inputSq, gth)
  gi:copy(gradOutput):cdiv(norm.replicate(th, input)):addcmul(2, back, input)
  return gi
end

function SpatialDivisiveNormalization:type(typename, cache)
  return norm.type(self, parent, typename, cache)
end

function SpatialDivisiveNormalization:clearState()
  utils.clear(self, "inputSq", "localstds", "adjustedstds", "thresholdedstds")
  self.meanestimator:clearState()
  return parent.clearState(self)
end

return SpatialDivisiveNormalization
