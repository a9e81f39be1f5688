-- Strict inputs (issue 13): optim rejects config keys it does not take,
-- Dropout's mean is exact for every p in [0, 1), the softmax family is
-- stable for large logits, and the experiment checks its options first.
local tocha = require "tocha"
local nn = require "tocha.nn"
local optim = require "tocha.optim"

local function assert_error(fragment, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error containing: " .. fragment)
  assert.is_truthy(tostring(err):find(fragment, 1, true), "error '" .. tostring(err) .. "' lacks '" .. fragment .. "'")
  return tostring(err)
end

local function capture(cmd)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  local ok, _, code = p:close()
  return out, ok, code
end

-- A child lua5.4 running `code` with this process's module paths; returns
-- its stdout and stderr together, and whether it exited with status 0.
local function child(code)
  local script = os.tmpname()
  local f = assert(io.open(script, "w"))
  f:write(string.format("package.path = %q\npackage.cpath = %q\n", package.path, package.cpath), code)
  f:close()
  local out, ok = capture("lua5.4 " .. script .. " 2>&1")
  os.remove(script)
  return out, ok
end

-- f(x) = |x - 1|^2 / 2
local function quadratic()
  local x = tocha.DoubleTensor({ 3, -2 })
  local calls = 0
  local function opfunc(p)
    calls = calls + 1
    local g = p:clone():add(-1)
    return 0.5 * g:dot(g), g
  end
  return x, opfunc, function() return calls end
end

local OPTIMISERS = { "sgd", "adam", "adagrad", "rmsprop", "adadelta", "adamax", "nag", "asgd", "rprop", "cg",
  "lbfgs", "cmaes", "de" }

describe("optim config keys", function()
  it("rejects a misspelt learning rate instead of training at the default", function()
    local x, opfunc, calls = quadratic()
    local err = assert_error("bad argument #3 to 'sgd' (unknown config key 'lr'; did you mean 'learningRate'?",
      optim.sgd, opfunc, x, { lr = 0.1 })
    assert.is_truthy(err:find("accepted: dampening, learningRate, learningRateDecay, learningRates, momentum, " ..
      "nesterov, weightDecay, weightDecays", 1, true), err)
    assert_error("unknown config key 'learningrate'; did you mean 'learningRate'?", optim.sgd, opfunc, x,
      { learningrate = 0.1 })
    assert_error("unknown config key 'weight_decay'; did you mean 'weightDecay'?", optim.adam, opfunc, x,
      { weight_decay = 0.1 })
    assert_error("unknown config key [1]", optim.sgd, opfunc, x, { 0.1 })
    -- checked before anything runs: x and opfunc untouched
    assert.are.same({ 3, -2 }, x:totable())
    assert.are.equal(0, calls())
  end)

  it("names the key and the accepted ones for every optimiser", function()
    for _, name in ipairs(OPTIMISERS) do
      local x, opfunc = quadratic()
      local err = assert_error("unknown config key 'bogus'", optim[name], opfunc, x, { bogus = 1 })
      assert.is_truthy(err:find("to '" .. name .. "'", 1, true), err)
      assert.is_truthy(err:find("; accepted: ", 1, true), err)
    end
    local x, opfunc = quadratic()
    local g = tocha.DoubleTensor({ 1, 1 })
    assert_error("bad argument #8 to 'lswolfe' (unknown options key 'c3'", optim.lswolfe, opfunc, x, 1,
      g:clone():mul(-1), 2.5, g, -2, { c3 = 1 })
  end)

  it("accepts the state fields optim keeps in config, call after call", function()
    local configs = {
      sgd = { learningRate = 0.1, momentum = 0.9, weightDecays = tocha.DoubleTensor(2):fill(0.01),
        learningRates = tocha.DoubleTensor(2):fill(1) },
      adam = { learningRate = 0.1 }, adagrad = { learningRate = 0.1 }, rmsprop = { learningRate = 0.01 },
      adadelta = {}, adamax = {}, nag = { learningRate = 0.1, learningRates = tocha.DoubleTensor(2):fill(1) },
      asgd = { eta0 = 0.1, t0 = 1 }, rprop = { niter = 2 }, cg = { maxIter = 3 }, lbfgs = { maxIter = 3 },
      cmaes = { maxEval = 30 }, de = { maxFEs = 40 },
    }
    for _, name in ipairs(OPTIMISERS) do
      local x, opfunc = quadratic()
      local config = configs[name]
      for _ = 1, 4 do optim[name](opfunc, x, config) end -- the state lives in config
      local state = {}
      for _ = 1, 2 do optim[name](opfunc, x, {}, state) end
    end
  end)

  it("accepts extra keys when the config says so", function()
    local x, opfunc = quadratic()
    optim.sgd(opfunc, x, { learningRate = 0.1, warmup = 5, extraKeys = true })
    optim.sgd(opfunc, x, { learningRate = 0.1, warmup = 5, extraKeys = { "warmup" } })
    assert_error("unknown config key 'cooldown'", optim.sgd, opfunc, x,
      { warmup = 5, cooldown = 1, extraKeys = { "warmup" } })
    assert_error("config.extraKeys must be true or a list of key names, got string", optim.sgd, opfunc, x,
      { extraKeys = "warmup" })
    -- a user-defined optimiser sharing sgd's config
    local function warm_sgd(f, p, config, state)
      config.extraKeys = config.extraKeys or { "warmup" }
      config.learningRate = (state and state.n or 0) < config.warmup and 0.01 or 0.1
      return optim.sgd(f, p, config, state)
    end
    local before = x:clone()
    warm_sgd(opfunc, x, { warmup = 2 })
    assert.is_false(x:equal(before))
  end)

  it("warns once, under tocha.compat, about an unknown key and trains on", function()
    local out, ok = child([[
      require "tocha.compat"
      local x = torch.DoubleTensor({ 3, -2 })
      local function f(p) local g = p:clone():add(-1) return 0.5 * g:dot(g), g end
      local config = { learningRate = 0.5, lr = 0.1, verbose = true }
      for _ = 1, 3 do optim.sgd(f, x, config) end
      optim.sgd(f, x, { lr = 0.1 })
      print(string.format("x = %.4f %.4f", x[1], x[2]))
    ]])
    assert.is_true(ok, out)
    local _, lr_warnings = out:gsub("unknown config key 'lr'", "")
    local _, verbose_warnings = out:gsub("unknown config key 'verbose'", "")
    assert.are.equal(1, lr_warnings, out)
    assert.are.equal(1, verbose_warnings, out)
    assert.is_truthy(out:find("optim.sgd: warning: ", 1, true), out)
    -- three steps at 0.5 and one at the default 1e-3: x - 1 halves three times
    local expect1 = 1 + 2 * 0.5 ^ 3 * (1 - 1e-3)
    local got1 = tonumber(out:match("x = (%S+)"))
    assert.is_true(math.abs(got1 - expect1) < 1e-4, out)
  end)
end)

describe("nn.Dropout at large p", function()
  before_each(function() tocha.manualSeed(13) end)

  -- Units kept over `calls` forwards of n ones, and the output's mean.
  local function survivors(p, n, calls)
    local m = nn.Dropout(p)
    local x = tocha.FloatTensor(n):fill(1)
    local kept, sum = 0, 0
    for _ = 1, calls do
      local y = m:forward(x)
      kept = kept + y:ne(0):sum()
      sum = sum + y:double():sum()
    end
    return kept, sum / (n * calls)
  end

  it("keeps a fraction 1 - p of the units, also for p near 1", function()
    -- p = 0.99999: 200 of 2e7 expected (the 16-bit threshold kept 305)
    local kept, mean = survivors(0.99999, 1000000, 20)
    local expect = 2e7 * (1 - 0.99999)
    assert.is_true(math.abs(kept - expect) < 5 * math.sqrt(expect), "kept " .. kept .. ", expected " .. expect)
    assert.is_true(math.abs(mean - 1) < 5 / math.sqrt(expect), "mean " .. mean)
    -- p = 0.9999999: 2 of 2e7 expected (it kept 305: a mean 145 times too large)
    kept, mean = survivors(0.9999999, 1000000, 20)
    assert.is_true(kept <= 15, "kept " .. kept)
    assert.is_true(mean < 8, "mean " .. mean)
  end)

  it("keeps a fraction 1 - p, the same on 1 and 2 threads", function()
    local p = 1 - 3e-5 -- (1 - p) 2^16 = 1.97: every survivor comes through the threshold's edge
    local saved = tocha.getnumthreads()
    local counts = {}
    for _, threads in ipairs({ 1, 2 }) do
      tocha.setnumthreads(threads)
      tocha.manualSeed(99)
      counts[#counts + 1] = survivors(p, 400000, 10)
    end
    tocha.setnumthreads(saved)
    assert.are.equal(counts[1], counts[2])
    local expect = 4e6 * 3e-5
    assert.is_true(math.abs(counts[1] - expect) < 5 * math.sqrt(expect), "kept " .. counts[1])
  end)
end)

describe("the softmax family for large logits", function()
  -- log(softmax) of a row by a plain loop in double: x - max - log(sum exp(x - max))
  local function reference_log_softmax(row)
    local max = -math.huge
    for _, v in ipairs(row) do max = math.max(max, v) end
    local sum = 0
    for _, v in ipairs(row) do sum = sum + math.exp(v - max) end
    local out = {}
    for i, v in ipairs(row) do out[i] = (v - max) - math.log(sum) end
    return out
  end

  -- The module, of the tensor's type (modules start as FloatTensor ones).
  local function like(module, x)
    return tocha.type(x) == "tocha.DoubleTensor" and module:double() or module
  end

  local rows = { { 1e8, 1e8 }, { 1e8, 1e8 - 4, 1e8 - 8 }, { -1e8, -1e8 }, { 3e38, 3e38 }, { 1e30, 0, -1e30 },
    { 1e6, 1e6 + 1 } }

  it("LogSoftMax gives x - max - log(sum(exp(x - max))) in float and double", function()
    for _, Tensor in ipairs({ tocha.FloatTensor, tocha.DoubleTensor }) do
      for _, row in ipairs(rows) do
        local x = Tensor({ row })
        local want = reference_log_softmax(x[1]:double():totable()) -- the row as stored
        local got = like(nn.LogSoftMax(), x):forward(x)[1]:totable()
        for i = 1, #want do
          assert.is_true(math.abs(got[i] - want[i]) <= 1e-6 * math.max(1, math.abs(want[i])),
            string.format("%s row %d: got %.9g, want %.9g", tocha.type(x), i, got[i], want[i]))
        end
      end
    end
    local y = nn.LogSoftMax():forward(tocha.FloatTensor({ 1e8, 1e8 }))
    assert.is_true(math.abs(y[1] - math.log(0.5)) < 1e-6 and math.abs(y[2] - math.log(0.5)) < 1e-6)
  end)

  it("SoftMax sums to 1 and CrossEntropy is log(2) for two equal huge logits", function()
    for _, Tensor in ipairs({ tocha.FloatTensor, tocha.DoubleTensor }) do
      for _, row in ipairs(rows) do
        local x = Tensor({ row })
        local want = reference_log_softmax(x[1]:double():totable())
        local got = like(nn.SoftMax(), x):forward(x)[1]:totable()
        for i = 1, #want do assert.is_true(math.abs(got[i] - math.exp(want[i])) < 1e-6) end
      end
      local ce = like(nn.CrossEntropyCriterion(), Tensor()):forward(Tensor({ { 1e8, 1e8 } }), tocha.LongTensor({ 1 }))
      assert.is_true(math.abs(ce - math.log(2)) < 1e-6, tostring(ce))
      -- as stored: 1e8 - 4 is exact in float, 1e8 - 3 would round
      local x = Tensor({ 1e8, 1e8 - 4 })
      ce = like(nn.CrossEntropyCriterion(), x):forward(x, 2)
      assert.is_true(math.abs(ce + reference_log_softmax(x:double():totable())[2]) < 1e-5, tostring(ce))
    end
  end)

  it("LogSoftMax's gradient for huge logits matches central differences", function()
    local x = tocha.DoubleTensor({ { 1e8, 1e8 + 0.5, 1e8 - 1 } })
    local m = nn.LogSoftMax():double()
    local w = tocha.DoubleTensor({ { 0.3, -0.7, 1.1 } })
    local function f(v) return m:forward(v):clone():cmul(w):sum() end
    m:forward(x)
    local g = m:backward(x, w):clone()
    for j = 1, 3 do
      local h = 1e-3 -- the logits are 1e8: smaller steps drown in their rounding
      local a, b = x:clone(), x:clone()
      a[1][j] = a[1][j] + h
      b[1][j] = b[1][j] - h
      local numeric = (f(a) - f(b)) / (2 * h)
      assert.is_true(math.abs(numeric - g[1][j]) < 1e-5, string.format("%d: %g vs %g", j, numeric, g[1][j]))
    end
  end)
end)

describe("the dropout experiment's options", function()
  -- Runs the experiment with `args`; returns its output (stdout and stderr)
  -- and its exit status.
  local function experiment(args)
    local env = string.format("LUA_PATH=%q LUA_CPATH=%q", package.path, package.cpath)
    local p = assert(io.popen(env .. " lua5.4 examples/dropout_experiment.lua " .. args .. " 2>&1; echo \"rc=$?\""))
    local out = p:read("a")
    p:close()
    local rc = tonumber(out:match("rc=(%d+)%s*$"))
    return out:gsub("rc=%d+%s*$", ""), rc
  end

  it("rejects bad values before loading data, with a message and no traceback", function()
    -- --dir names no data: each error must come before the data would be read
    local cases = {
      { "--epochs -3", "--epochs must be >= 1, got -3" },
      { "--epochs 1.5", "--epochs needs an integer, got '1.5'" },
      { "--epochs=1e400", "--epochs needs an integer" },
      { "--batch 0", "--batch must be >= 1, got 0" },
      { "--batch=-1", "--batch must be >= 1, got -1" },
      { "--epochs", "--epochs needs a value" },
      { "--pinput 1", "--pinput is a dropout probability: in [0, 1), got 1" },
      { "--phidden nan", "--phidden needs a number, got 'nan'" },
      { "--lr 0", "--lr must be > 0, got 0" },
      { "--lr inf", "--lr needs a number, got 'inf'" },
      { "--lr 1e400", "--lr must be > 0, got 1e400" },
      { "--momentum 1", "--momentum must be in [0, 1), got 1" },
      { "--threads 0", "--threads must be in 1..1024, got 0" },
      { "--subset 55000", "--subset 55000 and --validation 10000 need more than the 60000 training images" },
      { "--validation 0", "--validation must be in 1..59999, got 0" },
      { "--full=yes", "--full takes no value" },
      { "--bogus 3", "unknown option '--bogus'" },
      { "-x", "unknown option '-x'" },
      { "--out /proc/none/x", "cannot create the output directory /proc/none/x" },
    }
    for _, case in ipairs(cases) do
      local out, rc = experiment("--dir /nonexistent " .. case[1])
      assert.are.equal(2, rc, case[1] .. ": " .. out)
      assert.is_truthy(out:find("dropout_experiment: " .. case[2], 1, true), case[1] .. ": " .. out)
      assert.is_falsy(out:find("traceback", 1, true), out)
      assert.is_falsy(out:find("Fashion", 1, true), out)
    end
  end)

  it("reports a missing data directory without a traceback", function()
    local dir = os.tmpname()
    os.remove(dir)
    local out, rc = experiment("--dir /nonexistent --epochs 1 --out " .. dir)
    os.execute("rm -rf " .. dir)
    assert.are.equal(1, rc, out)
    assert.is_truthy(out:find("dropout_experiment: tocha.datasets.fashionmnist: no train-images", 1, true), out)
    assert.is_falsy(out:find("traceback", 1, true), out)
  end)

  it("prints its usage for -h and --help", function()
    for _, flag in ipairs({ "-h", "--help" }) do
      local out, rc = experiment(flag)
      assert.are.equal(0, rc)
      assert.is_truthy(out:find("usage: lua5.4 examples/dropout_experiment.lua [options]", 1, true), out)
      assert.is_truthy(out:find("--epochs N", 1, true), out)
    end
  end)

  it("accepts --name=value, and explicit options win over --full's preset", function()
    local have_data = pcall(function()
      local f = assert(io.open(require("tocha.datasets").FASHION_MNIST_DIR .. "/train-labels-idx1-ubyte.gz", "rb"))
      f:close()
    end)
    -- without Debian's dataset-fashion-mnist, or under valgrind (minutes per run)
    if not have_data or os.getenv("TOCHA_SPEC_VALGRIND") then return end
    local dir = os.tmpname()
    os.remove(dir)
    local out, rc = experiment("--epochs=2 --full --subset=200 --validation 200 --hidden=8 --traineval=100 --out="
      .. dir)
    local csv = io.open(dir .. "/curves.csv")
    local rows = 0
    if csv then
      for _ in csv:lines() do rows = rows + 1 end
      csv:close()
    end
    os.execute("rm -rf " .. dir)
    assert.are.equal(0, rc, out)
    assert.is_truthy(out:find("Dropout experiment: 2 epochs, 200 training / 200 validation images", 1, true), out)
    assert.is_truthy(out:find("test accuracy (dropout)", 1, true), out)
    assert.are.equal(3, rows) -- a header and one row per epoch
  end)
end)
