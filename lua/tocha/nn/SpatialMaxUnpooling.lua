-- nn.SpatialMaxUnpooling(poolingModule): the inverse of a SpatialMaxPooling
-- whose kernel equals its step (Torch7's module): each input value goes
-- back where the pooling's last forward found its maximum
-- (poolingModule.indices), the rest of the output (the pooling's input
-- size) is zero.  Its gradient gathers gradOutput at those places.
local tocha = require "tocha"
local utils = require "tocha.utils"

local SpatialMaxUnpooling, parent = tocha.class("nn.SpatialMaxUnpooling", "nn.Module")

function SpatialMaxUnpooling:__init(poolingModule)
  parent.__init(self)
  if tocha.type(poolingModule) ~= "nn.SpatialMaxPooling" then
    error("nn.SpatialMaxUnpooling: the argument must be a nn.SpatialMaxPooling module, got "
      .. tocha.type(poolingModule), 2)
  end
  if poolingModule.kH ~= poolingModule.dH or poolingModule.kW ~= poolingModule.dW then
    error("nn.SpatialMaxUnpooling: the pooling module's kernel must equal its step", 2)
  end
  self.pooling = poolingModule
end

--- Copies kernel, stride and padding from the paired SpatialMaxPooling module (called before each use).
function SpatialMaxUnpooling:setParams()
  self.indices = self.pooling.indices
  self.oheight = self.pooling.iheight
  self.owidth = self.pooling.iwidth
end

-- The input and indices as (planes, oH*oW) matrices; checks they match.
local function planes(self, input, what)
  utils.check_tensor(self, input, what, 4)
  self:setParams()
  local idx = self.indices
  if not self.oheight or not tocha.isTensor(idx) or not idx:isSameSizeAs(input) then
    error(string.format("nn.SpatialMaxUnpooling: %s (size %s) must have the size of the pooling module's last "
      .. "output (%s): run the pooling module forward first", what, utils.shape(input),
      tocha.isTensor(idx) and utils.shape(idx) or "none"), 0)
  end
  local d = input:dim()
  local n = input:nElement() // (input:size(d) * input:size(d - 1))
  return input:contiguous():view(n, input:size(d) * input:size(d - 1)), idx:view(n, idx:size(d) * idx:size(d - 1)), n
end

local function output_size(self, input)
  local s = input:size():totable()
  s[#s - 1], s[#s] = self.oheight, self.owidth
  return tocha.LongStorage(s)
end

function SpatialMaxUnpooling:updateOutput(input)
  local x, idx, n = planes(self, input, "input")
  local out = utils.like(self, "output", input):resize(output_size(self, input)):zero()
  out:view(n, self.oheight * self.owidth):scatter(2, idx, x)
  return self.output
end

function SpatialMaxUnpooling:updateGradInput(input, gradOutput)
  local _, idx, n = planes(self, input, "input")
  utils.check_tensor(self, gradOutput, "gradOutput", 3)
  if gradOutput:nElement() ~= n * self.oheight * self.owidth then
    error(string.format("nn.SpatialMaxUnpooling: gradOutput must have the output's size, got %s",
      utils.shape(gradOutput)), 0)
  end
  local g = gradOutput:contiguous():view(n, self.oheight * self.owidth)
  utils.like(self, "gradInput", input):view(n, idx:size(2)):gather(g, 2, idx)
  return self.gradInput
end

--- Frees the output and gradInput buffers (Torch7's empty).
function SpatialMaxUnpooling:empty()
  self:clearState()
end

function SpatialMaxUnpooling:__tostring__()
  return "nn.SpatialMaxUnpooling associated to " .. tostring(self.pooling)
end

return SpatialMaxUnpooling
