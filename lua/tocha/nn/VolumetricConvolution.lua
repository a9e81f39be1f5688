-- nn.VolumetricConvolution(nInputPlane, nOutputPlane, kT, kW, kH [, dT, dW, dH,
-- padT, padW, padH]): a 3-D convolution (cross-correlation, as Torch7) over
-- (nInputPlane, T, H, W) or (batch, nInputPlane, T, H, W) input.  weight:
-- nOutputPlane x nInputPlane x kT x kH x kW; output: (batch,) nOutputPlane x
-- oT x oH x oW with oT = floor((T + 2 padT - kT) / dT) + 1 (so for H, W).
-- Numeric work in C (convnd.lua, src/core/nn/convnd.c).
local tocha = require "tocha"
local convnd = require "tocha.nn.convnd"

local VolumetricConvolution, parent = tocha.class("nn.VolumetricConvolution", "nn.Module")
VolumetricConvolution._kind = "conv3"

function VolumetricConvolution:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH)
  parent.__init(self)
  self.nInputPlane, self.nOutputPlane, self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW,
  self.padH = convnd.integers(self.__typename, {
    { nInputPlane, "nInputPlane", 1 }, { nOutputPlane, "nOutputPlane", 1 }, { kT, "kT", 1 }, { kW, "kW", 1 },
    { kH, "kH", 1 }, { dT, "dT", 1, 1 }, { dW, "dW", 1, 1 }, { dH, "dH", 1, 1 }, { padT, "padT", 0, 0 },
    { padW, "padW", 0, 0 }, { padH, "padH", 0, 0 } })
  self:allocate()
end

--- Allocates weight, bias and their gradients for the kernel size (shared with
-- VolumetricDilatedConvolution).
function VolumetricConvolution:allocate()
  convnd.allocate(self, { self.nOutputPlane, self.nInputPlane, self.kT, self.kH, self.kW }, self.nOutputPlane)
end

function VolumetricConvolution:reset(stdv)
  return convnd.reset(self, self.kT * self.kW * self.kH * self.nInputPlane, stdv)
end

convnd.methods(VolumetricConvolution, parent)

--- Torch7's form, e.g. "nn.VolumetricConvolution(2 -> 3, 3x3x3, 1,1,1, 1,1,1)".
function VolumetricConvolution:__tostring__()
  return convnd.describe(self, { "T", "W", "H" }, "dilation")
end

return VolumetricConvolution
