-- nn.VolumetricDilatedConvolution(nInputPlane, nOutputPlane, kT, kW, kH [, dT,
-- dW, dH, padT, padW, padH, dilationT, dilationW, dilationH]):
-- VolumetricConvolution whose kernel taps are dilation apart; oT =
-- floor((T + 2 padT - dilationT (kT - 1) - 1) / dT) + 1 (so for H, W).
local tocha = require "tocha"
local convnd = require "tocha.nn.convnd"

local VolumetricDilatedConvolution = tocha.class("nn.VolumetricDilatedConvolution", "nn.VolumetricConvolution")

function VolumetricDilatedConvolution:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH,
                                             dilationT, dilationW, dilationH)
  require("tocha.nn.Module").__init(self)
  self.nInputPlane, self.nOutputPlane, self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW,
  self.padH, self.dilationT, self.dilationW, self.dilationH = convnd.integers(self.__typename, {
    { nInputPlane, "nInputPlane", 1 }, { nOutputPlane, "nOutputPlane", 1 }, { kT, "kT", 1 }, { kW, "kW", 1 },
    { kH, "kH", 1 }, { dT, "dT", 1, 1 }, { dW, "dW", 1, 1 }, { dH, "dH", 1, 1 }, { padT, "padT", 0, 0 },
    { padW, "padW", 0, 0 }, { padH, "padH", 0, 0 }, { dilationT, "dilationT", 1, 1 },
    { dilationW, "dilationW", 1, 1 }, { dilationH, "dilationH", 1, 1 } })
  self:allocate()
end

return VolumetricDilatedConvolution
