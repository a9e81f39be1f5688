--- nn.Cosine(inputSize, outputSize): y_j = cos(w_j, x), the cosine of the
-- input and each row w_j of weight (outputSize x inputSize) (Torch7's); x
-- a vector or a batch (batch, inputSize).  Norms get 1e-12 added.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local Cosine, parent = tocha.class("nn.Cosine", "nn.Module")
local NAME = "nn.Cosine"
local EPSILON = 1e-12

function Cosine:__init(inputSize, outputSize)
  parent.__init(self)
  inputSize = utils.checkinteger(inputSize, NAME, "inputSize", 1)
  outputSize = utils.checkinteger(outputSize, NAME, "outputSize", 1)
  self.weight = tocha.Tensor(outputSize, inputSize)
  self.gradWeight = tocha.Tensor(outputSize, inputSize):zero()
  self:reset()
end

function Cosine:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(1))
  self.weight:uniform(-stdv, stdv)
  return self
end

local function rows(self, input)
  local n = self.weight:size(2)
  if not tocha.isTensor(input) or not ((input:dim() == 1 and input:size(1) == n) or
      (input:dim() == 2 and input:size(2) == n)) then
    error(string.format("%s: input must be a vector of %d elements or a batch (batch, %d), got %s", NAME, n, n,
      tocha.isTensor(input) and utils.shape(input) or tocha.type(input)), 3)
  end
  if input:dim() == 1 then return input:view(1, n) end
  return input
end

-- The cosines (batch, outputSize), the true norms of the rows of x and w,
-- and the norms plus epsilon.
local function cosines(self, x)
  local wn = self.weight:norm(2, 2):view(1, self.weight:size(1))
  local xn = x:norm(2, 2)
  local a, b = wn:clone():add(EPSILON), xn:clone():add(EPSILON)
  local y = tocha.mm(x, self.weight:t()):cdiv(a:expand(x:size(1), a:size(2))):cdiv(b:expand(x:size(1), a:size(2)))
  return y, xn, wn, a, b
end

function Cosine:updateOutput(input)
  local x = rows(self, input)
  local y = cosines(self, x)
  if input:dim() == 1 then y = y:select(1, 1) end
  utils.like(self, "output", y):copy(y)
  return self.output
end

function Cosine:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local x = rows(self, input)
  local y, xn, _, a, b = cosines(self, x)
  local g = gradOutput:contiguous():view(y:size(1), y:size(2))
  local ab = a:expandAs(y):clone():cmul(b:expandAs(y))
  -- dy_j/dx = w_j / (a_j b) - y_j x / (b |x|)
  local gi = tocha.mm(g:clone():cdiv(ab), self.weight)
  local coef = g:clone():cmul(y):sum(2):cdiv(b:clone():cmul(xn))
  gi:add(-1, x:clone():cmul(coef:expandAs(x)))
  utils.like(self, "gradInput", input):copy(gi:viewAs(input))
  return self.gradInput
end

function Cosine:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x = rows(self, input)
  local y, _, wn, a, b = cosines(self, x)
  local g = gradOutput:contiguous():view(y:size(1), y:size(2))
  local ab = a:expandAs(y):clone():cmul(b:expandAs(y))
  -- dy_j/dw_j = x / (a_j b) - y_j w_j / (a_j |w_j|)
  local gw = tocha.mm(g:clone():cdiv(ab):t(), x)
  local coef = g:clone():cmul(y):sum(1):cdiv(a:clone():cmul(wn)):t()
  gw:add(-1, self.weight:clone():cmul(coef:expandAs(self.weight)))
  self.gradWeight:add(scale, gw)
end

function Cosine:__tostring__()
  return string.format("%s(%d -> %d)", self.__typename, self.weight:size(2), self.weight:size(1))
end

return Cosine
