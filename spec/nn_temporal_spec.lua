-- The temporal family (TemporalConvolution, TemporalMaxPooling,
-- TemporalSubSampling) and the simplest volumetric modules: outputs
-- against plain loops written here, gradients against central differences
-- in float64, batch against one sequence, and bad input.
local tocha = require "tocha"
local nn = require "tocha.nn"
local gradients = require("gradcheck").module

local function rand(...) return tocha.DoubleTensor(...):uniform(-1, 1) end

-- Runs f(seq, out, b) on each sequence of a 2-D or 3-D input (b: batch index).
local function each_sequence(input, output, f)
  if input:dim() == 2 then return f(input, output) end
  for b = 1, input:size(1) do f(input[b], output[b]) end
end

local function max_diff(a, b)
  return (a:double() - b:double()):abs():max()
end

describe("nn.TemporalConvolution", function()
  -- out[t][o] = bias[o] + sum_k,i w[o][(k-1)F + i] in[(t-1)dW + k][i]
  local function reference(m, input)
    local F, O, kW, dW = m.inputFrameSize, m.outputFrameSize, m.kW, m.dW
    local nIn = input:size(input:dim() - 1)
    local nOut = (nIn - kW) // dW + 1
    local out = input:dim() == 2 and tocha.DoubleTensor(nOut, O) or tocha.DoubleTensor(input:size(1), nOut, O)
    each_sequence(input, out, function(seq, o)
      for t = 1, nOut do
        for j = 1, O do
          local s = m.bias[j]
          for k = 1, kW do
            for i = 1, F do s = s + m.weight[j][(k - 1) * F + i] * seq[(t - 1) * dW + k][i] end
          end
          o[t][j] = s
        end
      end
    end)
    return out
  end

  it("has Torch7's fields and initialisation", function()
    local m = nn.TemporalConvolution(3, 4, 5, 2)
    assert.are.same({ 4, 15 }, m.weight:size():totable())
    assert.are.same({ 4 }, m.bias:size():totable())
    assert.are.same({ 4, 15 }, m.gradWeight:size():totable())
    assert.are.equal(3, m.inputFrameSize); assert.are.equal(4, m.outputFrameSize)
    assert.are.equal(5, m.kW); assert.are.equal(2, m.dW)
    local stdv = 1 / math.sqrt(15)
    assert.is_true(m.weight:abs():max() <= stdv and m.bias:abs():max() <= stdv)
    assert.are.equal(1, nn.TemporalConvolution(3, 4, 5).dW)
    assert.are.equal("nn.TemporalConvolution(3 -> 4, 5, 2)", tostring(m))
  end)

  it("matches a plain loop, 2-D and batch, strides below and above the kernel", function()
    for _, c in ipairs { { 3, 4, 3, 1, 9 }, { 2, 5, 2, 3, 10 }, { 1, 1, 1, 1, 1 }, { 4, 2, 4, 2, 4 } } do
      local m = nn.TemporalConvolution(c[1], c[2], c[3], c[4]):double()
      local x = rand(c[5], c[1])
      assert.is_true(max_diff(m:forward(x), reference(m, x)) < 1e-12)
      local xb = rand(3, c[5], c[1])
      assert.is_true(max_diff(m:forward(xb), reference(m, xb)) < 1e-12)
    end
    -- float too
    local m = nn.TemporalConvolution(3, 2, 2, 1)
    local x = tocha.FloatTensor(6, 3):uniform(-1, 1)
    assert.is_true(max_diff(m:forward(x), reference(m:clone():double(), x:double())) < 1e-5)
  end)

  it("has gradients matching central differences (input, weight, bias)", function()
    for _, c in ipairs { { 3, 4, 3, 1, 8 }, { 2, 3, 2, 3, 9 } } do
      local m = nn.TemporalConvolution(c[1], c[2], c[3], c[4])
      assert.is_true(gradients(m, rand(c[5], c[1])) <= 1e-6)
      assert.is_true(gradients(m, rand(2, c[5], c[1])) <= 1e-6)
    end
  end)

  it("agrees between a batch and one sequence", function()
    local m = nn.TemporalConvolution(3, 2, 3, 2):double()
    local x = rand(4, 11, 3)
    local out = m:forward(x):clone()
    local go = rand(out:size())
    local gi = m:backward(x, go):clone()
    local out1 = m:forward(x[2]):clone()
    local gi1 = m:backward(x[2], go[2]):clone()
    assert.is_true(max_diff(out[2], out1) < 1e-12)
    assert.is_true(max_diff(gi[2], gi1) < 1e-12)
  end)

  it("accumulates parameter gradients with the scale", function()
    local m = nn.TemporalConvolution(2, 2, 2, 1):double()
    local x = rand(5, 2)
    local go = rand(4, 2)
    m:zeroGradParameters()
    m:forward(x); m:backward(x, go, 1)
    local gw, gb = m.gradWeight:clone(), m.gradBias:clone()
    m:backward(x, go, 0.5)
    assert.is_true(max_diff(m.gradWeight, gw * 1.5) < 1e-12)
    assert.is_true(max_diff(m.gradBias, gb * 1.5) < 1e-12)
  end)

  it("rejects bad arguments and input", function()
    assert.has_error(function() nn.TemporalConvolution(0, 2, 2) end,
      "nn.TemporalConvolution: inputFrameSize must be a positive integer, got 0")
    assert.has_error(function() nn.TemporalConvolution(2, 2, 1.5) end,
      "nn.TemporalConvolution: kW must be a positive integer, got 1.5")
    assert.has_error(function() nn.TemporalConvolution(2, 2, 2, 0) end,
      "nn.TemporalConvolution: dW must be a positive integer, got 0")
    local m = nn.TemporalConvolution(3, 2, 4)
    assert.has_error(function() m:forward(tocha.Tensor(3, 3)) end,
      "nn.TemporalConvolution: input sequence smaller than kernel size: got 3 frames, expected at least 4")
    assert.has_error(function() m:forward(tocha.Tensor(5, 2)) end,
      "nn.TemporalConvolution: invalid input frame size: got 2, expected 3")
    assert.has_error(function() m:forward(tocha.Tensor(5)) end,
      "nn.TemporalConvolution: input must be 2D (nFrame x frameSize) or 3D (batch x nFrame x frameSize), "
      .. "got size 5")
    assert.has_error(function() m:forward(tocha.LongTensor(5, 3)) end,
      "nn.TemporalConvolution: input must be a FloatTensor or DoubleTensor, got a LongTensor")
    assert.has_error(function() m:forward("x") end, "nn.TemporalConvolution: input must be a tensor, got string")
    local x = tocha.Tensor(6, 3):uniform()
    m:forward(x)
    assert.has_error(function() m:backward(x, tocha.Tensor(2, 2)) end,
      "nn.TemporalConvolution: gradOutput must have the output's size 3x2, got size 2x2")
  end)
end)

