--- nn.Transpose({d1, d2}, {d3, d4}, ...): the input with each pair of
-- dimensions swapped in turn (Torch7's nn.Transpose); the output is a
-- view.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Transpose, parent = tocha.class("nn.Transpose", "nn.Module")

function Transpose:__init(...)
  parent.__init(self)
  self.permutations = { ... }
  for i, p in ipairs(self.permutations) do
    if type(p) ~= "table" or #p ~= 2 then
      error(string.format("nn.Transpose: argument %d must be a pair {d1, d2}", i), 2)
    end
    p[1] = utils.checkinteger(p[1], "nn.Transpose", "a dimension", 1)
    p[2] = utils.checkinteger(p[2], "nn.Transpose", "a dimension", 1)
  end
end

function Transpose:updateOutput(input)
  local out = input
  for _, p in ipairs(self.permutations) do out = out:transpose(p[1], p[2]) end
  self.output = out
  return out
end

function Transpose:updateGradInput(input, gradOutput) -- luacheck: no unused args
  local g = gradOutput
  for i = #self.permutations, 1, -1 do
    local p = self.permutations[i]
    g = g:transpose(p[1], p[2])
  end
  self.gradInput = g
  return g
end

return Transpose
