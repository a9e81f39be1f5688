--- nn.L1HingeEmbeddingCriterion([margin]): for a pair {x1, x2} and a label
-- y (1 or -1), with d = ||x1 - x2||_1: d when y == 1, max(0, margin - d)
-- when y == -1 (margin 1; Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local L1HingeEmbeddingCriterion, parent = tocha.class("nn.L1HingeEmbeddingCriterion", "nn.Criterion")
local NAME = "nn.L1HingeEmbeddingCriterion"

function L1HingeEmbeddingCriterion:__init(margin)
  parent.__init(self)
  self.margin = Loss.number(NAME, "margin", margin, 1)
  self.gradInput = { tocha.Tensor(), tocha.Tensor() }
end

local function check(input, y)
  if type(input) ~= "table" or tocha.isTensor(input) or not tocha.isTensor(input[1]) or
      not tocha.isTensor(input[2]) then
    error(string.format("%s: input must be a table of two tensors, got %s", NAME, tocha.type(input)), 3)
  end
  Loss.pair(NAME, input[1], input[2])
  if y ~= 1 and y ~= -1 then
    error(string.format("%s: the label must be 1 or -1, got %s", NAME, tostring(y)), 3)
  end
end

function L1HingeEmbeddingCriterion:updateOutput(input, y)
  check(input, y)
  local d = utils.like(self, "_diff", input[1]):copy(input[1]):add(-1, input[2]):norm(1)
  self.output = y == 1 and d or math.max(0, self.margin - d)
  return self.output
end

function L1HingeEmbeddingCriterion:updateGradInput(input, y)
  check(input, y)
  local g1 = utils.like(self.gradInput, 1, input[1]):copy(input[1]):add(-1, input[2])
  local d = g1:norm(1)
  g1:sign()
  if y == -1 then
    if d > self.margin then g1:zero() else g1:mul(-1) end
  end
  utils.like(self.gradInput, 2, input[2]):copy(g1):mul(-1)
  return self.gradInput
end

return L1HingeEmbeddingCriterion
