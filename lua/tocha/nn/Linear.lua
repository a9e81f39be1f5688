--- nn.Linear(inputSize, outputSize [, bias]): y = W x + b (Torch7's nn.Linear).
-- Input: a vector (inputSize) or a batch (nframe, inputSize).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Linear, parent = tocha.class("nn.Linear", "nn.Module")
local C = tocha._nn

local function check_size(value, name)
  local n = utils.checkinteger(value, "nn.Linear", name, 1, 4) -- not a tail call: level 4 is the user's call
  return n
end

function Linear:__init(inputSize, outputSize, bias)
  parent.__init(self)
  inputSize = check_size(inputSize, "inputSize")
  outputSize = check_size(outputSize, "outputSize")
  if bias ~= nil and type(bias) ~= "boolean" then
    error(string.format("nn.Linear: bias must be a boolean, got %s", type(bias)), 2)
  end
  self.weight = tocha.Tensor(outputSize, inputSize)
  self.gradWeight = tocha.Tensor(outputSize, inputSize)
  if bias ~= false then
    self.bias = tocha.Tensor(outputSize)
    self.gradBias = tocha.Tensor(outputSize)
  end
  self:reset()
end

--- Removes the bias (Torch7's noBias).
function Linear:noBias()
  self.bias = nil
  self.gradBias = nil
  return self
end

--- Uniform in (-stdv, stdv): stdv = 1/sqrt(inputSize), or the given stdv * sqrt(3).
function Linear:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.weight:size(2))
  end
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

-- The work is done in C (tocha._nn.linear_*, src/core/nn/linear.c): one
-- BLAS call per product, W^T read through BLAS's transpose flag, the bias
-- written into the output rows before the product is added to them, and
-- nothing allocated once the buffers have their shapes.  The C side checks
-- the arguments and raises "nn.Linear: ..." errors.

function Linear:updateOutput(input)
  return C.linear_forward(self, self.output, input, self.weight, self.bias)
end

function Linear:updateGradInput(input, gradOutput)
  if not self.gradInput then return end -- Torch7: no gradInput wanted
  return C.linear_backward(self, self.gradInput, input, gradOutput, self.weight)
end

function Linear:accGradParameters(input, gradOutput, scale)
  -- addBuffer: the batch's vector of ones for gradBias (Torch7's name);
  -- the C side sizes and fills it when the batch size changes.
  local buffer = self.addBuffer
  if not buffer or buffer:type() ~= self.weight:type() then
    buffer = utils.new_like(self.weight)
    self.addBuffer = buffer
  end
  C.linear_acc_grad(self, self.gradWeight, self.gradBias, buffer, input, gradOutput, scale or 1)
end

function Linear:clearState()
  utils.clear(self, "addBuffer")
  return parent.clearState(self)
end

function Linear:__tostring__()
  return string.format("%s(%d -> %d)%s", self.__typename, self.weight:size(2), self.weight:size(1),
    self.bias and "" or " without bias")
end

return Linear
