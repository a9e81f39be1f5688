--- nn.SoftSign(): y = x / (1 + |x|). (Torch7's nn.SoftSign).
local tocha = require "tocha"
local utils = require "tocha.utils"

local SoftSign = tocha.class("nn.SoftSign", "nn.Module")

function SoftSign:updateOutput(input)
  local out = utils.like(self, "output", input)
  local d = utils.like(self, "_denom", input):copy(input):abs():add(1)
  out:copy(input):cdiv(d)
  return self.output
end

function SoftSign:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input)
  local d = utils.like(self, "_denom", input):copy(input):abs():add(1)
  gi:copy(gradOutput):cdiv(d):cdiv(d)
  return self.gradInput
end

return SoftSign
