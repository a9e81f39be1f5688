-- nn.VolumetricMaxUnpooling(poolingModule): the inverse of a
-- VolumetricMaxPooling whose kernel equals its step (Torch7's module): each
-- input value goes back where the pooling's last forward found its maximum,
-- the rest of the output (the pooling's input size) is zero; the gradient
-- gathers gradOutput at those places.  The places come from the pooling's
-- indices (each maximum's tap in its window) and the windows' positions.
local tocha = require "tocha"
local utils = require "tocha.utils"

local VolumetricMaxUnpooling, parent = tocha.class("nn.VolumetricMaxUnpooling", "nn.Module")

function VolumetricMaxUnpooling:__init(poolingModule)
  parent.__init(self)
  if tocha.type(poolingModule) ~= "nn.VolumetricMaxPooling" then
    error("nn.VolumetricMaxUnpooling: the argument must be a nn.VolumetricMaxPooling module, got "
      .. tocha.type(poolingModule), 2)
  end
  local p = poolingModule
  if p.kT ~= p.dT or p.kH ~= p.dH or p.kW ~= p.dW then
    error("nn.VolumetricMaxUnpooling: the pooling module's kernel must equal its step", 2)
  end
  self.pooling = poolingModule
end

-- Input, and the flat 1-based positions (planes x oT*oH*oW) of the maxima in
-- the output's planes, with the sizes of those planes.
local function places(self, input)
  utils.check_tensor(self, input, "input", 4)
  local p, idx = self.pooling, self.pooling.indices
  local d = input:dim()
  if (d ~= 4 and d ~= 5) or not tocha.isTensor(idx) or not idx:isSameSizeAs(input) or not p._inputSize then
    error(string.format("nn.VolumetricMaxUnpooling: input (size %s) must have the size of the pooling module's "
      .. "last output: run the pooling module forward first", utils.shape(input)), 0)
  end
  local T, H, W = p._inputSize[1], p._inputSize[2], p._inputSize[3]
  local oT, oH, oW = input:size(d - 2), input:size(d - 1), input:size(d)
  local n = input:nElement() // (oT * oH * oW)
  local key = string.format("%d:%d:%d:%d:%d:%d:%d", n, T, H, W, oT, oH, oW)
  if self._key ~= key or not tocha.isTensor(self._places) then
    -- window (t, y, x) starts at (t*kT - padT, y*kH - padH, x*kW - padW)
    local base = tocha.LongTensor(oT, oH, oW)
    for t = 0, oT - 1 do for y = 0, oH - 1 do for x = 0, oW - 1 do
      base[t + 1][y + 1][x + 1] = ((t * p.kT - p.padT) * H + (y * p.kH - p.padH)) * W + (x * p.kW - p.padW) + 1
    end end end
    self._base = base:view(1, oT * oH * oW)
    self._key = key
  end
  local id = idx:contiguous():view(n, oT * oH * oW)
  local a = id:clone():div(p.kH * p.kW)                  -- tap along T
  local b = id:clone():div(p.kW):remainder(p.kH)         -- along H
  local c = id:clone():remainder(p.kW)                   -- along W
  local pos = self._base:expand(n, oT * oH * oW):clone():add(a:mul(H * W)):add(b:mul(W)):add(c)
  self._places = pos
  return input:contiguous():view(n, oT * oH * oW), pos, n, T * H * W
end

local function output_size(self, input)
  local s = input:size():totable()
  local d = #s
  s[d - 2], s[d - 1], s[d] = self.pooling._inputSize[1], self.pooling._inputSize[2], self.pooling._inputSize[3]
  return tocha.LongStorage(s)
end

function VolumetricMaxUnpooling:updateOutput(input)
  local x, pos, n, len = places(self, input)
  utils.like(self, "output", input):resize(output_size(self, input)):zero()
  self.output:view(n, len):scatter(2, pos, x)
  return self.output
end

function VolumetricMaxUnpooling:updateGradInput(input, gradOutput)
  local _, pos, n, len = places(self, input)
  utils.check_tensor(self, gradOutput, "gradOutput", 3)
  if gradOutput:nElement() ~= n * len then
    error(string.format("nn.VolumetricMaxUnpooling: gradOutput must have the output's size, got %s",
      utils.shape(gradOutput)), 0)
  end
  utils.like(self, "gradInput", input):view(n, pos:size(2)):gather(gradOutput:contiguous():view(n, len), 2, pos)
  return self.gradInput
end

function VolumetricMaxUnpooling:clearState()
  utils.clear(self, "_places", "_base")
  self._key = nil
  return parent.clearState(self)
end

function VolumetricMaxUnpooling:__tostring__()
  return "nn.VolumetricMaxUnpooling associated to " .. tostring(self.pooling)
end

return VolumetricMaxUnpooling
