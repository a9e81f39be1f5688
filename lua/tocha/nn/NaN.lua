-- nn.NaN(module [, id]): a decorator that raises an error as soon as a NaN
-- appears in what its module computes (Torch7's module, for finding where
-- NaNs start): after updateOutput it checks the output (and then says
-- whether the input or the parameters already held one), after
-- updateGradInput the gradInput (or the gradOutput), after
-- accGradParameters the parameters' gradients.  Messages:
-- "NaN found in <what> of module :\n<module>".
local tocha = require "tocha"

local NaN, parent = tocha.class("nn.NaN", "nn.Decorator")

local idseq = 0
--- A new identifier for an nn.NaN module (used in its error messages), as Torch7's nn.NaN.newId.
function NaN.newId()
  idseq = idseq + 1
  return idseq
end

function NaN:__init(module, id)
  parent.__init(self, module)
  self.id = id or NaN.newId()
end

--- Does the tensor (or the nested table of tensors) hold a NaN?
function NaN:recursiveIsNaN(x)
  if tocha.isTensor(x) then return x:nElement() > 0 and x:ne(x):sum() > 0 end
  if type(x) == "table" then
    for _, v in pairs(x) do
      if self:recursiveIsNaN(v) then return true end
    end
  end
  return false
end

local function fail(self, what)
  error(string.format("NaN found in %s of module :\n%s", what, self:__tostring__()), 0)
end

function NaN:updateOutput(input)
  self.output = self:rethrowErrors(self.modules[1], 1, "updateOutput", input)
  if self:recursiveIsNaN(self.output) then
    if self:recursiveIsNaN(input) then fail(self, "input") end
    if self:recursiveIsNaN((self:parameters())) then fail(self, "parameters") end
    fail(self, "output")
  end
  return self.output
end

function NaN:updateGradInput(input, gradOutput)
  self.gradInput = self:rethrowErrors(self.modules[1], 1, "updateGradInput", input, gradOutput)
  if self:recursiveIsNaN(self.gradInput) then
    if self:recursiveIsNaN(gradOutput) then fail(self, "gradOutput") end
    fail(self, "gradInput")
  end
  return self.gradInput
end

function NaN:accGradParameters(input, gradOutput, scale)
  self:rethrowErrors(self.modules[1], 1, "accGradParameters", input, gradOutput, scale)
  local _, gradParams = self:parameters()
  if self:recursiveIsNaN(gradParams) then fail(self, "gradParameters") end
end

function NaN:__tostring__()
  local s = tostring(self.modules[1])
  if s:find("\n") then s = s:gsub("\n", "\n  ") end
  return string.format("nn.NaN(%s) @ %s", tostring(self.id), s)
end

return NaN
