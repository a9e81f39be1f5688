--- nn.Add(inputSize [, scalar]): y = x + b with a learnable bias b of
-- inputSize elements, or one scalar bias when scalar is true (Torch7's
-- nn.Add).  An input with more elements is a batch.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Add, parent = tocha.class("nn.Add", "nn.Module")

function Add:__init(inputSize, scalar)
  parent.__init(self)
  local size = utils.checkinteger(inputSize, "nn.Add", "inputSize", 1)
  self.scalar = scalar == true
  if self.scalar then size = 1 end
  self.bias = tocha.Tensor(size)
  self.gradBias = tocha.Tensor(size):zero()
  self:reset()
end

function Add:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.bias:size(1))
  self.bias:uniform(-stdv, stdv)
  return self
end

local function rows(self, t)
  local n = self.bias:nElement()
  if t:nElement() % n ~= 0 then
    error(string.format("nn.Add: an input of %d elements does not fit a bias of %d", t:nElement(), n), 3)
  end
  return t:contiguous():view(t:nElement() // n, n)
end

function Add:updateOutput(input)
  local out = utils.like(self, "output", input):copy(input)
  if self.scalar then return out:add(self.bias[1]) end
  rows(self, out):add(self.bias:view(1, self.bias:nElement()):expand(out:nElement() // self.bias:nElement(),
    self.bias:nElement()))
  return out
end

function Add:updateGradInput(input, gradOutput)
  utils.like(self, "gradInput", input):copy(gradOutput)
  return self.gradInput
end

function Add:accGradParameters(input, gradOutput, scale) -- luacheck: no unused args
  scale = scale or 1
  if self.scalar then
    self.gradBias[1] = self.gradBias[1] + scale * gradOutput:sum()
  else
    self.gradBias:add(scale, rows(self, gradOutput):sum(1):view(self.bias:nElement()))
  end
end

return Add
