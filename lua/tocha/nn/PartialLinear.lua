--- nn.PartialLinear(inputSize, outputSize [, bias]): a Linear layer that can
-- be restricted to a subset of its outputs (Torch7's).  setPartition(indices)
-- makes it compute only those output columns (in that order);
-- resetPartition() restores all of them.  The weight lives in a LookupTable
-- of the inner network (self.network:get(1):get(2).weight, outputSize x
-- inputSize); the bias is (1 x outputSize).  Inputs are batches (n, inputSize).
local tocha = require "tocha"
local nn = require "tocha.nn"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local PartialLinear, parent = tocha.class("nn.PartialLinear", "nn.Module")
local NAME = "nn.PartialLinear"

function PartialLinear:__init(inputsize, outputsize, bias)
  parent.__init(self)
  self.inputsize = utils.checkinteger(inputsize, NAME, "inputsize", 1)
  self.outputsize = utils.checkinteger(outputsize, NAME, "outputsize", 1)
  local pt = nn.ParallelTable()
  pt:add(nn.Identity()):add(nn.LookupTable(outputsize, inputsize))
  self.network = nn.Sequential():add(pt):add(nn.MM(false, true))
  if bias ~= false then
    self.bias = tocha.Tensor(1, outputsize):zero()
    self.gradBias = tocha.Tensor(1, outputsize):zero()
  end
  self.allcolumns = tocha.range(1, self.outputsize)
  self:resetPartition()
end

--- Computes only the outputs listed in indices (a LongTensor); returns self.
function PartialLinear:setPartition(indices)
  if not tocha.isTensor(indices) or indices:dim() ~= 1 then
    error(string.format("%s: the partition must be a vector of output indices", NAME), 2)
  end
  local lo, hi = indices:min(), indices:max()
  if lo < 1 or hi > self.outputsize then
    error(string.format("%s: partition indices must be in 1..%d", NAME, self.outputsize), 2)
  end
  self.partition = indices:type(self.allcolumns:type())
  return self
end

--- Computes every output again; returns self.
function PartialLinear:resetPartition()
  self.partition = self.allcolumns
  return self
end

function PartialLinear:parameters()
  local lookup = self.network:get(1):get(2)
  if self.bias then return { lookup.weight, self.bias }, { lookup.gradWeight, self.gradBias } end
  return { lookup.weight }, { lookup.gradWeight }
end

function PartialLinear:updateOutput(input)
  Loss.tensor(NAME, "input", input, 3)
  if input:dim() ~= 2 or input:size(2) ~= self.inputsize then
    error(string.format("%s: input must be a batch (n, %d), got %s", NAME, self.inputsize, utils.shape(input)), 2)
  end
  self.output:set(self.network:forward({ input, self.partition }))
  if self.bias then
    self.output:add(self.bias:index(2, self.partition:long()):expandAs(self.output))
  end
  return self.output
end

function PartialLinear:updateGradInput(input, gradOutput)
  if self.gradInput then
    self.network:updateGradInput({ input, self.partition }, gradOutput)
    self.gradInput:set(self.network.gradInput[1])
  end
  return self.gradInput
end

function PartialLinear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  self.network:accGradParameters({ input, self.partition }, gradOutput, scale)
  if self.bias then
    local sums = gradOutput:sum(1):mul(scale)
    self.gradBias:indexAdd(2, self.partition:long(), sums:view(1, sums:nElement()))
  end
end

function PartialLinear:accUpdateGradParameters(input, gradOutput, lr)
  local lookup = self.network:get(1):get(2)
  local gradWeight, gradBias = lookup.gradWeight, self.gradBias
  lookup.gradWeight, self.gradBias = lookup.weight, self.bias
  local ok, err = pcall(self.accGradParameters, self, input, gradOutput, -lr)
  lookup.gradWeight, self.gradBias = gradWeight, gradBias
  if not ok then error(err, 0) end
end

function PartialLinear:zeroGradParameters()
  self.network:zeroGradParameters()
  if self.gradBias then self.gradBias:zero() end
end

function PartialLinear:updateParameters(learningRate)
  self.network:updateParameters(learningRate)
  if self.bias then self.bias:add(-learningRate, self.gradBias) end
end

PartialLinear.sharedAccUpdateGradParameters = PartialLinear.accUpdateGradParameters

function PartialLinear:__tostring__()
  return string.format("%s(%d -> %d)%s", self.__typename, self.inputsize, self.outputsize,
    self.bias and "" or " without bias")
end

return PartialLinear
