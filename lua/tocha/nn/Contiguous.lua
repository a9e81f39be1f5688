-- nn.Contiguous(): the input itself when it is contiguous, else a
-- contiguous copy (Torch7's nn.Contiguous); likewise for gradOutput.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Contiguous = tocha.class("nn.Contiguous", "nn.Module")

function Contiguous:updateOutput(input)
  if input:isContiguous() then
    self.output = input
  else
    self.output = utils.like(self, "_output", input):copy(input)
  end
  return self.output
end

function Contiguous:updateGradInput(input, gradOutput) -- luacheck: no unused args
  if gradOutput:isContiguous() then
    self.gradInput = gradOutput
  else
    self.gradInput = utils.like(self, "_gradInput", gradOutput):copy(gradOutput)
  end
  return self.gradInput
end

return Contiguous