describe("nn.TemporalMaxPooling", function()
  -- out[t][i] = max_k in[(t-1)dW + k][i]; index: the first k of the max, 0-based.
  local function reference(kW, dW, input)
    local nIn, F = input:size(input:dim() - 1), input:size(input:dim())
    local nOut = (nIn - kW) // dW + 1
    local size = input:dim() == 2 and { nOut, F } or { input:size(1), nOut, F }
    local out, idx = tocha.DoubleTensor(table.unpack(size)), tocha.LongTensor(table.unpack(size))
    local function one(seq, o, ix)
      for t = 1, nOut do
        for i = 1, F do
          local best, at = -math.huge, -1
          for k = 1, kW do
            local v = seq[(t - 1) * dW + k][i]
            if v > best or (v ~= v and best == best) then best, at = v, k - 1 end
          end
          o[t][i], ix[t][i] = best, at
        end
      end
    end
    if input:dim() == 2 then one(input, out, idx) else
      for b = 1, input:size(1) do one(input[b], out[b], idx[b]) end
    end
    return out, idx
  end

  it("matches a plain loop (values and 0-based indices), 2-D and batch", function()
    for _, c in ipairs { { 3, 1, 9, 2 }, { 2, 2, 8, 3 }, { 5, 3, 14, 1 }, { 1, 1, 3, 2 }, { 4, nil, 9, 2 } } do
      local m = nn.TemporalMaxPooling(c[1], c[2])
      assert.are.equal(c[2] or c[1], m.dW)
      for _, x in ipairs { rand(c[3], c[4]), rand(2, c[3], c[4]) } do
        local out, idx = reference(c[1], m.dW, x)
        assert.are.equal(0, max_diff(m:forward(x), out))
        assert.are.equal("tocha.LongTensor", tocha.type(m.indices))
        assert.are.equal(0, max_diff(m.indices, idx))
      end
    end
  end)

  it("takes the first maximum on ties and propagates NaN", function()
    local m = nn.TemporalMaxPooling(3, 1)
    local x = tocha.DoubleTensor { { 1 }, { 2 }, { 2 }, { 0 / 0 }, { 1 } }
    local out = m:forward(x)
    assert.are.equal(2, out[1][1])
    assert.are.equal(1, m.indices[1][1])
    assert.is_true(out[2][1] ~= out[2][1] and out[3][1] ~= out[3][1])
    assert.are.same({ 2, 1 }, { m.indices[2][1], m.indices[3][1] })
    local gi = m:backward(x, tocha.DoubleTensor(3, 1):fill(1))
    assert.are.same({ 0, 1, 0, 2, 0 }, { gi[1][1], gi[2][1], gi[3][1], gi[4][1], gi[5][1] })
  end)

  it("routes gradients to the maxima (central differences), overlapping windows add", function()
    assert.is_true(gradients(nn.TemporalMaxPooling(3, 1), rand(10, 3)) <= 1e-6)
    assert.is_true(gradients(nn.TemporalMaxPooling(2, 3), rand(2, 11, 2)) <= 1e-6)
    local m = nn.TemporalMaxPooling(3, 2)
    local x = rand(3, 9, 2)
    local go = rand(m:forward(x):size())
    local gi = m:backward(x, go):clone()
    local out1 = m:forward(x[2]):clone()
    assert.is_true(max_diff(m:forward(x)[2], out1) == 0)
    m:forward(x[2])
    assert.are.equal(0, max_diff(m:backward(x[2], go[2]), gi[2]))
    assert.are.equal("nn.TemporalMaxPooling(3, 2)", tostring(m))
  end)

  it("rejects bad arguments and input", function()
    assert.has_error(function() nn.TemporalMaxPooling(0) end,
      "nn.TemporalMaxPooling: kW must be a positive integer, got 0")
    assert.has_error(function() nn.TemporalMaxPooling(2, -1) end,
      "nn.TemporalMaxPooling: dW must be a positive integer, got -1")
    local m = nn.TemporalMaxPooling(4)
    assert.has_error(function() m:forward(tocha.Tensor(3, 3)) end,
      "nn.TemporalMaxPooling: input sequence smaller than kernel size: got 3 frames, expected at least 4")
    assert.has_error(function() m:forward(tocha.Tensor(2, 2, 2, 2)) end,
      "nn.TemporalMaxPooling: input must be 2D (nFrame x frameSize) or 3D (batch x nFrame x frameSize), "
      .. "got size 2x2x2x2")
    local x = rand(8, 3)
    m:forward(x)
    assert.has_error(function() m:backward(x, tocha.DoubleTensor(3, 3)) end,
      "nn.TemporalMaxPooling: gradOutput must have the output's size 2x3, got size 3x3")
    assert.has_error(function() m:backward(rand(2, 8, 3), tocha.DoubleTensor(2, 2, 3)) end,
      "nn.TemporalMaxPooling: updateGradInput called before updateOutput on this input")
  end)
end)

