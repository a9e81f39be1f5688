--- nn.MarginCriterion([margin]): the two-class hinge loss
-- sum(max(0, margin - input * target)) with targets 1 or -1 (margin 1),
-- divided by the number of elements while the field sizeAverage is true
-- (the default; Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local MarginCriterion, parent = tocha.class("nn.MarginCriterion", "nn.Criterion")
local NAME = "nn.MarginCriterion"

function MarginCriterion:__init(margin)
  parent.__init(self)
  self.sizeAverage = true
  self.margin = Loss.number(NAME, "margin", margin, 1)
end

function MarginCriterion:updateOutput(input, target)
  target = Loss.pair(NAME, input, target)
  local z = utils.like(self, "_buffer", input):copy(input):cmul(target):mul(-1):add(self.margin):cmax(0)
  self.output = z:sum() / Loss.norm(self, input:nElement())
  return self.output
end

function MarginCriterion:updateGradInput(input, target)
  target = Loss.pair(NAME, input, target)
  local active = utils.like(self, "_buffer", input):copy(input):cmul(target):lt(self.margin)
  local gi = utils.like(self, "gradInput", input):copy(active):cmul(target)
  gi:mul(-1 / Loss.norm(self, input:nElement()))
  return gi
end

return MarginCriterion
