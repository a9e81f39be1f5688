--- nn.Narrow(dimension, offset [, length]): input:narrow(dimension, offset,
-- length) (Torch7's nn.Narrow; length 1), with Torch7's rules for negative
-- arguments: a negative dimension counts from the end; a negative length
-- leaves -length - 1 indices out at the end (-1: up to the last); a
-- negative offset means "from index 1, leaving the last `length` out".
local tocha = require "tocha"
local utils = require "tocha.utils"

local Narrow, parent = tocha.class("nn.Narrow", "nn.Module")

function Narrow:__init(dimension, offset, length)
  parent.__init(self)
  self.dimension = utils.checkinteger(dimension, "nn.Narrow", "dimension")
  if self.dimension == 0 then error("nn.Narrow: dimension must not be 0", 2) end
  self.index = utils.checkinteger(offset, "nn.Narrow", "offset")
  self.length = utils.checkinteger(length or 1, "nn.Narrow", "length")
  if self.index == 0 or self.length == 0 then error("nn.Narrow: offset and length must not be 0", 2) end
end

-- The dimension (negative: from the end), offset and length for input.
local function range(self, input)
  local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
  if dim < 1 or dim > input:dim() then
    error(string.format("nn.Narrow: dimension %d out of range for a %dD input", self.dimension, input:dim()), 3)
  end
  local size = input:size(dim)
  local offset, length = self.index, self.length
  if length < 0 then length = size - offset + length + 2 end
  if offset < 0 then offset, length = 1, size - length end
  return dim, offset, length
end

function Narrow:updateOutput(input)
  local dim, offset, length = range(self, input)
  local view = input:narrow(dim, offset, length)
  utils.like(self, "output", view):copy(view)
  return self.output
end

function Narrow:updateGradInput(input, gradOutput)
  local dim, offset, length = range(self, input)
  local gi = utils.like(self, "gradInput", input):zero()
  gi:narrow(dim, offset, length):copy(gradOutput)
  return gi
end

function Narrow:__tostring__()
  return string.format("nn.Narrow(%d, %d, %d)", self.dimension, self.index, self.length)
end

return Narrow
