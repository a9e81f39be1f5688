-- nn.SpatialConvolutionLocal(nInputPlane, nOutputPlane, iW, iH, kW, kH [, dW,
-- dH, padW, padH]): a 2-D convolution whose kernels differ at every output
-- position (Torch7's module, "locally connected"): for (nInputPlane, iH, iW)
-- images or batches, output (batch,) nOutputPlane x oH x oW with
-- oH = floor((iH + 2 padH - kH) / dH) + 1; weight oH x oW x nOutputPlane x
-- nInputPlane x kH x kW (read in that memory order whatever its shape, as
-- Torch7's), bias nOutputPlane x oH x oW.
-- Each image's windows are unfolded into (K = nInputPlane*kH*kW) columns per
-- position, and one batched matrix product over the oH*oW positions does the
-- work: output (L, nOut, N) = weight (L, nOut, K) x columns (L, K, N).
local tocha = require "tocha"
local utils = require "tocha.utils"

local SpatialConvolutionLocal, parent = tocha.class("nn.SpatialConvolutionLocal", "nn.Module")

function SpatialConvolutionLocal:__init(nInputPlane, nOutputPlane, iW, iH, kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  local name = self.__typename
  local function int(v, what, min, dflt) return utils.optinteger(v, name, what, min, dflt, 5) end
  self.nInputPlane, self.nOutputPlane = int(nInputPlane, "nInputPlane", 1), int(nOutputPlane, "nOutputPlane", 1)
  self.iW, self.iH, self.kW, self.kH = int(iW, "iW", 1), int(iH, "iH", 1), int(kW, "kW", 1), int(kH, "kH", 1)
  self.dW, self.dH = int(dW, "dW", 1, 1), int(dH, "dH", 1, 1)
  self.padW, self.padH = int(padW, "padW", 0, 0), int(padH, "padH", 0, 0)
  self.oW = (self.iW + 2 * self.padW - self.kW) // self.dW + 1
  self.oH = (self.iH + 2 * self.padH - self.kH) // self.dH + 1
  if self.oW < 1 or self.oH < 1 or self.iW + 2 * self.padW < self.kW or self.iH + 2 * self.padH < self.kH then
    error(string.format("%s: the input image (%dx%d, padded %dx%d) is smaller than the kernel (%dx%d)", name,
      self.iH, self.iW, self.iH + 2 * self.padH, self.iW + 2 * self.padW, self.kH, self.kW), 2)
  end
  self.weight = tocha.Tensor(self.oH, self.oW, self.nOutputPlane, self.nInputPlane, self.kH, self.kW)
  self.bias = tocha.Tensor(self.nOutputPlane, self.oH, self.oW)
  self.gradWeight = tocha.Tensor():resizeAs(self.weight):zero()
  self.gradBias = tocha.Tensor():resizeAs(self.bias):zero()
  self:reset()
end

function SpatialConvolutionLocal:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
  end
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
  return self
end

-- The batch view (N, C, iH, iW) of the input, and N.
local function batch(self, input)
  utils.check_tensor(self, input, "input", 4)
  local d = input:dim()
  if (d ~= 3 and d ~= 4) or input:size(d - 2) ~= self.nInputPlane or input:size(d - 1) ~= self.iH
    or input:size(d) ~= self.iW then
    error(string.format("%s: input must be %dx%dx%d (nInputPlane x iH x iW) or a batch of those, got size %s",
      self.__typename, self.nInputPlane, self.iH, self.iW, utils.shape(input)), 0)
  end
  if d == 3 then return input:view(1, self.nInputPlane, self.iH, self.iW), 1 end
  return input, input:size(1)
end

local function check_params(self)
  local L, nOut = self.oH * self.oW, self.nOutputPlane
  local K = self.nInputPlane * self.kH * self.kW
  if self.weight:nElement() ~= L * nOut * K or not self.weight:isContiguous() then
    error(string.format("%s: weight must be a contiguous tensor of %d x %d x %d x %d x %d x %d elements",
      self.__typename, self.oH, self.oW, nOut, self.nInputPlane, self.kH, self.kW), 0)
  end
  if self.bias and (self.bias:nElement() ~= nOut * L or not self.bias:isContiguous()) then
    error(string.format("%s: bias must be a contiguous tensor of %d x %d x %d elements", self.__typename, nOut,
      self.oH, self.oW), 0)
  end
  return L, nOut, K
end

-- The padded images' windows: (N, C, oH, oW, kH, kW) views of the padded copy.
local function windows(self, x, n)
  local p = utils.like(self, "_padded", x):resize(n, self.nInputPlane, self.iH + 2 * self.padH,
    self.iW + 2 * self.padW):zero()
  p:narrow(3, self.padH + 1, self.iH):narrow(4, self.padW + 1, self.iW):copy(x)
  return p:unfold(3, self.kH, self.dH):unfold(4, self.kW, self.dW):narrow(3, 1, self.oH):narrow(4, 1, self.oW), p
end

-- columns (L, K, N): position-major, then plane, kernel row, kernel column.
local function columns(self, x, n)
  local w = windows(self, x, n) -- (N, C, oH, oW, kH, kW)
  local cols = utils.like(self, "finput", x)
  cols:resize(self.oH, self.oW, self.nInputPlane, self.kH, self.kW, n):copy(w:permute(3, 4, 2, 5, 6, 1))
  return cols:view(self.oH * self.oW, self.nInputPlane * self.kH * self.kW, n)
end

function SpatialConvolutionLocal:updateOutput(input)
  local L, nOut, K = check_params(self)
  local x, n = batch(self, input)
  local cols = columns(self, x, n)
  local out = utils.like(self, "_outLN", x):resize(L, nOut, n)
  out:bmm(self.weight:view(L, nOut, K), cols)
  local y = utils.like(self, "output", x):resize(n, nOut, self.oH, self.oW)
  y:copy(out:view(self.oH, self.oW, nOut, n):permute(4, 3, 1, 2))
  if self.bias then y:add(self.bias:view(1, nOut, self.oH, self.oW):expandAs(y)) end
  if input:dim() == 3 then self.output = y:view(nOut, self.oH, self.oW) end
  return self.output
end

-- gradOutput as (L, nOut, N).
local function grad_columns(self, gradOutput, n)
  local nOut = self.nOutputPlane
  utils.check_tensor(self, gradOutput, "gradOutput", 4)
  if gradOutput:nElement() ~= n * nOut * self.oH * self.oW then
    error(string.format("%s: gradOutput must have the output's size (%s%dx%dx%d), got %s", self.__typename,
      n > 1 and n .. "x" or "", nOut, self.oH, self.oW, utils.shape(gradOutput)), 0)
  end
  local g = utils.like(self, "_gradLN", gradOutput):resize(self.oH, self.oW, nOut, n)
  g:copy(gradOutput:contiguous():view(n, nOut, self.oH, self.oW):permute(3, 4, 2, 1))
  return g:view(self.oH * self.oW, nOut, n)
end

function SpatialConvolutionLocal:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  local L, nOut, K = check_params(self)
  local x, n = batch(self, input)
  local g = grad_columns(self, gradOutput, n)
  local gcols = utils.like(self, "fgradInput", x):resize(L, K, n)
  gcols:bmm(self.weight:view(L, nOut, K):transpose(2, 3), g)
  -- fold the columns back onto the padded image, one kernel tap at a time
  local gw, padded = windows(self, x, n)
  padded:zero()
  local taps = gcols:view(self.oH, self.oW, self.nInputPlane, self.kH, self.kW, n):permute(6, 3, 1, 2, 4, 5)
  for a = 1, self.kH do
    for b = 1, self.kW do
      gw:select(6, b):select(5, a):add(taps:select(6, b):select(5, a))
    end
  end
  local gi = utils.like(self, "gradInput", x):resize(n, self.nInputPlane, self.iH, self.iW)
  gi:copy(padded:narrow(3, self.padH + 1, self.iH):narrow(4, self.padW + 1, self.iW))
  if input:dim() == 3 then self.gradInput = gi:view(self.nInputPlane, self.iH, self.iW) end
  return self.gradInput
end

function SpatialConvolutionLocal:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local L, nOut, K = check_params(self)
  local x, n = batch(self, input)
  local cols = columns(self, x, n)
  local g = grad_columns(self, gradOutput, n)
  self.gradWeight:view(L, nOut, K):baddbmm(1, scale, g, cols:transpose(2, 3))
  if self.gradBias then
    self.gradBias:add(scale, g:sum(3):view(self.oH, self.oW, nOut):permute(3, 1, 2))
  end
end

function SpatialConvolutionLocal:clearState()
  utils.clear(self, "finput", "fgradInput", "_padded", "_outLN", "_gradLN")
  return parent.clearState(self)
end

function SpatialConvolutionLocal:__tostring__()
  local s = string.format("%s(%d -> %d, %dx%d, %dx%d", self.__typename, self.nInputPlane, self.nOutputPlane, self.iW,
    self.iH, self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(", %d,%d", self.dW, self.dH)
  end
  if self.padW ~= 0 or self.padH ~= 0 then s = s .. string.format(", %d,%d", self.padW, self.padH) end
  return s .. ")"
end

return SpatialConvolutionLocal
