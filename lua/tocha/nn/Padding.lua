--- nn.Padding(dim, pad [, nInputDim [, value [, index]]]): inserts |pad|
-- entries of value (0) along dim (Torch7's).  pad < 0 pads before
-- position index (1) counted from the start; pad > 0 pads after the
-- index-th entry counted from the end (index 1: at the end).  With
-- nInputDim, an input of more dimensions is a batch and dim moves one up.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local Padding, parent = tocha.class("nn.Padding", "nn.Module")
local NAME = "nn.Padding"

function Padding:__init(dim, pad, nInputDim, value, index)
  parent.__init(self)
  self.dim = utils.checkinteger(dim, NAME, "dim", 1)
  self.pad = utils.checkinteger(pad, NAME, "pad")
  if nInputDim ~= nil then self.nInputDim = utils.checkinteger(nInputDim, NAME, "nInputDim", 1) end
  self.value = Loss.number(NAME, "value", value, 0)
  self.index = utils.checkinteger(index or 1, NAME, "index", 1)
end

-- The padded dimension, the size along it, and where the padding starts
-- (the input goes before it, the rest after).
local function layout(self, input)
  Loss.tensor(NAME, "input", input)
  local dim = self.dim
  if self.nInputDim and input:dim() ~= self.nInputDim then dim = dim + 1 end
  if dim > input:dim() then
    error(string.format("%s: dimension %d out of range for a %dD input", NAME, dim, input:dim()), 3)
  end
  local n = input:size(dim)
  local index = self.index
  if self.pad > 0 then index = n - index + 2 end
  if index < 1 or index > n + 1 then
    error(string.format("%s: index %d out of range for a dimension of size %d", NAME, self.index, n), 3)
  end
  return dim, n, index, math.abs(self.pad)
end

function Padding:updateOutput(input)
  local dim, n, index, pad = layout(self, input)
  local size = input:size():totable()
  size[dim] = n + pad
  self.output:resize(tocha.LongStorage(size)):fill(self.value)
  if index > 1 then self.output:narrow(dim, 1, index - 1):copy(input:narrow(dim, 1, index - 1)) end
  if index <= n then
    self.output:narrow(dim, index + pad, n - index + 1):copy(input:narrow(dim, index, n - index + 1))
  end
  return self.output
end

function Padding:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local dim, n, index, pad = layout(self, input)
  local gi = utils.like(self, "gradInput", input)
  if index > 1 then gi:narrow(dim, 1, index - 1):copy(gradOutput:narrow(dim, 1, index - 1)) end
  if index <= n then
    gi:narrow(dim, index, n - index + 1):copy(gradOutput:narrow(dim, index + pad, n - index + 1))
  end
  return gi
end

return Padding
