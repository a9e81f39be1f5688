--- nn.Exp(): y = exp(x). (Torch7's nn.Exp).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Exp = tocha.class("nn.Exp", "nn.Module")

function Exp:updateOutput(input)
  local out = utils.like(self, "output", input)
  out:copy(input):exp()
  return self.output
end

function Exp:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input)
  gi:copy(self.output):cmul(gradOutput)
  return self.gradInput
end

return Exp
