--- nn.Collapse(nInputDim): views a sample of nInputDim dimensions as a
-- vector, or a batch of them as (batch, elements) (Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local Collapse, parent = tocha.class("nn.Collapse", "nn.Module")

function Collapse:__init(nInputDim)
  parent.__init(self)
  self.nInputDim = utils.checkinteger(nInputDim, "nn.Collapse", "nInputDim", 1)
end

function Collapse:updateOutput(input)
  Loss.tensor("nn.Collapse", "input", input, 3)
  local x = utils.contiguous(self, "_input", input)
  if input:dim() > self.nInputDim then
    self.output = x:view(x:size(1), x:nElement() // math.max(1, x:size(1)))
  else
    self.output = x:view(x:nElement())
  end
  return self.output
end

function Collapse:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  self.gradInput = gradOutput:contiguous():viewAs(input)
  return self.gradInput
end

return Collapse
