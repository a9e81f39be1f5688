-- permute, reshape, split, chunk, typeAs, real, isSize, isSetTo, and range,
-- linspace, logspace as functions and methods (filling views in logical
-- order), with non-contiguous inputs, empty tensors and bad arguments.
local tocha = require "tocha"

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

local function sizes(t) return t:size():totable() end

-- 2x3x4 with x[i][j][k] = 100i + 10j + k
local function cube()
  local x = tocha.DoubleTensor(2, 3, 4)
  for i = 1, 2 do for j = 1, 3 do for k = 1, 4 do x[{ i, j, k }] = 100 * i + 10 * j + k end end end
  return x
end

describe("permute", function()
  it("is a view with dimension i taken from dimension d_i", function()
    local x = cube()
    local p = x:permute(3, 1, 2)
    assert.are.same({ 4, 2, 3 }, sizes(p))
    for i = 1, 2 do for j = 1, 3 do for k = 1, 4 do
      assert.are.equal(x[{ i, j, k }], p[{ k, i, j }])
    end end end
    p[{ 1, 1, 1 }] = -1 -- shares storage
    assert.are.equal(-1, x[{ 1, 1, 1 }])
    assert.are.same({ 2, 3, 4 }, sizes(x))
    local q = x:transpose(1, 3):permute({ 2, 3, 1 }) -- a size list, on a transposed view
    assert.are.same({ 3, 2, 4 }, sizes(q))
    assert.are.equal(x[{ 2, 3, 1 }], q[{ 3, 2, 1 }])
  end)

  it("rejects wrong permutations", function()
    local x = cube()
    assert_error("expected 3 dimensions, got 2", function() x:permute(1, 2) end)
    assert_error("out of range or repeated", function() x:permute(1, 1, 2) end)
    assert_error("out of range or repeated", function() x:permute(1, 2, 4) end)
    assert_error("integer expected, got 1.5", function() x:permute(1.5, 2, 3) end)
  end)
end)

describe("reshape", function()
  it("copies the elements in logical order into a new contiguous tensor", function()
    local x = cube():transpose(1, 3) -- 4x3x2, not contiguous
    local r = x:reshape(6, 4)
    assert.are.same({ 6, 4 }, sizes(r))
    assert.is_true(r:isContiguous())
    local flat = x:contiguous():view(24)
    for i = 1, 24 do assert.are.equal(flat[i], r:view(24)[i]) end
    r[{ 1, 1 }] = 0
    assert.are_not.equal(0, x[{ 1, 1, 1 }]) -- a copy
    local res = tocha.DoubleTensor()
    assert.are.equal(res, tocha.reshape(res, x, tocha.LongStorage({ 2, 12 })))
    assert.are.same({ 2, 12 }, sizes(res))
    assert.are.same({ 3, 8 }, sizes(tocha.reshape(x, 3, 8)))
    assert.are.same({ 24 }, sizes(x:reshape(2.0 * 12)))
  end)

  it("rejects a different element count and a result of another type", function()
    assert_error("size has 10 elements, the tensor 24", function() cube():reshape(2, 5) end)
    assert_error("result must be a tocha.DoubleTensor", function() tocha.reshape(tocha.FloatTensor(), cube(), 24) end)
  end)
end)

