--- nn.SpatialSubSampling(nInputPlane, kW, kH [, dW, dH]): the sum of each
-- kW x kH window of a plane, stepping dW, dH (default 1), times a weight per
-- plane plus a bias per plane (Torch7's): out[c] = weight[c] * sum + bias[c].
-- Input (nInputPlane, H, W) or (batch, nInputPlane, H, W); oH = (H - kH) / dH + 1.
-- The window sums come from nn.SpatialAveragePooling's kernel (the mean
-- times kW*kH; no padding), tocha._spatial.avgpool_*.
local tocha = require "tocha"
local utils = require "tocha.utils"

local SpatialSubSampling, parent = tocha.class("nn.SpatialSubSampling", "nn.Module")
local C = tocha._spatial

function SpatialSubSampling:__init(nInputPlane, kW, kH, dW, dH)
  parent.__init(self)
  local name = self.__typename
  self.nInputPlane = utils.checkinteger(nInputPlane, name, "nInputPlane", 1)
  self.kW = utils.checkinteger(kW, name, "kW", 1)
  self.kH = utils.checkinteger(kH, name, "kH", 1)
  self.dW = utils.checkinteger(dW or 1, name, "dW", 1)
  self.dH = utils.checkinteger(dH or 1, name, "dH", 1)
  self.weight = tocha.Tensor(self.nInputPlane)
  self.bias = tocha.Tensor(self.nInputPlane)
  self.gradWeight = tocha.Tensor(self.nInputPlane):zero()
  self.gradBias = tocha.Tensor(self.nInputPlane):zero()
  self:reset()
end

function SpatialSubSampling:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW * self.kH)
  end
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
  return self
end

-- The plane dimension after checks (the pooling kernel checks the window).
local function plane_dim(self, input)
  utils.check_tensor(self, input, "input", 4)
  local dim = input:dim()
  if dim ~= 3 and dim ~= 4 then
    error(string.format("%s: input must be 3D (planes x height x width) or 4D (batch x planes x height x width), "
      .. "got size %s", self.__typename, utils.shape(input)), 4)
  end
  local d = dim - 2
  if input:size(d) ~= self.nInputPlane then
    error(string.format("%s: input must have %d planes (dimension %d), got size %s", self.__typename,
      self.nInputPlane, d, utils.shape(input)), 4)
  end
  return d
end

-- A per-plane vector shaped to broadcast against t (planes at dimension d).
local function per_plane(v, t, d)
  local size = {}
  for k = 1, t:dim() do size[k] = k == d and v:size(1) or 1 end
  return v:view(tocha.LongStorage(size)):expandAs(t)
end

-- The window sums of the input, kept in self._sums for accGradParameters.
local function window_sums(self, input)
  if tocha.type(self._sums) ~= tocha.type(input) then self._sums = input.new() end
  C.avgpool_forward(self, self._sums, input)
  return self._sums:mul(self.kW * self.kH)
end

function SpatialSubSampling:updateOutput(input)
  local d = plane_dim(self, input)
  input = utils.contiguous(self, "_input", input)
  local sums = window_sums(self, input)
  self.output = sums:clone():cmul(per_plane(self.weight, sums, d)):add(per_plane(self.bias, sums, d))
  return self.output
end

local function check_grad(self, gradOutput)
  utils.check_tensor(self, gradOutput, "gradOutput", 4)
  if not self._sums or not gradOutput:isSameSizeAs(self._sums) then
    error(string.format("%s: gradOutput must have the size of the last output, %s, got %s", self.__typename,
      self._sums and utils.shape(self._sums) or "none (call forward first)", utils.shape(gradOutput)), 4)
  end
end

function SpatialSubSampling:updateGradInput(input, gradOutput)
  local d = plane_dim(self, input)
  check_grad(self, gradOutput)
  input = utils.contiguous(self, "_input", input)
  -- the mean's backward spreads g / (kW kH) over each window: scale by weight * kW kH
  local g = gradOutput:clone():cmul(per_plane(self.weight, gradOutput, d)):mul(self.kW * self.kH)
  if tocha.type(self.gradInput) ~= tocha.type(input) then self.gradInput = input.new() end
  return C.avgpool_backward(self, self.gradInput, input, g)
end

function SpatialSubSampling:accGradParameters(input, gradOutput, scale)
  local d = plane_dim(self, input)
  check_grad(self, gradOutput)
  scale = scale or 1
  local function per_plane_sum(t)
    local moved = t:transpose(1, d):contiguous()
    return moved:view(self.nInputPlane, moved:nElement() // self.nInputPlane):sum(2):view(self.nInputPlane)
  end
  self.gradBias:add(scale, per_plane_sum(gradOutput))
  self.gradWeight:add(scale, per_plane_sum(gradOutput:clone():cmul(self._sums)))
end

function SpatialSubSampling:clearState()
  utils.clear(self, "_input", "_sums")
  return parent.clearState(self)
end

function SpatialSubSampling:__tostring__()
  return string.format("%s(%d, %dx%d, %d,%d)", self.__typename, self.nInputPlane, self.kW, self.kH, self.dW, self.dH)
end

return SpatialSubSampling
