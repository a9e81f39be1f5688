-- nn.CMul(size): y = w .* x with a learnable tensor w of the given size
-- (Torch7's nn.CMul).  An input with more elements is a batch: w is
-- repeated over its first dimension.
local tocha = require "tocha"
local utils = require "tocha.utils"

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

-- input as (batch, weight's elements), and the batch size.
local function rows(self, t)
  local n = self.weight:nElement()
  if t:nElement() % n ~= 0 then
    error(string.format("nn.CMul: an input of %d elements does not fit a weight of %d", t:nElement(), n), 3)
  end
  return t:contiguous():view(t:nElement() // n, n)
end

function CMul:updateOutput(input)
  local x = rows(self, input)
  local w = self.weight:view(1, self.weight:nElement()):expandAs(x)
  utils.like(self, "output", input):copy(x:clone():cmul(w))
  return self.output
end

function CMul:updateGradInput(input, gradOutput)
  local g = rows(self, gradOutput)
  local w = self.weight:view(1, self.weight:nElement()):expandAs(g)
  utils.like(self, "gradInput", input):copy(g:clone():cmul(w))
  return self.gradInput
end

function CMul:accGradParameters(input, gradOutput, scale)
  local prod = rows(self, input):clone():cmul(rows(self, gradOutput))
  self.gradWeight:add(scale or 1, prod:sum(1):viewAs(self.gradWeight))
end

return CMul
