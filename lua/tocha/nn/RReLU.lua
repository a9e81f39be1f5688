--- nn.RReLU([lower [, upper [, inplace]]]): the randomized leaky ReLU
-- (Torch7's).  In training, each negative input is multiplied by a slope
-- drawn uniformly in [lower, upper] (1/8, 1/3; kept in self.noise); in
-- evaluation the slope is (lower + upper) / 2.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local RReLU, parent = tocha.class("nn.RReLU", "nn.Module")
local NAME = "nn.RReLU"

function RReLU:__init(lower, upper, inplace)
  parent.__init(self)
  self.lower = Loss.number(NAME, "lower", lower, 1 / 8)
  self.upper = Loss.number(NAME, "upper", upper, 1 / 3)
  if not (self.lower >= 0 and self.lower <= self.upper) then
    error(string.format("%s: need 0 <= lower <= upper, got %g and %g", NAME, self.lower, self.upper), 2)
  end
  self.inplace = inplace == true
  self.noise = tocha.Tensor()
end

local function random_slopes(self)
  return self.train ~= false and self.upper - self.lower > 1e-6
end

function RReLU:updateOutput(input)
  Loss.tensor(NAME, "input", input, 3)
  local out = input
  if not self.inplace then out = utils.like(self, "output", input):copy(input) end
  local negative = input:le(0)
  if random_slopes(self) then
    local noise = utils.like(self, "noise", input):uniform(self.lower, self.upper)
    noise:maskedFill(negative:eq(0), 1)
    out:cmul(noise)
  else
    local scaled = input:clone():cmin(0):mul((self.lower + self.upper) / 2)
    out:cmax(0):add(scaled)
  end
  self.output = out
  return self.output
end

function RReLU:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local gi = gradOutput
  if not self.inplace then gi = utils.like(self, "gradInput", gradOutput):copy(gradOutput) end
  if random_slopes(self) then
    gi:cmul(self.noise)
  else
    local slope = (self.lower + self.upper) / 2
    local negative = input:le(0)
    local selected = gi[negative]
    if selected:nElement() > 0 then gi:maskedCopy(negative, selected:mul(slope)) end
  end
  self.gradInput = gi
  return self.gradInput
end

function RReLU:__tostring__()
  return string.format("%s (l:%f, u:%f)", self.__typename, self.lower, self.upper)
end

return RReLU
