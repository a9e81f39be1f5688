--- nn.BCECriterion([weights [, sizeAverage]]): binary cross entropy
-- -sum(w * (t * log(x + eps) + (1 - t) * log(1 - x + eps))), eps = 1e-12,
-- divided by the number of elements unless sizeAverage is false (Torch7's
-- nn.BCECriterion).  input holds probabilities in [0, 1] and target has its
-- shape; weights has the input's shape or, for a batch (batch, n), n
-- entries shared by every row.
local tocha = require "tocha"

local BCECriterion, parent = tocha.class("nn.BCECriterion", "nn.Criterion")
local C = tocha._nn

function BCECriterion:__init(weights, sizeAverage)
  parent.__init(self)
  if weights ~= nil and not tocha.isTensor(weights) then
    error(string.format("nn.BCECriterion: weights must be a tensor, got %s", tocha.type(weights)), 2)
  end
  if sizeAverage ~= nil and type(sizeAverage) ~= "boolean" then
    error(string.format("nn.BCECriterion: sizeAverage must be a boolean, got %s", type(sizeAverage)), 2)
  end
  self.weights = weights
  self.sizeAverage = sizeAverage ~= false
end

function BCECriterion:updateOutput(input, target)
  self.output = C.bce_forward(self, input, target, self.weights, self.sizeAverage)
  return self.output
end

function BCECriterion:updateGradInput(input, target)
  C.bce_backward(self, self.gradInput, input, target, self.weights, self.sizeAverage)
  return self.gradInput
end

return BCECriterion
