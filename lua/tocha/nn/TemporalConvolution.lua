--- nn.TemporalConvolution(inputFrameSize, outputFrameSize, kW [, dW]): a 1-D
-- convolution over sequences of frames, (nInputFrame, inputFrameSize) or
-- (batch, nInputFrame, inputFrameSize) input, as Torch7.  weight:
-- outputFrameSize x (kW * inputFrameSize), the window's frames one after
-- the other; output: (batch,) nOutputFrame x outputFrameSize with
-- nOutputFrame = floor((nInputFrame - kW) / dW) + 1.
--
-- Pure Lua: the windows are an unfold view of the input, copied into rows
-- of kW * inputFrameSize (finput, Torch7's workspace name), then one GEMM.
local tocha = require "tocha"
local utils = require "tocha.utils"

local TemporalConvolution, parent = tocha.class("nn.TemporalConvolution", "nn.Module")

function TemporalConvolution:__init(inputFrameSize, outputFrameSize, kW, dW)
  parent.__init(self)
  local name = self.__typename
  self.inputFrameSize = utils.checkinteger(inputFrameSize, name, "inputFrameSize", 1)
  self.outputFrameSize = utils.checkinteger(outputFrameSize, name, "outputFrameSize", 1)
  self.kW = utils.checkinteger(kW, name, "kW", 1)
  self.dW = dW == nil and 1 or utils.checkinteger(dW, name, "dW", 1)
  self.weight = tocha.Tensor(self.outputFrameSize, self.kW * self.inputFrameSize)
  self.bias = tocha.Tensor(self.outputFrameSize)
  self.gradWeight = tocha.Tensor(self.outputFrameSize, self.kW * self.inputFrameSize)
  self.gradBias = tocha.Tensor(self.outputFrameSize)
  self:reset()
end

--- Torch7's initialisation: uniform in (-stdv, stdv), stdv =
-- 1/sqrt(kW*inputFrameSize), or the given stdv * sqrt(3).
function TemporalConvolution:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW * self.inputFrameSize)
  end
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
  return self
end

--- Checks a (nFrame, frameSize) or (batch, nFrame, frameSize) sequence
-- against frameSize and the window kW (shared by the Temporal* modules;
-- frameSize nil: any).  Returns the sequence dimension and nOutputFrame.
function TemporalConvolution.checkSequence(self, input, frameSize, level)
  level = (level or 2) + 1
  utils.check_tensor(self, input, "input", level)
  local d = input:dim()
  if d ~= 2 and d ~= 3 then
    error(string.format("%s: input must be 2D (nFrame x frameSize) or 3D (batch x nFrame x frameSize), got size %s",
      self.__typename, utils.shape(input)), level)
  end
  local tt = tocha.type(input)
  if tt ~= "tocha.FloatTensor" and tt ~= "tocha.DoubleTensor" then
    error(string.format("%s: input must be a FloatTensor or DoubleTensor, got a %s", self.__typename,
      tt:match("[^.]*$")), level)
  end
  if frameSize and input:size(d) ~= frameSize then
    error(string.format("%s: invalid input frame size: got %d, expected %d", self.__typename, input:size(d),
      frameSize), level)
  end
  local nFrame = input:size(d - 1)
  if nFrame < self.kW then
    error(string.format("%s: input sequence smaller than kernel size: got %d frames, expected at least %d",
      self.__typename, nFrame, self.kW), level)
  end
  return d - 1, (nFrame - self.kW) // self.dW + 1
end

--- Checks that gradOutput is a tensor of the sizes `want` (a list; shared).
function TemporalConvolution.checkGradOutput(self, gradOutput, want, level)
  level = (level or 2) + 1
  utils.check_tensor(self, gradOutput, "gradOutput", level)
  local ok = gradOutput:dim() == #want
  for i = 1, #want do ok = ok and gradOutput:size(i) == want[i] end
  if not ok then
    error(string.format("%s: gradOutput must have the output's size %s, got size %s", self.__typename,
      table.concat(want, "x"), utils.shape(gradOutput)), level)
  end
