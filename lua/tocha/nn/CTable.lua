--- Shared pieces of the element-wise table modules (CAddTable, CSubTable,
-- CMulTable, CDivTable, CMaxTable, CMinTable): the input check and the
-- gradInput table, whose tensors are reused from call to call.
local tocha = require "tocha"
local utils = require "tocha.utils"

local CTable = {}

--- Checks that input is a table of at least `min` tensors with one element
-- count (and at most `max` when given); `name` serves the message.
function CTable.check(name, input, min, max)
  if type(input) ~= "table" or tocha.isTensor(input) then
    error(string.format("%s: input must be a table of tensors, got %s", name, tocha.type(input)), 3)
  end
  local n = #input
  if n < min or (max and n > max) then
    local want = max == min and tostring(min) or max and string.format("%d to %d", min, max)
      or string.format("at least %d", min)
    error(string.format("%s: input must hold %s tensors, got %d", name, want, n), 3)
  end
  for i = 1, n do
    if not tocha.isTensor(input[i]) then
      error(string.format("%s: input[%d] must be a tensor, got %s", name, i, tocha.type(input[i])), 3)
    end
    if input[i]:nElement() ~= input[1]:nElement() then
      error(string.format("%s: input[%d] (%s) has another number of elements than input[1] (%s)", name, i,
        utils.shape(input[i]), utils.shape(input[1])), 3)
    end
  end
  return n
end

--- self.gradInput as a table of n tensors, entry i shaped like input[i]
-- (tensors reused when they exist); extra entries are dropped.
function CTable.grads(self, input, n)
  local gi = self.gradInput
  if type(gi) ~= "table" or tocha.isTensor(gi) then
    gi = {}
    self.gradInput = gi
  end
  for i = 1, n do
    if not tocha.isTensor(gi[i]) or tocha.type(gi[i]) ~= tocha.type(input[i]) then gi[i] = utils.new_like(input[i]) end
    gi[i]:resizeAs(input[i])
  end
  for i = n + 1, #gi do gi[i] = nil end
  return gi
end

return CTable
