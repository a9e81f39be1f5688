--- nn.CAddTensorTable(): { v, {a, b, c} } becomes { v + a, v + b, v + c }
-- (Torch7's); in backward v's gradient is the sum of gradOutput's entries.
local tocha = require "tocha"
local utils = require "tocha.utils"
local TableUtil = require "tocha.nn.TableUtil"

local CAddTensorTable, parent = tocha.class("nn.CAddTensorTable", "nn.Module")
local NAME = "nn.CAddTensorTable"

function CAddTensorTable:__init()
  parent.__init(self)
  self.output = {}
  self.gradInput = {}
end

local function check(input)
  TableUtil.check(NAME, "input", input, 2)
  if not tocha.isTensor(input[1]) then
    error(string.format("%s: input[1] must be a tensor, got %s", NAME, tocha.type(input[1])), 3)
  end
  TableUtil.check(NAME, "input[2]", input[2])
end

function CAddTensorTable:updateOutput(input)
  check(input)
  for i, v in ipairs(input[2]) do
    self.output[i] = utils.like(self.output, i, v):copy(v):add(input[1])
  end
  TableUtil.truncate(self.output, #input[2])
  return self.output
end

function CAddTensorTable:updateGradInput(input, gradOutput)
  check(input)
  TableUtil.check(NAME, "gradOutput", gradOutput, #input[2])
  local g1 = utils.like(self, "_grad1", input[1]):zero()
  local many = {}
  for i = 1, #input[2] do
    g1:add(gradOutput[i])
    many[i] = gradOutput[i]
  end
  self.gradInput = { g1, many }
  return self.gradInput
end

return CAddTensorTable
