--- nn.Index(dimension): {t, indices} -> t:index(dimension, indices)
-- (Torch7's); backward adds gradOutput back at the indexed places
-- (indexAdd; the indices get a zero gradient).
local tocha = require "tocha"
local utils = require "tocha.utils"
local TableUtil = require "tocha.nn.TableUtil"

local Index, parent = tocha.class("nn.Index", "nn.Module")
local NAME = "nn.Index"

function Index:__init(dimension)
  parent.__init(self)
  self.dimension = utils.checkinteger(dimension, NAME, "dimension", 1)
  self.gradInput = { tocha.Tensor(), tocha.LongTensor() }
end

local function check(input)
  TableUtil.check(NAME, "input", input, 2)
  if not tocha.isTensor(input[1]) or not tocha.isTensor(input[2]) then
    error(string.format("%s: input must be {tensor, indices}", NAME), 3)
  end
  return input[1], input[2]
end

function Index:updateOutput(input)
  local t, indices = check(input)
  local out = t:index(self.dimension, indices)
  utils.like(self, "output", out):copy(out)
  return self.output
end

function Index:updateGradInput(input, gradOutput)
  local t, indices = check(input)
  utils.like(self.gradInput, 1, t):zero():indexAdd(self.dimension, indices, gradOutput)
  utils.like(self.gradInput, 2, indices):zero()
  return self.gradInput
end

function Index:clearState()
  self.gradInput = { tocha.Tensor(), tocha.LongTensor() }
  return parent.clearState(self)
end

return Index
