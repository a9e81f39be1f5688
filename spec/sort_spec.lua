-- sort, topk, kthvalue, median, mode: against a plain Lua reference (a
-- stable sort of {value, position} pairs), along every dimension, on
-- transposed and narrowed inputs, with ties, NaN, result tensors, empty
-- tensors and bad arguments.
local tocha = require "tocha"

local nan = 0 / 0
local quick = os.getenv("TOCHA_SPEC_QUICK") ~= nil

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

-- NaN-aware "a before b" of the reference: NaN is larger than any number.
local function less(a, b)
  if a ~= a then return false end
  if b ~= b then return true end
  return a < b
end

-- The reference: a stable sort of one lane (a Lua list), -> values, 1-based positions.
local function ref_sort(lane, desc)
  local pairs_ = {}
  for i, v in ipairs(lane) do pairs_[i] = { v = v, i = i } end
  table.sort(pairs_, function(p, q)
    if desc then
      if less(q.v, p.v) then return true end
      if less(p.v, q.v) then return false end
    else
      if less(p.v, q.v) then return true end
      if less(q.v, p.v) then return false end
    end
    return p.i < q.i -- equal keys (and NaN with NaN): original order
  end)
  local vals, idx = {}, {}
  for k, p in ipairs(pairs_) do vals[k], idx[k] = p.v, p.i end
  return vals, idx
end

