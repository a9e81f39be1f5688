--- nn.LinearWeightNorm(inputSize, outputSize [, bias [, eps]]): nn.Linear
-- with weight normalisation (Salimans and Kingma; Torch7's): each weight
-- row is g_i * v_i / ||v_i|| for learnable v (outputSize x inputSize) and
-- g (outputSize x 1); norms are clamped below at eps (1e-16).  The
-- parameters are {v, g [, bias]}; weight is rebuilt on every training
-- forward.  LinearWeightNorm.fromLinear(linear) and :toLinear() convert.
local tocha = require "tocha"
local nn = require "tocha.nn"
local utils = require "tocha.utils"

local LinearWeightNorm, parent = tocha.class("nn.LinearWeightNorm", "nn.Linear")
local NAME = "nn.LinearWeightNorm"

function LinearWeightNorm:__init(inputSize, outputSize, bias, eps)
  nn.Module.__init(self)
  self.inputSize = utils.checkinteger(inputSize, NAME, "inputSize", 1)
  self.outputSize = utils.checkinteger(outputSize, NAME, "outputSize", 1)
  self.eps = eps or 1e-16
  self.v = tocha.Tensor(outputSize, inputSize)
  self.gradV = tocha.Tensor(outputSize, inputSize):zero()
  self.weight = tocha.Tensor(outputSize, inputSize)
  self.g = tocha.Tensor(outputSize, 1)
  self.gradG = tocha.Tensor(outputSize, 1):zero()
  self.norm = tocha.Tensor(outputSize, 1)
  self.scale = tocha.Tensor(outputSize, 1)
  if bias ~= false then
    self.bias = tocha.Tensor(outputSize)
    self.gradBias = tocha.Tensor(outputSize):zero()
  end
  self:reset()
end

function LinearWeightNorm:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.inputSize)
  self.weight:uniform(-stdv, stdv)
  self:initFromWeight()
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

--- v = weight and g = the norms of its rows.
function LinearWeightNorm:initFromWeight(weight)
  weight = weight or self.weight
  self.g:copy(weight:norm(2, 2)):clamp(self.eps, math.huge)
  self.v:copy(weight)
  return self
end

--- A LinearWeightNorm with the weights and bias of an nn.Linear.
function LinearWeightNorm.fromLinear(linear)
  local module = nn.LinearWeightNorm(linear.weight:size(2), linear.weight:size(1), tocha.isTensor(linear.bias))
  module:type(linear.weight:type())
  module.weight:copy(linear.weight)
  module:initFromWeight()
  if linear.bias then module.bias:copy(linear.bias) end
  return module
end

--- An nn.Linear computing the same function (weight = g * v / |v|).
function LinearWeightNorm:toLinear()
  self:updateWeightMatrix()
  local module = nn.Linear(self.inputSize, self.outputSize, tocha.isTensor(self.bias)):type(self.weight:type())
  module.weight:copy(self.weight)
  if self.bias then module.bias:copy(self.bias) end
  return module
end

function LinearWeightNorm:parameters()
  if self.bias then return { self.v, self.g, self.bias }, { self.gradV, self.gradG, self.gradBias } end
  return { self.v, self.g }, { self.gradV, self.gradG }
end

--- weight = g .* v / ||v|| (row by row).
function LinearWeightNorm:updateWeightMatrix()
  self.norm:resizeAs(self.g):copy(self.v:norm(2, 2)):clamp(self.eps, math.huge)
  self.scale:resizeAs(self.g):copy(self.g):cdiv(self.norm)
  self.weight:resizeAs(self.v):copy(self.v):cmul(self.scale:expandAs(self.v))
end

function LinearWeightNorm:updateOutput(input)
  if self.train ~= false then self:updateWeightMatrix() end
  return parent.updateOutput(self, input)
end

function LinearWeightNorm:evaluate()
  if self.train ~= false then self:updateWeightMatrix() end
  parent.evaluate(self)
end

-- dL/dW for this call (and the bias gradient), then through W = g v / ||v||:
--   dL/dg_i = dW_i . v_i / ||v_i||,  dL/dv_i = g_i / ||v_i|| (dW_i - dL/dg_i v_i / ||v_i||)
function LinearWeightNorm:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x = input:dim() == 1 and input:view(1, input:nElement()) or input
  local go = gradOutput:dim() == 1 and gradOutput:view(1, gradOutput:nElement()) or gradOutput
  local dW = tocha.mm(go:t(), x)
  if self.bias then self.gradBias:add(scale, go:sum(1):view(self.bias:nElement())) end
  local norm = self.norm:expandAs(self.v)
  local dg = dW:clone():cmul(self.v):cdiv(norm):sum(2)
  self.gradG:add(scale, dg)
  local dv = dW:add(-1, self.v:clone():cdiv(norm):cmul(dg:expandAs(self.v))):cmul(self.scale:expandAs(self.v))
  self.gradV:add(scale, dv)
end

function LinearWeightNorm:accUpdateGradParameters(input, gradOutput, lr)
  local gv, gg, gb = self.gradV, self.gradG, self.gradBias
  self.gradV, self.gradG = self.v:clone():zero(), self.g:clone():zero()
  self.gradBias = self.bias and self.bias:clone():zero()
  self:accGradParameters(input, gradOutput, 1)
  self.v:add(-lr, self.gradV)
  self.g:add(-lr, self.gradG)
  if self.bias then self.bias:add(-lr, self.gradBias) end
  self.gradV, self.gradG, self.gradBias = gv, gg, gb
end

function LinearWeightNorm:__tostring__()
  return string.format("%s(%d -> %d)%s", self.__typename, self.inputSize, self.outputSize,
    self.bias and "" or " without bias")
end

return LinearWeightNorm
