--- nn.SpatialAdaptiveAveragePooling(W, H): average pooling of a
-- (planes, h, w) or (batch, planes, h, w) input onto a fixed H x W output,
-- over nn.SpatialAdaptiveMaxPooling's windows (Torch7's).
local tocha = require "tocha"
require "tocha.nn.SpatialAdaptiveMaxPooling"

local SpatialAdaptiveAveragePooling, parent = tocha.class("nn.SpatialAdaptiveAveragePooling",
  "nn.SpatialAdaptiveMaxPooling")

function SpatialAdaptiveAveragePooling:__init(W, H)
  parent.__init(self, W, H)
  self.indices = nil
end

function SpatialAdaptiveAveragePooling:updateOutput(input)
  local x = self:_batch(input)
  local N, C = x:size(1), x:size(2)
  local out = input.new(N, C, self.H, self.W)
  self:_windows(x, function(i, j, window)
    local count = window:size(3) * window:size(4)
    out:select(3, i):select(3, j):copy(window:contiguous():view(N, C, count):sum(3):div(count):view(N, C))
  end)
  self.output = out:view(self:_output_size(input))
  return self.output
end

function SpatialAdaptiveAveragePooling:updateGradInput(input, gradOutput)
  local x, g = self:_check_grad(input, gradOutput)
  local N, C = x:size(1), x:size(2)
  local gi = input.new(x:size()):zero()
  self:_windows(gi, function(i, j, window)
    local share = g:select(3, i):select(3, j):contiguous():view(N, C, 1, 1) / (window:size(3) * window:size(4))
    window:add(share:expandAs(window))
  end)
  self.gradInput = gi:view(input:size())
  return self.gradInput
end

function SpatialAdaptiveAveragePooling:clearState()
  parent.clearState(self)
  self.indices = nil
  return self
end

return SpatialAdaptiveAveragePooling
