--- nn.CDivTable(): input[1] / input[2], element-wise (Torch7's).
local tocha = require "tocha"
local CTable = require "tocha.nn.CTable"

local CDivTable, parent = tocha.class("nn.CDivTable", "nn.Module")

function CDivTable:__init()
  parent.__init(self)
  self.gradInput = {}
end

function CDivTable:updateOutput(input)
  CTable.check("nn.CDivTable", input, 2, 2)
  if tocha.type(self.output) ~= tocha.type(input[1]) then self.output = input[1].new() end
  self.output:resizeAs(input[1]):copy(input[1]):cdiv(input[2])
  return self.output
end

function CDivTable:updateGradInput(input, gradOutput)
  CTable.check("nn.CDivTable", input, 2, 2)
  local gi = CTable.grads(self, input, 2)
  -- d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -(a/b)/b
  gi[1]:copy(gradOutput):cdiv(input[2])
  gi[2]:copy(input[1]):cdiv(input[2]):cdiv(input[2]):cmul(gradOutput):mul(-1)
  return gi
end

return CDivTable
