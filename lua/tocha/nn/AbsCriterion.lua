--- nn.AbsCriterion([sizeAverage]): sum(|input - target|), divided by the
-- number of elements unless sizeAverage is false (Torch7's).  The gradient
-- at input == target is +1 (/n), as in Torch7.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local AbsCriterion, parent = tocha.class("nn.AbsCriterion", "nn.Criterion")
local NAME = "nn.AbsCriterion"

function AbsCriterion:__init(sizeAverage)
  parent.__init(self)
  self.sizeAverage = Loss.flag(NAME, "sizeAverage", sizeAverage, true)
end

function AbsCriterion:updateOutput(input, target)
  target = Loss.pair(NAME, input, target)
  local d = utils.like(self, "_buffer", input):copy(input):add(-1, target)
  self.output = d:abs():sum() / Loss.norm(self, input:nElement())
  return self.output
end

function AbsCriterion:updateGradInput(input, target)
  target = Loss.pair(NAME, input, target)
  local norm = 1 / Loss.norm(self, input:nElement())
  local gi = utils.like(self, "gradInput", input)
  -- +norm where input >= target, -norm elsewhere
  gi:ge(input, target):mul(2 * norm):add(-norm)
  return gi
end

return AbsCriterion
