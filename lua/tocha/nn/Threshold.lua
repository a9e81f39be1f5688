--- nn.Threshold([th [, v [, inplace]]]): y = x where x > th, else v
-- (defaults 1e-6 and 0), as Torch7's nn.Threshold; the gradient passes
-- where x > th.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Threshold, parent = tocha.class("nn.Threshold", "nn.Module")

function Threshold:__init(th, v, ip)
  parent.__init(self)
  self.threshold = th or 1e-6
  self.val = v or 0
  self.inplace = ip == true
  if type(self.threshold) ~= "number" or type(self.val) ~= "number" then
    error("nn.Threshold: th and v must be numbers", 2)
  end
  if self.inplace and self.val > self.threshold then
    error(string.format("nn.Threshold: in-place needs v (%g) <= th (%g)", self.val, self.threshold), 2)
  end
end

function Threshold:updateOutput(input)
  local below = input:le(self.threshold)
  if self.inplace then
    self.output = input
  else
    utils.like(self, "output", input):copy(input)
  end
  self.output:maskedFill(below, self.val)
  return self.output
end

function Threshold:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input):copy(gradOutput)
  gi:maskedFill(input:le(self.threshold), 0)
  return gi
end

return Threshold
