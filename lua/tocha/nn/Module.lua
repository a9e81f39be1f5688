--- nn.Module: the protocol every layer follows (Torch7's nn.Module).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Module = tocha.class("nn.Module")

function Module:__init()
  self.gradInput = tocha.Tensor()
  self.output = tocha.Tensor()
  self.train = true
end

--- The learnable tensors and their gradients, as two lists (or nothing).
function Module:parameters()
  if self.weight and self.bias then
    return { self.weight, self.bias }, { self.gradWeight, self.gradBias }
  elseif self.weight then
    return { self.weight }, { self.gradWeight }
  elseif self.bias then
    return { self.bias }, { self.gradBias }
  end
end

--- Computes self.output from input (what each module implements); returns it.
function Module:updateOutput(input) -- luacheck: no unused args
  return self.output
end

--- The output for input: calls updateOutput and returns self.output.
function Module:forward(input)
  return self:updateOutput(input)
end

--- Backpropagates gradOutput: updateGradInput, then accGradParameters with scale (default 1); returns self.gradInput.
function Module:backward(input, gradOutput, scale)
  scale = scale or 1
  self:updateGradInput(input, gradOutput)
  self:accGradParameters(input, gradOutput, scale)
  return self.gradInput
end

--- Computes self.gradInput, the gradient with respect to input, from gradOutput.
function Module:updateGradInput(input, gradOutput) -- luacheck: no unused args
  return self.gradInput
end

--- Adds scale times the gradient with respect to the parameters to gradWeight, gradBias, ...
function Module:accGradParameters(input, gradOutput, scale) -- luacheck: no unused args
end

--- With the default parameters() (weight and bias), the two methods below
-- use the fields directly rather than the lists parameters() builds, so
-- that a training step allocates nothing.
function Module:zeroGradParameters()
  if self.parameters == Module.parameters then
    if self.weight and self.gradWeight then self.gradWeight:zero() end
    if self.bias and self.gradBias then self.gradBias:zero() end
    return
  end
  local _, gradParams = self:parameters()
  for _, g in ipairs(gradParams or {}) do g:zero() end
end

--- parameters = parameters - learningRate * gradients.
function Module:updateParameters(learningRate)
  if self.parameters == Module.parameters then
    if self.weight and self.gradWeight then self.weight:add(-learningRate, self.gradWeight) end
    if self.bias and self.gradBias then self.bias:add(-learningRate, self.gradBias) end
    return
  end
  local params, gradParams = self:parameters()
  for i, p in ipairs(params or {}) do p:add(-learningRate, gradParams[i]) end
end

--- Adds -lr times the parameter gradient straight into the parameters
-- (Torch7's): accGradParameters with gradWeight and gradBias pointed at
-- weight and bias.
function Module:accUpdateGradParameters(input, gradOutput, lr)
  local gradWeight, gradBias = self.gradWeight, self.gradBias
  self.gradWeight, self.gradBias = self.weight, self.bias
  local ok, err = pcall(self.accGradParameters, self, input, gradOutput, -lr)
  self.gradWeight, self.gradBias = gradWeight, gradBias
  if not ok then error(err, 0) end
end

--- updateGradInput and accUpdateGradParameters (Torch7's backwardUpdate).
function Module:backwardUpdate(input, gradOutput, lr)
  self:updateGradInput(input, gradOutput)
  self:accUpdateGradParameters(input, gradOutput, lr)
  return self.gradInput
end

--- Training mode (Dropout drops, BatchNormalization uses batch statistics).
function Module:training()
  self.train = true
end

--- Evaluation mode (Dropout passes through, BatchNormalization uses running statistics).
function Module:evaluate()
  self.train = false
end

--- Makes the named fields of self share the tensors of `other`.
function Module:share(other, ...)
  for i = 1, select("#", ...) do
    local name = select(i, ...)
    if self[name] ~= nil then
      if tocha.isTensor(self[name]) then
        self[name]:set(other[name])
      else
        self[name] = other[name]
      end
    end
  end
  return self
end

--- A deep copy; named fields (e.g. "weight", "bias") stay shared with self.
function Module:clone(...)
  local copy = utils.deepcopy(self)
  if select("#", ...) > 0 then copy:share(self, ...) end
  return copy
end

--- Converts every tensor of the module (recursively) to `typename`,
-- keeping tensors that shared a storage sharing one after conversion.
function Module:type(typename, cache)
  if typename == nil then return self.__typename end
  utils.convert_tensors(self, typename, cache or {})
  return self
end

--- Converts the module's tensors to float; returns self.
function Module:float() return self:type("tocha.FloatTensor") end

--- Converts the module's tensors to double; returns self.
function Module:double() return self:type("tocha.DoubleTensor") end

--- Re-initialises the parameters (modules with parameters override it; stdv optional).
function Module:reset() end

--- Calls callback(m) on this module and, in containers, every module inside, depth first.
function Module:apply(callback)
  callback(self)
  for _, m in ipairs(self.modules or {}) do m:apply(callback) end
end

--- Replaces, depth first, every module m by callback(m) (Torch7's);
-- returns callback(self).
function Module:replace(callback)
  local out = callback(self)
  if self.modules then
    for i, module in ipairs(self.modules) do self.modules[i] = module:replace(callback) end
  end
  return out
end

--- This module and every module inside it, as a flat list (depth first).
function Module:listModules()
  local list = {}
  self:apply(function(m) list[#list + 1] = m end)
  return list
end

--- The modules of type `typename` in this network, and their containers.
function Module:findModules(typename, container)
  container = container or self
  local nodes, containers = {}, {}
  if tocha.type(self) == typename then
    nodes[1], containers[1] = self, container
  end
  for _, child in ipairs(self.modules or {}) do
    local n, c = child:findModules(typename, self)
    table.move(n, 1, #n, #nodes + 1, nodes)
    table.move(c, 1, #c, #containers + 1, containers)
  end
  return nodes, containers
end

--- Frees the buffers a forward/backward pass left behind.
function Module:clearState()
  return utils.clear(self, "output", "gradInput")
end

--- One flat parameter tensor and one flat gradient tensor; the module's own
-- tensors are re-pointed into them, so updating the flat tensors updates
-- the module.
function Module:getParameters()
  local params, gradParams = self:parameters()
  return utils.flatten(params or {}), utils.flatten(gradParams or {})
end

function Module:__call__(input, gradOutput)
  self:forward(input)
  if gradOutput then
    self:backward(input, gradOutput)
    return self.output, self.gradInput
  end
  return self.output
end

function Module:__tostring__()
  return self.__typename
end

return Module
