-- Third spatial family: full (transposed), dilated, depth-wise and 3-D
-- convolutions (src/core/nn/convnd.c), the connection-table convolutions
-- and nn.tables, AddConstant in place, LookupTable's gradInput.  Values
-- against plain loops written here, gradients against central differences
-- in float64, and bad input.
local tocha = require "tocha"
local nn = require "tocha.nn"
local gradients = require("gradcheck").module

local function rand(...) return tocha.DoubleTensor(...):uniform(-1, 1) end

local function maxdiff(a, b)
  assert.are.same(a:size():totable(), b:size():totable())
  return (a:double() - b:double()):abs():max()
end

-- ---- references: volumes (C, T, H, W) as flat Lua arrays ------------------------------

local function flat(t) return t:contiguous():view(t:nElement()):totable() end

-- A convolution of one volume x (C x T x H x W): weight (O, C, kT, kH, kW),
-- g = {k = {..}, d = {..}, pad = {..}, dil = {..}} per axis T, H, W.
local function ref_conv(x, weight, bias, g)
  local C, S = x:size(1), { x:size(2), x:size(3), x:size(4) }
  local O = weight:size(1)
  local out = {}
  for i = 1, 3 do out[i] = (S[i] + 2 * g.pad[i] - g.dil[i] * (g.k[i] - 1) - 1) // g.d[i] + 1 end
  local xs, ws = flat(x), flat(weight)
  local y = tocha.DoubleTensor(O, out[1], out[2], out[3])
  local ys = {}
  for o = 0, O - 1 do
    for z = 0, out[1] - 1 do for r = 0, out[2] - 1 do for q = 0, out[3] - 1 do
      local s = bias and bias[o + 1] or 0
      for c = 0, C - 1 do
        for a = 0, g.k[1] - 1 do for b = 0, g.k[2] - 1 do for e = 0, g.k[3] - 1 do
          local iz = z * g.d[1] - g.pad[1] + a * g.dil[1]
          local iy = r * g.d[2] - g.pad[2] + b * g.dil[2]
          local ix = q * g.d[3] - g.pad[3] + e * g.dil[3]
          if iz >= 0 and iz < S[1] and iy >= 0 and iy < S[2] and ix >= 0 and ix < S[3] then
            local xv = xs[((c * S[1] + iz) * S[2] + iy) * S[3] + ix + 1]
            local wv = ws[(((o * C + c) * g.k[1] + a) * g.k[2] + b) * g.k[3] + e + 1]
            s = s + xv * wv
          end
        end end end
      end
      ys[#ys + 1] = s
    end end end
  end
  y:copy(tocha.DoubleTensor(ys))
  return y
end

-- A full convolution of one volume x (C x T x H x W): weight (C, O, kT, kH, kW);
-- each input element scatters its kernel into the output.
local function ref_full(x, weight, bias, g)
  local C, S = x:size(1), { x:size(2), x:size(3), x:size(4) }
  local O = weight:size(2)
  local out = {}
  for i = 1, 3 do out[i] = (S[i] - 1) * g.d[i] - 2 * g.pad[i] + g.dil[i] * (g.k[i] - 1) + 1 + g.adj[i] end
  local xs, ws = flat(x), flat(weight)
  local ys = {}
  for o = 0, O - 1 do
    for n = 1, out[1] * out[2] * out[3] do ys[o * out[1] * out[2] * out[3] + n] = bias and bias[o + 1] or 0 end
  end
  for c = 0, C - 1 do
    for z = 0, S[1] - 1 do for r = 0, S[2] - 1 do for q = 0, S[3] - 1 do
      local xv = xs[((c * S[1] + z) * S[2] + r) * S[3] + q + 1]
      for o = 0, O - 1 do
        for a = 0, g.k[1] - 1 do for b = 0, g.k[2] - 1 do for e = 0, g.k[3] - 1 do
          local oz = z * g.d[1] - g.pad[1] + a * g.dil[1]
          local oy = r * g.d[2] - g.pad[2] + b * g.dil[2]
          local ox = q * g.d[3] - g.pad[3] + e * g.dil[3]
          if oz >= 0 and oz < out[1] and oy >= 0 and oy < out[2] and ox >= 0 and ox < out[3] then
            local at = ((o * out[1] + oz) * out[2] + oy) * out[3] + ox + 1
            ys[at] = ys[at] + xv * ws[(((c * O + o) * g.k[1] + a) * g.k[2] + b) * g.k[3] + e + 1]
          end
        end end end
      end
    end end end
  end
  return tocha.DoubleTensor(ys):view(O, out[1], out[2], out[3])
end

-- Applies `ref` to each volume of a 4-D (one) or 5-D (batch) input.
local function per_volume(ref, x, weight, bias, g)
  if x:dim() == 4 then return ref(x, weight, bias, g) end
  local outs = {}
  for n = 1, x:size(1) do outs[n] = ref(x[n], weight, bias, g) end
  local o = outs[1]
  local y = tocha.DoubleTensor(x:size(1), o:size(1), o:size(2), o:size(3), o:size(4))
  for n = 1, #outs do y[n]:copy(outs[n]) end
  return y
end

-- The 2-D forms: images as volumes of depth 1.
local function image_ref(ref, x, weight, bias, g2)
  local function up(t, at) -- insert a size-1 dimension at position `at`
    local s = t:size():totable()
    table.insert(s, at, 1)
    return t:contiguous():view(tocha.LongStorage(s))
  end
  local g = { k = { 1, g2.k[1], g2.k[2] }, d = { 1, g2.d[1], g2.d[2] }, pad = { 0, g2.pad[1], g2.pad[2] },
    dil = { 1, g2.dil[1], g2.dil[2] }, adj = { 0, g2.adj[1], g2.adj[2] } }
  local y = per_volume(ref, up(x, x:dim() - 1), up(weight, 3), bias, g)
  return y:select(y:dim() - 2, 1)
end

local function geom2(kH, kW, dH, dW, padH, padW, dilH, dilW, adjH, adjW)
  return { k = { kH, kW }, d = { dH, dW }, pad = { padH, padW }, dil = { dilH, dilW }, adj = { adjH, adjW } }
end

-- ---- SpatialFullConvolution ------------------------------------------------------------

describe("nn.SpatialFullConvolution", function()
  -- {nIn, nOut, kW, kH, dW, dH, padW, padH, adjW, adjH, H, W}
  local cases = {
    { 2, 3, 3, 3, 1, 1, 0, 0, 0, 0, 4, 5 },
    { 3, 2, 3, 2, 2, 3, 1, 0, 1, 2, 4, 5 },
    { 1, 4, 5, 4, 3, 2, 2, 1, 2, 0, 3, 3 },
    { 2, 1, 1, 1, 2, 2, 0, 0, 1, 1, 5, 4 },
  }
  local function make(c)
    local m = nn.SpatialFullConvolution(c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]):double()
    return m, geom2(c[4], c[3], c[6], c[5], c[8], c[7], 1, 1, c[10], c[9])
  end

  it("matches a nested-loop reference (one image and a batch)", function()
    for _, c in ipairs(cases) do
      local m, g = make(c)
      assert.are.same({ c[1], c[2], c[4], c[3] }, m.weight:size():totable())
      for _, x in ipairs({ rand(c[1], c[11], c[12]), rand(3, c[1], c[11], c[12]) }) do
        local y = m:forward(x)
        assert.is_true(maxdiff(y, image_ref(ref_full, x, m.weight, m.bias, g)) <= 1e-12)
        local h = y:size(y:dim() - 1)
        assert.are.equal((c[11] - 1) * c[6] - 2 * c[8] + c[4] + c[10], h)
      end
    end
  end)

  it("has float64 gradients within 1e-6 (input, weight, bias; batch and not; without bias)", function()
    for _, c in ipairs(cases) do
      assert.is_true(gradients(make(c), rand(c[1], c[11], c[12])) <= 1e-6)
      assert.is_true(gradients(make(c), rand(2, c[1], c[11], c[12])) <= 1e-6)
      assert.is_true(gradients(make(c):noBias(), rand(2, c[1], c[11], c[12])) <= 1e-6)
    end
  end)

  it("takes the output size from a target tensor, with gradInput {g, zeros}", function()
    local m = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1):double()
    local ref = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 0):double()
    ref.weight:copy(m.weight)
    ref.bias:copy(m.bias)
    local x, target = rand(2, 4, 4), tocha.DoubleTensor(7, 8)
    local y = m:forward({ x, target })
    assert.are.same({ 3, 7, 8 }, y:size():totable())
    assert.is_true(maxdiff(y, ref:forward(x)) == 0)
    local go = rand(3, 7, 8)
    local gi = m:backward({ x, target }, go)
    assert.is_true(maxdiff(gi[1], ref:backward(x, go)) == 0)
    assert.are.same({ 7, 8 }, gi[2]:size():totable())
    assert.are.equal(0, gi[2]:abs():max())
    assert.is_true(maxdiff(m.gradWeight, ref.gradWeight) <= 1e-12)
  end)

  it("gives the same in float as in double, and for non-contiguous input", function()
    local m = nn.SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1, 1, 1):double()
    local x = rand(2, 3, 5, 4):transpose(3, 4)
    local y = m:forward(x):clone()
    assert.is_true(maxdiff(y, m:forward(x:contiguous())) == 0)
    local f = m:clone():float()
    assert.is_true(maxdiff(f:forward(x:float()), y) <= 1e-5)
  end)

  it("refuses bad arguments and input, naming the module", function()
    assert.has_error(function() nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 0, 0, 2, 0) end)
    assert.has_error(function() nn.SpatialFullConvolution(0, 3, 3, 3) end)
    local m = nn.SpatialFullConvolution(2, 3, 3, 3):double()
    local ok, err = pcall(m.forward, m, rand(3, 4, 4))
    assert.is_false(ok)
    assert.truthy(tostring(err):find("nn.SpatialFullConvolution", 1, true))
    assert.truthy(tostring(err):find("nInputPlane", 1, true))
    ok, err = pcall(m.forward, m, rand(4, 4))
    assert.is_false(ok)
    assert.truthy(tostring(err):find("3D", 1, true))
    m:forward(rand(2, 4, 4))
    ok, err = pcall(m.backward, m, rand(2, 4, 4), rand(3, 5, 5))
    assert.is_false(ok)
    assert.truthy(tostring(err):find("gradOutput", 1, true))
    ok, err = pcall(m.forward, m, "x")
    assert.is_false(ok)
    assert.truthy(tostring(err):find("nn.SpatialFullConvolution", 1, true))
  end)
