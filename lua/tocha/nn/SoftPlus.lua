--- nn.SoftPlus([beta [, threshold]]): y = log(1 + exp(beta x)) / beta
-- (Torch7's nn.SoftPlus; beta 1), linear (y = x) where beta x > threshold
-- (default 20) to avoid overflow.
local tocha = require "tocha"
local utils = require "tocha.utils"

local SoftPlus, parent = tocha.class("nn.SoftPlus", "nn.Module")

function SoftPlus:__init(beta, threshold)
  parent.__init(self)
  self.beta = beta or 1
  self.threshold = threshold or 20
  if type(self.beta) ~= "number" or self.beta <= 0 then error("nn.SoftPlus: beta must be a number > 0", 2) end
end

function SoftPlus:updateOutput(input)
  local out = utils.like(self, "output", input)
  out:copy(input):mul(self.beta):exp():log1p():div(self.beta)
  local linear = input:gt(self.threshold / self.beta)
  out:maskedCopy(linear, input[linear])
  return out
end

function SoftPlus:updateGradInput(input, gradOutput)
  -- dy/dx = sigmoid(beta x) = 1 - exp(-beta y)
  local gi = utils.like(self, "gradInput", input)
  gi:copy(input):mul(self.beta):sigmoid():cmul(gradOutput)
  local linear = input:gt(self.threshold / self.beta)
  gi:maskedCopy(linear, gradOutput[linear])
  return gi
end

return SoftPlus