end

-- The sequence's shape: the batch (1 for 2-D input), nInputFrame.
local function dims(input)
  if input:dim() == 2 then return 1, input:size(1) end
  return input:size(1), input:size(2)
end

-- A contiguous sequence as (batch, nFrame, frameSize).
local function batched(t)
  local nb, n = dims(t)
  return t:view(nb, n, t:size(t:dim()))
end

-- Rows of kW * inputFrameSize, one for each window of each sequence.
local function unfolded(self, input, nOut)
  input = batched(utils.contiguous(self, "_input", input))
  if tocha.type(self.finput) ~= tocha.type(input) then self.finput = input.new() end
  local nb = input:size(1)
  self.finput:resize(nb, nOut, self.kW, self.inputFrameSize)
  self.finput:copy(input:unfold(2, self.kW, self.dW):transpose(3, 4)) -- windows: nb, nOut, F, kW
  return self.finput:view(nb * nOut, self.kW * self.inputFrameSize)
end

function TemporalConvolution:updateOutput(input)
  local _, nOut = TemporalConvolution.checkSequence(self, input, self.inputFrameSize)
  local nb = dims(input)
  local cols = unfolded(self, input, nOut)
  if tocha.type(self.output) ~= tocha.type(input) then self.output = input.new() end
  if input:dim() == 2 then
    self.output:resize(nOut, self.outputFrameSize)
  else
    self.output:resize(nb, nOut, self.outputFrameSize)
  end
  local out = self.output:view(nb * nOut, self.outputFrameSize)
  out:copy(self.bias:view(1, self.outputFrameSize):expand(nb * nOut, self.outputFrameSize))
  out:addmm(1, out, 1, cols, self.weight:t())
  return self.output
end

function TemporalConvolution:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  local _, nOut = TemporalConvolution.checkSequence(self, input, self.inputFrameSize)
  local nb = dims(input)
  TemporalConvolution.checkGradOutput(self, gradOutput,
    input:dim() == 2 and { nOut, self.outputFrameSize } or { nb, nOut, self.outputFrameSize })
  local go = gradOutput:contiguous():view(nb * nOut, self.outputFrameSize)
  if tocha.type(self.fgradInput) ~= tocha.type(input) then self.fgradInput = input.new() end
  local gcols = self.fgradInput:resize(nb * nOut, self.kW * self.inputFrameSize)
  gcols:addmm(0, gcols, 1, go, self.weight)
  if tocha.type(self.gradInput) ~= tocha.type(input) then self.gradInput = input.new() end
  self.gradInput:resizeAs(input):zero()
  local gwin = batched(self.gradInput):unfold(2, self.kW, self.dW)
  local g4 = gcols:view(nb, nOut, self.kW, self.inputFrameSize)
  for k = 1, self.kW do
    gwin:select(4, k):add(g4:select(3, k))
  end
  return self.gradInput
end

function TemporalConvolution:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local _, nOut = TemporalConvolution.checkSequence(self, input, self.inputFrameSize)
  local nb = dims(input)
  TemporalConvolution.checkGradOutput(self, gradOutput,
    input:dim() == 2 and { nOut, self.outputFrameSize } or { nb, nOut, self.outputFrameSize })
  local cols = unfolded(self, input, nOut)
  local go = gradOutput:contiguous():view(nb * nOut, self.outputFrameSize)
  self.gradWeight:addmm(1, self.gradWeight, scale, go:t(), cols)
  self.gradBias:add(scale, go:sum(1):view(self.outputFrameSize))
end

function TemporalConvolution:clearState()
  utils.clear(self, "finput", "fgradInput", "_input")
  return parent.clearState(self)
end

--- "nn.TemporalConvolution(3 -> 4, 3, 2)".
function TemporalConvolution:__tostring__()
  local s = string.format("%s(%d -> %d, %d", self.__typename, self.inputFrameSize, self.outputFrameSize, self.kW)
  if self.dW ~= 1 then s = s .. string.format(", %d", self.dW) end
  return s .. ")"
end

return TemporalConvolution
