--- nn.DistKLDivCriterion([sizeAverage]): the Kullback-Leibler divergence of
-- the log-probabilities `input` from the probabilities `target`,
-- sum over target > 0 of target * (log(target) - input), divided by the
-- number of elements unless sizeAverage is false (Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local DistKLDivCriterion, parent = tocha.class("nn.DistKLDivCriterion", "nn.Criterion")
local NAME = "nn.DistKLDivCriterion"

function DistKLDivCriterion:__init(sizeAverage)
  parent.__init(self)
  self.sizeAverage = Loss.flag(NAME, "sizeAverage", sizeAverage, true)
end

function DistKLDivCriterion:updateOutput(input, target)
  target = Loss.pair(NAME, input, target)
  local positive = target:gt(0)
  local t = target[positive]
  local sum = 0
  if t:nElement() > 0 then sum = t:clone():log():add(-1, input[positive]):cmul(t):sum() end
  self.output = sum / Loss.norm(self, input:nElement())
  return self.output
end

function DistKLDivCriterion:updateGradInput(input, target)
  target = Loss.pair(NAME, input, target)
  local gi = utils.like(self, "gradInput", input)
  -- -target where target > 0, else 0
  gi:copy(target):cmax(0):mul(-1 / Loss.norm(self, input:nElement()))
  return gi
end

return DistKLDivCriterion
