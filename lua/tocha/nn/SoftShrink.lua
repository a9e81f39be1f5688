--- nn.SoftShrink([lambda]): y = x - lambda where x > lambda, x + lambda where
-- x < -lambda, else 0 (lambda 0.5), as Torch7's nn.SoftShrink;
-- the gradient passes where |x| > lambda.
local tocha = require "tocha"
local utils = require "tocha.utils"

local SoftShrink, parent = tocha.class("nn.SoftShrink", "nn.Module")

function SoftShrink:__init(lambda)
  parent.__init(self)
  self.lambda = lambda or 0.5
  if type(self.lambda) ~= "number" or self.lambda < 0 then error("nn.SoftShrink: lambda must be a number >= 0", 2) end
end

local function inside(self, input)
  return utils.like(self, "_abs", input):copy(input):abs():le(self.lambda)
end

function SoftShrink:updateOutput(input)
  local out = utils.like(self, "output", input):copy(input)
  -- x - lambda sign(x) outside, 0 inside
  local sign = utils.like(self, "_sign", input):copy(input):sign()
  out:add(-self.lambda, sign)
  out:maskedFill(inside(self, input), 0)
  return out
end

function SoftShrink:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input):copy(gradOutput)
  gi:maskedFill(inside(self, input), 0)
  return gi
end

return SoftShrink
