--- nn.CMinTable(): the element-wise smallest of a table of tensors
-- (Torch7's).  Each element's gradient goes to the input that held the
-- smallest value (the first one on ties): CMaxTable with the other
-- comparison.
local tocha = require "tocha"
local CMaxTable = require "tocha.nn.CMaxTable"

local CMinTable = tocha.class("nn.CMinTable", "nn.CMaxTable")

function CMinTable:__init()
  CMaxTable.__init(self)
  self.better = "lt"
end

return CMinTable
