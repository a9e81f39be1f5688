--- nn.Reshape(sizes... [, batchMode]): the input copied into (or viewed as)
-- another shape (Torch7's nn.Reshape).  An input whose first dimension is
-- not part of the sizes is a batch: Reshape(2, 3) maps 6 -> 2x3 and
-- 4x6 -> 4x2x3.  batchMode = true / false forces either reading.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Reshape, parent = tocha.class("nn.Reshape", "nn.Module")

function Reshape:__init(...)
  parent.__init(self)
  local args = { ... }
  local n = select("#", ...)
  if type(args[n]) == "boolean" then
    self.batchMode = args[n]
    args[n] = nil
    n = n - 1
  end
  local given = (n == 1 and type(args[1]) == "table") and args[1] or args
  if #given == 0 then error("nn.Reshape: sizes expected", 2) end
  local size, batchsize = {}, { 0 }
  self.nelement = 1
  for i = 1, #given do
    local s = utils.integer(given[i])
    if s == nil or s < 1 then
      error(string.format("nn.Reshape: size %d must be a positive integer, got %s", i, tostring(given[i])), 2)
    end
    size[i], batchsize[i + 1] = s, s
    self.nelement = self.nelement * s
  end
  self.size = tocha.LongStorage(size)
  self.batchsize = tocha.LongStorage(batchsize)
end

local shape = utils.shape

function Reshape:updateOutput(input)
  if not tocha.isTensor(input) then
    error(string.format("nn.Reshape: input must be a tensor, got %s", tocha.type(input)), 0)
  end
  input = utils.contiguous(self, "_input", input)
  local n = input:nElement()
  local batch = self.batchMode
  if batch == nil then batch = not (n == self.nelement and input:size(1) ~= 1) end
  if batch then
    if input:dim() == 0 or n ~= input:size(1) * self.nelement then
      error(string.format("nn.Reshape: input of size %s is not a batch of %s", shape(input),
        table.concat(self.size, "x")), 0)
    end
    self.batchsize[1] = input:size(1)
    self.output = input:view(self.batchsize)
  else
    if n ~= self.nelement then
      error(string.format("nn.Reshape: input of size %s (%d elements) cannot be reshaped to %s", shape(input), n,
        table.concat(self.size, "x")), 0)
    end
    self.output = input:view(self.size)
  end
  return self.output
end

function Reshape:updateGradInput(input, gradOutput)
  self.gradInput = utils.contiguous(self, "_gradOutput", gradOutput):view(input:size())
  return self.gradInput
end

function Reshape:clearState()
  utils.clear(self, "_input", "_gradOutput")
  return parent.clearState(self)
end

function Reshape:__tostring__()
  return self.__typename .. "(" .. table.concat(self.size, "x") .. ")"
end

return Reshape
