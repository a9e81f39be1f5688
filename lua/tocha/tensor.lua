--- Tensor methods written in Lua on top of the C ones.
local tocha = require "tocha.core"
local utils = require "tocha.utils"

local methods = tocha._methods

local function sizes_of(first, ...)
  if type(first) == "table" then return first end
  return { first, ... }
end

--- x:repeatTensor(r1, r2, ...) (or a size list): x tiled r_i times along
-- dimension i, with leading dimensions added when there are more repeats
-- than dimensions (Torch7's repeatTensor).  Always a new tensor.
function methods.repeatTensor(x, ...)
  if not tocha.isTensor(x) then
    error(string.format("bad argument #1 to 'repeatTensor' (tensor expected, got %s)", tocha.type(x)), 2)
  end
  local reps = sizes_of(...)
  local n, m = x:dim(), #reps
  if m < n or m == 0 then
    error(string.format("bad argument #1 to 'repeatTensor' (expected at least %d repeat counts, got %d)", n, m), 2)
  end
  local viewed, expanded, result = {}, {}, {}
  for d = 1, m do
    local r = utils.integer(reps[d])
    if r == nil or r < 1 then
      error(string.format("bad argument #%d to 'repeatTensor' (repeat count must be a positive integer, got %s)",
        d, tostring(reps[d])), 2)
    end
    local s = d > m - n and x:size(d - (m - n)) or 1
    viewed[#viewed + 1], viewed[#viewed + 2] = 1, s
    expanded[#expanded + 1], expanded[#expanded + 2] = r, s
    result[d] = r * s
  end
  return x:contiguous():view(tocha.LongStorage(viewed)):expand(tocha.LongStorage(expanded))
    :contiguous():view(tocha.LongStorage(result))
end

return methods
