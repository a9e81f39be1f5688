--- nn.UpSampling(scale [, mode]): enlarges the last two dimensions of a 4D
-- input (batch, planes, h, w), or the last three of a 5D one, by the
-- integer scale (Torch7's).  mode 'nearest' (default) repeats each value
-- scale times; 'linear' interpolates (bi- or trilinearly) with the corners
-- aligned, as Torch7's SpatialUpSamplingBilinear: output i of n_out takes
-- input position i (n_in - 1) / (n_out - 1).  Each dimension is resampled by
-- a small matrix, applied transposed in backward.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local UpSampling, parent = tocha.class("nn.UpSampling", "nn.Module")
local NAME = "nn.UpSampling"

function UpSampling:__init(scale, mode)
  parent.__init(self)
  self.scale = utils.checkinteger(scale, NAME, "scale", 1)
  self.mode = mode or "nearest"
  if self.mode ~= "nearest" and self.mode ~= "linear" then
    error(string.format("%s: mode must be 'nearest' or 'linear', got %s", NAME, tostring(mode)), 2)
  end
end

-- Resampling matrices, shared by all instances (they depend only on the
-- mode, scale, size and type; kept out of the module so saves stay small).
local matrices = setmetatable({}, { __mode = "v" })

--- The m x n matrix that resamples n values to m linearly with the corners
-- aligned: output i takes input position (i - 1) (n - 1) / (m - 1)
-- (shared with SpatialUpSamplingBilinear).
function UpSampling.linearMatrix(n, m, template)
  local key = string.format("linear:%d:%d:%s", n, m, template:type())
  local cached = matrices[key]
  if cached then return cached end
  local M = template.new(m, n):zero()
  for i = 1, m do
    local src = m > 1 and (i - 1) * (n - 1) / (m - 1) or 0
    local i0 = math.floor(src)
    local lambda = src - i0
    local i1 = math.min(i0 + 1, n - 1)
    M[i][i0 + 1] = M[i][i0 + 1] + (1 - lambda)
    M[i][i1 + 1] = M[i][i1 + 1] + lambda
  end
  matrices[key] = M
  return M
end

-- The (n * scale) x n resampling matrix of one dimension.
function UpSampling:_matrix(n, template)
  if self.mode == "linear" then return UpSampling.linearMatrix(n, n * self.scale, template) end
  local key = string.format("%s:%d:%d:%s", self.mode, self.scale, n, template:type())
  local cached = matrices[key]
  if cached then return cached end
  local m = n * self.scale
  local M = template.new(m, n):zero()
  for i = 1, m do M[i][(i - 1) // self.scale + 1] = 1 end
  matrices[key] = M
  return M
end

--- t with matrix A (rows x t:size(d)) applied along dimension d.
function UpSampling.apply(t, d, A)
  local moved = t:transpose(d, t:dim()):contiguous()
  local size = moved:size():totable()
  local flat = moved:view(moved:nElement() // size[#size], size[#size])
  local r = tocha.mm(flat, A:t())
  size[#size] = A:size(1)
  return r:view(tocha.LongStorage(size)):transpose(d, t:dim())
end

local function spatial_dims(input)
  if not tocha.isTensor(input) or (input:dim() ~= 4 and input:dim() ~= 5) then
    error(string.format("%s: input must be 4D (batch, planes, h, w) or 5D, got %s", NAME,
      tocha.isTensor(input) and utils.shape(input) or tocha.type(input)), 3)
  end
  return 3, input:dim()
end

function UpSampling:updateOutput(input)
  local first, last = spatial_dims(input)
  local y = input
  for d = first, last do y = UpSampling.apply(y, d, self:_matrix(input:size(d), input)) end
  utils.like(self, "output", y):copy(y)
  return self.output
end

function UpSampling:updateGradInput(input, gradOutput)
  Loss.gradOutput(self, gradOutput)
  local first, last = spatial_dims(input)
  local g = gradOutput
  for d = first, last do g = UpSampling.apply(g, d, self:_matrix(input:size(d), input):t()) end
  utils.like(self, "gradInput", input):copy(g)
  return self.gradInput
end

function UpSampling:__tostring__()
  return string.format("%s(%d, %s)", self.__typename, self.scale, self.mode)
end

return UpSampling
