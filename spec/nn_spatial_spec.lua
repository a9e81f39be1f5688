-- The convolutional family: SpatialConvolution(MM), SpatialMaxPooling,
-- SpatialAveragePooling, (Spatial)BatchNormalization, SpatialZeroPadding,
-- and SpatialDropout after pooling.  Outputs against plain nested loops
-- written here, gradients against central differences in float64, batch
-- statistics against hand-computed ones, and bad input.
local tocha = require "tocha"
local nn = require "tocha.nn"
local gradients = require("gradcheck").module

local function rand(...) return tocha.DoubleTensor(...):uniform(-1, 1) end

-- Element (n, c, y, x) (1-based) of a 4-D tensor, 0 outside the image.
local function at(t, n, c, y, x)
  if y < 1 or x < 1 or y > t:size(3) or x > t:size(4) then return 0, false end
  return t[n][c][y][x], true
end

local function batch(t) return t:dim() == 3 and t:view(1, t:size(1), t:size(2), t:size(3)) or t end

-- A tensor's elements as a Lua list (row-major) and its sizes: the loops
-- below read plain lists, not tensor views, to stay fast.
local function flat(t)
  t = t:double():contiguous()
  local list, st, off = {}, t:storage(), t:storageOffset() - 1
  for k = 1, t:nElement() do list[k] = st[off + k] end
  return list, t:size():totable()
end

-- Plain convolution: out[n][o][y][x] = b[o] + sum_c,i,j w[o][c][i][j] in[n][c][(y-1)dH-padH+i][(x-1)dW-padW+j].
local function conv_reference(input, weight, b, dW, dH, padW, padH)
  local x = batch(input)
  local X, xs = flat(x)
  local W = flat(weight)
  local B = b and flat(b)
  local N, C, H, Wd = xs[1], xs[2], xs[3], xs[4]
  local nOut = weight:size(1)
  local kH, kW = weight:dim() == 4 and weight:size(3) or nil, weight:dim() == 4 and weight:size(4) or nil
  assert(kH, "the reference takes the 4-D weight")
  local oH = (H + 2 * padH - kH) // dH + 1
  local oW = (Wd + 2 * padW - kW) // dW + 1
  local out = tocha.DoubleTensor(N, nOut, oH, oW)
  local O, k = out:storage(), 0
  for n = 0, N - 1 do
    for o = 0, nOut - 1 do
      for y = 0, oH - 1 do
        for xx = 0, oW - 1 do
          local sum = B and B[o + 1] or 0
          for c = 0, C - 1 do
            for i = 0, kH - 1 do
              local iy = y * dH - padH + i
              if iy >= 0 and iy < H then
                for j = 0, kW - 1 do
                  local ix = xx * dW - padW + j
                  if ix >= 0 and ix < Wd then
                    sum = sum + W[((o * C + c) * kH + i) * kW + j + 1] * X[((n * C + c) * H + iy) * Wd + ix + 1]
                  end
                end
              end
            end
          end
          k = k + 1
          O[k] = sum
        end
      end
    end
  end
  return input:dim() == 3 and out[1] or out
end

-- The error message of f(...), which must fail.
local function fails(f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok)
  return tostring(err)
end

local function maxdiff(a, b)
  return (a:double() - b:double()):abs():max()
end

