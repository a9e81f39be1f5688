-- nn.Dropout and nn.SpatialDropout: the chapter's module, checked exactly
-- and statistically.
local tocha = require "tocha"
local nn = require "tocha.nn"

local function assert_error(pattern, f)
  local ok, err = pcall(f)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

local QUICK = os.getenv("TOCHA_SPEC_QUICK") ~= nil -- set for the valgrind run

-- A pure-Lua Philox4x32-10 (Lua 5.4 integers wrap modulo 2^64, so the
-- 32x32-bit products are exact): lanes x0..x3 of block `block` keyed by seed.
local function philox(seed, block, c3)
  local M, W0, W1 = 0xFFFFFFFF, 0x9E3779B9, 0xBB67AE85
  local c0, c1, c2 = block & M, (block >> 32) & M, 0
  c3 = c3 or 0
  local k0, k1 = seed & M, (seed >> 32) & M
  for _ = 1, 10 do
    local p0, p1 = 0xD2511F53 * c0, 0xCD9E8D57 * c2
    c0, c1, c2, c3 = ((p1 >> 32) ~ c1 ~ k0) & M, p1 & M, ((p0 >> 32) ~ c3 ~ k1) & M, p0 & M
    k0, k1 = (k0 + W0) & M, (k1 + W1) & M
  end
  return { c0, c1, c2, c3 }
end

-- Does the scheme of src/tocha_dropout.h keep element k (0-based) of a call
-- made at generator state (seed, offset) with probability p?  Tiles of 128:
-- k = 128 t + 32 L + 2 j + h draws the 16-bit half h (0: low) of lane L of
-- block offset + 16 t + j, and keeps it iff it is below T = floor((1 - p) 2^16),
-- or, when (1 - p) 2^16 is not an integer, it is 0xFFFF and the 64-bit extra
-- draw (lanes 1 and 2, low first, of the block with counter
-- {offset + 16 t, 0, 1 + r}) is below the fraction ((1 - p) 2^16 - T) 2^64.
local function reference_keep(seed, offset, k, p)
  local t, r = k // 128, k % 128
  local lane, j, half = r // 32, (r % 32) // 2, r % 2
  local x = philox(seed, offset + 16 * t + j)[lane + 1]
  local u, scaled = (x >> (16 * half)) & 0xFFFF, (1 - p) * 65536
  local thr = math.floor(scaled)
  if u < thr then return 1 end
  if u ~= 0xFFFF or scaled == thr then return 0 end
  local frac = (scaled - thr) * 2 ^ 64 -- compared as two 32-bit halves
  local e = philox(seed, offset + 16 * t, 1 + r)
  local fhi = math.floor(frac / 2 ^ 32)
  local flo = math.floor(frac - fhi * 2 ^ 32)
  return (e[2] < fhi or (e[2] == fhi and e[1] < flo)) and 1 or 0
end

local function count_zeros(t)
  local zeros = 0
  for _, v in ipairs(t:clone():view(-1):totable()) do
    if v == 0 then zeros = zeros + 1 end
  end
  return zeros
end

