--- nn.SpatialConvolutionMM(nInputPlane, nOutputPlane, kW, kH [, dW, dH, padW, padH]):
-- SpatialConvolution with its weight in Torch7's MM form, nOutputPlane x
-- (nInputPlane*kH*kW) (the same numbers in the same order).  Same kernels.
local tocha = require "tocha"

local SpatialConvolutionMM = tocha.class("nn.SpatialConvolutionMM", "nn.SpatialConvolution")

--- The size of the weight: nOutputPlane x nInputPlane x kH x kW.
function SpatialConvolutionMM:weightSize()
  return tocha.LongStorage { self.nOutputPlane, self.nInputPlane * self.kH * self.kW }
end

return SpatialConvolutionMM
