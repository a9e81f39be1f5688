-- Gradient checks for the specs: a module's analytic gradients (its
-- backward) against central differences of sum(forward(x) .* G), in
-- float64, for the input and every parameter.
local gradcheck = {}

local STEP = 1e-6

-- Largest error of d/dt sum(forward(x) .* G) against `analytic`, for the
-- tensor t (the input or a parameter) perturbed in place.
function gradcheck.tensor(module, x, t, analytic, G)
  local flat = t:view(t:nElement())
  local a = analytic:contiguous():view(analytic:nElement())
  local worst = 0
  for k = 1, flat:nElement() do
    local v = flat[k]
    flat[k] = v + STEP
    local hi = module:forward(x):clone():cmul(G):sum()
    flat[k] = v - STEP
    local lo = module:forward(x):clone():cmul(G):sum()
    flat[k] = v
    worst = math.max(worst, math.abs((hi - lo) / (2 * STEP) - a[k]))
  end
  return worst
end

--- The largest error over the input and the parameters, for a random
-- gradOutput; the module is made float64 first.
function gradcheck.module(module, x)
  module:double()
  local G = module:forward(x):clone():uniform(-1, 1)
  module:zeroGradParameters()
  module:forward(x)
  local gi = module:backward(x, G):clone()
  local worst = gradcheck.tensor(module, x, x, gi, G)
  local params, grads = module:parameters()
  for i, p in ipairs(params or {}) do
    worst = math.max(worst, gradcheck.tensor(module, x, p, grads[i]:clone(), G))
  end
  return worst
end

return gradcheck
