-- conv2 / xcorr2 / conv3 / xcorr3 against plain Lua loops.
local tocha = require "tocha"

local function assert_error(text, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error containing: " .. text)
  assert.is_truthy(tostring(err):find(text, 1, true), "error was: " .. tostring(err))
end

local function pseudo3(d, h, w, seed)
  local x, t = seed, {}
  for i = 1, d do
    t[i] = {}
    for j = 1, h do
      t[i][j] = {}
      for l = 1, w do
        x = (x * 1103515245 + 12345) % 2147483648
        t[i][j][l] = x / 1073741824 - 1
      end
    end
  end
  return t
end

-- Plain cross-correlation of 3-D tables (full: terms outside x absent).
local function ref_xcorr3(x, k, full, flip)
  local X = { #x, #x[1], #x[1][1] }
  local K = { #k, #k[1], #k[1][1] }
  local off, O = {}, {}
  for d = 1, 3 do
    off[d] = full and K[d] - 1 or 0
    O[d] = full and X[d] + K[d] - 1 or X[d] - K[d] + 1
  end
  local out = {}
  for i = 1, O[1] do
    out[i] = {}
    for j = 1, O[2] do
      out[i][j] = {}
      for l = 1, O[3] do
        local s = 0
        for a = 1, K[1] do
          for b = 1, K[2] do
            for c = 1, K[3] do
              local xi, xj, xl = i - off[1] + a - 1, j - off[2] + b - 1, l - off[3] + c - 1
              if xi >= 1 and xi <= X[1] and xj >= 1 and xj <= X[2] and xl >= 1 and xl <= X[3] then
                local kv = flip and k[K[1] - a + 1][K[2] - b + 1][K[3] - c + 1] or k[a][b][c]
                s = s + x[xi][xj][xl] * kv
              end
            end
          end
        end
        out[i][j][l] = s
      end
    end
  end
  return out
end

local function maxdiff(a, b)
  if type(a) == "number" then return math.abs(a - b) end
  assert.are.equal(#a, #b)
  local d = 0
  for i = 1, #a do d = math.max(d, maxdiff(a[i], b[i])) end
  return d
end

local D, F = tocha.DoubleTensor, tocha.FloatTensor

describe("conv2 / xcorr2", function()
  local x, k = pseudo3(1, 6, 7, 3)[1], pseudo3(1, 3, 2, 5)[1]

  it("valid and full, convolution and correlation, against plain loops", function()
    for _, full in ipairs({ false, true }) do
      for _, flip in ipairs({ false, true }) do
        local f = flip and tocha.conv2 or tocha.xcorr2
        local got = f(D(x), D(k), full and "F" or "V"):totable()
        local want = ref_xcorr3({ x }, { k }, full, flip)[1]
        assert.is_true(maxdiff(got, want) < 1e-14, (flip and "conv" or "xcorr") .. (full and " F" or " V"))
      end
    end
    -- the default mode is 'V'
    assert.are.same(tocha.conv2(D(x), D(k)):totable(), tocha.conv2(D(x), D(k), "V"):totable())
  end)

  it("conv equals xcorr with the flipped kernel, exactly", function()
    local kt = D(k)
    local flipped = D(#k, #k[1])
    for i = 1, #k do for j = 1, #k[1] do flipped[#k - i + 1][#k[1] - j + 1] = k[i][j] end end
    for _, mode in ipairs({ "V", "F" }) do
      assert.are.same(tocha.conv2(D(x), kt, mode):totable(), tocha.xcorr2(D(x), flipped, mode):totable())
    end
  end)

  it("non-contiguous inputs, Float, given result, method form", function()
    local xt = D(x):t():clone():t()
    local want = ref_xcorr3({ x }, { k }, false, true)[1]
    assert.is_true(maxdiff(tocha.conv2(xt, D(k)):totable(), want) < 1e-14)
    assert.is_true(maxdiff(tocha.conv2(F(x), F(k)):totable(), want) < 1e-5)
    local res = D()
    assert.are.equal(res, tocha.conv2(res, D(x), D(k)))
    assert.is_true(maxdiff(res:totable(), want) < 1e-14)
    assert.is_true(maxdiff(D(x):conv2(D(k)):totable(), want) < 1e-14)
  end)

  it("planes: 3-D x 3-D (one kernel per plane) and 3-D x 4-D (summed over input planes)", function()
    local x2 = pseudo3(1, 6, 7, 11)[1]
    local k2 = pseudo3(1, 3, 2, 13)[1]
    local xx, kk = D({ x, x2 }), D({ k, k2 })
    local out = tocha.xcorr2(xx, kk, "F")
    assert.is_true(maxdiff(out[1]:totable(), ref_xcorr3({ x }, { k }, true)[1]) < 1e-14)
    assert.is_true(maxdiff(out[2]:totable(), ref_xcorr3({ x2 }, { k2 }, true)[1]) < 1e-14)
    -- 3 output planes from 2 input planes
    local kmap = D(3, 2, 3, 2)
    local ks = { { k, k2 }, { k2, k }, { k, k } }
    for o = 1, 3 do for i = 1, 2 do kmap[o][i]:copy(D(ks[o][i])) end end
    local m = tocha.xcorr2(xx, kmap)
    assert.are.same({ 3, 4, 6 }, { m:size(1), m:size(2), m:size(3) })
    for o = 1, 3 do
      local a = ref_xcorr3({ x }, { ks[o][1] }, false)[1]
      local b = ref_xcorr3({ x2 }, { ks[o][2] }, false)[1]
      for i = 1, #a do for j = 1, #a[1] do a[i][j] = a[i][j] + b[i][j] end end
      assert.is_true(maxdiff(m[o]:totable(), a) < 1e-14, "output plane " .. o)
    end
  end)

  it("names the problem", function()
    assert_error("in valid mode the input must be at least as large as the kernel", tocha.conv2, D(2, 2), D(3, 3))
    assert_error("mode must be 'V' (valid) or 'F' (full), got 'X'", tocha.conv2, D(4, 4), D(2, 2), "X")
    assert_error("expected a Float or Double tensor", tocha.conv2, tocha.LongTensor(4, 4), tocha.LongTensor(2, 2))
    assert_error("the kernel must be a Double tensor", tocha.xcorr2, D(4, 4), F(2, 2))
    assert_error("2 input planes but 3 kernel planes", tocha.conv2, D(2, 4, 4), D(3, 2, 2))
    assert_error("got 1D and 2D", tocha.conv2, D(4), D(2, 2))
    assert_error("the kernel is empty", tocha.conv2, D(4, 4), D(0, 2))
    assert.are.equal(0, tocha.conv2(D(0, 3), D(2, 2), "F"):nElement())
  end)
end)

describe("conv3 / xcorr3", function()
  it("valid and full against plain loops", function()
    local x, k = pseudo3(4, 5, 6, 21), pseudo3(2, 3, 2, 23)
    for _, full in ipairs({ false, true }) do
      for _, flip in ipairs({ false, true }) do
        local f = flip and tocha.conv3 or tocha.xcorr3
        local got = f(D(x), D(k), full and "F" or "V"):totable()
        assert.is_true(maxdiff(got, ref_xcorr3(x, k, full, flip)) < 1e-14)
      end
    end
  end)

  it("4-D planes", function()
    local x, k = pseudo3(4, 5, 6, 31), pseudo3(2, 3, 2, 33)
    local xx, kk = D(2, 4, 5, 6), D(2, 2, 3, 2)
    xx[1]:copy(D(x))
    xx[2]:copy(D(x))
    kk[1]:copy(D(k))
    kk[2]:copy(D(k))
    local out = tocha.conv3(xx, kk)
    assert.are.same(out[1]:totable(), tocha.conv3(D(x), D(k)):totable())
    assert.are.same(out[2]:totable(), out[1]:totable())
  end)
end)
