--- nn.GradientReversal([lambda]): the identity forward; backward multiplies
-- the gradient by -lambda (default 1; setLambda changes it), as Torch7's.
local tocha = require "tocha"
local utils = require "tocha.utils"

local GradientReversal, parent = tocha.class("nn.GradientReversal", "nn.Module")

function GradientReversal:__init(lambda)
  parent.__init(self)
  self.lambda = lambda or 1
end

--- Sets the factor by which the gradient is multiplied (negated) on the way back.
function GradientReversal:setLambda(lambda)
  self.lambda = lambda
end

function GradientReversal:updateOutput(input)
  local out = utils.like(self, "output", input)
  out:copy(input)
  return self.output
end

function GradientReversal:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input)
  gi:copy(gradOutput):mul(-self.lambda)
  return self.gradInput
end

return GradientReversal