describe("nn.TemporalSubSampling", function()
  local function reference(m, input)
    local F, kW, dW = m.inputFrameSize, m.kW, m.dW
    local nOut = (input:size(input:dim() - 1) - kW) // dW + 1
    local out = input:dim() == 2 and tocha.DoubleTensor(nOut, F) or tocha.DoubleTensor(input:size(1), nOut, F)
    each_sequence(input, out, function(seq, o)
      for t = 1, nOut do
        for i = 1, F do
          local s = 0
          for k = 1, kW do s = s + seq[(t - 1) * dW + k][i] end
          o[t][i] = m.bias[i] + m.weight[i] * s
        end
      end
    end)
    return out
  end

  it("has Torch7's fields and initialisation", function()
    local m = nn.TemporalSubSampling(3, 4, 2)
    assert.are.same({ 3 }, m.weight:size():totable())
    assert.are.same({ 3 }, m.gradBias:size():totable())
    assert.is_true(m.weight:abs():max() <= 0.5 and m.bias:abs():max() <= 0.5)
    assert.are.equal(1, nn.TemporalSubSampling(3, 4).dW)
    assert.are.equal("nn.TemporalSubSampling(3, 4, 2)", tostring(m))
  end)

  it("matches a plain loop, 2-D and batch", function()
    for _, c in ipairs { { 3, 3, 1, 9 }, { 2, 2, 3, 10 }, { 1, 1, 1, 1 }, { 4, 4, 2, 5 } } do
      local m = nn.TemporalSubSampling(c[1], c[2], c[3]):double()
      local x = rand(c[4], c[1])
      assert.is_true(max_diff(m:forward(x), reference(m, x)) < 1e-12)
      local xb = rand(2, c[4], c[1])
      assert.is_true(max_diff(m:forward(xb), reference(m, xb)) < 1e-12)
    end
  end)

  it("has gradients matching central differences (input, weight, bias)", function()
    assert.is_true(gradients(nn.TemporalSubSampling(3, 3, 1), rand(8, 3)) <= 1e-6)
    assert.is_true(gradients(nn.TemporalSubSampling(2, 2, 3), rand(9, 2)) <= 1e-6)
    assert.is_true(gradients(nn.TemporalSubSampling(2, 3, 2), rand(2, 9, 2)) <= 1e-6)
  end)

  it("rejects bad arguments and input", function()
    assert.has_error(function() nn.TemporalSubSampling(2, 0) end,
      "nn.TemporalSubSampling: kW must be a positive integer, got 0")
    local m = nn.TemporalSubSampling(3, 4)
    assert.has_error(function() m:forward(tocha.Tensor(3, 3)) end,
      "nn.TemporalSubSampling: input sequence smaller than kernel size: got 3 frames, expected at least 4")
    assert.has_error(function() m:forward(tocha.Tensor(5, 2)) end,
      "nn.TemporalSubSampling: invalid input frame size: got 2, expected 3")
    local x = rand(6, 3)
    m:double():forward(x)
    assert.has_error(function() m:backward(x, rand(2, 3)) end,
      "nn.TemporalSubSampling: gradOutput must have the output's size 3x3, got size 2x3")
  end)
end)

