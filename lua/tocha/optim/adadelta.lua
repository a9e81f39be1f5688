--- optim.adadelta(opfunc, x [, config [, state]]) -> x, {f(x)}: ADADELTA
-- (Zeiler, 2012) as Torch7's.
--
-- config: rho (0.9, in [0, 1)): the decay of both running averages; eps
-- (1e-6, > 0); learningRate (1): a factor on the step; weightDecay (0).
-- state (defaults to config): evalCounter, paramVariance (running mean of
-- squared gradients), paramStd, delta (the last step) and accDelta
-- (running mean of squared steps), made on the first call and reused.
local optim = require "tocha.optim"
local check = require "tocha.optim.check"

-- The config keys it takes and the state fields it keeps (check.config).
local KEYS = check.keys("adadelta", {
  "rho", "eps", "learningRate", "weightDecay",
}, {
  "evalCounter", "paramVariance", "accDelta", "paramStd", "delta",
})

--- ADADELTA: x, fs = optim.adadelta(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.adadelta(opfunc, x, config, state)
  config, state = check.arguments("adadelta", opfunc, x, config, state)
  check.config(KEYS, config)
  local rho = check.number("adadelta", config, "rho", 0.9, 0, 1, false, true)
  local eps = check.number("adadelta", config, "eps", 1e-6, 0, nil, true)
  local lr = check.number("adadelta", config, "learningRate", 1, 0)
  local wd = check.number("adadelta", config, "weightDecay", 0, 0)
  local nevals = check.counter("adadelta", state, "evalCounter")

  local fx, dfdx = opfunc(x)
  check.evaluation("adadelta", x, fx, dfdx)
  if wd ~= 0 then dfdx:add(wd, x) end

  local variance, fresh_v = check.buffer(state, "paramVariance", dfdx)
  local acc, fresh_a = check.buffer(state, "accDelta", dfdx)
  if fresh_v then variance:zero() end
  if fresh_a then acc:zero() end
  local std = check.buffer(state, "paramStd", dfdx)
  local delta = check.buffer(state, "delta", dfdx)

  variance:mul(rho):addcmul(1 - rho, dfdx, dfdx)
  std:copy(variance):add(eps):sqrt()
  -- delta = sqrt(accDelta + eps) / sqrt(variance + eps) * df/dx
  delta:copy(acc):add(eps):sqrt():cdiv(std):cmul(dfdx)
  x:add(-lr, delta)
  acc:mul(rho):addcmul(1 - rho, delta, delta)

  state.evalCounter = nevals + 1
  return x, check.result(state, fx)
end

return optim.adadelta
