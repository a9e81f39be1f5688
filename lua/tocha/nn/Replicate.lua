--- nn.Replicate(nFeature [, dim [, ndim]]): nFeature copies of the input
-- stacked along a new dimension `dim` (1), as Torch7's nn.Replicate; the
-- output is a stride-0 view; with ndim, an input of ndim + 1 dimensions is
-- a batch and dim moves one up.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Replicate, parent = tocha.class("nn.Replicate", "nn.Module")

function Replicate:__init(nf, dim, ndim)
  parent.__init(self)
  self.nfeatures = utils.checkinteger(nf, "nn.Replicate", "nFeature", 1)
  self.dim = utils.checkinteger(dim or 1, "nn.Replicate", "dim", 1)
  if ndim ~= nil then self.ndim = utils.checkinteger(ndim, "nn.Replicate", "ndim", 1) end
end

local function position(self, input)
  local dim = self.dim
  if self.ndim and input:dim() == self.ndim + 1 then dim = dim + 1 end
  if dim > input:dim() + 1 then
    error(string.format("nn.Replicate: dim %d out of range for a %dD input", self.dim, input:dim()), 3)
  end
  return dim
end

function Replicate:updateOutput(input)
  local dim = position(self, input)
  local sizes = input:size():totable()
  table.insert(sizes, dim, 1)
  local view = input:contiguous():view(tocha.LongStorage(sizes))
  sizes[dim] = self.nfeatures
  self.output = view:expand(tocha.LongStorage(sizes))
  return self.output
end

function Replicate:updateGradInput(input, gradOutput)
  local dim = position(self, input)
  utils.like(self, "gradInput", input):copy(gradOutput:sum(dim))
  return self.gradInput
end

return Replicate
