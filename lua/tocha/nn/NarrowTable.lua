--- nn.NarrowTable(offset [, length]): entries offset .. offset + length - 1
-- of the input table (length 1 by default; a negative length counts from
-- the end, -1 meaning up to the last entry), as Torch7's.
local tocha = require "tocha"
local utils = require "tocha.utils"

local NarrowTable, parent = tocha.class("nn.NarrowTable", "nn.Module")

function NarrowTable:__init(offset, length)
  parent.__init(self)
  self.offset = utils.checkinteger(offset, "nn.NarrowTable", "offset", 1)
  self.length = utils.checkinteger(length or 1, "nn.NarrowTable", "length")
  self.output, self.gradInput = {}, {}
end

local function range(self, input)
  if type(input) ~= "table" or tocha.isTensor(input) then
    error("nn.NarrowTable: input must be a table, got " .. tocha.type(input), 3)
  end
  local length = self.length < 0 and #input - self.offset + self.length + 2 or self.length
  local last = self.offset + length - 1
  if length < 1 or last > #input then
    error(string.format("nn.NarrowTable: entries %d to %d are out of range for a table of %d", self.offset, last,
      #input), 3)
  end
  return self.offset, last
end

function NarrowTable:updateOutput(input)
  local first, last = range(self, input)
  for i = first, last do self.output[i - first + 1] = input[i] end
  for i = last - first + 2, #self.output do self.output[i] = nil end
  return self.output
end

function NarrowTable:updateGradInput(input, gradOutput)
  local first, last = range(self, input)
  for i = 1, #input do
    if i >= first and i <= last then
      self.gradInput[i] = utils.copy_nested(self.gradInput[i], gradOutput[i - first + 1])
    else
      self.gradInput[i] = utils.zero_nested(self.gradInput[i], input[i])
    end
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

return NarrowTable
