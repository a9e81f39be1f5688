--- nn.SelectTable(index): entry `index` of the input table (negative counts
-- from the end), as Torch7's.  The gradInput table has zeros shaped like
-- every other entry (nested tables too).
local tocha = require "tocha"
local utils = require "tocha.utils"

local SelectTable, parent = tocha.class("nn.SelectTable", "nn.Module")

function SelectTable:__init(index)
  parent.__init(self)
  self.index = utils.checkinteger(index, "nn.SelectTable", "index")
  if self.index == 0 then error("nn.SelectTable: index must not be 0", 2) end
  self.gradInput = {}
end

local function position(self, input)
  if type(input) ~= "table" or tocha.isTensor(input) then
    error("nn.SelectTable: input must be a table, got " .. tocha.type(input), 3)
  end
  local i = self.index < 0 and #input + self.index + 1 or self.index
  if i < 1 or i > #input then
    error(string.format("nn.SelectTable: index %d out of range for a table of %d entries", self.index, #input), 3)
  end
  return i
end

function SelectTable:updateOutput(input)
  self.output = input[position(self, input)]
  return self.output
end

function SelectTable:updateGradInput(input, gradOutput)
  local sel = position(self, input)
  for i = 1, #input do
    if i == sel then
      self.gradInput[i] = utils.copy_nested(self.gradInput[i], gradOutput)
    else
      self.gradInput[i] = utils.zero_nested(self.gradInput[i], input[i])
    end
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

function SelectTable:__tostring__()
  return string.format("nn.SelectTable(%d)", self.index)
end

return SelectTable
