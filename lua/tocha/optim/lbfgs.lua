--- optim.lbfgs(opfunc, x [, config [, state]]) -> x, {f per iteration}, nEvals:
-- limited-memory BFGS as Torch7's, with a fixed step or a line search.
--
-- config: maxIter (20): iterations per call; maxEval (1.25 maxIter):
-- evaluations per call; tolFun (1e-5): stop when sum|g| falls below it;
-- tolX (1e-9): stop when a step or the change of f falls below it;
-- nCorrection (100): the pairs of steps kept; learningRate (1): the
-- initial step (the first iteration scales it by min(1, 1/sum|g|));
-- lineSearch (a function such as optim.lswolfe; without one a fixed step)
-- and lineSearchOptions; verbose (false).
-- state (defaults to config): funcEval, nIter, and the memory (dir_bufs,
-- stp_bufs, d, t, g_old, f_old, Hdiag) that lets a later call go on where
-- this one stopped (maxIter = 1 gives a stochastic L-BFGS).
local optim = require "tocha.optim"
local check = require "tocha.optim.check"
local utils = require "tocha.utils"

local function evaluate(opfunc, x)
  local f, g = opfunc(x)
  check.evaluation("lbfgs", x, f, g)
  return f, g:clone()
end

-- The config keys it takes and the state fields it keeps (check.config).
local KEYS = check.keys("lbfgs", {
  "maxIter", "maxEval", "tolFun", "tolX", "nCorrection", "learningRate", "lineSearch", "lineSearchOptions",
  "verbose",
}, {
  "funcEval", "nIter", "dir_bufs", "stp_bufs", "d", "t", "g_old", "f_old", "Hdiag",
})

--- L-BFGS: x, fs = optim.lbfgs(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.lbfgs(opfunc, x, config, state)
  config, state = check.arguments("lbfgs", opfunc, x, config, state)
  check.config(KEYS, config)
  local maxIter = utils.checkinteger(config.maxIter or 20, "lbfgs", "config.maxIter", 1)
  local maxEval = check.number("lbfgs", config, "maxEval", maxIter * 1.25, 1)
  local tolFun = check.number("lbfgs", config, "tolFun", 1e-5, 0)
  local tolX = check.number("lbfgs", config, "tolX", 1e-9, 0)
  local nCorrection = utils.checkinteger(config.nCorrection or 100, "lbfgs", "config.nCorrection", 1)
  local lr = check.number("lbfgs", config, "learningRate", 1, 0, nil, true)
  local lineSearch = config.lineSearch
  if lineSearch ~= nil and type(lineSearch) ~= "function" then
    error("bad argument #3 to 'lbfgs' (config.lineSearch must be a function such as optim.lswolfe, got " ..
      type(lineSearch) .. ")", 2)
  end
  local verbose = config.verbose == true
  state.funcEval = state.funcEval or 0
  state.nIter = state.nIter or 0

  local f, g = evaluate(opfunc, x)
  local fhist = { f }
  local nevals = 1
  state.funcEval = state.funcEval + 1
  if g:clone():abs():sum() <= tolFun then
    if verbose then print("lbfgs: optimality condition below tolFun") end
    return x, fhist, nevals
  end

  local dirs, stps = state.dir_bufs or {}, state.stp_bufs or {}
  local d, t, g_old, f_old, Hdiag = state.d, state.t, state.g_old, state.f_old, state.Hdiag or 1
  local iter = 0
  while iter < maxIter do
    iter = iter + 1
    state.nIter = state.nIter + 1

    -- (1) the direction: -g at first, then the two-loop recursion
    if state.nIter == 1 or not d then
      d = g:clone():mul(-1)
      dirs, stps, Hdiag = {}, {}, 1
    else
      local y = g:clone():add(-1, g_old)
      local s = d:clone():mul(t)
      local ys = y:dot(s)
      if ys > 1e-10 then
        if #dirs == nCorrection then
          table.remove(dirs, 1)
          table.remove(stps, 1)
        end
        dirs[#dirs + 1], stps[#stps + 1] = s, y
        Hdiag = ys / y:dot(y)
      end
      local k = #dirs
      local ro, al = {}, {}
      for i = 1, k do ro[i] = 1 / stps[i]:dot(dirs[i]) end
      local q = g:clone():mul(-1)
      for i = k, 1, -1 do
        al[i] = dirs[i]:dot(q) * ro[i]
        q:add(-al[i], stps[i])
      end
      d = q:mul(Hdiag)
      for i = 1, k do
        local be = stps[i]:dot(d) * ro[i]
        d:add(al[i] - be, dirs[i])
      end
    end
    g_old, f_old = g:clone(), f

    -- (2) can f still decrease along d?
    local gtd = g:dot(d)
    if gtd > -tolX then break end

    -- (3) the step
    if state.nIter == 1 then
      t = math.min(1, 1 / g:clone():abs():sum()) * lr
    else
      t = lr
    end
    local lsEvals = 0
    if lineSearch then
      local gn
      f, gn, x, t, lsEvals = lineSearch(opfunc, x, t, d, f, g, gtd, config.lineSearchOptions)
      g = gn:clone()
      fhist[#fhist + 1] = f
    else
      x:add(t, d)
      if iter ~= maxIter then
        f, g = evaluate(opfunc, x)
        lsEvals = 1
        fhist[#fhist + 1] = f
      end
    end
    nevals = nevals + lsEvals
    state.funcEval = state.funcEval + lsEvals

    -- (4) stopping rules
    if iter == maxIter or nevals >= maxEval then break end
    if g:clone():abs():sum() <= tolFun then break end
    if d:clone():mul(t):abs():sum() <= tolX then break end
    if math.abs(f - f_old) < tolX then break end
  end

  state.dir_bufs, state.stp_bufs = dirs, stps
  state.d, state.t, state.g_old, state.f_old, state.Hdiag = d, t, g_old, f_old, Hdiag
  if verbose then print(string.format("lbfgs: %d iterations, %d evaluations, f = %g", iter, nevals, f)) end
  return x, fhist, nevals
end

return optim.lbfgs
