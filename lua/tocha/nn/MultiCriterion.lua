--- nn.MultiCriterion(): a weighted sum of criterions applied to one input
-- and target (Torch7's).  :add(criterion [, weight]) appends one (weight 1);
-- the weights are in self.weights (Torch7: a DoubleStorage; here a list,
-- indexed the same way).
local tocha = require "tocha"
local nnutils = require "tocha.nn.utils"

local MultiCriterion, parent = tocha.class("nn.MultiCriterion", "nn.Criterion")

function MultiCriterion:__init()
  parent.__init(self)
  self.criterions = {}
  self.weights = {}
end

--- Appends criterion with weight (default 1) and returns self.
function MultiCriterion:add(criterion, weight)
  nnutils.check_criterion(self.__typename, criterion)
  if weight ~= nil and type(weight) ~= "number" then
    error(string.format("%s: weight must be a number, got %s", self.__typename, tocha.type(weight)), 2)
  end
  self.criterions[#self.criterions + 1] = criterion
  self.weights[#self.criterions] = weight or 1
  return self
end

function MultiCriterion:updateOutput(input, target)
  self.output = 0
  for i, criterion in ipairs(self.criterions) do
    self.output = self.output + self.weights[i] * criterion:updateOutput(input, target)
  end
  return self.output
end

function MultiCriterion:updateGradInput(input, target)
  self.gradInput = nnutils.recursiveResizeAs(self.gradInput, input)
  nnutils.recursiveFill(self.gradInput, 0)
  for i, criterion in ipairs(self.criterions) do
    nnutils.recursiveAdd(self.gradInput, self.weights[i], criterion:updateGradInput(input, target))
  end
  return self.gradInput
end

return MultiCriterion
