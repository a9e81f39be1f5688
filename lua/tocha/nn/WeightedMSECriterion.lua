--- nn.WeightedMSECriterion(w): MSECriterion between input and target .* w,
-- as Torch7 computes it (the weight scales the target, not the squared
-- error); w has the target's shape or, for a batch, one row's shape.
local tocha = require "tocha"
local utils = require "tocha.utils"

local WeightedMSECriterion, parent = tocha.class("nn.WeightedMSECriterion", "nn.MSECriterion")
local NAME = "nn.WeightedMSECriterion"

function WeightedMSECriterion:__init(w, sizeAverage)
  if not tocha.isTensor(w) then
    error(string.format("%s: w must be a tensor, got %s", NAME, tocha.type(w)), 2)
  end
  parent.__init(self, sizeAverage)
  self.weight = w:clone()
  self.buffer = tocha.Tensor()
end

-- target .* weight (weight repeated over the rows of a batch).
local function weighted(self, input, target)
  if not tocha.isTensor(input) or not tocha.isTensor(target) or target:nElement() ~= input:nElement() then
    error(string.format("%s: input and target must be tensors of one number of elements", NAME), 3)
  end
  local buf = utils.like(self, "buffer", input):copy(target)
  local w = self.weight
  if input:dim() - 1 == w:dim() and input:dim() > 1 then
    if input:nElement() ~= input:size(1) * w:nElement() then
      error(string.format("%s: weight (%s) does not fit a row of input (%s)", NAME, utils.shape(w),
        utils.shape(input)), 3)
    end
    local rows = buf:view(input:size(1), w:nElement())
    rows:cmul(w:type(input:type()):contiguous():view(1, w:nElement()):expandAs(rows))
  else
    if w:nElement() ~= input:nElement() then
      error(string.format("%s: weight (%s) does not fit input (%s)", NAME, utils.shape(w), utils.shape(input)), 3)
    end
    buf:cmul(w:type(input:type()):contiguous():viewAs(buf))
  end
  return buf
end

function WeightedMSECriterion:updateOutput(input, target)
  return parent.updateOutput(self, input, weighted(self, input, target))
end

function WeightedMSECriterion:updateGradInput(input, target)
  return parent.updateGradInput(self, input, weighted(self, input, target))
end

return WeightedMSECriterion
