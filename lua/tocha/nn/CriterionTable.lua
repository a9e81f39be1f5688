-- nn.CriterionTable(criterion): a module whose input is the table {input,
-- target} of `criterion` (Torch7's module): output = criterion's loss,
-- gradInput = {criterion's gradInput} (no gradient for the target).
local tocha = require "tocha"

local CriterionTable, parent = tocha.class("nn.CriterionTable", "nn.Module")

function CriterionTable:__init(criterion)
  parent.__init(self)
  if not tocha.class.istype(criterion, "nn.Criterion") then
    error("nn.CriterionTable: criterion expected, got " .. tocha.type(criterion), 2)
  end
  self.criterion = criterion
  self.gradInput = { criterion.gradInput }
end

local function check(input)
  if type(input) ~= "table" or tocha.isTensor(input) or input[1] == nil or input[2] == nil then
    error("nn.CriterionTable: input must be a table {input, target}, got " .. tocha.type(input), 0)
  end
end

function CriterionTable:updateOutput(input)
  check(input)
  self.output = self.criterion:updateOutput(input[1], input[2])
  return self.output
end

function CriterionTable:updateGradInput(input, gradOutput) -- luacheck: no unused args
  check(input)
  self.gradInput[1] = self.criterion:updateGradInput(input[1], input[2])
  return self.gradInput
end

function CriterionTable:__tostring__()
  return "nn.CriterionTable(" .. tostring(self.criterion) .. ")"
end

return CriterionTable
