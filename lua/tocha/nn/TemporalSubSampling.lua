--- nn.TemporalSubSampling(inputFrameSize, kW [, dW]): each feature summed
-- over windows of kW frames stepping dW (default 1), scaled by its weight
-- and shifted by its bias, over (nInputFrame, inputFrameSize) or (batch,
-- nInputFrame, inputFrameSize) input:
--   out[t][i] = bias[i] + weight[i] * sum_k in[(t-1)dW + k][i].
-- weight, bias: inputFrameSize.  Batch input gets the bias too (THNN's
-- batch path forgot it).  Pure Lua over unfold views.
local tocha = require "tocha"
local utils = require "tocha.utils"

local TemporalSubSampling, parent = tocha.class("nn.TemporalSubSampling", "nn.Module")
local checkSequence = require("tocha.nn.TemporalConvolution").checkSequence
local checkGradOutput = require("tocha.nn.TemporalConvolution").checkGradOutput

function TemporalSubSampling:__init(inputFrameSize, kW, dW)
  parent.__init(self)
  local name = self.__typename
  self.inputFrameSize = utils.checkinteger(inputFrameSize, name, "inputFrameSize", 1)
  self.kW = utils.checkinteger(kW, name, "kW", 1)
  self.dW = dW == nil and 1 or utils.checkinteger(dW, name, "dW", 1)
  self.weight = tocha.Tensor(self.inputFrameSize)
  self.bias = tocha.Tensor(self.inputFrameSize)
  self.gradWeight = tocha.Tensor(self.inputFrameSize)
  self.gradBias = tocha.Tensor(self.inputFrameSize)
  self:reset()
end

--- Torch7's initialisation: uniform in (-stdv, stdv), stdv = 1/sqrt(kW),
-- or the given stdv * sqrt(3).
function TemporalSubSampling:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW)
  end
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
  return self
end

-- The window sums, (batch,) nOut x inputFrameSize, in self._sums.
local function window_sums(self, input, sdim)
  if tocha.type(self._sums) ~= tocha.type(input) then self._sums = input.new() end
  local win = input:unfold(sdim, self.kW, self.dW)
  self._sums:sum(win, win:dim())
  return self._sums:select(self._sums:dim(), 1)
end

-- weight / bias broadcast over the frames of an output-shaped tensor.
local function spread(v, like)
  local size = like:size()
  if like:dim() == 2 then return v:view(1, v:size(1)):expand(size) end
  return v:view(1, 1, v:size(1)):expand(size)
end

function TemporalSubSampling:updateOutput(input)
  local sdim = checkSequence(self, input, self.inputFrameSize)
  local sums = window_sums(self, input, sdim)
  if tocha.type(self.output) ~= tocha.type(input) then self.output = input.new() end
  self.output:resizeAs(sums):copy(sums):cmul(spread(self.weight, sums)):add(spread(self.bias, sums))
  return self.output
end

local function check_grad(self, input, gradOutput)
  local sdim, nOut = checkSequence(self, input, self.inputFrameSize, 3)
  local want = input:size():totable()
  want[sdim] = nOut
  checkGradOutput(self, gradOutput, want, 3)
  return sdim
end

function TemporalSubSampling:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  local sdim = check_grad(self, input, gradOutput)
  if tocha.type(self.gradInput) ~= tocha.type(input) then self.gradInput = input.new() end
  if tocha.type(self._scaled) ~= tocha.type(input) then self._scaled = input.new() end
  local scaled = self._scaled:resizeAs(gradOutput):copy(gradOutput):cmul(spread(self.weight, gradOutput))
  self.gradInput:resizeAs(input):zero()
  local gwin = self.gradInput:unfold(sdim, self.kW, self.dW)
  for k = 1, self.kW do gwin:select(gwin:dim(), k):add(scaled) end
  return self.gradInput
end

function TemporalSubSampling:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local sdim = check_grad(self, input, gradOutput)
  local sums = window_sums(self, input, sdim)
  local F = self.inputFrameSize
  local prod = sums:clone():cmul(gradOutput)
  self.gradWeight:add(scale, prod:view(prod:nElement() // F, F):sum(1):view(F))
  local go = gradOutput:contiguous()
  self.gradBias:add(scale, go:view(go:nElement() // F, F):sum(1):view(F))
end

function TemporalSubSampling:clearState()
  utils.clear(self, "_sums", "_scaled")
  return parent.clearState(self)
end

function TemporalSubSampling:__tostring__()
  return string.format("%s(%d, %d, %d)", self.__typename, self.inputFrameSize, self.kW, self.dW)
end

return TemporalSubSampling
