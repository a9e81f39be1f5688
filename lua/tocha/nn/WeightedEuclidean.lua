--- nn.WeightedEuclidean(inputSize, outputSize): y_j = || c_j .* (w_j - x) ||
-- with a learnable template w_j and diagonal scale c_j per output (the
-- columns of weight and diagCov, inputSize x outputSize; Torch7's).
-- parameters() returns {weight, diagCov}.
local tocha = require "tocha"

local WeightedEuclidean, parent = tocha.class("nn.WeightedEuclidean", "nn.Euclidean")

function WeightedEuclidean:__init(inputSize, outputSize)
  parent.__init(self, inputSize, outputSize)
  self.diagCov = tocha.Tensor(self.weight:size(1), self.weight:size(2))
  self.gradDiagCov = tocha.Tensor(self.weight:size(1), self.weight:size(2)):zero()
  self:reset()
end

function WeightedEuclidean:reset(stdv)
  parent.reset(self, stdv)
  if self.diagCov then self.diagCov:fill(1) end
  return self
end

function WeightedEuclidean:parameters()
  return { self.weight, self.diagCov }, { self.gradWeight, self.gradDiagCov }
end

function WeightedEuclidean:accUpdateGradParameters(input, gradOutput, lr)
  local gradWeight, gradDiagCov = self.gradWeight, self.gradDiagCov
  self.gradWeight, self.gradDiagCov = self.weight, self.diagCov
  local ok, err = pcall(self.accGradParameters, self, input, gradOutput, -lr)
  self.gradWeight, self.gradDiagCov = gradWeight, gradDiagCov
  if not ok then error(err, 0) end
end

return WeightedEuclidean
