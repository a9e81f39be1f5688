--- nn.SpatialUpSamplingNearest(scale): enlarges the last two dimensions of a
-- (planes, H, W) or (batch, planes, H, W) input by the integer scale,
-- repeating each pixel in a scale x scale block (Torch7's; field
-- scale_factor).
local tocha = require "tocha"
local utils = require "tocha.utils"
local gather = require "tocha.nn.spatial_gather"

local SpatialUpSamplingNearest, parent = tocha.class("nn.SpatialUpSamplingNearest", "nn.Module")

function SpatialUpSamplingNearest:__init(scale)
  parent.__init(self)
  self.scale_factor = utils.checkinteger(scale, self.__typename, "scale", 1)
end

function SpatialUpSamplingNearest:_maps(input)
  local hd, wd = gather.check_input(self, input, 4)
  local s = self.scale_factor
  local function source(i) return (i - 1) // s + 1 end
  return gather.map(input:size(hd) * s, source), gather.map(input:size(wd) * s, source)
end

function SpatialUpSamplingNearest:updateOutput(input)
  local rows, cols = self:_maps(input)
  return gather.forward(self, input, rows, cols)
end

function SpatialUpSamplingNearest:updateGradInput(input, gradOutput)
  local rows, cols = self:_maps(input)
  return gather.backward(self, input, gradOutput, rows, cols)
end

function SpatialUpSamplingNearest:__tostring__()
  return string.format("%s(%d)", self.__typename, self.scale_factor)
end

return SpatialUpSamplingNearest
