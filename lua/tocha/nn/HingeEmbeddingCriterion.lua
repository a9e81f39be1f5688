--- nn.HingeEmbeddingCriterion([margin]): for distances x and labels y (1:
-- similar, -1: dissimilar), the sum of x where y == 1 and of
-- max(0, margin - x) where y == -1 (margin 1), divided by the number of
-- elements while the field sizeAverage is true (the default; Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local HingeEmbeddingCriterion, parent = tocha.class("nn.HingeEmbeddingCriterion", "nn.Criterion")
local NAME = "nn.HingeEmbeddingCriterion"

function HingeEmbeddingCriterion:__init(margin)
  parent.__init(self)
  self.margin = Loss.number(NAME, "margin", margin, 1)
  self.sizeAverage = true
end

-- Torch7 also takes a number input with a number label.
local function tensors(self, input, y)
  if type(input) == "number" and type(y) == "number" then
    self._x = self._x or tocha.DoubleTensor(1)
    self._y = self._y or tocha.DoubleTensor(1)
    self._x[1], self._y[1] = input, y
    return self._x, self._y
  end
  return input, Loss.pair(NAME, input, y)
end

function HingeEmbeddingCriterion:updateOutput(input, y)
  local x, t = tensors(self, input, y)
  local buf = utils.like(self, "buffer", x):copy(x)
  buf[t:eq(-1)] = 0
  local sum = buf:sum()
  buf:fill(self.margin):add(-1, x):cmax(0)
  buf[t:eq(1)] = 0
  sum = sum + buf:sum()
  self.output = sum / Loss.norm(self, x:nElement())
  return self.output
end

function HingeEmbeddingCriterion:updateGradInput(input, y)
  local x, t = tensors(self, input, y)
  local gi = utils.like(self, "gradInput", x):copy(t)
  gi[t:eq(-1):cmul(x:gt(self.margin))] = 0
  gi:div(Loss.norm(self, x:nElement()))
  return gi
end

return HingeEmbeddingCriterion
