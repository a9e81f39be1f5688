--- nn.Power(p): y = x^p, element-wise (Torch7's nn.Power).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Power, parent = tocha.class("nn.Power", "nn.Module")

function Power:__init(p)
  parent.__init(self)
  if type(p) ~= "number" then error("nn.Power: p must be a number, got " .. type(p), 2) end
  self.pow = p
end

function Power:updateOutput(input)
  utils.like(self, "output", input):copy(input):pow(self.pow)
  return self.output
end

function Power:updateGradInput(input, gradOutput)
  -- p x^(p-1)
  local gi = utils.like(self, "gradInput", input):copy(input):pow(self.pow - 1):mul(self.pow)
  gi:cmul(gradOutput)
  return gi
end

return Power
