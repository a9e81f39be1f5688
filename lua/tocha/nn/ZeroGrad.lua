--- nn.ZeroGrad(): the identity forward; the gradient is zero (Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"

local ZeroGrad = tocha.class("nn.ZeroGrad", "nn.Module")

function ZeroGrad:updateOutput(input)
  self.output = input
  return self.output
end

function ZeroGrad:updateGradInput(input)
  utils.like(self, "gradInput", input):zero()
  return self.gradInput
end

return ZeroGrad
