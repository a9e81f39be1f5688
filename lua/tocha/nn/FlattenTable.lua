--- nn.FlattenTable(): a nested table of tensors becomes a flat list of the
-- same tensors, depth first (Torch7's); backward gives gradOutput's
-- tensors back in the input's nesting.
local tocha = require "tocha"
local TableUtil = require "tocha.nn.TableUtil"

local FlattenTable, parent = tocha.class("nn.FlattenTable", "nn.Module")
local NAME = "nn.FlattenTable"

function FlattenTable:__init()
  parent.__init(self)
  self.output = {}
  self.gradInput = {}
end

-- Appends the tensors of input to output; returns the map (an index, or
-- a table of maps).
local function flatten(output, input)
  if TableUtil.is_table(input) then
    local map = {}
    for i = 1, #input do map[i] = flatten(output, input[i]) end
    return map
  end
  if not tocha.isTensor(input) then
    error(string.format("%s: the input holds a %s; tensors or tables expected", NAME, tocha.type(input)), 4)
  end
  output[#output + 1] = input
  return #output
end

local function unflatten(flat, map)
  if type(map) == "number" then return flat[map] end
  local t = {}
  for i, m in ipairs(map) do t[i] = unflatten(flat, m) end
  return t
end

-- Does flat (with map) still hold exactly the tensors of input?
local function same(flat, input, map)
  if TableUtil.is_table(input) then
    if type(map) ~= "table" or #map ~= #input then return false end
    for i = 1, #input do
      if not same(flat, input[i], map[i]) then return false end
    end
    return true
  end
  return type(map) == "number" and flat[map] == input
end

-- As Torch7, the output table (and self.input_map) is rebuilt only when
-- the input's structure or tensors changed.
function FlattenTable:updateOutput(input)
  TableUtil.check(NAME, "input", input)
  if self.input_map == nil or not same(self.output, input, self.input_map) then
    self.output = {}
    self.input_map = flatten(self.output, input)
  end
  return self.output
end

function FlattenTable:updateGradInput(input, gradOutput)
  TableUtil.check(NAME, "input", input)
  TableUtil.check(NAME, "gradOutput", gradOutput)
  local map = flatten({}, input)
  self.gradInput = unflatten(gradOutput, map)
  return self.gradInput
end

function FlattenTable:clearState()
  self.input_map = nil
  self.output, self.gradInput = {}, {}
  return self
end

return FlattenTable