end)

-- ---- SpatialDilatedConvolution ---------------------------------------------------------

describe("nn.SpatialDilatedConvolution", function()
  -- {nIn, nOut, kW, kH, dW, dH, padW, padH, dilW, dilH, H, W}
  local cases = {
    { 2, 3, 3, 3, 1, 1, 0, 0, 2, 2, 7, 8 },
    { 3, 2, 3, 2, 2, 1, 1, 2, 1, 3, 6, 7 },
    { 1, 2, 2, 3, 1, 2, 2, 1, 3, 2, 5, 5 },
  }
  local function make(c)
    local m = nn.SpatialDilatedConvolution(c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]):double()
    return m, geom2(c[4], c[3], c[6], c[5], c[8], c[7], c[10], c[9], 0, 0)
  end

  it("matches a nested-loop reference (one image and a batch)", function()
    for _, c in ipairs(cases) do
      local m, g = make(c)
      for _, x in ipairs({ rand(c[1], c[11], c[12]), rand(2, c[1], c[11], c[12]) }) do
        assert.is_true(maxdiff(m:forward(x), image_ref(ref_conv, x, m.weight, m.bias, g)) <= 1e-12)
      end
    end
  end)

  it("has float64 gradients within 1e-6", function()
    for _, c in ipairs(cases) do
      assert.is_true(gradients(make(c), rand(c[1], c[11], c[12])) <= 1e-6)
      assert.is_true(gradients(make(c), rand(2, c[1], c[11], c[12])) <= 1e-6)
    end
  end)

  it("refuses an image smaller than the dilated kernel", function()
    local m = nn.SpatialDilatedConvolution(1, 1, 3, 3, 1, 1, 0, 0, 3, 3):double()
    local ok, err = pcall(m.forward, m, rand(1, 6, 6))
    assert.is_false(ok)
    assert.truthy(tostring(err):find("nn.SpatialDilatedConvolution", 1, true))
    assert.truthy(tostring(err):find("too small", 1, true))
  end)
end)

-- ---- the volumetric family --------------------------------------------------------------

