--- nn.MarginRankingCriterion([margin]): for a pair {x1, x2} of scores and
-- labels y (1: x1 should rank higher, -1: x2 should),
--   max(0, -y * (x1 - x2) + margin)   (margin 0)
-- x1 and x2 hold one score (y a number) or a batch of them (y a tensor);
-- a batch is summed and divided by its size while the field sizeAverage
-- is true (the default; Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local MarginRankingCriterion, parent = tocha.class("nn.MarginRankingCriterion", "nn.Criterion")
local NAME = "nn.MarginRankingCriterion"

function MarginRankingCriterion:__init(margin)
  parent.__init(self)
  self.margin = Loss.number(NAME, "margin", margin, 0)
  self.gradInput = { tocha.Tensor(1), tocha.Tensor(1) }
  self.sizeAverage = true
end

-- x1, x2 and y as tensors of one element count (y of x1's type).
local function prepare(self, input, y)
  if type(input) ~= "table" or tocha.isTensor(input) or not tocha.isTensor(input[1]) or
      not tocha.isTensor(input[2]) then
    error(string.format("%s: input must be a table of two tensors, got %s", NAME, tocha.type(input)), 3)
  end
  local x1, x2 = input[1], input[2]
  Loss.pair(NAME, x1, x2)
  local t
  if type(y) == "number" then
    t = utils.like(self, "_y", x1):fill(y)
  else
    t = Loss.pair(NAME, x1, y)
  end
  return x1, x2, t
end

-- -y * (x1 - x2) + margin, element by element.
local function distance(self, x1, x2, y)
  return utils.like(self, "dist", x1):copy(x1):add(-1, x2):cmul(y):mul(-1):add(self.margin)
end

function MarginRankingCriterion:updateOutput(input, y)
  local x1, x2, t = prepare(self, input, y)
  local d = distance(self, x1, x2, t)
  if x1:nElement() == 1 then
    self.output = math.max(0, d[1])
  else
    self.output = d:cmax(0):sum() / Loss.norm(self, t:nElement())
  end
  return self.output
end

function MarginRankingCriterion:updateGradInput(input, y)
  local x1, x2, t = prepare(self, input, y)
  local d = distance(self, x1, x2, t)
  -- Torch7: the gradient is taken where the distance is >= 0
  local mask = utils.like(self, "mask", x1):ge(d, 0)
  local g1 = utils.like(self.gradInput, 1, x1):copy(mask):cmul(t):mul(-1)
  local g2 = utils.like(self.gradInput, 2, x2):copy(mask):cmul(t)
  if x1:nElement() > 1 then
    local norm = Loss.norm(self, t:nElement())
    g1:div(norm)
    g2:div(norm)
  end
  return self.gradInput
end

return MarginRankingCriterion
