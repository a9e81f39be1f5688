--- nn.ZipTableOneToMany(): { v, {a, b, c} } becomes { {v, a}, {v, b}, {v, c} }
-- (Torch7's); in backward v's gradient is the sum of its copies'.
local tocha = require "tocha"
local utils = require "tocha.utils"
local TableUtil = require "tocha.nn.TableUtil"

local ZipTableOneToMany, parent = tocha.class("nn.ZipTableOneToMany", "nn.Module")
local NAME = "nn.ZipTableOneToMany"

function ZipTableOneToMany:__init()
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

function ZipTableOneToMany:updateOutput(input)
  check(input)
  self.output = {}
  for i, v in ipairs(input[2]) do self.output[i] = { input[1], v } end
  return self.output
end

function ZipTableOneToMany:updateGradInput(input, gradOutput)
  check(input)
  TableUtil.check(NAME, "gradOutput", gradOutput, #input[2])
  local g1 = utils.like(self, "_grad1", input[1]):zero()
  local many = {}
  for i = 1, #input[2] do
    g1:add(gradOutput[i][1])
    many[i] = gradOutput[i][2]
  end
  self.gradInput = { g1, many }
  return self.gradInput
end

return ZipTableOneToMany