describe("nn.VolumetricConvolution, VolumetricDilatedConvolution, VolumetricFullConvolution", function()
  local function geom3(t)
    return { k = { t.kT, t.kH, t.kW }, d = { t.dT, t.dH, t.dW }, pad = { t.padT, t.padH, t.padW },
      dil = { t.dilationT or 1, t.dilationH or 1, t.dilationW or 1 }, adj = { t.adjT or 0, t.adjH or 0, t.adjW or 0 } }
  end
  local convs = {
    function() return nn.VolumetricConvolution(2, 3, 2, 3, 2, 1, 2, 1, 1, 0, 1) end,
    function() return nn.VolumetricConvolution(1, 2, 3, 1, 2, 2, 1, 1, 0, 1, 0) end,
    function() return nn.VolumetricDilatedConvolution(2, 2, 2, 2, 3, 1, 1, 2, 1, 0, 1, 2, 1, 1) end,
  }
  local fulls = {
    function() return nn.VolumetricFullConvolution(2, 3, 2, 3, 2, 2, 2, 1, 1, 0, 1, 1, 1, 0) end,
    function() return nn.VolumetricFullConvolution(1, 2, 3, 2, 2, 1, 1, 2, 0, 0, 0, 0, 0, 1) end,
  }

  it("match nested-loop references (one volume and a batch)", function()
    for _, make in ipairs(convs) do
      local m = make():double()
      for _, x in ipairs({ rand(m.nInputPlane, 5, 6, 5), rand(2, m.nInputPlane, 5, 6, 5) }) do
        assert.is_true(maxdiff(m:forward(x), per_volume(ref_conv, x, m.weight, m.bias, geom3(m))) <= 1e-12)
      end
    end
    for _, make in ipairs(fulls) do
      local m = make():double()
      assert.are.same({ m.nInputPlane, m.nOutputPlane, m.kT, m.kH, m.kW }, m.weight:size():totable())
      for _, x in ipairs({ rand(m.nInputPlane, 3, 2, 3), rand(2, m.nInputPlane, 3, 2, 3) }) do
        assert.is_true(maxdiff(m:forward(x), per_volume(ref_full, x, m.weight, m.bias, geom3(m))) <= 1e-12)
      end
    end
  end)

  it("have float64 gradients within 1e-6", function()
    for _, make in ipairs(convs) do
      local m = make()
      assert.is_true(gradients(m, rand(m.nInputPlane, 4, 5, 4)) <= 1e-6)
      assert.is_true(gradients(make(), rand(2, m.nInputPlane, 4, 5, 4)) <= 1e-6)
    end
    for _, make in ipairs(fulls) do
      local m = make()
      assert.is_true(gradients(m, rand(m.nInputPlane, 2, 3, 2)) <= 1e-6)
      assert.is_true(gradients(make():noBias(), rand(2, m.nInputPlane, 2, 3, 2)) <= 1e-6)
    end
  end)

  it("VolumetricFullConvolution takes the output size from a target tensor", function()
    local m = nn.VolumetricFullConvolution(1, 2, 3, 3, 3, 2, 2, 2):double()
    local y = m:forward({ rand(1, 2, 3, 2), tocha.DoubleTensor(6, 7, 6) })
    assert.are.same({ 2, 6, 7, 6 }, y:size():totable())
  end)

  it("refuse input of the wrong rank or plane count, naming the module", function()
    local m = nn.VolumetricConvolution(2, 3, 2, 2, 2):double()
    local ok, err = pcall(m.forward, m, rand(2, 5, 5))
    assert.is_false(ok)
    assert.truthy(tostring(err):find("nn.VolumetricConvolution", 1, true))
    assert.truthy(tostring(err):find("4D", 1, true))
    ok, err = pcall(m.forward, m, rand(3, 4, 4, 4))
    assert.is_false(ok)
    assert.truthy(tostring(err):find("nInputPlane", 1, true))
    assert.has_error(function() nn.VolumetricFullConvolution(1, 1, 2, 2, 2, 1, 1, 1, 0, 0, 0, 1) end)
  end)
end)

-- ---- depth-wise and connection-table convolutions --------------------------------------

describe("nn.SpatialDepthWiseConvolution", function()
  it("convolves each input plane with its own nOutputPlane kernels (Torch7's layout)", function()
    local nIn, m = 3, 2
    local conv = nn.SpatialDepthWiseConvolution(nIn, m, 3, 2, 2, 1, 1, 0):double()
    assert.are.same({ m, nIn, 2, 3 }, conv.weight:size():totable())
    assert.are.same({ m, nIn }, conv.bias:size():totable())
    local x = rand(2, nIn, 5, 6)
    local y = conv:forward(x)
    assert.are.same({ 2, nIn * m, 4, 3 }, y:size():totable())
    local g = geom2(2, 3, 1, 2, 0, 1, 1, 1, 0, 0)
    for c = 1, nIn do
      local w = conv.weight:select(2, c):contiguous():view(m, 1, 2, 3)
      local b = conv.bias:select(2, c):clone()
      local want = image_ref(ref_conv, x:narrow(2, c, 1), w, b, g)
      assert.is_true(maxdiff(y:narrow(2, (c - 1) * m + 1, m), want) <= 1e-12)
    end
  end)

  it("has float64 gradients within 1e-6", function()
    assert.is_true(gradients(nn.SpatialDepthWiseConvolution(2, 3, 3, 3, 1, 1, 1, 1), rand(2, 5, 4)) <= 1e-6)
    assert.is_true(gradients(nn.SpatialDepthWiseConvolution(3, 1, 2, 3, 2, 1), rand(2, 3, 5, 6)) <= 1e-6)
  end)
end)

