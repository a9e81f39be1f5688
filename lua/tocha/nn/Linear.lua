-- nn.Linear(inputSize, outputSize [, bias]): y = W x + b (Torch7's nn.Linear).
-- Input: a vector (inputSize) or a batch (nframe, inputSize).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Linear, parent = tocha.class("nn.Linear", "nn.Module")

local function check_size(value, name)
  if math.type(value) ~= "integer" or value < 1 then
    error(string.format("nn.Linear: %s must be a positive integer, got %s", name, tostring(value)), 3)
  end
end

function Linear:__init(inputSize, outputSize, bias)
  parent.__init(self)
  check_size(inputSize, "inputSize")
  check_size(outputSize, "outputSize")
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

local function shape(t)
  return t:dim() == 0 and "empty" or table.concat(t:size():totable(), "x")
end

local function check_input(self, input)
  if not tocha.isTensor(input) then
    error(string.format("nn.Linear: input must be a tensor, got %s", tocha.type(input)), 0)
  end
  if input:type() ~= self.weight:type() then
    error(string.format("nn.Linear: input is a %s but the weights are a %s (convert one with :type())",
      input:type(), self.weight:type()), 0)
  end
  local n = self.weight:size(2)
  local d = input:dim()
  if not ((d == 1 or d == 2) and input:size(d) == n) then
    error(string.format("nn.Linear: input must be a vector of %d elements or a matrix (batch x %d), got size %s",
      n, n, shape(input)), 0)
  end
end

local function check_grad_output(self, input, gradOutput)
  if not tocha.isTensor(gradOutput) then
    error(string.format("nn.Linear: gradOutput must be a tensor, got %s", tocha.type(gradOutput)), 0)
  end
  local m = self.weight:size(1)
  local ok
  if input:dim() == 1 then
    ok = gradOutput:dim() == 1 and gradOutput:size(1) == m
  else
    ok = gradOutput:dim() == 2 and gradOutput:size(1) == input:size(1) and gradOutput:size(2) == m
  end
  if not ok then
    local expected = input:dim() == 1 and tostring(m) or string.format("%dx%d", input:size(1), m)
    error(string.format("nn.Linear: gradOutput must have size %s, got %s", expected, shape(gradOutput)), 0)
  end
end

-- A vector of nframe ones (input's type), reused while the batch size holds.
local function ones(self, input, nframe)
  local buffer = self.addBuffer
  if not buffer or buffer:type() ~= input:type() then
    buffer = utils.new_like(input)
    self.addBuffer = buffer
  end
  if buffer:nElement() ~= nframe then buffer:resize(nframe):fill(1) end
  return buffer
end

function Linear:updateOutput(input)
  check_input(self, input)
  local outputSize = self.weight:size(1)
  if input:dim() == 1 then
    self.output:resize(outputSize)
    if self.bias then
      self.output:copy(self.bias):addmv(1, self.weight, input)
    else
      self.output:mv(self.weight, input)
    end
  else
    local nframe = input:size(1)
    self.output:resize(nframe, outputSize)
    self.output:mm(input, self.weight:t())
    if self.bias then self.output:addr(1, ones(self, input, nframe), self.bias) end
  end
  return self.output
end

function Linear:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  check_input(self, input)
  check_grad_output(self, input, gradOutput)
  self.gradInput:resizeAs(input)
  if input:dim() == 1 then
    self.gradInput:mv(self.weight:t(), gradOutput)
  else
    self.gradInput:mm(gradOutput, self.weight)
  end
  return self.gradInput
end

function Linear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  check_input(self, input)
  check_grad_output(self, input, gradOutput)
  if input:dim() == 1 then
    self.gradWeight:addr(scale, gradOutput, input)
    if self.bias then self.gradBias:add(scale, gradOutput) end
  else
    self.gradWeight:addmm(scale, gradOutput:t(), input)
    if self.bias then self.gradBias:addmv(scale, gradOutput:t(), ones(self, input, input:size(1))) end
  end
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
