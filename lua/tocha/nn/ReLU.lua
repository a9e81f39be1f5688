--- nn.ReLU([inplace]): y = max(0, x), elementwise (Torch7's nn.ReLU).
-- With inplace = true the input tensor is overwritten by the output and,
-- in backward, gradOutput by gradInput.
local tocha = require "tocha"

local ReLU, parent = tocha.class("nn.ReLU", "nn.Module")
local C = tocha._nn

function ReLU:__init(inplace)
  parent.__init(self)
  if inplace ~= nil and type(inplace) ~= "boolean" then
    error(string.format("nn.ReLU: inplace must be a boolean, got %s", type(inplace)), 2)
  end
  self.inplace = inplace or false
end

function ReLU:updateOutput(input)
  if self.inplace and tocha.isTensor(input) and input:type() == self.output:type() then
    self.output:set(input)
    C.relu_forward(self, self.output, self.output)
  else
    C.relu_forward(self, self.output, input)
  end
  return self.output
end

-- After an inplace forward the input holds max(0, x): its positive entries
-- are still the ones where x > 0.
function ReLU:updateGradInput(input, gradOutput)
  if self.inplace and tocha.isTensor(gradOutput) and gradOutput:type() == self.gradInput:type() then
    self.gradInput:set(gradOutput)
    C.relu_backward(self, self.gradInput, self.gradInput, input)
  else
    C.relu_backward(self, self.gradInput, gradOutput, input)
  end
  return self.gradInput
end

return ReLU
