--- nn.Copy([intype [, outtype [, forceCopy [, dontCast]]]]): copies the
-- input into a tensor of outtype and the gradient back into intype (both
-- the default tensor type when nil; Torch7's).  With intype == outtype
-- and no forceCopy the tensors pass through uncopied.  dontCast: :type()
-- leaves the module as it is.
local tocha = require "tocha"
local TensorType = require "tocha.nn.TensorType"

local Copy, parent = tocha.class("nn.Copy", "nn.Module")
local NAME = "nn.Copy"

function Copy:__init(intype, outtype, forceCopy, dontCast)
  parent.__init(self)
  intype = intype or tocha.getdefaulttensortype()
  outtype = outtype or tocha.getdefaulttensortype()
  self.gradInput = TensorType.class(NAME, intype)()
  self.output = TensorType.class(NAME, outtype)()
  self.dontCast = dontCast == true
  self.passthrough = not forceCopy and TensorType.name(NAME, intype) == TensorType.name(NAME, outtype)
end

function Copy:updateOutput(input)
  if self.passthrough then
    self.output:set(input)
  else
    self.output:resize(input:size()):copy(input)
  end
  return self.output
end

function Copy:updateGradInput(input, gradOutput)
  if self.passthrough then
    self.gradInput:set(gradOutput)
  else
    self.gradInput:resize(gradOutput:size()):copy(gradOutput)
  end
  return self.gradInput
end

function Copy:type(typename, cache)
  if typename and self.dontCast then return self end
  return parent.type(self, typename, cache)
end

return Copy
