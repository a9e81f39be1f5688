--- optim.rprop(opfunc, x [, config [, state]]) -> x, {f(x) per iteration}:
-- resilient backpropagation (Riedmiller and Braun, 1993; the Rprop-
-- variant, as Torch7's).  Each parameter has its own step, grown by
-- etaplus while its gradient keeps its sign and shrunk by etaminus when the
-- sign flips (that gradient then counts as 0 for one step); only the
-- gradient's sign moves x.
--
-- config: stepsize (0.1): the initial step; etaplus (1.2, > 1); etaminus
-- (0.5, in (0, 1)); stepsizemax (50); stepsizemin (1e-6); niter (1): the
-- evaluations per call.
-- state (defaults to config): delta (the last gradient), stepsize and the
-- masks, made on the first call and reused.
local tocha = require "tocha"
local optim = require "tocha.optim"
local check = require "tocha.optim.check"
local utils = require "tocha.utils"

-- The config keys it takes and the state fields it keeps (check.config).
local KEYS = check.keys("rprop", {
  "stepsize", "etaplus", "etaminus", "stepsizemax", "stepsizemin", "niter",
}, {
  "delta", "stepsize", "sign", "factor", "direction",
})

--- Rprop: x, fs = optim.rprop(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.rprop(opfunc, x, config, state)
  config, state = check.arguments("rprop", opfunc, x, config, state)
  check.config(KEYS, config)
  -- When state is config, config.stepsize becomes the per-parameter steps
  -- after the first call (Torch7's names): the initial step is then used up.
  local step0 = 0.1
  if not (state == config and tocha.isTensor(config.stepsize)) then
    step0 = check.number("rprop", config, "stepsize", 0.1, 0, nil, true)
  end
  local etaplus = check.number("rprop", config, "etaplus", 1.2, 1, nil, true)
  local etaminus = check.number("rprop", config, "etaminus", 0.5, 0, 1, true, true)
  local stepmax = check.number("rprop", config, "stepsizemax", 50, 0, nil, true)
  local stepmin = check.number("rprop", config, "stepsizemin", 1e-6, 0)
  local niter = utils.checkinteger(config.niter or 1, "rprop", "config.niter", 1)

  local fs = {}
  for i = 1, niter do
    local fx, dfdx = opfunc(x)
    check.evaluation("rprop", x, fx, dfdx)
    fs[i] = fx

    local prev, fresh = check.buffer(state, "delta", dfdx)
    local step, fresh_step = check.buffer(state, "stepsize", dfdx)
    if fresh then prev:zero() end
    if fresh_step then step:fill(step0) end
    local prod = check.buffer(state, "sign", dfdx)
    prod:copy(dfdx):cmul(prev):sign()

    -- steps: times etaplus where the sign held, etaminus where it flipped
    local factor = check.buffer(state, "factor", dfdx)
    factor:fill(1)
    factor:maskedFill(prod:gt(0), etaplus)
    local flipped = prod:lt(0)
    factor:maskedFill(flipped, etaminus)
    step:cmul(factor):clamp(stepmin, stepmax)

    -- a flipped gradient counts as 0 now and next time
    dfdx:maskedFill(flipped, 0)
    local dir = check.buffer(state, "direction", dfdx)
    dir:copy(dfdx):sign()
    x:addcmul(-1, dir, step)
    prev:copy(dfdx)
  end
  return x, fs
end

return optim.rprop
