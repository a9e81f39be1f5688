--- nn.LogSoftMax(): y = x - log(sum(exp(x))) over the last dimension of a vector or a batch (Torch7's nn.LogSoftMax).
local tocha = require "tocha"

local LogSoftMax = tocha.class("nn.LogSoftMax", "nn.Module")
local C = tocha._nn

function LogSoftMax:updateOutput(input)
  C.log_softmax_forward(self, self.output, input)
  return self.output
end

-- The derivative is computed from the forward output.
function LogSoftMax:updateGradInput(input, gradOutput) -- luacheck: no unused args
  C.log_softmax_backward(self, self.gradInput, gradOutput, self.output)
  return self.gradInput
end

return LogSoftMax
