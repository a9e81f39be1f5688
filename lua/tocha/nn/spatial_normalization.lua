-- What SpatialSubtractiveNormalization, SpatialDivisiveNormalization and
-- SpatialContrastiveNormalization share (Torch7's semantics): a local
-- weighted sum over a kernel window and over all planes, zero-padded to
-- keep the image's size, and its value on an image of ones (the
-- coefficients that correct the borders).
--
-- The kernel (odd sizes) is normalised as Torch7 does: a 2-D kernel K
-- becomes K / (sum(K) * nInputPlane); a 1-D kernel k becomes k' =
-- k / (sum(k) * nInputPlane), applied along rows and then along columns,
-- i.e. the 2-D kernel k' k'^T.  The sum is a SpatialConvolution (nInputPlane
-- -> 1 planes, no bias) whose every plane holds that kernel.
local tocha = require "tocha"
local utils = require "tocha.utils"

local norm = {}

--- Sets self.nInputPlane, self.kernel (a copy, normalised) and
-- self.meanestimator; `kernel` defaults to 9x9 ones.
function norm.init(self, nInputPlane, kernel)
  local name = self.__typename
  self.nInputPlane = utils.optinteger(nInputPlane, name, "nInputPlane", 1, 1, 4)
  if kernel == nil then kernel = tocha.Tensor(9, 9):fill(1) end
  if not tocha.isTensor(kernel) or (kernel:dim() ~= 1 and kernel:dim() ~= 2) then
    error(string.format("%s: kernel must be a 1-D or 2-D tensor, got %s", name,
      tocha.isTensor(kernel) and utils.shape(kernel) or tocha.type(kernel)), 4)
  end
  for d = 1, kernel:dim() do
    if kernel:size(d) % 2 == 0 then
      error(string.format("%s: the kernel's sizes must be odd, got %s", name, utils.shape(kernel)), 4)
    end
  end
  local total = kernel:sum()
  if total == 0 or total ~= total then
    error(string.format("%s: the kernel's sum must be a non-zero number, got %s", name, tostring(total)), 4)
  end
  local kd = kernel:double():div(total * self.nInputPlane) -- in double, rounded once into the default type
  self.kernel = tocha.Tensor(kernel:size()):copy(kd)
  local k2 = kd
  if kd:dim() == 1 then k2 = tocha.DoubleTensor(kd:size(1), kd:size(1)):zero():addr(kd, kd) end
  local kH, kW = k2:size(1), k2:size(2)
  local conv = tocha.nn.SpatialConvolution(self.nInputPlane, 1, kW, kH, 1, 1, kW // 2, kH // 2):noBias()
  for i = 1, self.nInputPlane do conv.weight[1][i]:copy(k2) end
  self.meanestimator = conv
  self.coef = tocha.Tensor()
end

--- Checks the input: (nInputPlane, H, W) or (batch, nInputPlane, H, W).
function norm.check(self, input)
  utils.check_tensor(self, input, "input", 4)
  local d = input:dim()
  if (d ~= 3 and d ~= 4) or input:size(d - 2) ~= self.nInputPlane then
    error(string.format("%s: input must be nInputPlane x H x W or batch x nInputPlane x H x W with "
      .. "nInputPlane = %d, got size %s", self.__typename, self.nInputPlane, utils.shape(input)), 0)
  end
end

--- The local sums of `input` over planes and window: (batch,) 1 x H x W.
function norm.sums(self, input)
  return self.meanestimator:updateOutput(input)
end

--- The border coefficients (1 x H x W): the local sums of an image of ones.
function norm.coefficients(self, input)
  local d = input:dim()
  local h, w = input:size(d - 1), input:size(d)
  local c = self.coef
  if not tocha.isTensor(c) or tocha.type(c) ~= tocha.type(input) or c:dim() ~= 3 or c:size(2) ~= h
    or c:size(3) ~= w then
    local ones = input.new(self.nInputPlane, h, w):fill(1)
    self.meanestimator:type(tocha.type(input))
    c = input.new():resize(1, h, w):copy(self.meanestimator:updateOutput(ones))
    self.coef = c
  end
  if d == 4 then return c:view(1, 1, h, w):expand(input:size(1), 1, h, w) end
  return c
end

--- (batch,) 1 x H x W planes t expanded over the input's planes.
function norm.replicate(t, input)
  return t:expandAs(input)
end

--- Sums a gradient over the planes: (batch,) 1 x H x W.
function norm.plane_sum(g)
  return g:sum(g:dim() - 2)
end

--- The gradient of the local sums for a gradient `g` of the sums:
-- the input's shape.
function norm.sums_gradient(self, input, g)
  return self.meanestimator:updateGradInput(input, g:contiguous())
end

--- type() shared by the spatial normalizations: casts the inner modules and buffers too.
function norm.type(self, parent, typename, cache)
  if typename == nil then return parent.type(self) end
  parent.type(self, typename, cache)
  self.meanestimator:type(typename, cache)
  return self
end

return norm
