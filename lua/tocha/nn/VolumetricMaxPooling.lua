--- nn.VolumetricMaxPooling(kT, kW, kH [, dT, dW, dH, padT, padW, padH]): the
-- maximum of each kT x kH x kW window, stepping dT, dH, dW (default: the
-- kernel), over (planes, T, H, W) or (batch, planes, T, H, W) input padded
-- by padT, padH, padW (at most half the kernel) with -inf.  oT =
-- floor((T + 2 padT - kT) / dT) + 1, rounded up after :ceil() (then a last
-- window starting in the padding is dropped, Torch7's rule); so for H, W.
-- `indices` (LongTensor, the output's size) keeps each maximum's 0-based
-- offset in its window, (a * kH + b) * kW + c (tocha's layout: Torch7 packed
-- the three offsets into one number); the first maximum on ties, NaN wins.
-- In C (src/core/nn/pool3d.c), planes split over the threads.
local tocha = require "tocha"
local utils = require "tocha.utils"

local VolumetricMaxPooling, parent = tocha.class("nn.VolumetricMaxPooling", "nn.Module")
local Avg = require "tocha.nn.VolumetricAveragePooling"
local C = tocha._convnd

VolumetricMaxPooling.__version = 2

function VolumetricMaxPooling:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH)
  parent.__init(self)
  Avg.setWindow(self, kT, kW, kH, dT, dW, dH)
  local function pad(v, what, k)
    if v == nil then return 0 end
    local p = utils.checkinteger(v, self.__typename, what, 0, 4)
    if p > k // 2 then
      error(string.format("%s: %s should be at most half the kernel size, got %d for a kernel of %d",
        self.__typename, what, p, k), 4)
    end
    return p
  end
  self.padT, self.padW, self.padH = pad(padT, "padT", self.kT), pad(padW, "padW", self.kW), pad(padH, "padH", self.kH)
  self.ceil_mode = false
  self.indices = tocha.LongTensor()
end

--- Output sizes rounded up; returns self.
function VolumetricMaxPooling:ceil()
  self.ceil_mode = true
  return self
end

--- Output sizes rounded down (the default); returns self.
function VolumetricMaxPooling:floor()
  self.ceil_mode = false
  return self
end

-- Torch7 files from before version 2 have no ceil_mode.
function VolumetricMaxPooling.__t7_read(obj)
  if rawget(obj, "ceil_mode") == nil then obj.ceil_mode = false end
end

function VolumetricMaxPooling:updateOutput(input)
  local t = Avg.checkVolume(self, input, self.padT, self.padW, self.padH, 2)
  input = utils.contiguous(self, "_input", input)
  if tocha.type(self.output) ~= tocha.type(input) then self.output = input.new() end
  if tocha.type(self.indices) ~= "tocha.LongTensor" then self.indices = tocha.LongTensor() end
  C.maxpool3d_forward(self, self.output, self.indices, input)
  self._inputSize = { input:size(t), input:size(t + 1), input:size(t + 2) } -- for VolumetricMaxUnpooling
  return self.output
end

function VolumetricMaxPooling:updateGradInput(input, gradOutput)
  Avg.checkVolume(self, input, self.padT, self.padW, self.padH, 2)
  input, gradOutput = utils.contiguous_pair(self, input, gradOutput)
  if tocha.type(self.gradInput) ~= tocha.type(input) then self.gradInput = input.new() end
  return C.maxpool3d_backward(self, self.gradInput, input, gradOutput, self.indices)
end

function VolumetricMaxPooling:clearState()
  utils.clear(self, "indices", "_input", "_gradOutput")
  return parent.clearState(self)
end

function VolumetricMaxPooling:__tostring__()
  local s = string.format("%s(%d,%d,%d,%d,%d,%d", self.__typename, self.kT, self.kW, self.kH, self.dT, self.dW,
    self.dH)
  if self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(",%d,%d,%d", self.padT, self.padW, self.padH)
  end
  return s .. ")"
end

return VolumetricMaxPooling
