--- nn.Abs(): y = |x|. (Torch7's nn.Abs).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Abs = tocha.class("nn.Abs", "nn.Module")

function Abs:updateOutput(input)
  local out = utils.like(self, "output", input)
  out:copy(input):abs()
  return self.output
end

function Abs:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input)
  gi:copy(input):sign():cmul(gradOutput)
  return self.gradInput
end

return Abs
