--- nn.DistanceRatioCriterion([sizeAverage]): the probabilistic triplet loss
-- (Torch7's): for distances X between similar and Y between dissimilar
-- pairs, sum of -log(exp(-X) / (exp(-X) + exp(-Y))) = X + log(exp(-X) + exp(-Y)),
-- divided by the number of distances unless sizeAverage is false.  input
-- is {X, Y}; there is no target.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"
local TableUtil = require "tocha.nn.TableUtil"

local DistanceRatioCriterion, parent = tocha.class("nn.DistanceRatioCriterion", "nn.Criterion")
local NAME = "nn.DistanceRatioCriterion"

function DistanceRatioCriterion:__init(sizeAverage)
  parent.__init(self)
  self.sizeAverage = Loss.flag(NAME, "sizeAverage", sizeAverage, true)
  self.gradInput = { tocha.Tensor(), tocha.Tensor() }
end

local function check(input)
  TableUtil.check(NAME, "input", input, 2)
  local X, Y = input[1], input[2]
  if not tocha.isTensor(X) or not tocha.isTensor(Y) or X:dim() == 0 or X:nElement() ~= Y:nElement() or
      X:size(1) ~= Y:size(1) then
    error(string.format("%s: input must be {X, Y}, two tensors of as many distances", NAME), 3)
  end
  return X, Y
end

-- log(exp(-X) + exp(-Y)) = -m + log(exp(m - X) + exp(m - Y)), m = min(X, Y).
local function log_sum_exp(X, Y)
  local m = X:clone():cmin(Y:contiguous():viewAs(X))
  local s = m:clone():add(-1, X):exp():add(m:clone():add(-1, Y:contiguous():viewAs(X)):exp())
  return s:log():add(-1, m)
end

function DistanceRatioCriterion:updateOutput(input)
  local X, Y = check(input)
  local loss = log_sum_exp(X, Y):add(X)
  self.output = loss:sum() / Loss.norm(self, X:size(1))
  return self.output
end

function DistanceRatioCriterion:updateGradInput(input)
  local X, Y = check(input)
  -- d/dX = 1 - p, d/dY = -(1 - p) with p = exp(-X) / (exp(-X) + exp(-Y)) = sigmoid(Y - X)
  local q = Y:contiguous():viewAs(X):clone():add(-1, X):sigmoid():mul(-1):add(1)
  local norm = Loss.norm(self, X:size(1))
  utils.like(self.gradInput, 1, X):copy(q):div(norm)
  utils.like(self.gradInput, 2, Y):copy(q:viewAs(Y)):div(-norm)
  return self.gradInput
end

return DistanceRatioCriterion
