--- nn.CAdd(size): y = x + b with a learnable tensor b of the given size
-- (Torch7's nn.CAdd).  b's dimensions of size 1 repeat over an input with
-- as many dimensions; an input with more elements otherwise is a batch:
-- b is repeated over its first dimension.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"
local Broadcast = require "tocha.nn.Broadcast"

local CAdd, parent = tocha.class("nn.CAdd", "nn.Module")

function CAdd:__init(...)
  parent.__init(self)
  local first = ...
  local size = tocha.isTensor(first) and first:size() or tocha.LongStorage(
    type(first) == "table" and first or { ... })
  for i = 1, #size do utils.checkinteger(size[i], "nn.CAdd", "size", 1) end
  self.size = size
  self.bias = tocha.Tensor(size)
  self.gradBias = tocha.Tensor(size):zero()
  self:reset()
end

function CAdd:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.bias:nElement())
  self.bias:uniform(-stdv, stdv)
  return self
end

function CAdd:updateOutput(input)
  local x, b = Broadcast.views("nn.CAdd", self.bias, input)
  utils.like(self, "output", input):copy(x:clone():add(b))
  return self.output
end

function CAdd:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  utils.like(self, "gradInput", input):copy(gradOutput)
  return self.gradInput
end

function CAdd:accGradParameters(input, gradOutput, scale)
  local g = Broadcast.views("nn.CAdd", self.gradBias, gradOutput)
  Broadcast.accumulate("nn.CAdd", self.gradBias, gradOutput, g, scale)
end

return CAdd
