--- optim.de(opfunc, x [, config [, state]]) -> x, {best f after each
-- evaluation}: differential evolution, DE/rand/1/bin (Storn and Price,
-- 1997).  It needs f only (opfunc may return f alone, or f and a gradient,
-- which is not used).  The population starts as x and popsize - 1 points
-- around it (x + N(0, 1) per coordinate); x ends at the best point.
--
-- config: popsize (10 N, at least 4); scaleFactor (0.5, in (0, 2]): F,
-- the weight of the difference vector; crossoverRate (0.9, in [0, 1]):
-- CR; maxFEs (1000 N): the evaluations at most.  Random draws come from
-- tocha's generator.
local tocha = require "tocha"
local optim = require "tocha.optim"
local check = require "tocha.optim.check"
local utils = require "tocha.utils"

-- The config keys it takes (check.config).
local KEYS = check.keys("de", {
  "popsize", "scaleFactor", "crossoverRate", "maxFEs",
})

--- differential evolution: x, fs = optim.de(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.de(opfunc, x, config, state)
  config = check.arguments("de", opfunc, x, config, state)
  check.config(KEYS, config)
  local N = x:nElement()
  local NP = utils.checkinteger(config.popsize or math.max(4, 10 * N), "de", "config.popsize", 4)
  local F = check.number("de", config, "scaleFactor", 0.5, 0, 2, true)
  local CR = check.number("de", config, "crossoverRate", 0.9, 0, 1)
  local maxFEs = utils.checkinteger(config.maxFEs or 1000 * N, "de", "config.maxFEs", 1)

  local candidate = x:clone()
  local cflat = candidate:view(N)
  local function evaluate(v)
    for i = 1, N do cflat[i] = v[i] end
    local f = opfunc(candidate)
    if type(f) ~= "number" then error("de: opfunc must return f(x) (a number), got " .. type(f), 3) end
    return f
  end

  local fhist, fes = {}, 0
  local best, best_f = nil, math.huge
  local function record(v, f)
    fes = fes + 1
    if f < best_f then best, best_f = v, f end
    fhist[fes] = best_f
  end

  -- (1) the first population
  local start = x:contiguous():view(N)
  local pop, fit = {}, {}
  for p = 1, NP do
    if fes >= maxFEs then break end
    local v = {}
    for i = 1, N do v[i] = start[i] + (p == 1 and 0 or tocha.normal(0, 1)) end
    pop[p], fit[p] = v, evaluate(v)
    record(v, fit[p])
  end
  -- (2) generations: each member against its mutant crossed with it
  while fes < maxFEs do
    for p = 1, NP do
      if fes >= maxFEs then break end
      local r1, r2, r3
      repeat r1 = tocha.random(1, NP) until r1 ~= p
      repeat r2 = tocha.random(1, NP) until r2 ~= p and r2 ~= r1
      repeat r3 = tocha.random(1, NP) until r3 ~= p and r3 ~= r1 and r3 ~= r2
      local a, b, c, target = pop[r1], pop[r2], pop[r3], pop[p]
      local jrand = tocha.random(1, N)
      local u = {}
      for j = 1, N do
        if j == jrand or tocha.uniform(0, 1) < CR then
          u[j] = a[j] + F * (b[j] - c[j])
        else
          u[j] = target[j]
        end
      end
      local fu = evaluate(u)
      record(u, fu)
      if fu <= fit[p] then pop[p], fit[p] = u, fu end
    end
  end

  for i = 1, N do cflat[i] = best[i] end
  x:copy(candidate)
  return x, fhist
end

return optim.de
