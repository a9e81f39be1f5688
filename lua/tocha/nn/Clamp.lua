--- nn.Clamp(min_value, max_value): y = x clamped to [min_value, max_value]
-- (Torch7's nn.Clamp, a HardTanh with given bounds).
local tocha = require "tocha"
local HardTanh = require "tocha.nn.HardTanh"

local Clamp = tocha.class("nn.Clamp", "nn.HardTanh")

function Clamp:__init(min_value, max_value)
  if type(min_value) ~= "number" or type(max_value) ~= "number" then
    error("nn.Clamp: min_value and max_value must be numbers", 2)
  end
  HardTanh.__init(self, min_value, max_value)
end

return Clamp