describe("nn.tables, SpatialConvolutionMap and SpatialFullConvolutionMap", function()
  it("builds Torch7's connection tables", function()
    local full = nn.tables.full(2, 3)
    assert.are.same({ { 1, 1 }, { 2, 1 }, { 1, 2 }, { 2, 2 }, { 1, 3 }, { 2, 3 } }, full:totable())
    assert.are.same({ { 1, 1 }, { 2, 2 }, { 3, 3 } }, nn.tables.oneToOne(3):totable())
    local r = nn.tables.random(5, 4, 3)
    assert.are.same({ 12, 2 }, r:size():totable())
    for o = 1, 4 do
      local seen = {}
      for k = (o - 1) * 3 + 1, o * 3 do
        assert.are.equal(o, r[k][2])
        local i = r[k][1]
        assert.is_true(i >= 1 and i <= 5 and not seen[i])
        seen[i] = true
      end
    end
    assert.has_error(function() nn.tables.random(2, 3, 4) end)
  end)

  -- The dense weight of a map module: [a][b] plane pairs from the table's columns.
  local function dense(m, rows, cols, a, b)
    local d = tocha.DoubleTensor(rows, cols, m.kH, m.kW):zero()
    for k = 1, m.connTable:size(1) do
      d[m.connTable[k][a]][m.connTable[k][b]]:add(m.weight[k])
    end
    return d
  end

  it("SpatialConvolutionMap convolves along the table's connections only", function()
    local t = nn.tables.random(4, 3, 2)
    local m = nn.SpatialConvolutionMap(t, 3, 2, 2, 1):double()
    local x = rand(4, 6, 7)
    local g = geom2(2, 3, 1, 2, 0, 0, 1, 1, 0, 0)
    assert.is_true(maxdiff(m:forward(x), image_ref(ref_conv, x, dense(m, 3, 4, 2, 1), m.bias, g)) <= 1e-12)
    assert.is_true(gradients(m, x) <= 1e-6)
    assert.is_true(gradients(nn.SpatialConvolutionMap(nn.tables.oneToOne(2), 2, 2), rand(2, 2, 4, 5)) <= 1e-6)
  end)

  it("SpatialFullConvolutionMap equals SpatialFullConvolution on a full table", function()
    local t = nn.tables.full(2, 3)
    local a = nn.SpatialFullConvolutionMap(t, 3, 2, 2, 1):double()
    local b = nn.SpatialFullConvolution(2, 3, 3, 2, 2, 1):double()
    for k = 1, t:size(1) do a.weight[k]:copy(b.weight[t[k][1]][t[k][2]]) end
    a.bias:copy(b.bias)
    local x = rand(2, 4, 5)
    assert.is_true(maxdiff(a:forward(x), b:forward(x)) <= 1e-12)
    local go = rand(b.output:size())
    a:zeroGradParameters()
    b:zeroGradParameters()
    assert.is_true(maxdiff(a:backward(x, go), b:backward(x, go)) <= 1e-12)
    for k = 1, t:size(1) do
      assert.is_true(maxdiff(a.gradWeight[k], b.gradWeight[t[k][1]][t[k][2]]) <= 1e-12)
    end
    assert.is_true(gradients(nn.SpatialFullConvolutionMap(nn.tables.random(3, 2, 2), 2, 3, 1, 2), rand(3, 3, 4))
      <= 1e-6)
  end)

  it("refuse a malformed table, naming the module", function()
    local ok, err = pcall(nn.SpatialConvolutionMap, tocha.DoubleTensor(3, 3), 2, 2)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("nn.SpatialConvolutionMap", 1, true))
    ok, err = pcall(nn.SpatialFullConvolutionMap, tocha.DoubleTensor({ { 0, 1 } }), 2, 2)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("positive", 1, true))
  end)
end)

-- ---- AddConstant and LookupTable details --------------------------------------------------

describe("nn.AddConstant and nn.LookupTable (Torch7's details)", function()
  it("AddConstant in place restores its input exactly and adds a vector to each row", function()
    local m = nn.AddConstant(3.7, true)
    local x = rand(4, 5)
    local before = x:clone()
    local y = m:forward(x)
    assert.are.equal(x, y)
    assert.is_true(maxdiff(y, before + 3.7) <= 1e-15)
    m:backward(y, rand(4, 5))
    assert.are.equal(0, maxdiff(x, before))
    local v = nn.AddConstant(tocha.DoubleTensor({ 1, 2, 3 }))
    assert.are.same({ { 2, 3, 4 }, { 1, 2, 3 } }, v:forward(tocha.DoubleTensor({ { 1, 1, 1 }, { 0, 0, 0 } })):totable())
    assert.has_error(function() v:forward(tocha.DoubleTensor(2, 4)) end)
  end)

  it("Parallel runs as many modules as the input has slices (Torch7's rule)", function()
    local p = nn.Parallel(2, 1):add(nn.MulConstant(2)):add(nn.MulConstant(3)):add(nn.Contiguous()):double()
    local x = rand(4, 2)
    local y = p:forward(x)
    assert.are.same({ 8 }, y:size():totable())
    assert.is_true(maxdiff(y:narrow(1, 1, 4), x:select(2, 1) * 2) == 0)
    assert.is_true(maxdiff(y:narrow(1, 5, 4), x:select(2, 2) * 3) == 0)
    assert.is_true(maxdiff(p:backward(x, y:clone():fill(1)), tocha.DoubleTensor({ { 2, 3 } }):expand(4, 2)) == 0)
    assert.has_error(function() p:forward(rand(4, 5)) end)
  end)

  it("LookupTable's gradInput is zeros of the input's type and size", function()
    local m = nn.LookupTable(6, 3)
    local idx = tocha.LongTensor({ { 1, 4 }, { 6, 2 } })
    local y = m:forward(idx)
    local gi = m:backward(idx, y:clone():fill(1))
    assert.are.equal(tocha.type(idx), tocha.type(gi))
    assert.are.same({ 2, 2 }, gi:size():totable())
    assert.are.equal(0, gi:abs():max())
  end)

  it("LookupTable: paddingValue rows never change, scaleGradByFreq, maxNorm renormalises", function()
    local m = nn.LookupTable(6, 3, 2):double()
    local w2 = m.weight[2]:clone()
    local idx = tocha.LongTensor({ 2, 3, 2, 5 })
    m:backwardUpdate(idx, m:forward(idx):clone(), 0.1)
    assert.are.equal(0, maxdiff(m.weight[2], w2))
    m:zeroGradParameters()
    m:backward(idx, tocha.DoubleTensor(4, 3):fill(1))
    assert.are.same({ 0, 0, 0 }, m.gradWeight[2]:totable())
    assert.are.same({ 1, 1, 1 }, m.gradWeight[3]:totable())
    local f = nn.LookupTable(6, 3):scaleGradByFreq():double()
    f:forward(idx)
    f:zeroGradParameters()
    f:backward(idx, tocha.DoubleTensor(4, 3):fill(1))
    assert.are.same({ 1, 1, 1 }, f.gradWeight[2]:totable()) -- two occurrences, each counted 1/2
    assert.are.same({ 0, 0, 0 }, f.gradWeight[1]:totable())
    for _, p in ipairs({ 1, 2, 0.5 }) do
      local r = nn.LookupTable(6, 3, 0, 0.25, p):double()
      r.weight[4]:fill(0.01)
      local w4 = r.weight[4]:clone()
      local w1 = r.weight[1]:clone()
      local y = r:forward(tocha.LongTensor({ 1, 4, 1 }))
      for k = 1, 3 do assert.is_true(y[k]:norm(p) <= 0.25 + 1e-6) end
      assert.is_true(math.abs(r.weight[1]:norm(p) - math.min(0.25, w1:norm(p))) <= 1e-6)
      assert.are.equal(0, maxdiff(r.weight[4], w4))
    end
    local u = nn.LookupTable(4, 2):accUpdateOnly()
    assert.is_nil(u.gradWeight)
    u:float()
    assert.are.equal("tocha.FloatTensor", tocha.type(u.weight))
    u:backwardUpdate(tocha.LongTensor({ 1 }), u:forward(tocha.LongTensor({ 1 })):clone(), 0.5)
    assert.has_error(function() nn.LookupTable(4, 2, 0, -1) end)
  end)
end)

