-- nn.TemporalRowConvolution(inputFrameSize, kW [, dW, featFirst]): a 1-D
-- convolution of each feature on its own (Torch7's module, a depth-wise
-- TemporalConvolution): for (nInputFrame, inputFrameSize) input (or a batch;
-- with featFirst the input is (inputFrameSize, nInputFrame)),
--   output[t][f] = bias[f] + sum over k of weight[f][1][k] input[(t - 1) dW + k][f]
-- with nOutputFrame = floor((nInputFrame - kW) / dW) + 1, in the input's
-- layout.  weight: inputFrameSize x 1 x kW; bias: inputFrameSize.
local tocha = require "tocha"
local utils = require "tocha.utils"

local TemporalRowConvolution, parent = tocha.class("nn.TemporalRowConvolution", "nn.Module")

function TemporalRowConvolution:__init(inputFrameSize, kW, dW, featFirst)
  parent.__init(self)
  local name = self.__typename
  self.inputFrameSize = utils.checkinteger(inputFrameSize, name, "inputFrameSize", 1)
  self.kW = utils.checkinteger(kW, name, "kW", 1)
  self.dW = utils.optinteger(dW, name, "dW", 1, 1)
  self.featFirst = featFirst == true
  self.weight = tocha.Tensor(self.inputFrameSize, 1, self.kW)
  self.bias = tocha.Tensor(self.inputFrameSize)
  self.gradWeight = tocha.Tensor(self.inputFrameSize, 1, self.kW):zero()
  self.gradBias = tocha.Tensor(self.inputFrameSize):zero()
  self:reset()
end

--- Removes the bias (and its gradient); returns self.
function TemporalRowConvolution:noBias()
  self.bias = nil
  self.gradBias = nil
  return self
end

function TemporalRowConvolution:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW * self.inputFrameSize)
  end
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

-- The input in (batch,) time x feature layout, its time dimension and nOutputFrame.
local function frames(self, x, what)
  utils.check_tensor(self, x, what, 4)
  local d = x:dim()
  if d ~= 2 and d ~= 3 then
    error(string.format("%s: %s must be 2D or 3D (batch mode), got size %s", self.__typename, what, utils.shape(x)), 0)
  end
  if self.featFirst then x = x:transpose(d - 1, d) end
  local t = d - 1
  return x, t
end

local function geometry(self, input)
  local x, t = frames(self, input, "input")
  if x:size(t + 1) ~= self.inputFrameSize then
    error(string.format("%s: input has %d features per frame, expected inputFrameSize = %d", self.__typename,
      x:size(t + 1), self.inputFrameSize), 0)
  end
  if x:size(t) < self.kW then
    error(string.format("%s: input has %d frames, fewer than kW = %d", self.__typename, x:size(t), self.kW), 0)
  end
  return x, t, (x:size(t) - self.kW) // self.dW + 1
end

-- The weight as a (F, kW) matrix expanded like the windows.
local function kernel(self, windows)
  local F, kW = self.inputFrameSize, self.kW
  local shape = {}
  for i = 1, windows:dim() - 2 do shape[i] = 1 end
  shape[#shape + 1], shape[#shape + 2] = F, kW
  return self.weight:contiguous():view(tocha.LongStorage(shape)):expandAs(windows)
end

function TemporalRowConvolution:updateOutput(input)
  local x, t = geometry(self, input)
  local windows = x:unfold(t, self.kW, self.dW) -- (batch,) nOut, F, kW
  local y = windows:clone():cmul(kernel(self, windows)):sum(windows:dim())
  y = y:select(y:dim(), 1)
  if self.bias then
    local shape = {}
    for i = 1, y:dim() - 1 do shape[i] = 1 end
    shape[#shape + 1] = self.inputFrameSize
    y:add(self.bias:view(tocha.LongStorage(shape)):expandAs(y))
  end
  if self.featFirst then y = y:transpose(y:dim() - 1, y:dim()) end
  utils.like(self, "output", y):copy(y)
  return self.output
end

-- gradOutput in time x feature layout, checked against the output's size.
local function grad_frames(self, input, gradOutput)
  local x, t, nOut = geometry(self, input)
  local g = frames(self, gradOutput, "gradOutput")
  if g:dim() ~= x:dim() or g:size(t) ~= nOut or g:size(t + 1) ~= self.inputFrameSize
    or (t == 2 and g:size(1) ~= x:size(1)) then
    error(string.format("%s: gradOutput must have the output's size, got %s", self.__typename,
      utils.shape(gradOutput)), 0)
  end
  return x, t, nOut, g
end

function TemporalRowConvolution:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  local x, t, nOut, g = grad_frames(self, input, gradOutput)
  local gi = x.new():resizeAs(x):zero()
  for k = 1, self.kW do
    local taps = gi:narrow(t, k, (nOut - 1) * self.dW + 1):unfold(t, 1, self.dW)
    taps = taps:select(taps:dim(), 1) -- (batch,) nOut, F: the frames tap k reads
    local w = self.weight:select(3, k):select(2, 1)
    local shape = {}
    for i = 1, g:dim() - 1 do shape[i] = 1 end
    shape[#shape + 1] = self.inputFrameSize
    taps:addcmul(1, g, w:contiguous():view(tocha.LongStorage(shape)):expandAs(g))
  end
  if self.featFirst then gi = gi:transpose(gi:dim() - 1, gi:dim()) end
  utils.like(self, "gradInput", input):copy(gi)
  return self.gradInput
end

function TemporalRowConvolution:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x, t, _, g = grad_frames(self, input, gradOutput)
  local windows = x:unfold(t, self.kW, self.dW)
  local gw = windows:clone():cmul(g:contiguous():view(tocha.LongStorage(
    (function() local s = g:size():totable(); s[#s + 1] = 1; return s end)())):expandAs(windows))
  for _ = 1, windows:dim() - 2 do gw = gw:sum(1):select(1, 1) end -- over batch and time: F x kW
  self.gradWeight:add(scale, gw:view(self.inputFrameSize, 1, self.kW))
  if self.gradBias then
    local gb = g
    for _ = 1, g:dim() - 1 do gb = gb:sum(1):select(1, 1) end
    self.gradBias:add(scale, gb)
  end
end

function TemporalRowConvolution:__tostring__()
  local s = string.format("%s(%d, %d", self.__typename, self.inputFrameSize, self.kW)
  if self.dW ~= 1 then s = s .. string.format(", %d", self.dW) end
  if self.featFirst then s = s .. ", featFirst" end
  return s .. (self.bias and ")" or ") without bias")
end

return TemporalRowConvolution
