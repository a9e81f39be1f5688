--- nn.MSECriterion([sizeAverage]): sum((input - target)^2), divided by the
-- number of elements unless sizeAverage is false (Torch7's nn.MSECriterion).
-- input and target must have the same shape.
local tocha = require "tocha"

local MSECriterion, parent = tocha.class("nn.MSECriterion", "nn.Criterion")
local C = tocha._nn

function MSECriterion:__init(sizeAverage)
  parent.__init(self)
  if sizeAverage ~= nil and type(sizeAverage) ~= "boolean" then
    error(string.format("nn.MSECriterion: sizeAverage must be a boolean, got %s", type(sizeAverage)), 2)
  end
  self.sizeAverage = sizeAverage ~= false
end

function MSECriterion:updateOutput(input, target)
  self.output = C.mse_forward(self, input, target, self.sizeAverage)
  return self.output
end

function MSECriterion:updateGradInput(input, target)
  C.mse_backward(self, self.gradInput, input, target, self.sizeAverage)
  return self.gradInput
end

return MSECriterion