describe("split and chunk", function()
  it("split cuts views of `size` along a dimension (default 1)", function()
    local x = tocha.range(1, 28):view(7, 4)
    local parts = x:split(3)
    assert.are.equal(3, #parts)
    assert.are.same({ { 3, 4 }, { 3, 4 }, { 1, 4 } }, { sizes(parts[1]), sizes(parts[2]), sizes(parts[3]) })
    assert.are.same(x:narrow(1, 4, 3):totable(), parts[2]:totable())
    parts[3][{ 1, 1 }] = 0
    assert.are.equal(0, x[{ 7, 1 }])
    local result = { "stale", "stale", "stale", "stale", "stale" }
    assert.are.equal(result, tocha.split(result, x:t(), 2, 2))
    assert.are.equal(4, #result)
    assert.are.same({ 4, 1 }, sizes(result[4]))
  end)

  it("chunk cuts n pieces of ceil(size / n)", function()
    local x = tocha.range(1, 28):view(4, 7)
    local parts = x:chunk(3, 2)
    assert.are.same({ { 4, 3 }, { 4, 3 }, { 4, 1 } }, { sizes(parts[1]), sizes(parts[2]), sizes(parts[3]) })
    assert.are.same(x:narrow(2, 7, 1):totable(), parts[3]:totable())
    assert.are.equal(4, #tocha.chunk(x, 5)) -- ceil(4/5) = 1 per piece
  end)

  it("rejects bad sizes and dimensions", function()
    local x = tocha.Tensor(4, 4)
    assert_error("size must be >= 1", function() x:split(0) end)
    assert_error("dimension 3 out of range", function() x:split(2, 3) end)
    assert_error("number of chunks must be >= 1", function() x:chunk(0) end)
    assert_error("tensor expected", function() tocha.split({}, 3, 1) end)
  end)
end)

describe("typeAs, real, isSize, isSetTo", function()
  it("typeAs converts to the other tensor's type, real to the default type", function()
    local x = tocha.LongTensor({ 1, 2 })
    local d = x:typeAs(tocha.DoubleTensor())
    assert.are.equal("tocha.DoubleTensor", d:type())
    assert.are.same({ 1, 2 }, d:totable())
    assert.are.equal(d, d:typeAs(tocha.DoubleTensor()))
    assert.are.equal(tocha.getdefaulttensortype(), x:real():type())
    local mt = getmetatable(tocha.FloatTensor())
    assert.are.equal(tocha.FloatTensor.real or x.real, mt.real) -- methods through the metatable
  end)

  it("isSize compares with a size list", function()
    local x = tocha.Tensor(3, 4, 5)
    assert.is_true(x:isSize(tocha.LongStorage({ 3, 4, 5 })))
    assert.is_true(x:isSize(x:size()))
    assert.is_false(x:isSize({ 5, 4, 3 }))
    assert.is_false(x:isSize({ 3, 4 }))
    assert.is_true(tocha.Tensor():isSize({}))
    assert_error("size list expected", function() x:isSize(3) end)
  end)

  it("isSetTo is true for the same storage, offset, sizes and strides", function()
    local a = tocha.Tensor(3, 4)
    local b = tocha.Tensor():set(a)
    assert.is_true(a:isSetTo(b))
    assert.is_true(b:isSetTo(a))
    assert.is_false(a:isSetTo(tocha.Tensor(3, 4)))
    assert.is_false(a:isSetTo(a:view(4, 3)))
    assert.is_false(a:isSetTo(a:t()))
    assert.is_false(a:isSetTo(a:narrow(1, 2, 2)))
    assert.is_false(tocha.Tensor():isSetTo(tocha.Tensor()))
  end)
end)

describe("result forms of the view functions, class objects", function()
  it("res:view(x, ...), viewAs, expand, expandAs, repeatTensor make res the result", function()
    local x, r = tocha.range(1, 15), tocha.Tensor()
    assert.are.equal(r, r:view(x, 3, 5))
    assert.are.same({ 3, 5 }, sizes(r))
    r[{ 1, 1 }] = -1
    assert.are.equal(-1, x[1]) -- a view of x
    assert.are.same({ 5, 3 }, sizes(r:viewAs(x, tocha.Tensor(5, 3))))
    local col = tocha.Tensor({ { 1 }, { 2 } })
    assert.are.same({ { 1, 1, 1 }, { 2, 2, 2 } }, r:expand(col, 2, 3):totable())
    assert.are.same({ 2, 4 }, sizes(r:expandAs(col, tocha.Tensor(2, 4))))
    assert.are.same({ { 1, 2, 1, 2 } }, r:repeatTensor(tocha.Tensor({ 1, 2 }), 1, 2):totable())
    assert.are.same({ 3, 5 }, sizes(x:view(3, 5))) -- the plain forms are unchanged
    assert_error("bad argument #1 to 'view' (view of 4 elements", function() x:view(4) end)
    assert_error("result must be a tocha.FloatTensor", function() tocha.LongTensor():view(x, 15) end)
  end)

  it("class objects answer for the methods; .new is the constructor", function()
    assert.is_true(tocha.FloatTensor.isTensor(tocha.Tensor()))
    assert.are.same({ 2 }, tocha.DoubleTensor.fill(tocha.DoubleTensor(1), 2):totable())
    assert.are.equal("tocha.LongTensor", tocha.LongTensor.new(2):type())
  end)
end)

describe("range, linspace, logspace", function()
  it("as functions give new tensors", function()
    assert.are.same({ 0, 0.5, 1 }, tocha.range(0, 1, 0.5):totable())
    assert.are.same({ 1, 0 }, tocha.range(1, 0, -1):totable())
    assert.are.same({ 2, 1, 0 }, tocha.linspace(2, 0, 3):totable())
    assert.are.same({ 10, 1 }, tocha.logspace(1, 0, 2):totable())
    assert.are.same({ 1 }, tocha.logspace(0, 0, 1):totable())
    assert.are.equal(100, tocha.logspace(0, 1):nElement())
  end)

  it("as methods fill a view with the right count in logical order", function()
    local x = tocha.zeros(2, 3)
    x:narrow(2, 2, 2):range(0, 3)
    assert.are.same({ { 0, 0, 1 }, { 0, 2, 3 } }, x:totable())
    x:zero():narrow(2, 2, 2):linspace(0, 3, 4)
    assert.are.same({ { 0, 0, 1 }, { 0, 2, 3 } }, x:totable())
    local d = tocha.DoubleTensor(2, 3):zero()
    d:narrow(2, 2, 2):logspace(0, 3, 4)
    assert.are.same({ { 0, 1, 10 }, { 0, 100, 1000 } }, d:totable())
    local y = tocha.FloatTensor(5):range(0.6, 0.9, 0.1) -- another count: resized to 1-D
    assert.are.same({ 4 }, sizes(y))
    assert.are.equal(31, tocha.DoubleTensor():range(1, 10, 0.3):nElement())
    local res = tocha.LongTensor()
    assert.are.equal(res, tocha.range(res, 1, 3))
    assert.are.same({ 1, 2, 3 }, res:totable())
  end)

  it("rejects one point between two different endpoints", function()
    assert_error("1 point cannot join 2 distinct endpoints", function() tocha.linspace(0, 1, 1) end)
    assert_error("1 point cannot join 2 distinct endpoints", function() tocha.logspace(0, 1, 1) end)
    assert_error("step must not be zero", function() tocha.Tensor():range(0, 1, 0) end)
  end)
end)
