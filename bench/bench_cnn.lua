-- bench_cnn.lua: tocha's CNN training step (issue 9) against the sgemm
-- floor of its matrix products, measured in the same process; each
-- convolution's forward, gradInput and gradWeight against the floor of
-- their own products; heap allocations per warm step.  Prints a markdown
-- section.
--
--   lua5.4 bench/bench_cnn.lua [steps-per-block [blocks]]   (defaults 5 9)
--     (bench/run_cnn.sh sets the paths, OPENBLAS_CORETYPE and
--      LD_PRELOAD=libbench_mlp_alloc.so)
--
-- The network: conv 5x5 1->32 pad 2, ReLU, max-pool 2x2, SpatialDropout,
-- conv 5x5 32->64 pad 2, ReLU, max-pool 2x2, SpatialDropout, View 3136,
-- Linear 3136->1024, ReLU, Dropout 0.5, Linear 1024->10, LogSoftMax;
-- ClassNLLCriterion; float32; batch 128; one step = optim.sgd (momentum
-- 0.9) on the getParameters() views with the usual opfunc.  The first
-- convolution computes no gradInput (Torch7's `gradInput = nil`), as
-- PyTorch computes none for an input that needs no gradient.
--
-- The floor: the step's products as single sgemm calls with the batch
-- folded into one dimension (conv forward (nOut x K)(K x B*L), gradWeight
-- (nOut x B*L)(B*L x K), gradInput (K x nOut)(nOut x B*L); K =
-- nIn*kH*kW, L = oH*oW; the Linear products as for the MLP), on OpenBLAS
-- with the same number of threads: the largest shapes, so the strictest
-- floor.  Blocks of tocha steps alternate with blocks of floor passes;
-- the ratio is the median over blocks of (median step / median floor).
local tocha = require "tocha"
local nn = require "tocha.nn"
local optim = require "tocha.optim"
local bench = require "bench_cnn"
local ok_alloc, alloc = pcall(require, "bench_mlp")

local clock = bench.clock
local STEPS = math.tointeger(tonumber(arg[1] or 5)) or 5
local BLOCKS = math.tointeger(tonumber(arg[2] or 9)) or 9
local B = 128

local function median(t)
  local s = table.move(t, 1, #t, 1, {})
  table.sort(s)
  local n = #s
  return n % 2 == 1 and s[(n + 1) // 2] or (s[n // 2] + s[n // 2 + 1]) / 2
end

local function build()
  tocha.manualSeed(1)
  local net = nn.Sequential()
    :add(nn.SpatialConvolution(1, 32, 5, 5, 1, 1, 2, 2)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2))
    :add(nn.SpatialDropout(0.25))
    :add(nn.SpatialConvolution(32, 64, 5, 5, 1, 1, 2, 2)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2))
    :add(nn.SpatialDropout(0.25))
    :add(nn.View(3136)):add(nn.Linear(3136, 1024)):add(nn.ReLU()):add(nn.Dropout(0.5))
    :add(nn.Linear(1024, 10)):add(nn.LogSoftMax())
  -- Torch7's opt-out, as PyTorch does for an input that needs no gradient:
  -- the first layer's gradInput is not computed
  net:get(1).gradInput = nil
  return net
end

-- conv layers: { nIn, nOut, k, H (= W, padded to keep the size) }
local CONVS = { { 1, 32, 5, 28 }, { 32, 64, 5, 14 } }
local LINEARS = { { 3136, 1024 }, { 1024, 10 } }

local function conv_products(c)
  local K, L = c[1] * c[3] * c[3], c[4] * c[4]
  return { { c[2], B * L, K, 0, 0 } }, { { K, B * L, c[2], 1, 0 } }, { { c[2], K, B * L, 0, 1 } }
end

local function step_products()
  local list = {}
  local function add(t) for _, p in ipairs(t) do list[#list + 1] = p end end
  for i, c in ipairs(CONVS) do
    local f, gi, gw = conv_products(c)
    add(f); add(gw)
    if i > 1 then add(gi) end -- the first layer computes no gradInput
  end
  for _, l in ipairs(LINEARS) do
    add { { B, l[2], l[1], 0, 1 }, { B, l[1], l[2], 0, 0 }, { l[2], l[1], B, 1, 0 } }
  end
  return list
end

local function flops(list)
  local f = 0
  for _, p in ipairs(list) do f = f + 2 * p[1] * p[2] * p[3] end
  return f
end

local out = {}
local function say(fmt, ...) out[#out + 1] = string.format(fmt, ...) end

local products = step_products()
local floor = bench.floor(products)
say("## CNN training step (issue 9)")
say("")
say("Network: conv 5x5 1->32 pad 2, ReLU, max-pool 2x2, SpatialDropout, conv 5x5 32->64 pad 2, ReLU, "
  .. "max-pool 2x2, SpatialDropout, View 3136, Linear 3136->1024, ReLU, Dropout 0.5, Linear 1024->10, "
  .. "LogSoftMax; batch %d, float32, sgd with momentum.  The step's products: %.2f GFLOP.", B, flops(products) / 1e9)
say("")
say("| threads | tocha step (ms) | sgemm floor (ms) | ratio (median of %d blocks) | middle half of the ratios |",
  BLOCKS)
say("|---|---|---|---|---|")

local net = build()
local criterion = nn.ClassNLLCriterion()
local params, grads = net:getParameters()
local config = { learningRate = 0.01, momentum = 0.9, dampening = 0 }
local x = tocha.Tensor(B, 1, 28, 28):uniform()
local y = tocha.LongTensor(B):random(1, 10)
local function feval()
  grads:zero()
  local o = net:forward(x)
  local loss = criterion:forward(o, y)
  net:backward(x, criterion:backward(o, y))
  return loss, grads
end
local function step() optim.sgd(feval, params, config) end

local results = {}
for _, threads in ipairs { 1, 2 } do
  tocha.setnumthreads(threads)
  for _ = 1, 3 do step() end
  floor:run(2, threads)
  local ratios, steps_ms, floor_ms = {}, {}, {}
  for b = 1, BLOCKS do
    local s = {}
    local function tocha_block()
      for i = 1, STEPS do
        local t0 = clock(); step(); s[i] = clock() - t0
      end
    end
    local f
    if b % 2 == 1 then tocha_block(); f = floor:run(STEPS, threads)
    else f = floor:run(STEPS, threads); tocha_block() end
    local m = median(s)
    ratios[b], steps_ms[b], floor_ms[b] = m / f, m * 1e3, f * 1e3
  end
  table.sort(ratios)
  results[threads] = { median(steps_ms), median(floor_ms), median(ratios) }
  say("| %d | %.1f | %.1f | **%.2f** | %.2f - %.2f |", threads, median(steps_ms), median(floor_ms), median(ratios),
    ratios[math.max(1, BLOCKS // 4)], ratios[math.min(BLOCKS, BLOCKS - BLOCKS // 4)])
end

-- allocations per warm step
say("")
if ok_alloc and alloc.alloc_counts and alloc.alloc_counts() then
  tocha.setnumthreads(2)
  step(); step()
  collectgarbage("stop")
  local c0 = alloc.alloc_counts()
  for _ = 1, 10 do step() end
  local c1 = alloc.alloc_counts()
  collectgarbage("restart")
  say("Heap allocations per warm step (malloc calls, 10 steps): %.1f.", (c1 - c0) / 10)
else
  say("Heap allocations per warm step: not measured (run through bench/run_cnn.sh for the malloc counter).")
end

-- each convolution's parts against the floor of their products
say("")
say("Each convolution layer (batch %d, float32): median of %d calls, against its own product's sgemm floor.", B,
  STEPS * 3)
say("")
say("| layer | threads | forward ms (ratio) | gradInput ms (ratio) | gradWeight ms (ratio) |")
say("|---|---|---|---|---|")
for li, c in ipairs(CONVS) do
  local conv = nn.SpatialConvolution(c[1], c[2], c[3], c[3], 1, 1, 2, 2)
  local input = tocha.Tensor(B, c[1], c[4], c[4]):uniform()
  local go = tocha.Tensor(B, c[2], c[4], c[4]):uniform()
  local fp, gip, gwp = conv_products(c)
  local floors = { bench.floor(fp), bench.floor(gip), bench.floor(gwp) }
  local calls = {
    function() conv:updateOutput(input) end,
    function() conv:updateGradInput(input, go) end,
    function() conv:accGradParameters(input, go, 1) end,
  }
  for _, threads in ipairs { 1, 2 } do
    tocha.setnumthreads(threads)
    local cells = {}
    for k = 1, 3 do
      calls[1](); calls[k]()
      local s = {}
      for i = 1, STEPS * 3 do
        local t0 = clock(); calls[k](); s[i] = clock() - t0
      end
      local f = floors[k]:run(STEPS * 3, threads)
      cells[k] = string.format("%.2f (%.2f)", median(s) * 1e3, median(s) / f)
    end
    say("| conv%d %d->%d on %dx%d | %d | %s | %s | %s |", li, c[1], c[2], c[4], c[4], threads, cells[1], cells[2],
      cells[3])
  end
end

-- PyTorch, when Debian's python3-torch is there
local py = io.popen("/usr/bin/python3 bench/bench_cnn_torch.py 2>/dev/null")
local torch_out = py and py:read("a") or ""
if py then py:close() end
say("")
local t1, t2 = torch_out:match("threads=1 ms=([%d.]+)"), torch_out:match("threads=2 ms=([%d.]+)")
if t1 and t2 then
  say("PyTorch %s (Debian python3-torch) on the same step, same run: %.1f ms on 1 thread, %.1f ms on 2; "
    .. "tocha/PyTorch: **%.2f** on 1 thread, **%.2f** on 2.", torch_out:match("version=(%S+)") or "?",
    tonumber(t1), tonumber(t2), results[1][1] / tonumber(t1), results[2][1] / tonumber(t2))
else
  say("PyTorch: not measured (Debian's python3-torch is not installed).")
end
print(table.concat(out, "\n"))