describe("nn.SpatialConvolution", function()
  -- { nIn, nOut, kW, kH, dW, dH, padW, padH, input size }
  local cases = {
    { 3, 4, 3, 3, 1, 1, 1, 1, { 2, 3, 6, 6 } },     -- padding
    { 2, 3, 3, 2, 2, 2, 0, 0, { 2, 2, 7, 6 } },     -- stride 2, non-square kernel, odd sizes
    { 2, 2, 2, 3, 1, 2, 1, 0, { 1, 2, 5, 4 } },     -- batch of 1, mixed strides and pads
    { 3, 2, 3, 3, 2, 1, 2, 1, { 3, 5, 5 } },        -- 3-D input
    { 4, 3, 1, 1, 1, 1, 0, 0, { 2, 4, 3, 5 } },     -- 1x1: the image is its own column matrix
    { 1, 2, 5, 5, 1, 1, 2, 2, { 2, 1, 5, 5 } },     -- the experiment's first layer, small
  }

  for _, case in ipairs(cases) do
    local nIn, nOut, kW, kH, dW, dH, padW, padH, size = table.unpack(case)
    local label = string.format("%d->%d %dx%d step %d,%d pad %d,%d on %s", nIn, nOut, kW, kH, dW, dH, padW, padH,
      table.concat(size, "x"))

    it("equals the nested loops: " .. label, function()
      for _, class in ipairs { "SpatialConvolution", "SpatialConvolutionMM" } do
        local m = nn[class](nIn, nOut, kW, kH, dW, dH, padW, padH):double()
        local x = rand(table.unpack(size))
        local w4 = m.weight:view(nOut, nIn, kH, kW)
        assert.is_true(maxdiff(m:forward(x), conv_reference(x, w4, m.bias, dW, dH, padW, padH)) < 1e-12)
        -- float: the same within float rounding
        m:float()
        assert.is_true(maxdiff(m:forward(x:float()), conv_reference(x, w4, m.bias:double(), dW, dH, padW, padH))
          < 1e-5)
      end
    end)

    it("has exact gradients for input, weight and bias: " .. label, function()
      local m = nn.SpatialConvolution(nIn, nOut, kW, kH, dW, dH, padW, padH)
      assert.is_true(gradients(m, rand(table.unpack(size))) <= 1e-6)
      local mm = nn.SpatialConvolutionMM(nIn, nOut, kW, kH, dW, dH, padW, padH):noBias()
      assert.is_true(gradients(mm, rand(table.unpack(size))) <= 1e-6)
    end)
  end

  it("has Torch7's shapes, defaults and initialisation", function()
    local m = nn.SpatialConvolution(3, 8, 5, 4)
    assert.same({ 8, 3, 4, 5 }, m.weight:size():totable())
    assert.same({ 8, 60 }, nn.SpatialConvolutionMM(3, 8, 5, 4).weight:size():totable())
    assert.same({ 1, 1, 0, 0 }, { m.dW, m.dH, m.padW, m.padH })
    local stdv = 1 / math.sqrt(5 * 4 * 3)
    assert.is_true(m.weight:max() <= stdv and m.weight:min() >= -stdv)
    assert.is_true(m.weight:max() > 0.8 * stdv and m.weight:min() < -0.8 * stdv)
    assert.equal("nn.SpatialConvolution(3 -> 8, 5x4)", tostring(m))
    assert.equal("nn.SpatialConvolution(1 -> 32, 5x5, 1,1, 2,2)",
      tostring(nn.SpatialConvolution(1, 32, 5, 5, 1, 1, 2, 2)))
    assert.equal("nn.SpatialConvolution(1 -> 2, 3x3) without bias",
      tostring(nn.SpatialConvolution(1, 2, 3, 3):noBias()))
    -- integral floats, as Torch7 code passes them
    assert.equal(2, nn.SpatialConvolution(1.0, 2.0, 3.0, 3.0).weight:size(1))
  end)

  it("accumulates parameter gradients with scale, as accGradParameters and backward", function()
    local m = nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1):double()
    local x, g = rand(2, 2, 5, 5), rand(2, 3, 5, 5)
    m:zeroGradParameters()
    m:forward(x)
    m:backward(x, g)
    local gw, gb = m.gradWeight:clone(), m.gradBias:clone()
    m:accGradParameters(x, g, 0.5)
    assert.is_true(maxdiff(m.gradWeight, gw * 1.5) < 1e-12)
    assert.is_true(maxdiff(m.gradBias, gb * 1.5) < 1e-12)
    -- gradBias is the sum of gradOutput over batch and image
    assert.is_true(math.abs(gb[2] - g:select(2, 2):sum()) < 1e-12)
    -- updateGradInput alone gives backward's gradInput
    local gi = m.gradInput:clone()
    m:updateGradInput(x, g)
    assert.is_true(maxdiff(gi, m.gradInput) < 1e-12)
  end)

  it("gives the same results on one thread and two (images split, sums in order)", function()
    local threads = tocha.getnumthreads()
    local m = nn.SpatialConvolution(8, 16, 5, 5, 1, 1, 2, 2):double()
    local x, g = rand(6, 8, 12, 12), rand(6, 16, 12, 12)
    local results = {}
    for _, t in ipairs { 1, 2 } do
      tocha.setnumthreads(t)
      m:zeroGradParameters()
      local out = m:forward(x):clone()
      local gi = m:backward(x, g):clone()
      results[t] = { out, gi, m.gradWeight:clone(), m.gradBias:clone() }
    end
    tocha.setnumthreads(threads)
    for k = 1, 4 do assert.is_true(maxdiff(results[1][k], results[2][k]) < 1e-10) end
    local w4 = m.weight
    assert.is_true(maxdiff(results[2][1], conv_reference(x, w4, m.bias, 1, 1, 2, 2)) < 1e-10)
  end)

  it("takes strided input (made contiguous) and keeps its workspace between steps", function()
    local m = nn.SpatialConvolution(2, 2, 3, 3):double()
    local x = rand(2, 6, 6, 2):transpose(2, 4) -- (2, 2, 6, 6), not contiguous
    assert.is_false(x:isContiguous())
    local ref = conv_reference(x:contiguous(), m.weight, m.bias, 1, 1, 0, 0)
    assert.is_true(maxdiff(m:forward(x), ref) < 1e-12)
    local g = rand(2, 2, 4, 4)
    m:backward(x, g) -- warm: the workspace has grown to the backward's size
    local work = m.finput:storage()
    m:forward(x)
    m:backward(x, g)
    assert.is_true(work == m.finput:storage())
  end)

  it("rejects bad input with a clear error", function()
    local m = nn.SpatialConvolution(3, 4, 5, 5)
    assert.has_error(function() m:forward(tocha.Tensor(2, 2, 8, 8)) end,
      "nn.SpatialConvolution: input has 2 planes but the weight expects nInputPlane = 3")
    local err = fails(m.forward, m, tocha.Tensor(1, 3, 4, 4))
    assert.truthy(err:find("smaller than the kernel", 1, true))
    err = fails(m.forward, m, tocha.Tensor(3, 8))
    assert.truthy(err:find("must be 3D", 1, true))
    err = fails(m.forward, m, "x")
    assert.truthy(err:find("input must be a tensor, got string", 1, true))
    err = fails(m.forward, m, tocha.DoubleTensor(1, 3, 8, 8))
    assert.truthy(err:find("DoubleTensor", 1, true))
    for _, args in ipairs { { 0, 4, 3, 3 }, { 3, 4, 0, 3 }, { 3, 4, 3, 3, 0, 1 }, { 3, 4, 3, 3, 1, 1, -1, 0 },
      { 3, 4, 2.5, 3 }, {}, { 3, 4, 3 }, { 1, 1, 2 ^ 31, 2 }, { 1, 1, 0 / 0, 2 } } do
      err = fails(nn.SpatialConvolution, table.unpack(args))
      assert.truthy(err:find("nn.SpatialConvolution: ", 1, true))
    end
    m:forward(tocha.Tensor(1, 3, 8, 8))
    err = fails(m.backward, m, tocha.Tensor(1, 3, 8, 8), tocha.Tensor(1, 4, 3, 3))
    assert.truthy(err:find("gradOutput must have the output's size", 1, true))
  end)
