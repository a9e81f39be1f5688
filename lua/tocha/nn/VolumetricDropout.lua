--- nn.VolumetricDropout(p, ...): SpatialDropout for volumes, one mask bit
-- per feature volume of (features, t, h, w) or (batch, features, t, h, w)
-- input, with SpatialDropout's arguments and semantics (Torch7's v1 scaling
-- under tocha.compat and for Torch7 files).
local tocha = require "tocha"

local VolumetricDropout = tocha.class("nn.VolumetricDropout", "nn.SpatialDropout")

--- The number of elements that share one drop decision (a whole feature volume) for input.
function VolumetricDropout:groupSize(input)
  local dim = input:dim()
  if dim ~= 4 and dim ~= 5 then
    error(string.format("bad argument #1 to 'updateOutput' (%s expects 4D (features, t, h, w) or 5D (batch, "
      .. "features, t, h, w) input, got %dD)", self.__typename, dim), 4)
  end
  return input:size(dim - 2) * input:size(dim - 1) * input:size(dim)
end

VolumetricDropout.__t7_fields = tocha.nn.SpatialDropout.__t7_fields

return VolumetricDropout