-- ---- local normalisations ------------------------------------------------------------------

describe("nn.SpatialSubtractive/Divisive/ContrastiveNormalization", function()
  -- Torch7's normalised 2-D kernel: K / (sum K * nIn), or k' k'^T for a 1-D k.
  local function kernel2d(k, nIn)
    if k:dim() == 2 then return k:clone():div(k:sum() * nIn) end
    local n = k:size(1)
    local kk = k:clone():div(k:sum() * nIn)
    local K = tocha.DoubleTensor(n, n)
    for a = 1, n do for b = 1, n do K[a][b] = kk[a] * kk[b] end end
    return K
  end
  -- s[y][x] = sum over planes c and window (a, b) of K[a][b] x[c][y + a - ph][x + b - pw], zero outside
  local function local_sums(x, K)
    local C, H, W = x:size(1), x:size(2), x:size(3)
    local kh, kw = K:size(1), K:size(2)
    local s = tocha.DoubleTensor(H, W):zero()
    for y = 1, H do for q = 1, W do
      local v = 0
      for c = 1, C do for a = 1, kh do for b = 1, kw do
        local iy, ix = y + a - 1 - kh // 2, q + b - 1 - kw // 2
        if iy >= 1 and iy <= H and ix >= 1 and ix <= W then v = v + K[a][b] * x[c][iy][ix] end
      end end end
      s[y][q] = v
    end end
    return s
  end
  local kernels = { tocha.DoubleTensor(3, 3):fill(1), tocha.DoubleTensor({ 1, 2, 1 }),
    tocha.DoubleTensor({ { 1, 2, 1 }, { 0, 1, 0 }, { 2, 1, 1 } }), tocha.DoubleTensor(5):fill(1) }

  it("match the local mean and standard deviation computed by loops", function()
    for _, k in ipairs(kernels) do
      local x = tocha.DoubleTensor(3, 6, 5):uniform(0, 1)
      local sub = nn.SpatialSubtractiveNormalization(3, k):double()
      -- the module's kernel (in the default type when built: rounded to float if that is float)
      local K = sub.meanestimator.weight[1][1]:clone()
      assert.is_true(maxdiff(K, kernel2d(k, 3)) <= 1e-7)
      for c = 2, 3 do assert.are.equal(0, maxdiff(sub.meanestimator.weight[1][c], K)) end
      local coef = local_sums(tocha.DoubleTensor(3, 6, 5):fill(1), K)
      local mean = local_sums(x, K):cdiv(coef)
      assert.is_true(maxdiff(sub:forward(x), x - mean:view(1, 6, 5):expand(3, 6, 5)) <= 1e-12)
      local div = nn.SpatialDivisiveNormalization(3, k, 0.3, 0.5):double()
      local std = local_sums(x:clone():cmul(x), K):sqrt():cdiv(coef)
      std:apply(function(v) return v > 0.3 and v or 0.5 end)
      assert.is_true(maxdiff(div:forward(x), x:clone():cdiv(std:view(1, 6, 5):expand(3, 6, 5))) <= 1e-12)
      local con = nn.SpatialContrastiveNormalization(3, k):double()
      local centred = x - mean:view(1, 6, 5):expand(3, 6, 5)
      local cstd = local_sums(centred:clone():cmul(centred), K):sqrt():cdiv(coef)
      cstd:apply(function(v) return v > 1e-4 and v or 1e-4 end)
      assert.is_true(maxdiff(con:forward(x), centred:cdiv(cstd:view(1, 6, 5):expand(3, 6, 5))) <= 1e-12)
    end
  end)

  it("have float64 gradients within 1e-6, one image and a batch alike", function()
    for _, k in ipairs(kernels) do
      for _, name in ipairs({ "SpatialSubtractiveNormalization", "SpatialDivisiveNormalization",
        "SpatialContrastiveNormalization" }) do
        local x = tocha.DoubleTensor(2, 5, 4):uniform(0.1, 1)
        assert.is_true(gradients(nn[name](2, k), x) <= 1e-6)
        local m = nn[name](2, k)
        local b = tocha.DoubleTensor(3, 2, 5, 4):uniform(0.1, 1)
        b[2]:copy(x)
        assert.is_true(maxdiff(m:forward(b)[2], nn[name](2, k):forward(x)) <= 1e-12)
      end
    end
  end)

  it("convert to float and refuse even kernels and the wrong plane count", function()
    local m = nn.SpatialContrastiveNormalization():float()
    assert.are.equal("tocha.FloatTensor", tocha.type(m:forward(tocha.FloatTensor(1, 10, 10):uniform())))
    assert.has_error(function() nn.SpatialSubtractiveNormalization(2, tocha.DoubleTensor(4, 3):fill(1)) end)
    local ok, err = pcall(function() nn.SpatialDivisiveNormalization(2):forward(rand(3, 9, 9)) end)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("nn.SpatialDivisiveNormalization", 1, true))
  end)
end)

-- ---- unpooling, bilinear upsampling, volumetric replication padding, auto-crop MSE ---------

