--- nn.Constant(value [, nInputDim]): outputs the tensor (or number) value
-- whatever the input, repeated over the batch when the input has more
-- than nInputDim dimensions; the input's gradient is zero (Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Constant, parent = tocha.class("nn.Constant", "nn.Module")

function Constant:__init(value, nInputDim)
  parent.__init(self)
  if type(value) == "number" then value = tocha.Tensor({ value }) end
  if not tocha.isTensor(value) then
    error(string.format("nn.Constant: value must be a tensor or a number, got %s", tocha.type(value)), 2)
  end
  self.value = value
  if nInputDim ~= nil then self.nInputDim = utils.checkinteger(nInputDim, "nn.Constant", "nInputDim", 0) end
end

function Constant:updateOutput(input)
  if self.nInputDim and tocha.isTensor(input) and input:dim() > self.nInputDim then
    local size = self.value:size():totable()
    local batch = input:size(1)
    local view = self.value:contiguous():view(1, table.unpack(size))
    table.insert(size, 1, batch)
    self.output:resize(tocha.LongStorage(size)):copy(view:expand(tocha.LongStorage(size)))
  else
    self.output:resize(self.value:size()):copy(self.value)
  end
  return self.output
end

function Constant:updateGradInput(input)
  utils.like(self, "gradInput", input):zero()
  return self.gradInput
end

return Constant
