--- tocha.distributed: data parallelism on MPI (Open MPI).  The collectives
-- (init, rank, size, barrier, allreduce, reduce, broadcast, allgather,
-- iallreduce) are C (src/distributed/distributed.c, tocha.distributed_core);
-- this file adds finalize-at-exit, main() (an error on one rank aborts the
-- whole job with its message) and DataParallel.
local ok, C = pcall(require, "tocha.distributed_core")
if not ok then
  error("tocha.distributed needs MPI: install the Debian packages libopenmpi-dev and openmpi-bin, then "
    .. "rebuild tocha (CMake builds tocha.distributed_core when it finds MPI)\n(" .. tostring(C) .. ")", 2)
end
local tocha = require "tocha"

local M = {}
for k, v in pairs(C) do M[k] = v end

-- Finalized when the Lua state closes (the end of the script).
local sentinel = setmetatable({}, { __gc = function() C.finalize() end })

--- Starts MPI (once); returns the rank of this process and the number of processes.
function M.init()
  local r, n = C.init()
  M._sentinel = sentinel
  return r, n
end

--- Runs fn(...) under init(); an error on any rank prints "rank R: message"
-- and ends the whole job (MPI_Abort), so no other rank waits forever.
function M.main(fn, ...)
  M.init()
  local res = table.pack(xpcall(fn, debug.traceback, ...))
  if not res[1] then C.abort(tostring(res[2]), 1) end
  C.finalize()
  return table.unpack(res, 2, res.n)
end

--- The rows [first, last) (0-based, last exclusive) of an n-row batch that
-- rank r of size ranks takes: the first n % size ranks take one row more.
function M.shardRange(n, r, size)
  r, size = r or C.rank(), size or C.size()
  local q, rem = n // size, n % size
  local first = r * q + math.min(r, rem)
  return first, first + q + (r < rem and 1 or 0)
end

local function dropouts(net, fn)
  local found = net:findModules("nn.Dropout")
  for _, m in ipairs(found) do fn(m) end
  for _, m in ipairs(net:findModules("nn.SpatialDropout")) do fn(m) end
end

local DataParallel = {}
DataParallel.__index = DataParallel

--- DataParallel(net): wraps a net for data-parallel training.  Builds the
-- flat parameters (getParameters) and broadcasts them from rank 0.
function M.DataParallel(net)
  if not C.initialized() then M.init() end
  local self = setmetatable({ net = net }, DataParallel)
  self.params, self.gradParams = net:getParameters()
  C.broadcast(self.params, 0)
  self.buffers = {}
  for _, name in ipairs(net:findModules("nn.BatchNormalization")) do self.buffers[#self.buffers + 1] = name end
  for _, m in ipairs(net:findModules("nn.SpatialBatchNormalization")) do self.buffers[#self.buffers + 1] = m end
  for _, m in ipairs(self.buffers) do
    if m.running_mean then C.broadcast(m.running_mean, 0) end
    if m.running_var then C.broadcast(m.running_var, 0) end
  end
  return self
end

--- This rank's rows of a batch (dimension 1 of each tensor given), as
-- views; sets every Dropout's shard so its masks are the single-process
-- ones.  Returns the shards and the total row count.
function DataParallel:shard(...)
  local xs = table.pack(...)
  local n = xs[1]:size(1)
  if n < C.size() then
    error(string.format("DataParallel:shard: a batch of %d rows for %d ranks (every rank needs a row)", n,
      C.size()), 2)
  end
  local first, last = M.shardRange(n)
  self.rows, self.total = last - first, n
  dropouts(self.net, function(m) m:setShard(first, n) end)
  for i = 1, xs.n do xs[i] = xs[i]:narrow(1, first + 1, last - first) end
  xs[xs.n + 1] = n
  return table.unpack(xs, 1, xs.n + 1)
end

--- Averages the flat gradient over the whole batch: each rank's mean over
-- its rows is weighted by rows / total, then one allreduce sums.  Also
-- averages f (the loss) the same way and returns it; BatchNorm running
-- statistics are averaged too.
function DataParallel:allreduceGradients(f)
  local w = self.rows / self.total
  self.gradParams:mul(w)
  C.allreduce(self.gradParams, "sum")
  for _, m in ipairs(self.buffers) do
    if m.running_mean then C.allreduce(m.running_mean, "mean") end
    if m.running_var then C.allreduce(m.running_var, "mean") end
  end
  if f then return self:average(f, self.rows) end
end

--- The mean of per-rank metric values, weighted by count (default 1).
local function average(value, count)
  count = count or 1
  local t = tocha.DoubleTensor({ value * count, count })
  C.allreduce(t, "sum")
  return t[1] / t[2]
end
--- The average of a number or tensor over all processes (count: the weight of this process, default 1).
function DataParallel:average(value, count) return average(value, count) end -- luacheck: no unused args
M.average = average

return M
