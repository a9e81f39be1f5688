-- bench_mlp.lua: tocha's MLP training step against the sgemm floor of its
-- matrix products, measured in the same process; heap allocations per
-- step; one Fashion-MNIST training epoch.  Prints a markdown section.
--
--   lua5.4 bench/bench_mlp.lua [steps-per-block [blocks [epoch]]]
--     (defaults 10 31 1; epoch 0 skips the epoch; bench/run_mlp.sh sets
--      the paths, OPENBLAS_CORETYPE and LD_PRELOAD=libbench_mlp_alloc.so)
--
-- The network (issue 5): Linear(784, 1024), ReLU, Dropout(0.5),
-- Linear(1024, 1024), ReLU, Dropout(0.5), Linear(1024, 10), LogSoftMax;
-- ClassNLLCriterion; float32; batch 128; one step = optim.sgd (momentum
-- 0.9, dampening 0) on the getParameters() views with the usual opfunc
-- (gradients zeroed, forward, criterion, backward).
--
-- Pairing: blocks of `steps` tocha steps alternate with blocks of `steps`
-- floor steps (which one goes first alternates too); the ratio is the
-- median over blocks of (median tocha step / median floor step), so load
-- that drifts over seconds cancels within each pair.
local tocha = require "tocha"
local nn = require "tocha.nn"
local optim = require "tocha.optim"
local bench = require "bench_mlp"

local clock = bench.clock

local function integer_arg(i, default, min)
  local v = math.tointeger(tonumber(arg[i] or default))
  if not v or v < min then error(string.format("argument %d must be an integer >= %d, got %s", i, min, arg[i])) end
  return v
end
local STEPS, BLOCKS, EPOCH = integer_arg(1, 10, 1), integer_arg(2, 31, 1), integer_arg(3, 1, 0)
local SIZES, BATCH, THREADS = { 784, 1024, 1024, 10 }, 128, { 1, 2 }

-- The q-quantile of t[1..n] (nearest rank), e.g. 0.25 and 0.75 for the
-- middle half of the paired ratios.
local function quantile(t, q, n)
  n = n or #t
  local s = table.move(t, 1, n, 1, {})
  table.sort(s)
  return s[math.max(1, math.min(n, math.floor(q * n + 0.5)))]
end