describe("nn.SpatialMaxUnpooling", function()
  it("puts each maximum back where SpatialMaxPooling found it, zeros elsewhere", function()
    local pool = nn.SpatialMaxPooling(2, 3, 2, 3):double()
    local unpool = nn.SpatialMaxUnpooling(pool)
    local orig = rand(2, 3, 6, 4)
    local y = unpool:forward(pool:forward(orig))
    assert.are.same(orig:size():totable(), y:size():totable())
    local want = tocha.DoubleTensor(2, 3, 6, 4):zero()
    for n = 1, 2 do for c = 1, 3 do
      for i = 0, 1 do for j = 0, 1 do
        local bi, bj, best = 1, 1, -math.huge
        for a = 1, 3 do for b = 1, 2 do
          local v = orig[n][c][i * 3 + a][j * 2 + b]
          if v > best then best, bi, bj = v, i * 3 + a, j * 2 + b end
        end end
        want[n][c][bi][bj] = best
      end end
    end end
    assert.are.equal(0, maxdiff(y, want))
    assert.is_true(gradients(unpool, pool.output:clone()) <= 1e-6)
    assert.has_error(function() nn.SpatialMaxUnpooling(nn.SpatialMaxPooling(2, 2, 1, 1)) end)
    assert.has_error(function() unpool:forward(rand(2, 3, 5, 5)) end)
  end)
end)

describe("nn.SpatialUpSamplingBilinear", function()
  it("interpolates with the corners aligned, (H - 1) scale + 1 rows", function()
    local m = nn.SpatialUpSamplingBilinear(3):double()
    local x = rand(2, 3, 4)
    local y = m:forward(x)
    assert.are.same({ 2, 7, 10 }, y:size():totable())
    local function at(p, r, c) -- bilinear at fractional 0-based (r, c)
      local r0, c0 = math.floor(r), math.floor(c)
      local r1, c1 = math.min(r0 + 1, 2), math.min(c0 + 1, 3)
      local fr, fc = r - r0, c - c0
      return (1 - fr) * ((1 - fc) * x[p][r0 + 1][c0 + 1] + fc * x[p][r0 + 1][c1 + 1])
        + fr * ((1 - fc) * x[p][r1 + 1][c0 + 1] + fc * x[p][r1 + 1][c1 + 1])
    end
    for p = 1, 2 do for i = 1, 7 do for j = 1, 10 do
      assert.is_true(math.abs(y[p][i][j] - at(p, (i - 1) * 2 / 6, (j - 1) * 3 / 9)) <= 1e-12)
    end end end
    assert.is_true(gradients(m, rand(2, 2, 3, 2)) <= 1e-6)
    local sized = nn.SpatialUpSamplingBilinear({ oheight = 5, owidth = 4 }):double()
    assert.are.same({ 2, 5, 4 }, sized:forward(x):size():totable())
    assert.has_error(function() m:forward(rand(4, 4)) end)
  end)
end)

describe("nn.VolumetricReplicationPadding", function()
  it("repeats the edge voxels (negative pads crop) and adds gradients back", function()
    local m = nn.VolumetricReplicationPadding(-1, 2, 1, 0, 2, -1):double()
    local x = rand(2, 3, 4, 5)
    local y = m:forward(x)
    assert.are.same({ 2, 4, 5, 6 }, y:size():totable())
    local function clamp(v, n) return math.min(math.max(v, 1), n) end
    for c = 1, 2 do for t = 1, 4 do for i = 1, 5 do for j = 1, 6 do
      assert.are.equal(x[c][clamp(t - 2, 3)][clamp(i - 1, 4)][clamp(j + 1, 5)], y[c][t][i][j])
    end end end end
    assert.is_true(gradients(m, rand(2, 2, 3, 4, 5)) <= 1e-6)
    assert.has_error(function() m:forward(rand(3, 4, 5)) end)
  end)
end)

describe("nn.SpatialAutoCropMSECriterion", function()
  it("is MSECriterion against the target's centre", function()
    for _, avg in ipairs({ true, false }) do
      local c = nn.SpatialAutoCropMSECriterion(avg):double()
      local x, t = rand(2, 3, 4, 5), rand(2, 3, 7, 6)
      local centre = t:narrow(3, 2, 4):narrow(4, 1, 5)
      local mse = nn.MSECriterion(avg):double()
      assert.are.equal(mse:forward(x, centre), c:forward(x, t))
      assert.are.equal(0, maxdiff(c:backward(x, t), mse:backward(x, centre)))
    end
    local c = nn.SpatialAutoCropMSECriterion()
    assert.has_error(function() c:forward(rand(3, 3, 3), rand(4, 3, 3)) end)
    assert.has_error(function() c:forward(rand(2, 3, 3, 3), rand(1, 3, 3, 3)) end)
    assert.has_error(function() c:forward(rand(2, 5, 5), rand(2, 5, 4)) end)
  end)
end)

-- ---- LRN, LP pooling, dynamic k-max pooling, dilated volumetric max pooling, unpooling, local conv

describe("nn.SpatialCrossMapLRN", function()
  it("normalises by the squares of the neighbouring planes", function()
    local m = nn.SpatialCrossMapLRN(3, 0.5, 0.7, 2):double()
    local x = rand(2, 4, 3, 2)
    local y = m:forward(x)
    for n = 1, 2 do for c = 1, 4 do for i = 1, 3 do for j = 1, 2 do
      local s = 0
      for q = math.max(1, c - 1), math.min(4, c + 1) do s = s + x[n][q][i][j] ^ 2 end
      local want = x[n][c][i][j] * (2 + 0.5 / 3 * s) ^ -0.7
      assert.is_true(math.abs(y[n][c][i][j] - want) <= 1e-12)
    end end end end
    assert.is_true(gradients(nn.SpatialCrossMapLRN(5, 0.3, 0.6, 1), rand(6, 3, 3)) <= 1e-6)
    assert.is_true(gradients(nn.SpatialCrossMapLRN(1), rand(2, 3, 2, 2)) <= 1e-6)
    assert.has_error(function() nn.SpatialCrossMapLRN(4) end)
    assert.has_error(function() m:forward(rand(3, 3)) end)
  end)
end)

describe("nn.SpatialLPPooling", function()
  it("takes the p-norm of each window", function()
    for _, p in ipairs({ 2, 3 }) do
      local m = nn.SpatialLPPooling(2, p, 2, 3, 2, 1):double()
      local x = tocha.DoubleTensor(2, 5, 4):uniform(0.1, 1)
      local y = m:forward(x)
      assert.are.same({ 2, 3, 2 }, y:size():totable())
      for c = 1, 2 do for i = 1, 3 do for j = 1, 2 do
        local s = 0
        for a = 0, 2 do for b = 0, 1 do s = s + x[c][i + a][(j - 1) * 2 + 1 + b] ^ p end end
        assert.is_true(math.abs(y[c][i][j] - s ^ (1 / p)) <= 1e-12)
      end end end
      assert.is_true(gradients(m, x) <= 1e-6)
    end
  end)
end)

