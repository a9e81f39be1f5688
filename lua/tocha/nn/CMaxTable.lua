--- nn.CMaxTable(): the element-wise largest of a table of tensors
-- (Torch7's).  Each element's gradient goes to the input that held the
-- largest value (the first one on ties); the others get 0 there.
local tocha = require "tocha"
local CTable = require "tocha.nn.CTable"

local CMaxTable, parent = tocha.class("nn.CMaxTable", "nn.Module")

function CMaxTable:__init()
  parent.__init(self)
  self.better = "gt" -- the comparison that picks a new winner (CMinTable: lt)
  self.gradInput = {}
  self.winner = tocha.LongTensor() -- which input holds each element's largest value
end

function CMaxTable:updateOutput(input)
  local n = CTable.check(self.__typename, input, 1)
  if tocha.type(self.output) ~= tocha.type(input[1]) then self.output = input[1].new() end
  self.output:resizeAs(input[1]):copy(input[1])
  self.winner:resize(input[1]:size()):fill(1)
  for i = 2, n do
    local better = input[i][self.better](input[i], self.output)
    self.output:maskedCopy(better, input[i][better])
    self.winner:maskedFill(better, i)
  end
  return self.output
end

function CMaxTable:updateGradInput(input, gradOutput)
  local n = CTable.check(self.__typename, input, 1)
  local gi = CTable.grads(self, input, n)
  for i = 1, n do
    gi[i]:zero()
    local mine = self.winner:eq(i)
    gi[i]:maskedCopy(mine, gradOutput[mine])
  end
  return gi
end

return CMaxTable
