--- nn.SpatialDropout(p, v1, inplace, stochasticInference): Dropout with one
-- mask bit per feature map, for (features, h, w) or (batch, features, h, w)
-- input, the form used after convolution or pooling layers.  It takes
-- Dropout's arguments and defaults: survivors scaled by 1/(1-p) in
-- training, identity in evaluation.
--
-- Torch7's SpatialDropout(p, stochasticInference) only had v1 scaling:
-- survivors kept as they are, the output scaled by 1-p in evaluation.
-- Torch7 code and Torch7 files compute exactly that: under tocha.compat
-- the constructor takes Torch7's arguments and gives v1, and a module read
-- from a Torch7 file (which has no v2 field) is v1.
local tocha = require "tocha"

local SpatialDropout, parent = tocha.class("nn.SpatialDropout", "nn.Dropout")

function SpatialDropout:__init(p, v1, inplace, stochasticInference)
  if package.loaded["tocha.compat"] then -- Torch7's (p, stochasticInference)
    parent.__init(self, p, true, false, v1)
  else
    parent.__init(self, p, v1, inplace, stochasticInference)
  end
end

-- Before the reader fills missing fields from a default instance: Torch7's
-- files have no v2, and Torch7's SpatialDropout is v1.
function SpatialDropout.__t7_fields(obj)
  if rawget(obj, "v2") == nil then obj.v2 = false end
end

--- The number of elements that share one drop decision (a whole feature map) for input.
function SpatialDropout:groupSize(input)
  local dim = input:dim()
  if dim ~= 3 and dim ~= 4 then
    error(string.format("bad argument #1 to 'updateOutput' (%s expects 3D (features, h, w) or 4D (batch, "
      .. "features, h, w) input, got %dD)", self.__typename, dim), 4)
  end
  return input:size(dim - 1) * input:size(dim)
end

return SpatialDropout
