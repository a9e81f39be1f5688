--- nn.VolumetricAveragePooling(kT, kW, kH [, dT, dW, dH]): the mean of each
-- kT x kH x kW window, stepping dT, dH, dW (default: the kernel), over
-- (planes, T, H, W) or (batch, planes, T, H, W) input, as Torch7 (no
-- padding): oT = floor((T - kT) / dT) + 1, and so for H and W.
-- Pure Lua over unfold views.
local tocha = require "tocha"
local utils = require "tocha.utils"

local VolumetricAveragePooling, parent = tocha.class("nn.VolumetricAveragePooling", "nn.Module")
local checkGradOutput = require("tocha.nn.TemporalConvolution").checkGradOutput

--- Checks and stores the window (shared with VolumetricMaxPooling).
function VolumetricAveragePooling.setWindow(self, kT, kW, kH, dT, dW, dH)
  local name = self.__typename
  local function int(v, what, dflt)
    if v == nil and dflt then return dflt end
    return utils.checkinteger(v, name, what, 1, 5)
  end
  self.kT, self.kW, self.kH = int(kT, "kT"), int(kW, "kW"), int(kH, "kH")
  self.dT, self.dW, self.dH = int(dT, "dT", self.kT), int(dW, "dW", self.kW), int(dH, "dH", self.kH)
end

function VolumetricAveragePooling:__init(kT, kW, kH, dT, dW, dH)
  parent.__init(self)
  VolumetricAveragePooling.setWindow(self, kT, kW, kH, dT, dW, dH)
end

--- Checks a 4-D or 5-D real input whose (padded) volume holds one window
-- (shared).  Returns the dimension of T.
function VolumetricAveragePooling.checkVolume(self, input, padT, padW, padH, level)
  level = (level or 2) + 1
  utils.check_tensor(self, input, "input", level)
  local d = input:dim()
  if d ~= 4 and d ~= 5 then
    error(string.format("%s: input must be 4D (planes x time x height x width) or 5D (batch x planes x time x "
      .. "height x width), got size %s", self.__typename, utils.shape(input)), level)
  end
  local tt = tocha.type(input)
  if tt ~= "tocha.FloatTensor" and tt ~= "tocha.DoubleTensor" then
    error(string.format("%s: input must be a FloatTensor or DoubleTensor, got a %s", self.__typename,
      tt:match("[^.]*$")), level)
  end
  local t = d - 2
  if input:size(t) + 2 * (padT or 0) < self.kT or input:size(t + 1) + 2 * (padH or 0) < self.kH
    or input:size(t + 2) + 2 * (padW or 0) < self.kW then
    error(string.format("%s: input volume %s is smaller than the kernel %dx%dx%d", self.__typename,
      utils.shape(input), self.kT, self.kH, self.kW), level)
  end
  return t
end

--- The windows of x (dimension t is T): (..., oT, oH, oW, kT, kH, kW).
function VolumetricAveragePooling.windows(self, x, t)
  return x:unfold(t, self.kT, self.dT):unfold(t + 1, self.kH, self.dH):unfold(t + 2, self.kW, self.dW)
end

local function drop3(size)
  size = size:totable()
  for _ = 1, 3 do size[#size] = nil end
  return tocha.LongStorage(size)
end

function VolumetricAveragePooling:updateOutput(input)
  local t = VolumetricAveragePooling.checkVolume(self, input)
  local win = VolumetricAveragePooling.windows(self, input, t)
  if tocha.type(self.output) ~= tocha.type(input) then self.output = input.new() end
  local d = win:dim()
  local s = win:sum(d):sum(d - 1):sum(d - 2)
  self.output:resize(drop3(s:size())):copy(s):div(self.kT * self.kH * self.kW)
  return self.output
end

function VolumetricAveragePooling:updateGradInput(input, gradOutput)
  local t = VolumetricAveragePooling.checkVolume(self, input)
  local win = VolumetricAveragePooling.windows(self, input, t)
  checkGradOutput(self, gradOutput, drop3(win:size()):totable())
  if tocha.type(self.gradInput) ~= tocha.type(input) then self.gradInput = input.new() end
  self.gradInput:resizeAs(input):zero()
  local g = VolumetricAveragePooling.windows(self, self.gradInput, t)
  local d = g:dim()
  local share = gradOutput:clone():div(self.kT * self.kH * self.kW)
  for a = 1, self.kT do
    for b = 1, self.kH do
      for c = 1, self.kW do g:select(d, c):select(d - 1, b):select(d - 2, a):add(share) end
    end
  end
  return self.gradInput
end

function VolumetricAveragePooling:__tostring__()
  return string.format("%s(%d,%d,%d,%d,%d,%d)", self.__typename, self.kT, self.kW, self.kH, self.dT, self.dW,
    self.dH)
end

return VolumetricAveragePooling
