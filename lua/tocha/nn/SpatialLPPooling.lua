-- nn.SpatialLPPooling(nInputPlane, pnorm, kW, kH [, dW, dH]): the p-norm of
-- each kW x kH window, (sum of x^p)^(1/p), stepping dW, dH (default the
-- kernel), as Torch7's module: a Sequential of Power(p) (Square for p = 2),
-- SpatialAveragePooling, MulConstant(kW*kH) and Power(1/p) (Sqrt).
local tocha = require "tocha"
local utils = require "tocha.utils"

local SpatialLPPooling, parent = tocha.class("nn.SpatialLPPooling", "nn.Sequential")

function SpatialLPPooling:__init(nInputPlane, pnorm, kW, kH, dW, dH)
  parent.__init(self)
  local nn, name = tocha.nn, self.__typename
  self.nInputPlane = utils.checkinteger(nInputPlane, name, "nInputPlane", 1, 4)
  if type(pnorm) ~= "number" or pnorm ~= pnorm or pnorm <= 0 then
    error(string.format("%s: pnorm must be a positive number, got %s", name, tostring(pnorm)), 3)
  end
  self.pnorm = pnorm
  self.kW, self.kH = utils.checkinteger(kW, name, "kW", 1, 4), utils.checkinteger(kH, name, "kH", 1, 4)
  self.dW = utils.optinteger(dW, name, "dW", 1, self.kW, 4)
  self.dH = utils.optinteger(dH, name, "dH", 1, self.kH, 4)
  if pnorm == 2 then self:add(nn.Square()) else self:add(nn.Power(pnorm)) end
  self:add(nn.SpatialAveragePooling(self.kW, self.kH, self.dW, self.dH))
  self:add(nn.MulConstant(self.kW * self.kH))
  if pnorm == 2 then self:add(nn.Sqrt()) else self:add(nn.Power(1 / pnorm)) end
end

function SpatialLPPooling:__tostring__()
  return string.format("%s(%d, %g, %dx%d, %d,%d)", self.__typename, self.nInputPlane, self.pnorm, self.kW, self.kH,
    self.dW, self.dH)
end

return SpatialLPPooling
