--- nn.SpatialReplicationPadding(padL, padR, padT, padB): pads the last two
-- dimensions of (planes, H, W) or (batch, planes, H, W) input by repeating
-- its edge pixels; negative pads crop.
local tocha = require "tocha"
require "tocha.nn.SpatialReflectionPadding"

local SpatialReplicationPadding = tocha.class("nn.SpatialReplicationPadding", "nn.SpatialReflectionPadding")

function SpatialReplicationPadding._source(x, n)
  return math.min(math.max(x, 0), n - 1)
end

function SpatialReplicationPadding._check_pad() end -- any pad replicates

return SpatialReplicationPadding
