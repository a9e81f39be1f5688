-- tocha.distributed: N processes under mpirun train to the single-process
-- parameters (spec/distributed_train.lua does the training).
local function have(cmd) return os.execute("command -v " .. cmd .. " >/dev/null 2>&1") end
local built = io.open("build/lua/tocha/distributed_core.so") ~= nil

local function run(cmd)
  local env = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 "
  local fh = io.popen(env .. "timeout 60 " .. cmd .. " 2>&1; echo \"rc=$?\"")
  local out = fh:read("a")
  fh:close()
  return out, tonumber(out:match("rc=(%d+)%s*$"))
end

local function read(path)
  local t = {}
  for line in io.lines(path) do t[#t + 1] = tonumber(line) end
  return t
end

local function max_rel(a, b)
  assert.are.equal(#a, #b)
  local m = 0
  for i = 1, #a do m = math.max(m, math.abs(a[i] - b[i]) / math.max(math.abs(a[i]), 1e-3)) end
  return m
end

describe("tocha.distributed under mpirun", function()
  -- The sanitizer and valgrind runs of the specs would put mpirun and every
  -- rank under the tool (the ranks load the plain module anyway).
  local tool = os.getenv("TOCHA_SPEC_VALGRIND") or (os.getenv("LD_PRELOAD") or ""):find("asan", 1, true)
  if tool then
    pending("under valgrind or ASan: skipped (the plain spec run covers it)")
    return
  end
  if not (have("mpirun") and built) then
    pending("mpirun or build/lua/tocha/distributed_core.so missing (install libopenmpi-dev openmpi-bin): skipped")
    print("distributed_spec: skipped, mpirun or the MPI module is not installed")
    return
  end
  local steps = os.getenv("TOCHA_SPEC_QUICK") and 10 or 50
  local function equivalent(np, batch)
    local single, dist = os.tmpname(), os.tmpname()
    local out, rc = run(string.format("lua5.4 spec/distributed_train.lua single %d %d %s", batch, steps, single))
    assert.are.equal(0, rc, out)
    out, rc = run(string.format("mpirun -np %d --oversubscribe lua5.4 spec/distributed_train.lua dist %d %d %s",
      np, batch, steps, dist))
    assert.are.equal(0, rc, out)
    local a, b = read(single), read(dist)
    os.remove(single)
    os.remove(dist)
    assert.is_true(#a > 100)
    assert.is_true(max_rel(a, b) < 1e-5, "max relative difference " .. max_rel(a, b))
  end

  it("np = 2, per-rank batch 64, equals the single-process batch-128 run", function() equivalent(2, 128) end)
  it("np = 3, batch 100 (shards 34, 33, 33), equals the single-process run", function() equivalent(3, 100) end)

  it("a rank that errors ends the job with its message, no hang", function()
    local t0 = os.time()
    local out, rc = run("mpirun -np 2 --oversubscribe lua5.4 spec/distributed_train.lua dist 128 50 /dev/null 1")
    assert.is_true(rc ~= 0 and rc ~= 124, out)
    assert.is_truthy(out:find("rank 1: spec/distributed_train.lua:%d+: deliberate failure at step 3"), out)
    assert.is_true(os.time() - t0 < 30)
  end)

  it("the main job under mpirun -np 2 gives the single-process curves", function()
    local dir = os.tmpname()
    os.remove(dir)
    local common = "examples/dropout_experiment.lua --epochs 2 --subset 600 --validation 500 --threads 1 --out "
    local env = "env LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='build/lua/?.so;;' "
    local out, rc = run(env .. "lua5.4 " .. common .. dir .. "/single")
    assert.are.equal(0, rc, out)
    out, rc = run(env .. "mpirun -np 2 --oversubscribe -x LUA_PATH -x LUA_CPATH lua5.4 " .. common .. dir ..
      "/dist --distributed")
    assert.are.equal(0, rc, out)
    local function rows(path)
      local t = {}
      for line in io.lines(path) do
        for v in line:gmatch("[^,]+") do t[#t + 1] = tonumber(v) end
      end
      return t
    end
    local a, b = rows(dir .. "/single/curves.csv"), rows(dir .. "/dist/curves.csv")
    os.execute("rm -rf '" .. dir .. "'")
    assert.is_true(#a > 10)
    local numbers = {}
    for i = 1, #a do if a[i] then numbers[#numbers + 1] = i end end
    local x, y = {}, {}
    for _, i in ipairs(numbers) do x[#x + 1], y[#y + 1] = a[i], b[i] end
    assert.is_true(max_rel(x, y) < 1e-5, "max relative difference " .. max_rel(x, y))
  end)

  it("collectives check their arguments", function()
    local out, rc = run([[mpirun -np 2 --oversubscribe lua5.4 -e '
      package.path = "lua/?.lua;lua/?/init.lua;" .. package.path; package.cpath = "build/lua/?.so;" .. package.cpath
      local tocha, d = require "tocha", require "tocha.distributed"
      local r, n = d.init()
      local t = tocha.DoubleTensor({1, 2, 3}):mul(r + 1)
      d.allreduce(t, "sum"); assert(t[3] == 9, "sum")
      t = tocha.DoubleTensor({1, 2}):fill(r + 1); d.allreduce(t, "mean"); assert(t[1] == 1.5, "mean")
      t = tocha.FloatTensor({r}); d.allreduce(t, "max"); assert(t[1] == 1, "max")
      t = tocha.FloatTensor({r}); d.allreduce(t, "min"); assert(t[1] == 0, "min")
      t = tocha.DoubleTensor({r + 5}); d.broadcast(t, 1); assert(t[1] == 6, "broadcast")
      local g = d.allgather(tocha.DoubleTensor(), tocha.DoubleTensor({r, r})); assert(g[2][1] == 1, "allgather")
      t = tocha.DoubleTensor({r + 1}); d.reduce(t, "sum", 0); assert(r == 1 or t[1] == 3, "reduce")
      t = tocha.DoubleTensor({1, 2}); local q = d.iallreduce(t, "mean"); q:wait(); assert(t[2] == 2, "iallreduce")
      local ok, e = pcall(d.allreduce, tocha.DoubleTensor(3, 4):t(), "sum"); assert(not ok and e:find("contiguous"), e)
      ok, e = pcall(d.allreduce, tocha.DoubleTensor(2), "prod"); assert(not ok and e:find("unknown reduction"), e)
      ok, e = pcall(d.allreduce, tocha.DoubleTensor(2 + r), "sum")
      assert(not ok and e:find("different element counts"), e)
      ok, e = pcall(d.broadcast, tocha.DoubleTensor(2), 5); assert(not ok and e:find("root 5 out of range"), e)
      assert(n == 2)
      if r == 0 then print("collectives ok") end']])
    assert.are.equal(0, rc, out)
    assert.is_truthy(out:find("collectives ok"), out)
  end)
end)
