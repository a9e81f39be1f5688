--- optim.sgd(opfunc, x [, config [, state]]) -> x, {f(x)}: stochastic
-- gradient descent as Torch7's, with weight decay, momentum (dampened or
-- Nesterov), learning-rate decay and per-parameter learning rates.
--
-- config: learningRate (1e-3), learningRateDecay (0): the step at
-- evaluation n is learningRate / (1 + n * learningRateDecay); weightDecay (0)
-- or weightDecays (a tensor, one per parameter): L2 regularisation added to
-- the gradient; momentum (0, in [0, 1)); dampening (defaults to momentum);
-- nesterov (false; needs momentum > 0 and dampening 0); learningRates (a
-- tensor of per-parameter factors).
-- state (defaults to config): evalCounter, and the buffers dfdx (momentum),
-- decayParameters, deltaParameters, made on the first call and reused.
-- As in Torch7, weight decay and Nesterov momentum are added to the
-- gradient tensor opfunc returned, in place.
--
-- Speed: without per-parameter rates or decays the whole update (decay,
-- momentum, step) is one pass over x, df/dx and the buffer, split among
-- tocha's threads (tocha._nn.sgd_update, src/core/nn/optim.c), and a call
-- allocates nothing: the table {f(x)} returned is the same from call to
-- call with the same state (its [1] is updated), so read fs[1] rather than
-- keeping fs itself.
local tocha = require "tocha"
local optim = require "tocha.optim"
local check = require "tocha.optim.check"

local C = tocha._nn
local result = check.result

-- The config keys it takes and the state fields it keeps (check.config).
local KEYS = check.keys("sgd", {
  "learningRate", "learningRateDecay", "weightDecay", "weightDecays", "momentum", "dampening", "nesterov",
  "learningRates",
}, {
  "evalCounter", "dfdx", "decayParameters", "deltaParameters",
})

--- stochastic gradient descent: x, fs = optim.sgd(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.sgd(opfunc, x, config, state)
  config, state = check.arguments("sgd", opfunc, x, config, state)
  check.config(KEYS, config)
  local lr = check.number("sgd", config, "learningRate", 1e-3, 0)
  local lrd = check.number("sgd", config, "learningRateDecay", 0, 0)
  local wd = check.number("sgd", config, "weightDecay", 0, 0)
  local mom = check.number("sgd", config, "momentum", 0, 0, 1, false, true)
  local damp = check.number("sgd", config, "dampening", mom, 0, 1)
  local nesterov = check.boolean("sgd", config, "nesterov", false)
  local lrs = check.tensor_like("sgd", config, "learningRates", x)
  local wds = check.tensor_like("sgd", config, "weightDecays", x)
  if nesterov and (mom <= 0 or damp ~= 0) then
    error(string.format("bad argument #3 to 'sgd' (Nesterov momentum requires a momentum > 0 and zero dampening, " ..
      "got momentum %s and dampening %s)", tostring(mom), tostring(damp)), 2)
  end
  if wd ~= 0 and wds then
    error("bad argument #3 to 'sgd' (give config.weightDecay or config.weightDecays, not both)", 2)
  end
  local nevals = check.counter("sgd", state, "evalCounter")

  -- (1) f(x) and df/dx
  local fx, dfdx = opfunc(x)
  check.evaluation("sgd", x, fx, dfdx)

  local clr = lr / (1 + nevals * lrd) -- the decayed learning rate
  local v, fresh
  if mom ~= 0 then v, fresh = check.buffer(state, "dfdx", dfdx) end

  if not (wds or lrs) then
    -- (2)-(5) in one pass
    C.sgd_update("sgd", x, dfdx, v, clr, wd, mom, damp, nesterov, fresh)
    state.evalCounter = nevals + 1
    return x, result(state, fx)
  end

  -- (2) weight decay: df/dx += wd * x (or wds .* x)
  if wd ~= 0 then
    dfdx:add(wd, x)
  elseif wds then
    local decay = check.buffer(state, "decayParameters", dfdx)
    decay:copy(wds):cmul(x)
    dfdx:add(decay)
  end

  -- (3) momentum: v = mom * v + (1 - damp) * df/dx (v starts as df/dx)
  if mom ~= 0 then
    if fresh then
      v:copy(dfdx)
    else
      v:mul(mom):add(1 - damp, dfdx)
    end
    if nesterov then
      dfdx:add(mom, v)
    else
      dfdx = v
    end
  end

  -- (4) the step, with per-parameter learning rates
  if lrs then
    local delta = check.buffer(state, "deltaParameters", dfdx)
    delta:copy(lrs):cmul(dfdx)
    x:add(-clr, delta)
  else
    x:add(-clr, dfdx)
  end

  state.evalCounter = nevals + 1
  return x, result(state, fx)
end

return optim.sgd
