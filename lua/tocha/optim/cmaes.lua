--- optim.cmaes(opfunc, x [, config [, state]]) -> x, {best f per generation},
-- nEvals: the covariance matrix adaptation evolution strategy, (mu/mu_w,
-- lambda)-CMA-ES with rank-one and rank-mu updates and cumulative step
-- size adaptation (Hansen, "The CMA Evolution Strategy: A Tutorial").  It
-- needs f only: opfunc(x) may return f alone or f and a gradient, which is
-- not used.  x ends at the best point evaluated.
--
-- config: sigma (0.5): the initial step size; maxEval (1e3 * N^2): the
-- evaluations at most; ftarget (-inf): stop when f reaches it; popsize
-- (4 + floor(3 ln N)); verb_disp (0): print a line every verb_disp
-- generations.  Random draws come from tocha's generator (tocha.manualSeed
-- repeats a run).
local tocha = require "tocha"
local optim = require "tocha.optim"
local check = require "tocha.optim.check"
local utils = require "tocha.utils"

local sqrt, exp, log, max, abs = math.sqrt, math.exp, math.log, math.max, math.abs

-- Eigen-decomposition of the symmetric n x n matrix A (Lua rows) by cyclic
-- Jacobi rotations: returns the eigenvalues and the eigenvectors as the
-- columns of B.  A is left as it was.
local function symeig(A, n)
  local a, B = {}, {}
  for i = 1, n do
    a[i], B[i] = {}, {}
    for j = 1, n do a[i][j], B[i][j] = A[i][j], i == j and 1 or 0 end
  end
  for _ = 1, 100 do
    local off = 0
    for i = 1, n - 1 do for j = i + 1, n do off = off + a[i][j] * a[i][j] end end
    if off < 1e-30 then break end
    for p = 1, n - 1 do
      for q = p + 1, n do
        if abs(a[p][q]) > 1e-300 then
          local theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
          local t = (theta >= 0 and 1 or -1) / (abs(theta) + sqrt(theta * theta + 1))
          local c = 1 / sqrt(t * t + 1)
          local s = t * c
          for k = 1, n do
            local akp, akq = a[k][p], a[k][q]
            a[k][p], a[k][q] = c * akp - s * akq, s * akp + c * akq
          end
          for k = 1, n do
            local apk, aqk = a[p][k], a[q][k]
            a[p][k], a[q][k] = c * apk - s * aqk, s * apk + c * aqk
          end
          for k = 1, n do
            local bkp, bkq = B[k][p], B[k][q]
            B[k][p], B[k][q] = c * bkp - s * bkq, s * bkp + c * bkq
          end
        end
      end
    end
  end
  local values = {}
  for i = 1, n do values[i] = a[i][i] end
  return values, B
end

-- The config keys it takes (check.config).
local KEYS = check.keys("cmaes", {
  "sigma", "maxEval", "ftarget", "popsize", "verb_disp",
})

