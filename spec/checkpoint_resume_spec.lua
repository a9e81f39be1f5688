-- The dropout experiment's --checkpoint / --resume (issue 13, item 5): a run
-- killed with SIGKILL in the middle of an epoch and resumed ends with the
-- curves, parameters and optimiser states of a run never interrupted, bit
-- for bit.
local tocha = require "tocha"

local function have_data()
  -- under valgrind (which follows children) each run would take minutes
  if os.getenv("TOCHA_SPEC_VALGRIND") then return false end
  local f = io.open(require("tocha.datasets").FASHION_MNIST_DIR .. "/train-labels-idx1-ubyte.gz", "rb")
  if f then f:close() end
  return f ~= nil
end

local function experiment(args, env)
  local cmd = string.format("%s LUA_PATH=%q LUA_CPATH=%q lua5.4 examples/dropout_experiment.lua %s 2>&1; "
    .. "echo \"rc=$?\"", env or "", package.path, package.cpath, args)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  return out, tonumber(out:match("rc=(%d+)%s*$"))
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function tmpdir()
  local d = os.tmpname()
  os.remove(d)
  return d
end

describe("the dropout experiment's checkpoints", function()
  local dirs = {}
  after_each(function()
    for _, d in ipairs(dirs) do os.execute("rm -rf " .. d) end
    dirs = {}
  end)
  local function dir()
    local d = tmpdir()
    dirs[#dirs + 1] = d
    return d
  end

  local ARGS = "--epochs 4 --subset 300 --validation 200 --hidden 16 --traineval 100 --batch 32"

  local function killed_and_resumed(args)
    local ck1, out1, ck2, out2 = dir(), dir(), dir(), dir()
    local log, rc = experiment(args .. " --checkpoint " .. ck1 .. " --out " .. out1)
    assert.are.equal(0, rc, log)
    -- killed with SIGKILL at batch 4 of epoch 3: the checkpoint holds epoch 2
    log, rc = experiment(args .. " --checkpoint " .. ck2 .. " --out " .. out2, "TOCHA_EXPERIMENT_KILL=3:4")
    assert.are.equal(137, rc, log)
    assert.are.equal(2, tocha.load(ck2 .. "/checkpoint.t7").epoch)
    log, rc = experiment("--resume " .. ck2 .. " --out " .. out2)
    assert.are.equal(0, rc, log)
    assert.is_truthy(log:find("resumed from " .. ck2 .. " after epoch 2", 1, true), log)
    assert.are.equal(read(out1 .. "/curves.csv"), read(out2 .. "/curves.csv"))
    local a, b = tocha.load(ck1 .. "/checkpoint.t7"), tocha.load(ck2 .. "/checkpoint.t7")
    assert.are.equal(4, a.epoch)
    assert.are.equal(4, b.epoch)
    assert.are.same(a.rng, b.rng)
    for name, run in pairs(a.runs) do
      local other = b.runs[name]
      assert.are.same(run.history, other.history) -- floats compared with ==
      assert.is_true(run.params:equal(other.params), name .. ": parameters differ")
      assert.are.equal(run.config.evalCounter, other.config.evalCounter)
      assert.is_true(run.config.dfdx:equal(other.config.dfdx), name .. ": momentum differs")
    end
    return a
  end

  it("resume a run killed mid-epoch to the uninterrupted run's results, bit for bit", function()
    if not have_data() then return end -- Debian's dataset-fashion-mnist is not installed
    killed_and_resumed(ARGS)
  end)

  it("resume a cosine-schedule run with weight decay bit for bit, the rate on its curve", function()
    if not have_data() then return end
    local a = killed_and_resumed(ARGS .. " --schedule cosine --wd 1e-3")
    -- 4 epochs of ceil(300 / 32) = 10 steps: the rate set before the last
    -- step (evalCounter 39 then) is lr * (1 + cos(pi * 39 / 40)) / 2
    for _, run in pairs(a.runs) do
      assert.are.equal(40, run.config.evalCounter)
      assert.is_true(math.abs(run.config.learningRate - 0.05 * (1 + math.cos(math.pi * 39 / 40)) / 2) < 1e-15)
      assert.are.equal(1e-3, run.config.weightDecay)
      assert.are.equal(0, run.config.learningRateDecay)
    end
  end)

  it("reject a resume that changes the run, and a missing checkpoint", function()
    local d = dir()
    local log, rc = experiment("--resume " .. d)
    assert.are.equal(2, rc, log)
    assert.is_truthy(log:find("dropout_experiment: --resume: tocha.load: " .. d .. "/checkpoint.t7", 1, true), log)
    if not have_data() then return end
    local ck = dir()
    log, rc = experiment("--epochs 1 --subset 100 --validation 100 --hidden 8 --traineval 50 --checkpoint " .. ck ..
      " --out " .. dir())
    assert.are.equal(0, rc, log)
    log, rc = experiment("--resume " .. ck .. " --lr 0.5")
    assert.are.equal(2, rc, log)
    assert.is_truthy(log:find("the checkpointed run has --lr 0.05; it cannot continue with 0.5", 1, true), log)
    -- --epochs may extend it
    log, rc = experiment("--resume " .. ck .. " --epochs 2 --out " .. dir())
    assert.are.equal(0, rc, log)
    assert.are.equal(2, tocha.load(ck .. "/checkpoint.t7").epoch)
  end)
end)
