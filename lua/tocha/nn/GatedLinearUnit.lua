--- nn.GatedLinearUnit([dim]): splits the input in halves a, b along dim
-- (default: the last) and outputs a .* sigmoid(b) (Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local GatedLinearUnit, parent = tocha.class("nn.GatedLinearUnit", "nn.Module")
local NAME = "nn.GatedLinearUnit"

function GatedLinearUnit:__init(dim)
  parent.__init(self)
  if dim ~= nil then self.dim = utils.checkinteger(dim, NAME, "dim", 1) end
end

local function halves(self, input)
  Loss.tensor(NAME, "input", input)
  local dim = self.dim or input:dim()
  if dim > input:dim() or input:size(dim) % 2 ~= 0 then
    error(string.format("%s: dimension %d of input (%s) must exist and have an even size", NAME, dim,
      utils.shape(input)), 3)
  end
  local n = input:size(dim) // 2
  return input:narrow(dim, 1, n), input:narrow(dim, n + 1, n), dim, n
end

function GatedLinearUnit:updateOutput(input)
  local a, b = halves(self, input)
  local sig = utils.like(self, "_sig", b):copy(b):sigmoid()
  utils.like(self, "output", a):copy(a):cmul(sig)
  return self.output
end

function GatedLinearUnit:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local a, b, dim, n = halves(self, input)
  local sig = utils.like(self, "_sig", b):copy(b):sigmoid()
  local gi = utils.like(self, "gradInput", input)
  gi:narrow(dim, 1, n):copy(gradOutput):cmul(sig)
  -- d/db a sigmoid(b) = a sigmoid(b) (1 - sigmoid(b))
  gi:narrow(dim, n + 1, n):copy(sig):mul(-1):add(1):cmul(sig):cmul(a):cmul(gradOutput)
  return gi
end

return GatedLinearUnit
