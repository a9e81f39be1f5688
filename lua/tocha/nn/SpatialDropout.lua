-- nn.SpatialDropout(p, v1, inplace, stochasticInference): Dropout with one
-- mask bit per feature map, for (features, h, w) or (batch, features, h, w)
-- input, the form used after convolution or pooling layers.  Unlike
-- Torch7's (which only had v1 scaling and no backward in evaluate mode),
-- it takes Dropout's arguments and defaults.
local tocha = require "tocha"

local SpatialDropout = tocha.class("nn.SpatialDropout", "nn.Dropout")

function SpatialDropout:groupSize(input)
  local dim = input:dim()
  if dim ~= 3 and dim ~= 4 then
    error(string.format("bad argument #1 to 'updateOutput' (%s expects 3D (features, h, w) or 4D (batch, "
      .. "features, h, w) input, got %dD)", self.__typename, dim), 4)
  end
  return input:size(dim - 1) * input:size(dim)
end

return SpatialDropout
