--- nn.ClassSimplexCriterion(nClasses): MSECriterion between the input and
-- the embedding of the target class, a vertex of a regular simplex
-- (nClasses vertices of norm 1 centred at the origin, padded with a zero
-- column to nClasses dimensions; Torch7's).  target: a class index, or a
-- vector of them for a batch input (batch, nClasses).
local tocha = require "tocha"
local utils = require "tocha.utils"

local ClassSimplexCriterion, parent = tocha.class("nn.ClassSimplexCriterion", "nn.MSECriterion")
local NAME = "nn.ClassSimplexCriterion"

-- The n + 1 vertices (rows) of a regular simplex in R^n, of norm 1.
local function regsplex(n)
  local a = tocha.DoubleTensor(n + 1, n):zero()
  for k = 1, n do
    if k == 1 then
      a[k][k] = 1
    else
      a[k][k] = math.sqrt(1 - a[{ { k }, { 1, k - 1 } }]:norm() ^ 2)
    end
    local c = (a[k][k] ^ 2 - 1 - 1 / n) / a[k][k]
    a[{ { k + 1, n + 1 }, { k } }]:fill(c)
  end
  return a
end

function ClassSimplexCriterion:__init(nClasses)
  parent.__init(self)
  nClasses = utils.checkinteger(nClasses, NAME, "nClasses", 2)
  self.nClasses = nClasses
  local simplex = regsplex(nClasses - 1)
  self.simplex = tocha.Tensor(nClasses, nClasses):zero()
  self.simplex:narrow(2, 1, nClasses - 1):copy(simplex)
  self._target = tocha.Tensor(nClasses)
end

local function class_index(self, c)
  local k = utils.integer(c)
  if k == nil or k < 1 or k > self.nClasses then
    error(string.format("%s: target %s out of range 1..%d", NAME, tostring(c), self.nClasses), 4)
  end
  return k
end

local function transform(self, input, target)
  if type(target) == "number" then
    self._target:resize(self.nClasses):copy(self.simplex[class_index(self, target)])
  elseif tocha.isTensor(target) and target:dim() == 1 then
    local n = target:size(1)
    self._target:resize(n, self.nClasses)
    for i = 1, n do self._target[i]:copy(self.simplex[class_index(self, target[i])]) end
  else
    error(string.format("%s: target must be a class index or a vector of them, got %s", NAME,
      tocha.type(target)), 3)
  end
  if not tocha.isTensor(input) or input:nElement() ~= self._target:nElement() then
    error(string.format("%s: input must have %d elements", NAME, self._target:nElement()), 3)
  end
  return self._target:type(input:type()):viewAs(input)
end

function ClassSimplexCriterion:updateOutput(input, target)
  return parent.updateOutput(self, input, transform(self, input, target))
end

function ClassSimplexCriterion:updateGradInput(input, target)
  return parent.updateGradInput(self, input, transform(self, input, target))
end

--- The scores input * simplex^T (a row per sample).
function ClassSimplexCriterion:getPredictions(input)
  if input:dim() == 1 then input = input:view(1, input:nElement()) end
  return tocha.mm(input, self.simplex:type(input:type()):t())
end

--- The best class of each sample (a LongTensor).
function ClassSimplexCriterion:getTopPrediction(input)
  local prod = self:getPredictions(input)
  local _, maxs = prod:max(prod:dim())
  return maxs:view(maxs:nElement())
end

return ClassSimplexCriterion
