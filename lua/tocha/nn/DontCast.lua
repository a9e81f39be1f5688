--- nn.DontCast(module [, castin [, castout [, moduleType]]]): keeps module
-- in its tensor type whatever :type() asks (Torch7's).  With castin,
-- inputs of another type are copied into moduleType (and gradInput back
-- into the caller's type); castout (default castin) does the same for
-- output and gradOutput.  moduleType defaults to the type of module's
-- output or parameters.
local tocha = require "tocha"
local TensorType = require "tocha.nn.TensorType"

local DontCast, parent = tocha.class("nn.DontCast", "nn.Container")
local NAME = "nn.DontCast"

function DontCast:__init(module, castin, castout, moduleType)
  parent.__init(self)
  if not tocha.class.istype(module, "nn.Module") then
    error(string.format("%s: module expected, got %s", NAME, tocha.type(module)), 2)
  end
  self.modules = { module }
  self.castin = castin
  if castout == nil then castout = castin end
  self.castout = castout
  if moduleType then
    self.moduleType = TensorType.name(NAME, moduleType)
  elseif castin or castout then
    local name, found = TensorType.of(module.output)
    if not found then name, found = TensorType.of(module:parameters()) end
    if not found then
      error(string.format("%s: cannot tell the module's tensor type; give it as argument 4", NAME), 2)
    end
    self.moduleType = name
  end
end

function DontCast:updateOutput(input)
  if self.castin and TensorType.of(input) ~= self.moduleType then
    self._input = TensorType.copy(self._input, input, self.moduleType)
    input = self._input
  end
  local output = self.modules[1]:updateOutput(input)
  if self.castout then
    self.output = TensorType.copy(self.output, output, (TensorType.of(self.output)))
  else
    self.output = output
  end
  return self.output
end

-- input and gradOutput as the module got them in forward.
local function module_args(self, input, gradOutput)
  if self.castin and TensorType.of(input) ~= self.moduleType then input = self._input end
  if self.castout and TensorType.of(gradOutput) ~= self.moduleType then
    self._gradOutput = TensorType.copy(self._gradOutput, gradOutput, self.moduleType)
    gradOutput = self._gradOutput
  end
  return input, gradOutput
end

function DontCast:updateGradInput(input, gradOutput)
  local x, g = module_args(self, input, gradOutput)
  local gradInput = self.modules[1]:updateGradInput(x, g)
  if self.castin then
    self.gradInput = TensorType.copy(self.gradInput, gradInput, (TensorType.of(self.gradInput)))
  else
    self.gradInput = gradInput
  end
  return self.gradInput
end

function DontCast:accGradParameters(input, gradOutput, scale)
  local x, g = module_args(self, input, gradOutput)
  self.modules[1]:accGradParameters(x, g, scale)
end

function DontCast:accUpdateGradParameters(input, gradOutput, lr)
  local x, g = module_args(self, input, gradOutput)
  self.modules[1]:accUpdateGradParameters(x, g, lr)
end

-- Only the interface tensors change type; the module keeps its own.
function DontCast:type(typename)
  if typename == nil then return parent.type(self) end
  local name = TensorType.name(NAME, typename)
  if self.castout and TensorType.of(self.output) ~= name then
    self.output = TensorType.copy(nil, self.output, name)
  end
  if self.castin and TensorType.of(self.gradInput) ~= name then
    self.gradInput = TensorType.copy(nil, self.gradInput, name)
  end
  return self
end

return DontCast
