--- nn.CMul(size): y = w .* x with a learnable tensor w of the given size
-- (Torch7's nn.CMul).  w's dimensions of size 1 repeat over an input with
-- as many dimensions; an input with more elements otherwise is a batch:
-- w is repeated over its first dimension.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"
local Broadcast = require "tocha.nn.Broadcast"

local CMul, parent = tocha.class("nn.CMul", "nn.Module")

function CMul:__init(...)
  parent.__init(self)
  local first = ...
  local size = tocha.isTensor(first) and first:size() or tocha.LongStorage(
    type(first) == "table" and first or { ... })
  self.size = size
  self.weight = tocha.Tensor(size)
  self.gradWeight = tocha.Tensor(size):zero()
  self:reset()
end

function CMul:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:nElement())
  self.weight:uniform(-stdv, stdv)
  return self
end

function CMul:updateOutput(input)
  local x, w = Broadcast.views("nn.CMul", self.weight, input)
  utils.like(self, "output", input):copy(x:clone():cmul(w))
  return self.output
end

function CMul:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local g, w = Broadcast.views("nn.CMul", self.weight, gradOutput)
  utils.like(self, "gradInput", input):copy(g:clone():cmul(w))
  return self.gradInput
end

function CMul:accGradParameters(input, gradOutput, scale)
  local x = Broadcast.views("nn.CMul", self.weight, input)
  local g = Broadcast.views("nn.CMul", self.weight, gradOutput)
  Broadcast.accumulate("nn.CMul", self.gradWeight, input, x:clone():cmul(g), scale)
end

return CMul
