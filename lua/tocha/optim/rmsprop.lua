--- optim.rmsprop(opfunc, x [, config [, state]]) -> x, {f(x)}: RMSprop
-- (Tieleman and Hinton, 2012) as Torch7's.
--
-- config: learningRate (1e-2); alpha (0.99, in [0, 1)): the decay of the
-- mean square; epsilon (1e-8, > 0); weightDecay (0); initialMean (0): the
-- starting value of the mean square.
-- state (defaults to config): m (the mean square of the gradient) and tmp,
-- made on the first call and reused.
local optim = require "tocha.optim"
local check = require "tocha.optim.check"

-- The config keys it takes and the state fields it keeps (check.config).
local KEYS = check.keys("rmsprop", {
  "learningRate", "alpha", "epsilon", "weightDecay", "initialMean",
}, {
  "m", "tmp",
})

--- RMSprop: x, fs = optim.rmsprop(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.rmsprop(opfunc, x, config, state)
  config, state = check.arguments("rmsprop", opfunc, x, config, state)
  check.config(KEYS, config)
  local lr = check.number("rmsprop", config, "learningRate", 1e-2, 0)
  local alpha = check.number("rmsprop", config, "alpha", 0.99, 0, 1, false, true)
  local epsilon = check.number("rmsprop", config, "epsilon", 1e-8, 0, nil, true)
  local wd = check.number("rmsprop", config, "weightDecay", 0, 0)
  local mean0 = check.number("rmsprop", config, "initialMean", 0, 0)

  local fx, dfdx = opfunc(x)
  check.evaluation("rmsprop", x, fx, dfdx)
  if wd ~= 0 then dfdx:add(wd, x) end

  local m, fresh = check.buffer(state, "m", dfdx)
  if fresh then m:fill(mean0) end
  local tmp = check.buffer(state, "tmp", dfdx)
  m:mul(alpha):addcmul(1 - alpha, dfdx, dfdx)
  tmp:copy(m):sqrt():add(epsilon)
  x:addcdiv(-lr, dfdx, tmp)

  return x, check.result(state, fx)
end

return optim.rmsprop
