-- Explicit result tensors that are views (transposed, narrowed, strided).
--
-- Torch7's rule: a result tensor that already has the result's size keeps
-- its geometry, and the values are written through it, into exactly its
-- elements of the tensor it views; only a result of another size is
-- re-laid out (contiguous).  Each case below checks the values in the view
-- and that every other element of the base tensor is untouched.
local tocha = require "tocha"
local nn = require "tocha.nn"

local SENTINEL = -7

-- The storage offsets (1-based) a tensor reaches.
local function reached(t)
  local set = {}
  local n, sizes, strides = t:nElement(), {}, {}
  for d = 1, t:dim() do sizes[d], strides[d] = t:size(d), t:stride(d) end
  for k = 0, n - 1 do
    local off, rest = t:storageOffset(), k
    for d = t:dim(), 1, -1 do
      off = off + (rest % sizes[d]) * strides[d]
      rest = rest // sizes[d]
    end
    set[off] = true
  end
  return set
end

local function strides(t)
  local s = {}
  for d = 1, t:dim() do s[d] = t:stride(d) end
  return s
end

-- The geometry each result view had when it was made (see keep).
local geometry = setmetatable({}, { __mode = "k" })

local function geometry_of(t)
  return { offset = t:storageOffset(), size = t:size():totable(), stride = strides(t) }
end

-- Marks a view whose geometry must survive being used as a result.
local function keep(view)
  geometry[view] = geometry_of(view)
  return view
end

-- `view` kept its geometry (when made with keep) and every element of the
-- (contiguous) base outside it still holds `fill` (when given).
local function assert_untouched(base, view, fill)
  if geometry[view] then assert.are.same(geometry[view], geometry_of(view), "the view's geometry changed") end
  assert.is_true(base:isContiguous())
  assert.are.equal(base:storage():pointer(), view:storage():pointer())
  local inside = reached(view)
  local flat = base:view(-1)
  for k = 1, flat:nElement() do
    local off = base:storageOffset() + k - 1
    if fill ~= nil and not inside[off] then
      assert.are.equal(fill, flat[k], ("element %d of the base was changed"):format(k))
    end
  end
end

