--- nn.Kmeans(k, dim [, scale]): online hard k-means (Torch7's).  weight
-- holds the k centres (k x dim).  forward on a batch (n, dim) outputs the
-- index of each sample's nearest centre and sets self.loss to the sum of
-- squared distances to them; accGradParameters accumulates
--   -scale / n_c * sum of (x - c) over the n_c samples of centre c
-- so that weight:add(-1, gradWeight) moves each centre to its samples.
-- The input's gradient is zero.  initRandom(input) and
-- initKmeansPlus(input [, p]) pick starting centres from the input.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Kmeans, parent = tocha.class("nn.Kmeans", "nn.Module")
local NAME = "nn.Kmeans"

function Kmeans:__init(k, dim, scale)
  parent.__init(self)
  self.k = utils.checkinteger(k, NAME, "k", 1)
  self.dim = utils.checkinteger(dim, NAME, "dim", 1)
  if scale ~= nil and (type(scale) ~= "number" or scale <= 0) then
    error(string.format("%s: scale must be a positive number, got %s", NAME, tostring(scale)), 2)
  end
  self.scale = scale
  self.weight = tocha.Tensor(self.k, self.dim)
  self.gradWeight = tocha.Tensor(self.k, self.dim):zero()
  self.loss = 0
  self.clusterSampleCount = tocha.Tensor(self.k)
  self:reset()
end

function Kmeans:reset(stdev)
  stdev = stdev or 1
  self.weight:uniform(-stdev, stdev)
  return self
end

local function check(self, input, min_samples)
  if not tocha.isTensor(input) or input:dim() ~= 2 or input:size(2) ~= self.dim then
    error(string.format("%s: input must be a matrix (samples, %d), got %s", NAME, self.dim,
      tocha.isTensor(input) and utils.shape(input) or tocha.type(input)), 3)
  end
  if min_samples and input:size(1) < min_samples then
    error(string.format("%s: need at least %d samples, got %d", NAME, min_samples, input:size(1)), 3)
  end
end

--- Centres = k samples of input drawn at random.
function Kmeans:initRandom(input)
  check(self, input, self.k)
  for i = 1, self.k do self.weight[i]:copy(input[tocha.random(1, input:size(1))]) end
  return self
end

-- Squared distances (n) of the samples to a centre c.
local function sq_distances(input, c)
  return input:clone():add(-1, c:contiguous():view(1, c:nElement()):expandAs(input)):pow(2):sum(2):select(2, 1)
end

--- k-means++-like seeding (Torch7's): each next centre is drawn among the
-- (1 - p) fraction of samples farthest from the centres so far (p 0.95).
function Kmeans:initKmeansPlus(input, p)
  self.p = p or self.p or 0.95
  if not (self.p >= 0 and self.p <= 1) then error(string.format("%s: p must be in [0, 1]", NAME), 2) end
  check(self, input, 1)
  local n = input:size(1)
  local pcount = math.max(1, math.ceil((1 - self.p) * n))
  self.weight[1]:copy(input[tocha.random(1, n)])
  local distances = input.new(n):fill(math.huge)
  for k = 2, self.k do
    distances:cmin(sq_distances(input, self.weight[k - 1]))
    local _, order = distances:sort(1, true)
    self.weight[k]:copy(input[order[tocha.random(1, pcount)]])
  end
  return self
end

function Kmeans:updateOutput(input)
  check(self, input)
  local n = input:size(1)
  local d = input.new(self.k, n)
  for c = 1, self.k do d[c]:copy(sq_distances(input, self.weight[c])) end
  local score, idx = d:min(1)
  self._minIndx = idx:view(n)
  self.output:resize(n):copy(self._minIndx)
  self.loss = score:sum()
  return self.output
end

function Kmeans:updateGradInput(input)
  self.gradInput:resize(input:size()):zero()
  return self.gradInput
end

function Kmeans:accGradParameters(input, gradOutput, scale) -- luacheck: no unused args
  scale = self.scale or scale or 1
  if not self._minIndx then error(string.format("%s: accGradParameters needs a forward first", NAME), 2) end
  local n = input:size(1)
  self.clusterSampleCount:zero():indexAdd(1, self._minIndx, self.clusterSampleCount.new(n):fill(1))
  local g = input:clone():add(-1, self.weight:index(1, self._minIndx)):mul(-scale)
  local sums = self.gradWeight.new(self.k, self.dim):zero():indexAdd(1, self._minIndx, g)
  local counts = self.clusterSampleCount:clone():add(1e-7):view(self.k, 1)
  self.gradWeight:add(sums:cdiv(counts:expandAs(sums)))
end

function Kmeans:clearState()
  self._minIndx = nil
  return parent.clearState(self)
end

return Kmeans
