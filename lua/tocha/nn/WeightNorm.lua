--- nn.WeightNorm(module [, outputDim]): weight normalisation of any module
-- with a weight (Salimans and Kingma; Torch7's): the weight, viewed as
-- (size along outputDim (1)) x (the rest), is g .* v / ||v|| row by row,
-- ||v|| = sqrt(sum v^2 + 1e-4) as in Torch7, with learnable v and g.
-- The parameters are {v, g [, bias]} (bias is the module's).  The module's
-- weight is rebuilt from v and g on every forward.
local tocha = require "tocha"
local utils = require "tocha.utils"

local WeightNorm, parent = tocha.class("nn.WeightNorm", "nn.Container")
local NAME = "nn.WeightNorm"

function WeightNorm:__init(module, outputDim)
  parent.__init(self)
  if not tocha.class.istype(module, "nn.Module") or not tocha.isTensor(module.weight) then
    error(string.format("%s: a module with a weight expected, got %s", NAME, tocha.type(module)), 2)
  end
  self.weight, self.gradWeight = module.weight, module.gradWeight
  if module.bias then self.bias, self.gradBias = module.bias, module.gradBias end
  self.outputDim = utils.checkinteger(outputDim or 1, NAME, "outputDim", 1)
  if self.outputDim > self.weight:dim() then
    error(string.format("%s: outputDim %d exceeds the weight's %d dimensions", NAME, self.outputDim,
      self.weight:dim()), 2)
  end
  local rows = self.weight:size(self.outputDim)
  self.otherDims = self.weight:nElement() // rows
  self.viewIn = tocha.LongStorage({ rows, self.otherDims })
  -- the weight's size with outputDim moved to the front
  local out = self.weight:size():totable()
  table.insert(out, 1, table.remove(out, self.outputDim))
  self.viewOut = tocha.LongStorage(out)
  self.v = self.weight.new(rows, self.otherDims)
  self.g = self.weight.new(rows)
  self._norm = self.weight.new(rows)
  self._scale = self.weight.new(rows)
  self.gradG = self.weight.new(rows):zero()
  self.gradV = self.weight.new(rows, self.otherDims):zero()
  self.modules[1] = module
  self:resetInit()
end

--- t (weight-shaped) with outputDim moved to the front, and back.
function WeightNorm:permuteIn(t)
  for i = self.outputDim - 1, 1, -1 do t = t:transpose(i, i + 1) end
  return t
end

--- Tensor t with the output dimension moved back to its place in the wrapped module's weight.
function WeightNorm:permuteOut(t)
  for i = 1, self.outputDim - 1 do t = t:transpose(i, i + 1) end
  return t
end

--- v ~ N(0, 2 / fan-in), g = ||v|| (so the weight starts as v), bias 0.
function WeightNorm:resetInit()
  self.v:normal(0, math.sqrt(2 / self.viewIn[2]))
  self.g:copy(self.v:norm(2, 2):view(self.viewIn[1]))
  if self.bias then self.bias:zero() end
  return self
end

function WeightNorm:updateOutput(input)
  local rows = self.viewIn[1]
  self._norm:copy(self.v:clone():pow(2):sum(2):view(rows)):add(1e-4):sqrt()
  self._scale:copy(self.g):cdiv(self._norm)
  local w = self.v:clone():cmul(self._scale:view(rows, 1):expandAs(self.v))
  self.weight:copy(self:permuteOut(w:view(self.viewOut)))
  self.output = self:rethrowErrors(self.modules[1], 1, "updateOutput", input)
  return self.output
end

function WeightNorm:updateGradInput(input, gradOutput)
  self.gradInput = self:rethrowErrors(self.modules[1], 1, "updateGradInput", input, gradOutput)
  return self.gradInput
end

-- The gradients of v and g for this call: with the module's weight
-- gradient dW (rows of the 2D view),
--   dg = sum(dW .* v, 2) / ||v||,  dv = g / ||v|| .* dW - g dg / ||v||^2 .* v
function WeightNorm:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local module = self.modules[1]
  local accumulated = module.gradWeight
  local dW = accumulated.new():resizeAs(accumulated):zero()
  module.gradWeight = dW
  local ok, err = pcall(module.accGradParameters, module, input, gradOutput, scale)
  module.gradWeight = accumulated
  if not ok then error(err, 0) end
  local rows = self.viewIn[1]
  local d2 = self:permuteIn(dW):contiguous():view(self.viewIn)
  local norm = self._norm:view(rows, 1):expandAs(self.v)
  local s = self._scale:view(rows, 1):expandAs(self.v)
  local dg = d2:clone():cmul(self.v):cdiv(norm):sum(2)
  self.gradG:add(dg:view(rows))
  local dv = d2:clone():cmul(s):add(-1, self.v:clone():cmul(s):cdiv(norm):cmul(dg:expandAs(self.v)))
  self.gradV:add(dv)
end

function WeightNorm:accUpdateGradParameters(input, gradOutput, lr)
  local gv, gg = self.gradV, self.gradG
  self.gradV, self.gradG = gv:clone():zero(), gg:clone():zero()
  local gb = self.modules[1].gradBias
  if gb then gb:zero() end
  self:accGradParameters(input, gradOutput, 1)
  self.v:add(-lr, self.gradV)
  self.g:add(-lr, self.gradG)
  if gb then self.modules[1].bias:add(-lr, gb) end
  self.gradV, self.gradG = gv, gg
end

function WeightNorm:zeroGradParameters()
  self.modules[1]:zeroGradParameters()
  self.gradV:zero()
  self.gradG:zero()
end

function WeightNorm:updateParameters(lr)
  self.modules[1]:updateParameters(lr)
  self.g:add(-lr, self.gradG)
  self.v:add(-lr, self.gradV)
end

function WeightNorm:parameters()
  if self.bias then return { self.v, self.g, self.bias }, { self.gradV, self.gradG, self.gradBias } end
  return { self.v, self.g }, { self.gradV, self.gradG }
end

function WeightNorm:__tostring__()
  return "nn.WeightNorm [" .. tostring(self.modules[1]) .. "]"
end

return WeightNorm
