-- Run by spec/distributed_spec.lua: trains a small net with dropout, on one
-- process ("single") or under mpirun with tocha.distributed.DataParallel
-- ("dist"), and writes the final parameters (rank 0) to a file.
-- lua5.4 spec/distributed_train.lua MODE BATCH STEPS OUTFILE [FAILRANK]
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = "build/lua/?.so;" .. package.cpath
local tocha = require "tocha"
local nn = require "tocha.nn"
local optim = require "tocha.optim"

local mode, batch, steps, outfile = arg[1], tonumber(arg[2]), tonumber(arg[3]), arg[4]
local failrank = tonumber(arg[5])

local function run()
  local dist, dp
  if mode == "dist" then dist = require "tocha.distributed"; dist.init() end
  tocha.setdefaulttensortype("tocha.DoubleTensor")
  tocha.manualSeed(123)
  local nin, nclass, ndata = 12, 4, 1000
  local data, labels = tocha.randn(ndata, nin), tocha.Tensor(ndata)
  for i = 1, ndata do labels[i] = (i * 7) % nclass + 1 end
  local net = nn.Sequential():add(nn.Linear(nin, 24)):add(nn.Tanh()):add(nn.Dropout(0.4))
    :add(nn.Linear(24, nclass)):add(nn.LogSoftMax())
  local crit = nn.ClassNLLCriterion()
  local params, grads
  if dist then
    dp = dist.DataParallel(net)
    params, grads = dp.params, dp.gradParams
  else
    params, grads = net:getParameters()
  end
  local config = { learningRate = 0.1, momentum = 0.9 }
  tocha.manualSeed(7)
  for step = 1, steps do
    local first = ((step - 1) * batch) % (ndata - batch) + 1
    local x, y = data:narrow(1, first, batch), labels:narrow(1, first, batch)
    if dist then x, y = dp:shard(x, y) end
    if failrank and dist and dist.rank() == failrank and step == 3 then error("deliberate failure at step 3") end
    optim.sgd(function()
      grads:zero()
      local out = net:forward(x)
      local f = crit:forward(out, y)
      net:backward(x, crit:backward(out, y))
      if dp then f = dp:allreduceGradients(f) end
      return f, grads
    end, params, config)
  end
  if not dist or dist.rank() == 0 then
    local fh = assert(io.open(outfile, "w"))
    for i = 1, params:nElement() do fh:write(string.format("%.17g\n", params[i])) end
    fh:close()
  end
end

if mode == "dist" then require("tocha.distributed").main(run) else run() end
