-- nn.VolumetricDilatedMaxPooling(kT, kW, kH [, dT, dW, dH, padT, padW, padH,
-- dilationT, dilationW, dilationH]): VolumetricMaxPooling whose window taps
-- are dilation apart (Torch7's module): oT = floor((T + 2 padT -
-- dilationT (kT - 1) - 1) / dT) + 1 (rounded up after :ceil()); so for H, W.
-- indices keep the maximum's tap in its window, as VolumetricMaxPooling's.
local tocha = require "tocha"
local utils = require "tocha.utils"

local VolumetricDilatedMaxPooling, parent = tocha.class("nn.VolumetricDilatedMaxPooling", "nn.VolumetricMaxPooling")

function VolumetricDilatedMaxPooling:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT, dilationW,
                                            dilationH)
  parent.__init(self, kT, kW, kH, dT, dW, dH, padT, padW, padH)
  local name = self.__typename
  self.dilationT = utils.optinteger(dilationT, name, "dilationT", 1, 1, 3)
  self.dilationW = utils.optinteger(dilationW, name, "dilationW", 1, 1, 3)
  self.dilationH = utils.optinteger(dilationH, name, "dilationH", 1, 1, 3)
end

function VolumetricDilatedMaxPooling:__tostring__()
  return string.format("%s(%dx%dx%d, %d,%d,%d, %d,%d,%d, %d,%d,%d)", self.__typename, self.kT, self.kW, self.kH,
    self.dT, self.dW, self.dH, self.padT, self.padW, self.padH, self.dilationT, self.dilationW, self.dilationH)
end

return VolumetricDilatedMaxPooling
