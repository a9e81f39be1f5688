-- nn.VolumetricMaxPooling(kT, kW, kH [, dT, dW, dH, padT, padW, padH]): the
-- maximum of each kT x kH x kW window, stepping dT, dH, dW (default: the
-- kernel), over (planes, T, H, W) or (batch, planes, T, H, W) input padded
-- by padT, padH, padW (at most half the kernel) with -inf.  oT =
-- floor((T + 2 padT - kT) / dT) + 1, rounded up after :ceil() (then a last
-- window starting in the padding is dropped, Torch7's rule); so for H, W.
-- `indices` (LongTensor, the output's size) keeps each maximum's 0-based
-- offset in its window, (a * kH + b) * kW + c (tocha's layout: Torch7 packed
-- the three offsets into one number); the first maximum on ties, NaN wins.
-- Pure Lua over unfold views of a padded copy.
local tocha = require "tocha"
local utils = require "tocha.utils"

local VolumetricMaxPooling, parent = tocha.class("nn.VolumetricMaxPooling", "nn.Module")
local Avg = require "tocha.nn.VolumetricAveragePooling"
local checkGradOutput = require("tocha.nn.TemporalConvolution").checkGradOutput

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

function VolumetricMaxPooling:ceil()
  self.ceil_mode = true
  return self
end

function VolumetricMaxPooling:floor()
  self.ceil_mode = false
  return self
end

-- Torch7 files from before version 2 have no ceil_mode.
function VolumetricMaxPooling.__t7_read(obj)
  if rawget(obj, "ceil_mode") == nil then obj.ceil_mode = false end
end

local function out_size(self, s, k, d, p)
  local o
  if self.ceil_mode then o = -((-(s + 2 * p - k)) // d) + 1 else o = (s + 2 * p - k) // d + 1 end
  if self.ceil_mode and (o - 1) * d >= s + p then o = o - 1 end
  return o
end

-- The geometry: dimension of T, the output's sizes {oT, oH, oW} and the
-- padded volume's sizes.
-- The kernel's extents {T, H, W}: dilation (k - 1) + 1 (VolumetricDilatedMaxPooling
-- sets dilationT, dilationH, dilationW; 1 otherwise).
local function spans(self)
  local K = { self.kT, self.kH, self.kW }
  local L = { self.dilationT or 1, self.dilationH or 1, self.dilationW or 1 }
  return { L[1] * (K[1] - 1) + 1, L[2] * (K[2] - 1) + 1, L[3] * (K[3] - 1) + 1 }, L
end

local function geometry(self, input)
  local t = Avg.checkVolume(self, input, self.padT, self.padW, self.padH, 3)
  local S = { input:size(t), input:size(t + 1), input:size(t + 2) }
  local E = spans(self)
  local D = { self.dT, self.dH, self.dW }
  local P = { self.padT, self.padH, self.padW }
  local o, padded = {}, {}
  for i = 1, 3 do
    o[i] = out_size(self, S[i], E[i], D[i], P[i])
    if o[i] < 1 then
      error(string.format("%s: input volume %s is smaller than the dilated kernel %dx%dx%d", self.__typename,
        utils.shape(input), E[1], E[2], E[3]), 3)
    end
    padded[i] = math.max((o[i] - 1) * D[i] + E[i], P[i] + S[i])
  end
  return t, o, padded, P
end

-- The windows of the padded tensor x: (..., oT, oH, oW, kT, kH, kW), their
-- taps dilation apart.
local function windows(self, x, t, o)
  local E, L = spans(self)
  local w = x:unfold(t, E[1], self.dT):unfold(t + 1, E[2], self.dH):unfold(t + 2, E[3], self.dW)
  w = w:narrow(t, 1, o[1]):narrow(t + 1, 1, o[2]):narrow(t + 2, 1, o[3])
  local d = w:dim()
  for i = 1, 3 do
    if L[i] > 1 then w = w:unfold(d - 3 + i, 1, L[i]):select(d + 1, 1) end
  end
  return w
end

local function padded_like(buffer, input, t, padded)
  local size = input:size():totable()
  for i = 1, 3 do size[t + i - 1] = padded[i] end
  return buffer:resize(tocha.LongStorage(size))
end

local function centre(x, input, t, P)
  return x:narrow(t, P[1] + 1, input:size(t)):narrow(t + 1, P[2] + 1, input:size(t + 1))
    :narrow(t + 2, P[3] + 1, input:size(t + 2))
end

function VolumetricMaxPooling:updateOutput(input)
  local t, o, padded, P = geometry(self, input)
  if tocha.type(self._padded) ~= tocha.type(input) then self._padded = input.new() end
  local x = padded_like(self._padded, input, t, padded):fill(-math.huge)
  centre(x, input, t, P):copy(input)
  local win = windows(self, x, t, o)
  local size = input:size():totable()
  for i = 1, 3 do size[t + i - 1] = o[i] end
  local K = self.kT * self.kH * self.kW
  local flat = {}
  for i = 1, #size do flat[i] = size[i] end
  flat[#flat + 1] = K
  local cols = win:contiguous():view(tocha.LongStorage(flat))
  local values, where = cols:max(#flat)
  if tocha.type(self.output) ~= tocha.type(input) then self.output = input.new() end
  if tocha.type(self.indices) ~= "tocha.LongTensor" then self.indices = tocha.LongTensor() end
  size = tocha.LongStorage(size)
  self.output:resize(size):copy(values:view(size))
  self.indices:resize(size):copy(where:view(size)):add(-1)
  self._inputSize = { input:size(t), input:size(t + 1), input:size(t + 2) } -- for VolumetricMaxUnpooling
  return self.output
end

function VolumetricMaxPooling:updateGradInput(input, gradOutput)
  local t, o, padded, P = geometry(self, input)
  local want = input:size():totable()
  for i = 1, 3 do want[t + i - 1] = o[i] end
  checkGradOutput(self, gradOutput, want)
  if not self.indices:isSameSizeAs(gradOutput) then
    error(self.__typename .. ": updateGradInput called before updateOutput on this input", 2)
  end
  if tocha.type(self._gpadded) ~= tocha.type(input) then self._gpadded = input.new() end
  local g = padded_like(self._gpadded, input, t, padded):zero()
  local gwin = windows(self, g, t, o)
  local d = gwin:dim()
  local mask, picked = tocha.LongTensor(), input.new()
  for a = 1, self.kT do
    for b = 1, self.kH do
      for c = 1, self.kW do
        mask:eq(self.indices, ((a - 1) * self.kH + (b - 1)) * self.kW + (c - 1))
        picked:resizeAs(gradOutput):copy(mask):cmul(gradOutput)
        gwin:select(d, c):select(d - 1, b):select(d - 2, a):add(picked)
      end
    end
  end
  if tocha.type(self.gradInput) ~= tocha.type(input) then self.gradInput = input.new() end
  self.gradInput:resizeAs(input):copy(centre(g, input, t, P))
  return self.gradInput
end

function VolumetricMaxPooling:clearState()
  utils.clear(self, "indices", "_padded", "_gpadded")
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
