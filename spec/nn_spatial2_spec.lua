-- Second spatial family: reflection/replication padding, spatial
-- (log-)softmax, nearest upsampling, adaptive pooling, subsampling, the
-- spatial class NLL criterion, dilated max pooling. Values against plain
-- loops written here, gradients against central differences in float64,
-- and bad input.
local tocha = require "tocha"
local nn = require "tocha.nn"
local gradients = require("gradcheck").module

local function rand(...) return tocha.DoubleTensor(...):uniform(-1, 1) end

-- Largest |a - b| over all elements.
local function maxdiff(a, b)
  assert.are.same(a:size():totable(), b:size():totable())
  return (a:double() - b:double()):abs():max()
end

-- A 4-D view of a 3-D or 4-D tensor.
local function batch(t) return t:dim() == 3 and t:view(1, t:size(1), t:size(2), t:size(3)) or t end

-- out[n][c][i][j] = in[n][c][src(i - 1 - t, h)][src(j - 1 - l, w)] (0-based sources).
local function pad_reference(input, l, r, t, b, src)
  local x = batch(input)
  local N, C, H, W = x:size(1), x:size(2), x:size(3), x:size(4)
  local out = tocha.DoubleTensor(N, C, H + t + b, W + l + r)
  for n = 1, N do for c = 1, C do
    for i = 1, H + t + b do for j = 1, W + l + r do
      out[n][c][i][j] = x[n][c][src(i - 1 - t, H) + 1][src(j - 1 - l, W) + 1]
    end end
  end end
  return input:dim() == 3 and out[1] or out
end

local function reflect(v, n)
  if v < 0 then return -v elseif v >= n then return 2 * (n - 1) - v end
  return v
end
local function replicate(v, n) return math.min(math.max(v, 0), n - 1) end

describe("nn.SpatialReflectionPadding and nn.SpatialReplicationPadding", function()
  local cases = { { 2, 1, 3, 0 }, { -1, 2, 0, -2 }, { 3, -3, -1, 1 }, { 0, 0, 0, 0 } }
  for _, kind in ipairs({ { "SpatialReflectionPadding", reflect }, { "SpatialReplicationPadding", replicate } }) do
    local name, src = kind[1], kind[2]
    it(name .. " matches a reference loop (3-D and 4-D)", function()
      for _, p in ipairs(cases) do
        local m = nn[name](p[1], p[2], p[3], p[4])
        for _, x in ipairs({ rand(2, 5, 6), rand(3, 2, 4, 7) }) do
          assert.is_true(maxdiff(m:forward(x), pad_reference(x, p[1], p[2], p[3], p[4], src)) == 0)
        end
      end
    end)
    it(name .. " gradients match central differences", function()
      for _, p in ipairs(cases) do
        assert.is_true(gradients(nn[name](p[1], p[2], p[3], p[4]), rand(2, 2, 5, 4)) <= 1e-6)
        assert.is_true(gradients(nn[name](p[1], p[2], p[3], p[4]), rand(2, 4, 5)) <= 1e-6)
      end
    end)
    it(name .. " works on float tensors", function()
      local x = rand(2, 4, 5)
      local m = nn[name](1, 2, 1, 0)
      assert.is_true(maxdiff(m:forward(x:float()), pad_reference(x:float():double(), 1, 2, 1, 0, src)) == 0)
    end)
    it(name .. " rejects bad input", function()
      assert.has_error(function() nn[name](1.5, 1, 1, 1) end, "nn." .. name .. ": pad_l must be an integer, got 1.5")
      local m = nn[name](1, 1, 1, 1)
      assert.has_error(function() m:forward(rand(4, 4)) end)
      assert.has_error(function() m:forward("x") end)
      assert.has_error(function() nn[name](-3, -3, 0, 0):forward(rand(1, 3, 6)) end)
      m:forward(rand(1, 3, 3))
      assert.has_error(function() m:backward(rand(1, 3, 3), rand(1, 4, 5)) end)
    end)
  end
  it("rejects empty input", function()
    for _, name in ipairs({ "SpatialReflectionPadding", "SpatialReplicationPadding" }) do
      assert.has_error(function() nn[name](1, 1, 1, 1):forward(tocha.DoubleTensor(1, 0, 3)) end,
        "nn." .. name .. ": input must not be empty, got size 1x0x3")
    end
    assert.has_error(function() nn.SpatialUpSamplingNearest(2):forward(tocha.DoubleTensor(2, 3, 0)) end,
      "nn.SpatialUpSamplingNearest: input must not be empty, got size 2x3x0")
    assert.has_error(function() nn.SpatialSoftMax():forward(tocha.DoubleTensor(0, 2, 3)) end,
      "nn.SpatialSoftMax: input must not be empty, got size 0x2x3")
  end)
  it("SpatialReflectionPadding rejects pads as large as the input", function()
    assert.has_error(function() nn.SpatialReflectionPadding(3, 0, 0, 0):forward(rand(1, 4, 3)) end)
    assert.has_error(function() nn.SpatialReflectionPadding(0, 0, 0, 4):forward(rand(1, 4, 3)) end)
    assert.has_no_error(function() nn.SpatialReplicationPadding(5, 0, 0, 5):forward(rand(1, 4, 3)) end)
  end)
end)

