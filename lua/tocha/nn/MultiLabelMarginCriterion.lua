--- nn.MultiLabelMarginCriterion(): the multi-label hinge loss (Torch7's).
-- For an input row x of n scores and its target row y (class indices,
-- ended by the first 0 or the row's end):
--   sum over targets j and non-target classes i of max(0, 1 - (x[y[j]] - x[i])) / n
-- input: a vector, or a batch (batch, n); target: the same shape.  With the
-- field sizeAverage (true) the loss is divided by the batch size.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local MultiLabelMarginCriterion, parent = tocha.class("nn.MultiLabelMarginCriterion", "nn.Criterion")
local NAME = "nn.MultiLabelMarginCriterion"

function MultiLabelMarginCriterion:__init()
  parent.__init(self)
  self.sizeAverage = true
end

-- The rows of input and, per row, its target classes and a set of them.
local function prepare(input, target)
  if not tocha.isTensor(input) or (input:dim() ~= 1 and input:dim() ~= 2) then
    error(string.format("%s: input must be a vector or a matrix (batch, n), got %s", NAME,
      tocha.isTensor(input) and string.format("a %dD tensor", input:dim()) or tocha.type(input)), 3)
  end
  if not tocha.isTensor(target) or target:nElement() ~= input:nElement() then
    error(string.format("%s: target must be a tensor shaped like input (%s), got %s", NAME, utils.shape(input),
      tocha.isTensor(target) and utils.shape(target) or tocha.type(target)), 3)
  end
  local x = input:dim() == 1 and input:view(1, input:nElement()) or input
  local n = x:size(2)
  local rows = x:totable()
  local trows = target:contiguous():view(x:size(1), n):totable()
  local labels = {}
  for r, trow in ipairs(trows) do
    local list, set = {}, {}
    for _, c in ipairs(trow) do
      local k = utils.integer(c)
      if k == 0 then break end
      if k == nil or k < 1 or k > n then
        error(string.format("%s: target %s out of range 1..%d", NAME, tostring(k or c), n), 3)
      end
      list[#list + 1] = k
      set[k] = true
    end
    labels[r] = { list = list, set = set }
  end
  return x, rows, labels
end

function MultiLabelMarginCriterion:updateOutput(input, target)
  local x, rows, labels = prepare(input, target)
  local n, sum = x:size(2), 0
  for r, row in ipairs(rows) do
    local lab = labels[r]
    for _, j in ipairs(lab.list) do
      for i = 1, n do
        if not lab.set[i] then
          local z = 1 - row[j] + row[i]
          if z > 0 then sum = sum + z end
        end
      end
    end
  end
  self.output = sum / n / Loss.norm(self, x:size(1))
  return self.output
end

function MultiLabelMarginCriterion:updateGradInput(input, target)
  local x, rows, labels = prepare(input, target)
  local n = x:size(2)
  local g = 1 / n / Loss.norm(self, x:size(1))
  local grads = {}
  for r, row in ipairs(rows) do
    local lab, grow = labels[r], {}
    for i = 1, n do grow[i] = 0 end
    for _, j in ipairs(lab.list) do
      for i = 1, n do
        if not lab.set[i] and 1 - row[j] + row[i] > 0 then
          grow[j] = grow[j] - g
          grow[i] = grow[i] + g
        end
      end
    end
    grads[r] = grow
  end
  local gi = utils.like(self, "gradInput", input)
  if #grads > 0 then gi:copy(tocha.DoubleTensor(grads):viewAs(gi)) end
  return gi
end

return MultiLabelMarginCriterion
