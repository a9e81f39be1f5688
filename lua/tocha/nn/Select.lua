--- nn.Select(dimension, index): input:select(dimension, index) (Torch7's
-- nn.Select); negative values count from the end.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Select, parent = tocha.class("nn.Select", "nn.Module")

function Select:__init(dimension, index)
  parent.__init(self)
  self.dimension = utils.checkinteger(dimension, "nn.Select", "dimension")
  self.index = utils.checkinteger(index, "nn.Select", "index")
end

local function where(self, input)
  local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
  local index = self.index < 0 and input:size(dim) + self.index + 1 or self.index
  return dim, index
end

function Select:updateOutput(input)
  local dim, index = where(self, input)
  local view = input:select(dim, index)
  utils.like(self, "output", view):copy(view)
  return self.output
end

function Select:updateGradInput(input, gradOutput)
  local dim, index = where(self, input)
  local gi = utils.like(self, "gradInput", input):zero()
  gi:select(dim, index):copy(gradOutput)
  return gi
end

return Select
