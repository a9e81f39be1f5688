--- nn.Decorator(module): a container of one module that it passes every
-- call to (Torch7's); the base of decorators such as nn.Profile.
local tocha = require "tocha"

local Decorator, parent = tocha.class("nn.Decorator", "nn.Container")

function Decorator:__init(module)
  parent.__init(self)
  if not tocha.class.istype(module, "nn.Module") then
    error(string.format("%s: module expected, got %s", self.__typename, tocha.type(module)), 2)
  end
  self.modules[1] = module
end

function Decorator:updateOutput(input)
  self.output = self:rethrowErrors(self.modules[1], 1, "updateOutput", input)
  return self.output
end

function Decorator:updateGradInput(input, gradOutput)
  self.gradInput = self:rethrowErrors(self.modules[1], 1, "updateGradInput", input, gradOutput)
  return self.gradInput
end

function Decorator:accGradParameters(input, gradOutput, scale)
  self:rethrowErrors(self.modules[1], 1, "accGradParameters", input, gradOutput, scale)
end

function Decorator:accUpdateGradParameters(input, gradOutput, lr)
  self:rethrowErrors(self.modules[1], 1, "accUpdateGradParameters", input, gradOutput, lr)
end

function Decorator:__tostring__()
  return self.__typename .. " @ " .. tostring(self.modules[1])
end

return Decorator
