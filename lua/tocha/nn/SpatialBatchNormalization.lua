--- nn.SpatialBatchNormalization(nFeature [, eps, momentum, affine]):
-- BatchNormalization of each feature map of (batch, nFeature, H, W) (or one
-- (nFeature, H, W) image), with statistics over the batch and the map.
local tocha = require "tocha"

local SpatialBatchNormalization = tocha.class("nn.SpatialBatchNormalization", "nn.BatchNormalization")

SpatialBatchNormalization.__version = 2
SpatialBatchNormalization.inputDims = { [3] = true, [4] = true }
SpatialBatchNormalization.inputShape = "4D (batch x planes x height x width) or 3D"

return SpatialBatchNormalization
