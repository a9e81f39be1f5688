-- Winograd's F(2x2, kxk) convolution (src/core/nn/winograd.c) against
-- im2col + GEMM (itself checked against plain loops and central
-- differences in nn_spatial_spec.lua) and against a float64 computation.
local tocha = require "tocha"
local nn = require "tocha.nn"

local function rel(a, b)
  return (a:double() - b:double()):abs():max() / math.max(b:double():abs():max(), 1e-30)
end

local function pair(nin, nout, kw, kh, padw, padh)
  local a = nn.SpatialConvolution(nin, nout, kw, kh, 1, 1, padw, padh):setAlgorithm("gemm")
  return a, a:clone():setAlgorithm("winograd")
end

describe("SpatialConvolution with Winograd's algorithm", function()
  local cases = {
    { 32, 64, 5, 5, 2, 2, 4, 14, 14 }, { 3, 5, 3, 3, 1, 1, 2, 7, 9 }, { 4, 3, 5, 3, 0, 1, 3, 9, 6 },
    { 2, 2, 2, 4, 1, 3, 1, 5, 5 }, { 17, 18, 3, 3, 0, 0, 1, 3, 3 }, { 7, 9, 4, 5, 3, 2, 40, 6, 7 },
    { 5, 4, 5, 5, 4, 4, 2, 1, 1 },
  }
  for _, c in ipairs(cases) do
    local nin, nout, kw, kh, pw, ph, n, h, w = table.unpack(c)
    it(("equal im2col + GEMM: %d->%d, %dx%d kernel, pad %d,%d, %dx%dx%d"):format(nin, nout, kw, kh, pw, ph, n, h, w),
      function()
        tocha.manualSeed(11)
        local a, b = pair(nin, nout, kw, kh, pw, ph)
        local x = tocha.randn(n, nin, h, w)
        local ya, yb = a:forward(x), b:forward(x)
        assert.are.same(ya:size():totable(), yb:size():totable())
        local go = tocha.randn(ya:size())
        a:zeroGradParameters(); b:zeroGradParameters()
        local ga, gb = a:backward(x, go, 0.5), b:backward(x, go, 0.5)
        assert.is_true(rel(yb, ya) < 2e-5)
        assert.is_true(rel(gb, ga) < 2e-5)
        assert.is_true(rel(b.gradWeight, a.gradWeight) < 5e-5)
        assert.is_true(rel(b.gradBias, a.gradBias) < 1e-5)
        -- and closer to the float64 result than float rounding allows for
        local d = a:clone():double():setAlgorithm("gemm")
        assert.is_true(rel(yb, d:forward(x:double())) < 2e-5)
      end)
  end

  it("is what auto picks for the CNN's second convolution, and gives its values", function()
    tocha.manualSeed(2)
    local auto = nn.SpatialConvolution(32, 64, 5, 5, 1, 1, 2, 2)
    local gemm = auto:clone():setAlgorithm("gemm")
    local x = tocha.randn(3, 32, 14, 14)
    assert.is_true(rel(auto:forward(x), gemm:forward(x)) < 2e-5)
    -- separate updateGradInput and accGradParameters agree with backward
    local go = tocha.randn(3, 64, 14, 14)
    local gi = auto:updateGradInput(x, go):clone()
    auto:zeroGradParameters(); auto:accGradParameters(x, go)
    gemm:zeroGradParameters(); gemm:backward(x, go)
    assert.is_true(rel(gi, gemm.gradInput) < 2e-5)
    assert.is_true(rel(auto.gradWeight, gemm.gradWeight) < 5e-5)
  end)

  it("gives the same values on 1 and 2 threads", function()
    tocha.manualSeed(5)
    local _, b = pair(16, 16, 3, 3, 1, 1)
    local x = tocha.randn(9, 16, 20, 20)
    local before = tocha.getnumthreads()
    tocha.setnumthreads(1)
    local y1 = b:forward(x):clone()
    tocha.setnumthreads(2)
    local y2 = b:forward(x):clone()
    tocha.setnumthreads(before)
    assert.is_true(y1:equal(y2))
  end)

  it("rejects an unknown algorithm", function()
    local m = nn.SpatialConvolution(2, 2, 3, 3)
    assert.has_error(function() m:setAlgorithm("fft") end,
      "nn.SpatialConvolution:setAlgorithm: bad argument #1 (expected 'auto', 'gemm' or 'winograd', got fft)")
    m.algorithm = "fft"
    assert.has_error(function() m:forward(tocha.randn(2, 5, 5)) end)
  end)
end)
