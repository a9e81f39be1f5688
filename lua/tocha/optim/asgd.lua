--- optim.asgd(opfunc, x [, config [, state]]) -> x, {f(x)}, ax: averaged
-- SGD (Polyak and Juditsky; Bottou, "Stochastic gradient tricks") as
-- Torch7's.  ax is the running average of the iterates, the estimate to
-- use once the average has started (after t0 steps).
--
-- config: eta0 (1e-4): the starting step; lambda (1e-4): the decay term;
-- alpha (0.75): the power of the step's decay; t0 (1e6): when averaging
-- starts.
-- state (defaults to config): eta_t, mu_t, t, ax and tmp.
local optim = require "tocha.optim"
local check = require "tocha.optim.check"

-- The config keys it takes and the state fields it keeps (check.config).
local KEYS = check.keys("asgd", {
  "eta0", "lambda", "alpha", "t0",
}, {
  "eta_t", "mu_t", "t", "ax", "tmp",
})

--- averaged SGD: x, fs = optim.asgd(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.asgd(opfunc, x, config, state)
  config, state = check.arguments("asgd", opfunc, x, config, state)
  check.config(KEYS, config)
  local eta0 = check.number("asgd", config, "eta0", 1e-4, 0)
  local lambda = check.number("asgd", config, "lambda", 1e-4, 0)
  local alpha = check.number("asgd", config, "alpha", 0.75, 0)
  local t0 = check.number("asgd", config, "t0", 1e6, 0)
  state.eta_t = state.eta_t or eta0
  state.mu_t = state.mu_t or 1
  local t = check.counter("asgd", state, "t")

  local fx, dfdx = opfunc(x)
  check.evaluation("asgd", x, fx, dfdx)

  -- x = (1 - lambda eta_t) x - eta_t df/dx
  x:mul(1 - lambda * state.eta_t)
  x:add(-state.eta_t, dfdx)

  -- ax = ax + mu_t (x - ax)
  local ax, fresh = check.buffer(state, "ax", x)
  if fresh then ax:zero() end
  if state.mu_t ~= 1 then
    local tmp = check.buffer(state, "tmp", x)
    tmp:copy(x):add(-1, ax):mul(state.mu_t)
    ax:add(tmp)
  else
    ax:copy(x)
  end

  t = t + 1
  state.t = t
  state.eta_t = eta0 / (1 + lambda * eta0 * t) ^ alpha
  state.mu_t = 1 / math.max(1, t - t0)
  return x, check.result(state, fx), ax
end

return optim.asgd
