--- nn.SpatialConvolution(nInputPlane, nOutputPlane, kW, kH [, dW, dH, padW, padH]):
-- a 2-D convolution (cross-correlation, as Torch7) over (nInputPlane, H, W)
-- images or (batch, nInputPlane, H, W) batches.  weight: nOutputPlane x
-- nInputPlane x kH x kW; output: (batch,) nOutputPlane x oH x oW with
-- oH = floor((H + 2 padH - kH) / dH) + 1.
--
-- The work is done in C (tocha._spatial.conv2d_*, src/core/nn/conv.c): one
-- GEMM per image on its unfolded columns, images split over the threads.
-- backward() computes gradInput and the parameter gradients in one pass
-- that unfolds each image once.
local tocha = require "tocha"
local utils = require "tocha.utils"

local SpatialConvolution, parent = tocha.class("nn.SpatialConvolution", "nn.Module")
local C = tocha._spatial

--- Checks the constructor's arguments (shared with SpatialConvolutionMM).
function SpatialConvolution.checkArguments(name, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  local function int(v, what, min, dflt) return utils.optinteger(v, name, what, min, dflt, 5) end
  nInputPlane, nOutputPlane, kW, kH = int(nInputPlane, "nInputPlane", 1), int(nOutputPlane, "nOutputPlane", 1),
    int(kW, "kW", 1), int(kH, "kH", 1)
  -- before the weight is allocated: the kernels' GEMMs take 32-bit sizes (counted in floats: no overflow)
  if 1.0 * nInputPlane * kW * kH > 0x7fffffff or 1.0 * nOutputPlane * nInputPlane * kW * kH > 2 ^ 53 then
    error(string.format("%s: weight too large (%d x %d x %d x %d)", name, nOutputPlane, nInputPlane, kH, kW), 4)
  end
  return nInputPlane, nOutputPlane, kW, kH, int(dW, "dW", 1, 1), int(dH, "dH", 1, 1), int(padW, "padW", 0, 0),
    int(padH, "padH", 0, 0)
end

function SpatialConvolution:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH =
    SpatialConvolution.checkArguments(self.__typename, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.kW, self.kH, self.dW, self.dH, self.padW, self.padH = kW, kH, dW, dH, padW, padH
  self.weight = tocha.Tensor(self:weightSize())
  self.gradWeight = tocha.Tensor(self:weightSize())
  self.bias = tocha.Tensor(nOutputPlane)
  self.gradBias = tocha.Tensor(nOutputPlane)
  self.finput = tocha.Tensor()     -- the unfolded images (workspace; Torch7's name)
  self.fgradInput = tocha.Tensor() -- Torch7's field, kept for its files; unused
  self:reset()
end

--- The weight's shape: nOutputPlane x nInputPlane x kH x kW.
function SpatialConvolution:weightSize()
  return tocha.LongStorage { self.nOutputPlane, self.nInputPlane, self.kH, self.kW }
end

--- Torch7's initialisation: uniform in (-stdv, stdv) with stdv =
-- 1/sqrt(kW*kH*nInputPlane), or the given stdv * sqrt(3).
function SpatialConvolution:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
  end
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

--- Removes the bias (no bias term, no gradBias); returns self.
function SpatialConvolution:noBias()
  self.bias = nil
  self.gradBias = nil
  return self
end

--- How the convolution is computed: "auto" (the default: Winograd's
-- F(2x2, kxk) for float step-1 convolutions with kernels of 2 to 5 and 16
-- planes or more in and out, im2col + GEMM otherwise), "gemm" (always
-- im2col + GEMM) or "winograd" (whenever the shape allows it).  Both give
-- the same values up to float rounding.  Returns self.
function SpatialConvolution:setAlgorithm(name)
  if name ~= "auto" and name ~= "gemm" and name ~= "winograd" then
    error(("%s:setAlgorithm: bad argument #1 (expected 'auto', 'gemm' or 'winograd', got %s)"):format(
      self.__typename, tostring(name)), 2)
  end
  self.algorithm = name ~= "auto" and name or nil
  return self
end

-- Torch7 files from before padW/padH kept one `padding`.
function SpatialConvolution.__t7_read(obj)
  local pad = rawget(obj, "padding")
  if rawget(obj, "padW") == nil then obj.padW = pad or 0 end
  if rawget(obj, "padH") == nil then obj.padH = pad or 0 end
end

local function workspace(self)
  if not tocha.isTensor(self.finput) or tocha.type(self.finput) ~= tocha.type(self.weight) then
    self.finput = self.weight.new()
  end
  return self.finput
end

function SpatialConvolution:updateOutput(input)
  input = utils.contiguous(self, "_input", utils.check_tensor(self, input, "input"))
  if tocha.type(self.output) ~= tocha.type(self.weight) then self.output = self.weight.new() end
  return C.conv2d_forward(self, self.output, workspace(self), input, self.weight, self.bias)
end

-- One C pass: gradInput (when wanted) and, with `scale`, the gradients.
function SpatialConvolution:backward(input, gradOutput, scale)
  input, gradOutput = utils.contiguous_pair(self, input, gradOutput)
  local gi = self.gradInput
  if gi and tocha.type(gi) ~= tocha.type(self.weight) then gi = self.weight.new(); self.gradInput = gi end
  C.conv2d_backward(self, gi, self.gradWeight, self.gradBias, workspace(self), input, gradOutput, self.weight,
    scale or 1)
  return self.gradInput
end

function SpatialConvolution:updateGradInput(input, gradOutput)
  if not self.gradInput then return end -- Torch7: no gradInput wanted
  input, gradOutput = utils.contiguous_pair(self, input, gradOutput)
  if tocha.type(self.gradInput) ~= tocha.type(self.weight) then self.gradInput = self.weight.new() end
  return C.conv2d_backward(self, self.gradInput, nil, nil, workspace(self), input, gradOutput, self.weight)
end

function SpatialConvolution:accGradParameters(input, gradOutput, scale)
  input, gradOutput = utils.contiguous_pair(self, input, gradOutput)
  C.conv2d_backward(self, nil, self.gradWeight, self.gradBias, workspace(self), input, gradOutput, self.weight,
    scale or 1)
end

function SpatialConvolution:clearState()
  utils.clear(self, "finput", "fgradInput", "_input", "_gradOutput")
  return parent.clearState(self)
end

--- "nn.SpatialConvolution(1 -> 32, 5x5, 1,1, 2,2)", Torch7's form.
function SpatialConvolution:__tostring__()
  local s = string.format("%s(%d -> %d, %dx%d", self.__typename, self.nInputPlane, self.nOutputPlane, self.kW,
    self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(", %d,%d", self.dW, self.dH)
  end
  if self.padW ~= 0 or self.padH ~= 0 then s = s .. string.format(", %d,%d", self.padW, self.padH) end
  if not self.bias then s = s .. ") without bias" else s = s .. ")" end
  return s
end

return SpatialConvolution
