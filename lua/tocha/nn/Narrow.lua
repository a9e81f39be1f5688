-- nn.Narrow(dimension, offset [, length]): input:narrow(dimension, offset,
-- length) (Torch7's nn.Narrow; length 1).  A negative offset counts from
-- the end (-1 is the last index); a negative length leaves -length - 1
-- indices out at the end (-1: up to the last).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Narrow, parent = tocha.class("nn.Narrow", "nn.Module")

function Narrow:__init(dimension, offset, length)
  parent.__init(self)
  self.dimension = utils.checkinteger(dimension, "nn.Narrow", "dimension", 1)
  self.index = utils.checkinteger(offset, "nn.Narrow", "offset")
  self.length = utils.checkinteger(length or 1, "nn.Narrow", "length")
  if self.index == 0 or self.length == 0 then error("nn.Narrow: offset and length must not be 0", 2) end
end

local function range(self, input)
  local size = input:size(self.dimension)
  local offset = self.index < 0 and size + self.index + 1 or self.index
  local length = self.length < 0 and size - offset + self.length + 2 or self.length
  return offset, length
end

function Narrow:updateOutput(input)
  local offset, length = range(self, input)
  local view = input:narrow(self.dimension, offset, length)
  utils.like(self, "output", view):copy(view)
  return self.output
end

function Narrow:updateGradInput(input, gradOutput)
  local offset, length = range(self, input)
  local gi = utils.like(self, "gradInput", input):zero()
  gi:narrow(self.dimension, offset, length):copy(gradOutput)
  return gi
end

function Narrow:__tostring__()
  return string.format("nn.Narrow(%d, %d, %d)", self.dimension, self.index, self.length)
end

return Narrow
