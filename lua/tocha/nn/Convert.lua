--- nn.Convert([inputShape [, outputShape]]): converts between data layouts
-- named by axis letters (Torch7's, from dpnn): 'b' is the batch axis,
-- e.g. Convert('bchw', 'chwb') permutes the axes, Convert('bchw', 'bf')
-- flattens each sample, Convert('bf', 'b') and Convert('b', 'bt') drop or
-- add a unit axis.  A shape without 'b' gets one in front; an input with
-- fewer dimensions than inputShape is one sample.  Inputs of another
-- tensor type are first copied into the module's type (Convert() does
-- only that).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local Convert, parent = tocha.class("nn.Convert", "nn.Module")
local NAME = "nn.Convert"

function Convert:__init(inputShape, outputShape)
  parent.__init(self)
  if outputShape and not inputShape then error(string.format("%s: outputShape needs an inputShape", NAME), 2) end
  inputShape = inputShape or "b*"
  outputShape = outputShape or inputShape
  if type(inputShape) ~= "string" or type(outputShape) ~= "string" then
    error(string.format("%s: shapes must be strings such as 'bchw'", NAME), 2)
  end
  self.inputShape = inputShape:find("b") and inputShape or ("b" .. inputShape)
  self.outputShape = outputShape:find("b") and outputShape or ("b" .. outputShape)
  self.inputBatchDim = self.inputShape:find("b")
  self.outputBatchDim = self.outputShape:find("b")
  if self.inputShape == "b*" or self.outputShape == "b*" then
    if self.inputShape ~= self.outputShape then
      error(string.format("%s: both or neither shapes must be b*", NAME), 2)
    end
    self.nInputDim = -1
    self.kind = "identity"
    return
  end
  self.nInputDim = #self.inputShape
  if #self.inputShape == #self.outputShape then
    local perm, complete = {}, true
    for i = 1, #self.outputShape do
      perm[i] = self.inputShape:find(self.outputShape:sub(i, i), 1, true)
      if not perm[i] then complete = false end
    end
    if complete then
      self.kind, self.perm = "permute", perm
      return
    end
  end
  if self.outputShape == "bf" then
    self.kind = "bf"
  elseif self.outputShape == "b" and (self.inputShape == "bf" or self.inputShape == "fb" or
      self.inputShape == "bt" or self.inputShape == "tb") then
    self.kind, self.selectDim = "b", 3 - self.inputBatchDim
  elseif self.outputShape == "bt" and self.inputShape == "b" then
    self.kind = "bt"
  else
    error(string.format("%s: unrecognized conversion of shape %s to %s", NAME, self.inputShape, self.outputShape), 2)
  end
end

local function inverse(perm)
  local inv = {}
  for i, p in ipairs(perm) do inv[p] = i end
  return inv
end

-- input in the module's type, and as a batch.
function Convert:_batch(input)
  if not tocha.isTensor(input) then
    error(string.format("%s: input must be a tensor, got %s", NAME, tocha.type(input)), 3)
  end
  if tocha.type(input) ~= tocha.type(self.output) then
    input = utils.like(self, "_input", input.new():type(self.output:type())):resize(input:size()):copy(input)
  end
  self.batchMode = true
  if self.nInputDim > 0 and input:dim() < self.nInputDim then
    local size = input:size():totable()
    table.insert(size, self.inputBatchDim, 1)
    input = input:contiguous():view(tocha.LongStorage(size))
    self.batchMode = false
  end
  if self.nInputDim > 0 and input:dim() ~= self.nInputDim then
    error(string.format("%s: a %s input needs %d dimensions, got %d", NAME, self.inputShape, self.nInputDim,
      input:dim()), 3)
  end
  return input
end

function Convert:updateOutput(input)
  local x = self:_batch(input)
  local y
  if self.kind == "identity" then
    y = x
  elseif self.kind == "permute" then
    y = x:permute(table.unpack(self.perm))
  elseif self.kind == "bf" then
    local b = self.inputBatchDim
    local moved = b == 1 and x or x:transpose(1, b)
    y = moved:contiguous():view(moved:size(1), moved:nElement() // math.max(1, moved:size(1)))
  elseif self.kind == "b" then
    if x:size(self.selectDim) ~= 1 and (self.inputShape == "bf" or self.inputShape == "fb") then
      error(string.format("%s: cannot convert %s to b when the feature size is not 1", NAME, self.inputShape), 2)
    end
    y = x:select(self.selectDim, 1)
  else -- "bt"
    y = x:contiguous():view(x:size(1), 1)
  end
  if not self.batchMode then
    local size = y:size():totable()
    table.remove(size, self.outputBatchDim)
    y = y:contiguous():view(tocha.LongStorage(size))
  end
  self.output:resize(y:size()):copy(y)
  return self.output
end

function Convert:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local x = self:_batch(input)
  local g = gradOutput
  if not self.batchMode then
    local size = g:size():totable()
    table.insert(size, self.outputBatchDim, 1)
    g = g:contiguous():view(tocha.LongStorage(size))
  end
  local gi
  if self.kind == "identity" then
    gi = g
  elseif self.kind == "permute" then
    gi = g:permute(table.unpack(inverse(self.perm)))
  elseif self.kind == "bf" then
    local b = self.inputBatchDim
    local moved = b == 1 and x or x:transpose(1, b)
    gi = g:contiguous():view(moved:size())
    if b ~= 1 then gi = gi:transpose(1, b) end
  elseif self.kind == "b" then
    gi = x.new():resizeAs(x):zero()
    gi:select(self.selectDim, 1):copy(g)
  else
    gi = g:contiguous():viewAs(x)
  end
  utils.like(self, "gradInput", input):copy(gi:contiguous():viewAs(input))
  return self.gradInput
end

function Convert:__tostring__()
  return string.format("%s(%s -> %s)", self.__typename, self.inputShape, self.outputShape)
end

return Convert