-- The lanes of a 3-D tensor x along dim, with a function to place results.
local function lanes(x, dim)
  local out = {}
  local s = x:size():totable()
  local others = {}
  for d = 1, 3 do if d ~= dim then others[#others + 1] = d end end
  for a = 1, s[others[1]] do
    for b = 1, s[others[2]] do
      local lane = {}
      for i = 1, s[dim] do
        local ix = {}
        ix[others[1]], ix[others[2]], ix[dim] = a, b, i
        lane[i] = x[ix]
      end
      out[#out + 1] = { lane = lane, at = function(i)
        local ix = {}
        ix[others[1]], ix[others[2]], ix[dim] = a, b, i
        return ix
      end }
    end
  end
  return out
end

local function same(a, b) return a == b or (a ~= a and b ~= b) end

local function check_sort(x, dim, desc)
  local v, i = x:sort(dim, desc)
  assert.are.same(x:size():totable(), v:size():totable())
  for _, l in ipairs(lanes(x, dim)) do
    local rv, ri = ref_sort(l.lane, desc)
    for k = 1, #rv do
      assert.is_true(same(rv[k], v[l.at(k)]), "value at rank " .. k)
      assert.are.equal(ri[k], i[l.at(k)])
    end
  end
end

-- 4x5x6 with many ties (values 0..3) and NaNs, non-contiguous by transposition.
local function tied(ctor)
  tocha.manualSeed(7)
  local x = ctor(4, 5, 6)
  x:copy(tocha.rand(4, 5, 6):mul(4):floor())
  return x
end

describe("sort", function()
  it("sorts each lane along every dimension, both ways, stably, for every type", function()
    for _, ctor in ipairs({ tocha.FloatTensor, tocha.DoubleTensor, tocha.LongTensor, tocha.ByteTensor }) do
      local x = tied(ctor)
      for dim = 1, 3 do
        check_sort(x, dim, false)
        check_sort(x, dim, true)
      end
    end
  end)

  it("follows strides: transposed and narrowed inputs, and result views", function()
    local base = tied(tocha.DoubleTensor)
    local x = base:transpose(1, 3):narrow(2, 2, 3)
    assert.is_false(x:isContiguous())
    for dim = 1, 3 do check_sort(x, dim, false) end
    -- a right-sized non-contiguous result keeps its geometry
    local vals = tocha.DoubleTensor(6, 3, 4):transpose(1, 3)
    local idx = tocha.LongTensor(4, 3, 6):select(1, 1):resize(4, 3, 6) -- contiguous
    local rv, ri = tocha.sort(vals, idx, base, 3)
    assert.are.equal(vals, rv)
    assert.are.equal(idx, ri)
    local ev, ei = base:sort(3)
    assert.is_true(rv:equal(ev))
    assert.is_true(ri:equal(ei))
  end)

  it("defaults to the last dimension; torch.sort(x, true) is descending", function()
    local x = tocha.Tensor({ { 3, 1, 2 }, { 0, 5, 4 } })
    local v, i = tocha.sort(x)
    assert.are.same({ { 1, 2, 3 }, { 0, 4, 5 } }, v:totable())
    assert.are.same({ { 2, 3, 1 }, { 1, 3, 2 } }, i:totable())
    v, i = tocha.sort(x, true)
    assert.are.same({ { 3, 2, 1 }, { 5, 4, 0 } }, v:totable())
    assert.are.same({ { 1, 3, 2 }, { 2, 3, 1 } }, i:totable())
    v = tocha.sort(x, 1, true)
    assert.are.same({ { 3, 5, 4 }, { 0, 1, 2 } }, v:totable())
    v = x:sort(-1) -- negative dimensions count from the end
    assert.are.same({ { 1, 2, 3 }, { 0, 4, 5 } }, v:totable())
  end)

  it("puts NaN after every number ascending and before them descending; -0 equals 0", function()
    local x = tocha.DoubleTensor({ 2, nan, -math.huge, 1, nan, math.huge, -0.0, 0 })
    local v, i = x:sort()
    local got = v:totable()
    assert.are.same({ -math.huge, -0.0, 0, 1, 2, math.huge }, { table.unpack(got, 1, 6) })
    assert.is_true(got[7] ~= got[7] and got[8] ~= got[8])
    assert.are.same({ 3, 7, 8, 4, 1, 6, 2, 5 }, i:totable())
    v, i = x:float():sort(1, true)
    got = v:totable()
    assert.is_true(got[1] ~= got[1] and got[2] ~= got[2])
    assert.are.same({ 2, 5, 6, 1, 4, 7, 8, 3 }, i:totable())
  end)

  it("sorts long lanes (the radix path) like the reference", function()
    local n = quick and 500 or 20000
    tocha.manualSeed(3)
    local x = tocha.DoubleTensor(n):normal()
    x[5], x[n - 1] = nan, -0.0
    local v, i = x:sort()
    local lane = x:totable()
    local rv, ri = ref_sort(lane, false)
    local gv, gi = v:totable(), i:totable()
    for k = 1, n do
      assert(same(rv[k], gv[k]) and ri[k] == gi[k], "rank " .. k)
    end
    local lx = tocha.LongTensor(n):random(-1000, 1000)
    local lv, li = lx:sort(1, true)
    rv, ri = ref_sort(lx:totable(), true)
    gv, gi = lv:totable(), li:totable()
    for k = 1, n do assert(rv[k] == gv[k] and ri[k] == gi[k], "rank " .. k) end
  end)

  it("gives the same answer on one thread and on several (many lanes)", function()
    local n = quick and 260 or 400 -- 260^2 > 2^16: the parallel path
    tocha.manualSeed(5)
    local x = tocha.FloatTensor(n, n):uniform():mul(50):floor():t()
    local threads = tocha.getnumthreads()
    for dim = 1, 2 do
      tocha.setnumthreads(1)
      local v1, i1 = x:sort(dim, true)
      tocha.setnumthreads(3)
      local v2, i2 = x:sort(dim, true)
      tocha.setnumthreads(threads)
      assert.is_true(v1:equal(v2) and i1:equal(i2))
      local lane = x:select(3 - dim, 7):totable()
      local rv, ri = ref_sort(lane, true)
      assert.are.same(rv, v2:select(3 - dim, 7):totable())
      assert.are.same(ri, i2:select(3 - dim, 7):totable())
    end
  end)

  it("gives empty results for an empty tensor", function()
    local v, i = tocha.Tensor():sort()
    assert.are.equal(0, v:dim())
    assert.are.equal(0, i:dim())
  end)

  it("rejects bad arguments", function()
    local x = tocha.Tensor(3, 4)
    assert_error("dimension 3 out of range", function() x:sort(3) end)
    assert_error("indices must be a tocha.LongTensor", function() tocha.sort(tocha.Tensor(), tocha.Tensor(), x) end)
    assert_error("values must be a tocha.FloatTensor", function() tocha.sort(tocha.DoubleTensor(), x) end)
    assert_error("boolean expected", function() x:sort(1, "yes") end)
    assert_error("no more arguments", function() x:sort(1, true, 3) end)
    assert_error("must be different tensors", function()
      local r = tocha.LongTensor(); tocha.sort(r, r, x:long())
    end)
  end)
end)

describe("topk", function()
  it("gives the k smallest or largest, sorted, like sort:narrow", function()
    local x = tied(tocha.FloatTensor):transpose(1, 2)
    for dim = 1, 3 do
      for _, largest in ipairs({ false, true }) do
        for k = 0, x:size(dim) do
          local v, i = x:topk(k, dim, largest, true)
          local sv, si = x:sort(dim, largest)
          if k == 0 then
            assert.are.equal(0, v:nElement())
          else
            assert.is_true(v:equal(sv:narrow(dim, 1, k)))
            assert.is_true(i:equal(si:narrow(dim, 1, k)))
          end
        end
      end
    end
  end)

  it("defaults to the smallest along the last dimension; takes result tensors", function()
    local x = tocha.Tensor({ 5, 1, 4, 2 })
    local v, i = tocha.topk(x, 2)
    assert.are.same({ 1, 2 }, v:totable())
    assert.are.same({ 2, 4 }, i:totable())
    local rv, ri = tocha.Tensor(), tocha.LongTensor()
    tocha.topk(rv, ri, x, 3, 1, true)
    assert.are.same({ 5, 4, 2 }, rv:totable())
    assert.are.same({ 1, 3, 4 }, ri:totable())
  end)

  it("rejects k out of range", function()
    assert_error("k = 5 out of range 0..4", function() tocha.Tensor(4):topk(5) end)
    assert_error("k = -1 out of range", function() tocha.Tensor(4):topk(-1) end)
    assert_error("number expected", function() tocha.Tensor(4):topk() end)
  end)
end)

describe("kthvalue, median, mode", function()
  it("kthvalue is rank k of the stable sort, keeping the dimension", function()
    local x = tied(tocha.DoubleTensor)
    for dim = 1, 3 do
      local sv, si = x:sort(dim)
      for k = 1, x:size(dim) do
        local v, i = x:kthvalue(k, dim)
        assert.are.equal(1, v:size(dim))
        assert.is_true(v:equal(sv:narrow(dim, k, 1)))
        assert.is_true(i:equal(si:narrow(dim, k, 1)))
      end
    end
    local v, i = tocha.kthvalue(tocha.Tensor({ 3, 5, 4, 1, 1, 5 }), 2)
    assert.are.same({ 1 }, v:totable())
    assert.are.same({ 5 }, i:totable())
  end)

  it("median is the lower median (rank (n+1)/2)", function()
    local v, i = tocha.median(tocha.Tensor({ { 4, 1, 3, 2 }, { 9, 7, 8, 0 } }))
    assert.are.same({ { 2 }, { 7 } }, v:totable())
    assert.are.same({ { 4 }, { 2 } }, i:totable())
    v, i = tocha.median(tocha.Tensor({ { 4, 1, 3 }, { 9, 7, 8 } }), 1)
    assert.are.same({ { 4, 1, 3 } }, v:totable())
    assert.are.same({ { 1, 1, 1 } }, i:totable())
    local rv, ri = tocha.Tensor(), tocha.LongTensor()
    tocha.median(rv, ri, tocha.Tensor({ 5, 3, 9 }))
    assert.are.same({ 5 }, rv:totable())
    assert.are.same({ 1 }, ri:totable())
  end)

  it("mode is the most frequent value (smallest on ties) at its last occurrence", function()
    local x = tocha.Tensor({ { 1, 2, 2, 2, 3, 2 }, { 1.5, 2, 2, 1.5, 1.5, 5 }, { 3, 1, 3, 1, 7, 7 } })
    local v, i = tocha.mode(x)
    assert.are.same({ { 2 }, { 1.5 }, { 1 } }, v:totable())
    assert.are.same({ { 6 }, { 5 }, { 4 } }, i:totable())
    v, i = x:t():mode(1) -- transposed input, along dimension 1
    assert.are.same({ { 2, 1.5, 1 } }, v:totable())
    assert.are.same({ { 6, 5, 4 } }, i:totable())
  end)

  it("rejects bad arguments and empty input", function()
    assert_error("k = 7 out of range 1..6", function() tocha.Tensor(6):kthvalue(7) end)
    assert_error("k = 0 out of range", function() tocha.Tensor(6):kthvalue(0) end)
    assert_error("kthvalue of an empty tensor", function() tocha.Tensor():kthvalue(1) end)
    assert_error("median of an empty tensor", function() tocha.median(tocha.Tensor()) end)
    assert_error("mode of an empty tensor", function() tocha.mode(tocha.Tensor()) end)
    assert_error("dimension 2 out of range", function() tocha.Tensor(3):median(2) end)
  end)
end)
