-- nn.SpatialFullConvolution(nInputPlane, nOutputPlane, kW, kH [, dW, dH, padW,
-- padH, adjW, adjH]): the transposed ("full", "deconvolution") 2-D
-- convolution of Torch7 over (nInputPlane, H, W) or (batch, nInputPlane, H, W)
-- input.  weight: nInputPlane x nOutputPlane x kH x kW (Torch7's layout);
-- output: (batch,) nOutputPlane x oH x oW with
-- oH = (H - 1) dH - 2 padH + kH + adjH, 0 <= adjH < dH (so for W).
-- forward({input, target}) takes the output's size from target's last two
-- sizes (the adjustments follow from it); gradInput is then
-- {gradInput, zeros of target's size}.  Numeric work in C (convnd.lua).
local tocha = require "tocha"
local convnd = require "tocha.nn.convnd"

local SpatialFullConvolution, parent = tocha.class("nn.SpatialFullConvolution", "nn.Module")
SpatialFullConvolution._kind = "full2"

function SpatialFullConvolution:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, adjW, adjH)
  parent.__init(self)
  local name = self.__typename
  self.nInputPlane, self.nOutputPlane, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.adjW,
  self.adjH = convnd.integers(name, {
    { nInputPlane, "nInputPlane", 1 }, { nOutputPlane, "nOutputPlane", 1 }, { kW, "kW", 1 }, { kH, "kH", 1 },
    { dW, "dW", 1, 1 }, { dH, "dH", 1, 1 }, { padW, "padW", 0, 0 }, { padH, "padH", 0, 0 },
    { adjW, "adjW", 0, 0 }, { adjH, "adjH", 0, 0 } })
  if self.adjW > self.dW - 1 or self.adjH > self.dH - 1 then
    error(string.format("%s: adjW and adjH must be smaller than dW (%d) and dH (%d), got %d and %d", name, self.dW,
      self.dH, self.adjW, self.adjH), 3)
  end
  convnd.allocate(self, { self.nInputPlane, self.nOutputPlane, self.kH, self.kW }, self.nOutputPlane)
end

function SpatialFullConvolution:reset(stdv)
  return convnd.reset(self, self.kW * self.kH * self.nInputPlane, stdv)
end

convnd.methods(SpatialFullConvolution, parent)

--- Torch7's form, e.g. "nn.SpatialFullConvolution(2 -> 3, 3x3, 2,2, 1,1, 1,1)".
function SpatialFullConvolution:__tostring__()
  return convnd.describe(self, { "W", "H" }, "adj")
end

return SpatialFullConvolution
