-- nn.SpatialConvolutionMap(connTable, kW, kH [, dW, dH]): a 2-D convolution
-- in which output plane o sees only the input planes the connection table
-- (nn.tables) links to it, as Torch7: weight nConnections x kH x kW (one
-- kernel per row {input, output} of connTable), bias nOutputPlane;
-- nInputPlane and nOutputPlane are the table's largest entries.  The
-- kernels are placed into a dense nOutputPlane x nInputPlane x kH x kW
-- weight (zeros elsewhere) for SpatialConvolution's C kernels, and the
-- dense gradient is gathered back per connection.
local tocha = require "tocha"
local utils = require "tocha.utils"
local convnd = require "tocha.nn.convnd"

local SpatialConvolutionMap, parent = tocha.class("nn.SpatialConvolutionMap", "nn.Module")
local C = tocha._spatial

--- Checks a connection table and gives its planes' counts (shared with
-- SpatialFullConvolutionMap).
function SpatialConvolutionMap.checkTable(name, conMatrix)
  if not tocha.isTensor(conMatrix) or conMatrix:dim() ~= 2 or conMatrix:size(2) ~= 2 or conMatrix:size(1) < 1 then
    error(string.format("%s: connTable must be an nConnections x 2 tensor (see nn.tables), got %s", name,
      tocha.isTensor(conMatrix) and utils.shape(conMatrix) or tocha.type(conMatrix)), 4)
  end
  local t = conMatrix:double()
  if t:min() < 1 or t:ne(t:floor()):sum() > 0 then
    error(string.format("%s: connTable entries must be positive integers (1-based plane numbers)", name), 4)
  end
  return math.tointeger(t:select(2, 1):max()), math.tointeger(t:select(2, 2):max())
end

--- Torch7's initialisation: each kernel and bias uniform in (-stdv, stdv),
-- stdv = 1/sqrt(kW*kH*(connections of its output plane)); or the given
-- stdv * sqrt(3) for all.
function SpatialConvolutionMap.resetMap(self, stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
    self.weight:uniform(-stdv, stdv)
    self.bias:uniform(-stdv, stdv)
    return self
  end
  local ninp = {}
  for o = 1, self.nOutputPlane do ninp[o] = 0 end
  local n = self.connTable:size(1)
  for k = 1, n do
    local o = math.tointeger(self.connTable[k][2])
    ninp[o] = ninp[o] + 1
  end
  for k = 1, n do
    local s = 1 / math.sqrt(self.kW * self.kH * ninp[math.tointeger(self.connTable[k][2])])
    self.weight:select(1, k):uniform(-s, s)
  end
  for o = 1, self.nOutputPlane do
    local s = 1 / math.sqrt(self.kW * self.kH * math.max(ninp[o], 1))
    self.bias:narrow(1, o, 1):uniform(-s, s)
  end
  return self
end

--- Sets the fields shared with SpatialFullConvolutionMap.
function SpatialConvolutionMap.initMap(self, conMatrix, kW, kH, dW, dH)
  local name = self.__typename
  self.nInputPlane, self.nOutputPlane = SpatialConvolutionMap.checkTable(name, conMatrix)
  self.kW, self.kH = utils.checkinteger(kW, name, "kW", 1, 4), utils.checkinteger(kH, name, "kH", 1, 4)
  self.dW, self.dH = utils.optinteger(dW, name, "dW", 1, 1, 4), utils.optinteger(dH, name, "dH", 1, 1, 4)
  self.connTable = conMatrix
  local n = conMatrix:size(1)
  self.weight = tocha.Tensor(n, self.kH, self.kW)
  self.gradWeight = tocha.Tensor(n, self.kH, self.kW):zero()
  self.bias = tocha.Tensor(self.nOutputPlane)
  self.gradBias = tocha.Tensor(self.nOutputPlane):zero()
  self.finput = tocha.Tensor()
  self:reset()
end

function SpatialConvolutionMap:__init(conMatrix, kW, kH, dW, dH)
  parent.__init(self)
  SpatialConvolutionMap.initMap(self, conMatrix, kW, kH, dW, dH)
end

SpatialConvolutionMap.reset = SpatialConvolutionMap.resetMap

local function check_weight(self)
  local w, n = self.weight, self.connTable:size(1)
  if not tocha.isTensor(w) or w:dim() ~= 3 or w:size(1) ~= n or w:size(2) ~= self.kH or w:size(3) ~= self.kW then
    error(string.format("%s: weight must be %d x %d x %d (nConnections x kH x kW), got %s", self.__typename, n,
      self.kH, self.kW, tocha.isTensor(w) and utils.shape(w) or tocha.type(w)), 0)
  end
end

--- The dense weight: `rows` x `cols` x kH x kW with kernel k at
-- [connTable[k][a]][connTable[k][b]] (a, b = 2, 1 for a convolution,
-- 1, 2 for a full one); `from` the connection kernels (default self.weight).
function SpatialConvolutionMap.dense(self, field, rows, cols, a, b, from)
  check_weight(self)
  from = from or self.weight
  local d = self[field]
  if not tocha.isTensor(d) or tocha.type(d) ~= tocha.type(from) then d = from.new() end
  d:resize(rows, cols, self.kH, self.kW):zero()
  local t = self.connTable
  for k = 1, t:size(1) do
    d[math.tointeger(t[k][a])][math.tointeger(t[k][b])]:add(from[k])
  end
  self[field] = d
  return d
end

--- gradWeight[k] += dense[connTable[k][a]][connTable[k][b]].
function SpatialConvolutionMap.gather(self, dense, a, b)
  local t = self.connTable
  for k = 1, t:size(1) do
    self.gradWeight[k]:add(dense[math.tointeger(t[k][a])][math.tointeger(t[k][b])])
  end
end

local own, workspace = convnd.own, convnd.workspace

function SpatialConvolutionMap:updateOutput(input)
  input = utils.contiguous(self, "_input", utils.check_tensor(self, input, "input"))
  local d = SpatialConvolutionMap.dense(self, "_dense", self.nOutputPlane, self.nInputPlane, 2, 1)
  return C.conv2d_forward(self, own(self, "output"), workspace(self), input, d, self.bias)
end

function SpatialConvolutionMap:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  input, gradOutput = utils.contiguous_pair(self, input, gradOutput)
  local d = SpatialConvolutionMap.dense(self, "_dense", self.nOutputPlane, self.nInputPlane, 2, 1)
  return C.conv2d_backward(self, own(self, "gradInput"), nil, nil, workspace(self), input, gradOutput, d)
end

function SpatialConvolutionMap:accGradParameters(input, gradOutput, scale)
  input, gradOutput = utils.contiguous_pair(self, input, gradOutput)
  local d = SpatialConvolutionMap.dense(self, "_dense", self.nOutputPlane, self.nInputPlane, 2, 1)
  local gd = own(self, "_denseGrad"):resizeAs(d):zero()
  C.conv2d_backward(self, nil, gd, self.gradBias, workspace(self), input, gradOutput, d, scale or 1)
  SpatialConvolutionMap.gather(self, gd, 2, 1)
end

function SpatialConvolutionMap:clearState()
  utils.clear(self, "finput", "_input", "_gradOutput", "_dense", "_denseGrad")
  return parent.clearState(self)
end

function SpatialConvolutionMap:__tostring__()
  return string.format("%s(%d -> %d, %dx%d, %d,%d)", self.__typename, self.nInputPlane, self.nOutputPlane, self.kW,
    self.kH, self.dW, self.dH)
end

return SpatialConvolutionMap
