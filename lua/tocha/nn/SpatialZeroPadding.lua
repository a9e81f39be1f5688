--- nn.SpatialZeroPadding(padLeft [, padRight, padTop, padBottom]): pads the
-- last two dimensions of (planes, H, W) or (batch, planes, H, W) input with
-- zeros (the missing pads default to padLeft); negative pads crop.
local tocha = require "tocha"
local utils = require "tocha.utils"

local SpatialZeroPadding, parent = tocha.class("nn.SpatialZeroPadding", "nn.Module")

function SpatialZeroPadding:__init(pad_l, pad_r, pad_t, pad_b)
  parent.__init(self)
  local name = self.__typename
  self.pad_l = utils.checkinteger(pad_l, name, "pad_l", nil, 4)
  self.pad_r = utils.checkinteger(pad_r or self.pad_l, name, "pad_r", nil, 4)
  self.pad_t = utils.checkinteger(pad_t or self.pad_l, name, "pad_t", nil, 4)
  self.pad_b = utils.checkinteger(pad_b or self.pad_l, name, "pad_b", nil, 4)
end

-- The (h, w) views of `big` and `small` that correspond: the input's part
-- that survives the crop, and where it lands in the output.
local function inner_views(self, input, output)
  local hd, wd = input:dim() - 1, input:dim()
  local h, w = input:size(hd), input:size(wd)
  local inView, outView = input, output
  -- rows: crop the input where a pad is negative, offset in the output where positive
  local top, bottom = self.pad_t, self.pad_b
  local left, right = self.pad_l, self.pad_r
  local keepH, keepW = h + math.min(top, 0) + math.min(bottom, 0), w + math.min(left, 0) + math.min(right, 0)
  if keepH <= 0 or keepW <= 0 then return nil end
  inView = inView:narrow(hd, 1 + math.max(-top, 0), keepH):narrow(wd, 1 + math.max(-left, 0), keepW)
  outView = outView:narrow(hd, 1 + math.max(top, 0), keepH):narrow(wd, 1 + math.max(left, 0), keepW)
  return inView, outView
end

local function output_size(self, input)
  local dim = input:dim()
  if dim ~= 3 and dim ~= 4 then
    error(string.format("%s: input must be 3D (planes x height x width) or 4D (batch x planes x height x width), "
      .. "got size %s", self.__typename, utils.shape(input)), 4)
  end
  local size = input:size()
  size[dim - 1] = size[dim - 1] + self.pad_t + self.pad_b
  size[dim] = size[dim] + self.pad_l + self.pad_r
  if size[dim - 1] < 1 or size[dim] < 1 then
    error(string.format("%s: input of size %s is cropped to nothing", self.__typename, utils.shape(input)), 4)
  end
  return size
end

function SpatialZeroPadding:updateOutput(input)
  utils.check_tensor(self, input, "input")
  local size = output_size(self, input)
  if tocha.type(self.output) ~= tocha.type(input) then self.output = input.new() end
  self.output:resize(size):zero()
  local from, to = inner_views(self, input, self.output)
  if from then to:copy(from) end
  return self.output
end

function SpatialZeroPadding:updateGradInput(input, gradOutput)
  utils.check_tensor(self, input, "input")
  utils.check_tensor(self, gradOutput, "gradOutput")
  local size = output_size(self, input)
  if not gradOutput:isSize(size) then
    error(string.format("%s: gradOutput must have size %s, got %s", self.__typename,
      table.concat(size:totable(), "x"), utils.shape(gradOutput)), 2)
  end
  if tocha.type(self.gradInput) ~= tocha.type(input) then self.gradInput = input.new() end
  self.gradInput:resizeAs(input):zero()
  local to, from = inner_views(self, self.gradInput, gradOutput)
  if from then to:copy(from) end
  return self.gradInput
end

function SpatialZeroPadding:__tostring__()
  return string.format("%s(l=%d, r=%d, t=%d, b=%d)", self.__typename, self.pad_l, self.pad_r, self.pad_t, self.pad_b)
end

return SpatialZeroPadding
