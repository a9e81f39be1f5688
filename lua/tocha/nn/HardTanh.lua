--- nn.HardTanh([min_value [, max_value [, inplace]]]): y = x clamped to
-- [min_value, max_value] (default [-1, 1]), as Torch7's nn.HardTanh; the
-- gradient passes where min_value < x < max_value.
local tocha = require "tocha"
local utils = require "tocha.utils"

local HardTanh, parent = tocha.class("nn.HardTanh", "nn.Module")

function HardTanh:__init(min_value, max_value, inplace)
  parent.__init(self)
  self.min_val = min_value or -1
  self.max_val = max_value or 1
  self.inplace = inplace == true
  if type(self.min_val) ~= "number" or type(self.max_val) ~= "number" or self.max_val <= self.min_val then
    error(string.format("nn.%s: max_value (%s) must be greater than min_value (%s)", self.__typename:sub(4),
      tostring(self.max_val), tostring(self.min_val)), 2)
  end
end

function HardTanh:updateOutput(input)
  if self.inplace then
    self.output = input
  else
    utils.like(self, "output", input):copy(input)
  end
  self.output:clamp(self.min_val, self.max_val)
  return self.output
end

function HardTanh:updateGradInput(input, gradOutput)
  -- after an inplace forward, input holds the clamped values: the inner
  -- ones are still strictly inside
  local gi = utils.like(self, "gradInput", input):copy(gradOutput)
  gi:maskedFill(input:le(self.min_val), 0)
  gi:maskedFill(input:ge(self.max_val), 0)
  return gi
end

function HardTanh:__tostring__()
  return string.format("%s(%g, %g)", self.__typename, self.min_val, self.max_val)
end

return HardTanh
