--- nn.JoinTable(dimension [, nInputDims]): concatenates a table of tensors
-- along `dimension` (Torch7's).  With nInputDims, an input of
-- nInputDims + 1 dimensions is taken as a batch and the dimension moves
-- one up; a negative dimension counts from the end.
local tocha = require "tocha"
local utils = require "tocha.utils"

local JoinTable, parent = tocha.class("nn.JoinTable", "nn.Module")

function JoinTable:__init(dimension, nInputDims)
  parent.__init(self)
  self.dimension = utils.checkinteger(dimension, "nn.JoinTable", "dimension")
  if self.dimension == 0 then error("nn.JoinTable: dimension must not be 0", 2) end
  if nInputDims ~= nil then self.nInputDims = utils.checkinteger(nInputDims, "nn.JoinTable", "nInputDims", 1) end
  self.gradInput = {}
  self.size = tocha.LongStorage()
end

-- The 1-based dimension to join along for this input.
function JoinTable:_getPositiveDimension(input)
  return utils.batch_dimension(self.dimension, input[1]:dim(), self.nInputDims)
end

local function check(input)
  if type(input) ~= "table" or tocha.isTensor(input) or #input == 0 then
    error("nn.JoinTable: input must be a non-empty table of tensors, got " .. tocha.type(input), 3)
  end
  for i = 1, #input do
    if not tocha.isTensor(input[i]) then
      error(string.format("nn.JoinTable: input[%d] must be a tensor, got %s", i, tocha.type(input[i])), 3)
    end
  end
end

function JoinTable:updateOutput(input)
  check(input)
  local dim = self:_getPositiveDimension(input)
  local first = input[1]
  if dim < 1 or dim > first:dim() then
    error(string.format("nn.JoinTable: dimension %d out of range for a %dD input", dim, first:dim()), 2)
  end
  local sizes = first:size():totable()
  local total = 0
  for i = 1, #input do
    local t = input[i]
    if t:dim() ~= first:dim() then
      error(string.format("nn.JoinTable: input[%d] (%s) and input[1] (%s) differ in dimensions", i,
        utils.shape(t), utils.shape(first)), 2)
    end
    for d = 1, first:dim() do
      if d ~= dim and t:size(d) ~= sizes[d] then
        error(string.format("nn.JoinTable: input[%d] (%s) and input[1] (%s) differ in dimension %d", i,
          utils.shape(t), utils.shape(first), d), 2)
      end
    end
    total = total + t:size(dim)
  end
  sizes[dim] = total
  if tocha.type(self.output) ~= tocha.type(first) then self.output = first.new() end
  self.output:resize(tocha.LongStorage(sizes))
  local offset = 1
  for i = 1, #input do
    local n = input[i]:size(dim)
    self.output:narrow(dim, offset, n):copy(input[i])
    offset = offset + n
  end
  return self.output
end

function JoinTable:updateGradInput(input, gradOutput)
  check(input)
  local dim = self:_getPositiveDimension(input)
  local gi = self.gradInput
  local offset = 1
  for i = 1, #input do
    if not tocha.isTensor(gi[i]) or tocha.type(gi[i]) ~= tocha.type(input[i]) then gi[i] = input[i].new() end
    local n = input[i]:size(dim)
    gi[i]:resizeAs(input[i]):copy(gradOutput:narrow(dim, offset, n))
    offset = offset + n
  end
  for i = #input + 1, #gi do gi[i] = nil end
  return gi
end

function JoinTable:__tostring__()
  return string.format("nn.JoinTable(%d)", self.dimension)
end

return JoinTable