local function assert_values(expected, t, tol)
  local got = t:totable()
  local function walk(e, g, where)
    if type(e) == "table" then
      assert.are.equal(#e, #g, "size at " .. where)
      for i = 1, #e do walk(e[i], g[i], where .. "[" .. i .. "]") end
    elseif tol then
      assert.is_true(math.abs(e - g) <= tol, ("%s: expected %.9g, got %.9g"):format(where, e, g))
    else
      assert.are.equal(e, g, where)
    end
  end
  walk(expected, got, "result")
end


describe("results written into views: pointwise", function()
  for _, T in ipairs({ tocha.FloatTensor, tocha.DoubleTensor }) do
    it("add into a transposed, narrowed view (" .. tocha.type(T()) .. ")", function()
      local base = T(4, 5):fill(SENTINEL)
      local res = keep(base:narrow(2, 2, 3):t()) -- 3x4, strides 1, 5
      local a = T({ { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } })
      local b = T({ { 10, 20, 30, 40 }, { 50, 60, 70, 80 }, { 90, 100, 110, 120 } })
      assert.are.equal(res, tocha.add(res, a, b))
      assert.are.same({ 1, 5 }, strides(res))
      assert_values({ { 11, 22, 33, 44 }, { 55, 66, 77, 88 }, { 99, 110, 121, 132 } }, res)
      assert_values({ 11, 55, 99 }, base[1]:narrow(1, 2, 3))
      assert_untouched(base, res, SENTINEL)
    end)
  end

  it("exp into a narrowed view, res:exp(x) form", function()
    local base = tocha.DoubleTensor(3, 5):fill(SENTINEL)
    local res = keep(base:narrow(2, 3, 2))
    local x = tocha.DoubleTensor({ { 0, 1 }, { -1, 0.5 }, { 2, -2 } })
    res:exp(x)
    assert_values({ { 1, math.exp(1) }, { math.exp(-1), math.exp(0.5) }, { math.exp(2), math.exp(-2) } }, res, 1e-12)
    assert_untouched(base, res, SENTINEL)
  end)

  it("lt into a strided ByteTensor view (a column)", function()
    local base = tocha.ByteTensor(6, 3):fill(200)
    local res = keep(base:select(2, 2)) -- 6 elements, stride 3
    local a = tocha.Tensor({ 1, 5, 3, 0, 7, 2 })
    local b = tocha.Tensor({ 2, 4, 3, 1, 9, 1 })
    tocha.lt(res, a, b)
    assert.are.same({ 3 }, strides(res))
    assert_values({ 1, 0, 0, 1, 1, 0 }, res)
    assert_untouched(base, res, 200)
  end)
end)

describe("results written into views: reductions", function()
  local x
  before_each(function() x = tocha.DoubleTensor({ { 1, 2, 3 }, { 4, 5, 6 } }) end)

  it("sum along a dimension into one column", function()
    local base = tocha.DoubleTensor(2, 6):fill(SENTINEL)
    local res = keep(base:narrow(2, 4, 1))
    assert.are.equal(res, res:sum(x, 2))
    assert_values({ { 6 }, { 15 } }, res)
    assert.are.equal(6, base[1][4])
    assert.are.equal(15, base[2][4])
    assert_untouched(base, res, SENTINEL)
  end)

  it("max with values and indices into views (1-based indices)", function()
    local y = tocha.FloatTensor({ { 1, 9, 3 }, { 7, 5, 6 } })
    local vbase = tocha.FloatTensor(2, 6):fill(SENTINEL)
    local ibase = tocha.LongTensor(2, 3):fill(-1)
    local vals, idx = keep(vbase:narrow(2, 2, 1)), keep(ibase:narrow(2, 3, 1))
    local v2, i2 = tocha.max(vals, idx, y, 2)
    assert.are.equal(vals, v2)
    assert.are.equal(idx, i2)
    assert_values({ { 9 }, { 7 } }, vals)
    assert_values({ { 2 }, { 1 } }, idx)
    assert_untouched(vbase, vals, SENTINEL)
    assert_untouched(ibase, idx, -1)
  end)

  it("cumsum into a transposed view, along either dimension", function()
    local base = tocha.DoubleTensor(3, 4):fill(SENTINEL)
    local res = keep(base:narrow(2, 2, 2):t()) -- 2x3
    tocha.cumsum(res, x, 2)
    assert_values({ { 1, 3, 6 }, { 4, 9, 15 } }, res)
    assert_untouched(base, res, SENTINEL)
    tocha.cumsum(res, x, 1)
    assert_values({ { 1, 2, 3 }, { 5, 7, 9 } }, res)
    assert_untouched(base, res, SENTINEL)
  end)

  it("a view of the input itself as the result", function()
    local res = keep(x:narrow(2, 1, 1))
    res:sum(x, 2)
    assert_untouched(x, res, nil) -- geometry only: x's other elements are checked below
    assert_values({ { 6, 2, 3 }, { 15, 5, 6 } }, x)
  end)
end)

describe("results written into views: BLAS", function()
  local A = tocha.DoubleTensor({ { 1, 2, 3 }, { 4, 5, 6 } })
  local B = tocha.DoubleTensor({ { 1, 0 }, { 0, 1 }, { 1, 1 } })
  local AB = { { 4, 5 }, { 10, 11 } }

  it("mm into a narrowed view", function()
    local base = tocha.DoubleTensor(2, 5):fill(SENTINEL)
    local res = keep(base:narrow(2, 2, 2))
    tocha.mm(res, A, B)
    assert_values(AB, res)
    assert_untouched(base, res, SENTINEL)
  end)

  it("addmm into a transposed view, given M or in place", function()
    local base = tocha.DoubleTensor(4, 2):fill(SENTINEL)
    local res = keep(base:narrow(1, 2, 2):t())
    local M = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })
    tocha.addmm(res, M, A, B) -- res = M + AB
    assert_values({ { 5, 7 }, { 13, 15 } }, res)
    assert_untouched(base, res, SENTINEL)
    res:addmm(2, A, B) -- res = res + 2AB
    assert.are.same({ 1, 2 }, strides(res))
    assert_values({ { 13, 17 }, { 33, 37 } }, res)
    assert_untouched(base, res, SENTINEL)
  end)

  it("mv into a strided vector", function()
    local base = tocha.FloatTensor(2, 3):fill(SENTINEL)
    local res = keep(base:select(2, 2)) -- stride 3
    tocha.mv(res, tocha.FloatTensor({ { 1, 2, 3 }, { 4, 5, 6 } }), tocha.FloatTensor({ 1, -1, 2 }))
    assert_values({ 5, 11 }, res)
    assert_untouched(base, res, SENTINEL)
  end)
end)

