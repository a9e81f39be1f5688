--- nn.CMulTable(): the element-wise product of a table of tensors
-- (Torch7's).  gradInput[i] = gradOutput times the product of the other
-- inputs (computed as a product, not by dividing the output, so zeros in
-- the input are fine).
local tocha = require "tocha"
local CTable = require "tocha.nn.CTable"

local CMulTable, parent = tocha.class("nn.CMulTable", "nn.Module")

function CMulTable:__init()
  parent.__init(self)
  self.gradInput = {}
end

function CMulTable:updateOutput(input)
  local n = CTable.check("nn.CMulTable", input, 1)
  if tocha.type(self.output) ~= tocha.type(input[1]) then self.output = input[1].new() end
  self.output:resizeAs(input[1]):copy(input[1])
  for i = 2, n do self.output:cmul(input[i]) end
  return self.output
end

function CMulTable:updateGradInput(input, gradOutput)
  local n = CTable.check("nn.CMulTable", input, 1)
  local gi = CTable.grads(self, input, n)
  for i = 1, n do
    gi[i]:copy(gradOutput)
    for j = 1, n do
      if j ~= i then gi[i]:cmul(input[j]) end
    end
  end
  return gi
end

return CMulTable
