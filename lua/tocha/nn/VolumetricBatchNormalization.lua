--- nn.VolumetricBatchNormalization(nFeature [, eps, momentum, affine]):
-- BatchNormalization of each feature volume of (batch, nFeature, D, H, W)
-- input, with statistics over the batch and the volume; when evaluating,
-- one (nFeature, D, H, W) volume too (Torch7's rule), run as a batch of one.
local utils = require "tocha.utils"
local tocha = require "tocha"

local VolumetricBatchNormalization, parent =
  tocha.class("nn.VolumetricBatchNormalization", "nn.BatchNormalization")

VolumetricBatchNormalization.__version = 2
VolumetricBatchNormalization.inputDims = { [5] = true }
VolumetricBatchNormalization.inputShape = "5D (batch x planes x depth x height x width)"

-- One volume (4-D) as a batch of one: the kernel reads 4-D as (N, C, H, W).
local function one(t)
  if tocha.isTensor(t) and t:dim() == 4 then
    t = t:contiguous()
    return t:view(1, t:size(1), t:size(2), t:size(3), t:size(4)), true
  end
  return t, false
end

-- gradOutput must match the input before both are viewed as a batch of one.
local function pair(self, input, gradOutput)
  local x, single = one(input)
  if single then
    utils.check_tensor(self, gradOutput, "gradOutput", 4)
    if not gradOutput:isSameSizeAs(input) then
      error(string.format("%s: gradOutput must have the input's size %s, got size %s", self.__typename,
        utils.shape(input), utils.shape(gradOutput)), 4)
    end
  end
  return x, (one(gradOutput)), single
end

-- The module's gradInput back in the input's shape.
local function unbatch(self, input, single)
  if single and self.gradInput then self.gradInput = self.gradInput:view(input:size()) end
  return self.gradInput
end

function VolumetricBatchNormalization:updateOutput(input)
  local x, single = one(input)
  if single and self.train then x = input end -- training needs the batch: the parent says so
  parent.updateOutput(self, x)
  if single and not self.train then self.output = self.output:view(input:size()) end
  return self.output
end

function VolumetricBatchNormalization:updateGradInput(input, gradOutput)
  local x, go, single = pair(self, input, gradOutput)
  parent.updateGradInput(self, x, go)
  return unbatch(self, input, single)
end

function VolumetricBatchNormalization:accGradParameters(input, gradOutput, scale)
  local x, go = pair(self, input, gradOutput)
  return parent.accGradParameters(self, x, go, scale)
end

function VolumetricBatchNormalization:backward(input, gradOutput, scale)
  local x, go, single = pair(self, input, gradOutput)
  parent.backward(self, x, go, scale)
  return unbatch(self, input, single)
end

return VolumetricBatchNormalization
