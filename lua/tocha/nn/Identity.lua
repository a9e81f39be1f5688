--- nn.Identity(): passes its input through (Torch7's nn.Identity); output
-- and gradInput are the given tensors (or tables) themselves.
local tocha = require "tocha"

local Identity = tocha.class("nn.Identity", "nn.Module")

function Identity:updateOutput(input)
  self.output = input
  return self.output
end

function Identity:updateGradInput(input, gradOutput) -- luacheck: no unused args
  self.gradInput = gradOutput
  return self.gradInput
end

function Identity:clearState()
  self.output = tocha.Tensor()
  self.gradInput = tocha.Tensor()
  return self
end

return Identity
