--- nn.SoftMax(): y = exp(x) / sum(exp(x)) over the last dimension of a vector or a batch (Torch7's nn.SoftMax).
local tocha = require "tocha"

local SoftMax = tocha.class("nn.SoftMax", "nn.Module")
local C = tocha._nn

function SoftMax:updateOutput(input)
  C.softmax_forward(self, self.output, input)
  return self.output
end

-- The derivative is computed from the forward output.
function SoftMax:updateGradInput(input, gradOutput) -- luacheck: no unused args
  C.softmax_backward(self, self.gradInput, gradOutput, self.output)
  return self.gradInput
end

return SoftMax