--- CMA-ES: x, fs = optim.cmaes(opfunc, x [, config [, state]]).
-- opfunc(x) returns f(x) and df/dx; x is updated in place. The config keys,
-- their defaults and the state are in the module description above.
function optim.cmaes(opfunc, x, config, state)
  config = check.arguments("cmaes", opfunc, x, config, state)
  check.config(KEYS, config)
  local N = x:nElement()
  local sigma = check.number("cmaes", config, "sigma", 0.5, 0, nil, true)
  local maxEval = check.number("cmaes", config, "maxEval", 1e3 * N * N, 1)
  local ftarget = check.number("cmaes", config, "ftarget", -math.huge)
  local lambda = utils.checkinteger(config.popsize or (4 + math.floor(3 * log(N))), "cmaes", "config.popsize", 2)
  local verb = utils.checkinteger(config.verb_disp or 0, "cmaes", "config.verb_disp", 0)

  -- strategy parameters
  local mu = lambda // 2
  local w, wsum = {}, 0
  for i = 1, mu do w[i] = log(mu + 0.5) - log(i); wsum = wsum + w[i] end
  local w2 = 0
  for i = 1, mu do w[i] = w[i] / wsum; w2 = w2 + w[i] * w[i] end
  local mueff = 1 / w2
  local cc = (4 + mueff / N) / (N + 4 + 2 * mueff / N)
  local cs = (mueff + 2) / (N + mueff + 5)
  local c1 = 2 / ((N + 1.3) ^ 2 + mueff)
  local cmu = math.min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((N + 2) ^ 2 + mueff))
  local damps = 1 + 2 * max(0, sqrt((mueff - 1) / (N + 1)) - 1) + cs
  local chiN = sqrt(N) * (1 - 1 / (4 * N) + 1 / (21 * N * N))

  -- state of the search, in plain Lua arrays (N is small for CMA-ES)
  local flat = x:contiguous():view(N)
  local xmean, pc, ps, D, B, C, invsqrtC = {}, {}, {}, {}, {}, {}, {}
  for i = 1, N do
    xmean[i], pc[i], ps[i], D[i] = flat[i], 0, 0, 1
    B[i], C[i], invsqrtC[i] = {}, {}, {}
    for j = 1, N do
      local e = i == j and 1 or 0
      B[i][j], C[i][j], invsqrtC[i][j] = e, e, e
    end
  end
  local candidate = x:clone()
  local cflat = candidate:view(N)
  local z = tocha.DoubleTensor(N)
  local best_f, best_x = math.huge, {}
  local fhist, counteval, eigeneval, generation = {}, 0, 0, 0

  while counteval < maxEval do
    generation = generation + 1
    -- (1) lambda offspring: xmean + sigma * B * (D .* z), z ~ N(0, I)
    local arx, fit, order = {}, {}, {}
    for k = 1, lambda do
      z:normal()
      local y = {}
      for i = 1, N do y[i] = D[i] * z[i] end
      local xk = {}
      for i = 1, N do
        local s = 0
        for j = 1, N do s = s + B[i][j] * y[j] end
        xk[i] = xmean[i] + sigma * s
        cflat[i] = xk[i]
      end
      local fk = opfunc(candidate)
      if type(fk) ~= "number" then error("cmaes: opfunc must return f(x) (a number), got " .. type(fk), 2) end
      counteval = counteval + 1
      arx[k], fit[k], order[k] = xk, fk, k
      if fk < best_f then
        best_f = fk
        for i = 1, N do best_x[i] = xk[i] end
      end
    end
    table.sort(order, function(a, b) return fit[a] < fit[b] end)
    fhist[#fhist + 1] = fit[order[1]]

    -- (2) the new mean, a weighted recombination of the mu best
    local xold = xmean
    xmean = {}
    for i = 1, N do
      local s = 0
      for r = 1, mu do s = s + w[r] * arx[order[r]][i] end
      xmean[i] = s
    end
    -- (3) the evolution paths
    local step = {}
    for i = 1, N do step[i] = (xmean[i] - xold[i]) / sigma end
    local kps = sqrt(cs * (2 - cs) * mueff)
    local norm_ps = 0
    for i = 1, N do
      local s = 0
      for j = 1, N do s = s + invsqrtC[i][j] * step[j] end
      ps[i] = (1 - cs) * ps[i] + kps * s
      norm_ps = norm_ps + ps[i] * ps[i]
    end
    norm_ps = sqrt(norm_ps)
    local hsig = norm_ps / sqrt(1 - (1 - cs) ^ (2 * counteval / lambda)) / chiN < 1.4 + 2 / (N + 1) and 1 or 0
    local kpc = sqrt(cc * (2 - cc) * mueff)
    for i = 1, N do pc[i] = (1 - cc) * pc[i] + hsig * kpc * step[i] end
    -- (4) the covariance: rank-one and rank-mu updates
    local artmp = {}
    for r = 1, mu do
      local a = {}
      for i = 1, N do a[i] = (arx[order[r]][i] - xold[i]) / sigma end
      artmp[r] = a
    end
    for i = 1, N do
      for j = 1, N do
        local rmu = 0
        for r = 1, mu do rmu = rmu + w[r] * artmp[r][i] * artmp[r][j] end
        C[i][j] = (1 - c1 - cmu) * C[i][j]
          + c1 * (pc[i] * pc[j] + (1 - hsig) * cc * (2 - cc) * C[i][j]) + cmu * rmu
      end
    end
    -- (5) the step size
    sigma = sigma * exp((cs / damps) * (norm_ps / chiN - 1))
    -- (6) B and D from C, every so often (O(N^2) per evaluation)
    if counteval - eigeneval > lambda / (c1 + cmu) / N / 10 then
      eigeneval = counteval
      for i = 1, N do for j = i + 1, N do C[j][i] = C[i][j] end end
      local values
      values, B = symeig(C, N)
      for i = 1, N do D[i] = sqrt(max(values[i], 1e-300)) end
      for i = 1, N do
        for j = 1, N do
          local s = 0
          for k = 1, N do s = s + B[i][k] * B[j][k] / D[k] end
          invsqrtC[i][j] = s
        end
      end
    end
    if verb > 0 and generation % verb == 0 then
      print(string.format("cmaes: %d evaluations, best f %g, sigma %g", counteval, best_f, sigma))
    end
    -- (7) stop at the target, or when the search has degenerated
    local dmax, dmin = -math.huge, math.huge
    for i = 1, N do dmax, dmin = max(dmax, D[i]), math.min(dmin, D[i]) end
    if best_f <= ftarget or dmax > 1e7 * dmin or sigma * dmax < 1e-12 then break end
  end

  for i = 1, N do cflat[i] = best_x[i] end
  x:copy(candidate)
  return x, fhist, counteval
end

return optim.cmaes
