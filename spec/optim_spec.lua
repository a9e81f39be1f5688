-- tocha.optim: sgd and adam against hand-computed steps, convergence,
-- configuration errors, ConfusionMatrix and Logger.
local tocha = require "tocha"
local optim = require "tocha.optim"

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
  return tostring(err)
end

local function assert_near(expected, got, tol)
  tol = tol or 1e-12
  if tocha.isTensor(got) then got = got:totable() end
  if type(expected) == "table" then
    assert.are.equal(#expected, #got)
    for i = 1, #expected do assert_near(expected[i], got[i], tol) end
  else
    assert.is_true(math.abs(expected - got) <= tol * math.max(1, math.abs(expected)),
      string.format("expected %.17g, got %.17g", expected, got))
  end
end

-- f(x) = 1/2 sum a_i x_i^2, df/dx = a .* x (a fresh gradient tensor each call,
-- as a network's gradParameters would be refilled).
local function quadratic(a, Tensor)
  Tensor = Tensor or tocha.DoubleTensor
  local at = Tensor(a)
  local grad = Tensor(#a)
  local calls = 0
  return function(x)
    calls = calls + 1
    local f = 0
    for i = 1, #a do f = f + 0.5 * a[i] * x[i] ^ 2 end
    grad:copy(x):cmul(at)
    return f, grad
  end, function() return calls end
end

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

describe("optim.sgd", function()
  it("takes a plain step x - lr * df/dx and returns f before the step", function()
    local f = quadratic({ 1, 3 })
    local x = tocha.DoubleTensor({ 1, -2 })
    local x1, fs = optim.sgd(f, x, { learningRate = 0.1 })
    assert.are.equal(x, x1)
    assert_near({ 0.9, -1.4 }, x) -- 1 - 0.1*1, -2 - 0.1*(3*-2)
    assert.are.same({ 6.5 }, fs)  -- 0.5 * (1 + 3*4)
    -- the default learning rate is 1e-3
    local x2 = tocha.DoubleTensor({ 1, -2 })
    optim.sgd(f, x2)
    assert_near({ 1 - 1e-3, -2 + 6e-3 }, x2)
  end)

  it("works on FloatTensors and on non-contiguous parameters", function()
    local f = quadratic({ 1, 3 }, tocha.FloatTensor)
    local x = tocha.FloatTensor({ 1, -2 })
    optim.sgd(f, x, { learningRate = 0.1 })
    assert_near({ 0.9, -1.4 }, x, 1e-6)
    -- a column of a matrix: the update lands in the matrix
    local m = tocha.DoubleTensor({ { 1, 10 }, { -2, 20 } })
    local col = m:select(2, 1)
    assert.is_false(col:isContiguous())
    optim.sgd(quadratic({ 1, 3 }), col, { learningRate = 0.1 })
    assert_near({ { 0.9, 10 }, { -1.4, 20 } }, m)
  end)

  it("uses momentum with Torch7's dampening (default: the momentum)", function()
    local f = quadratic({ 1 })
    local x, state = tocha.DoubleTensor({ 2 }), {}
    local config = { learningRate = 0.1, momentum = 0.9 }
    optim.sgd(f, x, config, state) -- v = g0 = 2; x = 2 - 0.2
    assert_near({ 1.8 }, x)
    optim.sgd(f, x, config, state) -- v = 0.9*2 + 0.1*1.8 = 1.98; x = 1.8 - 0.198
    assert_near({ 1.602 }, x)
    assert_near({ 1.98 }, state.dfdx)
    assert.are.equal(2, state.evalCounter)
    assert.is_nil(config.evalCounter) -- a separate state table keeps config clean
    -- dampening 0: v = 0.9*2 + 1.8 = 3.6; x = 1.8 - 0.36
    x = tocha.DoubleTensor({ 2 })
    config = { learningRate = 0.1, momentum = 0.9, dampening = 0 }
    optim.sgd(f, x, config)
    optim.sgd(f, x, config)
    assert_near({ 1.44 }, x)
    assert.are.equal(2, config.evalCounter) -- state defaults to config
  end)

  it("uses Nesterov momentum", function()
    local f = quadratic({ 1 })
    local x, state = tocha.DoubleTensor({ 2 }), {}
    local config = { learningRate = 0.1, momentum = 0.9, dampening = 0, nesterov = true }
    optim.sgd(f, x, config, state) -- v = 2; step g + 0.9 v = 3.8; x = 2 - 0.38
    assert_near({ 1.62 }, x)
    optim.sgd(f, x, config, state) -- v = 1.8 + 1.62 = 3.42; step 1.62 + 3.078 = 4.698
    assert_near({ 1.62 - 0.4698 }, x)
  end)

  it("adds L2 weight decay to the gradient, one value or one per parameter", function()
    local f = quadratic({ 1 })
    local x = tocha.DoubleTensor({ 2 })
    local _, fs = optim.sgd(f, x, { learningRate = 0.1, weightDecay = 0.5 }) -- g = 2 + 0.5*2
    assert_near({ 1.7 }, x)
    assert.are.same({ 2 }, fs) -- f does not include the penalty
    local f2 = quadratic({ 1, 1 })
    local x2 = tocha.DoubleTensor({ 2, 2 })
    optim.sgd(f2, x2, { learningRate = 0.1, weightDecays = tocha.DoubleTensor({ 0.5, 0 }) })
    assert_near({ 1.7, 1.8 }, x2)
  end)

  it("decays the learning rate as lr / (1 + n * lrd)", function()
    local f = quadratic({ 1 })
    local x, state = tocha.DoubleTensor({ 2 }), {}
    local config = { learningRate = 0.1, learningRateDecay = 0.5 }
    optim.sgd(f, x, config, state) -- lr 0.1: 2 - 0.2
    optim.sgd(f, x, config, state) -- lr 0.1/1.5: 1.8 - 1.8/15
    assert_near({ 1.68 }, x)
    assert.are.equal(2, state.evalCounter)
  end)

  it("scales each parameter's step by learningRates", function()
    local f = quadratic({ 1, 1 })
    local x = tocha.DoubleTensor({ 2, 2 })
    -- a float tensor of factors for double parameters is fine (it is copied)
    optim.sgd(f, x, { learningRate = 0.1, learningRates = tocha.FloatTensor({ 1, 0.5 }) })
    assert_near({ 1.8, 1.9 }, x)
  end)

  it("reuses its buffers: no new tensors once warm", function()
    local f = quadratic({ 1, 2, 3 })
    local x, state = tocha.DoubleTensor({ 1, 1, 1 }), {}
    local config = { learningRate = 0.01, momentum = 0.5, learningRates = tocha.DoubleTensor({ 1, 1, 2 }),
      weightDecays = tocha.DoubleTensor({ 0.1, 0.1, 0.1 }) }
    optim.sgd(f, x, config, state)
    local buffers = { state.dfdx, state.deltaParameters, state.decayParameters }
    local storages = {}
    for i, b in ipairs(buffers) do storages[i] = b:storage():pointer() end
    for _ = 1, 5 do optim.sgd(f, x, config, state) end
    assert.are.equal(buffers[1], state.dfdx)
    assert.are.equal(buffers[2], state.deltaParameters)
    assert.are.equal(buffers[3], state.decayParameters)
    for i, b in ipairs(buffers) do assert.are.equal(storages[i], b:storage():pointer()) end
  end)

  -- Torch7's update as separate tensor operations, for comparison with the
  -- one-pass update sgd makes (which must give the same numbers, bit for bit).
  local function reference_step(x, g, v, fresh, c)
    local mom, damp, wd = c.momentum or 0, c.dampening or c.momentum or 0, c.weightDecay or 0
    if wd ~= 0 then g:add(wd, x) end
    local d = g
    if mom ~= 0 then
      if fresh then v:copy(g) else v:mul(mom):add(1 - damp, g) end
      if c.nesterov then g:add(mom, v) else d = v end
    end
    x:add(-c.learningRate, d)
  end

  local function max_diff(a, b) return (a - b):abs():max() end
  -- large enough to be split among 2 threads (with an odd tail); smaller
  -- under valgrind (TOCHA_SPEC_QUICK)
  local BIG = os.getenv("TOCHA_SPEC_QUICK") and 140001 or 300001

  it("updates in one pass exactly as the separate tensor operations would, on 1 or 2 threads", function()
    local saved = tocha.getnumthreads()
    local configs = {
      { learningRate = 0.05 },
      { learningRate = 0.05, momentum = 0.9, dampening = 0 },
      { learningRate = 0.05, momentum = 0.9 },
      { learningRate = 0.05, momentum = 0.8, dampening = 0.3, weightDecay = 1e-3 },
      { learningRate = 0.05, momentum = 0.9, dampening = 0, nesterov = true },
      { learningRate = 0.05, momentum = 0.9, dampening = 0, nesterov = true, weightDecay = 0.01 },
      { learningRate = 0.05, weightDecay = 0.01 },
    }
    for _, threads in ipairs({ 1, 2 }) do
      tocha.setnumthreads(threads)
      for _, Tensor in ipairs({ tocha.FloatTensor, tocha.DoubleTensor }) do
        for _, n in ipairs({ 7, BIG }) do
          for ci, c in ipairs(configs) do
            tocha.manualSeed(ci)
            local x0 = Tensor(n):uniform(-1, 1)
            local grads = { Tensor(n):uniform(-1, 1), Tensor(n):uniform(-1, 1), Tensor(n):uniform(-1, 1) }
            local x, state, k = x0:clone(), {}, 0
            local g = Tensor(n)
            local function opfunc() k = k + 1; g:copy(grads[k]); return 0, g end
            local config = {}
            for key, value in pairs(c) do config[key] = value end
            local rx, rv, rg = x0:clone(), Tensor(n), Tensor(n)
            for step = 1, 3 do
              optim.sgd(opfunc, x, config, state)
              rg:copy(grads[step])
              reference_step(rx, rg, rv, step == 1, c)
              local what = string.format("%s n=%d config %d step %d threads %d", Tensor.__typename or "", n, ci,
                step, threads)
              assert.are.equal(0, max_diff(x, rx), what .. ": x")
              assert.are.equal(0, max_diff(g, rg), what .. ": df/dx")
              if c.momentum then assert.are.equal(0, max_diff(state.dfdx, rv), what .. ": buffer") end
            end
          end
        end
      end
    end
    tocha.setnumthreads(saved)
  end)

  -- A parameter whose gradient stays 0 has its momentum multiplied by the
  -- momentum every step: after ~800 steps it is subnormal, and arithmetic
  -- on subnormals is ~7 times slower on x86 (measured 3.3 ms instead of
  -- 0.45 ms per update of a 1.9M-parameter MLP).  The update flushes them.
  it("flushes subnormal momentum to zero, in float and double, on 1 or 2 threads", function()
    local saved = tocha.getnumthreads()
    for _, threads in ipairs({ 1, 2 }) do
      tocha.setnumthreads(threads)
      for _, T in ipairs({ tocha.FloatTensor, tocha.DoubleTensor }) do
        local tiny = T == tocha.FloatTensor and 1e-39 or 1e-310 -- subnormal in T
        local n = 300001 -- split among the threads
        local x, g = T(n):fill(1), T(n):fill(tiny)
        local config, state = { learningRate = 0.5, momentum = 0.9, dampening = 0 }, {}
        optim.sgd(function() return 0, g end, x, config, state)
        local stored = T(1):fill(tiny)[1] -- tiny as T holds it
        assert.is_true(stored > 0)
        assert.are.equal(stored, state.dfdx[1]) -- first step: the buffer is a copy of g
        assert.are.equal(stored, state.dfdx[n])
        g:zero()
        optim.sgd(function() return 0, g end, x, config, state)
        -- 0.9 * tiny is subnormal too: flushed, where Torch7 would keep it
        -- (valgrind does not emulate the flush: there it is kept)
        local expected = os.getenv("TOCHA_SPEC_VALGRIND") and T(1):fill(stored):mul(0.9)[1] or 0
        assert.are.equal(expected, state.dfdx:abs():max())
        assert.are.equal(1, x:min())
        -- normal values are untouched by the flush
        local big = T == tocha.FloatTensor and 1e-30 or 1e-300
        g:fill(big)
        state = {}
        optim.sgd(function() return 0, g end, x, config, state)
        g:zero()
        optim.sgd(function() return 0, g end, x, config, state)
        assert.are.equal(T(1):fill(big):mul(0.9)[1], state.dfdx[7])
      end
    end
    tocha.setnumthreads(saved)
  end)

  it("updates strided parameters and gradients that share memory with x", function()
    local c = { learningRate = 0.1, momentum = 0.5, dampening = 0, weightDecay = 0.25, nesterov = true }
    -- strided: a column of a matrix, with a strided gradient
    local m = tocha.DoubleTensor({ { 1, 10 }, { -2, 20 }, { 3, 30 } })
    local gm = tocha.DoubleTensor({ { 0.5, 9 }, { 1, 9 }, { -1, 9 } })
    local x, g = m:select(2, 1), gm:select(2, 1)
    local rx, rg, rv = x:clone(), g:clone(), tocha.DoubleTensor(3)
    local state = {}
    optim.sgd(function() return 0, g end, x, c, state)
    reference_step(rx, rg, rv, true, c)
    assert.are.same(rx:totable(), x:totable())
    assert.are.same(rg:totable(), g:totable())
    assert.are.same({ 10, 20, 30 }, m:select(2, 2):totable())
    assert.are.same({ 9, 9, 9 }, gm:select(2, 2):totable())
    -- the gradient is x itself (f = x^2 / 2): the operations one after the other
    local y = tocha.DoubleTensor({ 1, -2, 4 })
    local ry = y:clone()
    local plain = { learningRate = 0.1, momentum = 0.5, dampening = 0, weightDecay = 0.25 }
    local s2 = {}
    for step = 1, 2 do
      optim.sgd(function(p) return 0, p end, y, plain, s2)
      local rv2 = s2.ref or tocha.DoubleTensor(3)
      s2.ref = rv2
      reference_step(ry, ry, rv2, step == 1, plain)
      assert.are.same(ry:totable(), y:totable())
    end
  end)

  it("returns one {f(x)} table per state and allocates nothing once warm", function()
    local f = quadratic({ 1, 3, 5 })
    local x, state = tocha.DoubleTensor({ 1, -2, 0.5 }), {}
    local config = { learningRate = 0.01, momentum = 0.9 }
    local _, fs1 = optim.sgd(f, x, config, state)
    local first = fs1[1]
    local _, fs2 = optim.sgd(f, x, config, state)
    assert.are.equal(fs1, fs2) -- the same table, updated
    assert.are.equal(1, #fs2)
    assert.is_true(fs2[1] < first)
    local _, other = optim.sgd(f, x:clone(), config, {}) -- another state: another table
    assert.are_not.equal(fs1, other)
    for _ = 1, 3 do optim.sgd(f, x, config, state) end
    collectgarbage("collect")
    collectgarbage("stop")
    optim.sgd(f, x, config, state) -- a full collection shrinks Lua's call-info lists: grow them back first
    local before = collectgarbage("count")
    for _ = 1, 50 do optim.sgd(f, x, config, state) end
    local grown = collectgarbage("count") - before
    collectgarbage("restart")
    assert.are.equal(0, grown)
  end)

  it("converges on Rosenbrock's function with (Nesterov) momentum", function()
    local function rosenbrock(x)
      local a, b = x[1], x[2]
      local g = tocha.DoubleTensor({ -2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a) })
      return (1 - a) ^ 2 + 100 * (b - a * a) ^ 2, g
    end
    for _, nesterov in ipairs({ false, true }) do
      local x, state = tocha.DoubleTensor({ -1.5, 2 }), {}
      local config = { learningRate = 1e-3, momentum = 0.9, dampening = 0, nesterov = nesterov }
      for _ = 1, 3000 do optim.sgd(rosenbrock, x, config, state) end
      assert_near({ 1, 1 }, x, 1e-4)
    end
  end)

  it("rejects bad calls and configurations with clear errors", function()
    local f = quadratic({ 1 })
    local x = tocha.DoubleTensor({ 1 })
    assert_error("bad argument #3 to 'sgd' (config.learningRate must be a number >= 0, got -0.1)",
      optim.sgd, f, x, { learningRate = -0.1 })
    -- raised at the caller's line, not inside optim
    local err = assert_error("bad argument #3 to 'sgd'", function() optim.sgd(f, x, { momentum = 1 }) end)
    assert.is_truthy(err:find("optim_spec.lua:%d+: bad argument"), err)
    assert_error("config.momentum must be a number in [0, 1), got 1", optim.sgd, f, x, { momentum = 1 })
    assert_error("config.momentum must be a number in [0, 1), got -0.5", optim.sgd, f, x, { momentum = -0.5 })
    assert_error("config.dampening must be a number in [0, 1], got 2", optim.sgd, f, x,
      { momentum = 0.5, dampening = 2 })
    assert_error("config.weightDecay must be a number >= 0, got nan", optim.sgd, f, x, { weightDecay = 0 / 0 })
    assert_error("config.learningRateDecay must be a number >= 0, got -1", optim.sgd, f, x,
      { learningRateDecay = -1 })
    assert_error("config.learningRate must be a number >= 0, got fast", optim.sgd, f, x, { learningRate = "fast" })
    assert_error("Nesterov momentum requires a momentum > 0 and zero dampening, got momentum 0.9 and dampening 0.9",
      optim.sgd, f, x, { momentum = 0.9, nesterov = true })
    assert_error("Nesterov momentum requires a momentum > 0", optim.sgd, f, x, { nesterov = true, dampening = 0 })
    assert_error("config.nesterov must be a boolean, got string", optim.sgd, f, x, { nesterov = "yes" })
    assert_error("config.learningRates must have one entry per parameter (1), got 2", optim.sgd, f, x,
      { learningRates = tocha.DoubleTensor({ 1, 2 }) })
    assert_error("config.weightDecays must be a tensor, got table", optim.sgd, f, x, { weightDecays = { 1 } })
    assert_error("give config.weightDecay or config.weightDecays, not both", optim.sgd, f, x,
      { weightDecay = 0.1, weightDecays = tocha.DoubleTensor({ 1 }) })
    assert_error("bad argument #1 to 'sgd' (function opfunc(x) -> f, df/dx expected, got nil)", optim.sgd, nil, x)
    assert_error("bad argument #2 to 'sgd' (parameters x must be a FloatTensor or DoubleTensor, got tocha.LongTensor)",
      optim.sgd, f, tocha.LongTensor({ 1 }))
    assert_error("bad argument #2 to 'sgd' (parameters x must be a FloatTensor or DoubleTensor, got table)",
      optim.sgd, f, { 1 })
    assert_error("bad argument #3 to 'sgd' (config table expected, got number)", optim.sgd, f, x, 0.1)
    assert_error("bad argument #4 to 'sgd' (state table expected, got string)", optim.sgd, f, x, {}, "s")
    assert_error("state.evalCounter must be an integer >= 0, got -1", optim.sgd, f, x, {}, { evalCounter = -1 })
    -- what opfunc returns is checked too
    assert_error("sgd: opfunc must return f(x) (a number) and df/dx, got nil for f(x)", optim.sgd,
      function() end, x)
    assert_error("sgd: df/dx (tocha.DoubleTensor of size 2) must have the type and size of x " ..
      "(tocha.DoubleTensor of size 1)", optim.sgd, function() return 0, tocha.DoubleTensor(2) end, x)
    assert_error("sgd: df/dx (tocha.FloatTensor of size 1)", optim.sgd,
      function() return 0, tocha.FloatTensor(1) end, x)
    -- a failed call leaves x alone
    assert_near({ 1 }, x)
  end)
end)

describe("optim.adam", function()
  it("takes Torch7's bias-corrected first steps", function()
    local f = quadratic({ 1 })
    local x, state = tocha.DoubleTensor({ 2 }), {}
    local config = { learningRate = 0.1 }
    local _, fs = optim.adam(f, x, config, state)
    assert.are.same({ 2 }, fs)
    -- t = 1: m = 0.1*2, v = 0.001*4, step = 0.1*sqrt(1-0.999)/(1-0.9)
    local m, v = 0.2, 0.004
    local x1 = 2 - 0.1 * math.sqrt(0.001) / 0.1 * m / (math.sqrt(v) + 1e-8)
    assert_near({ x1 }, x)
    assert_near({ 1.9 }, x, 1e-6) -- the first step is about lr * sign(g)
    optim.adam(f, x, config, state)
    -- t = 2: g = x1
    m = 0.9 * m + 0.1 * x1
    v = 0.999 * v + 0.001 * x1 * x1
    local x2 = x1 - 0.1 * math.sqrt(1 - 0.999 ^ 2) / (1 - 0.9 ^ 2) * m / (math.sqrt(v) + 1e-8)
    assert_near({ x2 }, x)
    assert.are.equal(2, state.t)
    assert_near({ m }, state.m)
    assert_near({ v }, state.v)
  end)

  it("applies weight decay, learning-rate decay, and the betas and epsilon given", function()
    local f = quadratic({ 1 })
    local x, state = tocha.DoubleTensor({ 2 }), {}
    local config = { learningRate = 0.1, learningRateDecay = 1, beta1 = 0.5, beta2 = 0.9, epsilon = 0.1,
      weightDecay = 0.5 }
    optim.adam(f, x, config, state)
    local g = 2 + 0.5 * 2
    local m, v = 0.5 * g, 0.1 * g * g
    local x1 = 2 - 0.1 * math.sqrt(0.1) / 0.5 * m / (math.sqrt(v) + 0.1)
    assert_near({ x1 }, x)
    optim.adam(f, x, config, state)
    g = 1.5 * x1
    m = 0.5 * m + 0.5 * g
    v = 0.9 * v + 0.1 * g * g
    -- the rate at step t (from 0) is lr / (1 + t * lrd): 0.1 / 2 here
    local x2 = x1 - 0.05 * math.sqrt(1 - 0.81) / (1 - 0.25) * m / (math.sqrt(v) + 0.1)
    assert_near({ x2 }, x)
  end)

  it("converges on Rosenbrock's function and on a float quadratic", function()
    local function rosenbrock(x)
      local a, b = x[1], x[2]
      local g = tocha.DoubleTensor({ -2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a) })
      return (1 - a) ^ 2 + 100 * (b - a * a) ^ 2, g
    end
    local x, config = tocha.DoubleTensor({ -1.5, 2 }), { learningRate = 0.02 }
    local fs
    for _ = 1, 3500 do _, fs = optim.adam(rosenbrock, x, config) end
    assert_near({ 1, 1 }, x, 1e-5)
    assert.is_true(fs[1] < 1e-8)
    local f = quadratic({ 1, 10, 100 }, tocha.FloatTensor)
    local y = tocha.FloatTensor({ 1, -1, 1 })
    local state = {}
    for _ = 1, 2000 do optim.adam(f, y, { learningRate = 0.01 }, state) end
    assert_near({ 0, 0, 0 }, y, 1e-3)
    assert.are.equal("tocha.FloatTensor", state.m:type())
  end)

  it("rejects bad configurations", function()
    local f = quadratic({ 1 })
    local x = tocha.DoubleTensor({ 1 })
    assert_error("bad argument #3 to 'adam' (config.beta1 must be a number in [0, 1), got 1)", optim.adam, f, x,
      { beta1 = 1 })
    assert_error("config.beta2 must be a number in [0, 1), got -0.1", optim.adam, f, x, { beta2 = -0.1 })
    assert_error("config.epsilon must be a number > 0, got 0", optim.adam, f, x, { epsilon = 0 })
    assert_error("config.learningRate must be a number >= 0, got -1", optim.adam, f, x, { learningRate = -1 })
    assert_error("config.weightDecay must be a number >= 0, got -1", optim.adam, f, x, { weightDecay = -1 })
    assert_error("config.learningRateDecay must be a number >= 0, got inf", optim.adam, f, x,
      { learningRateDecay = math.huge })
    assert_error("bad argument #1 to 'adam'", optim.adam, 42, x)
    assert_error("state.t must be an integer >= 0, got 1.5", optim.adam, f, x, {}, { t = 1.5 })
  end)

  it("returns one {f(x)} table per state and allocates nothing once warm", function()
    local f = quadratic({ 1, 3, 5 })
    local x, state = tocha.DoubleTensor({ 1, -2, 0.5 }), {}
    local config = { learningRate = 0.01 }
    local _, fs1 = optim.adam(f, x, config, state)
    local first = fs1[1]
    local _, fs2 = optim.adam(f, x, config, state)
    assert.are.equal(fs1, fs2)
    assert.is_true(fs2[1] < first)
    for _ = 1, 3 do optim.adam(f, x, config, state) end
    collectgarbage("collect")
    collectgarbage("stop")
    optim.adam(f, x, config, state) -- a full collection shrinks Lua's call-info lists: grow them back first
    local before = collectgarbage("count")
    for _ = 1, 50 do optim.adam(f, x, config, state) end
    local grown = collectgarbage("count") - before
    collectgarbage("restart")
    assert.are.equal(0, grown)
  end)
end)

describe("optim.ConfusionMatrix", function()
  it("counts pairs and computes per-class, average and global accuracy", function()
    local cm = optim.ConfusionMatrix({ "cat", "dog", "bird" })
    assert.are.equal(3, cm.nclasses)
    -- (prediction, target): cat x3 (2 right), dog x3 (2 right), bird x2 (1 right)
    local pairs_ = { { 1, 1 }, { 1, 1 }, { 2, 1 }, { 2, 2 }, { 2, 2 }, { 3, 2 }, { 3, 3 }, { 1, 3 } }
    for _, pt in ipairs(pairs_) do cm:add(pt[1], pt[2]) end
    assert.are.same({ { 2, 1, 0 }, { 0, 2, 1 }, { 1, 0, 1 } }, cm.mat:totable())
    cm:updateValids()
    assert_near({ 2 / 3, 2 / 3, 1 / 2 }, cm.valids, 1e-7)
    assert_near(5 / 8, cm.totalValid)
    assert_near((2 / 3 + 2 / 3 + 1 / 2) / 3, cm.averageValid)
    -- intersection over union: diag / (row + column - diag)
    assert_near({ 2 / (3 + 3 - 2), 2 / (3 + 3 - 2), 1 / (2 + 2 - 1) }, cm.unionvalids, 1e-7)
    assert_near((0.5 + 0.5 + 1 / 3) / 3, cm.averageUnionValid)
    assert.are.equal("tocha.LongTensor", cm.mat:type())
  end)

  it("takes score vectors, one-hot targets, and float indices; skips targets <= 0", function()
    local cm = optim.ConfusionMatrix(3)
    cm:add(tocha.FloatTensor({ 0.1, 0.7, 0.2 }), 2)       -- argmax 2
    cm:add(tocha.DoubleTensor({ 0.5, 0.2, 0.3 }), tocha.FloatTensor({ 0, 0, 1 })) -- pred 1, target 3
    cm:add(3.0, 3)
    cm:add(1, 0) -- a missing target: not counted
    assert.are.same({ { 0, 0, 0 }, { 0, 1, 0 }, { 1, 0, 1 } }, cm.mat:totable())
    cm:updateValids()
    local valids = cm.valids:totable()
    assert.is_true(valids[1] ~= valids[1]) -- no cat samples: NaN, left out of the average
    assert_near((1 + 0.5) / 2, cm.averageValid)
    assert_near(2 / 3, cm.totalValid)
  end)

  it("adds batches of indices or of scores", function()
    local cm = optim.ConfusionMatrix(3)
    local scores = tocha.DoubleTensor({ { 0.9, 0.1, 0 }, { 0.2, 0.3, 0.5 }, { 0, 1, 0 }, { 0.1, 0.8, 0.1 } })
    cm:batchAdd(scores, tocha.LongTensor({ 1, 3, 2, 1 }))
    assert.are.same({ { 1, 1, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, cm.mat:totable())
    cm:batchAdd(tocha.DoubleTensor({ 3, 3 }), tocha.DoubleTensor({ { 0, 0, 1 }, { 1, 0, 0 } }))
    cm:batchAdd(tocha.LongTensor({ { 2 } }), tocha.LongTensor({ { 2 } })) -- n x 1 index matrices
    assert.are.same({ { 1, 1, 1 }, { 0, 2, 0 }, { 0, 0, 2 } }, cm.mat:totable())
    -- a transposed score matrix (non-contiguous) works the same
    local t = tocha.DoubleTensor({ { 1, 0 }, { 0, 0 }, { 0, 1 } }):t()
    cm:zero()
    cm:batchAdd(t, tocha.LongTensor({ 1, 3 }))
    assert.are.same({ { 1, 0, 0 }, { 0, 0, 0 }, { 0, 0, 1 } }, cm.mat:totable())
    assert.are.equal(0, cm.totalValid)
  end)

  it("prints like Torch7's", function()
    local cm = optim.ConfusionMatrix({ "cat", "dog" })
    cm:batchAdd(tocha.LongTensor({ 1, 1, 2, 2, 2 }), tocha.LongTensor({ 1, 1, 1, 2, 2 }))
    local expected = table.concat({
      "ConfusionMatrix:",
      "[[       2       1]   66.667%\t[class: cat]",
      " [       0       2]]  100.000%\t[class: dog]",
      " + average row correct: 83.333%",
      " + average rowUcol correct (VOC measure): 66.667%",
      " + global correct: 80.000%",
    }, "\n")
    assert.are.equal(expected, tostring(cm))
    -- without names, and a class with no samples
    local plain = optim.ConfusionMatrix(2)
    plain:add(2, 2)
    local s = tostring(plain)
    assert.is_truthy(s:find("[[       0       0]      n/a ", 1, true), s)
    assert.is_truthy(s:find(" [       0       1]]  100.000%", 1, true), s)
    assert.is_falsy(s:find("class:", 1, true))
  end)

  it("rejects bad classes and indices with clear errors, counting nothing", function()
    assert_error("bad argument #1 to 'ConfusionMatrix' (number of classes (integer >= 1)", optim.ConfusionMatrix, 0)
    assert_error("the list of classes is empty", optim.ConfusionMatrix, {})
    assert_error("2 class names for 3 classes", optim.ConfusionMatrix, 3, { "a", "b" })
    local cm = optim.ConfusionMatrix(3)
    assert_error("bad argument #1 to 'add' (prediction (4) is not a class index in 1..3)", cm.add, cm, 4, 1)
    assert_error("bad argument #2 to 'add' (target (1.5) is not a class index in 1..3 (or <= 0 for a missing target))",
      cm.add, cm, 1, 1.5)
    assert_error("bad argument #1 to 'add' (prediction has 2 scores for 3 classes)", cm.add, cm,
      tocha.DoubleTensor({ 1, 2 }), 1)
    assert_error("bad argument #1 to 'add' (prediction must be a class index or a tensor of scores, got string)",
      cm.add, cm, "cat", 1)
    assert_error("bad argument #1 to 'batchAdd' (prediction 2 (0) is not a class index in 1..3)", cm.batchAdd, cm,
      tocha.LongTensor({ 1, 0 }), tocha.LongTensor({ 1, 1 }))
    assert_error("bad argument #2 to 'batchAdd' (3 targets for 2 predictions)", cm.batchAdd, cm,
      tocha.LongTensor({ 1, 2 }), tocha.LongTensor({ 1, 1, 1 }))
    assert_error("predictions has 2 scores per row for 3 classes", cm.batchAdd, cm, tocha.DoubleTensor(4, 2),
      tocha.LongTensor({ 1, 1, 1, 1 }))
    assert_error("predictions must be a vector of class indices or a matrix of scores, got a 3D tensor", cm.batchAdd,
      cm, tocha.DoubleTensor(2, 2, 3), tocha.LongTensor({ 1, 1 }))
    assert.are.equal(0, cm.mat:sum())
  end)
end)

describe("optim.Logger", function()
  local tmp = os.tmpname()
  after_each(function()
    for _, suffix in ipairs({ "", ".csv", ".svg", ".png", ".log" }) do os.remove(tmp .. suffix) end
  end)

  it("records named series per epoch and writes them as CSV", function()
    local logger = optim.Logger()
    logger:add{ ["train loss"] = 0.5, ["val loss"] = 0.75 }
    logger:add{ ["train loss"] = 0.25, ["val loss"] = 0.625 }
    logger:add{ ["train loss"] = 0.1, note = "lr, halved" } -- no val loss this epoch; a new series
    assert.are.same({ "train loss", "val loss", "note" }, logger.names)
    assert.are.same({ 0.5, 0.25, 0.1 }, logger.symbols["train loss"])
    logger:writeCSV(tmp .. ".csv")
    assert.are.equal(table.concat({
      "epoch,train loss,val loss,note",
      "1,0.5,0.75,",
      "2,0.25,0.625,",
      "3,0.1,,\"lr, halved\"",
      "",
    }, "\n"), read_file(tmp .. ".csv"))
  end)

  it("writes Torch7's tab-separated log file as it goes", function()
    local logger = optim.Logger(tmp .. ".log")
    logger:setNames{ "b", "a" }
    logger:add{ 1.5, 2 }           -- by position after setNames
    logger:add{ a = 0.001, b = -3 } -- by name
    logger:close()
    assert.are.equal("b\ta\n 1.5000e+00\t 2.0000e+00\n-3.0000e+00\t 1.0000e-03\n", read_file(tmp .. ".log"))
    assert.are.same({ 2, 0.001 }, logger.symbols.a)
  end)

  -- The texts a figure lays out (the SVG holds glyphs, not text).
  local function figure_texts(fig)
    local _, _, items = fig:layout()
    local set = {}
    for _, it in ipairs(items) do
      if it.kind == "text" then set[it.text] = true end
    end
    return set
  end

  it("plots chosen series to SVG and PNG, in panels side by side", function()
    local logger = optim.Logger()
    for e = 1, 6 do
      logger:add{ ["train loss"] = 1 / e, ["val loss"] = 1.2 / e, ["train err"] = 50 / e, ["val err"] = 60 / e }
    end
    local opts = { "train loss", "val loss", title = "run 1", ylabel = "NLL" }
    local written = logger:plot(tmp .. ".png", opts)
    assert.are.same({ tmp .. ".svg", tmp .. ".png" }, written)
    assert.are.same(written, logger:render())
    assert.are.equal("<?xml", read_file(tmp .. ".svg"):sub(1, 5))
    assert.are.equal("\137PNG\r\n\26\n", read_file(tmp .. ".png"):sub(1, 8))
    local texts = figure_texts(logger:figure(opts))
    for _, text in ipairs({ "run 1", "NLL", "epoch", "train loss", "val loss" }) do
      assert.is_true(texts[text], text)
    end
    assert.is_nil(texts["train err"])
    local panels = { panels = { { "train loss", "val loss", title = "loss", logy = true },
      { "train err", "val err", title = "error", ylabel = "%", zoom = 0.5 } } }
    texts = figure_texts(logger:figure(panels))
    for _, text in ipairs({ "loss", "error", "train err", "val loss", "%" }) do
      assert.is_true(texts[text], text)
    end
    os.remove(tmp .. ".pdf")
    assert.are.same({ tmp .. ".svg", tmp .. ".pdf" }, logger:plot(tmp .. ".pdf", panels))
    logger:render()
    assert.are.equal("%PDF-", read_file(tmp .. ".pdf"):sub(1, 5))
    os.remove(tmp .. ".pdf")
  end)

  it("plots at most every plotInterval seconds, and what waits at render(), close() or the end", function()
    local logger = optim.Logger()
    logger:add{ loss = 1 }
    os.remove(tmp .. ".svg")
    -- the first call waits (a short script draws once, at its end) ...
    logger:plot(tmp .. ".svg")
    assert.is_nil(io.open(tmp .. ".svg"))
    -- ... as do calls within the interval
    for e = 2, 50 do
      logger:add{ loss = 1 / e }
      logger:plot(tmp .. ".svg")
    end
    assert.is_nil(io.open(tmp .. ".svg"))
    -- a call after the interval draws at once, all 50 epochs
    logger.plotInterval = 0
    logger:plot(tmp .. ".svg")
    assert.are.equal("<?xml", read_file(tmp .. ".svg"):sub(1, 5))
    assert.is_nil(logger:render()) -- nothing waits
    os.remove(tmp .. ".svg")
    logger.plotInterval = 3600
    logger:plot(tmp .. ".svg")
    logger:close()               -- draws what waits
    assert.are.equal("<?xml", read_file(tmp .. ".svg"):sub(1, 5))
    os.remove(tmp .. ".svg")
    -- a script calling plot() 1000 times gets its plot when it ends
    local script = ('local optim = require "tocha.optim"; local l = optim.Logger(); '
      .. 'for i = 1, 1000 do l:add{loss = 1 / i}; l:plot(%q) end'):format(tmp .. ".png")
    local p = assert(io.popen(("LUA_PATH=%q LUA_CPATH=%q lua5.4 -e %q 2>&1; echo rc=$?"):format(package.path,
      package.cpath, script)))
    local out = p:read("a")
    p:close()
    assert.is_truthy(out:find("rc=0", 1, true), out)
    assert.are.equal("\137PNG", read_file(tmp .. ".png"):sub(1, 4))
    os.remove(tmp .. ".png")
    os.remove(tmp .. ".svg")
  end)

  it("rejects what it cannot log or plot", function()
    local logger = optim.Logger()
    assert_error("bad argument #1 to 'add' (value of 'x' must be a number or a string, got table)", logger.add,
      logger, { x = {} })
    assert_error("2 values by position for 0 names (use setNames first)", logger.add, logger, { 1, 2 })
    logger:add{ x = 1 }
    assert_error("no series named 'y' (logged: x)", logger.plot, logger, tmp .. ".svg", { "y" })
    assert_error("file name must end in .svg, .png or .pdf, got 'out.jpg'", logger.plot, logger, "out.jpg")
    assert_error("bad argument #1 to 'figure' (no series named 'z'", logger.figure, logger, { "z" })
    assert_error("bad argument #1 to 'Logger' (cannot open '/nonexistent-dir/x.log'", optim.Logger,
      "/nonexistent-dir/x.log")
    assert_error("style strings are '-', '+', '.' or '+-', got '*'", logger.style, logger, { x = "*" })
  end)
end)
