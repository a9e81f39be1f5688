-- nn.SpatialDilatedConvolution(nInputPlane, nOutputPlane, kW, kH [, dW, dH,
-- padW, padH, dilationW, dilationH]): SpatialConvolution whose kernel taps
-- are dilation apart; oH = floor((H + 2 padH - dilationH (kH - 1) - 1) / dH)
-- + 1 (so for W).  weight: nOutputPlane x nInputPlane x kH x kW.  Numeric
-- work in C (convnd.lua, src/core/nn/convnd.c).
local tocha = require "tocha"
local convnd = require "tocha.nn.convnd"

local SpatialDilatedConvolution, parent = tocha.class("nn.SpatialDilatedConvolution", "nn.SpatialConvolution")
SpatialDilatedConvolution._kind = "conv2"

function SpatialDilatedConvolution:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, dilationW,
                                          dilationH)
  parent.__init(self, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  self.dilationW, self.dilationH = convnd.integers(self.__typename, {
    { dilationW, "dilationW", 1, 1 }, { dilationH, "dilationH", 1, 1 } })
end

function SpatialDilatedConvolution:updateOutput(input)
  return convnd.updateOutput(self, input)
end

function SpatialDilatedConvolution:backward(input, gradOutput, scale)
  return convnd.backward(self, input, gradOutput, scale, self.gradInput ~= nil, nil, self.gradWeight, self.gradBias)
end

function SpatialDilatedConvolution:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  return convnd.backward(self, input, gradOutput, 1, true)
end

function SpatialDilatedConvolution:accGradParameters(input, gradOutput, scale)
  convnd.backward(self, input, gradOutput, scale, false, nil, self.gradWeight, self.gradBias)
end

function SpatialDilatedConvolution:__tostring__()
  return convnd.describe(self, { "W", "H" }, "dilation")
end

return SpatialDilatedConvolution
