-- What SpatialFullConvolution, SpatialDilatedConvolution,
-- SpatialDepthWiseConvolution and the Volumetric(Full|Dilated)Convolution
-- modules share: argument checks, Torch7's initialisation, and the calls
-- into tocha._convnd (src/core/nn/convnd.c) that do the numeric work.
-- Each module sets `self._kind` ("conv2", "conv3", "full2", "full3"); the
-- C side reads the window from the module's fields (kW, dW, padW,
-- dilationW, adjW, ... Torch7's names).  Full convolutions also take
-- Torch7's two-tensor input {input, target}: the output then has the
-- target's last two (or three) sizes.
local tocha = require "tocha"
local utils = require "tocha.utils"

local C = tocha._convnd
local convnd = {}

--- Checks integer arguments: spec is a list of {value, name, min, default};
-- returns the values (level 5: the user's constructor call).
function convnd.integers(name, spec)
  local out = {}
  for i, s in ipairs(spec) do out[i] = utils.optinteger(s[1], name, s[2], s[3], s[4], 5) end
  return table.unpack(out, 1, #spec)
end

--- Refuses a weight of more than 2^53 elements before allocating it.
function convnd.checkWeightSize(name, sizes)
  local n = 1.0
  for _, s in ipairs(sizes) do n = n * s end
  if n > 2 ^ 53 then error(string.format("%s: weight too large (%s)", name, table.concat(sizes, " x ")), 4) end
  return tocha.LongStorage(sizes)
end

--- Allocates weight, gradWeight, bias, gradBias (bias of `nbias` elements)
-- and the workspace, then reset().
function convnd.allocate(self, sizes, nbias)
  local storage = convnd.checkWeightSize(self.__typename, sizes)
  self.weight = tocha.Tensor(storage)
  self.gradWeight = tocha.Tensor(storage):zero()
  self.bias = tocha.Tensor(nbias)
  self.gradBias = tocha.Tensor(nbias):zero()
  self.finput = tocha.Tensor()
  self.fgradInput = tocha.Tensor()
  self:reset()
end

--- Torch7's initialisation: uniform in (-stdv, stdv), stdv = 1/sqrt(fanIn)
-- or the given stdv * sqrt(3).
function convnd.reset(self, fanIn, stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(fanIn)
  end
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

--- noBias for the N-d convolution modules: removes bias and gradBias; returns self.
function convnd.noBias(self)
  self.bias = nil
  self.gradBias = nil
  return self
end


-- The input tensor and the target (nil without one) of a call.
local function split(self, input)
  if type(input) == "table" and not tocha.isTensor(input) then
    if self._kind:sub(1, 4) ~= "full" then
      error(string.format("%s: input must be a tensor, got a table", self.__typename), 0)
    end
    if not tocha.isTensor(input[1]) or not tocha.isTensor(input[2]) then
      error(string.format("%s: a table input must be {input, targetSizeTensor}, got {%s, %s}", self.__typename,
        tocha.type(input[1]), tocha.type(input[2])), 0)
    end
    return input[1], input[2]
  end
  return utils.check_tensor(self, input, "input", 5), nil
end

--- self[field] as a tensor of the weight's type (a new one when it is not).
function convnd.own(self, field)
  local t = self[field]
  if not tocha.isTensor(t) or tocha.type(t) ~= tocha.type(self.weight) then
    t = self.weight.new()
    self[field] = t
  end
  return t
end
local own = convnd.own

--- The workspace (Torch7's finput field).
function convnd.workspace(self) return own(self, "finput") end
local workspace = convnd.workspace

--- updateOutput with the module's own weight and bias (or the given ones).
function convnd.updateOutput(self, input, weight, bias, groups)
  local x, target = split(self, input)
  x = utils.contiguous(self, "_input", x)
  return C.forward(self, self._kind, own(self, "output"), workspace(self), x, weight or self.weight,
    bias or self.bias, target, groups)
end

-- The gradient of the target: one zero, expanded to its size (Torch7's).
local function target_gradient(self, target)
  self.zeroScalar = self.zeroScalar or target.new(1):zero()
  self.zeroScalar:resize(1):zero()
  local ones = {}
  for i = 1, target:dim() do ones[i] = 1 end
  return self.zeroScalar:view(table.unpack(ones)):expandAs(target)
end

--- gradInput (wantInput) and the parameter gradients (gradWeight, nil: none)
-- in one C call; returns self.gradInput (a table for a table input).
function convnd.backward(self, input, gradOutput, scale, wantInput, weight, gradWeight, gradBias, groups)
  local x, target = split(self, input)
  utils.check_tensor(self, gradOutput, "gradOutput", 5)
  x, gradOutput = utils.contiguous(self, "_input", x), utils.contiguous(self, "_gradOutput", gradOutput)
  local gi
  if wantInput then
    if target and type(self.gradInput) == "table" then self.gradInput = self.gradInput[1] end
    gi = own(self, "gradInput")
  end
  C.backward(self, self._kind, gi, gradWeight, gradBias, workspace(self), x, gradOutput, weight or self.weight,
    scale or 1, target, groups)
  if wantInput and target then
    self.gradInput = { gi, target_gradient(self, target) }
  end
  return self.gradInput
end

--- clearState for the N-d convolution modules: frees the column buffers, then parent's clearState.
function convnd.clearState(self, parent)
  utils.clear(self, "finput", "fgradInput", "_input", "_gradOutput", "zeroScalar")
  return parent.clearState(self)
end

--- Gives `class` (parent `parent`) the methods of a module whose weight and
-- bias are its parameters as they are: noBias, updateOutput,
-- updateGradInput, accGradParameters, clearState.
function convnd.methods(class, parent)
  class.noBias = convnd.noBias
  function class:updateOutput(input) return convnd.updateOutput(self, input) end
  function class:updateGradInput(input, gradOutput)
    if not self.gradInput then return end
    return convnd.backward(self, input, gradOutput, 1, true)
  end
  function class:accGradParameters(input, gradOutput, scale)
    convnd.backward(self, input, gradOutput, scale, false, nil, self.gradWeight, self.gradBias)
  end
  function class:clearState() return convnd.clearState(self, parent) end
end

--- Torch7's description: "<name>(nIn -> nOut, k1xk2[xk3][, steps][, pads][, extra])
-- [without bias]"; `axes` the kernel's axes in the constructor's order
-- ({"W", "H"} or {"T", "W", "H"}), `extra` a field prefix ("adj",
-- "dilation") always shown when present and not all zero or one.
function convnd.describe(self, axes, extra)
  local function list(prefix, sep)
    local v = {}
    for i, a in ipairs(axes) do v[i] = self[prefix .. a] end
    return table.concat(v, sep)
  end
  local function all(prefix, value)
    for _, a in ipairs(axes) do
      if (self[prefix .. a] or value) ~= value then return false end
    end
    return true
  end
  local s = string.format("%s(%d -> %d, %s", self.__typename, self.nInputPlane, self.nOutputPlane, list("k", "x"))
  if not all("d", 1) or not all("pad", 0) then s = s .. ", " .. list("d", ",") end
  if not all("pad", 0) then s = s .. ", " .. list("pad", ",") end
  if extra and self[extra .. axes[1]] ~= nil and not all(extra, extra == "adj" and 0 or 1) then
    s = s .. ", " .. list(extra, ",")
  end
  return s .. (self.bias and ")" or ") without bias")
end

return convnd
