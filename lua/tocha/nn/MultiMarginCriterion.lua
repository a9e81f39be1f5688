--- nn.MultiMarginCriterion([p [, weights [, margin]]]): the multi-class
-- hinge loss (Torch7's).  For an input row x of n scores and its class y:
--   sum over i ~= y of w[y] * max(0, margin - x[y] + x[i])^p / n
-- with p 1 (default) or 2, class weights w (default 1) and margin (1).
-- input: a vector with a number target, or a batch (batch, n) with a
-- tensor of batch class indices; with the field sizeAverage (true) the
-- loss is divided by the batch size.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local MultiMarginCriterion, parent = tocha.class("nn.MultiMarginCriterion", "nn.Criterion")
local NAME = "nn.MultiMarginCriterion"

function MultiMarginCriterion:__init(p, weights, margin)
  parent.__init(self)
  p = p == nil and 1 or utils.integer(p)
  if p ~= 1 and p ~= 2 then
    error(string.format("%s: p must be 1 or 2, got %s", NAME, tostring(p)), 2)
  end
  if weights ~= nil and not (tocha.isTensor(weights) and weights:dim() == 1) then
    error(string.format("%s: weights must be a vector (1D tensor), got %s", NAME, tocha.type(weights)), 2)
  end
  self.p = p
  self.weights = weights
  self.margin = Loss.number(NAME, "margin", margin, 1)
  self.sizeAverage = true
end

-- input as (batch, n) and the targets as a LongTensor (batch, 1), checked.
local function prepare(self, input, target)
  if not tocha.isTensor(input) or (input:dim() ~= 1 and input:dim() ~= 2) then
    error(string.format("%s: input must be a vector or a matrix (batch, n), got %s", NAME,
      tocha.isTensor(input) and string.format("a %dD tensor", input:dim()) or tocha.type(input)), 3)
  end
  local x = input:dim() == 1 and input:view(1, input:nElement()) or input
  local batch, n = x:size(1), x:size(2)
  local t = utils.like(self, "_target", tocha.LongTensor(batch, 1))
  if type(target) == "number" then
    local c = utils.integer(target)
    if batch ~= 1 or c == nil then
      error(string.format("%s: a number target needs a vector input and an integer, got %s", NAME,
        tostring(target)), 3)
    end
    t[1][1] = c
  elseif tocha.isTensor(target) and target:nElement() == batch then
    t:copy(target:contiguous():view(batch, 1))
  else
    error(string.format("%s: target must be a class index or a tensor of %d indices, got %s", NAME, batch,
      tocha.isTensor(target) and utils.shape(target) or tocha.type(target)), 3)
  end
  if batch > 0 and (t:min() < 1 or t:max() > n) then
    error(string.format("%s: target out of range 1..%d", NAME, n), 3)
  end
  if self.weights and self.weights:nElement() ~= n then
    error(string.format("%s: weights has %d entries for %d classes", NAME, self.weights:nElement(), n), 3)
  end
  return x, t
end

-- The margins max(0, margin - x[y] + x[i]) with 0 at i == y, and the
-- per-row weight w[y] (or nil).
local function margins(self, x, t)
  local z = utils.like(self, "_z", x):copy(x)
  z:add(-1, x:gather(2, t):expandAs(x)):add(self.margin)
  z:scatter(2, t, 0):cmax(0)
  local w = self.weights and self.weights:type(x:type()):index(1, t:view(t:nElement())):view(t:nElement(), 1)
  return z, w
end

function MultiMarginCriterion:updateOutput(input, target)
  local x, t = prepare(self, input, target)
  local z, w = margins(self, x, t)
  if self.p == 2 then z:cmul(z) end
  if w then z:cmul(w:expandAs(z)) end
  self.output = z:sum() / x:size(2) / Loss.norm(self, x:size(1))
  return self.output
end

function MultiMarginCriterion:updateGradInput(input, target)
  local x, t = prepare(self, input, target)
  local z, w = margins(self, x, t)
  local g = 1 / x:size(2) / Loss.norm(self, x:size(1))
  local gi = utils.like(self, "gradInput", x)
  if self.p == 1 then gi:gt(z, 0):mul(g) else gi:copy(z):mul(2 * g) end
  if w then gi:cmul(w:expandAs(gi)) end
  gi:scatter(2, t, gi:sum(2):mul(-1))
  self.gradInput = gi:viewAs(input)
  return self.gradInput
end

return MultiMarginCriterion
