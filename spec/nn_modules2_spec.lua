-- The modules of the second nn batch (CAdd, Max/Min, RReLU, Normalize, the
-- distance layers, Bilinear, the table modules, ...): outputs against
-- plain reference loops written here, float64 gradients of the input and
-- of the parameters against central differences (<= 1e-6), and malformed
-- calls.
local tocha = require "tocha"
local nn = require "tocha.nn"

local TOL = 1e-6

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

local function D(...) return tocha.DoubleTensor(...) end

local function is_table(t) return type(t) == "table" and not tocha.isTensor(t) end

-- The tensors of a nested table, depth first.
local function leaves(t, out)
  out = out or {}
  if tocha.isTensor(t) then
    out[#out + 1] = t
  elseif is_table(t) then
    for _, v in ipairs(t) do leaves(v, out) end
  end
  return out
end

local function clone_nested(t)
  if tocha.isTensor(t) then return t:clone() end
  local c = {}
  for i, v in ipairs(t) do c[i] = clone_nested(v) end
  return c
end

-- L = sum over output tensors of output .* G (G fixed at random).
local function loss(module, input, G)
  local total = 0
  for i, o in ipairs(leaves(module:forward(input))) do total = total + o:clone():cmul(G[i]):sum() end
  return total
end

-- The largest difference between backward's gradients (of every input
-- tensor, and of each parameter in `params` with its gradient in `grads`)
-- and central differences of L.
local function gradient_error(module, input, params, grads)
  params, grads = params or {}, grads or {}
  local G = {}
  for i, o in ipairs(leaves(module:forward(input))) do G[i] = o:clone():uniform(-1, 1) end
  local gradOutput = clone_nested(module.output)
  for i, g in ipairs(leaves(gradOutput)) do g:copy(G[i]) end
  module:zeroGradParameters()
  local gi = clone_nested(module:backward(input, gradOutput))
  local analytic = leaves(gi)
  local vars = leaves(input)
  for i, p in ipairs(params) do
    vars[#vars + 1] = p
    analytic[#analytic + 1] = grads[i]:clone()
  end
  local worst = 0
  for v, x in ipairs(vars) do
    local flat = x:view(x:nElement())
    local g = analytic[v]:contiguous():view(x:nElement())
    for k = 1, x:nElement() do
      local orig = flat[k]
      flat[k] = orig + 1e-6
      local hi = loss(module, input, G)
      flat[k] = orig - 1e-6
      local lo = loss(module, input, G)
      flat[k] = orig
      worst = math.max(worst, math.abs((hi - lo) / 2e-6 - g[k]))
    end
  end
  return worst
end

local function near(a, b, tol)
  assert.is_true(math.abs(a - b) <= (tol or 1e-10) * math.max(1, math.abs(a)), string.format("%.17g vs %.17g", a, b))
end

local function tensor_near(expected, got, tol)
  assert.are.same(expected:size():totable(), got:size():totable())
  assert.is_true(expected:clone():add(-1, got:typeAs(expected)):abs():max() <= (tol or 1e-10))
end

describe("nn.Module:replace and accUpdateGradParameters", function()
  it("replaces modules depth first and returns the replacement of the root", function()
    local s = nn.Sequential():add(nn.Linear(2, 2)):add(nn.Sigmoid())
    s:replace(function(m) return tocha.type(m) == "nn.Sigmoid" and nn.Tanh() or m end)
    assert.are.equal("nn.Tanh", tocha.type(s:get(2)))
    assert.are.equal("nn.Sigmoid", tocha.type(nn.Tanh():replace(function() return nn.Sigmoid() end)))
  end)

  it("accUpdateGradParameters is weight -= lr * gradient", function()
    tocha.manualSeed(1)
    local m = nn.Linear(3, 2):double()
    local x, g = D(4, 3):uniform(), D(4, 2):uniform()
    local ref = m:clone()
    ref:zeroGradParameters()
    ref:backward(x, g)
    m:forward(x)
    m:accUpdateGradParameters(x, g, 0.5)
    tensor_near(ref.weight:clone():add(-0.5, ref.gradWeight), m.weight, 1e-12)
    tensor_near(ref.bias:clone():add(-0.5, ref.gradBias), m.bias, 1e-12)
    for way, err in pairs(nn.Jacobian.testAllUpdate(nn.CMul(3):double(), D(4, 3):uniform(), "weight", "gradWeight")) do
      assert.is_true(err < 1e-12, way)
    end
  end)
end)

describe("nn.CAdd and nn.CMul", function()
  it("repeat size-1 dimensions and batch rows, with parameter gradients", function()
    tocha.manualSeed(2)
    for _, size in ipairs({ { 3, 1, 1 }, { 1, 4, 1 }, { 3, 4, 2 } }) do
      local x = D(3, 4, 2):uniform(-1, 1)
      local add = nn.CAdd(table.unpack(size)):double()
      local y = add:forward(x)
      for i = 1, 3 do
        for j = 1, 4 do
          for k = 1, 2 do
            local b = add.bias[math.min(i, size[1])][math.min(j, size[2])][math.min(k, size[3])]
            near(x[i][j][k] + b, y[i][j][k])
          end
        end
      end
      assert.is_true(gradient_error(add, x, { add.bias }, { add.gradBias }) <= TOL)
      local mul = nn.CMul(table.unpack(size)):double()
      assert.is_true(gradient_error(mul, x, { mul.weight }, { mul.gradWeight }) <= TOL)
    end
    local batch = nn.CAdd(4, 2):double()
    assert.is_true(gradient_error(batch, D(3, 4, 2):uniform(), { batch.bias }, { batch.gradBias }) <= TOL)
    assert_error("nn.CAdd: an input of size 5 is neither a sample nor a batch of samples of size 4x2",
      function() batch:forward(D(5)) end)
  end)
end)

describe("nn.Max and nn.Min", function()
  it("reduce along a dimension (negative, or shifted by nInputDims) and route the gradient", function()
    local x = D({ { 1, 5, 3 }, { 4, 2, 6 } })
    assert.are.same({ 5, 6 }, nn.Max(2):forward(x):totable())
    assert.are.same({ 1, 2 }, nn.Min(-1):forward(x):totable())
    assert.are.same({ 5, 6 }, nn.Max(1, 1):forward(x):totable())
    local m = nn.Max(1)
    m:forward(x)
    assert.are.same({ { 0, 2, 0 }, { 1, 0, 3 } }, m:backward(x, D({ 1, 2, 3 })):totable())
    tocha.manualSeed(3)
    assert.is_true(gradient_error(nn.Max(2), D(3, 4):uniform()) <= TOL)
    assert.is_true(gradient_error(nn.Min(1), D(5):uniform()) <= TOL)
    assert_error("nn.Max: dimension 3 out of range for a 2D input", function() nn.Max(3):forward(x) end)
  end)
end)

describe("nn.RReLU", function()
  it("uses (lower + upper) / 2 in evaluation and random slopes in [lower, upper] in training", function()
    tocha.manualSeed(4)
    local m = nn.RReLU(0.1, 0.3):double()
    m:evaluate()
    local x = D({ -2, -0.5, 0.5, 3 })
    assert.are.same({ -0.4, -0.1, 0.5, 3 }, m:forward(x):totable())
    assert.is_true(gradient_error(m, D(6):uniform(-1, 1)) <= TOL)
    m:training()
    local y = m:forward(D(1000):fill(-1))
    assert.is_true(y:max() <= -0.1 and y:min() >= -0.3)
    local g = m:backward(D(1000):fill(-1), D(1000):fill(1))
    assert.are.same(y:totable(), g:clone():mul(-1):totable())
    assert_error("nn.RReLU: need 0 <= lower <= upper", function() nn.RReLU(0.5, 0.2) end)
  end)
end)

describe("nn.Normalize", function()
  it("divides by the p-norm (p = 1, 2, 3, inf) with its Jacobian", function()
    tocha.manualSeed(5)
    local x = D(3, 4):uniform(-1, 1)
    for _, p in ipairs({ 1, 2, 3, math.huge }) do
      local m = nn.Normalize(p):double()
      local y = m:forward(x)
      for r = 1, 3 do
        local s = 0
        for k = 1, 4 do s = p == math.huge and math.max(s, math.abs(x[r][k])) or s + math.abs(x[r][k]) ^ p end
        local norm = p == math.huge and s + 1e-10 or (s + 1e-10) ^ (1 / p)
        for k = 1, 4 do near(x[r][k] / norm, y[r][k]) end
      end
      assert.is_true(gradient_error(m, x) <= TOL, "p = " .. p)
    end
    assert.is_true(gradient_error(nn.Normalize(2):double(), D(5):uniform()) <= TOL)
    assert_error("nn.Normalize: p must be a positive number", function() nn.Normalize(0) end)
  end)
end)

describe("the distance layers", function()
  it("Euclidean and WeightedEuclidean: ||c_j (w_j - x)|| per template", function()
    tocha.manualSeed(6)
    local m = nn.Euclidean(3, 2):double()
    local x = D(3):uniform()
    local y = m:forward(x)
    for j = 1, 2 do near(x:dist(m.weight:select(2, j)), y[j]) end
    local xb = D(4, 3):uniform()
    assert.is_true(gradient_error(m, xb, { m.weight }, { m.gradWeight }) <= TOL)
    local w = nn.WeightedEuclidean(3, 2):double()
    w.diagCov:uniform(0.5, 2)
    local yw = w:forward(xb)
    for r = 1, 4 do
      for j = 1, 2 do
        local s = 0
        for i = 1, 3 do s = s + (w.diagCov[i][j] * (w.weight[i][j] - xb[r][i])) ^ 2 end
        near(math.sqrt(s), yw[r][j])
      end
    end
    assert.is_true(gradient_error(w, xb, { w.weight, w.diagCov }, { w.gradWeight, w.gradDiagCov }) <= TOL)
    assert_error("nn.Euclidean: input must be a vector of 3 elements or a batch (batch, 3)",
      function() m:forward(D(4)) end)
  end)

  it("PairwiseDistance, CosineDistance and Cosine", function()
    tocha.manualSeed(7)
    local a, b = D(3, 4):uniform(-3, 3), D(3, 4):uniform(-3, 3)
    for _, p in ipairs({ 1, 2, 3 }) do
      local m = nn.PairwiseDistance(p):double()
      local y = m:forward({ a, b })
      for r = 1, 3 do
        local s = 0
        for k = 1, 4 do s = s + math.abs(a[r][k] - b[r][k]) ^ p end
        near(s ^ (1 / p), y[r])
      end
      assert.is_true(gradient_error(m, { a:clone(), b:clone() }) <= TOL)
    end
    local cd = nn.CosineDistance():double()
    local c = cd:forward({ a, b })
    for r = 1, 3 do near(a[r]:dot(b[r]) / (a[r]:norm() * b[r]:norm()), c[r], 1e-9) end
    assert.is_true(gradient_error(cd, { a:clone(), b:clone() }) <= TOL)
    assert.is_true(gradient_error(cd, { a[1]:clone(), b[1]:clone() }) <= TOL)
    local cos = nn.Cosine(4, 2):double()
    local yc = cos:forward(a)
    for r = 1, 3 do
      for j = 1, 2 do near(a[r]:dot(cos.weight[j]) / (a[r]:norm() * cos.weight[j]:norm()), yc[r][j], 1e-9) end
    end
    assert.is_true(gradient_error(cos, a:clone(), { cos.weight }, { cos.gradWeight }) <= TOL)
    assert.is_true(gradient_error(cos, a[2]:clone(), { cos.weight }, { cos.gradWeight }) <= TOL)
    assert_error("nn.PairwiseDistance: input must be two vectors or two matrices of one size",
      function() nn.PairwiseDistance(2):forward({ a, D(4) }) end)
  end)
end)

describe("nn.Bilinear", function()
  it("is x1^T W_k x2 + b_k with input and parameter gradients", function()
    tocha.manualSeed(8)
    local m = nn.Bilinear(3, 2, 4):double()
    local x1, x2 = D(5, 3):uniform(-1, 1), D(5, 2):uniform(-1, 1)
    local y = m:forward({ x1, x2 })
    for n = 1, 5 do
      for k = 1, 4 do
        local s = m.bias[k]
        for i = 1, 3 do
          for j = 1, 2 do s = s + x1[n][i] * m.weight[k][i][j] * x2[n][j] end
        end
        near(s, y[n][k])
      end
    end
    assert.is_true(gradient_error(m, { x1, x2 }, { m.weight, m.bias }, { m.gradWeight, m.gradBias }) <= TOL)
    assert.is_nil(nn.Bilinear(3, 2, 4, false).bias)
    assert_error("nn.Bilinear: input must be {(batch, 3), (batch, 2)}", function() m:forward({ x2, x1 }) end)
  end)
end)

describe("simple layers", function()
  it("Padding inserts value before or after an index, with nInputDim", function()
    local x = D({ { 1, 2, 3 }, { 4, 5, 6 } })
    assert.are.same({ { 1, 2, 3, 9 }, { 4, 5, 6, 9 } }, nn.Padding(2, 1, nil, 9):forward(x):totable())
    assert.are.same({ { 9, 9, 1, 2, 3 }, { 9, 9, 4, 5, 6 } }, nn.Padding(1, -2, 1, 9):forward(x):totable())
    assert.are.same({ { 1, 0, 2, 3 }, { 4, 0, 5, 6 } }, nn.Padding(2, -1, nil, 0, 2):forward(x):totable())
    assert.is_true(gradient_error(nn.Padding(2, 2, nil, 0, 2):double(), D(2, 3):uniform()) <= TOL)
    assert_error("nn.Padding: index 5 out of range", function() nn.Padding(2, -1, nil, 0, 5):forward(x) end)
  end)

  it("GatedLinearUnit, ReLU6, OneHot, Constant, ZeroGrad, WhiteNoise, Collapse", function()
    tocha.manualSeed(9)
    local x = D(3, 4):uniform(-2, 2)
    local g = nn.GatedLinearUnit():forward(x)
    for r = 1, 3 do
      for k = 1, 2 do near(x[r][k] / (1 + math.exp(-x[r][k + 2])), g[r][k]) end
    end
    assert.is_true(gradient_error(nn.GatedLinearUnit(1), D(4, 3):uniform()) <= TOL)
    assert_error("nn.GatedLinearUnit: dimension 2 of input (3x3) must exist and have an even size",
      function() nn.GatedLinearUnit():forward(D(3, 3)) end)
    assert.are.same({ 0, 0, 3, 6 }, nn.ReLU6():forward(D({ -1, 0, 3, 7 })):totable())
    assert.are.same({ { 0, 1, 0 }, { 0, 0, 1 } }, nn.OneHot(3):forward(tocha.LongTensor({ 2, 3 })):totable())
    assert_error("nn.OneHot: index out of range 1..3", function() nn.OneHot(3):forward(tocha.LongTensor({ 4 })) end)
    local c = nn.Constant(D({ 1, 2 }), 1):forward(D(3, 5))
    assert.are.same({ { 1, 2 }, { 1, 2 }, { 1, 2 } }, c:totable())
    assert.are.same({ 0, 0 }, nn.ZeroGrad():backward(D(2), D({ 1, 1 })):totable())
    local noise = nn.WhiteNoise(0, 0):double()
    assert.are.same({ 1, 2 }, noise:forward(D({ 1, 2 })):totable())
    assert.are.same({ 8, 12 }, nn.Collapse(2):forward(D(8, 3, 4)):size():totable())
  end)
end)

describe("table modules", function()
  it("ParallelTable and MapTable apply modules per entry; MapTable shares parameters", function()
    tocha.manualSeed(10)
    local lin = nn.Linear(3, 2):double()
    local map = nn.MapTable(lin)
    local xs = { D(3):uniform(), D(3):uniform(), D(3):uniform() }
    local out = map:forward(xs)
    assert.are.equal(3, #out)
    for i = 1, 3 do tensor_near(lin:clone():forward(xs[i]), out[i]) end
    assert.is_true(gradient_error(map, xs, { lin.weight }, { lin.gradWeight }) <= TOL)
    local par = nn.ParallelTable():add(nn.Tanh()):add(nn.Square()):double()
    assert.is_true(gradient_error(par, { D(2):uniform(), D(3):uniform() }) <= TOL)
    assert_error("In 1 module of nn.ParallelTable", function()
      nn.ParallelTable():add(nn.Linear(3, 1)):forward({ D(2) })
    end)
  end)

  it("FlattenTable, ZipTable, ZipTableOneToMany and CAddTensorTable keep the tensors", function()
    local a, b, c = D({ 1 }), D({ 2, 3 }), D({ 4 })
    local flat = nn.FlattenTable():forward({ a, { b, { c } } })
    assert.are.equal(3, #flat)
    assert.are.equal(c, flat[3])
    local z = nn.ZipTable():forward({ { a, b }, { c, a } })
    assert.are.equal(c, z[1][2])
    assert.are.equal(b, z[2][1])
    local one = nn.ZipTableOneToMany()
    local o = one:forward({ a, { b, c } })
    assert.are.equal(a, o[2][1])
    local gi = one:backward({ a, { b, c } }, { { D({ 1 }), b }, { D({ 2 }), c } })
    assert.are.same({ 3 }, gi[1]:totable())
    local ct = nn.CAddTensorTable()
    local v = D({ 1, 1 })
    assert.are.same({ 3, 4 }, ct:forward({ v, { D({ 2, 3 }) } })[1]:totable())
    assert.is_true(gradient_error(ct, { D(2):uniform(), { D(2):uniform(), D(2):uniform() } }) <= TOL)
    assert_error("nn.FlattenTable: input must be a table", function() nn.FlattenTable():forward(a) end)
  end)

  it("MixtureTable mixes experts from a table or a tensor, vectors or batches", function()
    tocha.manualSeed(11)
    local gater, experts = D(2, 3):uniform(), { D(2, 4):uniform(), D(2, 4):uniform(), D(2, 4):uniform() }
    local m = nn.MixtureTable()
    local y = m:forward({ gater, experts })
    for r = 1, 2 do
      for k = 1, 4 do
        local s = 0
        for e = 1, 3 do s = s + gater[r][e] * experts[e][r][k] end
        near(s, y[r][k])
      end
    end
    assert.is_true(gradient_error(nn.MixtureTable(), { gater, experts }) <= TOL)
    local stacked = D(2, 3, 4):uniform()
    assert.is_true(gradient_error(nn.MixtureTable(2), { gater, stacked }) <= TOL)
    assert.is_true(gradient_error(nn.MixtureTable(), { D(3):uniform(), { D(4):uniform(), D(4):uniform(),
      D(4):uniform() } }) <= TOL)
    assert_error("nn.MixtureTable: one gater output per expert: 3 and 2",
      function() nn.MixtureTable():forward({ gater, { experts[1], experts[2] } }) end)
  end)

  it("MaskedSelect and Index route gradients back", function()
    local x, mask = D({ { 10, 20 }, { 30, 40 } }), tocha.ByteTensor({ { 1, 0 }, { 0, 1 } })
    local ms = nn.MaskedSelect()
    assert.are.same({ 10, 40 }, ms:forward({ x, mask }):totable())
    assert.are.same({ { 20, 0 }, { 0, 80 } }, ms:backward({ x, mask }, D({ 20, 80 }))[1]:totable())
    local idx = nn.Index(1)
    local input = { D({ 10, 20, 30 }), tocha.LongTensor({ 1, 2, 2, 3 }) }
    assert.are.same({ 10, 20, 20, 30 }, idx:forward(input):totable())
    assert.are.same({ 1, 2, 3 }, idx:backward(input, D({ 1, 1, 1, 3 }))[1]:totable())
    assert_error("nn.Index: dimension must be a positive integer", function() nn.Index(0) end)
  end)

  it("Bottle folds leading dimensions into the batch", function()
    tocha.manualSeed(12)
    local lin = nn.Linear(4, 3):double()
    local b = nn.Bottle(lin)
    local x = D(2, 5, 4):uniform()
    local y = b:forward(x)
    assert.are.same({ 2, 5, 3 }, y:size():totable())
    tensor_near(lin:clone():forward(x[2]), y[2])
    assert.is_true(gradient_error(b, x, { lin.weight, lin.bias }, { lin.gradWeight, lin.gradBias }) <= TOL)
  end)
end)

describe("nn.Copy and nn.DontCast", function()
  it("Copy converts between types; DontCast keeps its module's type", function()
    local c = nn.Copy("torch.DoubleTensor", "torch.FloatTensor")
    local y = c:forward(D({ 1, 2 }))
    assert.are.equal("tocha.FloatTensor", tocha.type(y))
    assert.are.equal("tocha.DoubleTensor", tocha.type(c:backward(D({ 1, 2 }), y)))
    local lin = nn.Linear(2, 1):float()
    local dc = nn.DontCast(lin, true)
    local out = dc:forward(D({ 1, 2 }))
    assert.are.equal("tocha.FloatTensor", tocha.type(lin.weight))
    assert.are.equal(tocha.type(tocha.Tensor()), tocha.type(out))
    dc:double()
    assert.are.equal("tocha.FloatTensor", tocha.type(lin.weight))
    assert_error("nn.Copy: unknown tensor type torch.BogusTensor", function() nn.Copy("torch.BogusTensor") end)
  end)
end)

describe("nn.hessian", function()
  it("gives Linear's diagonal Hessian as the sums of squared first derivatives", function()
    tocha.manualSeed(13)
    nn.hessian.enable()
    local m = nn.Linear(3, 2):double()
    local x = D(3)
    assert.is_true(nn.Jacobian.testDiagHessianInput(m, x) < 1e-10)
    assert.is_true(nn.Jacobian.testDiagHessianWeight(m, x) < 1e-10)
    assert.is_true(nn.Jacobian.testDiagHessianBias(m, x) < 1e-10)
  end)
end)

describe("nn.PixelShuffle", function()
  it("moves channel blocks into r x r pixel blocks (Shi et al.'s Eq. 4), and back", function()
    tocha.manualSeed(14)
    local r = 2
    local x = D(2, 2 * r * r, 3, 3):uniform()
    local m = nn.PixelShuffle(r):double()
    local y = m:forward(x)
    assert.are.same({ 2, 2, 6, 6 }, y:size():totable())
    for b = 1, 2 do
      for c = 1, 2 do
        for h = 1, 6 do
          for w = 1, 6 do
            local ch = (c - 1) * r * r + r * ((h - 1) % r) + (w - 1) % r + 1
            assert.are.equal(x[b][ch][(h - 1) // r + 1][(w - 1) // r + 1], y[b][c][h][w])
          end
        end
      end
    end
    assert.is_true(gradient_error(m, D(8, 2, 2):uniform()) <= TOL)
    assert_error("nn.PixelShuffle: 3 channels are not a multiple of 4", function() m:forward(D(3, 2, 2)) end)
  end)
end)

describe("nn.LinearWeightNorm", function()
  it("is Linear with weight rows g v / ||v||, gradients for v, g and bias", function()
    tocha.manualSeed(15)
    local m = nn.LinearWeightNorm(3, 2):double()
    m.g:uniform(0.5, 2)
    local x = D(4, 3):uniform(-1, 1)
    local y = m:forward(x)
    for n = 1, 4 do
      for i = 1, 2 do
        local s = m.bias[i]
        for j = 1, 3 do s = s + m.g[i][1] * m.v[i][j] / m.v[i]:norm() * x[n][j] end
        near(s, y[n][i])
      end
    end
    assert.is_true(gradient_error(m, x, { m.v, m.g, m.bias }, { m.gradV, m.gradG, m.gradBias }) <= TOL)
    local lin = nn.Linear(3, 2):double()
    local wn = nn.LinearWeightNorm.fromLinear(lin)
    tensor_near(lin:forward(x), wn:forward(x), 1e-12)
    tensor_near(lin:forward(x), wn:toLinear():forward(x), 1e-12)
  end)
end)

describe("nn.Kmeans", function()
  it("assigns samples to the nearest centre and moves centres to their means", function()
    tocha.manualSeed(16)
    local km = nn.Kmeans(2, 2):double()
    km.weight:copy(D({ { 0, 0 }, { 10, 10 } }))
    local x = D({ { 1, 1 }, { 9, 9 }, { -1, 1 }, { 11, 12 } })
    assert.are.same({ 1, 2, 1, 2 }, km:forward(x):totable())
    near(2 + 2 + 2 + 5, km.loss)
    km:zeroGradParameters()
    km:backward(x, D(4))
    km.weight:add(-1, km.gradWeight)
    tensor_near(D({ { 0, 1 }, { 10, 10.5 } }), km.weight, 1e-6)
    km:initKmeansPlus(x)
    assert_error("nn.Kmeans: input must be a matrix (samples, 2)", function() km:forward(D(3)) end)
  end)
end)

describe("nn.Convert", function()
  it("permutes, flattens and converts types, for batches and single samples", function()
    tocha.manualSeed(17)
    local x = D(2, 3, 4, 5):uniform()
    local c = nn.Convert("bchw", "chwb"):double()
    tensor_near(x:permute(2, 3, 4, 1):contiguous(), c:forward(x))
    assert.is_true(gradient_error(c, D(2, 3, 2, 2):uniform()) <= TOL)
    local f = nn.Convert("bchw", "bf"):double()
    assert.are.same({ 2, 60 }, f:forward(x):size():totable())
    assert.are.same({ 60 }, nn.Convert("chw", "f"):double():forward(x[1]):size():totable())
    tensor_near(x[1]:permute(2, 3, 1):contiguous(), nn.Convert("chw", "hwc"):double():forward(x[1]))
    assert.are.equal("tocha.FloatTensor", tocha.type(nn.Convert():float():forward(x)))
    assert_error("nn.Convert: unrecognized conversion of shape bf to bchw", function() nn.Convert("bf", "bchw") end)
  end)
end)

describe("nn.Profile", function()
  it("passes forward and backward through its module", function()
    local lin = nn.Linear(3, 2):double()
    local p = nn.Profile(lin, 1000)
    local x = D(1, 3):uniform()
    tensor_near(lin:forward(x), p:forward(x))
    assert.are.equal(1, p.numFwds)
    assert_error("nn.Profile: module expected", function() nn.Profile(3) end)
  end)
end)

describe("nn.SparseLinear", function()
  it("equals Linear on the dense input, for samples, batches and the legacy 3D form", function()
    tocha.manualSeed(18)
    local m = nn.SparseLinear(6, 3, true):double()
    local lin = nn.Linear(6, 3):double()
    lin.weight:copy(m.weight)
    lin.bias:copy(m.bias)
    local s1 = D({ { 2, 0.5 }, { 5, -1 } })
    local s2 = D({ { 1, 2 }, { 6, 0.25 }, { 3, 1 } })
    local dense = D(2, 6):zero()
    dense[1][2], dense[1][5] = 0.5, -1
    dense[2][1], dense[2][6], dense[2][3] = 2, 0.25, 1
    tensor_near(lin:forward(dense[1]), m:forward(s1), 1e-12)
    tensor_near(lin:forward(dense), m:forward({ s1, s2 }), 1e-12)
    local g = D(2, 3):uniform()
    m:zeroGradParameters()
    lin:zeroGradParameters()
    local gi = m:backward({ s1, s2 }, g)
    local ref = lin:backward(dense, g)
    tensor_near(ref[2], gi[2]:select(2, 2), 1e-12)
    tensor_near(lin.gradWeight, m.gradWeight, 1e-12)
    tensor_near(lin.gradBias, m.gradBias, 1e-12)
    local legacy = D(2, 2, 2)
    legacy[1]:copy(s1)
    legacy[2]:copy(s2:narrow(1, 1, 2))
    tensor_near(m:forward(s1):clone(), m:forward(legacy)[1], 1e-12)
    assert_error("nn.SparseLinear: sample 1 has an index out of range 1..6", function() m:forward(D({ { 7, 1 } })) end)
  end)
end)

describe("nn.FeatureLPPooling", function()
  it("takes the Lp norm of feature windows, with its gradient", function()
    tocha.manualSeed(19)
    local x = D(7, 2):uniform(-1, 1)
    local m = nn.FeatureLPPooling(3, 2, 2):double()
    local y = m:forward(x)
    assert.are.same({ 3, 2 }, y:size():totable())
    for k = 1, 3 do
      for j = 1, 2 do
        local s = 0
        for f = (k - 1) * 2 + 1, (k - 1) * 2 + 3 do s = s + x[f][j] ^ 2 end
        near(math.sqrt(s), y[k][j])
      end
    end
    assert.is_true(gradient_error(m, x) <= TOL)
    assert.is_true(gradient_error(nn.FeatureLPPooling(2, 1, 3, true):double(), D(2, 5, 2, 2):uniform(0.1, 1)) <= TOL)
    assert.are.same({ 0, 0 }, nn.FeatureLPPooling(2, 1, 2):double():backward(D(2):zero(), D(1):fill(1)):totable())
    assert_error("nn.FeatureLPPooling: stride must be within 1 to 4", function() nn.FeatureLPPooling(2, 5, 2) end)
  end)
end)

describe("nn.Unsqueeze with numInputDims", function()
  it("counts pos after all the leading batch dimensions (Torch7)", function()
    assert.are.same({ 1, 1, 3, 2, 1 }, nn.Unsqueeze(3, 2):forward(D(1, 1, 3, 2)):size():totable())
    assert.are.same({ 5, 2, 1, 3, 4 }, nn.Unsqueeze(2, 3):forward(D(5, 2, 3, 4)):size():totable())
    assert_error("nn.Unsqueeze: numInputDims (3) exceeds the input's 2 dimensions",
      function() nn.Unsqueeze(1, 3):forward(D(2, 2)) end)
  end)
end)

describe("getParameters layouts (Torch7's Module.flatten)", function()
  it("keeps whole storages in order of first use, drops holes, rejects views with gaps", function()
    local l = nn.Linear(2, 2):double()
    local big = D(10):copy(tocha.range(1, 10):double())
    l.weight = big:narrow(1, 5, 4):view(2, 2) -- elements 5..8 of a 10-element storage
    l.bias = big:narrow(1, 1, 2)              -- elements 1..2 of the same storage
    local p = l:getParameters()
    -- the storage's used elements in storage order: 1, 2, 5, 6, 7, 8
    assert.are.same({ 1, 2, 5, 6, 7, 8 }, p:totable())
    assert.are.same({ { 5, 6 }, { 7, 8 } }, l.weight:totable())
    p:fill(0)
    assert.are.equal(0, l.bias[1])
    local bad = nn.Linear(3, 3):double()
    bad.bias = D(3, 3):fill(2):select(2, 2) -- stride 3: gaps
    assert_error("cannot gather tensors that are not compact", function() bad:getParameters() end)
  end)
end)

describe("nn.PartialLinear and nn.SparseJacobian", function()
  it("computes only the partition's output columns, with gradients", function()
    tocha.manualSeed(20)
    local m = nn.PartialLinear(3, 5):double()
    m.bias:uniform()
    local x = D(4, 3):uniform(-1, 1)
    local W = m.network:get(1):get(2).weight
    local full = m:forward(x):clone()
    for n = 1, 4 do
      for k = 1, 5 do near(m.bias[1][k] + W[k]:dot(x[n]), full[n][k]) end
    end
    m:setPartition(D({ 4, 2 }))
    local y = m:forward(x)
    assert.are.same({ 4, 2 }, y:size():totable())
    near(full[3][4], y[3][1])
    near(full[1][2], y[1][2])
    assert.is_true(gradient_error(m, x, { W, m.bias }, { m.network:get(1):get(2).gradWeight, m.gradBias }) <= TOL)
    assert.is_true(nn.SparseJacobian.testJacobian(m, x) <= TOL)
    assert_error("nn.PartialLinear: partition indices must be in 1..5", function() m:setPartition(D({ 6 })) end)
  end)
end)

describe("nn.IndexLinear", function()
  it("equals Linear on the dense input in all three input forms, with sparse updates", function()
    tocha.manualSeed(21)
    local il = nn.IndexLinear(6, 3, true):double()
    il.weight:uniform(-1, 1)
    il.bias:uniform(-1, 1)
    local lin = nn.Linear(6, 3):double()
    lin.weight:copy(il.weight:t())
    lin.bias:copy(il.bias)
    local k1, v1 = tocha.LongTensor({ 2, 5 }), D({ 0.5, -1 })
    local k2, v2 = tocha.LongTensor({ 1, 6, 3 }), D({ 2, 0.25, 1 })
    local dense = D(2, 6):zero()
    dense[1][2], dense[1][5] = 0.5, -1
    dense[2][1], dense[2][6], dense[2][3] = 2, 0.25, 1
    tensor_near(lin:forward(dense[1]), il:forward({ k1, v1 }), 1e-12)
    tensor_near(lin:forward(dense), il:forward({ { k1, k2 }, { v1, v2 } }), 1e-12)
    local flat = { tocha.LongTensor({ 2, 5, 1, 6, 3 }), D({ 0.5, -1, 2, 0.25, 1 }), tocha.LongTensor({ 2, 3 }) }
    tensor_near(lin:forward(dense), il:forward(flat), 1e-12)
    local g = D(2, 3):uniform()
    il:zeroGradParameters()
    lin:zeroGradParameters()
    local gi = il:backward(flat, g)
    tensor_near(lin:backward(dense, g), gi[2], 1e-12)
    il:updateParameters(0.5)
    lin:updateParameters(0.5)
    tensor_near(lin.weight:t(), il.weight, 1e-12)
    tensor_near(lin.bias, il.bias, 1e-12)
    assert_error("nn.IndexLinear: a key is out of range for 6 inputs", function()
      il:forward({ tocha.LongTensor({ 7 }), D({ 1 }) })
    end)
  end)
end)

describe("nn.CReLU and nn.DepthConcat", function()
  it("CReLU joins relu(x) and relu(-x) along the features, for batches and samples", function()
    tocha.manualSeed(22)
    local x = D(2, 3, 2, 2):uniform(-1, 1)
    local y = nn.CReLU(3):double():forward(x)
    assert.are.same({ 2, 6, 2, 2 }, y:size():totable())
    tensor_near(x:clone():cmax(0), y:narrow(2, 1, 3))
    tensor_near(x:clone():mul(-1):cmax(0), y:narrow(2, 4, 3))
    assert.are.same({ 6, 2, 2 }, nn.CReLU(3):double():forward(x[1]):size():totable())
    assert.is_true(gradient_error(nn.CReLU(3):double(), x) <= TOL)
    assert_error("nn.CReLU: input must have 3 or 4 dimensions", function() nn.CReLU(3):forward(D(2)) end)
  end)

  it("DepthConcat centres smaller outputs in zero padding", function()
    tocha.manualSeed(23)
    local d = nn.DepthConcat(1):add(nn.Identity()):add(nn.Narrow(2, 2, 2)):add(nn.Narrow(2, 1, 3)):double()
    local x = D(2, 5):uniform()
    local y = d:forward(x)
    assert.are.same({ 6, 5 }, y:size():totable())
    tensor_near(x, y:narrow(1, 1, 2))
    -- width 2 in 5: start floor(3 / 2) + 1 = 2; width 3: start 2
    tensor_near(x:narrow(2, 2, 2), y:narrow(1, 3, 2):narrow(2, 2, 2))
    assert.are.same({ 0, 0 }, y:narrow(1, 3, 2):select(2, 1):totable())
    tensor_near(x:narrow(2, 1, 3), y:narrow(1, 5, 2):narrow(2, 2, 3))
    assert.is_true(gradient_error(d, x) <= TOL)
  end)
end)

describe("nn.WeightNorm", function()
  it("reparametrises a module's weight as g v / ||v|| with gradients for v, g and bias", function()
    tocha.manualSeed(24)
    local lin = nn.Linear(3, 2):double()
    local m = nn.WeightNorm(lin)
    local x = D(4, 3):uniform(-1, 1)
    m:forward(x)
    for i = 1, 2 do
      local n = math.sqrt(m.v[i]:dot(m.v[i]) + 1e-4)
      for j = 1, 3 do near(m.g[i] * m.v[i][j] / n, lin.weight[i][j]) end
    end
    assert.is_true(gradient_error(m, x, { m.v, m.g, m.bias }, { m.gradV, m.gradG, m.gradBias }) <= TOL)
    -- a 3-D weight normalised along its second dimension
    local bil = nn.WeightNorm(nn.Bilinear(3, 2, 2):double(), 2)
    assert.are.same({ 3, 4 }, bil.v:size():totable())
    local xs = { D(4, 3):uniform(-1, 1), D(4, 2):uniform(-1, 1) }
    assert.is_true(gradient_error(bil, xs, { bil.v, bil.g }, { bil.gradV, bil.gradG }) <= TOL)
    assert_error("nn.WeightNorm: a module with a weight expected", function() nn.WeightNorm(nn.Tanh()) end)
  end)
end)

describe("nn.UpSampling", function()
  it("repeats (nearest) or interpolates with aligned corners (linear), with its gradient", function()
    tocha.manualSeed(25)
    local x = D(1, 1, 2, 2):copy(D({ 1, 2, 3, 4 }))
    local y = nn.UpSampling(2):double():forward(x)
    assert.are.same({ { 1, 1, 2, 2 }, { 1, 1, 2, 2 }, { 3, 3, 4, 4 }, { 3, 3, 4, 4 } }, y[1][1]:totable())
    local l = nn.UpSampling(2, "linear"):double():forward(x)[1][1]
    near(1, l[1][1])
    near(4, l[4][4])
    near(1 + 1 / 3, l[1][2]) -- position 1/3 between 1 and 2
    near(2.5, (l[2][2] + l[3][3]) / 2)
    for _, mode in ipairs({ "nearest", "linear" }) do
      assert.is_true(gradient_error(nn.UpSampling(2, mode):double(), D(1, 2, 2, 3):uniform()) <= TOL)
      assert.is_true(gradient_error(nn.UpSampling(3, mode):double(), D(1, 1, 2, 2, 2):uniform()) <= TOL)
    end
    assert_error("nn.UpSampling: mode must be 'nearest' or 'linear'", function() nn.UpSampling(2, "cubic") end)
    assert_error("nn.UpSampling: input must be 4D", function() nn.UpSampling(2):forward(D(2, 2)) end)
  end)
end)

describe("malformed calls to the new layers", function()
  it("name the module and the problem", function()
    assert_error("nn.CAdd: input must be a tensor, got table", function() nn.CAdd(3):forward({}) end)
    assert_error("nn.RReLU: input must be a tensor, got number", function() nn.RReLU():forward(3) end)
    for _, m in ipairs({ nn.Max(1), nn.Normalize(2), nn.Collapse(1), nn.Padding(1, 1) }) do
      m = m:double()
      local x = D(3, 2):uniform()
      m:forward(x)
      assert_error(m.__typename .. ": gradOutput must be a tensor, got number", function() m:backward(x, 3) end)
      assert_error(m.__typename .. ": gradOutput (17) does not match the output", function() m:backward(x, D(17)) end)
    end
  end)
end)
