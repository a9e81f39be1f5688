--- nn.SpatialSoftMax(): softmax over the planes at each pixel of a
-- (planes, H, W) or (batch, planes, H, W) input (Torch7's; 1-D and 2-D input
-- as nn.SoftMax). The planes are moved last, the pixels flattened into rows,
-- and nn.SoftMax's kernel applied. SpatialLogSoftMax reuses this with the
-- log-softmax kernel.
local tocha = require "tocha"
local utils = require "tocha.utils"

local SpatialSoftMax, parent = tocha.class("nn.SpatialSoftMax", "nn.Module")
local C = tocha._nn

SpatialSoftMax._forward = "softmax_forward"
SpatialSoftMax._backward = "softmax_backward"

function SpatialSoftMax:__init()
  parent.__init(self)
end

-- The plane dimension of the input (1-D/2-D: the last), after checks.
local function plane_dim(self, input, level)
  utils.check_tensor(self, input, "input", level)
  local dim = input:dim()
  if dim < 1 or dim > 4 then
    error(string.format("%s: input must be 1D, 2D, 3D (planes x height x width) or 4D (batch x planes x height x "
      .. "width), got size %s", self.__typename, utils.shape(input)), level)
  end
  if input:nElement() == 0 then
    error(string.format("%s: input must not be empty, got size %s", self.__typename, utils.shape(input)), level)
  end
  return dim == 3 and 1 or dim == 4 and 2 or dim
end

-- t with dimension d moved last, as a contiguous (pixels, planes) matrix,
-- and the size of that moved tensor.
local function rows(t, d)
  local moved = t:transpose(d, t:dim()):contiguous()
  local size = moved:size()
  return moved:view(moved:nElement() // size[#size], size[#size]), size
end

local function unrows(m, size, d)
  return m:view(size):transpose(d, #size):contiguous()
end

function SpatialSoftMax:updateOutput(input)
  local d = plane_dim(self, input, 4)
  local x, size = rows(input, d)
  self._rowsOutput = self._rowsOutput and tocha.type(self._rowsOutput) == tocha.type(input) and self._rowsOutput
    or input.new()
  C[self._forward](self, self._rowsOutput, x)
  self.output = unrows(self._rowsOutput, size, d)
  return self.output
end

function SpatialSoftMax:updateGradInput(input, gradOutput)
  local d = plane_dim(self, input, 4)
  utils.check_tensor(self, gradOutput, "gradOutput")
  if not gradOutput:isSameSizeAs(input) or not self.output:isSameSizeAs(input) then
    error(string.format("%s: gradOutput (%s) and the last output (%s) must have the input's size %s",
      self.__typename, utils.shape(gradOutput), utils.shape(self.output), utils.shape(input)), 2)
  end
  local g, size = rows(gradOutput, d)
  local y = rows(self.output, d)
  local gi = input.new()
  C[self._backward](self, gi, g, y)
  self.gradInput = unrows(gi, size, d)
  return self.gradInput
end

function SpatialSoftMax:clearState()
  self._rowsOutput = nil
  return parent.clearState(self)
end

return SpatialSoftMax
