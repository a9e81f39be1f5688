-- nn.SpatialFullConvolutionMap(connTable, kW, kH [, dW, dH]): the full
-- (transposed) 2-D convolution in which output plane o gets only the input
-- planes the connection table (nn.tables) links to it, as Torch7: weight
-- nConnections x kH x kW (kernel k oriented as SpatialFullConvolution's
-- weight[connTable[k][1]][connTable[k][2]]), bias nOutputPlane; output size
-- (H - 1) dH + kH (so for W).  Done as a SpatialFullConvolution with a dense
-- weight (zeros where there is no connection), in C.
local tocha = require "tocha"
local utils = require "tocha.utils"
local convnd = require "tocha.nn.convnd"
local Map = require "tocha.nn.SpatialConvolutionMap"

local SpatialFullConvolutionMap, parent = tocha.class("nn.SpatialFullConvolutionMap", "nn.Module")
SpatialFullConvolutionMap._kind = "full2"

function SpatialFullConvolutionMap:__init(conMatrix, kW, kH, dW, dH)
  parent.__init(self)
  Map.initMap(self, conMatrix, kW, kH, dW, dH)
  self.fgradInput = tocha.Tensor()
end

SpatialFullConvolutionMap.reset = Map.resetMap

local function dense(self)
  return Map.dense(self, "_dense", self.nInputPlane, self.nOutputPlane, 1, 2)
end

function SpatialFullConvolutionMap:updateOutput(input)
  return convnd.updateOutput(self, utils.check_tensor(self, input, "input"), dense(self))
end

function SpatialFullConvolutionMap:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  return convnd.backward(self, input, gradOutput, 1, true, dense(self))
end

function SpatialFullConvolutionMap:accGradParameters(input, gradOutput, scale)
  local d = dense(self)
  local gd = convnd.own(self, "_denseGrad"):resizeAs(d):zero()
  convnd.backward(self, input, gradOutput, scale, false, d, gd, self.gradBias)
  Map.gather(self, gd, 1, 2)
end

function SpatialFullConvolutionMap:clearState()
  utils.clear(self, "_dense", "_denseGrad")
  return convnd.clearState(self, parent)
end

SpatialFullConvolutionMap.__tostring__ = Map.__tostring__

return SpatialFullConvolutionMap
