--- nn.CSubTable(): input[1] - input[2], element-wise (Torch7's).
local tocha = require "tocha"
local CTable = require "tocha.nn.CTable"

local CSubTable, parent = tocha.class("nn.CSubTable", "nn.Module")

function CSubTable:__init()
  parent.__init(self)
  self.gradInput = {}
end

function CSubTable:updateOutput(input)
  CTable.check("nn.CSubTable", input, 2, 2)
  if tocha.type(self.output) ~= tocha.type(input[1]) then self.output = input[1].new() end
  self.output:resizeAs(input[1]):copy(input[1]):add(-1, input[2])
  return self.output
end

function CSubTable:updateGradInput(input, gradOutput)
  CTable.check("nn.CSubTable", input, 2, 2)
  local gi = CTable.grads(self, input, 2)
  gi[1]:copy(gradOutput)
  gi[2]:copy(gradOutput):mul(-1)
  return gi
end

return CSubTable
