--- nn.Square(): y = x^2. (Torch7's nn.Square).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Square = tocha.class("nn.Square", "nn.Module")

function Square:updateOutput(input)
  local out = utils.like(self, "output", input)
  out:copy(input):cmul(input)
  return self.output
end

function Square:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input)
  gi:copy(input):mul(2):cmul(gradOutput)
  return self.gradInput
end

return Square
