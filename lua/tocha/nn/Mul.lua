--- nn.Mul(): y = w x with one learnable scalar w (Torch7's nn.Mul).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Mul, parent = tocha.class("nn.Mul", "nn.Module")

function Mul:__init()
  parent.__init(self)
  self.weight = tocha.Tensor(1)
  self.gradWeight = tocha.Tensor(1):zero()
  self:reset()
end

function Mul:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(1))
  self.weight:uniform(-stdv, stdv)
  return self
end

function Mul:updateOutput(input)
  utils.like(self, "output", input):copy(input):mul(self.weight[1])
  return self.output
end

function Mul:updateGradInput(input, gradOutput)
  utils.like(self, "gradInput", input):copy(gradOutput):mul(self.weight[1])
  return self.gradInput
end

function Mul:accGradParameters(input, gradOutput, scale)
  self.gradWeight[1] = self.gradWeight[1] + (scale or 1) * input:dot(gradOutput)
end

return Mul
