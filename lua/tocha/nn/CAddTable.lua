--- nn.CAddTable([inplace]): the element-wise sum of a table of tensors
-- (Torch7's).  The output has input[1]'s shape; with inplace the sum is
-- written into input[1] and every gradInput entry is gradOutput itself.
local tocha = require "tocha"
local CTable = require "tocha.nn.CTable"

local CAddTable, parent = tocha.class("nn.CAddTable", "nn.Module")

function CAddTable:__init(inplace)
  parent.__init(self)
  self.inplace = inplace == true
  self.gradInput = {}
end

function CAddTable:updateOutput(input)
  local n = CTable.check("nn.CAddTable", input, 1)
  if self.inplace then
    self.output = input[1]
  else
    if tocha.type(self.output) ~= tocha.type(input[1]) then self.output = input[1].new() end
    self.output:resizeAs(input[1]):copy(input[1])
  end
  for i = 2, n do self.output:add(input[i]) end
  return self.output
end

function CAddTable:updateGradInput(input, gradOutput)
  local n = CTable.check("nn.CAddTable", input, 1)
  if self.inplace then
    self.gradInput = self.gradInput or {}
    for i = 1, n do self.gradInput[i] = gradOutput end
    for i = n + 1, #self.gradInput do self.gradInput[i] = nil end
    return self.gradInput
  end
  local gi = CTable.grads(self, input, n)
  for i = 1, n do gi[i]:copy(gradOutput) end
  return gi
end

return CAddTable
