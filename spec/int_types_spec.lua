-- IntTensor (int32), ShortTensor (int16), CharTensor (int8) and their storages.
-- Arithmetic wraps around as two's complement in the type, as C (and Torch7)
-- do; the expected values are computed here with Lua integers.
local tocha = require "tocha"

local function assert_error(text, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error containing: " .. text)
  assert.is_truthy(tostring(err):find(text, 1, true), "error was: " .. tostring(err))
end

local TYPES = {
  { name = "IntTensor", storage = "IntStorage", bits = 32, size = 4 },
  { name = "ShortTensor", storage = "ShortStorage", bits = 16, size = 2 },
  { name = "CharTensor", storage = "CharStorage", bits = 8, size = 1 },
}

-- v as a two's complement integer of `bits` bits
local function wrap(v, bits)
  local m = 1 << bits
  v = v % m
  if v >= m // 2 then v = v - m end
  return v
end

for _, T in ipairs(TYPES) do
  local C = tocha[T.name]
  local lo, hi = -(1 << (T.bits - 1)), (1 << (T.bits - 1)) - 1

  describe(T.name, function()
    it("constructs, indexes, converts, and names its type", function()
      local t = C({ { 1, -2 }, { 3, hi } })
      assert.are.equal("tocha." .. T.name, t:type())
      assert.are.same({ { 1, -2 }, { 3, hi } }, t:totable())
      assert.are.equal(T.size, t:elementSize())
      assert.are.equal(T.size, tocha[T.storage](2):elementSize())
      assert.is_true(math.type(t[2][2]) == "integer")
      t[1][1] = lo
      assert.are.equal(lo, t[1][1])
      local d = tocha.DoubleTensor({ 1.9, -1.9, 7 })
      assert.are.same({ 1, -1, 7 }, d:type("tocha." .. T.name):totable()) -- C's truncation
      assert.are.same({ 1, -2, 3, hi }, C({ 1, -2, 3, hi }):double():totable())
      assert.are.same({ 5, 5, 5 }, C(3):fill(5):totable())
    end)

    it("method conversions int(), short(), char()", function()
      local d = tocha.DoubleTensor({ 3, -4 })
      assert.are.equal("tocha.IntTensor", d:int():type())
      assert.are.equal("tocha.ShortTensor", d:short():type())
      assert.are.equal("tocha.CharTensor", d:char():type())
    end)

    it("stores integers modulo 2^bits, rejects fractions, and checks table values", function()
      local t = C(2)
      t[1] = hi + 1
      assert.are.equal(lo, t[1])
      assert_error("expected an integer", function() t[1] = 0.5 end)
      assert_error("expected integers", function() return C({ hi + 1 }) end)
      assert_error("expected an integer", function() t:fill(0 / 0) end)
    end)

    it("wraps add, sub, mul, neg, abs like C", function()
      local vals = { lo, lo + 1, -3, -1, 0, 1, 2, 7, hi - 1, hi }
      local a, b = C(vals), C(#vals)
      for i = 1, #vals do b[i] = vals[#vals - i + 1] end
      local sum, diff, prod = (a + b):totable(), (a - b):totable(), tocha.cmul(a, b):totable()
      local neg, abs = (-a):totable(), a:clone():abs():totable()
      for i = 1, #vals do
        local x, y = vals[i], vals[#vals - i + 1]
        assert.are.equal(wrap(x + y, T.bits), sum[i])
        assert.are.equal(wrap(x - y, T.bits), diff[i])
        assert.are.equal(wrap(x * y, T.bits), prod[i])
        assert.are.equal(wrap(-x, T.bits), neg[i])
        assert.are.equal(wrap(math.abs(x), T.bits), abs[i])
      end
      -- scalars of any int64 wrap for add/sub/mul
      assert.are.same({ wrap(1 + (1 << 40) + 3, T.bits) }, (C({ 1 }) + ((1 << 40) + 3)):totable())
    end)

    it("divides truncating, with fmod and remainder as C and Lua define them", function()
      local a, b = C({ 7, -7, 7, -7, lo }), C({ 2, 2, -2, -2, -1 })
      assert.are.same({ 3, -3, -3, 3, lo }, tocha.cdiv(a, b):totable()) -- lo / -1 wraps to lo
      assert.are.same({ 1, -1, 1, -1, 0 }, tocha.cfmod(a, b):totable())
      assert.are.same({ 1, 1, -1, -1, 0 }, tocha.cremainder(a, b):totable())
      assert_error("by zero", function() return tocha.cdiv(a, C(5):zero()) end)
      assert_error("must be in", function() return tocha.div(a, hi + 1) end)
    end)

    it("compares, reduces, sorts, and finds nonzero elements", function()
      local a = C({ 5, -3, 0, 9, -3 })
      assert.are.same({ 1, 0, 0, 1, 0 }, a:gt(0):totable())
      assert.are.same({ 0, 0, 0, 0, 0 }, a:gt(hi + 0.5):totable()) -- a number the type cannot hold
      assert.are.equal(8, a:sum())
      assert.are.equal(9, a:max())
      assert.are.equal(-3, a:min())
      local v, i = a:sort()
      assert.are.same({ -3, -3, 0, 5, 9 }, v:totable())
      assert.are.same({ 2, 5, 3, 1, 4 }, i:totable())
      v = a:sort(1, true)
      assert.are.same({ 9, 5, 0, -3, -3 }, v:totable())
      assert.are.same({ { 1 }, { 2 }, { 4 }, { 5 } }, a:nonzero():totable())
      assert.are.same({ 5, 2, 2, 11, 8 }, a:cumsum(1):totable())
    end)

    it("bit operations wrap in the type", function()
      local a = C({ 1, -1, 6 })
      assert.are.same({ 1, 3, 2 }, a:clone():bitand(3):totable())
      assert.are.same({ wrap(1 << (T.bits - 1), T.bits), -(1 << (T.bits - 1)), 0 },
        a:clone():lshift(T.bits - 1):totable())
      assert.are.same({ 0, -1, 3 }, a:clone():rshift(1):totable())
      assert_error("shift count must be 0.." .. (T.bits - 1), function() a:clone():lshift(T.bits) end)
    end)

    it("random integers in range, random permutations", function()
      local r = C(200):random(lo, hi)
      assert.is_true(r:min() >= lo and r:max() <= hi)
      assert_error("out of range", function() C(2):random(lo - 1, 0) end)
      local p = tocha.randperm(50):type("tocha." .. T.name)
      assert.are.equal(50 * 49 / 2, p:sum() - 50)
    end)
  end)
end

describe("IntTensor pivots", function()
  it("pstrf writes 1-based pivots into a given IntTensor", function()
    local a = tocha.DoubleTensor({ { 4, 2, 0 }, { 2, 5, 1 }, { 0, 1, 9 } })
    local f, piv = tocha.DoubleTensor(), tocha.IntTensor(3)
    local f2, piv2 = tocha.pstrf(f, piv, a)
    assert.are.equal(f, f2)
    assert.are.equal(piv, piv2)
    local p = piv:totable()
    table.sort(p)
    assert.are.same({ 1, 2, 3 }, p)
  end)
end)
