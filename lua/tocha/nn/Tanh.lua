--- nn.Tanh(): y = tanh(x) (Torch7's nn.Tanh).
local tocha = require "tocha"

local Tanh = tocha.class("nn.Tanh", "nn.Module")
local C = tocha._nn

function Tanh:updateOutput(input)
  C.tanh_forward(self, self.output, input)
  return self.output
end

-- The derivative is computed from the forward output.
function Tanh:updateGradInput(input, gradOutput) -- luacheck: no unused args
  C.tanh_backward(self, self.gradInput, gradOutput, self.output)
  return self.gradInput
end

return Tanh
