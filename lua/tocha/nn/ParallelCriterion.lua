--- nn.ParallelCriterion([repeatTarget]): a weighted sum of criterions, the
-- i-th applied to input[i] and target[i] (or to the whole target with
-- repeatTarget; Torch7's).  :add(criterion [, weight]) appends one.
local tocha = require "tocha"
local nnutils = require "tocha.nn.utils"

local ParallelCriterion, parent = tocha.class("nn.ParallelCriterion", "nn.MultiCriterion")

function ParallelCriterion:__init(repeatTarget)
  parent.__init(self)
  self.repeatTarget = repeatTarget == true
end

local function check_table(self, input, what)
  if type(input) ~= "table" or tocha.isTensor(input) or #input < #self.criterions then
    error(string.format("%s: %s must be a table of %d entries, got %s", self.__typename, what, #self.criterions,
      type(input) == "table" and not tocha.isTensor(input) and string.format("%d", #input) or tocha.type(input)), 3)
  end
end

function ParallelCriterion:updateOutput(input, target)
  check_table(self, input, "input")
  if not self.repeatTarget then check_table(self, target, "target") end
  self.output = 0
  for i, criterion in ipairs(self.criterions) do
    local t = self.repeatTarget and target or target[i]
    self.output = self.output + self.weights[i] * criterion:updateOutput(input[i], t)
  end
  return self.output
end

function ParallelCriterion:updateGradInput(input, target)
  check_table(self, input, "input")
  if not self.repeatTarget then check_table(self, target, "target") end
  self.gradInput = nnutils.recursiveResizeAs(self.gradInput, input)
  nnutils.recursiveFill(self.gradInput, 0)
  for i, criterion in ipairs(self.criterions) do
    local t = self.repeatTarget and target or target[i]
    nnutils.recursiveAdd(self.gradInput[i], self.weights[i], criterion:updateGradInput(input[i], t))
  end
  return self.gradInput
end

return ParallelCriterion
