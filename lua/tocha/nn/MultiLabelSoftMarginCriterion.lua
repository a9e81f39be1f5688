--- nn.MultiLabelSoftMarginCriterion([weights]): the multi-label logistic
-- loss, BCECriterion(weights) on sigmoid(input) (Torch7's); target holds
-- 0 or 1 per label and has the input's shape (a vector or a batch).
local tocha = require "tocha"
local nn = require "tocha.nn"

local MultiLabelSoftMarginCriterion, parent = tocha.class("nn.MultiLabelSoftMarginCriterion", "nn.Criterion")

function MultiLabelSoftMarginCriterion:__init(weights)
  parent.__init(self)
  self.lsm = nn.Sigmoid()
  self.nll = nn.BCECriterion(weights)
end

-- Torch7 squeezes input and target (a batch of one becomes a vector).
local function squeezed(t, what)
  if not tocha.isTensor(t) then
    error(string.format("nn.MultiLabelSoftMarginCriterion: %s must be a tensor, got %s", what, tocha.type(t)), 3)
  end
  if t:nElement() == 1 then return t end
  return t:squeeze()
end

function MultiLabelSoftMarginCriterion:updateOutput(input, target)
  local x, t = squeezed(input, "input"), squeezed(target, "target")
  self.lsm:updateOutput(x)
  self.output = self.nll:updateOutput(self.lsm.output, t)
  return self.output
end

function MultiLabelSoftMarginCriterion:updateGradInput(input, target)
  local x, t = squeezed(input, "input"), squeezed(target, "target")
  self.nll:updateGradInput(self.lsm.output, t)
  self.lsm:updateGradInput(x, self.nll.gradInput)
  self.gradInput = self.lsm.gradInput:viewAs(input)
  return self.gradInput
end

return MultiLabelSoftMarginCriterion
