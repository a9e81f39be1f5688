--- nn.SpatialAveragePooling(kW, kH [, dW, dH, padW, padH]): the mean of each
-- kW x kH window, stepping dW, dH (default 1, as Torch7), with :ceil() /
-- :floor() as SpatialMaxPooling.  Windows that reach into the padding are
-- divided by their size within the padded image (setCountIncludePad, the
-- default) or within the image (setCountExcludePad).
-- Kernels: tocha._spatial.avgpool_* (src/core/nn/pool.c).
local tocha = require "tocha"
local utils = require "tocha.utils"

local SpatialAveragePooling, parent = tocha.class("nn.SpatialAveragePooling", "nn.Module")
local C = tocha._spatial
local SpatialMaxPooling = require "tocha.nn.SpatialMaxPooling"

function SpatialAveragePooling:__init(kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  SpatialMaxPooling.setWindow(self, kW, kH, dW, dH, padW, padH, 1, 1)
  self.count_include_pad = true
  self.divide = true
end

SpatialAveragePooling.ceil = SpatialMaxPooling.ceil
SpatialAveragePooling.floor = SpatialMaxPooling.floor

--- Averages count the zero padding (Torch7's default); returns self.
function SpatialAveragePooling:setCountIncludePad()
  self.count_include_pad = true
  return self
end

--- Averages count only the input cells; returns self.
function SpatialAveragePooling:setCountExcludePad()
  self.count_include_pad = false
  return self
end

local function check(self, input)
  if not tocha.isTensor(input) then
    error(string.format("%s: input must be a tensor, got %s", self.__typename, tocha.type(input)), 3)
  end
  if self.divide == false then
    error(string.format("%s: divide = false (sums instead of means, an old Torch7 option) is not supported; "
      .. "multiply by kW*kH instead", self.__typename), 3)
  end
end

function SpatialAveragePooling:updateOutput(input)
  check(self, input)
  input = utils.contiguous(self, "_input", input)
  if tocha.type(self.output) ~= tocha.type(input) then self.output = input.new() end
  return C.avgpool_forward(self, self.output, input)
end

function SpatialAveragePooling:updateGradInput(input, gradOutput)
  check(self, input)
  input, gradOutput = utils.contiguous_pair(self, input, gradOutput)
  if tocha.type(self.gradInput) ~= tocha.type(input) then self.gradInput = input.new() end
  return C.avgpool_backward(self, self.gradInput, input, gradOutput)
end

function SpatialAveragePooling:clearState()
  utils.clear(self, "_input", "_gradOutput")
  return parent.clearState(self)
end

SpatialAveragePooling.__tostring__ = SpatialMaxPooling.__tostring__

return SpatialAveragePooling