describe("nn.VolumetricBatchNormalization", function()
  -- Per plane c: mean and biased variance over (n, d, h, w); y = (x - mean) / sqrt(var + eps) * w + b.
  local function reference(m, x)
    local N, C, D, H, W = table.unpack(x:size():totable())
    local out = tocha.DoubleTensor(N, C, D, H, W)
    local means, vars = {}, {}
    for c = 1, C do
      local s, cnt = 0, N * D * H * W
      for n = 1, N do for d = 1, D do for h = 1, H do for w = 1, W do s = s + x[n][c][d][h][w] end end end end
      local mean = s / cnt
      local v = 0
      for n = 1, N do for d = 1, D do for h = 1, H do for w = 1, W do
        v = v + (x[n][c][d][h][w] - mean) ^ 2 end end end end
      means[c], vars[c] = mean, v / cnt
      local inv = 1 / math.sqrt(v / cnt + m.eps)
      for n = 1, N do for d = 1, D do for h = 1, H do for w = 1, W do
        out[n][c][d][h][w] = (x[n][c][d][h][w] - mean) * inv * m.weight[c] + m.bias[c] end end end end
    end
    return out, means, vars, N * D * H * W
  end

  it("normalizes each plane over the batch and the volume, and moves the running statistics", function()
    local m = nn.VolumetricBatchNormalization(3, 1e-3, 0.2):double()
    local x = rand(2, 3, 2, 3, 4)
    local want, means, vars, cnt = reference(m, x)
    assert.is_true(max_diff(m:forward(x), want) < 1e-12)
    for c = 1, 3 do
      assert.is_true(math.abs(m.running_mean[c] - 0.2 * means[c]) < 1e-12)
      assert.is_true(math.abs(m.running_var[c] - (0.8 + 0.2 * vars[c] * cnt / (cnt - 1))) < 1e-12)
    end
    assert.are.equal("nn.VolumetricBatchNormalization (5D) (3)", tostring(m))
  end)

  it("has gradients matching central differences, training and evaluating", function()
    local m = nn.VolumetricBatchNormalization(2)
    assert.is_true(gradients(m, rand(2, 2, 2, 2, 3)) <= 1e-6)
    m:evaluate()
    assert.is_true(gradients(m, rand(2, 2, 2, 3, 2)) <= 1e-6)
    assert.is_true(gradients(nn.VolumetricBatchNormalization(2, nil, nil, false), rand(3, 2, 1, 2, 2)) <= 1e-6)
  end)

  it("evaluates one volume without its batch dimension like a batch of one", function()
    local m = nn.VolumetricBatchNormalization(2):double()
    m:forward(rand(3, 2, 2, 2, 2))
    m:evaluate()
    local x = rand(2, 3, 2, 2)
    local out = m:forward(x):clone()
    assert.are.same({ 2, 3, 2, 2 }, out:size():totable())
    local go = rand(2, 3, 2, 2)
    local gi = m:backward(x, go):clone()
    assert.are.same({ 2, 3, 2, 2 }, gi:size():totable())
    local xb = x:view(1, 2, 3, 2, 2)
    assert.are.equal(0, max_diff(m:forward(xb):view(2, 3, 2, 2), out))
    assert.are.equal(0, max_diff(m:backward(xb, go:view(1, 2, 3, 2, 2)):view(2, 3, 2, 2), gi))
    assert.is_true(gradients(m, x) <= 1e-6)
  end)

  it("rejects bad input", function()
    local m = nn.VolumetricBatchNormalization(2)
    assert.has_error(function() m:forward(tocha.Tensor(2, 2, 3, 3)) end,
      "nn.VolumetricBatchNormalization: input must be 5D (batch x planes x depth x height x width), got size 2x2x3x3")
    assert.has_error(function() m:forward(tocha.Tensor(2, 3, 2, 2, 2)) end)
    m:evaluate()
    local x = tocha.Tensor(2, 2, 2, 2):uniform()
    m:forward(x)
    assert.has_error(function() m:backward(x, tocha.Tensor(2, 2, 4)) end,
      "nn.VolumetricBatchNormalization: gradOutput must have the input's size 2x2x2x2, got size 2x2x4")
  end)
end)

