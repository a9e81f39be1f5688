-- Pointwise math, comparisons and arithmetic operators (src/binding/lua_math.c).
local tocha = require "tocha"

local FLOATS = { "FloatTensor", "DoubleTensor" }

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

-- Flattens a nested table of numbers in row-major order.
local function flatten(t, out)
  out = out or {}
  if type(t) ~= "table" then
    out[#out + 1] = t
    return out
  end
  for _, v in ipairs(t) do flatten(v, out) end
  return out
end

-- Asserts that tensor `t` holds `expected` (nested table) within a relative
-- tolerance (exact when tol is 0); nan matches nan.
local function assert_values(expected, t, tol)
  tol = tol or 1e-6
  local size = t:size():totable()
  local function shape(e, acc)
    if type(e) == "table" then
      acc[#acc + 1] = #e
      if #e > 0 then shape(e[1], acc) end
    end
    return acc
  end
  assert.are.same(shape(expected, {}), size, "shape")
  local want, got = flatten(expected), flatten(t:totable())
  for i = 1, #want do
    local w, g = want[i], got[i]
    if w ~= w then
      assert.is_true(g ~= g, string.format("element %d: expected nan, got %s", i, tostring(g)))
    elseif w == math.huge or w == -math.huge then
      assert.are.equal(w, g, "element " .. i)
    else
      local err = math.abs(g - w)
      assert.is_true(err <= tol * math.max(1, math.abs(w)),
        string.format("element %d: expected %.10g, got %.10g", i, w, g))
    end
  end
end

local function tol_for(name) return name == "FloatTensor" and 1e-6 or 1e-12 end

describe("add and csub", function()
  for _, name in ipairs(FLOATS) do
    local T = tocha[name]
    local tol = tol_for(name)
    local a, b
    before_each(function()
      a = T({ { 1, 2, 3 }, { 4, 5, 6 } })
      b = T({ { 10, 20, 30 }, { 40, 50, 60 } })
    end)

    it("adds a number in place as a method (" .. name .. ")", function()
      local r = a:add(0.5)
      assert.are.equal(a, r)
      assert_values({ { 1.5, 2.5, 3.5 }, { 4.5, 5.5, 6.5 } }, a, tol)
    end)

    it("accumulates a tensor and a scaled tensor (" .. name .. ")", function()
      a:add(b)
      assert_values({ { 11, 22, 33 }, { 44, 55, 66 } }, a, tol)
      a:add(0.5, b)
      assert_values({ { 16, 32, 48 }, { 64, 80, 96 } }, a, tol)
    end)

    it("writes into a result given as self (" .. name .. ")", function()
      local res = T()
      assert.are.equal(res, res:add(a, b))
      assert_values({ { 11, 22, 33 }, { 44, 55, 66 } }, res, tol)
      res:add(a, -2, b)
      assert_values({ { -19, -38, -57 }, { -76, -95, -114 } }, res, tol)
      res:add(a, 10)
      assert_values({ { 11, 12, 13 }, { 14, 15, 16 } }, res, tol)
      assert_values({ { 1, 2, 3 }, { 4, 5, 6 } }, a, 0)
    end)

    it("makes new tensors as functions (" .. name .. ")", function()
      local r = tocha.add(a, 1)
      assert.are.equal("tocha." .. name, r:type())
      assert_values({ { 2, 3, 4 }, { 5, 6, 7 } }, r, tol)
      assert_values({ { 1, 2, 3 }, { 4, 5, 6 } }, a, 0)
      assert_values({ { 11, 22, 33 }, { 44, 55, 66 } }, tocha.add(a, b), tol)
      assert_values({ { 21, 42, 63 }, { 84, 105, 126 } }, tocha.add(a, 2, b), tol)
    end)

    it("fills an explicit result as functions and resizes it (" .. name .. ")", function()
      local res = T(7)
      assert.are.equal(res, tocha.add(res, a, b))
      assert_values({ { 11, 22, 33 }, { 44, 55, 66 } }, res, tol)
      assert.are.equal(res, tocha.add(res, a, 3, b))
      assert_values({ { 31, 62, 93 }, { 124, 155, 186 } }, res, tol)
      tocha.add(res, b, 1)
      assert_values({ { 11, 21, 31 }, { 41, 51, 61 } }, res, tol)
    end)

    it("subtracts with csub (" .. name .. ")", function()
      b:csub(1)
      assert_values({ { 9, 19, 29 }, { 39, 49, 59 } }, b, tol)
      b:csub(a)
      assert_values({ { 8, 17, 26 }, { 35, 44, 53 } }, b, tol)
      b:csub(2, a)
      assert_values({ { 6, 13, 20 }, { 27, 34, 41 } }, b, tol)
      assert_values({ { -5, -11, -17 }, { -23, -29, -35 } }, tocha.csub(a, b), tol)
      local res = T()
      res:csub(b, a)
      assert_values({ { 5, 11, 17 }, { 23, 29, 35 } }, res, tol)
    end)
  end

  it("works on integer tensors, exactly and wrapping", function()
    local l = tocha.LongTensor({ 1, -2, math.maxinteger })
    l:add(3)
    assert.are.same({ 4, 1, math.mininteger + 2 }, l:totable())
    assert.are.equal("integer", math.type(l[1]))
    local big = tocha.LongTensor({ 2 ^ 53 })
    big:add(1)
    assert.are.equal(math.tointeger(2 ^ 53) + 1, big[1])
    local bytes = tocha.ByteTensor({ 0, 250, 7 })
    bytes:add(10)
    assert.are.same({ 10, 4, 17 }, bytes:totable())
    bytes:csub(11)
    assert.are.same({ 255, 249, 6 }, bytes:totable())
    local sum = tocha.add(tocha.LongTensor({ 1, -2, 3 }), 2, tocha.LongTensor({ 2, -4, 6 }))
    assert.are.same({ 5, -10, 15 }, sum:totable())
  end)
end)

describe("mul, div, fmod and remainder by a number", function()
  for _, name in ipairs(FLOATS) do
    local T = tocha[name]
    local tol = tol_for(name)

    it("scales in place, into a result, and into a new tensor (" .. name .. ")", function()
      local x = T({ 1, -2, 4 })
      assert.are.equal(x, x:mul(3))
      assert_values({ 3, -6, 12 }, x, tol)
      x:div(4)
      assert_values({ 0.75, -1.5, 3 }, x, tol)
      local res = T()
      res:mul(x, 2)
      assert_values({ 1.5, -3, 6 }, res, tol)
      res:div(x, 3)
      assert_values({ 0.25, -0.5, 1 }, res, tol)
      assert_values({ 7.5, -15, 30 }, tocha.mul(x, 10), tol)
      assert_values({ 0.375, -0.75, 1.5 }, tocha.div(x, 2), tol)
      tocha.div(res, x, -0.5)
      assert_values({ -1.5, 3, -6 }, res, tol)
      assert_values({ math.huge, -math.huge, math.huge }, tocha.div(x, 0), tol)
    end)

    it("takes fmod with the sign of the dividend, remainder with the divisor's (" .. name .. ")", function()
      local x = T({ 5.5, -5.5, 7, -7 })
      assert_values({ 1.5, -1.5, 3, -3 }, tocha.fmod(x, 4), tol)
      assert_values({ 1.5, 2.5, 3, 1 }, tocha.remainder(x, 4), tol)
      assert_values({ -2.5, -1.5, -1, -3 }, tocha.remainder(x, -4), tol)
      assert_values({ 1.5, -1.5, 3, -3 }, x:clone():mod(4), tol)
      local y = T({ 4, 4, -4, -4 })
      assert_values({ 1.5, -1.5, 3, -3 }, tocha.cfmod(x, y), tol)
      assert_values({ 1.5, 2.5, -1, -3 }, tocha.cremainder(x, y), tol)
      assert_values({ 1.5, -1.5, 3, -3 }, x:clone():cmod(y), tol)
    end)
  end

  it("divides integer tensors with truncation and refuses zero divisors", function()
    local l = tocha.LongTensor({ 7, -7, 6, math.mininteger })
    assert.are.same({ 3, -3, 3, math.mininteger // 2 }, tocha.div(l, 2):totable())
    assert.are.same({ -7, 7, -6, math.mininteger }, tocha.div(l, -1):totable())
    assert.are.same({ 1, -1, 0, 0 }, tocha.fmod(l, 2):totable())
    assert.are.same({ 1, 1, 0, 0 }, tocha.remainder(l, 2):totable())
    assert.are.same({ -2, -1, 0, 0 }, tocha.remainder(tocha.LongTensor({ 1, 2, 3, 6 }), -3):totable())
    assert.are.same({ 3, 1, 2 }, tocha.cdiv(tocha.LongTensor({ 7, 8, 9 }), tocha.LongTensor({ 2, 5, 4 })):totable())
    assert.are.same({ 127, 2 }, tocha.ByteTensor({ 255, 5 }):div(2):totable())
    assert_error("div by zero", function() return l:div(0) end)
    assert_error("fmod by zero", function() return tocha.fmod(l, 0) end)
    assert_error("the divisor has a 0 element",
      function() return tocha.cdiv(tocha.LongTensor({ 1, 2 }), tocha.LongTensor({ 1, 0 })) end)
    assert.are.same({ 7, -7, 6, math.mininteger }, l:totable())
  end)

  it("multiplies integer tensors exactly, wrapping on overflow", function()
    local l = tocha.LongTensor({ 3, -4, math.maxinteger })
    assert.are.same({ 6, -8, -2 }, tocha.mul(l, 2):totable())
    assert.are.same({ 20, 200 }, tocha.ByteTensor({ 10, 100 }):mul(2):totable())
    assert.are.same({ 44 }, tocha.ByteTensor({ 150 }):mul(2):totable())
  end)
end)

describe("element-wise products, quotients and powers", function()
  for _, name in ipairs(FLOATS) do
    local T = tocha[name]
    local tol = tol_for(name)

    it("cmul and cdiv in all forms (" .. name .. ")", function()
      local x = T({ { 1, 2 }, { 3, 4 } })
      local y = T({ { 2, 4 }, { 8, 16 } })
      assert_values({ { 2, 8 }, { 24, 64 } }, tocha.cmul(x, y), tol)
      assert_values({ { 0.5, 0.5 }, { 0.375, 0.25 } }, tocha.cdiv(x, y), tol)
      local res = T()
      assert.are.equal(res, tocha.cmul(res, x, y))
      assert_values({ { 2, 8 }, { 24, 64 } }, res, tol)
      res:cdiv(y, x)
      assert_values({ { 2, 2 }, { 8 / 3, 4 } }, res, tol)
      assert.are.equal(x, x:cmul(y))
      assert_values({ { 2, 8 }, { 24, 64 } }, x, tol)
      x:cdiv(y)
      assert_values({ { 1, 2 }, { 3, 4 } }, x, tol)
    end)

    it("follows Torch7's documented examples (" .. name .. ")", function()
      local x = T(2, 2):fill(2)
      local y = T(2, 2):fill(3)
      local z = T(2, 2):fill(5)
      x:addcmul(2, y, z)
      assert_values({ { 32, 32 }, { 32, 32 } }, x, tol)
      local w = T(2, 2):fill(1)
      w:addcdiv(2, tocha[name]({ { 1, 2 }, { 3, 4 } }), z)
      assert_values({ { 1.4, 1.8 }, { 2.2, 2.6 } }, w, tol)
      local p = T(2, 2):fill(2)
      p:cpow(y)
      assert_values({ { 8, 8 }, { 8, 8 } }, p, tol)
    end)

    it("addcmul and addcdiv in all forms (" .. name .. ")", function()
      local x = T({ 1, 2, 3 })
      local a = T({ 2, 3, 4 })
      local b = T({ 4, 5, 8 })
      assert_values({ 9, 17, 35 }, tocha.addcmul(x, a, b), tol)
      assert_values({ 5, 9.5, 19 }, tocha.addcmul(x, 0.5, a, b), tol)
      assert_values({ 1.5, 2.6, 3.5 }, tocha.addcdiv(x, a, b), tol)
      assert_values({ 0, 0.8, 2 }, tocha.addcdiv(x, -2, a, b), tol)
      local res = T()
      assert.are.equal(res, tocha.addcmul(res, x, a, b))
      assert_values({ 9, 17, 35 }, res, tol)
      tocha.addcdiv(res, x, 2, a, b)
      assert_values({ 2, 3.2, 4 }, res, tol)
      res:addcmul(x, 3, a, b)
      assert_values({ 25, 47, 99 }, res, tol)
      res:addcdiv(x, a, b)
      assert_values({ 1.5, 2.6, 3.5 }, res, tol)
      assert.are.equal(x, x:addcmul(a, b))
      assert_values({ 9, 17, 35 }, x, tol)
    end)

    it("pow: tensor^number, number^tensor and numbers (" .. name .. ")", function()
      local x = T({ 1, 2, 3, -2 })
      assert_values({ 1, 4, 9, 4 }, tocha.pow(x, 2), tol)
      assert_values({ 1, 8, 27, -8 }, tocha.pow(x, 3), tol)
      assert_values({ 1, math.sqrt(2), math.sqrt(3), 0 / 0 }, tocha.pow(x, 0.5), tol)
      assert_values({ 2, 4, 8, 0.25 }, tocha.pow(2, x), tol)
      local res = T()
      assert.are.equal(res, tocha.pow(res, x, -1))
      assert_values({ 1, 0.5, 1 / 3, -0.5 }, res, tol)
      tocha.pow(res, 10, x)
      assert_values({ 10, 100, 1000, 0.01 }, res, tol)
      res:pow(x, 2)
      assert_values({ 1, 4, 9, 4 }, res, tol)
      res:pow(3, x)
      assert_values({ 3, 9, 27, 1 / 9 }, res, tol)
      assert.are.equal(x, x:pow(2))
      assert_values({ 1, 4, 9, 4 }, x, tol)
      assert.are.equal(8, tocha.pow(2, 3))
      local e = T({ 2, 3 })
      assert_values({ 8, 9 }, tocha.cpow(e, T({ 3, 2 })), tol)
    end)

    it("cmax and cmin with tensors and numbers, propagating nan (" .. name .. ")", function()
      local a = T({ 1, 2, 3, 0 / 0 })
      local b = T({ 3, 2, 1, 5 })
      assert_values({ 3, 2, 3, 0 / 0 }, tocha.cmax(a, b), tol)
      assert_values({ 1, 2, 1, 0 / 0 }, tocha.cmin(a, b), tol)
      assert_values({ 3, 2, 3, 0 / 0 }, tocha.cmax(b, a), tol)
      assert_values({ 2, 2, 3, 0 / 0 }, tocha.cmax(a, 2), tol)
      assert_values({ 1, 2, 2, 0 / 0 }, tocha.cmin(a, 2), tol)
      local res = T()
      res:cmax(a, b)
      assert_values({ 3, 2, 3, 0 / 0 }, res, tol)
      res:cmin(b, 2)
      assert_values({ 2, 2, 1, 2 }, res, tol)
      assert.are.equal(b, b:cmax(2.5))
      assert_values({ 3, 2.5, 2.5, 5 }, b, tol)
    end)

    it("atan2 and lerp (" .. name .. ")", function()
      local y = T({ 1, -1, 0 })
      local x = T({ 1, 1, -1 })
      assert_values({ math.pi / 4, -math.pi / 4, math.pi }, tocha.atan2(y, x), tol)
      assert.are.equal(math.atan(1, 2), tocha.atan2(1, 2))
      local a = T({ 0, 10, -4 })
      local b = T({ 10, 20, 4 })
      assert_values({ 2.5, 12.5, -2 }, tocha.lerp(a, b, 0.25), tol)
      local res = T()
      tocha.lerp(res, a, b, 1)
      assert_values({ 10, 20, 4 }, res, tol)
      a:lerp(b, 0.5)
      assert_values({ 5, 15, 0 }, a, tol)
      assert.are.equal(3, tocha.lerp(1, 5, 0.5))
    end)
  end

  it("cmax, cmin and cmul on integer tensors", function()
    local a = tocha.LongTensor({ -5, 7, math.maxinteger })
    local b = tocha.LongTensor({ 3, -7, 0 })
    assert.are.same({ 3, 7, math.maxinteger }, tocha.cmax(a, b):totable())
    assert.are.same({ -5, -7, 0 }, tocha.cmin(a, b):totable())
    assert.are.same({ -15, -49, 0 }, tocha.cmul(a, b):totable())
    assert.are.same({ 0, 7, 10 }, tocha.cmax(tocha.ByteTensor({ 0, 7, 10 }), 0):totable())
  end)
end)

describe("clamp", function()
  for _, name in ipairs(FLOATS) do
    local T = tocha[name]
    it("limits values in all forms, keeping nan (" .. name .. ")", function()
      local x = T({ -2, 0.5, 3, 0 / 0 })
      assert_values({ 0, 0.5, 1, 0 / 0 }, tocha.clamp(x, 0, 1), 0)
      local res = T()
      res:clamp(x, -1, 2)
      assert_values({ -1, 0.5, 2, 0 / 0 }, res, 0)
      tocha.clamp(res, x, 0.5, 0.5)
      assert_values({ 0.5, 0.5, 0.5, 0 / 0 }, res, 0)
      assert.are.equal(x, x:clamp(-1, 1))
      assert_values({ -1, 0.5, 1, 0 / 0 }, x, 0)
    end)
  end

  it("works on integer tensors and checks its bounds", function()
    assert.are.same({ 0, 3, 5 }, tocha.LongTensor({ -9, 3, 99 }):clamp(0, 5):totable())
    assert.are.same({ 10, 20, 200 }, tocha.ByteTensor({ 0, 20, 255 }):clamp(10, 200):totable())
    local x = tocha.Tensor({ 1, 2 })
    assert_error("max (0) must not be less than min (1)", function() return x:clamp(1, 0) end)
    assert_error("min must not be nan", function() return tocha.clamp(x, 0 / 0, 1) end)
    assert_error("max must be in 0..255 for a Byte tensor, got 300",
      function() return tocha.ByteTensor({ 1 }):clamp(0, 300) end)
    assert_error("min must be an integer for a Long tensor, got 0.5",
      function() return tocha.LongTensor({ 1 }):clamp(0.5, 3) end)
  end)
end)

describe("unary functions", function()
  local inputs = { 0.25, 0.5, 2, 3.75 }
  local cases = {
    exp = math.exp,
    log = math.log,
    log1p = function(v) return math.log(1 + v) end,
    sqrt = math.sqrt,
    rsqrt = function(v) return 1 / math.sqrt(v) end,
    sigmoid = function(v) return 1 / (1 + math.exp(-v)) end,
    tanh = function(v) return (math.exp(v) - math.exp(-v)) / (math.exp(v) + math.exp(-v)) end,
    sin = math.sin,
    cos = math.cos,
    tan = math.tan,
    atan = math.atan,
    sinh = function(v) return (math.exp(v) - math.exp(-v)) / 2 end,
    cosh = function(v) return (math.exp(v) + math.exp(-v)) / 2 end,
    cinv = function(v) return 1 / v end,
  }
  for _, name in ipairs(FLOATS) do
    local T = tocha[name]
    local tol = tol_for(name) * 4
    for fname, ref in pairs(cases) do
      it(fname .. " in all forms (" .. name .. ")", function()
        local expected = {}
        for i, v in ipairs(inputs) do expected[i] = ref(v) end
        local x = T(inputs)
        local r = tocha[fname](x)
        assert.are.equal("tocha." .. name, r:type())
        assert_values(expected, r, tol)
        assert_values(inputs, x, 0)
        local res = T(9)
        assert.are.equal(res, tocha[fname](res, x))
        assert_values(expected, res, tol)
        local other = T()
        other[fname](other, x)
        assert_values(expected, other, tol)
        assert.are.equal(x, x[fname](x))
        assert_values(expected, x, tol)
        assert.is_true(math.abs(tocha[fname](inputs[3]) - ref(inputs[3])) <= 1e-12 * math.abs(ref(inputs[3])))
      end)
    end

    it("asin and acos (" .. name .. ")", function()
      local x = T({ -1, 0, 0.5, 1 })
      assert_values({ -math.pi / 2, 0, math.pi / 6, math.pi / 2 }, tocha.asin(x), tol)
      assert_values({ math.pi, math.pi / 2, math.pi / 3, 0 }, tocha.acos(x), tol)
      assert_values({ 0 / 0 }, tocha.asin(T({ 2 })), tol)
    end)

    it("rounding functions (" .. name .. ")", function()
      local x = T({ -2.5, -1.25, -0.5, 0.5, 1.5, 2.75 })
      assert_values({ -3, -2, -1, 0, 1, 2 }, tocha.floor(x), 0)
      assert_values({ -2, -1, 0, 1, 2, 3 }, tocha.ceil(x), 0)
      assert_values({ -3, -1, -1, 1, 2, 3 }, tocha.round(x), 0)
      assert_values({ -2, -1, 0, 0, 1, 2 }, tocha.trunc(x), 0)
      assert_values({ -0.5, -0.25, -0.5, 0.5, 0.5, 0.75 }, tocha.frac(x), 0)
      assert.are.equal(-3, tocha.floor(-2.5))
    end)

    it("abs, sign and neg, with nan and zero (" .. name .. ")", function()
      local x = T({ -3, -0.5, 0, 2, 0 / 0 })
      assert_values({ 3, 0.5, 0, 2, 0 / 0 }, tocha.abs(x), 0)
      assert_values({ -1, -1, 0, 1, 0 / 0 }, tocha.sign(x), 0)
      assert_values({ 3, 0.5, 0, -2, 0 / 0 }, tocha.neg(x), 0)
      x:neg()
      assert_values({ 3, 0.5, 0, -2, 0 / 0 }, x, 0)
      assert.are.equal(4, tocha.abs(-4))
    end)

    it("log of zero and negatives, exp of large values (" .. name .. ")", function()
      assert_values({ -math.huge, 0 / 0 }, tocha.log(T({ 0, -1 })), 0)
      assert_values({ math.huge, 0 }, tocha.exp(T({ 1000, -1000 })), 0)
      assert_values({ 0, 1 }, tocha.sigmoid(T({ -1000, 1000 })), 0)
      local tiny = tocha.log1p(T({ 1e-10 }))[1]
      assert.is_true(math.abs(tiny - 1e-10) < 1e-16, "log1p(1e-10) = " .. tiny)
    end)
  end

  it("abs, sign and neg on integer tensors", function()
    local l = tocha.LongTensor({ -3, 0, 5, math.mininteger })
    assert.are.same({ 3, 0, 5, math.mininteger }, tocha.abs(l):totable())
    assert.are.same({ -1, 0, 1, -1 }, tocha.sign(l):totable())
    assert.are.same({ 3, 0, -5, math.mininteger }, tocha.neg(l):totable())
    assert.are.equal("integer", math.type(tocha.abs(l)[1]))
    local b = tocha.ByteTensor({ 0, 1, 200 })
    assert.are.same({ 0, 1, 200 }, tocha.abs(b):totable())
    assert.are.same({ 0, 1, 1 }, b:sign():totable())
  end)
end)

describe("comparisons", function()
  local ops = {
    lt = function(a, b) return a < b end,
    le = function(a, b) return a <= b end,
    gt = function(a, b) return a > b end,
    ge = function(a, b) return a >= b end,
    eq = function(a, b) return a == b end,
    ne = function(a, b) return a ~= b end,
  }
  local av = { 1, 2, 3, 4, 0 / 0 }
  local bv = { 2, 2, 2, 5, 1 }

  for _, name in ipairs({ "FloatTensor", "DoubleTensor", "LongTensor", "ByteTensor" }) do
    local T = tocha[name]
    local integer = name == "LongTensor" or name == "ByteTensor"
    for op, f in pairs(ops) do
      it(op .. " with a number and a tensor (" .. name .. ")", function()
        local avals = integer and { 1, 2, 3, 4, 0 } or av
        local a, b = T(avals), T(bv)
        local want_n, want_t = {}, {}
        for i = 1, #avals do
          want_n[i] = f(avals[i], 2) and 1 or 0
          want_t[i] = f(avals[i], bv[i]) and 1 or 0
        end
        local r = a[op](a, 2)
        assert.are.equal("tocha.ByteTensor", r:type())
        assert.are.same(want_n, r:totable())
        assert.are.same(want_t, a[op](a, b):totable())
        assert.are.same(want_n, tocha[op](a, 2):totable())
        assert.are.same(want_t, tocha[op](a, b):totable())
        local mask = tocha.ByteTensor()
        assert.are.equal(mask, mask[op](mask, a, b))
        assert.are.same(want_t, mask:totable())
        assert.are.equal(mask, tocha[op](mask, a, 2))
        assert.are.same(want_n, mask:totable())
        local same = T()
        same[op](same, a, b)
        assert.are.equal("tocha." .. name, same:type())
        assert.are.same(want_t, same:totable())
        assert.are.same(avals[1], a[1])
      end)
    end
  end

  it("compares integer tensors with any number, exactly", function()
    local l = tocha.LongTensor({ -1, 2, 3, math.maxinteger })
    assert.are.same({ 1, 1, 0, 0 }, l:lt(2.5):totable())
    assert.are.same({ 0, 0, 1, 1 }, l:gt(2.5):totable())
    assert.are.same({ 0, 0, 0, 0 }, l:eq(2.5):totable())
    assert.are.same({ 0, 0, 0, 1 }, l:eq(tocha.LongTensor({ 0, 0, 0, math.maxinteger })):totable())
    assert.are.same({ 0, 0, 0, 1 }, l:gt(tocha.LongTensor({ 0, 2, 3, math.maxinteger - 1 })):totable())
    assert.are.same({ 1, 1, 1, 0 }, l:lt(2 ^ 62):totable())
    assert.are.same({ 1, 1, 1, 1 }, l:lt(2 ^ 63):totable())
    assert.are.same({ 0, 0, 0, 0 }, l:eq(2 ^ 63):totable())
    assert.are.same({ 1, 1, 1, 1 }, l:ne(0 / 0):totable())
    local b = tocha.ByteTensor({ 0, 5, 255 })
    assert.are.same({ 1, 1, 1 }, b:gt(-1):totable())
    assert.are.same({ 0, 0, 1 }, b:ge(255):totable())
    assert.are.same({ 0, 0, 0 }, b:gt(300):totable())
  end)

  it("compares float tensors with the number rounded to float", function()
    local f = tocha.FloatTensor({ 0.1, 0.2 })
    assert.are.same({ 1, 0 }, f:eq(0.1):totable())
    assert.are.same({ 0, 1 }, tocha.DoubleTensor({ 0.1000001, 0.2 }):eq(0.2):totable())
  end)

  it("makes masks usable as tensors", function()
    local x = tocha.Tensor({ { 1, 5 }, { 7, 2 } })
    local m = x:gt(3)
    assert.are.same({ { 0, 1 }, { 1, 0 } }, m:totable())
    assert.are.same({ { 0, 1 }, { 1, 0 } }, tocha.gt(x, 3):totable())
  end)
end)

describe("non-contiguous tensors", function()
  for _, name in ipairs(FLOATS) do
    local T = tocha[name]
    local tol = tol_for(name)

    it("reads transposed and narrowed inputs (" .. name .. ")", function()
      local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
      local t = x:t() -- 3x2: {{1,4},{2,5},{3,6}}
      local y = T({ { 10, 20 }, { 30, 40 }, { 50, 60 } })
      assert_values({ { 11, 24 }, { 32, 45 }, { 53, 66 } }, tocha.add(t, y), tol)
      assert_values({ { 10, 80 }, { 60, 200 }, { 150, 360 } }, tocha.cmul(t, y), tol)
      assert.are.same({ { 0, 1 }, { 1, 1 }, { 1, 1 } }, tocha.ge(t, 2):totable())
      local col = x:narrow(2, 2, 2) -- {{2,3},{5,6}}
      assert_values({ { 4, 9 }, { 25, 36 } }, tocha.pow(col, 2), tol)
      assert_values({ { math.exp(2), math.exp(3) }, { math.exp(5), math.exp(6) } }, tocha.exp(col), tol)
      local sel = x:select(2, 3) -- {3, 6}, stride 3
      assert_values({ 1.5, 3 }, tocha.div(sel, 2), tol)
      assert_values({ 0, 1 }, tocha.gt(sel, 4), 0)
      assert_values({ 4, 7 }, tocha.addcmul(sel, x:select(2, 1), T({ 1, 0.25 })), tol)
    end)

    it("writes into transposed and narrowed views in place (" .. name .. ")", function()
      local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
      x:t():add(T({ { 10, 40 }, { 20, 50 }, { 30, 60 } }))
      assert_values({ { 11, 22, 33 }, { 44, 55, 66 } }, x, tol)
      x:narrow(2, 2, 1):mul(0)
      assert_values({ { 11, 0, 33 }, { 44, 0, 66 } }, x, tol)
      x:select(1, 2):clamp(0, 50)
      assert_values({ { 11, 0, 33 }, { 44, 0, 50 } }, x, tol)
    end)

    it("keeps the strides of a result view of the right shape (" .. name .. ")", function()
      local store = T(3, 2):zero()
      local res = store:t() -- 2x3 view, strides 1,2
      tocha.add(res, T({ { 1, 2, 3 }, { 4, 5, 6 } }), 1)
      assert_values({ { 2, 5 }, { 3, 6 }, { 4, 7 } }, store, tol)
      assert.are.same({ 1, 2 }, res:stride():totable())
    end)
  end
end)

describe("aliasing between the result and the inputs", function()
  for _, name in ipairs(FLOATS) do
    local T = tocha[name]
    local tol = tol_for(name)

    it("x:add(x) and x:cmul(x) (" .. name .. ")", function()
      local x = T({ 1, 2, 3 })
      x:add(x)
      assert_values({ 2, 4, 6 }, x, tol)
      x:cmul(x)
      assert_values({ 4, 16, 36 }, x, tol)
      x:add(2, x)
      assert_values({ 12, 48, 108 }, x, tol)
    end)

    it("x:cmul(x:t()) reads the original values (" .. name .. ")", function()
      local x = T({ { 1, 2 }, { 3, 4 } })
      x:cmul(x:t())
      assert_values({ { 1, 6 }, { 6, 16 } }, x, tol)
      local y = T({ { 1, 2 }, { 3, 4 } })
      y:add(y:t())
      assert_values({ { 2, 5 }, { 5, 8 } }, y, tol)
      local z = T({ { 1, 2 }, { 3, 4 } })
      tocha.lt(z, z, z:t()) -- result of the inputs' own type, aliasing both
      assert_values({ { 0, 1 }, { 0, 0 } }, z, 0)
    end)

    it("shifted overlapping views (" .. name .. ")", function()
      local x = T({ 1, 2, 3, 4, 5 })
      x:narrow(1, 2, 4):add(x:narrow(1, 1, 4))
      assert_values({ 1, 3, 5, 7, 9 }, x, tol)
      local y = T({ 1, 2, 3, 4, 5 })
      y:narrow(1, 1, 4):cmul(y:narrow(1, 2, 4))
      assert_values({ 2, 6, 12, 20, 5 }, y, tol)
      local z = T({ 1, 2, 3, 4, 5 })
      tocha.exp(z:narrow(1, 2, 4), z:narrow(1, 1, 4))
      assert_values({ 1, math.exp(1), math.exp(2), math.exp(3), math.exp(4) }, z, tol)
    end)

    it("results that are the second operand (" .. name .. ")", function()
      local a = T({ 1, 2, 3 })
      local b = T({ 10, 20, 30 })
      tocha.add(b, a, 2, b)
      assert_values({ 21, 42, 63 }, b, tol)
      tocha.pow(b, 2, a)
      assert_values({ 2, 4, 8 }, b, tol)
      b:csub(a, b)
      assert_values({ -1, -2, -5 }, b, tol)
    end)

    it("addcmul and addcdiv with the result among the factors (" .. name .. ")", function()
      local x = T({ 1, 2, 3 })
      local a = T({ 2, 2, 2 })
      local res = T({ 5, 6, 7 })
      res:addcmul(x, res, a) -- res = x + res .* a, with the old res
      assert_values({ 11, 14, 17 }, res, tol)
      local r2 = T({ 4, 8, 16 })
      r2:addcdiv(x, a, r2) -- r2 = x + a ./ old r2
      assert_values({ 1.5, 2.25, 3.125 }, r2, tol)
      local s = T({ { 1, 2 }, { 3, 4 } })
      s:addcmul(s:t(), s) -- s = s + s' .* s
      assert_values({ { 2, 8 }, { 9, 20 } }, s, tol)
    end)

    it("a result narrowed from an input and resized over it (" .. name .. ")", function()
      local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
      local res = x:narrow(1, 1, 1) -- 1x3 view at the start of x's storage
      tocha.add(res, x, 1) -- resized to 2x3, it now covers x itself
      assert_values({ { 2, 3, 4 }, { 5, 6, 7 } }, res, tol)
    end)

    it("expanded (self-overlapping) results see unchanged inputs (" .. name .. ")", function()
      local base = T({ 1, 2 })
      local e = base:view(2, 1):expand(2, 3)
      e:add(1)
      assert_values({ 2, 3 }, base, tol)
    end)
  end
end)

describe("operators", function()
  for _, name in ipairs(FLOATS) do
    local T = tocha[name]
    local tol = tol_for(name)

    it("+ and - with tensors and numbers on either side (" .. name .. ")", function()
      local x = T({ { 1, 2 }, { 3, 4 } })
      local y = T({ { 10, 20 }, { 30, 40 } })
      assert_values({ { 11, 22 }, { 33, 44 } }, x + y, tol)
      assert_values({ { 9, 18 }, { 27, 36 } }, y - x, tol)
      assert_values({ { 3, 4 }, { 5, 6 } }, x + 2, tol)
      assert_values({ { 3, 4 }, { 5, 6 } }, 2 + x, tol)
      assert_values({ { 0.5, 1.5 }, { 2.5, 3.5 } }, x - 0.5, tol)
      assert_values({ { 9, 8 }, { 7, 6 } }, 10 - x, tol)
      assert_values({ { -1, -2 }, { -3, -4 } }, -x, tol)
      assert_values({ { 1, 2 }, { 3, 4 } }, x, 0)
      assert.are_not.equal(x, x + 0)
      assert.are.equal("tocha." .. name, (x + y):type())
    end)

    it("* and / with numbers (" .. name .. ")", function()
      local x = T({ 1, -2, 4 })
      assert_values({ 2.5, -5, 10 }, x * 2.5, tol)
      assert_values({ 2.5, -5, 10 }, 2.5 * x, tol)
      assert_values({ 0.25, -0.5, 1 }, x / 4, tol)
      assert_values({ 1 / 3, -2 / 3, 4 / 3 }, x / 3, tol)
      assert_values({ 1, -2, 4 }, x, 0)
    end)

    it("operators on non-contiguous tensors (" .. name .. ")", function()
      local x = T({ { 1, 2 }, { 3, 4 } })
      assert_values({ { 2, 5 }, { 5, 8 } }, x + x:t(), tol)
      assert_values({ { 0, -1 }, { 1, 0 } }, x - x:t(), tol)
    end)

    it("* between tensors is dot, mv or mm (" .. name .. ")", function()
      local v = T({ 1, 2, 3 })
      local w = T({ 4, 5, 6 })
      local m = T({ { 1, 0, 2 }, { 0, 3, 1 } })
      local n = T({ { 1, 2 }, { 3, 4 }, { 5, 6 } })
      local d = v * w
      assert.are.equal("number", type(d))
      assert.is_true(math.abs(d - 32) < 1e-9)
      assert_values({ 7, 9 }, m * v, tol)
      assert_values({ { 11, 14 }, { 14, 18 } }, m * n, tol)
      assert_values({ { 1, 6, 4 }, { 3, 12, 10 }, { 5, 18, 16 } }, n * m, tol)
      assert_values({ { 7, 11 }, { 13, 17 } }, m:t():t() * n:t():t() - T({ { 4, 3 }, { 1, 1 } }), tol)
      assert_error("cannot multiply a 3D tensor by a 1D tensor", function() return T(2, 2, 2) * v end)
      assert_error("cannot multiply a 1D tensor by a 2D tensor", function() return v * m end)
      assert_error("sizes 2x3 and 2x3 do not match for mm", function() return m * m end)
      assert_error("sizes 3 and 2 do not match for dot", function() return v * T(2) end)
      assert_error("sizes 2x3 and 2 do not match for mv", function() return m * T(2) end)
    end)

    it("* reports a missing linear algebra method clearly (" .. name .. ")", function()
      local saved = tocha._methods.mm
      tocha._methods.mm = nil
      local ok, err = pcall(function() return T(2, 2) * T(2, 2) end)
      tocha._methods.mm = saved
      assert.is_false(ok)
      assert.is_truthy(tostring(err):find("operator '*': the tensor method 'mm' it needs is not available", 1, true))
    end)

    it("rejects what Torch7 did not define (" .. name .. ")", function()
      local x = T({ 1, 2 })
      assert_error("operator '/': a number cannot be divided by a tensor", function() return 1 / x end)
      assert_error("operator '/': tensor / tensor is not defined (use tocha.cdiv", function() return x / x end)
      assert_error("operator '+': expected tensors or numbers, got string", function() return x + "1" end)
      assert_error("operator '*': expected tensors or numbers, got table", function() return {} * x end)
      assert_error("operator '-': sizes 2 and 3 do not match", function() return x - T(3) end)
    end)
  end

  it("refuses to mix tensor types, naming both", function()
    local f, d = tocha.FloatTensor({ 1 }), tocha.DoubleTensor({ 1 })
    assert_error("operator '+': cannot mix a tocha.FloatTensor and a tocha.DoubleTensor", function() return f + d end)
    assert_error("operator '*': cannot mix a tocha.DoubleTensor and a tocha.FloatTensor", function() return d * f end)
  end)

  it("works on integer tensors", function()
    local l = tocha.LongTensor({ 1, -2, 3 })
    assert.are.same({ 2, -4, 6 }, (l + l):totable())
    assert.are.same({ 0, 3, -2 }, (1 - l):totable())
    assert.are.same({ -3, 6, -9 }, (l * -3):totable())
    assert.are.same({ 0, -1, 1 }, (l / 2):totable())
    assert.are.same({ -1, 2, -3 }, (-l):totable())
    assert_error("operator '*': the value must be an integer for a Long tensor, got 0.5", function() return l * 0.5 end)
    assert_error("operator '-': neg is not defined for Byte tensors (Float, Double, Long, Int, Short or Char expected)",
      function() return -tocha.ByteTensor({ 1 }) end)
  end)
end)

describe("bad arguments", function()
  local x
  before_each(function() x = tocha.Tensor({ { 1, 2, 3 }, { 4, 5, 6 } }) end)

  it("names the function, the argument and the problem", function()
    assert_error("bad argument #1 to 'add' (number or tensor expected, got string)",
      function() return x:add("a") end)
    assert_error("bad argument #2 to 'add' (number or tensor expected, got no value)",
      function() return tocha.add(x) end)
    assert_error("bad argument #3 to 'clamp' (number expected, got tocha.FloatTensor)",
      function() return tocha.clamp(x, 0, x) end)
    assert_error("bad argument #3 to 'mul' (no argument expected here, got tocha.FloatTensor)",
      function() return tocha.mul(x, 2, x) end)
    assert_error("bad argument #3 to 'mul' (number expected, got no value)",
      function() return tocha.mul(x, x) end)
    assert_error("bad argument #1 to 'cmul' (tensor expected, got number)", function() return x:cmul(2) end)
    assert_error("bad argument #1 to 'clamp' (number or tensor expected, got no value)",
      function() return x:clamp() end)
    assert_error("bad argument #2 to 'clamp' (number expected, got no value)", function() return x:clamp(0) end)
    assert_error("bad argument #1 to 'exp' (tensor expected, got number)", function() return x:exp(2) end)
    assert_error("bad argument #1 to 'exp' (number or tensor expected, got string)",
      function() return tocha.exp("x") end)
    assert_error("bad argument #2 to 'add' (tensor expected, got number)", function() return x:add(1, 2, 3) end)
    assert_error("bad argument #2 to 'lt' (number or tensor expected, got nil)",
      function() return tocha.lt(x, nil) end)
    assert_error("bad argument #4 to 'addcmul' (tensor expected, got no value)",
      function() return tocha.addcmul(x, 2, x) end)
  end)

  it("reports element-count mismatches", function()
    assert_error("bad argument #1 to 'add' (sizes 2x3 and 3x3 do not match)",
      function() return x:add(tocha.Tensor(3, 3)) end)
    assert_error("bad argument #2 to 'cmul' (sizes 2x3 and 5 do not match)",
      function() return tocha.cmul(x, tocha.Tensor(5)) end)
    assert_error("bad argument #4 to 'addcdiv' (sizes 2x3 and 2x2 do not match)",
      function() return tocha.addcdiv(x, 1, x, tocha.Tensor(2, 2)) end)
    assert_error("bad argument #3 to 'add' (sizes 2x3 and 3 do not match)",
      function() return tocha.add(x, 2, tocha.Tensor(3)) end)
    assert_error("bad argument #2 to 'eq' (sizes 2x3 and 3 do not match)",
      function() return tocha.eq(x, tocha.Tensor(3)) end)
  end)

  it("refuses mixed tensor types, naming both", function()
    local d = tocha.DoubleTensor(2, 3)
    assert_error("bad argument #2 to 'add' (tocha.DoubleTensor given where tocha.FloatTensor is expected",
      function() return tocha.add(x, d) end)
    assert_error("bad argument #2 to 'lt' (tocha.DoubleTensor given where tocha.FloatTensor is expected",
      function() return tocha.lt(x, d) end)
    assert_error("bad argument #1 to 'exp' (result must be a tocha.FloatTensor like the operands, got " ..
      "tocha.DoubleTensor)",
      function() return tocha.exp(d, x) end)
    assert_error("calling 'cmul' on bad self (result must be a tocha.DoubleTensor like the operands, got " ..
      "tocha.FloatTensor)",
      function() return x:cmul(d, d) end)
    assert_error("result must be a tocha.ByteTensor or a tocha.FloatTensor, got tocha.LongTensor",
      function() return tocha.gt(tocha.LongTensor(), x, 1) end)
  end)

  it("refuses types an operation does not support", function()
    local l = tocha.LongTensor({ 1, 2 })
    assert_error("calling 'exp' on bad self (exp is not defined for Long tensors (Float or Double expected))",
      function() return l:exp() end)
    assert_error("bad argument #1 to 'pow' (pow is not defined for Long tensors (Float or Double expected))",
      function() return tocha.pow(l, 2) end)
    assert_error("addcmul is not defined for Long tensors", function() return tocha.addcmul(l, l, l) end)
    assert_error("lerp is not defined for Byte tensors",
      function() return tocha.lerp(tocha.ByteTensor(1), tocha.ByteTensor(1), 0.5) end)
    assert_error("bad argument #1 to 'add' (the value must be an integer for a Long tensor, got 0.5)",
      function() return l:add(0.5) end)
    assert_error("bad argument #2 to 'cmax' (the value must be in 0..255 for a Byte tensor, got 256)",
      function() return tocha.cmax(tocha.ByteTensor(2), 256) end)
  end)

  it("leaves the tensors untouched after an error", function()
    pcall(function() return x:add(tocha.Tensor(3, 2)) end)
    pcall(function() return x:cmul(tocha.DoubleTensor(2, 3)) end)
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, x:totable())
  end)
end)
