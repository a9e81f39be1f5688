--- nn.LogSigmoid(): y = log(1 / (1 + exp(-x))) (Torch7's nn.LogSigmoid), computed as
-- min(x, 0) - log(1 + exp(-|x|)) so that large |x| neither overflows nor
-- loses digits.
local tocha = require "tocha"
local utils = require "tocha.utils"

local LogSigmoid = tocha.class("nn.LogSigmoid", "nn.Module")

function LogSigmoid:updateOutput(input)
  local out = utils.like(self, "output", input)
  -- log sigmoid(x) = min(x, 0) - log(1 + exp(-|x|))
  local e = utils.like(self, "_exp", input):copy(input):abs():mul(-1):exp()
  out:copy(input):clamp(-math.huge, 0):add(-1, e:add(1):log())
  return self.output
end

function LogSigmoid:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input)
  -- d/dx = sigmoid(-x) = 1 / (1 + exp(x))
  local s = utils.like(self, "_exp", input):copy(input):exp():add(1)
  gi:copy(gradOutput):cdiv(s)
  return self.gradInput
end

return LogSigmoid