describe("nn.TemporalDynamicKMaxPooling", function()
  it("keeps the k largest values of each feature in their order", function()
    local m = nn.TemporalDynamicKMaxPooling(2, 0.5):double()
    local x = tocha.DoubleTensor({ { 1, 9 }, { 5, 8 }, { 2, 1 }, { 7, 3 }, { 3, 7 }, { 0, 2 }, { 6, 4 } })
    local y = m:forward(x) -- k = max(2, ceil(3.5)) = 4
    assert.are.same({ { 5, 9 }, { 7, 8 }, { 3, 7 }, { 6, 4 } }, y:totable())
    local gi = m:backward(x, tocha.DoubleTensor(4, 2):fill(1))
    assert.are.same({ { 0, 1 }, { 1, 1 }, { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 0 }, { 1, 1 } }, gi:totable())
    local b = rand(3, 7, 2)
    b[2]:copy(x)
    assert.are.equal(0, maxdiff(m:forward(b)[2], y))
    assert.is_true(gradients(m, rand(2, 6, 3)) <= 1e-6)
    assert.has_error(function() nn.TemporalDynamicKMaxPooling(5):forward(rand(4, 2)) end)
  end)
end)

describe("nn.VolumetricDilatedMaxPooling and nn.VolumetricMaxUnpooling", function()
  it("VolumetricDilatedMaxPooling takes the maximum over dilated windows", function()
    for _, ceil in ipairs({ false, true }) do
      local m = nn.VolumetricDilatedMaxPooling(2, 2, 3, 1, 2, 2, 0, 1, 1, 2, 1, 2):double()
      if ceil then m:ceil() end
      local x = rand(2, 5, 6, 5)
      local y = m:forward(x)
      local oT, oH, oW = y:size(2), y:size(3), y:size(4)
      assert.are.equal(3, oT)
      for c = 1, 2 do for t = 1, oT do for i = 1, oH do for j = 1, oW do
        local best = -math.huge
        for a = 0, 1 do for b = 0, 2 do for e = 0, 1 do
          local zt, zy, zx = t + a * 2, (i - 1) * 2 - 1 + b * 2 + 1, (j - 1) * 2 - 1 + e + 1
          if zy >= 1 and zy <= 6 and zx >= 1 and zx <= 5 then best = math.max(best, x[c][zt][zy][zx]) end
        end end end
        assert.are.equal(best, y[c][t][i][j])
      end end end end
      assert.is_true(gradients(m, x) <= 1e-6)
    end
  end)

  it("VolumetricMaxUnpooling puts the maxima back", function()
    local pool = nn.VolumetricMaxPooling(2, 2, 2, 2, 2, 2, 1, 0, 1):double()
    local unpool = nn.VolumetricMaxUnpooling(pool)
    for _, orig in ipairs({ rand(2, 4, 4, 4), rand(2, 2, 4, 4, 4) }) do
      local pooled = pool:forward(orig):clone()
      local y = unpool:forward(pooled)
      assert.are.same(orig:size():totable(), y:size():totable())
      local kept = y:ne(0)
      assert.are.equal(pooled:nElement(), kept:sum())
      assert.are.equal(0, maxdiff(y:maskedSelect(kept), orig:maskedSelect(kept)))
      assert.is_true(math.abs(y:sum() - pooled:sum()) <= 1e-12)
      assert.is_true(gradients(unpool, pooled) <= 1e-6)
    end
    assert.has_error(function() nn.VolumetricMaxUnpooling(nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1)) end)
  end)
end)

describe("nn.SpatialConvolutionLocal", function()
  it("applies a kernel of its own at each position", function()
    local m = nn.SpatialConvolutionLocal(2, 3, 5, 4, 3, 2, 2, 1, 1, 0):double()
    assert.are.same({ 3, 3, 3, 2, 2, 3 }, m.weight:size():totable())
    local x = rand(2, 4, 5)
    local y = m:forward(x)
    assert.are.same({ 3, 3, 3 }, y:size():totable())
    for o = 1, 3 do for i = 1, 3 do for j = 1, 3 do
      local s = m.bias[o][i][j]
      for c = 1, 2 do for a = 1, 2 do for b = 1, 3 do
        local yy, xx = i - 1 + a, (j - 1) * 2 - 1 + b
        if xx >= 1 and xx <= 5 then s = s + m.weight[i][j][o][c][a][b] * x[c][yy][xx] end
      end end end
      assert.is_true(math.abs(y[o][i][j] - s) <= 1e-12)
    end end end
    assert.is_true(gradients(m, x) <= 1e-6)
    assert.is_true(gradients(nn.SpatialConvolutionLocal(1, 2, 4, 4, 2, 2, 2, 2), rand(3, 1, 4, 4)) <= 1e-6)
    assert.has_error(function() m:forward(rand(2, 5, 5)) end)
    assert.has_error(function() nn.SpatialConvolutionLocal(1, 1, 2, 2, 3, 3) end)
  end)
end)

describe("nn.SpatialFractionalMaxPooling and nn.VolumetricFractionalMaxPooling", function()
  -- Torch7's window starts for sample u: floor((i + u) alpha) - floor(u alpha), the last at n - pool.
  local function starts(u, n, out, pool)
    local alpha = out > 1 and (n - pool) / (out - 1) or 0
    local s = {}
    for i = 0, out - 2 do s[i + 1] = math.floor((i + u) * alpha) - math.floor(u * alpha) end
    s[out] = n - pool
    return s
  end

  it("takes the maximum over the sampled windows", function()
    local m = nn.SpatialFractionalMaxPooling(3, 2, 4, 3):double()
    local x = rand(2, 2, 7, 9)
    local y = m:forward(x)
    assert.are.same({ 2, 2, 3, 4 }, y:size():totable())
    for n = 1, 2 do for c = 1, 2 do
      local u = m.randomSamples[n][c]
      local sw, sh = starts(u[1], 9, 4, 3), starts(u[2], 7, 3, 2)
      for i = 1, 3 do for j = 1, 4 do
        local best = -math.huge
        for a = 0, 1 do for b = 0, 2 do best = math.max(best, x[n][c][sh[i] + 1 + a][sw[j] + 1 + b]) end end
        assert.are.equal(best, y[n][c][i][j])
      end end
    end end
  end)

  it("keeps its regions after fixPoolingRegions, and its gradients are right", function()
    local m = nn.SpatialFractionalMaxPooling(2, 2, 0.5, 0.6):fixPoolingRegions():double()
    local x = rand(3, 10, 11)
    local y = m:forward(x):clone()
    assert.are.same({ 3, 6, 5 }, y:size():totable())
    assert.are.equal(0, maxdiff(m:forward(x), y))
    assert.is_true(gradients(m, x) <= 1e-6)
    local v = nn.VolumetricFractionalMaxPooling(2, 2, 3, 3, 2, 2):fixPoolingRegions():double()
    local z = rand(2, 2, 5, 4, 6)
    assert.are.same({ 2, 2, 2, 2, 3 }, v:forward(z):size():totable())
    assert.is_true(gradients(v, z) <= 1e-6)
  end)

  it("refuses mixed sizes and ratios and too small inputs", function()
    assert.has_error(function() nn.SpatialFractionalMaxPooling(2, 2, 3, 0.5) end)
    assert.has_error(function() nn.SpatialFractionalMaxPooling(2, 2, 6, 6):forward(rand(1, 6, 6)) end)
  end)
end)

