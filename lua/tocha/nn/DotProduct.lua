--- nn.DotProduct(): the dot product of a pair {a, b} of vectors, or of each
-- row of two batches (Torch7's nn.DotProduct).
local tocha = require "tocha"
local utils = require "tocha.utils"

local DotProduct, parent = tocha.class("nn.DotProduct", "nn.Module")

function DotProduct:__init()
  parent.__init(self)
  self.gradInput = { tocha.Tensor(), tocha.Tensor() }
end

local function pair(input)
  if type(input) ~= "table" or tocha.isTensor(input) or #input ~= 2 or not tocha.isTensor(input[1])
    or not tocha.isTensor(input[2]) then
    error("nn.DotProduct: input must be a table {a, b} of two tensors", 3)
  end
  local a, b = input[1], input[2]
  if not a:isSameSizeAs(b) or a:dim() < 1 or a:dim() > 2 then
    error(string.format("nn.DotProduct: a and b must be vectors or batches of one size, got %s and %s",
      utils.shape(a), utils.shape(b)), 3)
  end
  return a, b
end

function DotProduct:updateOutput(input)
  local a, b = pair(input)
  local prod = a:clone():cmul(b)
  local s = a:dim() == 1 and prod:sum(1) or prod:sum(2):view(a:size(1))
  utils.like(self, "output", s):copy(s)
  return self.output
end

function DotProduct:updateGradInput(input, gradOutput)
  local a, b = pair(input)
  local g = a:dim() == 1 and gradOutput:view(1):expandAs(a) or gradOutput:view(a:size(1), 1):expandAs(a)
  utils.like(self.gradInput, 1, a):copy(b):cmul(g)
  utils.like(self.gradInput, 2, b):copy(a):cmul(g)
  return self.gradInput
end

return DotProduct
