--- optim.adamax(opfunc, x [, config [, state]]) -> x, {f(x)}: AdaMax, the
-- infinity-norm variant of Adam (Kingma and Ba, 2014), as Torch7's.
--
-- config: learningRate (0.002); beta1 (0.9) and beta2 (0.999), in [0, 1);
-- epsilon (1e-38, >= 0): added to |g| before the maximum; weightDecay (0).
-- state (defaults to config): t, m (the moving average of the gradient),
-- u (the decayed maximum of |g|) and tmp, made on the first call and reused.
local optim = require "tocha.optim"
local check = require "tocha.optim.check"

-- The config keys it takes and the state fields it keeps (check.config).
local KEYS = check.keys("adamax", {
  "learningRate", "beta1", "beta2", "epsilon", "weightDecay",
}, {
  "t", "m", "u", "tmp",
})

--- AdaMax: x, fs = optim.adamax(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.adamax(opfunc, x, config, state)
  config, state = check.arguments("adamax", opfunc, x, config, state)
  check.config(KEYS, config)
  local lr = check.number("adamax", config, "learningRate", 0.002, 0)
  local beta1 = check.number("adamax", config, "beta1", 0.9, 0, 1, false, true)
  local beta2 = check.number("adamax", config, "beta2", 0.999, 0, 1, false, true)
  local epsilon = check.number("adamax", config, "epsilon", 1e-38, 0)
  local wd = check.number("adamax", config, "weightDecay", 0, 0)
  local t = check.counter("adamax", state, "t")

  local fx, dfdx = opfunc(x)
  check.evaluation("adamax", x, fx, dfdx)
  if wd ~= 0 then dfdx:add(wd, x) end

  local m, fresh_m = check.buffer(state, "m", dfdx)
  local u, fresh_u = check.buffer(state, "u", dfdx)
  if fresh_m then m:zero() end
  if fresh_u then u:zero() end
  local tmp = check.buffer(state, "tmp", dfdx)
  t = t + 1
  m:mul(beta1):add(1 - beta1, dfdx)
  -- u = max(beta2 * u, |g| + epsilon)
  tmp:copy(dfdx):abs():add(epsilon)
  u:mul(beta2):cmax(tmp)
  x:addcdiv(-lr / (1 - beta1 ^ t), m, u)

  state.t = t
  return x, check.result(state, fx)
end

return optim.adamax
