--- nn.Normalize(p [, eps]): divides each input vector (or each row of a
-- batch) by its p-norm, (sum |x|^p + eps)^(1/p) with eps 1e-10, or by
-- max |x| + eps for p = math.huge (Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local Normalize, parent = tocha.class("nn.Normalize", "nn.Module")
local NAME = "nn.Normalize"

function Normalize:__init(p, eps)
  parent.__init(self)
  if type(p) ~= "number" or p ~= p or p <= 0 then
    error(string.format("%s: p must be a positive number, got %s", NAME, tostring(p)), 2)
  end
  self.p = p
  self.eps = Loss.number(NAME, "eps", eps, 1e-10)
end

local function rows(input)
  if not tocha.isTensor(input) or input:dim() < 1 or input:dim() > 2 then
    error(string.format("%s: input must be a vector or a matrix (batch, n), got %s", NAME,
      tocha.isTensor(input) and utils.shape(input) or tocha.type(input)), 3)
  end
  if input:dim() == 1 then return input:view(1, input:nElement()) end
  return input
end

-- The norms (batch, 1); for p = inf also the positions of the maxima;
-- else also sum |x|^p + eps.
local function norms(self, x)
  if self.p == math.huge then
    local m, idx = x:clone():abs():max(2)
    return m:add(self.eps), idx
  end
  local normp = x:clone():abs():pow(self.p):sum(2):add(self.eps)
  return normp:clone():pow(1 / self.p), nil, normp
end

function Normalize:updateOutput(input)
  local x = rows(input)
  local norm = norms(self, x)
  local y = x:clone():cdiv(norm:expandAs(x))
  utils.like(self, "output", input):copy(y:viewAs(input))
  return self.output
end

function Normalize:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local x = rows(input)
  local n, d = x:size(1), x:size(2)
  local g = gradOutput:contiguous():view(n, d)
  local norm, idx, normp = norms(self, x)
  local gi, buffer, denom
  if self.p == math.huge then
    -- y = x / m with m = |x_k| + eps at the maximum k
    gi = g:clone():cmul(norm:expandAs(g))
    buffer = x:clone():zero():scatter(2, idx, x:gather(2, idx):cdiv(norm))
    denom = norm:clone():cmul(norm)
  else
    -- d y / d x = (normp I - x |x|^(p-2) x^T) / (normp norm)
    gi = g:clone():cmul(normp:expandAs(g))
    if self.p == 2 then
      buffer = x:clone()
    elseif self.p < 2 then
      buffer = x:clone():abs():add(self.eps):pow(self.p - 2):cmul(x)
    else
      buffer = x:clone():abs():pow(self.p - 2):cmul(x)
    end
    denom = normp:clone():cmul(norm)
  end
  local cross = x:clone():cmul(g):sum(2)
  gi:add(-1, buffer:cmul(cross:expandAs(buffer)))
  gi:cdiv(denom:expandAs(gi))
  utils.like(self, "gradInput", input):copy(gi:viewAs(input))
  return self.gradInput
end

function Normalize:__tostring__()
  if self.p % 1 == 0 then return string.format("%s(%d)", self.__typename, self.p) end
  return string.format("%s(%f)", self.__typename, self.p)
end

return Normalize
