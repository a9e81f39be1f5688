--- nn.TemporalMaxPooling(kW [, dW]): the maximum of each window of kW frames,
-- stepping dW (default kW), feature by feature, over (nInputFrame,
-- frameSize) or (batch, nInputFrame, frameSize) input; nOutputFrame =
-- floor((nInputFrame - kW) / dW) + 1.  `indices` (a LongTensor of the
-- output's size) keeps, as Torch7, the 0-based offset of each maximum in
-- its window: the first maximum on ties; a NaN wins (and propagates).
-- Pure Lua over unfold views.
local tocha = require "tocha"
local utils = require "tocha.utils"

local TemporalMaxPooling, parent = tocha.class("nn.TemporalMaxPooling", "nn.Module")
local checkSequence = require("tocha.nn.TemporalConvolution").checkSequence
local checkGradOutput = require("tocha.nn.TemporalConvolution").checkGradOutput

function TemporalMaxPooling:__init(kW, dW)
  parent.__init(self)
  self.kW = utils.checkinteger(kW, self.__typename, "kW", 1)
  self.dW = dW == nil and self.kW or utils.checkinteger(dW, self.__typename, "dW", 1)
  self.indices = tocha.LongTensor()
end

function TemporalMaxPooling:updateOutput(input)
  local sdim = checkSequence(self, input)
  if tocha.type(self.output) ~= tocha.type(input) then self.output = input.new() end
  if tocha.type(self.indices) ~= "tocha.LongTensor" then self.indices = tocha.LongTensor() end
  local win = input:unfold(sdim, self.kW, self.dW) -- (batch,) nOut, frameSize, kW
  local values, where = win:max(win:dim())
  local size = values:size():totable()
  size[#size] = nil
  size = tocha.LongStorage(size)
  self.output:resize(size):copy(values)
  self.indices:resize(size):copy(where):add(-1)
  return self.output
end

function TemporalMaxPooling:updateGradInput(input, gradOutput)
  local sdim, nOut = checkSequence(self, input)
  local want = input:size():totable()
  want[sdim] = nOut
  checkGradOutput(self, gradOutput, want)
  if not self.indices:isSameSizeAs(gradOutput) then
    error(self.__typename .. ": updateGradInput called before updateOutput on this input", 2)
  end
  if tocha.type(self.gradInput) ~= tocha.type(input) then self.gradInput = input.new() end
  self.gradInput:resizeAs(input):zero()
  local gwin = self.gradInput:unfold(sdim, self.kW, self.dW)
  local last = gwin:dim()
  local mask = self._mask or tocha.LongTensor()
  self._mask = mask
  local picked = self._picked or input.new()
  if tocha.type(picked) ~= tocha.type(input) then picked = input.new() end
  self._picked = picked
  for k = 1, self.kW do
    mask:eq(self.indices, k - 1)
    picked:resizeAs(gradOutput):copy(mask):cmul(gradOutput)
    gwin:select(last, k):add(picked)
  end
  return self.gradInput
end

function TemporalMaxPooling:clearState()
  utils.clear(self, "indices", "_mask", "_picked")
  return parent.clearState(self)
end

function TemporalMaxPooling:__tostring__()
  return string.format("%s(%d, %d)", self.__typename, self.kW, self.dW)
end

return TemporalMaxPooling
