-- nn.SpatialCrossMapLRN(size [, alpha, beta, k]): local response
-- normalisation across planes (Torch7's module): for plane c of a (planes,
-- H, W) or (batch, planes, H, W) input,
--   scale_c = k + alpha / size * sum over planes j in [c - (size-1)/2, c + (size-1)/2] of x_j^2
--   output_c = x_c * scale_c^-beta
-- (size odd; defaults alpha 1e-4, beta 0.75, k 1).  The window sums are
-- `size` shifted additions of whole planes.
local tocha = require "tocha"
local utils = require "tocha.utils"

local SpatialCrossMapLRN, parent = tocha.class("nn.SpatialCrossMapLRN", "nn.Module")

function SpatialCrossMapLRN:__init(size, alpha, beta, k)
  parent.__init(self)
  local name = self.__typename
  self.size = utils.checkinteger(size, name, "size", 1)
  if self.size % 2 == 0 then error(string.format("%s: size must be odd, got %d", name, self.size), 2) end
  for what, v in pairs({ alpha = alpha, beta = beta, k = k }) do
    if type(v) ~= "number" then error(string.format("%s: %s must be a number, got %s", name, what, type(v)), 2) end
  end
  self.alpha = alpha or 1e-4
  self.beta = beta or 0.75
  self.k = k or 1
  self.scale = tocha.Tensor()
end

-- dst = the sums of src over each plane's window (plane dimension d).
local function window_sums(dst, src, d, half)
  local n = src:size(d)
  dst:resizeAs(src):zero()
  for o = -half, half do
    local len = n - math.abs(o)
    if len > 0 then
      dst:narrow(d, math.max(1, 1 - o), len):add(src:narrow(d, math.max(1, 1 + o), len))
    end
  end
  return dst
end

local function plane_dim(self, input)
  utils.check_tensor(self, input, "input", 4)
  if input:dim() ~= 3 and input:dim() ~= 4 then
    error(string.format("%s: input must be 3D (planes x H x W) or 4D (batch x planes x H x W), got size %s",
      self.__typename, utils.shape(input)), 0)
  end
  return input:dim() - 2
end

function SpatialCrossMapLRN:updateOutput(input)
  local d = plane_dim(self, input)
  local sq = utils.like(self, "_square", input):copy(input):cmul(input)
  self.scale = utils.like(self, "scale", input)
  window_sums(self.scale, sq, d, (self.size - 1) // 2):mul(self.alpha / self.size):add(self.k)
  utils.like(self, "output", input):copy(self.scale):pow(-self.beta):cmul(input)
  return self.output
end

function SpatialCrossMapLRN:updateGradInput(input, gradOutput)
  local d = plane_dim(self, input)
  utils.check_tensor(self, gradOutput, "gradOutput", 3)
  if not gradOutput:isSameSizeAs(input) or not self.scale:isSameSizeAs(input) then
    error(string.format("%s: gradOutput must have the input's size (and forward come first), got %s",
      self.__typename, utils.shape(gradOutput)), 0)
  end
  -- gradInput_i = g_i scale_i^-beta - 2 alpha beta / size * x_i * sum over c in window(i) of g_c output_c / scale_c
  local t = utils.like(self, "_square", input):copy(gradOutput):cmul(self.output):cdiv(self.scale)
  local acc = window_sums(utils.like(self, "_accum", input), t, d, (self.size - 1) // 2)
  local gi = utils.like(self, "gradInput", input):copy(self.scale):pow(-self.beta):cmul(gradOutput)
  gi:addcmul(-2 * self.alpha * self.beta / self.size, acc, input)
  return gi
end

function SpatialCrossMapLRN:clearState()
  utils.clear(self, "_square", "_accum", "scale")
  return parent.clearState(self)
end

function SpatialCrossMapLRN:__tostring__()
  return string.format("%s(%d, %g, %g, %g)", self.__typename, self.size, self.alpha, self.beta, self.k)
end

return SpatialCrossMapLRN
