--- nn.PixelShuffle(upscaleFactor): rearranges (batch, c r^2, h, w) into
-- (batch, c, h r, w r) (or the same without the batch), as in Shi et al.'s
-- sub-pixel convolution (Torch7's): output[c][h][w] is input channel
-- (c - 1) r^2 + r ((h - 1) % r) + (w - 1) % r + 1 at (ceil(h / r), ceil(w / r)).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local PixelShuffle, parent = tocha.class("nn.PixelShuffle", "nn.Module")
local NAME = "nn.PixelShuffle"

function PixelShuffle:__init(upscaleFactor)
  parent.__init(self)
  self.upscaleFactor = utils.checkinteger(upscaleFactor, NAME, "upscaleFactor", 1)
  self.upscaleFactorSquared = self.upscaleFactor * self.upscaleFactor
end

local function dims(self, input)
  if not tocha.isTensor(input) or (input:dim() ~= 3 and input:dim() ~= 4) then
    error(string.format("%s: input must be 3D (c, h, w) or 4D (batch, c, h, w), got %s", NAME,
      tocha.isTensor(input) and utils.shape(input) or tocha.type(input)), 3)
  end
  local b = input:dim() == 4 and input:size(1) or 1
  local o = input:dim() - 3
  local c, h, w = input:size(o + 1), input:size(o + 2), input:size(o + 3)
  if c % self.upscaleFactorSquared ~= 0 then
    error(string.format("%s: %d channels are not a multiple of %d", NAME, c, self.upscaleFactorSquared), 3)
  end
  return b, c // self.upscaleFactorSquared, h, w
end

function PixelShuffle:updateOutput(input)
  local b, c, h, w = dims(self, input)
  local r = self.upscaleFactor
  local x = input:contiguous():view(tocha.LongStorage({ b, c, r, r, h, w }))
  local y = x:permute(1, 2, 5, 3, 6, 4):contiguous()
  local size = input:dim() == 4 and { b, c, h * r, w * r } or { c, h * r, w * r }
  utils.like(self, "output", y):resize(tocha.LongStorage(size)):copy(y)
  return self.output
end

function PixelShuffle:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local b, c, h, w = dims(self, input)
  local r = self.upscaleFactor
  local g = gradOutput:contiguous():view(tocha.LongStorage({ b, c, h, r, w, r }))
  local x = g:permute(1, 2, 4, 6, 3, 5):contiguous()
  utils.like(self, "gradInput", input):copy(x:viewAs(input))
  return self.gradInput
end

function PixelShuffle:__tostring__()
  return string.format("%s(%d)", self.__typename, self.upscaleFactor)
end

return PixelShuffle
