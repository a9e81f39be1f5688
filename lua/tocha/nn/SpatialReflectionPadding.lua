--- nn.SpatialReflectionPadding(padL, padR, padT, padB): pads the last two
-- dimensions of (planes, H, W) or (batch, planes, H, W) input by mirroring
-- it about its edge pixels (the edge itself is not repeated); negative pads
-- crop. Each pad must be smaller than the padded dimension (Torch7's rule).
local tocha = require "tocha"
local utils = require "tocha.utils"
local gather = require "tocha.nn.spatial_gather"

local SpatialReflectionPadding, parent = tocha.class("nn.SpatialReflectionPadding", "nn.Module")

function SpatialReflectionPadding:__init(pad_l, pad_r, pad_t, pad_b)
  parent.__init(self)
  local name = self.__typename
  self.pad_l = utils.checkinteger(pad_l, name, "pad_l", nil, 4)
  self.pad_r = utils.checkinteger(pad_r or self.pad_l, name, "pad_r", nil, 4)
  self.pad_t = utils.checkinteger(pad_t or self.pad_l, name, "pad_t", nil, 4)
  self.pad_b = utils.checkinteger(pad_b or self.pad_l, name, "pad_b", nil, 4)
end

-- Input coordinate (0-based) read by padded coordinate x (0-based, may lie
-- outside [0, n)); overridden by SpatialReplicationPadding.
function SpatialReflectionPadding._source(x, n)
  if x < 0 then return -x end
  if x >= n then return 2 * (n - 1) - x end
  return x
end

function SpatialReflectionPadding:_check_pad(n, before, after, what)
  if before >= n or after >= n then
    error(string.format("%s: %s pads (%d, %d) must be smaller than the input %s %d", self.__typename, what,
      before, after, what, n), 5)
  end
end

-- The row and column index maps for this input.
function SpatialReflectionPadding:_maps(input)
  local hd, wd = gather.check_input(self, input, 4)
  local h, w = input:size(hd), input:size(wd)
  self:_check_pad(h, self.pad_t, self.pad_b, "height")
  self:_check_pad(w, self.pad_l, self.pad_r, "width")
  local oh, ow = h + self.pad_t + self.pad_b, w + self.pad_l + self.pad_r
  if oh < 1 or ow < 1 then
    error(string.format("%s: input of size %s is cropped to nothing", self.__typename, utils.shape(input)), 4)
  end
  local source = self._source
  local rows = gather.map(oh, function(i) return source(i - 1 - self.pad_t, h) + 1 end)
  local cols = gather.map(ow, function(j) return source(j - 1 - self.pad_l, w) + 1 end)
  return rows, cols
end

function SpatialReflectionPadding:updateOutput(input)
  local rows, cols = self:_maps(input)
  return gather.forward(self, input, rows, cols)
end

function SpatialReflectionPadding:updateGradInput(input, gradOutput)
  local rows, cols = self:_maps(input)
  return gather.backward(self, input, gradOutput, rows, cols)
end

function SpatialReflectionPadding:__tostring__()
  return string.format("%s(l=%d, r=%d, t=%d, b=%d)", self.__typename, self.pad_l, self.pad_r, self.pad_t, self.pad_b)
end

return SpatialReflectionPadding
