--- nn.Sigmoid(): y = 1 / (1 + exp(-x)) (Torch7's nn.Sigmoid).
local tocha = require "tocha"

local Sigmoid = tocha.class("nn.Sigmoid", "nn.Module")
local C = tocha._nn

function Sigmoid:updateOutput(input)
  C.sigmoid_forward(self, self.output, input)
  return self.output
end

-- The derivative is computed from the forward output.
function Sigmoid:updateGradInput(input, gradOutput) -- luacheck: no unused args
  C.sigmoid_backward(self, self.gradInput, gradOutput, self.output)
  return self.gradInput
end

return Sigmoid
