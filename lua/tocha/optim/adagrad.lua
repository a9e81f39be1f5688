--- optim.adagrad(opfunc, x [, config [, state]]) -> x, {f(x)}: AdaGrad
-- (Duchi et al., 2011) as Torch7's.
--
-- config: learningRate (1e-3), learningRateDecay (0): the step at
-- evaluation n is learningRate / (1 + n * learningRateDecay); weightDecay
-- (0): added to the gradient as weightDecay * x, in place.
-- state (defaults to config): evalCounter, paramVariance (the running sum
-- of squared gradients) and paramStd, made on the first call and reused.
local optim = require "tocha.optim"
local check = require "tocha.optim.check"

-- The config keys it takes and the state fields it keeps (check.config).
local KEYS = check.keys("adagrad", {
  "learningRate", "learningRateDecay", "weightDecay",
}, {
  "evalCounter", "paramVariance", "paramStd",
})

--- AdaGrad: x, fs = optim.adagrad(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.adagrad(opfunc, x, config, state)
  config, state = check.arguments("adagrad", opfunc, x, config, state)
  check.config(KEYS, config)
  local lr = check.number("adagrad", config, "learningRate", 1e-3, 0)
  local lrd = check.number("adagrad", config, "learningRateDecay", 0, 0)
  local wd = check.number("adagrad", config, "weightDecay", 0, 0)
  local nevals = check.counter("adagrad", state, "evalCounter")

  local fx, dfdx = opfunc(x)
  check.evaluation("adagrad", x, fx, dfdx)
  if wd ~= 0 then dfdx:add(wd, x) end

  local clr = lr / (1 + nevals * lrd)
  local variance, fresh = check.buffer(state, "paramVariance", dfdx)
  if fresh then variance:zero() end
  local std = check.buffer(state, "paramStd", dfdx)
  variance:addcmul(1, dfdx, dfdx)
  std:copy(variance):sqrt():add(1e-10)
  x:addcdiv(-clr, dfdx, std)

  state.evalCounter = nevals + 1
  return x, check.result(state, fx)
end

return optim.adagrad
