--- nn.L1Cost(): the criterion sum(|input|), ignoring the target; its
-- gradient is sign(input) (0 at 0; Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"

local L1Cost = tocha.class("nn.L1Cost", "nn.Criterion")

local function check(input)
  if not tocha.isTensor(input) then
    error(string.format("nn.L1Cost: input must be a tensor, got %s", tocha.type(input)), 3)
  end
end

function L1Cost:updateOutput(input)
  check(input)
  self.output = input:norm(1)
  return self.output
end

function L1Cost:updateGradInput(input)
  check(input)
  return utils.like(self, "gradInput", input):copy(input):sign()
end

return L1Cost