describe("results written into views: index", function()
  local x
  before_each(function() x = tocha.DoubleTensor({ { 1, 2, 3 }, { 4, 5, 6 } }) end)

  it("index into a transposed view", function()
    local base = tocha.DoubleTensor(3, 4):fill(SENTINEL)
    local res = keep(base:narrow(2, 1, 3):t()) -- 3x3
    res:index(x, 1, tocha.LongTensor({ 2, 1, 2 }))
    assert_values({ { 4, 5, 6 }, { 1, 2, 3 }, { 4, 5, 6 } }, res)
    assert_untouched(base, res, SENTINEL)
  end)

  it("gather into a narrowed view", function()
    local base = tocha.DoubleTensor(2, 5):fill(SENTINEL)
    local res = keep(base:narrow(2, 3, 2))
    tocha.gather(res, x, 2, tocha.LongTensor({ { 3, 1 }, { 2, 2 } }))
    assert_values({ { 3, 1 }, { 5, 5 } }, res)
    assert_untouched(base, res, SENTINEL)
  end)

  it("maskedSelect into a right-sized strided view", function()
    local base = tocha.DoubleTensor(4, 2):fill(SENTINEL)
    local res = keep(base:select(2, 2)) -- 4 elements, stride 2
    res:maskedSelect(x, tocha.ByteTensor({ { 1, 0, 1 }, { 0, 1, 1 } }))
    assert_values({ 1, 3, 5, 6 }, res)
    assert_untouched(base, res, SENTINEL)
  end)
end)

describe("results written into views: random", function()
  it("uniform into a view fills only the view's elements", function()
    local base = tocha.DoubleTensor(3, 4):fill(SENTINEL)
    local res = keep(base:narrow(2, 2, 2):t())
    res:uniform(2, 3)
    for _, row in ipairs(res:totable()) do
      for _, v in ipairs(row) do assert.is_true(v >= 2 and v < 3) end
    end
    assert_untouched(base, res, SENTINEL)
  end)

  it("the same stream gives a view the values a contiguous tensor gets", function()
    local base = tocha.DoubleTensor(3, 4):fill(SENTINEL)
    local res = keep(base:narrow(2, 2, 2):t())
    tocha.manualSeed(11)
    tocha.rand(res, 2, 3)
    tocha.manualSeed(11)
    local ref = tocha.rand(tocha.DoubleTensor(), 2, 3)
    assert.are.same({ 1, 4 }, strides(res))
    assert.are.same(ref:totable(), res:totable())
    assert_untouched(base, res, SENTINEL)
  end)

  it("randperm into a strided view", function()
    local base = tocha.LongTensor(4, 2):fill(-1)
    local res = keep(base:select(2, 1))
    tocha.randperm(res, 4)
    local seen = {}
    for _, v in ipairs(res:totable()) do seen[v] = (seen[v] or 0) + 1 end
    assert.are.same({ 1, 1, 1, 1 }, seen)
    assert_untouched(base, res, -1)
  end)
end)

describe("results written into views: copy and clone", function()
  it("copy into a transposed view, clone of a view", function()
    local base = tocha.DoubleTensor(4, 3):fill(SENTINEL)
    local res = keep(base:narrow(1, 2, 3):narrow(2, 1, 2):t()) -- 2x3
    res:copy(tocha.FloatTensor({ { 1, 2, 3 }, { 4, 5, 6 } }))
    assert_values({ { 1, 2, 3 }, { 4, 5, 6 } }, res)
    assert_untouched(base, res, SENTINEL)
    local c = res:clone()
    assert.is_true(c:isContiguous())
    assert.are_not.equal(base:storage():pointer(), c:storage():pointer())
    assert_values({ { 1, 2, 3 }, { 4, 5, 6 } }, c)
  end)

  it("zeros/ones as methods on a right-sized view", function()
    local base = tocha.DoubleTensor(3, 3):fill(SENTINEL)
    local res = keep(base:narrow(2, 2, 2):t())
    res:ones(2, 3)
    assert.are.same({ 1, 3 }, strides(res))
    assert_values({ { 1, 1, 1 }, { 1, 1, 1 } }, res)
    assert_untouched(base, res, SENTINEL)
  end)
end)

