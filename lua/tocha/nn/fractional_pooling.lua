-- What SpatialFractionalMaxPooling and VolumetricFractionalMaxPooling share
-- (Graham's fractional max pooling, Torch7's semantics): along each spatial
-- dimension of n inputs, out windows of `pool` inputs start at
--   seq[i] = floor((i + u) alpha) - floor(u alpha)  (i = 0 .. out - 2),
--   seq[out - 1] = n - pool,  alpha = (n - pool) / (out - 1),
-- u a uniform sample per batch element, plane and dimension (drawn again at
-- each forward unless fixPoolingRegions()); the output is each window's
-- maximum, its gradient goes to that maximum.  The windows of every plane
-- become one index tensor, so forward is a gather and a max.
local tocha = require "tocha"
local utils = require "tocha.utils"

local frac = {}

--- self._pool, self._out (or self._ratio): per spatial dimension in the
-- input's order; slots: which random sample each dimension uses (Torch7's).
function frac.init(self, pools, outs, slots)
  local name = self.__typename
  self._pool, self._slots = {}, slots
  for i, p in ipairs(pools) do self._pool[i] = utils.checkinteger(p, name, "poolSize", 1, 4) end
  if type(outs[1]) ~= "number" then
    error(string.format("%s: the output sizes or ratios must be numbers, got %s", name, type(outs[1])), 4)
  end
  local ratio = outs[1] < 1
  for i, o in ipairs(outs) do
    if type(o) ~= "number" or (ratio and not (o > 0 and o < 1)) or (not ratio and math.tointeger(o) == nil) then
      error(string.format("%s: give either all output sizes (integers >= 1) or all reduction ratios (in (0, 1)), "
        .. "got %s", name, tostring(o)), 4)
    end
  end
  if ratio then self._ratio = outs else self._out = outs end
  self.newRandomPool = false
end

--- Keeps the pooling regions from one forward to the next (val true, the
-- default) or draws new ones at every forward (false); Torch7's field.
function frac.fixPoolingRegions(self, val)
  if val == nil then val = true end
  self.newRandomPool = val
  return self
end

local function shape(self, input)
  utils.check_tensor(self, input, "input", 5)
  local nd = #self._pool
  local d = input:dim()
  if d ~= nd + 1 and d ~= nd + 2 then
    error(string.format("%s: input must be %dD (planes x %s) or %dD (with a batch), got size %s", self.__typename,
      nd + 1, nd == 2 and "H x W" or "H x W x T", nd + 2, utils.shape(input)), 0)
  end
  local first = d - nd + 1
  local batch = d == nd + 2 and input:size(1) or 1
  local planes = input:size(first - 1)
  local ins, outs = {}, {}
  for i = 1, nd do
    ins[i] = input:size(first + i - 1)
    outs[i] = self._out and self._out[i] or math.floor(self._ratio[i] * ins[i])
    if outs[i] < 1 or outs[i] + self._pool[i] - 1 > ins[i] then
      error(string.format("%s: input size %d along dimension %d is too small for %d windows of %d", self.__typename,
        ins[i], first + i - 1, outs[i], self._pool[i]), 0)
    end
  end
  return batch, planes, ins, outs, first
end

-- The window starts along one dimension (0-based), Torch7's sequence.
local function starts(u, n, out, pool)
  local seq = {}
  local alpha = out > 1 and (n - pool) / (out - 1) or 0
  for i = 0, out - 2 do seq[i + 1] = math.floor((i + u) * alpha) - math.floor(u * alpha) end
  seq[out] = n - pool
  return seq
end

-- The (planes, L*P) flat 0-based input positions of every window's inputs.
local function build_index(self, planes, ins, outs)
  local nd = #ins
  local L, P = 1, 1
  for i = 1, nd do L, P = L * outs[i], P * self._pool[i] end
  local idx = tocha.LongTensor(planes, L * P)
  local samples = self.randomSamples:view(planes, -1)
  local shape_full = {}
  for i = 1, nd do shape_full[i], shape_full[nd + i] = outs[i], self._pool[i] end
  local full = tocha.LongStorage(shape_full)
  for p = 1, planes do
    local acc = tocha.LongTensor(full):zero()
    local stride = 1
    for i = nd, 1, -1 do
      local seq = starts(samples[p][self._slots[i]], ins[i], outs[i], self._pool[i])
      local pos = tocha.LongTensor(outs[i], self._pool[i])
      for o = 1, outs[i] do for k = 1, self._pool[i] do pos[o][k] = (seq[o] + k - 1) * stride end end
      local view = {}
      for j = 1, 2 * nd do view[j] = 1 end
      view[i], view[nd + i] = outs[i], self._pool[i]
      acc:add(pos:view(tocha.LongStorage(view)):expand(full))
      stride = stride * ins[i]
    end
    -- (out..., pool...) -> (L, P)
    idx[p]:copy(acc:view(L, P))
  end
  return idx:add(1), L, P
end

--- updateOutput shared by Spatial/VolumetricFractionalMaxPooling: draws the pooling regions, then max-pools.
function frac.updateOutput(self, input)
  local batch, planes, ins, outs, first = shape(self, input)
  local nplanes = batch * planes
  local key = table.concat(ins, "x") .. ":" .. table.concat(outs, "x") .. ":" .. nplanes
  local fresh = not tocha.isTensor(self.randomSamples) or self.randomSamples:nElement() ~= nplanes * #ins
  if fresh then self.randomSamples = input.new(batch, planes, #ins) end
  if fresh or not self.newRandomPool then self.randomSamples:uniform() end
  if fresh or not self.newRandomPool or self._key ~= key or not tocha.isTensor(self._windows) then
    self._windows, self._L, self._P = build_index(self, nplanes, ins, outs)
    self._key = key
  end
  local N = 1
  for i = 1, #ins do N = N * ins[i] end
  local x = input:contiguous():view(nplanes, N)
  local vals = x:gather(2, self._windows):view(nplanes, self._L, self._P)
  local best, arg = vals:max(3)
  self.indices = self._windows:view(nplanes, self._L, self._P):gather(3, arg):view(nplanes, self._L)
  local size = input:size():totable()
  for i = 1, #ins do size[first + i - 1] = outs[i] end
  utils.like(self, "output", input):resize(tocha.LongStorage(size)):copy(best:view(tocha.LongStorage(size)))
  return self.output
end

--- updateGradInput shared by the fractional max-pooling modules: routes gradOutput to the maxima.
function frac.updateGradInput(self, input, gradOutput)
  local batch, planes, ins = shape(self, input)
  utils.check_tensor(self, gradOutput, "gradOutput", 4)
  if not tocha.isTensor(self.indices) or not gradOutput:isSameSizeAs(self.output) then
    error(string.format("%s: gradOutput must have the output's size, got %s", self.__typename,
      utils.shape(gradOutput)), 0)
  end
  local nplanes, N = batch * planes, 1
  for i = 1, #ins do N = N * ins[i] end
  local offsets = tocha.range(0, nplanes - 1):long():mul(N):view(nplanes, 1):expandAs(self.indices)
  local where = self.indices:clone():add(offsets):view(-1)
  local gi = utils.like(self, "gradInput", input):zero()
  gi:view(-1):indexAdd(1, where, gradOutput:contiguous():view(-1))
  return gi
end

--- clearState shared by the fractional max-pooling modules: frees indices and samples, then parent's.
function frac.clearState(self, parent)
  utils.clear(self, "indices", "_windows")
  self._key = nil
  return parent.clearState(self)
end

return frac
