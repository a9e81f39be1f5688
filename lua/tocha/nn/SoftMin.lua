--- nn.SoftMin(): y = softmax(-x) (Torch7's nn.SoftMin).
local tocha = require "tocha"
local nn = require "tocha.nn"
local utils = require "tocha.utils"

local SoftMin, parent = tocha.class("nn.SoftMin", "nn.Module")

function SoftMin:__init()
  parent.__init(self)
  self.softmax = nn.SoftMax()
end

function SoftMin:updateOutput(input)
  local neg = utils.like(self, "_negated", input):copy(input):mul(-1)
  if tocha.type(self.softmax.output) ~= tocha.type(input) then self.softmax:type(tocha.type(input)) end
  self.output = self.softmax:forward(neg)
  return self.output
end

function SoftMin:updateGradInput(input, gradOutput) -- luacheck: no unused args
  local g = self.softmax:updateGradInput(self._negated, gradOutput)
  utils.like(self, "gradInput", g):copy(g):mul(-1)
  return self.gradInput
end

return SoftMin
