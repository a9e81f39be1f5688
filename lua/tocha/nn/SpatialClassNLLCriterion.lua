--- nn.SpatialClassNLLCriterion([weights [, sizeAverage [, ignoreIndex]]]):
-- nn.ClassNLLCriterion at every pixel (Torch7's). input: log-probabilities
-- (batch, nClasses, H, W); target (batch, H, W) of class indices in
-- 1..nClasses. With sizeAverage (the default) the loss is divided by the sum
-- of the weights of the targets over all pixels. The pixels become the rows
-- of nn.ClassNLLCriterion's kernel (classes moved last).
local tocha = require "tocha"
local utils = require "tocha.utils"
require "tocha.nn.Criterion" -- before the classes that derive from it (init.lua may list this file first)
require "tocha.nn.ClassNLLCriterion"

local SpatialClassNLLCriterion = tocha.class("nn.SpatialClassNLLCriterion", "nn.ClassNLLCriterion")
local C = tocha._nn

-- input as a (pixels, classes) matrix and target as a vector, after checks.
local function rows(self, input, target)
  utils.check_tensor(self, input, "input", 4)
  utils.check_tensor(self, target, "target", 4)
  if input:dim() ~= 4 then
    error(string.format("%s: input must be 4D (batch x classes x height x width), got size %s", self.__typename,
      utils.shape(input)), 4)
  end
  local N, H, W = input:size(1), input:size(3), input:size(4)
  if not target:isSize(tocha.LongStorage({ N, H, W })) then
    error(string.format("%s: target must have size %dx%dx%d (batch x height x width of the input %s), got %s",
      self.__typename, N, H, W, utils.shape(input), utils.shape(target)), 4)
  end
  local x = input:permute(1, 3, 4, 2):contiguous()
  return x:view(N * H * W, input:size(2)), target:contiguous():view(N * H * W), x:size()
end

function SpatialClassNLLCriterion:updateOutput(input, target)
  local x, t = rows(self, input, target)
  self.output = C.class_nll_forward(self, x, t, self.weights, self.sizeAverage, self.ignoreIndex)
  return self.output
end

function SpatialClassNLLCriterion:updateGradInput(input, target)
  local x, t, size = rows(self, input, target)
  local g = input.new()
  C.class_nll_backward(self, g, x, t, self.weights, self.sizeAverage, self.ignoreIndex)
  self.gradInput = g:view(size):permute(1, 4, 2, 3):contiguous()
  return self.gradInput
end

return SpatialClassNLLCriterion
