-- The optimisers beyond sgd and adam: first steps against hand-computed
-- values, convergence on Rosenbrock's function, line-search conditions,
-- ConfusionMatrix:farFrr, and bad input.
local tocha = require "tocha"
local optim = require "tocha.optim"

-- f(x) = sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, minimum 0 at (1, ..., 1)
local function rosenbrock(x)
  local n = x:size(1)
  local f, g = 0, {}
  for i = 1, n do g[i] = 0 end
  for i = 1, n - 1 do
    local a, b = x[i + 1] - x[i] ^ 2, 1 - x[i]
    f = f + 100 * a * a + b * b
    g[i] = g[i] - 400 * x[i] * a - 2 * b
    g[i + 1] = g[i + 1] + 200 * a
  end
  return f, tocha.DoubleTensor(g)
end

-- f(x) = sum c_i x_i^2 / 2 with gradient c .* x
local function quadratic(c)
  return function(x)
    local g = x:clone():cmul(c)
    return x:dot(g) / 2, g
  end
end

local function near(a, b, tol) return math.abs(a - b) <= tol * math.max(1, math.abs(b)) end

describe("first-order optimisers", function()
  -- one step from x0 = (1, -2) with gradient g = (2, -4) (f = |x|^2)
  local function first_step(name, config)
    local x = tocha.DoubleTensor({ 1, -2 })
    local _, fs = optim[name](function(p) return p:dot(p), p:clone():mul(2) end, x, config)
    assert.are.equal(5, fs[1])
    return x
  end

  it("adagrad divides by the root of the summed squares", function()
    local x = first_step("adagrad", { learningRate = 0.1 })
    -- x - 0.1 * g / (|g| + 1e-10)
    assert.is_true(near(x[1], 1 - 0.1 * 2 / (2 + 1e-10), 1e-12))
    assert.is_true(near(x[2], -2 + 0.1 * 4 / (4 + 1e-10), 1e-12))
  end)

  it("rmsprop keeps a decayed mean square", function()
    local x = first_step("rmsprop", { learningRate = 0.01, alpha = 0.9 })
    local m1, m2 = 0.1 * 4, 0.1 * 16
    assert.is_true(near(x[1], 1 - 0.01 * 2 / (math.sqrt(m1) + 1e-8), 1e-12))
    assert.is_true(near(x[2], -2 + 0.01 * 4 / (math.sqrt(m2) + 1e-8), 1e-12))
  end)

  it("adadelta scales by the ratio of running roots", function()
    local x = first_step("adadelta", { rho = 0.9, eps = 1e-6 })
    local v1 = 0.1 * 4
    local d1 = math.sqrt(1e-6) / math.sqrt(v1 + 1e-6) * 2
    assert.is_true(near(x[1], 1 - d1, 1e-12))
  end)

  it("adamax divides the bias-corrected mean by the decayed max", function()
    local x = first_step("adamax", { learningRate = 0.002 })
    -- m = 0.1 g, u = |g|, step = 0.002 / (1 - 0.9) * m / u = 0.002 sign(g)
    assert.is_true(near(x[1], 1 - 0.002, 1e-9))
    assert.is_true(near(x[2], -2 + 0.002, 1e-9))
  end)

  it("nag looks ahead along its velocity", function()
    local x = tocha.DoubleTensor({ 1 })
    local at = {}
    local function f(p)
      at[#at + 1] = p[1]
      return p[1] ^ 2, p:clone():mul(2)
    end
    local state = {}
    local config = { learningRate = 0.1, momentum = 0.5 }
    optim.nag(f, x, config, state)
    -- v = -0.1 * 2 = -0.2, x = 0.8
    assert.is_true(near(x[1], 0.8, 1e-12))
    optim.nag(f, x, config, state)
    -- evaluated at 0.8 + 0.5 * (-0.2) = 0.7; v = -0.1 - 0.14 = -0.24; x = 0.56
    assert.is_true(near(at[2], 0.7, 1e-12))
    assert.is_true(near(x[1], 0.56, 1e-12))
  end)

  it("asgd returns the running average of its iterates", function()
    local x = tocha.DoubleTensor({ 1 })
    -- lambda = 0 keeps the step at 0.1; mu_t = 1 / max(1, t - t0) with
    -- t0 = 0 restarts the average at steps 1 and 2, then averages
    local config = { eta0 = 0.1, lambda = 0, t0 = 0 }
    local xs = {}
    local ax
    for i = 1, 4 do
      ax = select(3, optim.asgd(function(p) return p[1] ^ 2, p:clone():mul(2) end, x, config))
      xs[i] = x[1]
    end
    assert.is_true(near(xs[1], 0.8, 1e-12))
    assert.is_true(near(xs[4], 0.8 ^ 4, 1e-12))
    assert.is_true(near(ax[1], (xs[2] + xs[3] + xs[4]) / 3, 1e-12))
  end)

  it("rprop grows steps while the sign holds and shrinks them when it flips", function()
    local x = tocha.DoubleTensor({ 1 })
    local state = {}
    local f = function(p) return p[1] ^ 2, p:clone():mul(2) end
    optim.rprop(f, x, { stepsize = 0.3 }, state)
    assert.is_true(near(x[1], 0.7, 1e-12))
    optim.rprop(f, x, { stepsize = 0.3 }, state)
    assert.is_true(near(x[1], 0.7 - 0.36, 1e-12)) -- 0.3 * 1.2
    optim.rprop(f, x, { stepsize = 0.3 }, state)
    assert.is_true(near(x[1], 0.34 - 0.432, 1e-12)) -- 0.36 * 1.2: overshoots 0
    optim.rprop(f, x, { stepsize = 0.3 }, state)
    -- the sign flipped: step halves to 0.216 and this gradient counts as 0
    assert.is_true(near(x[1], -0.092, 1e-12))
    assert.is_true(near(state.stepsize[1], 0.216, 1e-12))
  end)

  for _, case in ipairs({
    { "adagrad", { learningRate = 0.5 }, 20000, 1e-3 },
    { "rmsprop", { learningRate = 1e-3 }, 20000, 1e-2 },
    { "adamax", { learningRate = 0.002 }, 20000, 1e-3 },
    { "adadelta", { eps = 1e-10 }, 10000, 0.02 },
  }) do
    it(case[1] .. " approaches Rosenbrock's minimum", function()
      local x = tocha.DoubleTensor({ 0, 0 })
      local state = {}
      local f0 = rosenbrock(x)
      for _ = 1, os.getenv("TOCHA_SPEC_QUICK") and case[3] // 10 or case[3] do
        optim[case[1]](rosenbrock, x, case[2], state)
      end
      local f = rosenbrock(x)
      assert.is_true(f < f0)
      if not os.getenv("TOCHA_SPEC_QUICK") then
        assert.is_true(math.abs(x[1] - 1) < case[4], case[1] .. " ended at " .. x[1])
      end
    end)
  end
end)

describe("second-order and line-search methods", function()
  it("lswolfe returns a step that satisfies the strong Wolfe conditions", function()
    local c = tocha.DoubleTensor({ 1, 10, 100 })
    local f = quadratic(c)
    local x = tocha.DoubleTensor({ 1, 1, 1 })
    local f0, g0 = f(x)
    local d = g0:clone():mul(-1)
    local gtd = g0:dot(d)
    local f1, g1, x1, t = optim.lswolfe(f, x, 1, d, f0, g0, gtd, { c1 = 1e-4, c2 = 0.9 })
    assert.are.equal(x, x1)
    assert.is_true(t > 0)
    assert.is_true(f1 <= f0 + 1e-4 * t * gtd)
    assert.is_true(math.abs(g1:dot(d)) <= 0.9 * math.abs(gtd))
    local fx = f(x)
    assert.is_true(near(fx, f1, 1e-12))
  end)

  it("lbfgs with a line search solves a quadratic in a few iterations", function()
    local c = tocha.DoubleTensor({ 1, 3, 10, 30 })
    local x = tocha.DoubleTensor({ 1, -1, 2, 0.5 })
    local _, fs = optim.lbfgs(quadratic(c), x, { maxIter = 50, lineSearch = optim.lswolfe })
    assert.is_true(x:clone():abs():max() < 1e-5)
    for i = 2, #fs do assert.is_true(fs[i] <= fs[i - 1] + 1e-12) end
  end)

  it("lbfgs finds Rosenbrock's minimum, in one call and stochastically", function()
    local x = tocha.DoubleTensor({ 0, 0 })
    optim.lbfgs(rosenbrock, x, { maxIter = 100, lineSearch = optim.lswolfe })
    assert.is_true(math.abs(x[1] - 1) < 1e-4 and math.abs(x[2] - 1) < 1e-4)
    local y = tocha.DoubleTensor({ 0, 0 })
    local config = { learningRate = 0.1, maxIter = 1 }
    for _ = 1, 100 do optim.lbfgs(rosenbrock, y, config) end
    assert.is_true(rosenbrock(y) < 1)
    assert.are.equal(100, config.nIter)
  end)

  it("cg finds Rosenbrock's minimum", function()
    local x = tocha.DoubleTensor({ 0, 0 })
    local _, fs, evals = optim.cg(rosenbrock, x, { maxIter = 100, maxEval = 400 })
    assert.is_true(math.abs(x[1] - 1) < 1e-4 and math.abs(x[2] - 1) < 1e-4)
    assert.is_true(evals <= 400 and fs[#fs] < 1e-8)
  end)

  it("cmaes and de minimise without gradients, repeatably after manualSeed", function()
    local function run(method, config)
      tocha.manualSeed(3)
      local x = tocha.DoubleTensor(4):zero()
      optim[method](function(p) return (rosenbrock(p)) end, x, config)
      return x
    end
    local quick = os.getenv("TOCHA_SPEC_QUICK")
    local a = run("cmaes", { sigma = 0.5, maxEval = quick and 300 or 4000 })
    local b = run("cmaes", { sigma = 0.5, maxEval = quick and 300 or 4000 })
    assert.are.equal(0, a:clone():add(-1, b):abs():max())
    if not quick then assert.is_true(rosenbrock(a) < 1e-6) end
    tocha.manualSeed(3)
    local d = tocha.DoubleTensor(2):zero()
    local _, fs = optim.de(function(p) return (rosenbrock(p)) end, d, { popsize = 50, maxFEs = quick and 200 or 3000 })
    assert.are.equal(quick and 200 or 3000, #fs)
    for i = 2, #fs do assert.is_true(fs[i] <= fs[i - 1]) end
    assert.are.equal(fs[#fs], (rosenbrock(d)))
    if not quick then assert.is_true(fs[#fs] < 1e-6) end
  end)
end)

describe("ConfusionMatrix:farFrr", function()
  it("gives zero rates for a perfect matrix and hand-computed ones otherwise", function()
    local cm = optim.ConfusionMatrix(3)
    cm.mat = tocha.LongTensor({ { 2, 0, 0 }, { 0, 3, 0 }, { 0, 0, 1 } })
    local cfrr, cfar, frr, far = cm:farFrr()
    assert.are.equal(0, cfrr:sum() + cfar:sum() + frr:sum() + far:sum())
    -- class 1: 3 of 4 right; class 2: 1 of 2; class 3 has no samples
    cm.mat = tocha.LongTensor({ { 3, 1, 0 }, { 1, 1, 0 }, { 0, 0, 0 } })
    cfrr, cfar, frr, far = cm:farFrr()
    assert.are.same({ 0.25, 0.5, -1 }, cfrr:totable())
    -- FAR of class 1: class 2's samples predicted as 1 (1 of 2), over the
    -- one other class with samples
    assert.are.same({ 0.5, 0.25, -1 }, cfar:totable())
    assert.are.same({ 0.25, 0.5 }, frr:totable())
    assert.are.same({ 0.5, 0.25 }, far:totable())
  end)
end)

describe("bad input to the optimisers", function()
  local f = function(p) return p:dot(p), p:clone():mul(2) end
  for _, name in ipairs({ "adagrad", "rmsprop", "adadelta", "adamax", "nag", "asgd", "rprop", "lbfgs", "cg",
    "cmaes", "de" }) do
    it(name .. " names its arguments", function()
      assert.has_error(function() optim[name](nil, tocha.DoubleTensor(2)) end)
      local ok, err = pcall(optim[name], f, "x")
      assert.is_false(ok)
      assert.is_truthy(tostring(err):find(name, 1, true))
      ok, err = pcall(optim[name], f, tocha.DoubleTensor(2), 5)
      assert.is_false(ok)
      assert.is_truthy(tostring(err):find("config", 1, true))
    end)
  end
  it("rejects out-of-range settings with the key's name", function()
    local x = tocha.DoubleTensor(2):fill(1)
    local ok, err = pcall(optim.rmsprop, f, x, { alpha = 1.5 })
    assert.is_false(ok)
    assert.is_truthy(err:find("config.alpha", 1, true))
    ok, err = pcall(optim.lbfgs, f, x, { lineSearch = "wolfe" })
    assert.is_false(ok)
    assert.is_truthy(err:find("lineSearch", 1, true))
    ok, err = pcall(optim.lswolfe, f, x, 1, tocha.DoubleTensor({ 1, 1 }), 2, x:clone():mul(2), 4)
    assert.is_false(ok)
    assert.is_truthy(err:find("descent direction", 1, true))
    ok, err = pcall(optim.de, f, x, { popsize = 2 })
    assert.is_false(ok)
    assert.is_truthy(err:find("popsize", 1, true))
  end)
end)
