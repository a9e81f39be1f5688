-- Edge values where size arithmetic used to wrap, and C code that held Lua
-- values across calls into Lua without anchoring them (issue 13).  Each
-- case once crashed, read freed memory or leaked; the asan/ run of this
-- spec adds AddressSanitizer and UndefinedBehaviorSanitizer.
local tocha = require "tocha"

local maxint, minint = math.maxinteger, math.mininteger

local function range(n)
  local t = {}
  for i = 1, n do t[i] = i end
  return tocha.DoubleTensor(t)
end

local function assert_error(fragment, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error containing: " .. fragment)
  assert.is_truthy(tostring(err):find(fragment, 1, true), "error '" .. tostring(err) .. "' lacks '" .. fragment .. "'")
end

describe("views at the integer limits", function()
  it("narrow rejects lengths whose end wraps", function()
    local x = range(10)
    assert_error("length 9223372036854775807 from index 2 exceeds dimension 1 of size 10",
      x.narrow, x, 1, 2, maxint)
    assert_error("exceeds dimension 1", x.narrow, x, 1, 10, maxint - 5)
    assert_error("exceeds dimension 1", x.narrow, x, 1, 1, minint)
    assert_error("exceeds dimension 1", x.narrow, x, 1, 1, -1)
    assert.are.same({ 10 }, x:narrow(1, 10, 1):totable())
    assert.are.equal(0, x:narrow(1, 10, 0):nElement())
  end)

  it("sub, select and indexing reject indices at the limits", function()
    local x = range(10)
    assert_error("out of range", x.sub, x, 1, maxint)
    assert_error("out of range", x.sub, x, minint, 2)
    local m = tocha.DoubleTensor(3, 4)
    assert_error("out of range", m.select, m, 1, maxint)
    assert_error("out of range", m.select, m, 2, minint)
    assert_error("out of range", function() return x[maxint] end)
    assert_error("out of range", function() return x[minint] end)
    assert_error("out of range", function() return m[{ 1, maxint }] end)
  end)

  it("set checks the extent of its geometry without wrapping", function()
    local s = tocha.DoubleStorage(10)
    local t = tocha.DoubleTensor()
    -- (5 - 1) * 2^62 wraps to 0 in 64 bits: it used to be accepted, and t[2] crashed.
    assert_error("geometry reaches beyond a storage of 10 elements", t.set, t, s, 1, { 5 }, { 2 ^ 62 })
    assert_error("geometry reaches beyond", t.set, t, s, 1, { 3, 3 }, { 2 ^ 62, 2 ^ 62 })
    assert_error("geometry reaches beyond", t.set, t, s, 1, { 2 }, { maxint })
    assert_error("geometry reaches beyond", t.set, t, s, 10, { 2 }, { 1 })
    assert_error("stride of dimension 1 must be >= 0", t.set, t, s, 1, { 2 }, { minint })
    assert_error("offset", t.set, t, s, maxint)
    assert_error("offset", t.set, t, s, minint)
    assert_error("too many elements", t.set, t, s, 1, { 2 ^ 40, 2 ^ 40 })
    -- A size-1 dimension may have any stride: only index 0 is ever used.
    t:set(s, 3, { 1, 2 }, { maxint, 1 })
    s[3], s[4] = 7, 8
    assert.are.same({ { 7, 8 } }, t:totable())
    assert.are.equal(2, t:nElement())
  end)

  it("unfold computes stride * step without signed overflow", function()
    local x = range(10)
    local u = x:unfold(1, 2, 2 ^ 61)
    assert.are.same({ { 1, 2 } }, u:totable())
    -- stride 3 * 2^62 wraps to -2^62 in 64 bits
    local s = tocha.DoubleStorage(30)
    for i = 1, 30 do s[i] = i end
    local y = tocha.DoubleTensor():set(s, 1, { 10 }, { 3 })
    local v = y:unfold(1, 2, 2 ^ 62)
    assert.are.same({ 1, 2 }, v:size():totable())
    assert.is_true(v:stride(1) >= 0)
    assert.are.same({ { 1, 4 } }, v:totable())
    assert.are.same({ { 1, 4 } }, v:clone():totable())
    assert_error("step must be >= 1", x.unfold, x, 1, 2, minint)
    assert_error("slice size", x.unfold, x, 1, maxint, 1)
  end)

  it("unsqueeze of a size-1 dimension with a huge stride keeps its elements", function()
    local s = tocha.DoubleStorage(4)
    for i = 1, 4 do s[i] = i end
    local t = tocha.DoubleTensor():set(s, 1, { 1, 4 }, { maxint, 1 })
    local u = t:unsqueeze(1)
    assert.are.same({ { { 1, 2, 3, 4 } } }, u:totable())
  end)

  it("view, expand, resize and constructors reject shapes that overflow", function()
    local x = range(4)
    assert_error("too many elements", x.view, x, 2 ^ 62, 2 ^ 62)
    assert_error("too many elements", x.view, x, -1, 2 ^ 62, 2 ^ 62)
    -- no elements, but contiguous strides are products of the non-zero sizes
    local e = tocha.DoubleTensor(0)
    assert_error("too many elements", e.view, e, 0, 2 ^ 62, 2 ^ 62)
    assert_error("too many elements", e.view, e, 2 ^ 62, 0, 2 ^ 62)
    assert.are.same({ 0, 2 ^ 20, 2 ^ 20 }, e:view(0, 2 ^ 20, 2 ^ 20):size():totable())
    assert_error("too many elements", x.expand, x:view(4, 1), 4, 2 ^ 62)
    assert_error("too many elements", x.expand, x, 2 ^ 32, 2 ^ 32, 4)
    assert_error("too many elements", x.resize, tocha.DoubleTensor(), 2 ^ 32, 2 ^ 32)
    assert_error("too many elements", x.resize, tocha.DoubleTensor(), 0, 2 ^ 32, 2 ^ 32)
    assert_error("too many elements", tocha.DoubleTensor, 2 ^ 62, 4)
    assert_error("too many elements", tocha.zeros, 2 ^ 31, 2 ^ 31, 2 ^ 31)
    assert_error("too large", tocha.DoubleStorage, 2 ^ 62)
    assert_error("too large", tocha.DoubleStorage, maxint)
  end)

  it("cat checks the concatenated size without overflow", function()
    local parts = {}
    for i = 1, 40 do parts[i] = tocha.DoubleTensor(2 ^ 58, 0) end
    local ok, err = pcall(tocha.cat, parts, 1)
    assert.is_false(ok)
    assert.is_truthy(tostring(err):find("overflow", 1, true), tostring(err))
  end)
end)

describe("values held across calls into Lua", function()
  it("tocha.cat anchors list entries that come from __index", function()
    -- Each entry is a fresh tensor, unreachable once read; collecting the
    -- garbage while the list is read freed the earlier ones under cat's feet.
    local list = setmetatable({}, {
      __len = function() return 4 end,
      __index = function(_, i)
        collectgarbage()
        collectgarbage()
        return tocha.DoubleTensor(100):fill(i)
      end,
    })
    local r = tocha.cat(list, 1)
    assert.are.equal(400, r:nElement())
    for i = 1, 4 do
      assert.are.equal(100 * i, r:narrow(1, 100 * (i - 1) + 1, 100):sum())
    end
    local res = tocha.DoubleTensor()
    tocha.cat(res, list, 1)
    assert.are.equal(1000, res:sum())
  end)

  it("a storage built from a table is freed when reading the table raises", function()
    local statm = io.open("/proc/self/statm")
    if not statm then return end -- Linux only
    statm:close()
    -- AddressSanitizer keeps freed memory in quarantine (its LeakSanitizer
    -- checks this case at exit); valgrind checks leaks itself.
    if (os.getenv("LD_PRELOAD") or ""):find("asan", 1, true) or os.getenv("TOCHA_SPEC_VALGRIND") then return end
    local function rss_mb()
      local f = assert(io.open("/proc/self/statm"))
      local _, resident = f:read("n", "n")
      f:close()
      return resident * 4096 / 2 ^ 20
    end
    local n = 8 * 2 ^ 20 -- 32 MB of floats per attempt
    local bad = setmetatable({}, {
      __len = function() return n end,
      __index = function(_, i)
        if i == n then error("no such entry") end
        return 0
      end,
    })
    local failing = setmetatable({}, { __len = function() return n end, __index = function() error("boom") end })
    collectgarbage()
    local before = rss_mb()
    for _ = 1, 8 do
      assert.is_false(pcall(tocha.FloatStorage, failing))
      collectgarbage()
    end
    assert.is_false(pcall(tocha.FloatStorage, bad))
    collectgarbage()
    collectgarbage()
    -- 9 leaked storages would be 288 MB
    assert.is_true(rss_mb() - before < 128, string.format("RSS grew by %.0f MB", rss_mb() - before))
  end)

  it("a storage built from a table takes integers only for Long and Byte elements", function()
    assert_error("entry 2 must be an integer", tocha.ByteStorage, { 1, 1.5 })
    assert_error("entry 1 must be a number", tocha.FloatStorage, { "x" })
    local b = tocha.ByteStorage({ 1, 300, -1 })
    assert.are.same({ 1, 44, 255 }, { b[1], b[2], b[3] })
  end)
end)

describe("views of a size-1 dimension with a huge stride", function()
  it("diag, trace and their kin compute their offsets and strides without overflow", function()
    local s = tocha.DoubleStorage(12)
    for i = 1, 12 do s[i] = i end
    local t = tocha.DoubleTensor():set(s, 3, { 1, 4 }, { maxint, 2 })
    assert.are.same({ 3 }, t:diag():totable())
    assert.are.same({ 5 }, t:diag(1):totable())
    assert.are.equal(0, t:diag(5):nElement())
    assert.are.equal(0, t:diag(2 ^ 60):nElement())
    assert.are.equal(3, t:trace())
    assert.are.same({ { 3, 5, 7, 9 } }, t:triu():totable())
    local u = tocha.DoubleTensor():set(s, 1, { 4, 1 }, { 2, maxint })
    assert.are.same({ 1 }, u:diag():totable())
    assert.are.same({ 3 }, u:diag(-1):totable())
  end)
end)
