--- nn.CosineEmbeddingCriterion([margin]): for a pair {x1, x2} of vectors (or
-- of batches (batch, n)) and labels y (1 or -1; a number or a tensor of
-- batch entries), with c the cosine of x1 and x2:
--   1 - c where y == 1, max(0, c - margin) where y == -1 (margin 0),
-- summed over the batch and divided by its size while the field
-- sizeAverage is true (the default; Torch7's).  Squared norms get 1e-12
-- added, as in Torch7.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local CosineEmbeddingCriterion, parent = tocha.class("nn.CosineEmbeddingCriterion", "nn.Criterion")
local NAME = "nn.CosineEmbeddingCriterion"
local EPSILON = 1e-12

function CosineEmbeddingCriterion:__init(margin)
  parent.__init(self)
  self.margin = Loss.number(NAME, "margin", margin, 0)
  self.gradInput = { tocha.Tensor(), tocha.Tensor() }
  self.sizeAverage = true
end

-- x1, x2 as (batch, n) and y as a tensor of batch labels of x1's type.
local function prepare(self, input, y)
  if type(input) ~= "table" or tocha.isTensor(input) or not tocha.isTensor(input[1]) or
      not tocha.isTensor(input[2]) then
    error(string.format("%s: input must be a table of two tensors, got %s", NAME, tocha.type(input)), 3)
  end
  local x1, x2 = input[1], input[2]
  if not x1:isSameSizeAs(x2) or (x1:dim() ~= 1 and x1:dim() ~= 2) then
    error(string.format("%s: input[1] (%s) and input[2] (%s) must be two vectors or two batches of one shape",
      NAME, utils.shape(x1), utils.shape(x2)), 3)
  end
  if x1:dim() == 1 then
    x1, x2 = x1:view(1, x1:nElement()), x2:view(1, x2:nElement())
  end
  local batch = x1:size(1)
  local t = utils.like(self, "_y", x1.new(batch))
  if type(y) == "number" then
    t:fill(y)
  elseif tocha.isTensor(y) and y:nElement() == batch then
    t:copy(y:contiguous():view(batch))
  else
    error(string.format("%s: y must be a number or a tensor of %d labels, got %s", NAME, batch,
      tocha.isTensor(y) and utils.shape(y) or tocha.type(y)), 3)
  end
  return x1, x2, t
end

-- Per row: the dot product w1, 1/|x1|^2 (w22), 1/|x2|^2 (w32), w = sqrt(w22 w32)
-- and the per-row losses.
local function forward(self, x1, x2, y)
  local w1 = x1:clone():cmul(x2):sum(2)
  local w22 = x1:clone():cmul(x1):sum(2):add(EPSILON):pow(-1)
  local w32 = x2:clone():cmul(x2):sum(2):add(EPSILON):pow(-1)
  local w = w22:clone():cmul(w32):sqrt()
  local losses = w1:clone():cmul(w):select(2, 1)
  local neg, pos = y:eq(-1), y:eq(1)
  if neg:sum() > 0 then losses[neg] = losses[neg]:add(-self.margin):cmax(0) end
  if pos:sum() > 0 then losses[pos] = losses[pos]:mul(-1):add(1) end
  return w1, w22, w32, w, losses
end

function CosineEmbeddingCriterion:updateOutput(input, y)
  local x1, x2, t = prepare(self, input, y)
  local _, _, _, _, losses = forward(self, x1, x2, t)
  self.output = losses:sum() / Loss.norm(self, t:size(1))
  return self.output
end

function CosineEmbeddingCriterion:updateGradInput(input, y)
  local x1, x2, t = prepare(self, input, y)
  local w1, w22, w32, w, losses = forward(self, x1, x2, t)
  local g1 = utils.like(self.gradInput, 1, x1):copy(x2)
  local g2 = utils.like(self.gradInput, 2, x1):copy(x1)
  g1:addcmul(-1, w1:clone():cmul(w22):expandAs(x1), x1):cmul(w:expandAs(x1))
  g2:addcmul(-1, w1:clone():cmul(w32):expandAs(x1), x2):cmul(w:expandAs(x1))
  local zero = losses:le(0):view(t:size(1), 1):expandAs(g1)
  g1[zero] = 0
  g2[zero] = 0
  local pos = t:eq(1):view(t:size(1), 1):expandAs(g1)
  if pos:sum() > 0 then
    g1[pos] = g1[pos]:mul(-1)
    g2[pos] = g2[pos]:mul(-1)
  end
  local norm = Loss.norm(self, t:size(1))
  g1:div(norm)
  g2:div(norm)
  self.gradInput[1] = g1:viewAs(input[1])
  self.gradInput[2] = g2:viewAs(input[2])
  return self.gradInput
end

return CosineEmbeddingCriterion
