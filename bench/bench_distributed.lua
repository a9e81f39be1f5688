-- bench/bench_distributed.lua [STEPS]: images/s of the MLP 784-1024-1024-10
-- (batch 128, float, SGD) under tocha.distributed.DataParallel, and the
-- allreduce's time per step against a memcpy of the same bytes (the
-- memory-bandwidth floor on one machine), measured in the same run.
-- Run by bench/run_distributed.sh: 1 process x 1 and x 2 threads, and
-- mpirun -np 2 with 1 thread each.
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = (os.getenv("BUILD") or "build") .. "/lua/?.so;" .. package.cpath
local tocha = require "tocha"
tocha.setnumthreads(tonumber(os.getenv("THREADS") or "1"))
local nn = require "tocha.nn"
local optim = require "tocha.optim"
local dist = require "tocha.distributed"

local steps = tonumber(arg[1]) or 30
dist.main(function()
  local rank, size = dist.rank(), dist.size()
  tocha.manualSeed(1)
  local net = nn.Sequential():add(nn.Linear(784, 1024)):add(nn.ReLU()):add(nn.Linear(1024, 1024)):add(nn.ReLU())
    :add(nn.Linear(1024, 10)):add(nn.LogSoftMax())
  local crit = nn.ClassNLLCriterion()
  local dp = dist.DataParallel(net)
  local params, grads = dp.params, dp.gradParams
  local x, y = tocha.randn(128, 784), tocha.Tensor(128)
  for i = 1, 128 do y[i] = i % 10 + 1 end
  local config, tallred = { learningRate = 0.01 }, 0
  local now, t0 = dist.wtime, 0
  for step = 0, steps do
    if step == 1 then dist.barrier(); t0 = now() end
    local xs, ys = dp:shard(x, y)
    optim.sgd(function()
      grads:zero()
      local out = net:forward(xs)
      local f = crit:forward(out, ys)
      net:backward(xs, crit:backward(out, ys))
      local a = now()
      dp:allreduceGradients()
      if step > 0 then tallred = tallred + now() - a end
      return f, grads
    end, params, config)
  end
  dist.barrier()
  local elapsed = now() - t0
  local copy = grads:clone()
  local c0 = now()
  for _ = 1, 20 do copy:copy(grads) end
  local tcopy = (now() - c0) / 20
  if rank == 0 then
    print(string.format("processes %d threads %d: %.0f images/s; allreduce of %d floats %.3f ms/step, " ..
      "memcpy of the same bytes %.3f ms (ratio %.1f)", size, tocha.getnumthreads(), steps * 128 / elapsed,
      grads:nElement(), 1e3 * tallred / steps, 1e3 * tcopy, tallred / steps / tcopy))
  end
end)
