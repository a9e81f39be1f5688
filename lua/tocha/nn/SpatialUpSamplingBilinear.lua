-- nn.SpatialUpSamplingBilinear(scale) or nn.SpatialUpSamplingBilinear({oheight
-- = h, owidth = w}): bilinear enlargement of the last two dimensions of a
-- (planes, H, W) or (batch, planes, H, W) input with the corners aligned
-- (Torch7's module): with a scale the output is (H - 1) scale + 1 by
-- (W - 1) scale + 1; output row i takes input row (i - 1) (H - 1) / (oH - 1).
-- Each dimension is resampled by a small matrix (UpSampling.linearMatrix),
-- applied transposed in backward.
local tocha = require "tocha"
local utils = require "tocha.utils"
local UpSampling = require "tocha.nn.UpSampling"

local SpatialUpSamplingBilinear, parent = tocha.class("nn.SpatialUpSamplingBilinear", "nn.Module")
local NAME = "nn.SpatialUpSamplingBilinear"

function SpatialUpSamplingBilinear:__init(params)
  parent.__init(self)
  if type(params) == "table" and not tocha.isTensor(params) then
    self.oheight = utils.checkinteger(params.oheight, NAME, "oheight", 1)
    self.owidth = utils.checkinteger(params.owidth, NAME, "owidth", 1)
  else
    self.scale_factor = utils.checkinteger(params, NAME, "scale", 1)
  end
end

local function sizes(self, input)
  if not tocha.isTensor(input) or (input:dim() ~= 3 and input:dim() ~= 4) then
    error(string.format("%s: input must be 3D (planes, H, W) or 4D (batch, planes, H, W), got %s", NAME,
      tocha.isTensor(input) and utils.shape(input) or tocha.type(input)), 0)
  end
  local d = input:dim()
  local h, w = input:size(d - 1), input:size(d)
  if self.scale_factor then return d, (h - 1) * self.scale_factor + 1, (w - 1) * self.scale_factor + 1 end
  return d, self.oheight, self.owidth
end

function SpatialUpSamplingBilinear:updateOutput(input)
  local d, oh, ow = sizes(self, input)
  local y = UpSampling.apply(input, d - 1, UpSampling.linearMatrix(input:size(d - 1), oh, input))
  y = UpSampling.apply(y, d, UpSampling.linearMatrix(input:size(d), ow, input))
  utils.like(self, "output", y):copy(y)
  return self.output
end

function SpatialUpSamplingBilinear:updateGradInput(input, gradOutput)
  local d, oh, ow = sizes(self, input)
  utils.check_tensor(self, gradOutput, "gradOutput", 3)
  local want = input:size():totable()
  want[d - 1], want[d] = oh, ow
  if not gradOutput:isSize(tocha.LongStorage(want)) then
    error(string.format("%s: gradOutput must be of size %s, got %s", NAME, table.concat(want, "x"),
      utils.shape(gradOutput)), 0)
  end
  local g = UpSampling.apply(gradOutput, d - 1, UpSampling.linearMatrix(input:size(d - 1), oh, input):t())
  g = UpSampling.apply(g, d, UpSampling.linearMatrix(input:size(d), ow, input):t())
  utils.like(self, "gradInput", input):copy(g)
  return self.gradInput
end

function SpatialUpSamplingBilinear:__tostring__()
  if self.scale_factor then return string.format("%s(%d)", NAME, self.scale_factor) end
  return string.format("%s(%dx%d)", NAME, self.oheight, self.owidth)
end

return SpatialUpSamplingBilinear
