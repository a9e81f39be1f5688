--- nn.PairwiseDistance(p): {x1, x2} -> || x1 - x2 ||_p, for two vectors (a
-- one-element output) or two batches (batch, n) (one distance per row;
-- Torch7's).  As in Torch7 the gradient for p ~= 1 divides by
-- (distance + 1e-6)^(p - 1).
local tocha = require "tocha"
local utils = require "tocha.utils"
local TableUtil = require "tocha.nn.TableUtil"

local PairwiseDistance, parent = tocha.class("nn.PairwiseDistance", "nn.Module")
local NAME = "nn.PairwiseDistance"

function PairwiseDistance:__init(p)
  parent.__init(self)
  if type(p) ~= "number" or p ~= p or p <= 0 then
    error(string.format("%s: p must be a positive number, got %s", NAME, tostring(p)), 2)
  end
  self.norm = p
  self.gradInput = { tocha.Tensor(), tocha.Tensor() }
end

-- x1 - x2 as (batch, n), and whether the inputs were vectors.
local function difference(self, input)
  TableUtil.check(NAME, "input", input, 2)
  local a, b = input[1], input[2]
  if not tocha.isTensor(a) or not tocha.isTensor(b) or not a:isSameSizeAs(b) or a:dim() < 1 or a:dim() > 2 then
    error(string.format("%s: input must be two vectors or two matrices of one size", NAME), 3)
  end
  local vector = a:dim() == 1
  local d = utils.like(self, "diff", a):copy(a):add(-1, b)
  if vector then d = d:view(1, d:nElement()) end
  return d, vector
end

function PairwiseDistance:updateOutput(input)
  local d = difference(self, input)
  local y = d:clone():abs():pow(self.norm):sum(2):pow(1 / self.norm):select(2, 1)
  utils.like(self, "output", y):copy(y)
  return self.output
end

function PairwiseDistance:updateGradInput(input, gradOutput)
  local d, vector = difference(self, input)
  self:updateOutput(input)
  local p = self.norm
  local g = d:clone()
  if p == 1 then
    g:sign()
  else
    -- d/dx_k ||x||_p = x_k |x_k|^(p-2) / ||x||_p^(p-1)
    if p > 2 then g:cmul(d:clone():abs():pow(p - 2)) elseif p < 2 then g:cdiv(d:clone():abs():pow(2 - p)) end
    local scale = self.output:clone():add(1e-6):pow(-(p - 1)):view(d:size(1), 1)
    g:cmul(scale:expandAs(g))
  end
  g:cmul(gradOutput:contiguous():view(d:size(1), 1):expandAs(g))
  if vector then g = g:select(1, 1) end
  utils.like(self.gradInput, 1, input[1]):copy(g)
  utils.like(self.gradInput, 2, input[2]):copy(g):mul(-1)
  return self.gradInput
end

return PairwiseDistance
