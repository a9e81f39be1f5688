--- Shared checks of the table modules (ParallelTable, MapTable, ZipTable,
-- FlattenTable, ...): one rule, one place.
local tocha = require "tocha"

local TableUtil = {}

--- Is t a plain Lua table (not a tensor)?
function TableUtil.is_table(t)
  return type(t) == "table" and not tocha.isTensor(t)
end

--- Errors unless t is a table (of at least `min` entries when given).
function TableUtil.check(name, what, t, min)
  if not TableUtil.is_table(t) then
    error(string.format("%s: %s must be a table, got %s", name, what, tocha.type(t)), 3)
  end
  if min and #t < min then
    error(string.format("%s: %s must hold at least %d entries, got %d", name, what, min, #t), 3)
  end
  return t
end

--- Drops the entries of list after n.
function TableUtil.truncate(list, n)
  for i = #list, n + 1, -1 do list[i] = nil end
  return list
end

return TableUtil
