-- nn.VolumetricFractionalMaxPooling(poolSizeT, poolSizeW, poolSizeH, outT, outW,
-- outH) or (..., ratioT, ratioW, ratioH): fractional max pooling of (planes,
-- H, W, T) or (batch, planes, H, W, T) input, Torch7's module and dimension
-- order (fractional_pooling.lua).  fixPoolingRegions() keeps the regions.
local tocha = require "tocha"
local frac = require "tocha.nn.fractional_pooling"

local VolumetricFractionalMaxPooling, parent = tocha.class("nn.VolumetricFractionalMaxPooling", "nn.Module")

function VolumetricFractionalMaxPooling:__init(poolSizeT, poolSizeW, poolSizeH, arg1, arg2, arg3)
  parent.__init(self)
  self.poolSizeT, self.poolSizeW, self.poolSizeH = poolSizeT, poolSizeW, poolSizeH
  frac.init(self, { poolSizeH, poolSizeW, poolSizeT }, { arg3, arg2, arg1 }, { 3, 2, 1 })
  if self._ratio then
    self.ratioT, self.ratioW, self.ratioH = arg1, arg2, arg3
  else
    self.outT, self.outW, self.outH = arg1, arg2, arg3
  end
end

VolumetricFractionalMaxPooling.fixPoolingRegions = frac.fixPoolingRegions
VolumetricFractionalMaxPooling.updateOutput = frac.updateOutput
VolumetricFractionalMaxPooling.updateGradInput = frac.updateGradInput

function VolumetricFractionalMaxPooling:clearState()
  return frac.clearState(self, parent)
end

function VolumetricFractionalMaxPooling:__tostring__()
  return string.format("%s(%d,%d,%d,%s,%s,%s)", self.__typename, self.poolSizeT, self.poolSizeW, self.poolSizeH,
    tostring(self.outT or self.ratioT), tostring(self.outW or self.ratioW), tostring(self.outH or self.ratioH))
end

return VolumetricFractionalMaxPooling