end)

-- ---- pooling ---------------------------------------------------------------------

-- Torch7's output size rule.
local function pooled(len, k, d, pad, ceil)
  local span = len + 2 * pad - k
  local out = (ceil and math.ceil(span / d) or span // d) + 1
  if ceil and (out - 1) * d >= len + pad then out = out - 1 end
  return out
end

local function pool_reference(input, kW, kH, dW, dH, padW, padH, ceil, kind, includePad)
  local x = batch(input)
  local N, C, H, W = x:size(1), x:size(2), x:size(3), x:size(4)
  local oH, oW = pooled(H, kH, dH, padH, ceil), pooled(W, kW, dW, padW, ceil)
  local out, idx = tocha.DoubleTensor(N, C, oH, oW), tocha.LongTensor(N, C, oH, oW)
  for n = 1, N do
    for c = 1, C do
      for y = 1, oH do
        for xx = 1, oW do
          local y0, x0 = (y - 1) * dH - padH + 1, (xx - 1) * dW - padW + 1
          local best, where, sum, inside = -math.huge, 0, 0, 0
          for i = y0, y0 + kH - 1 do
            for j = x0, x0 + kW - 1 do
              local v, ok = at(x, n, c, i, j)
              if ok then
                inside = inside + 1
                sum = sum + v
                if v > best then best, where = v, (i - 1) * W + j end
              end
            end
          end
          if kind == "max" then
            out[n][c][y][xx], idx[n][c][y][xx] = best, where
          else
            local ye, xe = math.min(y0 + kH - 1, H + padH), math.min(x0 + kW - 1, W + padW)
            local divisor = includePad and (ye - y0 + 1) * (xe - x0 + 1) or inside
            out[n][c][y][xx] = sum / divisor
          end
        end
      end
    end
  end
  if input:dim() == 3 then return out[1], idx[1] end
  return out, idx
end

describe("nn.SpatialMaxPooling and nn.SpatialAveragePooling", function()
  -- { kW, kH, dW, dH, padW, padH, ceil, input size }
  local cases = {
    { 2, 2, 2, 2, 0, 0, false, { 2, 3, 6, 6 } },
    { 3, 3, 2, 2, 1, 1, false, { 2, 2, 7, 7 } },
    { 3, 2, 2, 1, 1, 1, true, { 1, 2, 6, 5 } },   -- ceil mode, non-square, padding
    { 2, 2, 2, 2, 0, 0, true, { 3, 5, 7 } },      -- 3-D, odd sizes, ceil
    { 3, 3, 3, 3, 1, 0, true, { 2, 1, 8, 8 } },
  }
  for _, case in ipairs(cases) do
    local kW, kH, dW, dH, padW, padH, ceil, size = table.unpack(case)
    local label = string.format("%dx%d step %d,%d pad %d,%d%s on %s", kW, kH, dW, dH, padW, padH,
      ceil and " ceil" or "", table.concat(size, "x"))

    it("max pooling equals the loops, indices included: " .. label, function()
      local m = nn.SpatialMaxPooling(kW, kH, dW, dH, padW, padH)
      if ceil then m:ceil() end
      local x = rand(table.unpack(size))
      local out, idx = pool_reference(x, kW, kH, dW, dH, padW, padH, ceil, "max")
      assert.same(out:size():totable(), m:forward(x):size():totable())
      assert.is_true(maxdiff(m.output, out) == 0)
      assert.is_true(maxdiff(m.indices, idx) == 0)
      assert.is_true(gradients(m, x) <= 1e-6)
    end)

    it("average pooling equals the loops, with and without the padding counted: " .. label, function()
      for _, include in ipairs { true, false } do
        local m = nn.SpatialAveragePooling(kW, kH, dW, dH, padW, padH)
        if ceil then m:ceil() end
        if not include then m:setCountExcludePad() end
        local x = rand(table.unpack(size))
        local out = pool_reference(x, kW, kH, dW, dH, padW, padH, ceil, "avg", include)
        assert.is_true(maxdiff(m:forward(x), out) < 1e-12)
        assert.is_true(gradients(m, x) <= 1e-6)
      end
    end)
  end

  it("has Torch7's defaults and names", function()
    local m = nn.SpatialMaxPooling(3, 2)
    assert.same({ 3, 2, 0, 0 }, { m.dW, m.dH, m.padW, m.padH })
    assert.is_false(m.ceil_mode)
    assert.equal("nn.SpatialMaxPooling(3x2, 3,2)", tostring(m))
    local a = nn.SpatialAveragePooling(3, 3)
    assert.same({ 1, 1 }, { a.dW, a.dH })
    assert.is_true(a.count_include_pad)
    assert.equal(m, m:ceil())
    assert.is_true(m.ceil_mode)
  end)

  it("rejects bad windows and input", function()
    for _, args in ipairs { { 0, 2 }, { 2, 2, 0, 1 }, { 2, 2, 2, 2, 2, 0 }, { 3, 3, 1, 1, -1, 0 }, {}, { 2 } } do
      local err = fails(nn.SpatialMaxPooling, table.unpack(args))
        assert.truthy(err:find("nn.SpatialMaxPooling: ", 1, true))
    end
    local m = nn.SpatialMaxPooling(4, 4)
    local err = fails(m.forward, m, tocha.Tensor(1, 1, 3, 3))
    assert.truthy(err:find("smaller than the kernel", 1, true))
    err = fails(m.forward, m, tocha.Tensor(8))
    assert.truthy(err:find("must be 3D", 1, true))
    err = fails(m.forward, m, tocha.LongTensor(1, 1, 4, 4))
    assert.truthy(err:find("FloatTensor or DoubleTensor", 1, true))
    m:forward(tocha.Tensor(1, 1, 8, 8))
    m.indices:fill(1000)
    err = fails(m.backward, m, tocha.Tensor(1, 1, 8, 8), tocha.Tensor(1, 1, 2, 2))
    assert.truthy(err:find("outside the plane", 1, true))
  end)

  it("lets a NaN win the window", function()
    local x = tocha.DoubleTensor(1, 1, 2, 2):fill(1)
    x[1][1][2][1] = 0 / 0
    local y = nn.SpatialMaxPooling(2, 2):forward(x)
    assert.is_true(y[1][1][1][1] ~= y[1][1][1][1])
  end)
end)

-- ---- batch normalization ----------------------------------------------------------------

describe("nn.BatchNormalization and nn.SpatialBatchNormalization", function()
  -- Per-plane mean and biased variance of x seen as (N, C, S).
  local function stats(x, c)
    local planes = x:dim() == 2 and x:select(2, c) or x:select(2, c)
    local n = planes:nElement()
    local mean = planes:sum() / n
    local var = (planes - mean):pow(2):sum() / n
    return mean, var, n
  end

  it("normalizes with batch statistics in training and updates the running ones as Torch7", function()
    local m = nn.SpatialBatchNormalization(3, 1e-5, 0.2):double()
    local x = rand(4, 3, 2, 5):mul(3):add(1)
    local y = m:forward(x)
    for c = 1, 3 do
      local mean, var, n = stats(x, c)
      local expect = (x:select(2, c) - mean) / math.sqrt(var + 1e-5) * m.weight[c] + m.bias[c]
      assert.is_true(maxdiff(y:select(2, c), expect) < 1e-12)
      assert.is_true(math.abs(m.running_mean[c] - 0.2 * mean) < 1e-12)
      assert.is_true(math.abs(m.running_var[c] - (0.8 + 0.2 * var * n / (n - 1))) < 1e-12)
      assert.is_true(math.abs(m.save_mean[c] - mean) < 1e-12)
      assert.is_true(math.abs(m.save_std[c] - 1 / math.sqrt(var + 1e-5)) < 1e-12)
    end
    -- a second step moves them again
    local rm, rv = m.running_mean:clone(), m.running_var:clone()
    local x2 = rand(4, 3, 2, 5)
    m:forward(x2)
    for c = 1, 3 do
      local mean, var, n = stats(x2, c)
      assert.is_true(math.abs(m.running_mean[c] - (0.8 * rm[c] + 0.2 * mean)) < 1e-12)
      assert.is_true(math.abs(m.running_var[c] - (0.8 * rv[c] + 0.2 * var * n / (n - 1))) < 1e-12)
    end
    -- evaluation uses the running statistics and leaves them alone
    m:evaluate()
    rm, rv = m.running_mean:clone(), m.running_var:clone()
    y = m:forward(x)
    for c = 1, 3 do
      local expect = (x:select(2, c) - rm[c]) / math.sqrt(rv[c] + 1e-5) * m.weight[c] + m.bias[c]
      assert.is_true(maxdiff(y:select(2, c), expect) < 1e-12)
    end
    assert.is_true(maxdiff(m.running_mean, rm) == 0)
  end)

  it("has exact gradients in training and in evaluation, 2-D, 3-D and 4-D, with and without affine", function()
    local cases = {
      { nn.BatchNormalization(4), rand(5, 4) },
      { nn.BatchNormalization(3, nil, nil, false), rand(6, 3) },
      { nn.SpatialBatchNormalization(2), rand(3, 2, 3, 2) },
      { nn.SpatialBatchNormalization(3), rand(3, 2, 4) },
    }
    for _, case in ipairs(cases) do
      local m, x = case[1], case[2]
      assert.is_true(gradients(m, x) <= 1e-6)
      m:evaluate()
      m.running_var:uniform(0.5, 2)
      assert.is_true(gradients(m, x) <= 1e-6)
    end
  end)

  it("evaluates one sample without its batch dimension, as Torch7", function()
    local m = nn.BatchNormalization(3):double()
    m:forward(rand(4, 3))
    m:evaluate()
    local x = rand(3)
    local y = m:forward(x)
    for c = 1, 3 do
      local expect = (x[c] - m.running_mean[c]) / math.sqrt(m.running_var[c] + 1e-5) * m.weight[c] + m.bias[c]
      assert.is_true(math.abs(y[c] - expect) < 1e-12)
    end
    assert.is_true(gradients(m, x) <= 1e-6)
    m:training()
    assert.truthy(fails(m.forward, m, rand(3)):find("input must be 2D", 1, true))
  end)

  it("has Torch7's fields, defaults and initialisation", function()
    local m = nn.BatchNormalization(10)
    assert.equal(1e-5, m.eps)
    assert.equal(0.1, m.momentum)
    assert.is_true(m.affine)
    assert.equal(0, m.running_mean:abs():sum())
    assert.equal(10, m.running_var:sum())
    assert.is_true(m.weight:min() >= 0 and m.weight:max() < 1)
    assert.equal(0, m.bias:abs():sum())
    assert.is_nil(nn.BatchNormalization(3, 1e-3, 0.1, false).weight)
    assert.equal("nn.BatchNormalization (2D) (10)", tostring(m))
    assert.equal("nn.SpatialBatchNormalization (4D) (3)", tostring(nn.SpatialBatchNormalization(3)))
  end)

  it("rejects bad input", function()
    local m = nn.BatchNormalization(3)
    local err = fails(m.forward, m, tocha.Tensor(2, 4))
    assert.truthy(err:find("nn.BatchNormalization: input has 4 features (planes) but the module normalizes 3", 1, true))
    err = fails(m.forward, m, tocha.Tensor(2, 3, 4, 4))
    assert.truthy(err:find("nn.BatchNormalization: input must be 2D", 1, true))
    -- one value per plane trains as in Torch7: the output is the bias, the statistics stay finite
    local one = nn.BatchNormalization(3):double()
    local y = one:forward(tocha.DoubleTensor(1, 3):uniform())
    assert.is_true((y[1] - one.bias):abs():max() < 1e-12)
    assert.is_true(one.running_var:min() >= 0 and one.running_var:max() <= 1)
    -- an empty batch would make them NaN: an error
    assert.truthy(fails(one.forward, one, tocha.DoubleTensor(0, 3)):find("at least one value per plane", 1, true))
    assert.is_true(one.running_mean:eq(one.running_mean):all())
    err = fails(nn.SpatialBatchNormalization(3).forward, nn.SpatialBatchNormalization(3), tocha.Tensor(2, 3))
    assert.truthy(err:find("must be 4D", 1, true))
    assert.has_error(function() nn.BatchNormalization(0) end)
    assert.has_error(function() nn.BatchNormalization(3, -1) end)
  end)
end)

-- ---- padding and dropout after pooling ----------------------------------------------------

describe("nn.SpatialZeroPadding", function()
  it("pads with zeros and crops with negative pads; the gradient is the inverse", function()
    for _, pads in ipairs { { 1, 2, 0, 3 }, { -1, 1, 2, -2 }, { 2 } } do
      local m = nn.SpatialZeroPadding(table.unpack(pads))
      local l, r, t, b = pads[1], pads[2] or pads[1], pads[3] or pads[1], pads[4] or pads[1]
      local x = rand(2, 3, 4, 5)
      local y = m:forward(x)
      assert.same({ 2, 3, 4 + t + b, 5 + l + r }, y:size():totable())
      for i = 1, y:size(3) do
        for j = 1, y:size(4) do
          local v = at(x, 2, 3, i - t, j - l)
          assert.equal(v, y[2][3][i][j])
        end
      end
      assert.is_true(gradients(m, x) <= 1e-6)
    end
    assert.equal("nn.SpatialZeroPadding(l=1, r=1, t=1, b=1)", tostring(nn.SpatialZeroPadding(1)))
    local err = fails(nn.SpatialZeroPadding(-3).forward, nn.SpatialZeroPadding(-3), tocha.Tensor(1, 4, 4))
    assert.truthy(err:find("cropped to nothing", 1, true))
  end)
end)

describe("nn.SpatialDropout after pooling", function()
  it("drops whole feature maps of 3-D and 4-D pooled input, and composes in a Sequential", function()
    tocha.manualSeed(7)
    local net = nn.Sequential()
      :add(nn.SpatialConvolution(1, 16, 3, 3, 1, 1, 1, 1))
      :add(nn.ReLU())
      :add(nn.SpatialMaxPooling(2, 2))
      :add(nn.SpatialDropout(0.5))
    for _, size in ipairs { { 64, 1, 8, 8 }, { 1, 8, 8 } } do
      local x = tocha.Tensor(table.unpack(size)):uniform(0.5, 1)
      local y = net:forward(x)
      local pooledOutput = net.modules[3].output
      local y4, p4 = batch(y), batch(pooledOutput)
      local kept = 0
      for n = 1, y4:size(1) do
        for c = 1, y4:size(2) do
          local map, src = y4[n][c], p4[n][c]
          local zero = map:abs():sum() == 0
          if not zero then
            kept = kept + 1
            assert.is_true(maxdiff(map, src * 2) < 1e-5) -- survivors scaled by 1/(1-p)
          end
        end
      end
      local maps = y4:size(1) * y4:size(2)
      if maps > 100 then
        -- binomial(1024, 0.5): within 4 standard deviations
        assert.is_true(math.abs(kept - maps / 2) < 4 * math.sqrt(maps / 4))
      end
      local gi = net:backward(x, y:clone():fill(1))
      assert.same(x:size():totable(), gi:size():totable())
    end
  end)
end)

describe("nn.VolumetricDropout", function()
  it("drops whole feature volumes of 4-D and 5-D input, and passes the gradient where it kept", function()
    tocha.manualSeed(11)
    local m = nn.VolumetricDropout(0.25)
    for _, size in ipairs { { 400, 2, 3, 2 }, { 2, 200, 2, 3, 2 } } do
      local x = tocha.Tensor(table.unpack(size)):fill(1)
      local y = m:forward(x)
      local y5 = y:dim() == 4 and y:view(1, table.unpack(size)) or y
      local kept = 0
      for n = 1, y5:size(1) do
        for c = 1, y5:size(2) do
          local v = y5[n][c]
          local lo, hi = v:min(), v:max()
          assert.are.equal(lo, hi) -- one decision per volume
          assert.is_true(hi == 0 or math.abs(hi - 1 / 0.75) < 1e-6)
          if hi > 0 then kept = kept + 1 end
        end
      end
      -- binomial(400, 0.75): within 4 standard deviations
      assert.is_true(math.abs(kept - 300) < 4 * math.sqrt(400 * 0.75 * 0.25))
      local g = m:backward(x, x)
      assert.is_true((g - y):abs():max() < 1e-6)
    end
    local ok, err = pcall(m.forward, m, tocha.Tensor(2, 3, 4))
    assert.is_false(ok)
    assert.truthy(tostring(err):find("expects 4D", 1, true))
  end)
end)

