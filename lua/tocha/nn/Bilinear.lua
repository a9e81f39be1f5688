--- nn.Bilinear(inputSize1, inputSize2, outputSize [, bias]): for a batch
-- {x1 (batch, inputSize1), x2 (batch, inputSize2)},
--   y_k = x1^T W_k x2 + b_k
-- with weight (outputSize x inputSize1 x inputSize2) and bias (outputSize;
-- none when bias is false) (Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local TableUtil = require "tocha.nn.TableUtil"

local Bilinear, parent = tocha.class("nn.Bilinear", "nn.Module")
local NAME = "nn.Bilinear"

function Bilinear:__init(inputSize1, inputSize2, outputSize, bias)
  parent.__init(self)
  inputSize1 = utils.checkinteger(inputSize1, NAME, "inputSize1", 1)
  inputSize2 = utils.checkinteger(inputSize2, NAME, "inputSize2", 1)
  outputSize = utils.checkinteger(outputSize, NAME, "outputSize", 1)
  self.weight = tocha.Tensor(outputSize, inputSize1, inputSize2)
  self.gradWeight = tocha.Tensor(outputSize, inputSize1, inputSize2):zero()
  if bias ~= false then
    self.bias = tocha.Tensor(outputSize)
    self.gradBias = tocha.Tensor(outputSize):zero()
  end
  self.gradInput = { tocha.Tensor(), tocha.Tensor() }
  self:reset()
end

function Bilinear:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(2))
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

local function check(self, input)
  TableUtil.check(NAME, "input", input, 2)
  local a, b = input[1], input[2]
  local _, d1, d2 = self.weight:size(1), self.weight:size(2), self.weight:size(3)
  if not tocha.isTensor(a) or not tocha.isTensor(b) or a:dim() ~= 2 or b:dim() ~= 2 or a:size(2) ~= d1 or
      b:size(2) ~= d2 or a:size(1) ~= b:size(1) then
    error(string.format("%s: input must be {(batch, %d), (batch, %d)}", NAME, d1, d2), 3)
  end
  return a, b
end

function Bilinear:updateOutput(input)
  local a, b = check(self, input)
  local k = self.weight:size(1)
  local out = utils.like(self, "output", a.new(a:size(1), k))
  for j = 1, k do
    -- row n: x1_n^T W_j x2_n
    out:select(2, j):copy(tocha.mm(a, self.weight[j]):cmul(b):sum(2):select(2, 1))
  end
  if self.bias then out:add(self.bias:view(1, k):expandAs(out)) end
  return out
end

function Bilinear:updateGradInput(input, gradOutput)
  local a, b = check(self, input)
  local g1 = utils.like(self.gradInput, 1, a):zero()
  local g2 = utils.like(self.gradInput, 2, b):zero()
  for j = 1, self.weight:size(1) do
    local gj = gradOutput:select(2, j):contiguous():view(a:size(1), 1)
    g1:add(tocha.mm(b, self.weight[j]:t()):cmul(gj:expandAs(a)))
    g2:add(tocha.mm(a, self.weight[j]):cmul(gj:expandAs(b)))
  end
  return self.gradInput
end

function Bilinear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local a, b = check(self, input)
  for j = 1, self.weight:size(1) do
    local gj = gradOutput:select(2, j):contiguous():view(a:size(1), 1)
    self.gradWeight[j]:add(scale, tocha.mm(a:clone():cmul(gj:expandAs(a)):t(), b))
  end
  if self.bias then self.gradBias:add(scale, gradOutput:sum(1):view(self.bias:size(1))) end
end

function Bilinear:__tostring__()
  return string.format("%s(%d x %d -> %d)%s", self.__typename, self.weight:size(2), self.weight:size(3),
    self.weight:size(1), self.bias and "" or " without bias")
end

return Bilinear
