--- nn.Bottle(module [, nInputDim [, nOutputDim]]): applies a module made
-- for inputs of nInputDim dimensions (2) to inputs with more leading
-- dimensions, by folding those into the first one and unfolding the
-- output (of nOutputDim dimensions, default nInputDim; Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local Bottle, parent = tocha.class("nn.Bottle", "nn.Container")
local NAME = "nn.Bottle"

function Bottle:__init(module, nInputDim, nOutputDim)
  parent.__init(self)
  if not tocha.class.istype(module, "nn.Module") then
    error(string.format("%s: module expected, got %s", NAME, tocha.type(module)), 2)
  end
  self.nInputDim = utils.checkinteger(nInputDim or 2, NAME, "nInputDim", 1)
  self.nOutputDim = utils.checkinteger(nOutputDim or self.nInputDim, NAME, "nOutputDim", 1)
  self.dimDelta = self.nInputDim - self.nOutputDim
  self.modules[1] = module
end

-- The input's size with its leading dimensions folded into one.
local function folded(self, input)
  local batchDims = input:dim() - self.nInputDim + 1
  local size = input:size():totable()
  local squeeze = 1
  for i = 1, batchDims - 1 do squeeze = squeeze * size[i] end
  local inShape = {}
  for i = batchDims, #size do inShape[#inShape + 1] = size[i] end
  inShape[1] = inShape[1] * squeeze
  return inShape, batchDims, squeeze
end

function Bottle:updateOutput(input)
  if not tocha.isTensor(input) then
    error(string.format("%s: input must be a tensor, got %s", NAME, tocha.type(input)), 2)
  end
  if input:dim() <= self.nInputDim then
    self.output = self:rethrowErrors(self.modules[1], 1, "updateOutput", input)
    return self.output
  end
  local inShape, batchDims, squeeze = folded(self, input)
  self.inShape = inShape
  local x = input:contiguous():view(tocha.LongStorage(inShape))
  local output = self:rethrowErrors(self.modules[1], 1, "updateOutput", x)
  if output:dim() ~= self.nOutputDim then
    error(string.format("%s: the module's output has %d dimensions, expected %d", NAME, output:dim(),
      self.nOutputDim), 2)
  end
  self.outShape = output:size():totable()
  local size = input:size():totable()
  local outSize = {}
  for i = 1, batchDims - 1 do outSize[i] = size[i] end
  for i, s in ipairs(self.outShape) do outSize[batchDims - 1 + i] = s end
  outSize[batchDims] = outSize[batchDims] // squeeze
  self.output = output:view(tocha.LongStorage(outSize))
  return self.output
end

-- input and gradOutput as the module saw them.
local function inner(self, input, gradOutput)
  if input:dim() <= self.nInputDim then return input, gradOutput end
  return input:contiguous():view(tocha.LongStorage(self.inShape)),
    gradOutput:contiguous():view(tocha.LongStorage(self.outShape))
end

function Bottle:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local x, g = inner(self, input, gradOutput)
  local gi = self:rethrowErrors(self.modules[1], 1, "updateGradInput", x, g)
  self.gradInput = input:dim() > self.nInputDim and gi:viewAs(input) or gi
  return self.gradInput
end

function Bottle:accGradParameters(input, gradOutput, scale)
  local x, g = inner(self, input, gradOutput)
  self:rethrowErrors(self.modules[1], 1, "accGradParameters", x, g, scale)
end

return Bottle
