-- nn.TanhShrink(): y = x - tanh(x), element-wise (Torch7's module); its
-- derivative is tanh(x)^2.
local tocha = require "tocha"
local utils = require "tocha.utils"

local TanhShrink, parent = tocha.class("nn.TanhShrink", "nn.Module")

function TanhShrink:__init()
  parent.__init(self)
  self.tanh = tocha.nn.Tanh()
end

function TanhShrink:updateOutput(input)
  utils.check_tensor(self, input, "input")
  local th = self.tanh:updateOutput(input)
  utils.like(self, "output", input):copy(input):add(-1, th)
  return self.output
end

function TanhShrink:updateGradInput(input, gradOutput)
  utils.check_tensor(self, gradOutput, "gradOutput")
  local dth = self.tanh:updateGradInput(input, gradOutput)
  utils.like(self, "gradInput", input):copy(gradOutput):add(-1, dth)
  return self.gradInput
end

function TanhShrink:clearState()
  self.tanh:clearState()
  return parent.clearState(self)
end

return TanhShrink
