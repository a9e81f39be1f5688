--- nn.SpatialLogSoftMax(): log-softmax over the planes at each pixel of a
-- (planes, H, W) or (batch, planes, H, W) input (Torch7's).
local tocha = require "tocha"
require "tocha.nn.SpatialSoftMax"

local SpatialLogSoftMax = tocha.class("nn.SpatialLogSoftMax", "nn.SpatialSoftMax")

SpatialLogSoftMax._forward = "log_softmax_forward"
SpatialLogSoftMax._backward = "log_softmax_backward"

return SpatialLogSoftMax