describe("nn.TanhShrink, nn.CriterionTable, nn.PrintSize, nn.StochasticGradient", function()
  it("TanhShrink is x - tanh(x)", function()
    local x = rand(3, 4)
    local m = nn.TanhShrink():double()
    local want = x:clone():apply(function(v) return v - (math.exp(v) - math.exp(-v)) / (math.exp(v) + math.exp(-v)) end)
    assert.is_true(maxdiff(m:forward(x), want) <= 1e-15)
    assert.is_true(gradients(m, x) <= 1e-6)
  end)

  it("CriterionTable wraps a criterion as a module of {input, target}", function()
    local c = nn.CriterionTable(nn.MSECriterion():double())
    local x, t = tocha.DoubleTensor({ 1, 2 }), tocha.DoubleTensor({ 0, 4 })
    assert.are.equal(2.5, c:forward({ x, t }))
    assert.are.same({ 1, -2 }, c:backward({ x, t }, 1)[1]:totable())
    assert.has_error(function() c:forward(x) end)
    assert.has_error(function() nn.CriterionTable(nn.Linear(2, 2)) end)
  end)

  it("PrintSize passes values and gradients through", function()
    local m = nn.PrintSize("spec")
    local x = rand(2, 3)
    local printed = {}
    local saved = _G.print
    _G.print = function(s) printed[#printed + 1] = s end
    local ok, y, g = pcall(function() return m:forward(x), m:backward(x, x) end)
    _G.print = saved
    assert.is_true(ok)
    assert.are.equal(x, y)
    assert.are.equal(x, g)
    assert.are.same({ "spec:input\n2x3", "spec:gradOutput\n2x3" }, printed)
  end)

  it("StochasticGradient takes plain SGD steps with Torch7's learning-rate decay", function()
    local lin = nn.Linear(1, 1):double()
    lin.weight:zero()
    lin.bias:zero()
    local data = { { tocha.DoubleTensor({ 1 }), tocha.DoubleTensor({ 1 }) } }
    function data.size() return 1 end
    local trainer = nn.StochasticGradient(lin, nn.MSECriterion():double())
    trainer.verbose = false
    trainer.maxIteration = 2
    trainer.learningRateDecay = 0.5
    local errors = {}
    trainer.hookIteration = function(_, it, err) errors[it] = err end
    trainer:train(data)
    -- pass 1 (rate 0.01): w = b = 0.02; pass 2 (rate 0.01 / 2): error (0.04 - 1)^2, step 2 * 0.96 * 0.005
    assert.is_true(math.abs(errors[1] - 1) <= 1e-12)
    assert.is_true(math.abs(errors[2] - 0.96 ^ 2) <= 1e-12)
    assert.is_true(math.abs(lin.weight[1][1] - (0.02 + 2 * 0.96 * 0.005)) <= 1e-12)
    assert.has_error(function() nn.StochasticGradient(lin, lin) end)
  end)
end)

describe("nn.TemporalRowConvolution", function()
  it("convolves each feature row with its own kernel", function()
    for _, featFirst in ipairs({ false, true }) do
      local m = nn.TemporalRowConvolution(3, 2, 2, featFirst):double()
      local x = rand(7, 3) -- frames x features
      local input = featFirst and x:t():contiguous() or x
      local y = m:forward(input)
      local yf = featFirst and y:t() or y
      assert.are.same({ 3, 3 }, yf:size():totable())
      for t = 1, 3 do for f = 1, 3 do
        local s = m.bias[f]
        for k = 1, 2 do s = s + m.weight[f][1][k] * x[(t - 1) * 2 + k][f] end
        assert.is_true(math.abs(yf[t][f] - s) <= 1e-12)
      end end
      assert.is_true(gradients(m, input) <= 1e-6)
      local b = featFirst and rand(2, 3, 6) or rand(2, 6, 3)
      assert.is_true(gradients(nn.TemporalRowConvolution(3, 3, 1, featFirst), b) <= 1e-6)
    end
    assert.has_error(function() nn.TemporalRowConvolution(3, 2):forward(rand(5, 4)) end)
    assert.has_error(function() nn.TemporalRowConvolution(3, 6):forward(rand(5, 3)) end)
  end)
end)

describe("volumetric max pooling in C", function()
  it("refuses tampered indices and a gradOutput of the wrong size", function()
    local m = nn.VolumetricMaxPooling(2, 2, 2):double()
    local x = rand(1, 4, 4, 4)
    local y = m:forward(x)
    m.indices:fill(8)
    local ok, err = pcall(m.backward, m, x, y)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("indices", 1, true))
    m:forward(x)
    ok, err = pcall(m.backward, m, x, rand(1, 2, 2, 3))
    assert.is_false(ok)
    assert.truthy(tostring(err):find("gradOutput", 1, true))
  end)
end)

describe("nn.NaN", function()
  it("passes values through and names where a NaN appears", function()
    local lin = nn.Linear(3, 2):double()
    local m = nn.NaN(lin, "probe")
    local x = rand(4, 3)
    assert.are.equal(0, maxdiff(m:forward(x), lin:forward(x)))
    assert.are.equal(0, maxdiff(m:backward(x, rand(4, 2)), lin.gradInput))
    local bad = x:clone()
    bad[2][2] = 0 / 0
    local ok, err = pcall(m.forward, m, bad)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("NaN found in input of module", 1, true))
    lin.weight[1][1] = 0 / 0
    ok, err = pcall(m.forward, m, x)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("NaN found in parameters", 1, true))
    assert.truthy(tostring(m):find("probe", 1, true))
  end)
end)