-- softmax (or log-softmax) over dimension d at every other index, by loops over a 4-D view.
local function softmax_reference(input, log)
  local x = batch(input)
  local out = x:clone()
  for n = 1, x:size(1) do for i = 1, x:size(3) do for j = 1, x:size(4) do
    local top = -math.huge
    for c = 1, x:size(2) do top = math.max(top, x[n][c][i][j]) end
    local sum = 0
    for c = 1, x:size(2) do sum = sum + math.exp(x[n][c][i][j] - top) end
    for c = 1, x:size(2) do
      local v = x[n][c][i][j] - top
      out[n][c][i][j] = log and v - math.log(sum) or math.exp(v) / sum
    end
  end end end
  return input:dim() == 3 and out[1] or out
end

describe("nn.SpatialSoftMax and nn.SpatialLogSoftMax", function()
  for _, name in ipairs({ "SpatialSoftMax", "SpatialLogSoftMax" }) do
    local log = name == "SpatialLogSoftMax"
    it(name .. " matches a reference loop over the planes (3-D and 4-D)", function()
      local m = nn[name]()
      for _, x in ipairs({ rand(4, 3, 5), rand(2, 3, 4, 2), rand(1, 1, 1) * 50 }) do
        assert.is_true(maxdiff(m:forward(x), softmax_reference(x, log)) <= 1e-12)
      end
      -- large values do not overflow
      local big = rand(3, 2, 2):mul(1000)
      assert.is_true(maxdiff(m:forward(big), softmax_reference(big, log)) <= 1e-9)
    end)
    it(name .. " treats 1-D and 2-D input as nn.SoftMax does", function()
      local x = rand(3, 5)
      local plain = (log and nn.LogSoftMax() or nn.SoftMax()):double()
      assert.is_true(maxdiff(nn[name]():forward(x), plain:forward(x)) == 0)
    end)
    it(name .. " gradients match central differences", function()
      assert.is_true(gradients(nn[name](), rand(3, 4, 2)) <= 1e-6)
      assert.is_true(gradients(nn[name](), rand(2, 3, 2, 3)) <= 1e-6)
    end)
    it(name .. " rejects bad input", function()
      local m = nn[name]()
      assert.has_error(function() m:forward(rand(2, 2, 2, 2, 2)) end)
      assert.has_error(function() m:forward({}) end)
      local x = rand(2, 3, 3)
      m:forward(x)
      assert.has_error(function() m:backward(x, rand(2, 3, 4)) end)
    end)
  end
end)

