--- nn.SoftMarginCriterion(): the two-class logistic loss
-- sum(log(1 + exp(-input * target))) with targets 1 or -1, divided by the
-- number of elements while the field sizeAverage is true (the default;
-- Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local SoftMarginCriterion, parent = tocha.class("nn.SoftMarginCriterion", "nn.Criterion")
local NAME = "nn.SoftMarginCriterion"

function SoftMarginCriterion:__init(sizeAverage)
  parent.__init(self)
  self.sizeAverage = Loss.flag(NAME, "sizeAverage", sizeAverage, true)
end

-- log(1 + exp(z)) without overflow: max(z, 0) + log1p(exp(-|z|)).
local function softplus(buf, z)
  buf:copy(z):abs():mul(-1):exp():log1p()
  return buf:add(z:clone():cmax(0))
end

function SoftMarginCriterion:updateOutput(input, target)
  target = Loss.pair(NAME, input, target)
  local z = utils.like(self, "_z", input):copy(input):cmul(target):mul(-1)
  local l = softplus(utils.like(self, "_buffer", input), z)
  self.output = l:sum() / Loss.norm(self, input:nElement())
  return self.output
end

function SoftMarginCriterion:updateGradInput(input, target)
  target = Loss.pair(NAME, input, target)
  -- d/dx log(1 + exp(-y x)) = -y sigmoid(-y x)
  local gi = utils.like(self, "gradInput", input):copy(input):cmul(target):mul(-1):sigmoid()
  gi:cmul(target):mul(-1 / Loss.norm(self, input:nElement()))
  return gi
end

return SoftMarginCriterion
