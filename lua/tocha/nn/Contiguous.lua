--- nn.Contiguous(): self.output views the input when it is contiguous,
-- else holds a contiguous copy (Torch7's nn.Contiguous: output and
-- gradInput stay the module's own tensor objects); likewise for
-- gradOutput.  A copy never writes into a storage the module last viewed.
local tocha = require "tocha"

local Contiguous = tocha.class("nn.Contiguous", "nn.Module")

-- obj[field] = t (a view) or a contiguous copy of t; `flag` records a view.
local function contiguous_into(obj, field, flag, t)
  local dst = obj[field]
  if not tocha.isTensor(dst) or tocha.type(dst) ~= tocha.type(t) then
    dst = t.new()
    obj[field] = dst
    obj[flag] = false
  end
  if t:isContiguous() then
    dst:set(t)
    obj[flag] = true
  else
    if obj[flag] then dst:set() end -- let go of the viewed storage before copying
    dst:resizeAs(t):copy(t)
    obj[flag] = false
  end
  return dst
end

function Contiguous:updateOutput(input)
  return contiguous_into(self, "output", "_outputIsView", input)
end

function Contiguous:updateGradInput(input, gradOutput) -- luacheck: no unused args
  return contiguous_into(self, "gradInput", "_gradInputIsView", gradOutput)
end

return Contiguous
