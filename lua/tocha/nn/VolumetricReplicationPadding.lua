-- nn.VolumetricReplicationPadding(pleft, pright, ptop, pbottom, pfront, pback):
-- pads the last three dimensions (T, H, W) of a (planes, T, H, W) or (batch,
-- planes, T, H, W) input by repeating its edge values (Torch7's module);
-- negative pads crop.  Omitted pads equal pleft.  Output voxel (t, y, x)
-- copies input voxel (clamp(t - pfront), clamp(y - ptop), clamp(x - pleft)):
-- forward gathers with index(), backward adds back with indexAdd().
local tocha = require "tocha"
local utils = require "tocha.utils"
local gather = require "tocha.nn.spatial_gather"

local VolumetricReplicationPadding, parent = tocha.class("nn.VolumetricReplicationPadding", "nn.Module")

function VolumetricReplicationPadding:__init(pleft, pright, ptop, pbottom, pfront, pback)
  parent.__init(self)
  local name = self.__typename
  self.pleft = utils.checkinteger(pleft, name, "pleft", nil, 4)
  self.pright = utils.checkinteger(pright or self.pleft, name, "pright", nil, 4)
  self.ptop = utils.checkinteger(ptop or self.pleft, name, "ptop", nil, 4)
  self.pbottom = utils.checkinteger(pbottom or self.pleft, name, "pbottom", nil, 4)
  self.pfront = utils.checkinteger(pfront or self.pleft, name, "pfront", nil, 4)
  self.pback = utils.checkinteger(pback or self.pleft, name, "pback", nil, 4)
end

-- The index maps along T, H, W (dimensions first .. first + 2).
local function maps(self, input)
  utils.check_tensor(self, input, "input", 4)
  local d = input:dim()
  if (d ~= 4 and d ~= 5) or input:nElement() == 0 then
    error(string.format("%s: input must be a non-empty 4D (planes x T x H x W) or 5D (batch x planes x T x H x W) "
      .. "tensor, got size %s", self.__typename, utils.shape(input)), 0)
  end
  local first = d - 2
  local pads = { { self.pfront, self.pback }, { self.ptop, self.pbottom }, { self.pleft, self.pright } }
  local out = {}
  for k = 1, 3 do
    local n = input:size(first + k - 1)
    local before, after = pads[k][1], pads[k][2]
    local m = n + before + after
    if m < 1 then
      error(string.format("%s: input of size %s is cropped to nothing", self.__typename, utils.shape(input)), 0)
    end
    out[k] = gather.map(m, function(i) return math.min(math.max(i - 1 - before, 0), n - 1) + 1 end)
  end
  return first, out
end

function VolumetricReplicationPadding:updateOutput(input)
  local first, m = maps(self, input)
  local y = input
  for k = 1, 3 do y = y:index(first + k - 1, m[k]) end
  self.output = y
  return y
end

function VolumetricReplicationPadding:updateGradInput(input, gradOutput)
  local first, m = maps(self, input)
  utils.check_tensor(self, gradOutput, "gradOutput", 3)
  local size = input:size()
  for k = 1, 3 do size[first + k - 1] = m[k]:size(1) end
  if not gradOutput:isSize(size) then
    error(string.format("%s: gradOutput must have size %s, got %s", self.__typename,
      table.concat(size:totable(), "x"), utils.shape(gradOutput)), 0)
  end
  local g = gradOutput
  for k = 3, 1, -1 do
    local d = first + k - 1
    size[d] = input:size(d)
    g = input.new(size):zero():indexAdd(d, m[k], g)
  end
  self.gradInput = g
  return g
end

function VolumetricReplicationPadding:__tostring__()
  return string.format("%s(left=%d, right=%d, top=%d, bottom=%d, front=%d, back=%d)", self.__typename, self.pleft,
    self.pright, self.ptop, self.pbottom, self.pfront, self.pback)
end

return VolumetricReplicationPadding
