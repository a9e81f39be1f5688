--- nn.SpatialAdaptiveMaxPooling(W, H): max pooling of a (planes, h, w) or
-- (batch, planes, h, w) input onto a fixed H x W output; output (i, j) takes
-- the maximum of rows [floor((i-1) h / H), ceil(i h / H)) and the columns
-- likewise (Torch7's windows, 0-based half-open). The first maximum of a
-- window wins; self.indices holds its 1-based position within the window
-- (row-major), per output element. SpatialAdaptiveAveragePooling reuses the
-- checks and windows.
local tocha = require "tocha"
local utils = require "tocha.utils"
local gather = require "tocha.nn.spatial_gather"

local SpatialAdaptiveMaxPooling, parent = tocha.class("nn.SpatialAdaptiveMaxPooling", "nn.Module")

function SpatialAdaptiveMaxPooling:__init(W, H)
  parent.__init(self)
  self.W = utils.checkinteger(W, self.__typename, "W", 1)
  self.H = utils.checkinteger(H, self.__typename, "H", 1)
  self.indices = tocha.LongTensor()
end

-- The 4-D view of the input (batch 1 added to 3-D input), after checks.
function SpatialAdaptiveMaxPooling:_batch(input)
  gather.check_input(self, input, 4)
  if input:dim() == 3 then return input:contiguous():view(1, input:size(1), input:size(2), input:size(3)) end
  return input
end

-- Calls f(i, j, window) for every output position, window being the
-- (N, C, kh, kw) view of x that output (i, j) pools.
function SpatialAdaptiveMaxPooling:_windows(x, f)
  local h, w = x:size(3), x:size(4)
  for i = 1, self.H do
    local r0, kh = gather.adaptive_window(i, h, self.H)
    local rows = x:narrow(3, r0, kh)
    for j = 1, self.W do
      local c0, kw = gather.adaptive_window(j, w, self.W)
      f(i, j, rows:narrow(4, c0, kw))
    end
  end
end

-- Output sized like input but with H x W planes.
function SpatialAdaptiveMaxPooling:_output_size(input)
  local size = input:size()
  size[input:dim() - 1], size[input:dim()] = self.H, self.W
  return size
end

function SpatialAdaptiveMaxPooling:_check_grad(input, gradOutput)
  utils.check_tensor(self, gradOutput, "gradOutput", 4)
  local size = self:_output_size(input)
  if not gradOutput:isSize(size) then
    error(string.format("%s: gradOutput must have size %s, got %s", self.__typename,
      table.concat(size:totable(), "x"), utils.shape(gradOutput)), 3)
  end
  local x = self:_batch(input)
  return x, gradOutput:view(x:size(1), x:size(2), self.H, self.W)
end

function SpatialAdaptiveMaxPooling:updateOutput(input)
  local x = self:_batch(input)
  local N, C = x:size(1), x:size(2)
  local out = input.new(N, C, self.H, self.W)
  self.indices = tocha.LongTensor(N, C, self.H, self.W)
  self:_windows(x, function(i, j, window)
    local values, where = window:contiguous():view(N, C, window:size(3) * window:size(4)):max(3)
    out:select(3, i):select(3, j):copy(values:view(N, C))
    self.indices:select(3, i):select(3, j):copy(where:view(N, C))
  end)
  self.output = out:view(self:_output_size(input))
  return self.output
end

function SpatialAdaptiveMaxPooling:updateGradInput(input, gradOutput)
  local x, g = self:_check_grad(input, gradOutput)
  local N, C = x:size(1), x:size(2)
  if not self.indices:isSize(tocha.LongStorage({ N, C, self.H, self.W })) then
    error(string.format("%s: backward needs the forward of this input first", self.__typename), 2)
  end
  local gi = input.new(x:size()):zero()
  self:_windows(gi, function(i, j, window)
    local kh, kw = window:size(3), window:size(4)
    local spread = input.new(N, C, kh * kw):zero()
    spread:scatter(3, self.indices:select(3, i):select(3, j):contiguous():view(N, C, 1),
      g:select(3, i):select(3, j):contiguous():view(N, C, 1))
    window:add(spread:view(N, C, kh, kw))
  end)
  self.gradInput = gi:view(input:size())
  return self.gradInput
end

function SpatialAdaptiveMaxPooling:clearState()
  self.indices = tocha.LongTensor()
  return parent.clearState(self)
end

function SpatialAdaptiveMaxPooling:__tostring__()
  return string.format("%s(%dx%d)", self.__typename, self.W, self.H)
end

return SpatialAdaptiveMaxPooling
