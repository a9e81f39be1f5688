--- Tensor type names as Torch7 code writes them ("torch.FloatTensor") or as
-- tocha does ("tocha.FloatTensor"): one conversion for nn.Copy and nn.DontCast.
local tocha = require "tocha"

local TensorType = {}

--- The tocha tensor class named `name` (either spelling), or an error naming `where`.
function TensorType.class(where, name)
  local short = type(name) == "string" and (name:match("^torch%.(%a+Tensor)$") or name:match("^tocha%.(%a+Tensor)$"))
  local cls = short and rawget(tocha, short) or (short and tocha[short])
  if not cls then error(string.format("%s: unknown tensor type %s", where, tostring(name)), 3) end
  return cls
end

--- The tocha name ("tocha.FloatTensor") of either spelling.
function TensorType.name(where, name)
  local cls = TensorType.class(where, name)
  return tocha.type(cls())
end

--- The type name of the first tensor in a (nested) table, and whether one was found.
function TensorType.of(src)
  if tocha.isTensor(src) then return tocha.type(src), true end
  if type(src) == "table" then
    for _, v in pairs(src) do
      local name, found = TensorType.of(v)
      if found then return name, true end
    end
  end
  return tocha.type(src), false
end

--- dst (reused when it has the type) = src converted to type `name`,
-- for tensors and nested tables of them.
function TensorType.copy(dst, src, name)
  if tocha.isTensor(src) then
    if not tocha.isTensor(dst) or tocha.type(dst) ~= name then dst = TensorType.class("copy", name)() end
    dst:resize(src:size())
    if src:nElement() > 0 then dst:copy(src) end
    return dst
  end
  if type(src) == "table" then
    dst = (type(dst) == "table" and not tocha.isTensor(dst)) and dst or {}
    for k, v in pairs(src) do dst[k] = TensorType.copy(dst[k], v, name) end
    return dst
  end
  return src
end

return TensorType
