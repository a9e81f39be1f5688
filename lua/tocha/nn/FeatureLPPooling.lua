--- nn.FeatureLPPooling(width, stride, power [, batch_mode]): Lp pooling
-- across the feature dimension (Torch7's): output feature k is
--   (sum over the window f = (k - 1) stride + 1 .. + width of |x_f|^power)^(1 / power)
-- width in 2..16, stride in 1..4.  The feature dimension is the first
-- (the second with batch_mode); up to two further dimensions follow.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local FeatureLPPooling, parent = tocha.class("nn.FeatureLPPooling", "nn.Module")
local NAME = "nn.FeatureLPPooling"

function FeatureLPPooling:__init(width, stride, power, batch_mode)
  parent.__init(self)
  self.width = utils.checkinteger(width, NAME, "width", 2)
  self.stride = utils.checkinteger(stride, NAME, "stride", 1)
  if self.width > 16 then error(string.format("%s: width must be within 2 to 16", NAME), 2) end
  if self.stride > 4 then error(string.format("%s: stride must be within 1 to 4", NAME), 2) end
  if type(power) ~= "number" or power <= 0 then
    error(string.format("%s: power must be a positive number, got %s", NAME, tostring(power)), 2)
  end
  self.power = power
  self.batch_mode = batch_mode == true
end

-- The feature dimension and the number of output features.
local function layout(self, input)
  local fdim = self.batch_mode and 2 or 1
  if not tocha.isTensor(input) or input:dim() < fdim or input:dim() > fdim + 2 then
    error(string.format("%s: input must have %d to %d dimensions, got %s", NAME, fdim, fdim + 2,
      tocha.isTensor(input) and utils.shape(input) or tocha.type(input)), 3)
  end
  local n = input:size(fdim)
  if n < self.width then
    error(string.format("%s: %d features are fewer than the width %d", NAME, n, self.width), 3)
  end
  return fdim, (n - self.width) // self.stride + 1
end

-- The windows as a last dimension: (..., outputFeatures, ..., width).
local function windows(self, input, fdim)
  return input:unfold(fdim, self.width, self.stride)
end

function FeatureLPPooling:updateOutput(input)
  local fdim = layout(self, input)
  local w = windows(self, input, fdim)
  local y = w:clone():abs():pow(self.power):sum(w:dim()):select(w:dim(), 1):pow(1 / self.power)
  utils.like(self, "output", y):copy(y)
  return self.output
end

function FeatureLPPooling:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local fdim, nout = layout(self, input)
  local p = self.power
  local w = windows(self, input, fdim)
  local last = w:dim()
  -- d y_k / d x_f = sign(x_f) |x_f|^(p - 1) y_k^(1 - p)
  local y = w:clone():abs():pow(p):sum(last):pow(1 / p)
  local scale = y:clone():pow(1 - p):cmul(gradOutput:contiguous():view(y:size()))
  scale:maskedFill(y:eq(0), 0) -- an all-zero window has a zero gradient
  local d = w:clone():abs():pow(p - 1):cmul(w:clone():sign()):cmul(scale:expandAs(w))
  local gi = utils.like(self, "gradInput", input):zero()
  for k = 1, nout do
    -- d's slice for output k: (..., width) -> moved to the feature dimension
    local dk = d:select(fdim, k)
    for i = dk:dim(), fdim + 1, -1 do dk = dk:transpose(i, i - 1) end
    gi:narrow(fdim, (k - 1) * self.stride + 1, self.width):add(dk)
  end
  return gi
end

function FeatureLPPooling:__tostring__()
  return string.format("%s(w%d s%d power %g)", self.__typename, self.width, self.stride, self.power)
end

return FeatureLPPooling
