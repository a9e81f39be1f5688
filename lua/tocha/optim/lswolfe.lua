--- optim.lswolfe(opfunc, x, t, d, f, g, gtd [, options]) -> f, g, x, t, nEvals:
-- a line search along d from x for a step t satisfying the strong Wolfe
-- conditions, with Torch7's calling convention (it is what optim.lbfgs
-- and optim.cg call as config.lineSearch).
--   sufficient decrease:  f(x + t d) <= f + c1 t gtd
--   curvature:            |g(x + t d) . d| <= -c2 gtd
-- It brackets a step (growing t by cubic extrapolation) and then narrows
-- the bracket by safeguarded cubic interpolation (Nocedal and Wright,
-- Numerical Optimization, algorithms 3.5 and 3.6).  x is moved to x + t d
-- in place; the g returned is a copy that opfunc cannot overwrite.
--
-- gtd is g . d and must be negative (d a descent direction).  options: c1
-- (1e-4), c2 (0.9), tolX (1e-9): the bracket width below which it stops,
-- maxIter (25): the evaluations at most.
local optim = require "tocha.optim"
local check = require "tocha.optim.check"

local KEYS = check.keys("lswolfe", {
  "c1", "c2", "tolX", "maxIter",
})

-- The minimiser of the cubic through (t1, f1, g1) and (t2, f2, g2), kept
-- in [lo, hi]; the middle of [lo, hi] when the cubic has none.
local function cubic_min(t1, f1, g1, t2, f2, g2, lo, hi)
  local d1 = g1 + g2 - 3 * (f1 - f2) / (t1 - t2)
  local disc = d1 * d1 - g1 * g2
  if disc >= 0 and t1 ~= t2 then
    local d2 = math.sqrt(disc)
    local t
    if t1 <= t2 then
      t = t2 - (t2 - t1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else
      t = t1 - (t1 - t2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    end
    if t == t then return math.min(math.max(t, lo), hi) end
  end
  return (lo + hi) / 2
end

local function fail(msg) error("lswolfe: " .. msg, 3) end

--- A strong-Wolfe line search along d (see the module description for the arguments and options).
function optim.lswolfe(opfunc, x, t, d, f, g, gtd, options)
  options = options or {}
  if type(options) ~= "table" then
    error("bad argument #8 to 'lswolfe' (options table expected, got " .. type(options) .. ")", 2)
  end
  check.config(KEYS, options, 8, "options")
  local c1, c2 = options.c1 or 1e-4, options.c2 or 0.9
  local tolX, maxIter = options.tolX or 1e-9, options.maxIter or 25
  if type(t) ~= "number" or t <= 0 then fail("the initial step t must be a number > 0, got " .. tostring(t)) end
  if type(gtd) ~= "number" or gtd ~= gtd or gtd >= 0 then
    fail("d must be a descent direction (gtd = g . d < 0), got gtd = " .. tostring(gtd))
  end
  local x0 = x:clone()
  local dmax = d:clone():abs():max()
  local nevals = 0

  -- a point of the search: step, f, g (copied), g . d
  local function eval(step)
    x:copy(x0):add(step, d)
    local fn, gn = opfunc(x)
    nevals = nevals + 1
    gn = gn:clone()
    return { t = step, f = fn, g = gn, gtd = gn:dot(d) }
  end
  local function finish(p)
    x:copy(x0):add(p.t, d)
    return p.f, p.g, x, p.t, nevals
  end

  local prev = { t = 0, f = f, g = g, gtd = gtd }
  local new = eval(t)
  local lo, hi
  -- (1) bracket a step
  while true do
    if new.f > f + c1 * new.t * gtd or (nevals > 1 and new.f >= prev.f) then
      lo, hi = prev, new
      break
    end
    if math.abs(new.gtd) <= -c2 * gtd then return finish(new) end
    if new.gtd >= 0 then
      lo, hi = new, prev
      break
    end
    if nevals >= maxIter then return finish(new) end
    local step = cubic_min(prev.t, prev.f, prev.gtd, new.t, new.f, new.gtd,
      new.t + 0.01 * (new.t - prev.t), new.t * 10)
    prev, new = new, eval(step)
  end
  -- (2) zoom: lo always satisfies sufficient decrease and is the best so far
  while nevals < maxIter and math.abs(hi.t - lo.t) * dmax >= tolX do
    local a, b = math.min(lo.t, hi.t), math.max(lo.t, hi.t)
    local step = cubic_min(lo.t, lo.f, lo.gtd, hi.t, hi.f, hi.gtd, a, b)
    -- stay off the ends of the bracket so that it keeps shrinking
    local margin = 0.1 * (b - a)
    if step - a < margin or b - step < margin then step = (a + b) / 2 end
    local p = eval(step)
    if p.f > f + c1 * p.t * gtd or p.f >= lo.f then
      hi = p
    else
      if math.abs(p.gtd) <= -c2 * gtd then return finish(p) end
      if p.gtd * (hi.t - lo.t) >= 0 then hi = lo end
      lo = p
    end
  end
  if lo.t == 0 then
    -- no step decreased f: stay at x, with its own f and g
    x:copy(x0)
    return f, g, x, 0, nevals
  end
  return finish(lo)
end

return optim.lswolfe
