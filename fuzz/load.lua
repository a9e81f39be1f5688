-- The Lua side of fuzz_load: tocha.deserialize (tocha.load without the
-- file) on the input, in each format; its first byte picks the format.  A
-- failure must be a clean tocha error: the harness aborts on an internal
-- Lua error ("attempt to ...") escaping tocha's readers.  What loads is
-- written back and read again.
local tocha = require "tocha"
require "tocha.nn"

local FORMATS = { false, "binary", "t7", "ascii", "b32", "b64" }

local function clean(ok, err)
  if ok then return end
  err = tostring(err)
  if err:find("attempt to ", 1, true) or not err:find("^tocha%.deserialize: ") then
    error("unclean error from tocha.deserialize: " .. err, 0)
  end
end

return function(input)
  if #input < 1 then return 0 end
  local fmt = FORMATS[input:byte(1) % #FORMATS + 1] or nil
  local s = input:sub(2)
  local ok, obj = pcall(tocha.deserialize, s, fmt)
  clean(ok, obj)
  if ok then
    local wok, bytes = pcall(tocha.serialize, obj)
    if wok then
      local rok, err = pcall(tocha.deserialize, bytes)
      if not rok then error("tocha.serialize wrote what tocha.deserialize rejects: " .. tostring(err), 0) end
    end
  end
  return 1
end
