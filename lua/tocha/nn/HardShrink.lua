--- nn.HardShrink([lambda]): y = x where |x| > lambda, else 0 (lambda 0.5), as Torch7's nn.HardShrink;
-- the gradient passes where |x| > lambda.
local tocha = require "tocha"
local utils = require "tocha.utils"

local HardShrink, parent = tocha.class("nn.HardShrink", "nn.Module")

function HardShrink:__init(lambda)
  parent.__init(self)
  self.lambda = lambda or 0.5
  if type(self.lambda) ~= "number" or self.lambda < 0 then error("nn.HardShrink: lambda must be a number >= 0", 2) end
end

local function inside(self, input)
  return utils.like(self, "_abs", input):copy(input):abs():le(self.lambda)
end

function HardShrink:updateOutput(input)
  local out = utils.like(self, "output", input):copy(input)

  out:maskedFill(inside(self, input), 0)
  return out
end

function HardShrink:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input):copy(gradOutput)
  gi:maskedFill(inside(self, input), 0)
  return gi
end

return HardShrink
