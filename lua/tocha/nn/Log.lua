--- nn.Log(): y = log(x). (Torch7's nn.Log).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Log = tocha.class("nn.Log", "nn.Module")

function Log:updateOutput(input)
  local out = utils.like(self, "output", input)
  out:copy(input):log()
  return self.output
end

function Log:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input)
  gi:copy(gradOutput):cdiv(input)
  return self.gradInput
end

return Log