describe("nn.SpatialUpSamplingNearest", function()
  local function reference(input, s)
    local x = batch(input)
    local out = tocha.DoubleTensor(x:size(1), x:size(2), x:size(3) * s, x:size(4) * s)
    for n = 1, x:size(1) do for c = 1, x:size(2) do
      for i = 1, x:size(3) * s do for j = 1, x:size(4) * s do
        out[n][c][i][j] = x[n][c][(i - 1) // s + 1][(j - 1) // s + 1]
      end end
    end end
    return input:dim() == 3 and out[1] or out
  end
  it("repeats each pixel in a scale x scale block (3-D and 4-D)", function()
    for s = 1, 3 do
      local m = nn.SpatialUpSamplingNearest(s)
      assert.are.equal(s, m.scale_factor)
      for _, x in ipairs({ rand(2, 3, 4), rand(2, 1, 2, 3) }) do
        assert.is_true(maxdiff(m:forward(x), reference(x, s)) == 0)
      end
    end
  end)
  it("gradients match central differences", function()
    assert.is_true(gradients(nn.SpatialUpSamplingNearest(2), rand(2, 3, 2)) <= 1e-6)
    assert.is_true(gradients(nn.SpatialUpSamplingNearest(3), rand(2, 1, 2, 3)) <= 1e-6)
  end)
  it("rejects bad input", function()
    assert.has_error(function() nn.SpatialUpSamplingNearest(0) end)
    assert.has_error(function() nn.SpatialUpSamplingNearest(1.5) end)
    local m = nn.SpatialUpSamplingNearest(2)
    assert.has_error(function() m:forward(rand(3, 3)) end)
    local x = rand(1, 2, 2)
    m:forward(x)
    assert.has_error(function() m:backward(x, rand(1, 4, 5)) end)
  end)
end)

describe("nn.SpatialAdaptiveMaxPooling and nn.SpatialAdaptiveAveragePooling", function()
  -- Torch7's windows: [floor(i n / o), ceil((i + 1) n / o)) for 0-based output i.
  local function reference(input, W, H, max)
    local x = batch(input)
    local h, w = x:size(3), x:size(4)
    local out = tocha.DoubleTensor(x:size(1), x:size(2), H, W)
    for n = 1, x:size(1) do for c = 1, x:size(2) do
      for i = 0, H - 1 do for j = 0, W - 1 do
        local acc, count = max and -math.huge or 0, 0
        for y = math.floor(i * h / H), math.ceil((i + 1) * h / H) - 1 do
          for z = math.floor(j * w / W), math.ceil((j + 1) * w / W) - 1 do
            local v = x[n][c][y + 1][z + 1]
            acc, count = max and math.max(acc, v) or acc + v, count + 1
          end
        end
        out[n][c][i + 1][j + 1] = max and acc or acc / count
      end end
    end end
    return input:dim() == 3 and out[1] or out
  end
  local shapes = { { 2, 7, 5 }, { 2, 3, 4, 6 }, { 1, 3, 3 }, { 1, 1, 2, 9 } }
  local outs = { { 3, 2 }, { 2, 3 }, { 1, 1 }, { 5, 4 }, { 4, 7 } }
  for _, kind in ipairs({ { "SpatialAdaptiveMaxPooling", true }, { "SpatialAdaptiveAveragePooling", false } }) do
    local name, max = kind[1], kind[2]
    it(name .. " matches a reference loop (3-D and 4-D, outputs larger and smaller than the input)", function()
      for _, s in ipairs(shapes) do
        for _, o in ipairs(outs) do
          local x = rand(table.unpack(s))
          local m = nn[name](o[1], o[2])
          assert.are.equal(o[1], m.W)
          assert.are.equal(o[2], m.H)
          assert.is_true(maxdiff(m:forward(x), reference(x, o[1], o[2], max)) <= 1e-12)
        end
      end
    end)
    it(name .. " gradients match central differences", function()
      assert.is_true(gradients(nn[name](3, 2), rand(2, 7, 5)) <= 1e-6)
      assert.is_true(gradients(nn[name](4, 5), rand(2, 1, 3, 6)) <= 1e-6)
    end)
    it(name .. " rejects bad input", function()
      assert.has_error(function() nn[name](0, 2) end)
      assert.has_error(function() nn[name](2, 1.5) end)
      local m = nn[name](2, 2)
      assert.has_error(function() m:forward(rand(3, 3)) end)
      assert.has_error(function() m:forward(tocha.DoubleTensor(2, 0, 3)) end)
      local x = rand(1, 4, 4)
      m:forward(x)
      assert.has_error(function() m:backward(x, rand(1, 3, 2)) end)
    end)
  end
  it("SpatialAdaptiveMaxPooling passes the gradient to the first maximum of a window", function()
    local x = tocha.DoubleTensor({ { { 1, 5, 5, 0 } } })
    local m = nn.SpatialAdaptiveMaxPooling(1, 1):double()
    m:forward(x)
    local gi = m:backward(x, tocha.DoubleTensor({ { { 2 } } }))
    assert.are.same({ { { 0, 2, 0, 0 } } }, gi:totable())
  end)
  it("SpatialAdaptiveMaxPooling propagates NaN (Torch7's rule)", function()
    local x = tocha.DoubleTensor({ { { 1, 0 / 0, 3, 2 } } })
    local m = nn.SpatialAdaptiveMaxPooling(1, 1):double()
    local y = m:forward(x)
    assert.is_true(y[1][1][1] ~= y[1][1][1])
    assert.are.same({ { { 0, 1, 0, 0 } } }, m:backward(x, tocha.DoubleTensor({ { { 1 } } })):totable())
  end)
end)

describe("nn.SpatialSubSampling", function()
  local function reference(input, m)
    local x = batch(input)
    local oh, ow = (x:size(3) - m.kH) // m.dH + 1, (x:size(4) - m.kW) // m.dW + 1
    local out = tocha.DoubleTensor(x:size(1), x:size(2), oh, ow)
    for n = 1, x:size(1) do for c = 1, x:size(2) do
      for i = 1, oh do for j = 1, ow do
        local sum = 0
        for a = 1, m.kH do for b = 1, m.kW do sum = sum + x[n][c][(i - 1) * m.dH + a][(j - 1) * m.dW + b] end end
        out[n][c][i][j] = m.weight[c] * sum + m.bias[c]
      end end
    end end
    return input:dim() == 3 and out[1] or out
  end
  it("has Torch7's fields and defaults", function()
    local m = nn.SpatialSubSampling(3, 2, 4)
    assert.are.same({ 3, 2, 4, 1, 1 }, { m.nInputPlane, m.kW, m.kH, m.dW, m.dH })
    assert.are.same({ 3 }, m.weight:size():totable())
    assert.are.same({ 3 }, m.bias:size():totable())
    assert.is_true(m.weight:abs():max() <= 1 / math.sqrt(8))
  end)
  it("matches a reference loop (3-D and 4-D, strides)", function()
    for _, c in ipairs({ { 2, 3, 2, 1, 1 }, { 3, 2, 3, 2, 3 }, { 1, 1, 1, 1, 1 } }) do
      local m = nn.SpatialSubSampling(table.unpack(c)):double()
      for _, x in ipairs({ rand(c[1], 7, 8), rand(2, c[1], 6, 5) }) do
        assert.is_true(maxdiff(m:forward(x), reference(x, m)) <= 1e-12)
      end
    end
  end)
  it("gradients (input, weight, bias) match central differences", function()
    assert.is_true(gradients(nn.SpatialSubSampling(2, 2, 3, 1, 2), rand(2, 6, 5)) <= 1e-6)
    assert.is_true(gradients(nn.SpatialSubSampling(3, 3, 2, 2, 1), rand(2, 3, 5, 7)) <= 1e-6)
  end)
  it("accumulates with a scale, a batch as the sum of its samples", function()
    local m = nn.SpatialSubSampling(2, 2, 2, 1, 1):double()
    local x, g = rand(3, 2, 4, 4), rand(3, 2, 3, 3)
    m:zeroGradParameters()
    m:forward(x)
    m:backward(x, g, 0.5)
    local gw, gb = m.gradWeight:clone(), m.gradBias:clone()
    m:zeroGradParameters()
    for n = 1, 3 do
      m:forward(x[n])
      m:backward(x[n], g[n], 0.5)
    end
    assert.is_true(maxdiff(gw, m.gradWeight) <= 1e-12)
    assert.is_true(maxdiff(gb, m.gradBias) <= 1e-12)
  end)
  it("rejects bad input", function()
    assert.has_error(function() nn.SpatialSubSampling(0, 2, 2) end)
    assert.has_error(function() nn.SpatialSubSampling(2, 2.5, 2) end)
    local m = nn.SpatialSubSampling(2, 3, 3):double()
    assert.has_error(function() m:forward(rand(3, 5, 5)) end, "nn.SpatialSubSampling: input must have 2 planes "
      .. "(dimension 1), got size 3x5x5")
    assert.has_error(function() m:forward(rand(5, 5)) end)
    assert.has_error(function() m:forward(rand(2, 2, 5)) end)
    local x = rand(2, 5, 5)
    m:forward(x)
    assert.has_error(function() m:backward(x, rand(2, 4, 3)) end)
  end)
end)

describe("nn.SpatialClassNLLCriterion", function()
  local function reference(input, target, weights, sizeAverage)
    local loss, total = 0, 0
    for n = 1, input:size(1) do for i = 1, input:size(3) do for j = 1, input:size(4) do
      local c = math.tointeger(target[n][i][j])
      local w = weights and weights[c] or 1
      loss, total = loss - w * input[n][c][i][j], total + w
    end end end
    return sizeAverage and loss / total or loss
  end
  local function targets(N, C, H, W)
    local t = tocha.LongTensor(N, H, W)
    t:apply(function() return math.random(1, C) end)
    return t
  end
  -- Largest error of the criterion's gradInput against central differences, in float64.
  local function criterion_gradients(crit, x, t)
    local analytic = crit:backward(x, t):clone()
    local flat, worst = x:view(x:nElement()), 0
    local a = analytic:view(analytic:nElement())
    for k = 1, flat:nElement() do
      local v = flat[k]
      flat[k] = v + 1e-6
      local hi = crit:forward(x, t)
      flat[k] = v - 1e-6
      local lo = crit:forward(x, t)
      flat[k] = v
      worst = math.max(worst, math.abs((hi - lo) / 2e-6 - a[k]))
    end
    return worst
  end
  it("matches a reference loop, with and without weights and sizeAverage", function()
    local x, t = rand(2, 4, 3, 5), targets(2, 4, 3, 5)
    local w = tocha.DoubleTensor(4):uniform(0.1, 2)
    for _, avg in ipairs({ true, false }) do
      for _, weights in ipairs({ false, w }) do
        local crit = nn.SpatialClassNLLCriterion(weights or nil, avg)
        assert.is_true(math.abs(crit:forward(x, t) - reference(x, t, weights, avg)) <= 1e-12)
        assert.is_true(math.abs(crit:forward(x, t:double()) - reference(x, t, weights, avg)) <= 1e-12)
      end
    end
  end)
  it("equals nn.ClassNLLCriterion over the pixels", function()
    local x, t = rand(3, 5, 2, 4), targets(3, 5, 2, 4)
    local w = tocha.DoubleTensor(5):uniform(0.1, 2)
    local flat = nn.ClassNLLCriterion(w):forward(x:permute(1, 3, 4, 2):contiguous():view(-1, 5), t:view(-1))
    assert.is_true(math.abs(nn.SpatialClassNLLCriterion(w):forward(x, t) - flat) <= 1e-12)
  end)
  it("gradients match central differences", function()
    local x, t = rand(2, 3, 3, 2), targets(2, 3, 3, 2)
    assert.is_true(criterion_gradients(nn.SpatialClassNLLCriterion(), x, t) <= 1e-6)
    local w = tocha.DoubleTensor(3):uniform(0.1, 2)
    assert.is_true(criterion_gradients(nn.SpatialClassNLLCriterion(w, false), x, t) <= 1e-6)
  end)
  it("rejects bad input", function()
    local crit = nn.SpatialClassNLLCriterion()
    assert.has_error(function() crit:forward(rand(3, 2, 2), targets(1, 3, 2, 2)[1]) end)
    assert.has_error(function() crit:forward(rand(1, 3, 2, 2), targets(1, 3, 2, 3)) end,
      "nn.SpatialClassNLLCriterion: target must have size 1x2x2 (batch x height x width of the input 1x3x2x2), "
      .. "got 1x2x3")
    assert.has_error(function() crit:forward(rand(1, 3, 2, 2), 1) end)
    local bad = targets(1, 3, 2, 2)
    bad[1][1][1] = 4
    assert.has_error(function() crit:forward(rand(1, 3, 2, 2), bad) end)
    bad[1][1][1] = 0
    assert.has_error(function() crit:forward(rand(1, 3, 2, 2), bad) end)
    assert.has_error(function() nn.SpatialClassNLLCriterion(rand(2, 2)) end)
  end)
end)

describe("nn.SpatialDilatedMaxPooling", function()
  -- Torch7's loops: window rows hstart, hstart + dilationH, ... below min(hstart + span, H), from 0 on.
  local function reference(input, m)
    local x = batch(input)
    local H, W = x:size(3), x:size(4)
    local function len(n, k, d, pad, dil)
      local span = dil * (k - 1) + 1
      if m.ceil_mode then
        local o = math.ceil((n - span + 2 * pad) / d) + 1
        if pad > 0 and (o - 1) * d >= n + pad then o = o - 1 end
        return o
      end
      return math.floor((n - span + 2 * pad) / d) + 1
    end
    local oH, oW = len(H, m.kH, m.dH, m.padH, m.dilationH), len(W, m.kW, m.dW, m.padW, m.dilationW)
    local out = tocha.DoubleTensor(x:size(1), x:size(2), oH, oW)
    local idx = tocha.LongTensor(x:size(1), x:size(2), oH, oW)
    for n = 1, x:size(1) do for c = 1, x:size(2) do
      for i = 0, oH - 1 do for j = 0, oW - 1 do
        local hs, ws = i * m.dH - m.padH, j * m.dW - m.padW
        local he = math.min(hs + (m.kH - 1) * m.dilationH + 1, H)
        local we = math.min(ws + (m.kW - 1) * m.dilationW + 1, W)
        while hs < 0 do hs = hs + m.dilationH end
        while ws < 0 do ws = ws + m.dilationW end
        local best, at = -math.huge, 0
        for y = hs, he - 1, m.dilationH do for z = ws, we - 1, m.dilationW do
          local v = x[n][c][y + 1][z + 1]
          if v > best or v ~= v then best, at = v, y * W + z + 1 end
        end end
        out[n][c][i + 1][j + 1], idx[n][c][i + 1][j + 1] = best, at
      end end
    end end
    return input:dim() == 3 and out[1] or out, idx
  end
  local cases = {
    { 3, 2, 1, 1, 1, 0, 2, 1 }, { 2, 3, 2, 1, 0, 1, 1, 3 }, { 2, 2, 3, 2, 1, 1, 4, 2 }, { 1, 1, 1, 1, 0, 0, 1, 1 },
    { 3, 3 },
  }
  it("matches a reference loop (3-D and 4-D, floor and ceil)", function()
    for _, c in ipairs(cases) do
      for _, ceil in ipairs({ false, true }) do
        local m = nn.SpatialDilatedMaxPooling(table.unpack(c))
        if ceil then m:ceil() end
        for _, x in ipairs({ rand(2, 9, 10), rand(2, 3, 11, 8) }) do
          local want, idx = reference(x, m)
          assert.is_true(maxdiff(m:forward(x), want) == 0)
          assert.are.same(idx:totable(), m.indices:view(idx:size()):totable())
        end
      end
    end
  end)
  it("has Torch7's fields and equals SpatialMaxPooling without dilation", function()
    local m = nn.SpatialDilatedMaxPooling(3, 2)
    assert.are.same({ 3, 2, 3, 2, 0, 0, 1, 1 }, { m.kW, m.kH, m.dW, m.dH, m.padW, m.padH, m.dilationW, m.dilationH })
    local x = rand(2, 3, 8, 9)
    local p = nn.SpatialMaxPooling(3, 2, 2, 1, 1, 1):double()
    local d = nn.SpatialDilatedMaxPooling(3, 2, 2, 1, 1, 1)
    assert.is_true(maxdiff(d:forward(x), p:forward(x)) == 0)
    assert.are.same(p.indices:totable(), d.indices:totable())
  end)
  it("propagates NaN and keeps -inf inputs", function()
    local x = tocha.DoubleTensor({ { { 1, 0 / 0, 3, -math.huge } } })
    local m = nn.SpatialDilatedMaxPooling(2, 1, 2, 1)
    local y = m:forward(x)
    assert.is_true(y[1][1][1] ~= y[1][1][1])
    assert.are.equal(3, y[1][1][2])
    local z = nn.SpatialDilatedMaxPooling(2, 1, 2, 1):forward(tocha.DoubleTensor(1, 1, 2):fill(-math.huge))
    assert.are.equal(-math.huge, z[1][1][1])
  end)
  it("gives -inf and no gradient for a window wholly in the padding (Torch7's -inf)", function()
    -- rows -1 and 4 of a 4-row input: both in the padding
    local m = nn.SpatialDilatedMaxPooling(1, 2, 1, 1, 0, 1, 1, 5)
    local x = rand(1, 4, 3)
    local y = m:forward(x)
    assert.are.same({ 1, 1, 3 }, y:size():totable())
    assert.are.equal(-math.huge, y:max())
    assert.are.equal(0, m:backward(x, rand(1, 1, 3)):abs():max())
    local f = nn.SpatialDilatedMaxPooling(2, 2):float():forward(x:float())
    assert.are.equal("tocha.FloatTensor", tocha.type(f))
  end)
  it("gradients match central differences", function()
    for _, c in ipairs(cases) do
      assert.is_true(gradients(nn.SpatialDilatedMaxPooling(table.unpack(c)), rand(2, 7, 8)) <= 1e-6)
      assert.is_true(gradients(nn.SpatialDilatedMaxPooling(table.unpack(c)):ceil(), rand(2, 2, 8, 7)) <= 1e-6)
    end
  end)
  it("rejects bad input", function()
    assert.has_error(function() nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 0, 0, 0, 1) end)
    assert.has_error(function() nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 0, 0, 1, 1.5) end)
    assert.has_error(function() nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 2, 0) end)
    local m = nn.SpatialDilatedMaxPooling(3, 3, 1, 1, 0, 0, 3, 3)
    assert.has_error(function() m:forward(rand(1, 6, 6)) end)
    assert.has_error(function() m:forward(rand(6, 6)) end)
    local x = rand(1, 8, 8)
    m:forward(x)
    assert.has_error(function() m:backward(x, rand(1, 3, 3)) end)
  end)
end)
