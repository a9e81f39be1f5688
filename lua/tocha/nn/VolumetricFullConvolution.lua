-- nn.VolumetricFullConvolution(nInputPlane, nOutputPlane, kT, kW, kH [, dT, dW,
-- dH, padT, padW, padH, adjT, adjW, adjH]): the transposed 3-D convolution
-- of Torch7 over (nInputPlane, T, H, W) or (batch, nInputPlane, T, H, W)
-- input.  weight: nInputPlane x nOutputPlane x kT x kH x kW; output:
-- (batch,) nOutputPlane x oT x oH x oW with oT = (T - 1) dT - 2 padT + kT +
-- adjT, 0 <= adjT < dT (so for H, W).  forward({input, target}) takes the
-- output's size from target's last three sizes.  Numeric work in C.
local tocha = require "tocha"
local convnd = require "tocha.nn.convnd"

local VolumetricFullConvolution, parent = tocha.class("nn.VolumetricFullConvolution", "nn.Module")
VolumetricFullConvolution._kind = "full3"

function VolumetricFullConvolution:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH,
                                          adjT, adjW, adjH)
  parent.__init(self)
  local name = self.__typename
  self.nInputPlane, self.nOutputPlane, self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW,
  self.padH, self.adjT, self.adjW, self.adjH = convnd.integers(name, {
    { nInputPlane, "nInputPlane", 1 }, { nOutputPlane, "nOutputPlane", 1 }, { kT, "kT", 1 }, { kW, "kW", 1 },
    { kH, "kH", 1 }, { dT, "dT", 1, 1 }, { dW, "dW", 1, 1 }, { dH, "dH", 1, 1 }, { padT, "padT", 0, 0 },
    { padW, "padW", 0, 0 }, { padH, "padH", 0, 0 }, { adjT, "adjT", 0, 0 }, { adjW, "adjW", 0, 0 },
    { adjH, "adjH", 0, 0 } })
  if self.adjT >= self.dT or self.adjW >= self.dW or self.adjH >= self.dH then
    error(string.format("%s: adjT, adjW and adjH must be smaller than dT (%d), dW (%d) and dH (%d)", name, self.dT,
      self.dW, self.dH), 3)
  end
  convnd.allocate(self, { self.nInputPlane, self.nOutputPlane, self.kT, self.kH, self.kW }, self.nOutputPlane)
end

function VolumetricFullConvolution:reset(stdv)
  return convnd.reset(self, self.kT * self.kW * self.kH * self.nInputPlane, stdv)
end

convnd.methods(VolumetricFullConvolution, parent)

--- Torch7's form, e.g. "nn.VolumetricFullConvolution(2 -> 3, 3x3x3, 2,2,2)".
function VolumetricFullConvolution:__tostring__()
  return convnd.describe(self, { "T", "W", "H" }, "adj")
end

return VolumetricFullConvolution
