--- nn.L1Penalty(l1weight [, sizeAverage [, provideOutput]]): an identity
-- module that adds an L1 sparsity penalty on its input to the gradient
-- (Torch7's).  forward passes the input through and stores the loss
-- l1weight * sum(|input|) (divided by the number of elements with
-- sizeAverage) in self.loss; backward returns l1weight * sign(input)
-- (/n), plus gradOutput unless provideOutput is false.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local L1Penalty, parent = tocha.class("nn.L1Penalty", "nn.Module")
local NAME = "nn.L1Penalty"

function L1Penalty:__init(l1weight, sizeAverage, provideOutput)
  parent.__init(self)
  if type(l1weight) ~= "number" then
    error(string.format("%s: l1weight must be a number, got %s", NAME, tocha.type(l1weight)), 2)
  end
  self.l1weight = l1weight
  self.sizeAverage = Loss.flag(NAME, "sizeAverage", sizeAverage, false)
  self.provideOutput = Loss.flag(NAME, "provideOutput", provideOutput, true)
end

local function weight(self, input)
  if not tocha.isTensor(input) then
    error(string.format("%s: input must be a tensor, got %s", NAME, tocha.type(input)), 3)
  end
  return self.l1weight / Loss.norm(self, input:nElement())
end

function L1Penalty:updateOutput(input)
  self.loss = weight(self, input) * input:norm(1)
  self.output = input
  return self.output
end

function L1Penalty:updateGradInput(input, gradOutput)
  local m = weight(self, input)
  local gi = utils.like(self, "gradInput", input):copy(input):sign():mul(m)
  if self.provideOutput then gi:add(gradOutput) end
  return gi
end

return L1Penalty
