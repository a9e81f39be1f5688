-- Torch7's element-count rule for element-wise operations between tensors:
-- operands with the same number of elements combine element by element,
-- each read in its own logical (row-major) order; the result takes the first
-- operand's shape. Different counts are an error.
local tocha = require "tocha"

-- The elements of t in logical row-major order, whatever its shape and strides.
local function flat(t)
  local out = {}
  if t:nElement() == 0 then return out end
  local n, size = t:dim(), t:size():totable()
  local idx = {}
  for d = 1, n do idx[d] = 1 end
  while true do
    out[#out + 1] = t[idx]
    local d = n
    while d >= 1 do
      idx[d] = idx[d] + 1
      if idx[d] <= size[d] then break end
      idx[d] = 1
      d = d - 1
    end
    if d == 0 then return out end
  end
end

local function check(result, shape, expected, tol)
  assert.are.same(shape, result:size():totable())
  local got = flat(result)
  assert.are.equal(#expected, #got)
  for i = 1, #expected do
    local e, g = expected[i], got[i]
    if e ~= e then
      assert.is_true(g ~= g)
    else
      assert.is_true(math.abs(e - g) <= (tol or 1e-6) * math.max(1, math.abs(e)),
        string.format("element %d: %s expected, got %s", i, tostring(e), tostring(g)))
    end
  end
end

local function zip(a, b, f)
  local x, y, out = flat(a), flat(b), {}
  for i = 1, #x do out[i] = f(x[i], y[i]) end
  return out
end

describe("element-wise operations on equal element counts", function()
  local a, b, bt
  before_each(function()
    tocha.manualSeed(7)
    a = tocha.DoubleTensor(3, 4):uniform(1, 2)          -- 3x4
    b = tocha.DoubleTensor(12):uniform(1, 2)            -- 12 elements, 1-D
    bt = tocha.DoubleTensor(4, 3):uniform(1, 2):t()     -- 3x4 shape but transposed: 12 elements
  end)

  it("cmul, cdiv, cpow, cmax, cmin, fmod, remainder with a 1-D operand", function()
    check(tocha.cmul(a, b), { 3, 4 }, zip(a, b, function(x, y) return x * y end))
    check(tocha.cdiv(a, b), { 3, 4 }, zip(a, b, function(x, y) return x / y end))
    check(tocha.cpow(a, b), { 3, 4 }, zip(a, b, function(x, y) return x ^ y end))
    check(tocha.cmax(a, b), { 3, 4 }, zip(a, b, math.max))
    check(tocha.cmin(a, b), { 3, 4 }, zip(a, b, math.min))
    check(tocha.cfmod(a, b), { 3, 4 }, zip(a, b, math.fmod))
    check(tocha.cremainder(a, b), { 3, 4 }, zip(a, b, function(x, y) return x - math.floor(x / y) * y end))
    -- the other way round: the result is 1-D
    check(tocha.cmul(b, a), { 12 }, zip(b, a, function(x, y) return x * y end))
  end)

  it("add, csub, add with a multiplier, and the operators", function()
    check(tocha.add(a, b), { 3, 4 }, zip(a, b, function(x, y) return x + y end))
    check(tocha.add(a, 2, b), { 3, 4 }, zip(a, b, function(x, y) return x + 2 * y end))
    check(a:clone():csub(b), { 3, 4 }, zip(a, b, function(x, y) return x - y end))
    check(a + b, { 3, 4 }, zip(a, b, function(x, y) return x + y end))
    check(b - a, { 12 }, zip(b, a, function(x, y) return x - y end))
  end)

  it("in place and into a result, with a non-contiguous second operand", function()
    local expected = zip(a, bt, function(x, y) return x * y end)
    check(tocha.cmul(a, bt), { 3, 4 }, expected)
    local t6 = tocha.DoubleTensor(6, 2):copy(bt) -- bt's elements, in bt's logical order, as 6x2
    check(a:clone():cmul(t6), { 3, 4 }, expected)
    local nc = tocha.DoubleTensor(2, 6):uniform():t() -- 6x2, transposed
    check(a:clone():cmul(nc), { 3, 4 }, zip(a, nc, function(x, y) return x * y end))
    local res = tocha.DoubleTensor()
    res:cdiv(a, nc)
    check(res, { 3, 4 }, zip(a, nc, function(x, y) return x / y end))
  end)

  it("addcmul, addcdiv and lerp", function()
    local c = tocha.DoubleTensor(2, 6):uniform(1, 2)
    local want = {}
    local x, y, z = flat(a), flat(b), flat(c)
    for i = 1, 12 do want[i] = x[i] + 0.5 * y[i] * z[i] end
    check(tocha.addcmul(a, 0.5, b, c), { 3, 4 }, want)
    for i = 1, 12 do want[i] = x[i] + 0.5 * y[i] / z[i] end
    check(tocha.addcdiv(a, 0.5, b, c), { 3, 4 }, want)
    check(tocha.lerp(a, b, 0.25), { 3, 4 }, zip(a, b, function(p, q) return p + 0.25 * (q - p) end))
  end)

  it("comparisons give the first operand's shape", function()
    local lt = tocha.lt(a, b)
    assert.are.equal("tocha.ByteTensor", lt:type())
    check(lt, { 3, 4 }, zip(a, b, function(x, y) return x < y and 1 or 0 end), 0)
    check(tocha.eq(a, a:view(12)), { 3, 4 }, zip(a, a, function() return 1 end), 0)
  end)

  it("copy reads in logical order", function()
    local dst = tocha.DoubleTensor(2, 6)
    dst:copy(bt)
    check(dst, { 2, 6 }, flat(bt), 0)
    local into_t = tocha.DoubleTensor(6, 2):zero():t() -- a non-contiguous destination
    into_t:copy(b)
    check(into_t, { 2, 6 }, flat(b), 0)
  end)

  it("integer types and an expanded (zero-stride) operand", function()
    local l = tocha.LongTensor({ { 1, 2, 3 }, { 4, 5, 6 } })
    local m = tocha.LongTensor({ 10, 20, 30, 40, 50, 60 })
    check(tocha.add(l, m), { 2, 3 }, { 11, 22, 33, 44, 55, 66 }, 0)
    local e = tocha.DoubleTensor({ 1, 2 }):view(2, 1):expand(2, 6) -- 12 elements, stride 0
    check(tocha.cmul(a, e), { 3, 4 }, zip(a, e, function(x, y) return x * y end))
  end)

  it("the same storage seen in two shapes", function()
    local x = tocha.DoubleTensor(3, 4):copy(a)
    x:cmul(x:view(12))
    check(x, { 3, 4 }, zip(a, a, function(p, q) return p * q end))
    local y = tocha.DoubleTensor(3, 4):copy(a)
    y:add(y:t()) -- 12 elements of y^T in its own logical order
    local yt = a:t()
    check(y, { 3, 4 }, zip(a, yt, function(p, q) return p + q end))
  end)

  it("dot of equal element counts", function()
    local x = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })
    assert.are.equal(1 * 5 + 2 * 6 + 3 * 7 + 4 * 8, x:dot(tocha.DoubleTensor({ 5, 6, 7, 8 })))
    local yt = tocha.DoubleTensor({ { 5, 7 }, { 6, 8 } }):t() -- logical order 5 6 7 8, transposed
    assert.are.equal(70, x:view(4):dot(yt))
    assert.are.equal(1 * 5 + 3 * 6 + 2 * 7 + 4 * 8, x:t():dot(tocha.DoubleTensor({ 5, 6, 7, 8 })))
  end)

  it("masks with the tensor's element count", function()
    local x = tocha.DoubleTensor({ { 1, 2, 3 }, { 4, 5, 6 } })
    local m = tocha.ByteTensor({ 1, 0, 0, 1, 1, 0 })         -- 6 elements, 1-D
    local mt = tocha.ByteTensor({ { 1, 1 }, { 0, 1 }, { 0, 0 } }):t() -- 2x3, transposed: 1 0 0 / 1 1 0
    assert.are.same({ 1, 4, 5 }, x:maskedSelect(m):totable())
    assert.are.same({ 1, 4, 5 }, x[m]:totable())
    assert.are.same({ 1, 4, 5 }, x:maskedSelect(mt):totable())
    assert.are.same({ 1, 4, 5 }, x:t():t():maskedSelect(m:view(3, 2)):totable())
    assert.are.same({ { 0, 2, 3 }, { 0, 0, 6 } }, x:clone():maskedFill(m, 0):totable())
    assert.are.same({ { 0, 2, 3 }, { 0, 0, 6 } }, x:clone():maskedFill(mt:contiguous():view(6), 0):totable())
    assert.are.same({ { 7, 2, 3 }, { 8, 9, 6 } }, x:clone():maskedCopy(m, tocha.DoubleTensor({ 7, 8, 9 })):totable())
    local y = x:clone()
    y[m:view(3, 2)] = -1
    assert.are.same({ { -1, 2, 3 }, { -1, -1, 6 } }, y:totable())
    -- a transposed tensor with a 1-D mask: the mask follows its logical order
    local xt = x:t() -- 1 4 / 2 5 / 3 6
    assert.are.same({ 1, 5, 3 }, xt:maskedSelect(tocha.ByteTensor({ 1, 0, 0, 1, 1, 0 })):totable())
    assert.has_error(function() return x:maskedSelect(tocha.ByteTensor(5):zero()) end)
  end)

  it("empty operands and different counts", function()
    check(tocha.cmul(tocha.DoubleTensor(), tocha.DoubleTensor()), {}, {})
    assert.has_error(function() return tocha.cmul(a, tocha.DoubleTensor(11)) end)
    assert.has_error(function() return tocha.add(a, tocha.DoubleTensor()) end)
    local ok, err = pcall(tocha.cdiv, a, tocha.DoubleTensor(13))
    assert.is_false(ok)
    assert.truthy(err:find("sizes 3x4 and 13 do not match", 1, true))
  end)
end)
