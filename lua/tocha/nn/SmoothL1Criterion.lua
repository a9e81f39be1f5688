--- nn.SmoothL1Criterion([sizeAverage]): the Huber loss, sum of 0.5 d^2 where
-- |d| < 1 and |d| - 0.5 elsewhere (d = input - target), divided by the
-- number of elements unless sizeAverage is false (Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local SmoothL1Criterion, parent = tocha.class("nn.SmoothL1Criterion", "nn.Criterion")
local NAME = "nn.SmoothL1Criterion"

function SmoothL1Criterion:__init(sizeAverage)
  parent.__init(self)
  self.sizeAverage = Loss.flag(NAME, "sizeAverage", sizeAverage, true)
end

function SmoothL1Criterion:updateOutput(input, target)
  target = Loss.pair(NAME, input, target)
  local d = utils.like(self, "_buffer", input):copy(input):add(-1, target):abs()
  local small = d:lt(1)
  local sq = d[small]
  local sum = 0
  if sq:nElement() > 0 then sum = 0.5 * sq:cmul(sq):sum() end
  local large = d[d:ge(1)]
  if large:nElement() > 0 then sum = sum + large:sum() - 0.5 * large:nElement() end
  self.output = sum / Loss.norm(self, input:nElement())
  return self.output
end

function SmoothL1Criterion:updateGradInput(input, target)
  target = Loss.pair(NAME, input, target)
  local gi = utils.like(self, "gradInput", input):copy(input):add(-1, target):clamp(-1, 1)
  gi:div(Loss.norm(self, input:nElement()))
  return gi
end

return SmoothL1Criterion
