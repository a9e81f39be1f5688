-- nn.SpatialDepthWiseConvolution(nInputPlane, nOutputPlane, kW, kH [, dW, dH,
-- padW, padH]): each input plane c convolved on its own with nOutputPlane
-- kernels (nOutputPlane is the depth multiplier), as Torch7: weight
-- nOutputPlane x nInputPlane x kH x kW, bias nOutputPlane x nInputPlane,
-- output (batch,) (nInputPlane*nOutputPlane) x oH x oW, plane
-- (c-1)*nOutputPlane + j from input plane c and weight[j][c].
-- The work is a grouped convolution in C (convnd.lua) on a copy of the
-- weight in plane order; the gradients are added back in Torch7's layout.
local tocha = require "tocha"
local convnd = require "tocha.nn.convnd"

local SpatialDepthWiseConvolution, parent = tocha.class("nn.SpatialDepthWiseConvolution", "nn.Module")
SpatialDepthWiseConvolution._kind = "conv2"

function SpatialDepthWiseConvolution:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  self.nInputPlane, self.nOutputPlane, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH =
    convnd.integers(self.__typename, {
      { nInputPlane, "nInputPlane", 1 }, { nOutputPlane, "nOutputPlane", 1 }, { kW, "kW", 1 }, { kH, "kH", 1 },
      { dW, "dW", 1, 1 }, { dH, "dH", 1, 1 }, { padW, "padW", 0, 0 }, { padH, "padH", 0, 0 } })
  convnd.allocate(self, { self.nOutputPlane, self.nInputPlane, self.kH, self.kW }, self.nOutputPlane)
  self.bias = tocha.Tensor(self.nOutputPlane, self.nInputPlane)
  self.gradBias = tocha.Tensor(self.nOutputPlane, self.nInputPlane):zero()
  self:reset()
end

function SpatialDepthWiseConvolution:reset(stdv)
  return convnd.reset(self, self.kW * self.kH * self.nInputPlane, stdv)
end

SpatialDepthWiseConvolution.noBias = convnd.noBias

local function check_params(self)
  local m, n = self.nOutputPlane, self.nInputPlane
  local w = self.weight
  if not tocha.isTensor(w) or w:dim() ~= 4 or w:size(1) ~= m or w:size(2) ~= n or w:size(3) ~= self.kH
    or w:size(4) ~= self.kW then
    error(string.format("%s: weight must be %d x %d x %d x %d (nOutputPlane x nInputPlane x kH x kW), got %s",
      self.__typename, m, n, self.kH, self.kW, tocha.isTensor(w) and require("tocha.utils").shape(w)
      or tocha.type(w)), 0)
  end
  local b = self.bias
  if b ~= nil and (not tocha.isTensor(b) or b:nElement() ~= m * n) then
    error(string.format("%s: bias must be %d x %d (nOutputPlane x nInputPlane)", self.__typename, m, n), 0)
  end
end

-- The weight (and bias) in plane order: (nInputPlane*nOutputPlane) x 1 x kH x kW.
local function planes(self)
  local m, n = self.nOutputPlane, self.nInputPlane
  local w = self._planeWeight
  if not tocha.isTensor(w) or tocha.type(w) ~= tocha.type(self.weight) then w = self.weight.new() end
  w:resize(n, m, self.kH, self.kW):copy(self.weight:transpose(1, 2))
  self._planeWeight = w
  local b
  if self.bias then
    b = self._planeBias
    if not tocha.isTensor(b) or tocha.type(b) ~= tocha.type(self.weight) then b = self.weight.new() end
    b:resize(n, m):copy(self.bias:view(m, n):t())
    self._planeBias = b
    b = b:view(n * m)
  end
  return w:view(n * m, 1, self.kH, self.kW), b
end

function SpatialDepthWiseConvolution:updateOutput(input)
  check_params(self)
  local w, b = planes(self)
  return convnd.updateOutput(self, input, w, b, self.nInputPlane)
end

function SpatialDepthWiseConvolution:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  check_params(self)
  local w = planes(self)
  return convnd.backward(self, input, gradOutput, 1, true, w, nil, nil, self.nInputPlane)
end

function SpatialDepthWiseConvolution:accGradParameters(input, gradOutput, scale)
  check_params(self)
  local m, n = self.nOutputPlane, self.nInputPlane
  local w = planes(self)
  local gw = self._planeGradWeight
  if not tocha.isTensor(gw) or tocha.type(gw) ~= tocha.type(self.weight) then gw = self.weight.new() end
  self._planeGradWeight = gw:resize(n * m, 1, self.kH, self.kW):zero()
  local gb
  if self.gradBias then
    gb = self._planeGradBias
    if not tocha.isTensor(gb) or tocha.type(gb) ~= tocha.type(self.weight) then gb = self.weight.new() end
    self._planeGradBias = gb:resize(n * m):zero()
  end
  convnd.backward(self, input, gradOutput, scale, false, w, gw, gb, self.nInputPlane)
  self.gradWeight:add(gw:view(n, m, self.kH, self.kW):transpose(1, 2))
  if gb then self.gradBias:view(m, n):add(gb:view(n, m):t()) end
end

function SpatialDepthWiseConvolution:clearState()
  require("tocha.utils").clear(self, "_planeWeight", "_planeBias", "_planeGradWeight", "_planeGradBias")
  return convnd.clearState(self, parent)
end

function SpatialDepthWiseConvolution:__tostring__()
  return convnd.describe(self, { "W", "H" })
end

return SpatialDepthWiseConvolution
