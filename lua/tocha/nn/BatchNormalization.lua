--- nn.BatchNormalization(nOutput [, eps, momentum, affine]): normalizes each
-- of the nOutput features of a (batch, nOutput) input (Ioffe & Szegedy),
-- Torch7's module:
--   training:   y = (x - mean) / sqrt(var + eps) * weight + bias with the
--               batch's mean and biased variance; running_mean and
--               running_var move towards the batch's (unbiased) values by
--               `momentum` (default 0.1);
--   evaluation: running_mean and running_var in their place.
-- affine (default true) gives the learnable weight (Torch7: uniform in
-- [0, 1)) and bias (0).  save_mean and save_std keep the batch's mean and
-- 1/sqrt(var + eps) for the backward.  eps defaults to 1e-5.
-- Kernels: tocha._spatial.batchnorm_* (src/core/nn/batchnorm.c).
local tocha = require "tocha"
local utils = require "tocha.utils"

local BatchNormalization, parent = tocha.class("nn.BatchNormalization", "nn.Module")
local C = tocha._spatial

-- Torch7's version 2 keeps running_var (version 1 kept running_std; the
-- .t7 reader upgrades such files).
BatchNormalization.__version = 2
-- The input dimensions the module takes (SpatialBatchNormalization: 3, 4).
BatchNormalization.inputDims = { [2] = true }
BatchNormalization.inputShape = "2D (batch x features)"

function BatchNormalization:__init(nOutput, eps, momentum, affine)
  parent.__init(self)
  local name = self.__typename
  nOutput = utils.checkinteger(nOutput, name, "nOutput", 1, 4)
  if eps ~= nil and not (type(eps) == "number" and eps >= 0) then
    error(string.format("%s: eps must be a non-negative number, got %s", name, tostring(eps)), 3)
  end
  if momentum ~= nil and not (type(momentum) == "number" and momentum >= 0 and momentum <= 1) then
    error(string.format("%s: momentum must be a number in [0, 1], got %s", name, tostring(momentum)), 3)
  end
  if affine ~= nil and type(affine) ~= "boolean" then
    error(string.format("%s: affine must be a boolean, got %s", name, type(affine)), 3)
  end
  self.affine = affine ~= false
  self.eps = eps or 1e-5
  self.momentum = momentum or 0.1
  self.running_mean = tocha.Tensor(nOutput):zero()
  self.running_var = tocha.Tensor(nOutput):fill(1)
  self.save_mean = tocha.Tensor()
  self.save_std = tocha.Tensor()
  if self.affine then
    self.weight = tocha.Tensor(nOutput)
    self.bias = tocha.Tensor(nOutput)
    self.gradWeight = tocha.Tensor(nOutput):zero()
    self.gradBias = tocha.Tensor(nOutput):zero()
  end
  self:reset()
end

function BatchNormalization:reset()
  if self.weight then self.weight:uniform() end
  if self.bias then self.bias:zero() end
  self.running_mean:zero()
  self.running_var:fill(1)
  return self
end

local function check_input(self, input, level)
  utils.check_tensor(self, input, "input", level + 1)
  -- Torch7: when evaluating, one sample without its batch dimension too
  local d = input:dim()
  if not self.inputDims[d] and (self.train or not self.inputDims[d + 1]) then
    error(string.format("%s: input must be %s, got size %s", self.__typename, self.inputShape, utils.shape(input)),
      level + 1)
  end
  return utils.contiguous(self, "_input", input)
end

-- The statistics follow the input's type (a module without affine
-- parameters has no weight to follow).
local function follow_type(self, input)
  local t = tocha.type(input)
  if tocha.type(self.running_mean) ~= t then
    for _, k in ipairs { "running_mean", "running_var", "save_mean", "save_std" } do
      self[k] = self[k]:type(t)
    end
  end
  if tocha.type(self.output) ~= t then self.output = input.new() end
  if self.gradInput and tocha.type(self.gradInput) ~= t then self.gradInput = input.new() end
end

function BatchNormalization:updateOutput(input)
  input = check_input(self, input, 2)
  if not self.weight then follow_type(self, input) else follow_type(self, self.weight) end
  return C.batchnorm_forward(self, self.output, input)
end

function BatchNormalization:updateGradInput(input, gradOutput)
  input, gradOutput = utils.contiguous_pair(self, input, gradOutput)
  if not self.gradInput then return end
  return C.batchnorm_backward(self, self.gradInput, input, gradOutput, 1, false)
end

function BatchNormalization:accGradParameters(input, gradOutput, scale)
  input, gradOutput = utils.contiguous_pair(self, input, gradOutput)
  C.batchnorm_backward(self, nil, input, gradOutput, scale or 1, true)
end

-- One C pass for both.
function BatchNormalization:backward(input, gradOutput, scale)
  input, gradOutput = utils.contiguous_pair(self, input, gradOutput)
  C.batchnorm_backward(self, self.gradInput, input, gradOutput, scale or 1, true)
  return self.gradInput
end

function BatchNormalization:clearState()
  utils.clear(self, "_input", "_gradOutput")
  self.save_mean:set()
  self.save_std:set()
  return parent.clearState(self)
end

--- "nn.BatchNormalization (2D) (64)", Torch7's form.
function BatchNormalization:__tostring__()
  return string.format("%s (%s) (%d)", self.__typename, self.inputShape:match("^%S+"), self.running_mean:nElement())
end

return BatchNormalization