local function median(t, n)
  n = n or #t
  local s = table.move(t, 1, n, 1, {})
  table.sort(s)
  return n % 2 == 1 and s[(n + 1) // 2] or (s[n // 2] + s[n // 2 + 1]) / 2
end

-- ---- the network and its training step ---------------------------------------

local function make_trainer(skip_first_gradinput)
  tocha.manualSeed(1)
  local net = nn.Sequential()
  for l = 1, #SIZES - 1 do
    net:add(nn.Linear(SIZES[l], SIZES[l + 1]))
    if l < #SIZES - 1 then net:add(nn.ReLU()):add(nn.Dropout(0.5)) end
  end
  net:add(nn.LogSoftMax())
  -- Torch7's opt-out: a module whose gradInput is nil does not compute it
  if skip_first_gradinput then net:get(1).gradInput = nil end
  local criterion = nn.ClassNLLCriterion()
  local params, grads = net:getParameters()
  local config = { learningRate = 0.05, momentum = 0.9, dampening = 0 }
  local inputs, targets
  local marks = { 0, 0, 0, 0 } -- times inside opfunc, for the breakdown
  local function feval()
    marks[1] = clock()
    grads:zero()
    marks[2] = clock()
    local output = net:forward(inputs)
    local loss = criterion:forward(output, targets)
    marks[3] = clock()
    net:backward(inputs, criterion:backward(output, targets))
    marks[4] = clock()
    return loss, grads
  end
  local function step(x, y)
    inputs, targets = x, y
    local _, fs = optim.sgd(feval, params, config)
    return fs[1]
  end
  return step, marks, net
end

local step, marks = make_trainer()
local step_nogi = make_trainer(true)
local x = tocha.rand(BATCH, SIZES[1])
local y = tocha.LongTensor(BATCH):random(SIZES[#SIZES])
local floor = bench.floor(BATCH, SIZES)
local floor_nogi = bench.floor(BATCH, SIZES, true)

-- ---- step against floor -------------------------------------------------------

local samples, ratios = {}, {}
local all_tocha, all_floor = {}, {}
-- The floor runs on OpenBLAS's own threads, whose idle workers then poll
-- the cores for about 0.1 s (2^28 cycles); tocha keeps OpenBLAS at one
-- thread and runs its own, so before tocha runs, they are let go to sleep
-- (untimed), and two untimed steps bring tocha's own threads back to
-- their steady state, as in a program that uses tocha only.
local function let_openblas_idle(threads, stepfn)
  if threads > 1 then
    bench.sleep(0.2)
    for _ = 1, 2 do stepfn(x, y) end
  end
end
local function tocha_block(stepfn)
  let_openblas_idle(tocha.getnumthreads(), stepfn)
  for s = 1, STEPS do
    local t0 = clock()
    stepfn(x, y)
    samples[s] = clock() - t0
  end
  return median(samples, STEPS)
end

-- BLOCKS pairs of blocks: median tocha step, median floor step, paired ratio
local function compare(stepfn, f)
  for _ = 1, 5 do stepfn(x, y) end
  f:run(5)
  for k = 1, BLOCKS do
    local tm, fm
    if k % 2 == 1 then
      tm = tocha_block(stepfn)
      fm = f:run(STEPS)
    else
      fm = f:run(STEPS)
      tm = tocha_block(stepfn)
    end
    all_tocha[k], all_floor[k], ratios[k] = tm, fm, tm / fm
  end
  return median(all_tocha, BLOCKS), median(all_floor, BLOCKS), median(ratios, BLOCKS),
    { quantile(ratios, 0.25, BLOCKS), quantile(ratios, 0.75, BLOCKS) }
end

local results = {}
for _, threads in ipairs(THREADS) do
  tocha.setnumthreads(threads)
  bench.floor_threads(threads)
  local r = { threads = threads }
  r.tocha, r.floor, r.ratio, r.spread = compare(step, floor)
  r.nogi_tocha, r.nogi_floor, r.nogi_ratio, r.nogi_spread = compare(step_nogi, floor_nogi)

  -- breakdown: where a step's time goes (tocha), against the forward and
  -- backward products alone (floor)
  local n = STEPS * 3
  let_openblas_idle(threads, step)
  local zero, fwd, bwd, upd = {}, {}, {}, {}
  for s = 1, n do
    step(x, y)
    local t_end = clock()
    zero[s], fwd[s], bwd[s], upd[s] = marks[2] - marks[1], marks[3] - marks[2], marks[4] - marks[3], t_end - marks[4]
  end
  r.zero, r.fwd, r.bwd, r.upd = median(zero), median(fwd), median(bwd), median(upd)
  r.floor_fwd, r.floor_bwd = floor:parts(n)
  if threads == 2 then r.split = floor:run(n, "split") end -- the alternative threading, for the record

  -- allocations per step once warm: every malloc/calloc/realloc of the
  -- process (Lua's allocator included), and Lua's heap with the collector
  -- stopped
  local N = 50
  let_openblas_idle(threads, step)
  local a0, f0 = bench.alloc_counts()
  for _ = 1, N do step(x, y) end
  local a1, f1 = bench.alloc_counts()
  if a0 then
    r.allocs, r.frees = (a1 - a0) / N, (f1 - f0) / N
    -- the same count for the floor alone: what OpenBLAS itself allocates
    a0 = bench.alloc_counts()
    floor:run(N)
    r.floor_allocs = (bench.alloc_counts() - a0) / N
  end
  collectgarbage("collect")
  collectgarbage("stop")
  step(x, y) -- a full collection shrinks Lua's call-info lists: grow them back first
  local kb0 = collectgarbage("count")
  for _ = 1, N do step(x, y) end
  r.lua_bytes = (collectgarbage("count") - kb0) * 1024 / N
  collectgarbage("restart")
  results[#results + 1] = r
end

-- ---- one epoch of Fashion-MNIST -------------------------------------------------

local epochs = {}
local data_ok, data = false, nil
if EPOCH > 0 then
  data_ok, data = pcall(tocha.datasets.fashionmnist, { validation = 10000, seed = 1 })
end
if data_ok then
  local n = data.train:size()
  local full, rest = n // BATCH, n % BATCH
  local floor_rest = rest > 0 and bench.floor(rest, SIZES) or nil
  for _, threads in ipairs(THREADS) do
    tocha.setnumthreads(threads)
    bench.floor_threads(threads)
    local estep = make_trainer()
    let_openblas_idle(threads, step)
    local t0 = clock()
    local a0 = bench.alloc_counts()
    local steps = 0
    for inputs, labels in data.train:batches(BATCH, { shuffle = true, seed = 1 }) do
      estep(inputs, labels)
      steps = steps + 1
    end
    local a1 = bench.alloc_counts()
    local seconds = clock() - t0
    -- the floor of the same steps: full batches and the last partial one
    local f_full = floor:run(3 * STEPS)
    local f_rest = floor_rest and floor_rest:run(3 * STEPS) or 0
    local f_epoch = full * f_full + (rest > 0 and f_rest or 0)
    epochs[#epochs + 1] = { threads = threads, seconds = seconds, floor = f_epoch, images = n, steps = steps,
      allocs = a0 and (a1 - a0) / steps }
  end
end

-- ---- report -------------------------------------------------------------------

local function ms(s) return string.format("%.2f", s * 1e3) end
local out = {}
local function line(fmt, ...) out[#out + 1] = string.format(fmt, ...) end

line("## MLP training step")
line("")
line("Network 784-1024-1024-10 (Linear, ReLU, Dropout(0.5) after each hidden layer, LogSoftMax),")
line("ClassNLLCriterion, float32, batch %d; one step = `optim.sgd` with momentum 0.9 on the", BATCH)
line("`getParameters()` views, opfunc = zero the gradients, forward, criterion, backward.")
line("Floor: the step's %d matrix products (forward %d, gradInput %d including the first layer's,",
  3 * (#SIZES - 1), #SIZES - 1, #SIZES - 1)
line("which tocha computes as Torch7 does, gradWeight %d) called straight through `cblas_sgemm` from C", #SIZES - 1)
line("in the same process. Blocks of %d tocha steps alternate with blocks of %d floor steps; ratio =", STEPS,
  STEPS)
line("median over %d pairs of blocks of (tocha median / floor median); middle half: the pairs' ratios", BLOCKS)
line("from the lower to the upper quartile. Target: <= 1.2.")
line("")
line("| figure | threads | tocha ms | floor ms | ratio | middle half |")
line("| --- | ---: | ---: | ---: | ---: | ---: |")
local function spread(q) return string.format("%.3f-%.3f", q[1], q[2]) end
for _, r in ipairs(results) do
  line("| training step | %d | %s | %s | %.3f | %s |", r.threads, ms(r.tocha), ms(r.floor), r.ratio, spread(r.spread))
end
for _, r in ipairs(results) do
  line("| training step, first layer's gradInput skipped (`gradInput = nil`; floor: 8 products) | %d | %s | %s "
    .. "| %.3f | %s |", r.threads, ms(r.nogi_tocha), ms(r.nogi_floor), r.nogi_ratio, spread(r.nogi_spread))
end
for _, e in ipairs(epochs) do
  line("| Fashion-MNIST epoch (%d images, %d steps), %.0f images/s | %d | %.0f | %.0f | %.3f | |", e.images, e.steps,
    e.images / e.seconds, e.threads, e.seconds * 1e3, e.floor * 1e3, e.seconds / e.floor)
end
if EPOCH > 0 and not data_ok then line("") line("(Fashion-MNIST epoch skipped: %s)", tostring(data)) end
line("")
line("Where the step's time goes (medians of %d steps; the floor columns are the products alone):", STEPS * 3)
line("")
line("| threads | zero grads ms | forward ms (floor) | backward ms (floor) | sgd update ms |")
line("| ---: | ---: | ---: | ---: | ---: |")
for _, r in ipairs(results) do
  line("| %d | %s | %s (%s) | %s (%s) | %s |", r.threads, ms(r.zero), ms(r.fwd), ms(r.floor_fwd), ms(r.bwd),
    ms(r.floor_bwd), ms(r.upd))
end
line("")
for _, r in ipairs(results) do
  if r.split then
    line("Threads: tocha splits each product over its own pool, each block a single-threaded sgemm")
    line("(OpenBLAS kept at 1 thread). The floor's products split in two halves that way took %s ms", ms(r.split))
    line("per step; on OpenBLAS's own 2 threads, the floor above, %s ms.", ms(r.floor))
  end
end
line("")
line("Heap allocations per step once warm (target: 0): every malloc/calloc/realloc call of the process")
line("(all threads; Lua's allocator included) counted by `bench_mlp_alloc.so` (LD_PRELOAD), the same for")
line("the floor's products alone (what OpenBLAS allocates itself), and the growth of Lua's heap with the")
line("collector stopped.")
line("")
line("| threads | allocations per step | of which the floor's | frees per step | Lua heap growth, bytes |")
line("| ---: | ---: | ---: | ---: | ---: |")
local function num(v) return v and string.format("%.2f", v) or "n/a" end
for _, r in ipairs(results) do
  line("| %d | %s | %s | %s | %.0f |", r.threads, num(r.allocs), num(r.floor_allocs), num(r.frees), r.lua_bytes)
end
for _, e in ipairs(epochs) do
  if e.allocs then
    line("| %d (epoch, batches included) | %.2f | | | |", e.threads, e.allocs)
  end
end
print(table.concat(out, "\n"))
