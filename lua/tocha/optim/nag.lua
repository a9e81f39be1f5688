--- optim.nag(opfunc, x [, config [, state]]) -> x, {f(x)}: Nesterov's
-- accelerated gradient as Torch7's: the gradient is taken at the point
-- the momentum leads to, x + momentum * v.
--
-- config: learningRate (1e-3), learningRateDecay (0), weightDecay (0),
-- momentum (0.9, in (0, 1)), learningRates (a tensor of per-parameter
-- factors).
-- state (defaults to config): evalCounter and dfdx (the velocity v).
local optim = require "tocha.optim"
local check = require "tocha.optim.check"

-- The config keys it takes and the state fields it keeps (check.config).
local KEYS = check.keys("nag", {
  "learningRate", "learningRateDecay", "weightDecay", "momentum", "learningRates",
}, {
  "evalCounter", "dfdx", "deltaParameters",
})

--- Nesterov's accelerated gradient: x, fs = optim.nag(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.nag(opfunc, x, config, state)
  config, state = check.arguments("nag", opfunc, x, config, state)
  check.config(KEYS, config)
  local lr = check.number("nag", config, "learningRate", 1e-3, 0)
  local lrd = check.number("nag", config, "learningRateDecay", 0, 0)
  local wd = check.number("nag", config, "weightDecay", 0, 0)
  local mom = check.number("nag", config, "momentum", 0.9, 0, 1, true, true)
  local lrs = check.tensor_like("nag", config, "learningRates", x)
  local nevals = check.counter("nag", state, "evalCounter")

  -- (1) look ahead along the velocity, then evaluate there
  local v = state.dfdx
  local warm = v ~= nil and v:nElement() == x:nElement()
  if warm then x:add(mom, v) end
  local fx, dfdx = opfunc(x)
  check.evaluation("nag", x, fx, dfdx)
  if wd ~= 0 then dfdx:add(wd, x) end

  -- (2) v = mom * v - clr * g; x (at the look-ahead point) -= clr * g,
  -- so that x ends at x_old + v
  local clr = lr / (1 + nevals * lrd)
  local fresh
  v, fresh = check.buffer(state, "dfdx", dfdx)
  if fresh or not warm then v:zero() else v:mul(mom) end
  if lrs then
    local step = check.buffer(state, "deltaParameters", dfdx)
    step:copy(lrs):cmul(dfdx)
    v:add(-clr, step)
    x:add(-clr, step)
  else
    v:add(-clr, dfdx)
    x:add(-clr, dfdx)
  end

  state.evalCounter = nevals + 1
  return x, check.result(state, fx)
end

return optim.nag