describe("nn.Dropout", function()
  before_each(function() tocha.manualSeed(2024) end)

  it("behaves as Torch7's documentation example", function()
    local module = nn.Dropout()
    local x = tocha.Tensor({ { 1, 2, 3, 4 }, { 5, 6, 7, 8 } })
    local y = module:forward(x)
    local mask = module:mask()
    for i = 1, 2 do
      for j = 1, 4 do
        local expected = mask[i][j] == 1 and x[i][j] * 2 or 0
        assert.are.equal(expected, y[i][j])
      end
    end
    local g = module:backward(x, x:clone():fill(1))
    for i = 1, 2 do
      for j = 1, 4 do assert.are.equal(mask[i][j] * 2, g[i][j]) end
    end
    module:evaluate()
    assert.are.same(x:totable(), module:forward(x):totable())
    assert.are.same(x:totable(), module:backward(x, x):totable())
  end)

  it("zeroes a fraction p of 1e6 units and preserves the mean", function()
    for _, p in ipairs({ 0.2, 0.5, 0.8 }) do
      local n = 1000000
      local x = tocha.DoubleTensor(n):fill(1)
      local y = nn.Dropout(p):forward(x)
      local zeros = count_zeros(y)
      local sd = math.sqrt(n * p * (1 - p))
      assert.is_true(math.abs(zeros - n * p) < 5 * sd, ("p=%g: %d zeros"):format(p, zeros))
      -- survivors are scaled by 1/(1-p), so the mean stays 1 within 5 sd
      local mean_sd = math.sqrt(p / (1 - p) / n)
      assert.is_true(math.abs(y:sum() / n - 1) < 5 * mean_sd, ("p=%g: mean %g"):format(p, y:sum() / n))
    end
  end)

  it("backward reuses the forward mask: gradInput = gradOutput * mask / (1-p)", function()
    local m = nn.Dropout(0.25)
    local x = tocha.rand(50, 40)
    m:forward(x)
    local mask = m:mask():double()
    local gradOutput = tocha.randn(50, 40)
    local g = m:backward(x, gradOutput):double()
    local expected = gradOutput:double():cmul(mask):div(0.75)
    assert.is_true((g - expected):abs():max() < 1e-6)
    -- and the output used the same mask
    local out = m.output:double()
    assert.is_true((out - x:double():cmul(mask):div(0.75)):abs():max() < 1e-6)
  end)

  it("masks repeat after the same seed, and differ after another", function()
    local x = tocha.ones(1000)
    tocha.manualSeed(7)
    local a = nn.Dropout(0.5):forward(x):clone()
    tocha.manualSeed(7)
    local b = nn.Dropout(0.5):forward(x):clone()
    assert.are.same(a:totable(), b:totable())
    tocha.manualSeed(8)
    assert.are_not.same(a:totable(), nn.Dropout(0.5):forward(x):totable())
  end)

  it("draws exactly the mask of the documented scheme (src/tocha_dropout.h)", function()
    -- seeds with high bits, offsets whose low word wraps inside a tile, and
    -- the wrap of the 64-bit block index
    for _, case in ipairs({ { 99, 0, 0.3, 1001 }, { 0x0123456789ABCDEF, 0xFFFFFFF8, 0.5, 300 },
      { -7, -21, 0.8, 129 }, { 5, 3, 0.1234, 64 },
      -- large p: about 3 draws at the threshold's edge, decided by their extra draw
      { 11, 40, 0.99999, 200000 } }) do
      local seed, offset, p, n = case[1], case[2], case[3], case[4]
      tocha.setRNGState({ seed, offset })
      local m = nn.Dropout(p)
      m:forward(tocha.ones(n))
      local mask = m:mask()
      for k = 0, n - 1 do
        local want = reference_keep(seed, offset, k, p)
        if mask[k + 1] ~= want then
          error(("seed %d offset %d p %g: element %d is %d, the scheme says %d"):format(seed, offset, p, k,
            mask[k + 1], want))
        end
      end
      -- 16 blocks per started tile of 128 elements
      assert.are.same({ seed, offset + 16 * ((n + 127) // 128) }, tocha.getRNGState())
      -- bits past the last element are 0
      if n % 8 ~= 0 then assert.are.equal(0, m.maskBits[m.maskBits:nElement()] >> (n % 8)) end
    end
  end)

  it("draws the same mask on 1, 2 and 3 threads", function()
    local saved = tocha.getnumthreads()
    local n = QUICK and 300001 or 1000003 -- >= 128K elements run on several threads
    local x = tocha.FloatTensor(n):fill(1)
    local masks = {}
    for threads = 1, 3 do
      tocha.setnumthreads(threads)
      tocha.setRNGState({ 42, 7 })
      local m = nn.Dropout(0.5)
      local y = m:forward(x)
      masks[threads] = m.maskBits:clone()
      assert.are.equal(y:sum(), 2 * (n - count_zeros(y)))
    end
    tocha.setnumthreads(saved)
    for threads = 2, 3 do
      assert.are.equal(0, masks[threads]:ne(masks[1]):sum(), threads .. " threads")
    end
    -- and they follow the scheme: elements around the pieces' boundaries and a
    -- sample of the rest, checked against the pure-Lua reference
    local function check(k)
      local bit = (masks[1][k // 8 + 1] >> (k % 8)) & 1
      assert.are.equal(reference_keep(42, 7, k, 0.5), bit, "element " .. k)
    end
    for k = 0, n - 1, 4999 do check(k) end
    for piece = 1, 12 do
      local b = (n // 128 * piece // 12) * 128
      for k = math.max(b - 3, 0), math.min(b + 3, n - 1) do check(k) end
    end
    check(n - 1)
  end)

  it("p = 0 is an exact identity", function()
    local x = tocha.randn(7, 9)
    local m = nn.Dropout(0)
    assert.are.same(x:totable(), m:forward(x):totable())
    assert.are.same(x:totable(), m:backward(x, x):totable())
  end)

  it("v1 scales in evaluate mode instead of training", function()
    local m = nn.Dropout(0.4, true)
    local x = tocha.DoubleTensor(10000):fill(1)
    local y = m:forward(x)
    assert.are.equal(10000 - count_zeros(y), y:sum()) -- kept units are 1
    m:evaluate()
    assert.is_true(math.abs(m:forward(x)[1] - 0.6) < 1e-12)
    assert.is_true(math.abs(m:backward(x, x)[1] - 0.6) < 1e-12)
  end)

  it("stochasticInference masks in evaluate mode and backward uses that mask", function()
    local m = nn.Dropout(0.5, false, false, true)
    m:evaluate()
    local x = tocha.ones(2000)
    local y = m:forward(x)
    assert.is_true(count_zeros(y) > 800)
    local g = m:backward(x, x)
    assert.are.same(y:totable(), g:totable())
  end)

  it("inplace writes into the input", function()
    local x = tocha.ones(100)
    local m = nn.Dropout(0.5, false, true)
    local y = m:forward(x)
    assert.are.same(x:totable(), y:totable())
    assert.is_true(count_zeros(x) > 20)
    local gradOutput = tocha.ones(100)
    local g = m:backward(x, gradOutput)
    assert.are.same(y:totable(), g:totable())
    assert.are.same(g:totable(), gradOutput:totable())
  end)

  it("stores 1 bit per element", function()
    local m = nn.Dropout(0.5)
    m:forward(tocha.ones(64, 1000))
    assert.are.equal(64 * 1000 / 8, m.maskBits:nElement())
    assert.are.equal("tocha.ByteTensor", m.maskBits:type())
  end)

  it("works on non-contiguous float and double input", function()
    for _, T in ipairs({ tocha.FloatTensor, tocha.DoubleTensor }) do
      local base = T(30, 20):fill(3)
      local x = base:t()
      local m = nn.Dropout(0.5)
      local y = m:forward(x)
      assert.are.same({ 20, 30 }, y:size():totable())
      local mask = m:mask()
      for i = 1, 20 do
        for j = 1, 30 do assert.are.equal(mask[i][j] * 6, y[i][j]) end
      end
    end
  end)

  it("prints what matters", function()
    assert.are.equal("nn.Dropout(0.5)", tostring(nn.Dropout()))
    assert.are.equal("nn.Dropout(0.2, inplace)", tostring(nn.Dropout(0.2, false, true)))
    assert.are.equal("nn.Dropout(0.5, v1, stochastic)", tostring(nn.Dropout(0.5, true, false, true)))
  end)

  it("rejects bad arguments and misuse clearly", function()
    assert_error("0 <= p < 1, got 1", function() nn.Dropout(1) end)
    assert_error("0 <= p < 1, got -0.1", function() nn.Dropout(-0.1) end)
    assert_error("bad argument #1 to 'setp'", function() nn.Dropout():setp(1) end)
    assert_error("before updateOutput", function() nn.Dropout():backward(tocha.ones(3), tocha.ones(3)) end)
    local m = nn.Dropout()
    m:forward(tocha.ones(3, 4))
    assert_error("does not match the last input of size 3x4",
      function() m:backward(tocha.ones(3, 4), tocha.ones(4, 3)) end)
    assert_error("tensor expected", function() m:forward("x") end)
    assert_error("Float or Double", function() m:forward(tocha.LongTensor(3)) end)
  end)
end)

describe("nn.SpatialDropout", function()
  it("drops whole feature maps", function()
    tocha.manualSeed(3)
    local m = nn.SpatialDropout(0.5)
    local x = tocha.ones(4, 16, 3, 3)
    local y = m:forward(x)
    local dropped = 0
    for b = 1, 4 do
      for c = 1, 16 do
        local map = y[b][c]
        local s = map:sum()
        assert.is_true(s == 0 or s == 18, "map is all dropped or all kept")
        if s == 0 then dropped = dropped + 1 end
      end
    end
    assert.is_true(dropped > 10 and dropped < 54)
    local g = m:backward(x, tocha.ones(4, 16, 3, 3))
    assert.are.same(y:totable(), g:totable())
  end)

  it("wants 3D or 4D input", function()
    assert_error("expects 3D", function() nn.SpatialDropout():forward(tocha.ones(4, 4)) end)
  end)
end)
