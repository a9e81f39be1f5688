-- nn.SpatialFractionalMaxPooling(poolSizeW, poolSizeH, outW, outH) or
-- (poolSizeW, poolSizeH, ratioW, ratioH): Graham's fractional max pooling
-- of (planes, H, W) or (batch, planes, H, W) input (Torch7's module): outH x
-- outW windows of poolSizeH x poolSizeW at pseudo-random fractional steps
-- (fractional_pooling.lua), or floor(ratio * size) of them for ratios in
-- (0, 1).  fixPoolingRegions() keeps the regions across forwards.
local tocha = require "tocha"
local frac = require "tocha.nn.fractional_pooling"

local SpatialFractionalMaxPooling, parent = tocha.class("nn.SpatialFractionalMaxPooling", "nn.Module")

function SpatialFractionalMaxPooling:__init(poolSizeW, poolSizeH, arg1, arg2)
  parent.__init(self)
  self.poolSizeW, self.poolSizeH = poolSizeW, poolSizeH
  frac.init(self, { poolSizeH, poolSizeW }, { arg2, arg1 }, { 2, 1 })
  if self._ratio then self.ratioW, self.ratioH = arg1, arg2 else self.outW, self.outH = arg1, arg2 end
end

SpatialFractionalMaxPooling.fixPoolingRegions = frac.fixPoolingRegions
SpatialFractionalMaxPooling.updateOutput = frac.updateOutput
SpatialFractionalMaxPooling.updateGradInput = frac.updateGradInput

function SpatialFractionalMaxPooling:clearState()
  return frac.clearState(self, parent)
end

function SpatialFractionalMaxPooling:__tostring__()
  return string.format("%s(%d,%d,%s,%s)", self.__typename, self.poolSizeW, self.poolSizeH,
    tostring(self.outW or self.ratioW), tostring(self.outH or self.ratioH))
end

return SpatialFractionalMaxPooling
