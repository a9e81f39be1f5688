--- nn.SpatialMaxPooling(kW, kH [, dW, dH, padW, padH]): the maximum of each
-- kW x kH window, stepping dW, dH (default: the kernel), over (planes, H, W)
-- or (batch, planes, H, W) input.  oH = floor((H + 2 padH - kH) / dH) + 1,
-- or rounded up after :ceil() (Torch7's rule).  `indices` keeps where each
-- maximum was (1-based, y * W + x + 1 in its plane) for the backward.
-- Kernels: tocha._spatial.maxpool_* (src/core/nn/pool.c).
local tocha = require "tocha"
local utils = require "tocha.utils"

local SpatialMaxPooling, parent = tocha.class("nn.SpatialMaxPooling", "nn.Module")
local C = tocha._spatial

--- Checks and stores a pooling window (shared with SpatialAveragePooling);
-- `step` is the default step when dW, dH are not given.
function SpatialMaxPooling.setWindow(self, kW, kH, dW, dH, padW, padH, defaultW, defaultH)
  local name = self.__typename
  local function int(v, what, min, dflt) return utils.optinteger(v, name, what, min, dflt, 5) end
  self.kW, self.kH = int(kW, "kW", 1), int(kH, "kH", 1)
  self.dW, self.dH = int(dW, "dW", 1, defaultW or self.kW), int(dH, "dH", 1, defaultH or self.kH)
  self.padW, self.padH = int(padW, "padW", 0, 0), int(padH, "padH", 0, 0)
  if self.padW > self.kW // 2 or self.padH > self.kH // 2 then
    error(string.format("%s: padding should be at most half the kernel size (padW=%d, padH=%d for %dx%d)", name,
      self.padW, self.padH, self.kW, self.kH), 4)
  end
  self.ceil_mode = false
end

function SpatialMaxPooling:__init(kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  SpatialMaxPooling.setWindow(self, kW, kH, dW, dH, padW, padH)
  self.indices = tocha.LongTensor()
end

--- Output sizes rounded up (the last window may hang over the edge).
function SpatialMaxPooling:ceil()
  self.ceil_mode = true
  return self
end

--- Output sizes rounded down (the default); returns self.
function SpatialMaxPooling:floor()
  self.ceil_mode = false
  return self
end

function SpatialMaxPooling:updateOutput(input)
  input = utils.contiguous(self, "_input", utils.check_tensor(self, input, "input"))
  if tocha.type(self.output) ~= tocha.type(input) then self.output = input.new() end
  if tocha.type(self.indices) ~= "tocha.LongTensor" then self.indices = tocha.LongTensor() end
  C.maxpool_forward(self, self.output, self.indices, input)
  self.iheight, self.iwidth = input:size(input:dim() - 1), input:size(input:dim()) -- for SpatialMaxUnpooling
  return self.output
end

function SpatialMaxPooling:updateGradInput(input, gradOutput)
  input, gradOutput = utils.contiguous_pair(self, input, gradOutput)
  if tocha.type(self.gradInput) ~= tocha.type(input) then self.gradInput = input.new() end
  return C.maxpool_backward(self, self.gradInput, input, gradOutput, self.indices)
end

function SpatialMaxPooling:clearState()
  utils.clear(self, "indices", "_input", "_gradOutput")
  return parent.clearState(self)
end

--- "nn.SpatialMaxPooling(2x2, 2,2)", Torch7's form.
function SpatialMaxPooling:__tostring__()
  local s = string.format("%s(%dx%d, %d,%d", self.__typename, self.kW, self.kH, self.dW, self.dH)
  if (self.padW or 0) ~= 0 or (self.padH or 0) ~= 0 then s = s .. string.format(", %d,%d", self.padW, self.padH) end
  return s .. ")"
end

return SpatialMaxPooling
