--- nn.Euclidean(inputSize, outputSize): y_j = || w_j - x || for the
-- columns w_j of weight (inputSize x outputSize) (Torch7's); x a vector
-- or a batch (batch, inputSize).  As in Torch7 the gradients divide by
-- y_j + 1e-7.  nn.WeightedEuclidean adds a diagonal scale per template.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local Euclidean, parent = tocha.class("nn.Euclidean", "nn.Module")

function Euclidean:__init(inputSize, outputSize)
  parent.__init(self)
  local name = self.__typename
  inputSize = utils.checkinteger(inputSize, name, "inputSize", 1)
  outputSize = utils.checkinteger(outputSize, name, "outputSize", 1)
  self.weight = tocha.Tensor(inputSize, outputSize)
  self.gradWeight = tocha.Tensor(inputSize, outputSize):zero()
  self:reset()
end

function Euclidean:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(1))
  self.weight:uniform(-stdv, stdv)
  return self
end

-- input as (batch, inputSize), and whether it was a vector.
function Euclidean:_rows(input)
  local n = self.weight:size(1)
  if not tocha.isTensor(input) or not ((input:dim() == 1 and input:size(1) == n) or
      (input:dim() == 2 and input:size(2) == n)) then
    error(string.format("%s: input must be a vector of %d elements or a batch (batch, %d), got %s", self.__typename,
      n, n, tocha.isTensor(input) and utils.shape(input) or tocha.type(input)), 3)
  end
  if input:dim() == 1 then return input:view(1, n), true end
  return input, false
end

-- x - w_j for every sample and template: (batch, inputSize, outputSize),
-- multiplied by the diagonal scale c when there is one.
function Euclidean:_diff(x)
  local b, n, m = x:size(1), self.weight:size(1), self.weight:size(2)
  local d = x:contiguous():view(b, n, 1):expand(b, n, m):clone()
  d:add(-1, self.weight:view(1, n, m):expand(b, n, m))
  if self.diagCov then d:cmul(self.diagCov:view(1, n, m):expand(b, n, m)) end
  return d
end

function Euclidean:updateOutput(input)
  local x, vector = self:_rows(input)
  local d = self:_diff(x)
  local y = d:cmul(d):sum(2):sqrt():select(2, 1)
  if vector then y = y:select(1, 1) end
  utils.like(self, "output", y):copy(y)
  return self.output
end

-- gradOutput / (y + 1e-7) as (batch, 1, outputSize), from a fresh forward.
function Euclidean:_scale(input, gradOutput)
  local x = self:_rows(input)
  self:updateOutput(input)
  local b, m = x:size(1), self.weight:size(2)
  local y = self.output:contiguous():view(b, 1, m):clone():add(1e-7)
  return x, gradOutput:contiguous():view(b, 1, m):clone():cdiv(y)
end

function Euclidean:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local x, s = self:_scale(input, gradOutput)
  local d = self:_diff(x)
  if self.diagCov then d:cmul(self.diagCov:view(1, x:size(2), self.weight:size(2)):expandAs(d)) end
  local gi = d:cmul(s:expandAs(d)):sum(3):select(3, 1)
  utils.like(self, "gradInput", input):copy(gi:viewAs(input))
  return self.gradInput
end

function Euclidean:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x, s = self:_scale(input, gradOutput)
  local d = self:_diff(x)
  local n, m = self.weight:size(1), self.weight:size(2)
  -- both gradients are computed before either is added (accUpdateGradParameters
  -- points them at the parameters themselves)
  local gc
  if self.diagCov then
    -- d y_j / d c_j = c_j (x - w_j)^2 / y_j (d holds c (x - w))
    local c = self.diagCov:view(1, n, m):expandAs(d)
    gc = d:clone():cmul(d):cdiv(c):cmul(s:expandAs(d)):sum(1):view(n, m)
    d:cmul(c)
  end
  -- d y_j / d w_j = -(x - w_j) / y_j (times c_j^2 with a scale)
  local gw = d:cmul(s:expandAs(d)):sum(1):view(n, m)
  self.gradWeight:add(-scale, gw)
  if gc then self.gradDiagCov:add(scale, gc) end
end

function Euclidean:__tostring__()
  return string.format("%s(%d -> %d)", self.__typename, self.weight:size(1), self.weight:size(2))
end

return Euclidean