describe("nn.VolumetricAveragePooling", function()
  -- out[..][t][y][x] = mean over the window at ((t-1)dT, (y-1)dH, (x-1)dW).
  local function reference(m, input)
    local x = input:dim() == 4 and input:view(1, table.unpack(input:size():totable())) or input
    local N, C, T, H, W = table.unpack(x:size():totable())
    local oT, oH, oW = (T - m.kT) // m.dT + 1, (H - m.kH) // m.dH + 1, (W - m.kW) // m.dW + 1
    local out = tocha.DoubleTensor(N, C, oT, oH, oW)
    for n = 1, N do for c = 1, C do for t = 1, oT do for y = 1, oH do for z = 1, oW do
      local s = 0
      for a = 1, m.kT do for b = 1, m.kH do for e = 1, m.kW do
        s = s + x[n][c][(t - 1) * m.dT + a][(y - 1) * m.dH + b][(z - 1) * m.dW + e]
      end end end
      out[n][c][t][y][z] = s / (m.kT * m.kH * m.kW)
    end end end end end
    return input:dim() == 4 and out[1] or out
  end

  it("matches a plain loop and has Torch7's fields", function()
    local m = nn.VolumetricAveragePooling(2, 3, 2, 1, 2, 1)
    assert.are.same({ 2, 3, 2, 1, 2, 1 }, { m.kT, m.kW, m.kH, m.dT, m.dW, m.dH })
    for _, x in ipairs { rand(2, 4, 5, 7), rand(2, 3, 3, 4, 5) } do
      assert.is_true(max_diff(m:forward(x), reference(m, x)) < 1e-12)
    end
    local d = nn.VolumetricAveragePooling(2, 2, 2)
    assert.are.same({ 2, 2, 2 }, { d.dT, d.dW, d.dH })
    local x = rand(1, 5, 4, 6)
    assert.is_true(max_diff(d:forward(x), reference(d, x)) < 1e-12)
    assert.are.equal("nn.VolumetricAveragePooling(2,3,2,1,2,1)", tostring(m))
  end)

  it("has gradients matching central differences", function()
    assert.is_true(gradients(nn.VolumetricAveragePooling(2, 2, 3, 1, 2, 1), rand(2, 3, 4, 5)) <= 1e-6)
    assert.is_true(gradients(nn.VolumetricAveragePooling(2, 2, 2, 2, 1, 3), rand(2, 1, 4, 5, 3)) <= 1e-6)
  end)

  it("rejects bad arguments and input", function()
    assert.has_error(function() nn.VolumetricAveragePooling(2, 0, 2) end,
      "nn.VolumetricAveragePooling: kW must be a positive integer, got 0")
    local m = nn.VolumetricAveragePooling(2, 2, 2)
    assert.has_error(function() m:forward(tocha.Tensor(2, 2, 2)) end,
      "nn.VolumetricAveragePooling: input must be 4D (planes x time x height x width) or 5D (batch x planes x "
      .. "time x height x width), got size 2x2x2")
    assert.has_error(function() m:forward(tocha.Tensor(1, 1, 2, 2)) end,
      "nn.VolumetricAveragePooling: input volume 1x1x2x2 is smaller than the kernel 2x2x2")
    local x = rand(1, 2, 2, 2)
    m:forward(x)
    assert.has_error(function() m:backward(x, rand(1, 1, 2, 1)) end,
      "nn.VolumetricAveragePooling: gradOutput must have the output's size 1x1x1x1, got size 1x1x2x1")
  end)
end)