describe("results written into views: nn", function()
  before_each(function() tocha.manualSeed(5) end)

  it("the dropout kernel with a non-contiguous output", function()
    local input = tocha.DoubleTensor(4, 4)
    for i = 1, 4 do for j = 1, 4 do input[i][j] = (i - 1) * 4 + j end end
    local base = tocha.DoubleTensor(5, 5):fill(SENTINEL)
    local out = keep(base:narrow(1, 1, 4):narrow(2, 2, 4):t())
    local bits = tocha.ByteTensor()
    assert.are.equal(out, tocha._dropout.forward(out, input, bits, 0.5, 2))
    assert.are.same({ 1, 5 }, strides(out))
    local mask = tocha._dropout.mask(bits, { 4, 4 })
    local kept = 0
    for i = 1, 4 do
      for j = 1, 4 do
        kept = kept + mask[i][j]
        assert.are.equal(mask[i][j] * 2 * input[i][j], out[i][j])
      end
    end
    assert.is_true(kept > 0 and kept < 16)
    assert_untouched(base, out, SENTINEL)
    -- backward through the same view
    base:fill(SENTINEL)
    tocha._dropout.backward(out, input, bits, 2)
    for i = 1, 4 do
      for j = 1, 4 do assert.are.equal(mask[i][j] * 2 * input[i][j], out[i][j]) end
    end
    assert_untouched(base, out, SENTINEL)
  end)

  it("modules write into an output buffer that is a view", function()
    local x = tocha.DoubleTensor({ { -1, 2, -3 }, { 4, 0, 6 } })
    local base = tocha.DoubleTensor(4, 3):fill(SENTINEL)
    local relu = nn.ReLU()
    relu.output = keep(base:narrow(1, 2, 3):narrow(2, 1, 2):t())
    local y = relu:forward(x)
    assert.are.equal(relu.output, y)
    assert_values({ { 0, 2, 0 }, { 4, 0, 6 } }, y)
    assert_untouched(base, y, SENTINEL)

    base:fill(SENTINEL)
    local sm = nn.SoftMax()
    sm.output = keep(base:narrow(1, 2, 3):narrow(2, 1, 2):t())
    y = sm:forward(x)
    local expected = {}
    for i = 1, 2 do
      local s = 0
      for j = 1, 3 do s = s + math.exp(x[i][j]) end
      expected[i] = {}
      for j = 1, 3 do expected[i][j] = math.exp(x[i][j]) / s end
    end
    assert_values(expected, y, 1e-12)
    assert_untouched(base, y, SENTINEL)

    base:fill(SENTINEL)
    local lin = nn.Linear(3, 2):double()
    lin.weight:copy(tocha.DoubleTensor({ { 1, 0, 1 }, { 0, 1, 0 } }))
    lin.bias:copy(tocha.DoubleTensor({ 10, 20 }))
    local obase = tocha.DoubleTensor(3, 3):fill(SENTINEL)
    lin.output = keep(obase:narrow(1, 2, 2):narrow(2, 1, 2)) -- 2x2, rows 3 apart
    y = lin:forward(x)
    assert_values({ { 6, 22 }, { 20, 20 } }, y)
    assert_untouched(obase, y, SENTINEL)
  end)
end)

describe("results of another size", function()
  it("are re-laid out contiguously, reusing the storage", function()
    local x = tocha.DoubleTensor({ { 1, 2, 3 }, { 4, 5, 6 } })
    local base = tocha.DoubleTensor(3, 4):fill(SENTINEL)
    local res = base:narrow(2, 2, 2) -- 3x2, offset 2
    res:sum(x, 2)                    -- 2x1
    assert.are.same({ 2, 1 }, res:size():totable())
    assert.is_true(res:isContiguous())
    assert.are.equal(2, res:storageOffset())
    assert.are.equal(base:storage():pointer(), res:storage():pointer())
    assert.are.equal(6, base[1][2])
    assert.are.equal(15, base[1][3])

    local t = base:t()
    tocha.add(t, tocha.DoubleTensor({ 1, 2, 3 }), tocha.DoubleTensor({ 1, 2, 3 }))
    assert.are.same({ 3 }, t:size():totable())
    assert.is_true(t:isContiguous())
    assert_values({ 2, 4, 6 }, t)
  end)

  it("resize keeps a right-sized view and re-lays out otherwise", function()
    local base = tocha.DoubleTensor(3, 4)
    local v = base:t()
    v:resize(4, 3)
    assert.are.same({ 1, 4 }, strides(v))
    v:resizeAs(tocha.DoubleTensor(4, 3))
    assert.are.same({ 1, 4 }, strides(v))
    v:resize(3, 4)
    assert.are.same({ 4, 1 }, strides(v))
  end)
end)
