--- nn.CosineDistance(): {x1, x2} -> the cosine of x1 and x2, for two
-- vectors (a one-element output) or two batches (one per row; Torch7's).
-- Squared norms get 1e-12 added, as in Torch7.
local tocha = require "tocha"
local utils = require "tocha.utils"
local TableUtil = require "tocha.nn.TableUtil"

local CosineDistance, parent = tocha.class("nn.CosineDistance", "nn.Module")
local NAME = "nn.CosineDistance"
local EPSILON = 1e-12

function CosineDistance:__init()
  parent.__init(self)
  self.gradInput = { tocha.Tensor(), tocha.Tensor() }
end

local function rows(input)
  TableUtil.check(NAME, "input", input, 2)
  local a, b = input[1], input[2]
  if not tocha.isTensor(a) or not tocha.isTensor(b) or not a:isSameSizeAs(b) or a:dim() < 1 or a:dim() > 2 then
    error(string.format("%s: input must be two vectors or two matrices of one size", NAME), 3)
  end
  if a:dim() == 1 then return a:view(1, a:nElement()), b:view(1, b:nElement()) end
  return a, b
end

-- Per row: the dot product, 1/|x1|^2, 1/|x2|^2 and 1/(|x1| |x2|).
local function terms(a, b)
  local w1 = a:clone():cmul(b):sum(2)
  local w22 = a:clone():cmul(a):sum(2):add(EPSILON):pow(-1)
  local w32 = b:clone():cmul(b):sum(2):add(EPSILON):pow(-1)
  return w1, w22, w32, w22:clone():cmul(w32):sqrt()
end

function CosineDistance:updateOutput(input)
  local a, b = rows(input)
  local w1, _, _, w = terms(a, b)
  local y = w1:cmul(w):select(2, 1)
  utils.like(self, "output", y):copy(y)
  return self.output
end

function CosineDistance:updateGradInput(input, gradOutput)
  local a, b = rows(input)
  local w1, w22, w32, w = terms(a, b)
  local go = gradOutput:contiguous():view(a:size(1), 1):expandAs(a)
  -- d cos / d x1 = (x2 - cos |x2| / |x1| x1) / (|x1| |x2|)
  local g1 = b:clone():addcmul(-1, w1:clone():cmul(w22):expandAs(a), a):cmul(w:expandAs(a)):cmul(go)
  local g2 = a:clone():addcmul(-1, w1:clone():cmul(w32):expandAs(a), b):cmul(w:expandAs(a)):cmul(go)
  utils.like(self.gradInput, 1, input[1]):copy(g1:viewAs(input[1]))
  utils.like(self.gradInput, 2, input[2]):copy(g2:viewAs(input[2]))
  return self.gradInput
end

return CosineDistance
