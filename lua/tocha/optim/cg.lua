--- optim.cg(opfunc, x [, config [, state]]) -> x, {f per iteration}, nEvals:
-- nonlinear conjugate gradients (Polak-Ribiere with restarts, "PR+"), each
-- step found by a strong-Wolfe line search (optim.lswolfe with c2 = 0.1,
-- as conjugate gradients want).
--
-- config: maxIter (20): iterations per call; maxEval (1.25 maxIter):
-- evaluations per call; tolFun (1e-8): stop when f changes by less; rho
-- (0.01) and sig (0.1), with rho < sig < 1, are the line search's c1 and
-- c2, under Torch7's names.
-- state (defaults to config): funcEval.
local optim = require "tocha.optim"
local check = require "tocha.optim.check"
local utils = require "tocha.utils"

-- The config keys it takes and the state fields it keeps (check.config).
local KEYS = check.keys("cg", {
  "maxIter", "maxEval", "tolFun", "rho", "sig",
}, {
  "funcEval",
})

--- nonlinear conjugate gradients: x, fs = optim.cg(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.cg(opfunc, x, config, state)
  config, state = check.arguments("cg", opfunc, x, config, state)
  check.config(KEYS, config)
  local maxIter = utils.checkinteger(config.maxIter or 20, "cg", "config.maxIter", 1)
  local maxEval = check.number("cg", config, "maxEval", maxIter * 1.25, 1)
  local tolFun = check.number("cg", config, "tolFun", 1e-8, 0)
  local rho = check.number("cg", config, "rho", 0.01, 0, 1, true, true)
  local sig = check.number("cg", config, "sig", 0.1, rho, 1, true, true)
  state.funcEval = state.funcEval or 0

  local f, g = opfunc(x)
  check.evaluation("cg", x, f, g)
  g = g:clone()
  local fhist = { f }
  local nevals = 1
  local d = g:clone():mul(-1)
  local gg = g:dot(g)
  local t = 1 / (1 + math.sqrt(gg))
  local ls = { c1 = rho, c2 = sig }
  for _ = 1, maxIter do
    if gg == 0 or nevals >= maxEval then break end
    local gtd = g:dot(d)
    if gtd >= 0 or gtd ~= gtd then -- lost conjugacy: restart along -g
      d:copy(g):mul(-1)
      gtd = -gg
    end
    ls.maxIter = math.max(1, math.floor(maxEval - nevals))
    local f_new, g_new, _, step, evals = optim.lswolfe(opfunc, x, t, d, f, g, gtd, ls)
    nevals = nevals + evals
    if step == 0 then break end
    fhist[#fhist + 1] = f_new
    -- PR+: beta = max(0, g_new . (g_new - g) / g . g)
    local gg_new = g_new:dot(g_new)
    local beta = math.max(0, (gg_new - g_new:dot(g)) / gg)
    d:mul(beta):add(-1, g_new)
    -- the next trial step: this one scaled by the ratio of slopes
    local gtd_new = g_new:dot(d)
    if gtd_new < 0 then t = math.min(step * gtd / gtd_new, step * 100) else t = step end
    local df = math.abs(f - f_new)
    f, g, gg = f_new, g_new, gg_new
    if df < tolFun then break end
  end
  state.funcEval = state.funcEval + nevals
  return x, fhist, nevals
end

return optim.cg
