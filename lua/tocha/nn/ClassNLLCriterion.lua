--- nn.ClassNLLCriterion([weights [, sizeAverage [, ignoreIndex]]]): the
-- negative log likelihood of class indices (Torch7's nn.ClassNLLCriterion).
-- input: log-probabilities, a vector (n) with a class index target (a number
-- or a one-element tensor), or a batch (batch, n) with a target vector of
-- batch class indices in 1..n.  weights: a vector (n) of class weights.
-- With sizeAverage (the default) the loss is divided by the sum of the
-- weights of the targets.  Targets equal to ignoreIndex (-100) are skipped.
local tocha = require "tocha"
local utils = require "tocha.utils"

local ClassNLLCriterion, parent = tocha.class("nn.ClassNLLCriterion", "nn.Criterion")
local C = tocha._nn

function ClassNLLCriterion:__init(weights, sizeAverage, ignoreIndex)
  parent.__init(self)
  if weights ~= nil and not (tocha.isTensor(weights) and weights:dim() == 1) then
    error(string.format("nn.ClassNLLCriterion: weights must be a vector (1D tensor), got %s",
      tocha.isTensor(weights) and string.format("a %dD tensor", weights:dim()) or tocha.type(weights)), 2)
  end
  if sizeAverage ~= nil and type(sizeAverage) ~= "boolean" then
    error(string.format("nn.ClassNLLCriterion: sizeAverage must be a boolean, got %s", type(sizeAverage)), 2)
  end
  if ignoreIndex ~= nil then ignoreIndex = utils.checkinteger(ignoreIndex, "nn.ClassNLLCriterion", "ignoreIndex") end
  self.weights = weights
  self.sizeAverage = sizeAverage ~= false
  self.ignoreIndex = ignoreIndex or -100
end

-- A number target goes into a one-element tensor kept for the purpose.
local function target_tensor(self, target)
  if type(target) ~= "number" then return target end
  local index = utils.integer(target)
  if index == nil then
    error(string.format("nn.ClassNLLCriterion: target %s is not an integer class index", tostring(target)), 0)
  end
  local t = self._target
  if not t then
    t = tocha.LongTensor(1)
    self._target = t
  end
  t[1] = index
  return t
end

function ClassNLLCriterion:updateOutput(input, target)
  self.output = C.class_nll_forward(self, input, target_tensor(self, target), self.weights, self.sizeAverage,
    self.ignoreIndex)
  return self.output
end

function ClassNLLCriterion:updateGradInput(input, target)
  C.class_nll_backward(self, self.gradInput, input, target_tensor(self, target), self.weights, self.sizeAverage,
    self.ignoreIndex)
  return self.gradInput
end

return ClassNLLCriterion
