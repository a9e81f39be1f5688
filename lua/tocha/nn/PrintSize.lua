-- nn.PrintSize([prefix]): passes its input through unchanged and prints
-- its size in forward and the gradient's size in backward (Torch7's
-- module; tables print each entry's size).
local tocha = require "tocha"
local utils = require "tocha.utils"

local PrintSize, parent = tocha.class("nn.PrintSize", "nn.Module")

function PrintSize:__init(prefix)
  parent.__init(self)
  self.prefix = prefix or "PrintSize"
end

local function describe(x)
  if tocha.isTensor(x) then return utils.shape(x) end
  if type(x) == "table" then
    local parts = {}
    for i, v in ipairs(x) do parts[i] = describe(v) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return tocha.type(x)
end

function PrintSize:updateOutput(input)
  self.output = input
  print(self.prefix .. ":input\n" .. describe(input))
  return self.output
end

function PrintSize:updateGradInput(input, gradOutput) -- luacheck: no unused args
  print(self.prefix .. ":gradOutput\n" .. describe(gradOutput))
  self.gradInput = gradOutput
  return self.gradInput
end

return PrintSize
