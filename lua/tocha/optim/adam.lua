--- optim.adam(opfunc, x [, config [, state]]) -> x, {f(x)}: Adam (Kingma and
-- Ba, 2014) as Torch7's, with learning-rate decay and L2 weight decay.
--
-- config: learningRate (1e-3), learningRateDecay (0): the step size at
-- step t (counted from 0) is learningRate / (1 + t * learningRateDecay);
-- beta1 (0.9) and beta2 (0.999), in [0, 1): the decay rates of the moving
-- averages of the gradient and of its square; epsilon (1e-8, > 0);
-- weightDecay (0): added to the gradient as weightDecay * x, in place.
-- state (defaults to config): t, and the buffers m, v and denom, made on
-- the first call and reused.  As with optim.sgd, a call allocates nothing
-- once warm: the table {f(x)} returned is the same from call to call with
-- the same state (its [1] is updated), so read fs[1] rather than keeping fs.
local optim = require "tocha.optim"
local check = require "tocha.optim.check"

-- The config keys it takes and the state fields it keeps (check.config).
local KEYS = check.keys("adam", {
  "learningRate", "learningRateDecay", "beta1", "beta2", "epsilon", "weightDecay",
}, {
  "t", "m", "v", "denom",
})

--- Adam: x, fs = optim.adam(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.adam(opfunc, x, config, state)
  config, state = check.arguments("adam", opfunc, x, config, state)
  check.config(KEYS, config)
  local lr = check.number("adam", config, "learningRate", 1e-3, 0)
  local lrd = check.number("adam", config, "learningRateDecay", 0, 0)
  local beta1 = check.number("adam", config, "beta1", 0.9, 0, 1, false, true)
  local beta2 = check.number("adam", config, "beta2", 0.999, 0, 1, false, true)
  local epsilon = check.number("adam", config, "epsilon", 1e-8, 0, nil, true)
  local wd = check.number("adam", config, "weightDecay", 0, 0)
  local t = check.counter("adam", state, "t")

  -- (1) f(x) and df/dx, (2) weight decay
  local fx, dfdx = opfunc(x)
  check.evaluation("adam", x, fx, dfdx)
  if wd ~= 0 then dfdx:add(wd, x) end

  -- (3) the moving averages of the gradient and of its square
  local m, new_m = check.buffer(state, "m", dfdx)
  local v, new_v = check.buffer(state, "v", dfdx)
  local denom = check.buffer(state, "denom", dfdx)
  if new_m then m:zero() end
  if new_v then v:zero() end
  local clr = lr / (1 + t * lrd)
  t = t + 1
  m:mul(beta1):add(1 - beta1, dfdx)
  v:mul(beta2):addcmul(1 - beta2, dfdx, dfdx)
  denom:copy(v):sqrt():add(epsilon)

  -- (4) the bias-corrected step
  local bias1 = 1 - beta1 ^ t
  local bias2 = 1 - beta2 ^ t
  x:addcdiv(-clr * math.sqrt(bias2) / bias1, m, denom)

  state.t = t
  return x, check.result(state, fx)
end

return optim.adam