describe("nn.VolumetricMaxPooling", function()
  -- The maximum over the window's positions inside the input (the padding
  -- is -inf), its first 0-based offset (a * kH + b) * kW + c.
  local function reference(m, input, oT, oH, oW)
    local x = input:dim() == 4 and input:view(1, table.unpack(input:size():totable())) or input
    local N, C, T, H, W = table.unpack(x:size():totable())
    local out, idx = tocha.DoubleTensor(N, C, oT, oH, oW), tocha.LongTensor(N, C, oT, oH, oW)
    for n = 1, N do for c = 1, C do for t = 1, oT do for y = 1, oH do for z = 1, oW do
      local best, at = -math.huge, 0
      for a = 1, m.kT do for b = 1, m.kH do for e = 1, m.kW do
        local tt, yy, zz = (t - 1) * m.dT - m.padT + a, (y - 1) * m.dH - m.padH + b, (z - 1) * m.dW - m.padW + e
        if tt >= 1 and yy >= 1 and zz >= 1 and tt <= T and yy <= H and zz <= W then
          local v = x[n][c][tt][yy][zz]
          if v > best then best, at = v, ((a - 1) * m.kH + (b - 1)) * m.kW + (e - 1) end
        end
      end end end
      out[n][c][t][y][z], idx[n][c][t][y][z] = best, at
    end end end end end
    if input:dim() == 4 then return out[1], idx[1] end
    return out, idx
  end

  it("matches a plain loop (values and indices), with padding, 4-D and batch", function()
    local m = nn.VolumetricMaxPooling(3, 2, 3, 2, 1, 2, 1, 1, 1)
    assert.are.same({ 3, 2, 3, 2, 1, 2, 1, 1, 1 }, { m.kT, m.kW, m.kH, m.dT, m.dW, m.dH, m.padT, m.padW, m.padH })
    for _, x in ipairs { rand(2, 5, 6, 4), rand(2, 2, 6, 5, 3) } do
      local d = x:dim() - 2
      local oT = (x:size(d) + 2 - 3) // 2 + 1
      local oH = (x:size(d + 1) + 2 - 3) // 2 + 1
      local oW = (x:size(d + 2) + 2 - 2) // 1 + 1
      local out, idx = reference(m, x, oT, oH, oW)
      assert.are.equal(0, max_diff(m:forward(x), out))
      assert.are.equal(0, max_diff(m.indices, idx))
    end
    assert.are.equal("nn.VolumetricMaxPooling(3,2,3,2,1,2,1,1,1)", tostring(m))
    assert.are.equal("nn.VolumetricMaxPooling(2,2,2,2,2,2)", tostring(nn.VolumetricMaxPooling(2, 2, 2)))
  end)

  it("rounds up after :ceil() (Torch7's boundary case)", function()
    local m = nn.VolumetricMaxPooling(2, 2, 2, 2, 2, 2):ceil()
    local x = rand(3, 2, 7, 7)
    local out = m:forward(x)
    assert.are.same({ 3, 1, 4, 4 }, out:size():totable())
    local want = reference(m, x, 1, 4, 4)
    assert.are.equal(0, max_diff(out, want))
    m:floor()
    assert.are.same({ 3, 1, 3, 3 }, m:forward(x):size():totable())
  end)

  it("has gradients matching central differences", function()
    assert.is_true(gradients(nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1), rand(2, 3, 3, 4)) <= 1e-6)
    assert.is_true(gradients(nn.VolumetricMaxPooling(3, 2, 2, 2, 1, 2, 1, 1, 0), rand(2, 1, 4, 3, 4)) <= 1e-6)
    assert.is_true(gradients(nn.VolumetricMaxPooling(2, 2, 2, 2, 2, 2):ceil(), rand(1, 3, 5, 5)) <= 1e-6)
  end)

  it("rejects bad arguments and input", function()
    assert.has_error(function() nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1, 2) end,
      "nn.VolumetricMaxPooling: padT should be at most half the kernel size, got 2 for a kernel of 2")
    assert.has_error(function() nn.VolumetricMaxPooling(2, 2, 0) end,
      "nn.VolumetricMaxPooling: kH must be a positive integer, got 0")
    local m = nn.VolumetricMaxPooling(2, 2, 2)
    assert.has_error(function() m:forward(tocha.Tensor(1, 1, 2, 2)) end,
      "nn.VolumetricMaxPooling: input volume 1x1x2x2 is smaller than the kernel 2x2x2")
    local x = rand(1, 2, 2, 2)
    m:forward(x)
    assert.has_error(function() m:backward(x, rand(1, 2, 1, 1)) end,
      "nn.VolumetricMaxPooling: gradOutput must have the output's size 1x1x1x1, got size 1x2x1x1")
  end)
end)
