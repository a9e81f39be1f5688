-- Torch7's file format (tocha/t7.lua, tocha/compat/File.lua): round trips,
-- and hand-made byte sequences built here from the documented format.
local tocha = require "tocha"
local nn = require "tocha.nn"
local t7 = require "tocha.t7"

local pack = string.pack

-- Binary primitives of a Torch7 file (native = little-endian here).
local function I(v) return pack("<i4", v) end
local function L(v) return pack("<i8", v) end
local function L4(v) return pack("<i4", v) end
local function D(v) return pack("<d", v) end
local function S(s) return I(#s) .. s end
local function header(index, name, version) return I(4) .. I(index) .. S("V " .. (version or 1)) .. S(name) end

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error containing " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

local function decode(s, fmt, opts) return t7.protect("t7: ", t7.decode, s, fmt, opts) end

local function same_values(a, b)
  assert.are.same(a:size():totable(), b:size():totable())
  assert.are.same(a:totable(), b:totable())
end

local FORMATS = { "binary", "b32", "ascii" }

describe("t7 round trips", function()
  it("keeps numbers, strings, booleans, tables, references and cycles", function()
    for _, fmt in ipairs(FORMATS) do
      local shared = { 1, 2 }
      local obj = { i = 7, f = 2.5, neg = -3, big = 2 ^ 40, s = "a\0b\n c", t = true, fl = false,
        shared1 = shared, shared2 = shared, nested = { { { "deep" } } }, [10] = "ten", [2.5] = "key" }
      obj.me = obj
      local back = decode(t7.encode(obj, fmt), fmt)
      assert.are.equal(7, back.i)
      assert.are.equal("integer", math.type(back.i))
      assert.are.equal(2.5, back.f)
      assert.are.equal(-3, back.neg)
      assert.are.equal(2 ^ 40, back.big)
      assert.are.equal("a\0b\n c", back.s)
      assert.is_true(back.t)
      assert.is_false(back.fl)
      assert.are.equal(back.shared1, back.shared2)
      assert.are.same({ 1, 2 }, back.shared1)
      assert.are.equal("deep", back.nested[1][1][1])
      assert.are.equal("ten", back[10])
      assert.are.equal("key", back[2.5])
      assert.are.equal(back, back.me)
    end
  end)

  it("keeps nan, infinities and -0.0", function()
    for _, fmt in ipairs(FORMATS) do
      local back = decode(t7.encode({ 0 / 0, math.huge, -math.huge, -0.0 }, fmt), fmt)
      assert.is_true(back[1] ~= back[1])
      assert.are.equal(math.huge, back[2])
      assert.are.equal(-math.huge, back[3])
      assert.are.equal("float", math.type(back[4]))
      assert.is_true(1 / back[4] < 0)
    end
  end)

  it("keeps tensors of every tocha type, views and shared storages", function()
    for _, fmt in ipairs(FORMATS) do
      local d = tocha.DoubleTensor({ { 1.5, 2, 3 }, { 4, 5, 6 } })
      local obj = {
        f = tocha.FloatTensor({ 0.1, -2, 3e30 }), d = d, dt = d:t(), row = d:select(1, 2),
        l = tocha.LongTensor({ fmt == "b32" and -(2 ^ 31) or -(2 ^ 40), 0, 5 }), b = tocha.ByteTensor({ 0, 255, 7 }),
        empty = tocha.FloatTensor(), zero = tocha.DoubleTensor(0, 3),
      }
      local back = decode(t7.encode(obj, fmt), fmt)
      assert.are.equal("tocha.FloatTensor", back.f:type())
      assert.are.same(obj.f:totable(), back.f:totable())
      same_values(obj.d, back.d)
      same_values(obj.dt, back.dt)
      assert.are.same({ 1, 3 }, back.dt:stride():totable())
      same_values(obj.row, back.row)
      assert.are.equal(4, back.row:storageOffset())
      assert.are.equal(back.d:storage():pointer(), back.dt:storage():pointer())
      assert.are.equal(back.d:storage():pointer(), back.row:storage():pointer())
      back.d[2][2] = 50
      assert.are.equal(50, back.row[2])
      assert.are.equal(50, back.dt[2][2])
      assert.are.same(obj.l:totable(), back.l:totable())
      assert.are.equal("tocha.ByteTensor", back.b:type())
      assert.are.same({ 0, 255, 7 }, back.b:totable())
      assert.are.equal(0, back.empty:dim())
      assert.are.equal(0, back.zero:nElement())
    end
  end)

  it("refuses longs that do not fit in 4 bytes when writing 'b32'", function()
    assert_error("long (4 bytes) 1099511627776 does not fit", t7.encode, tocha.LongTensor({ 2 ^ 40 }), "b32")
  end)

  it("writes a tensor view with the whole storage, as Torch7 does", function()
    local base = tocha.FloatTensor({ 1, 2, 3, 4, 5, 6 })
    local s = t7.encode(base:narrow(1, 3, 2), "binary")
    local expect = header(1, "torch.FloatTensor") .. I(1) .. L(2) .. L(1) .. L(3)
      .. header(2, "torch.FloatStorage") .. L(6) .. pack("<ffffff", 1, 2, 3, 4, 5, 6)
    assert.are.equal(expect, s)
  end)

  it("keeps networks: classes, fields and outputs", function()
    tocha.manualSeed(3)
    local net = nn.Sequential():add(nn.Linear(4, 3)):add(nn.ReLU()):add(nn.Dropout(0.25))
      :add(nn.Linear(3, 2)):add(nn.View(-1, 2)):add(nn.LogSoftMax())
    net:evaluate()
    local x = tocha.randn(5, 4)
    local expected = net:forward(x):clone()
    for _, fmt in ipairs(FORMATS) do
      local s = t7.encode(net, fmt)
      assert.is_truthy(s:find("nn.Sequential", 1, true))
      assert.is_truthy(s:find("nn.Linear", 1, true))
      assert.is_truthy(s:find("torch.FloatTensor", 1, true))
      local back = decode(s, fmt)
      assert.are.equal(nn.Sequential, getmetatable(back))
      assert.are.equal(nn.Linear, getmetatable(back.modules[1]))
      assert.is_false(back.train)
      assert.are.equal(0.25, back.modules[3].p)
      local out = back:forward(x)
      assert.are.same(expected:totable(), out:totable())
      -- and it trains
      back:training()
      back:zeroGradParameters()
      back:backward(x, tocha.ones(5, 2))
      assert.is_true(back.modules[1].gradWeight:abs():sum() > 0)
    end
  end)

  it("keeps containers and criterions, with the fields Torch7's classes need", function()
    local concat = nn.Concat(2):add(nn.Linear(3, 2)):add(nn.Sequential():add(nn.Linear(3, 4)):add(nn.Tanh()))
    local net = nn.Sequential():add(concat):add(nn.ReLU()):add(nn.LogSoftMax())
    local x = tocha.randn(5, 3)
    local expected = net:forward(x):clone()
    local s = t7.encode({ net = net, crit = nn.ClassNLLCriterion() }, "binary")
    assert.is_truthy(s:find("threshold", 1, true))
    assert.is_truthy(s:find("total_weight_tensor", 1, true))
    local back = decode(s, "binary")
    assert.are.same(expected:totable(), back.net:forward(x):totable())
    local target = tocha.LongTensor({ 1, 2, 3, 4, 5 }):remainder(6):clamp(1, 6)
    assert.are.equal(nn.ClassNLLCriterion():forward(expected, target), back.crit:forward(expected, target))
  end)

  it("gives Torch7's Dropout the noise tensor it needs", function()
    local s = t7.encode(nn.Dropout(0.5), "binary")
    assert.is_truthy(s:find("noise", 1, true))
  end)
end)

describe("t7 hand-made files", function()
  it("reads a FloatTensor with 8-byte longs", function()
    local s = header(1, "torch.FloatTensor") .. I(2) .. L(2) .. L(2) .. L(2) .. L(1) .. L(1)
      .. header(2, "torch.FloatStorage") .. L(4) .. pack("<ffff", 1, 2, 3, 4)
    local t = decode(s, "binary")
    assert.are.equal("tocha.FloatTensor", t:type())
    assert.are.same({ { 1, 2 }, { 3, 4 } }, t:totable())
    assert.are.same(t:totable(), decode(s):totable()) -- detected
  end)

  it("reads 4-byte longs ('b32'), also in storages of longs", function()
    local s = header(1, "torch.LongTensor") .. I(1) .. L4(3) .. L4(1) .. L4(1)
      .. header(2, "torch.LongStorage") .. L4(3) .. L4(-5) .. L4(6) .. L4(2 ^ 31 - 1)
    local t = decode(s, "b32")
    assert.are.same({ -5, 6, 2 ^ 31 - 1 }, t:totable())
    assert.are.same({ -5, 6, 2 ^ 31 - 1 }, decode(s):totable()) -- detected
    assert_error("t7: ", decode, s, "binary")
    assert.are.equal(s, t7.encode(t, "b32"))
  end)

  it("reads ascii", function()
    local s = table.concat({ "4", "1", "3", "V 1", "18", "torch.DoubleTensor", "2", "2 3", "3 1", "1", "4", "2",
      "3", "V 1", "19", "torch.DoubleStorage", "6", "1 2.5 -3 1048576 nan -inf", "" }, "\n")
    local t = decode(s, "ascii")
    assert.are.equal("tocha.DoubleTensor", t:type())
    assert.are.same({ 1, 2.5, -3 }, t[1]:totable())
    assert.are.equal(1048576, t[2][1])
    assert.is_true(t[2][2] ~= t[2][2])
    assert.are.equal(-math.huge, t[2][3])
    assert.are.equal(s, t7.encode(t, "ascii"):gsub("nan", "nan"):gsub("%-nan", "nan"))
    assert.are.same(t[1]:totable(), decode(s)[1]:totable()) -- detected
  end)

  it("reads a recursive table and shared references", function()
    -- t = {self = t, list = L, again = L}, L = {"x"}
    local s = I(3) .. I(1) .. I(3)
      .. I(2) .. S("self") .. I(3) .. I(1)
      .. I(2) .. S("list") .. I(3) .. I(2) .. I(1) .. I(1) .. D(1) .. I(2) .. S("x")
      .. I(2) .. S("again") .. I(3) .. I(2)
    local t = decode(s, "binary")
    assert.are.equal(t, t.self)
    assert.are.equal(t.list, t.again)
    assert.are.equal("x", t.list[1])
    assert.are.equal("integer", math.type(next(t.list)))
  end)

  it("reads shared storage views: two tensors, one storage", function()
    local storage = header(3, "torch.DoubleStorage") .. L(6) .. pack("<dddddd", 1, 2, 3, 4, 5, 6)
    local a = header(2, "torch.DoubleTensor") .. I(2) .. L(2) .. L(3) .. L(3) .. L(1) .. L(1) .. storage
    local b = header(4, "torch.DoubleTensor") .. I(1) .. L(2) .. L(3) .. L(2) .. I(4) .. I(3)
    local s = I(3) .. I(1) .. I(2) .. I(1) .. D(1) .. a .. I(1) .. D(2) .. b
    local t = decode(s, "binary")
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, t[1]:totable())
    assert.are.same({ 2, 5 }, t[2]:totable())
    assert.are.equal(t[1]:storage():pointer(), t[2]:storage():pointer())
    t[1][2][2] = 50
    assert.are.equal(50, t[2][2])
  end)

  it("reads Int, Short, Char and Half tensors, and Cuda ones as CPU", function()
    local function one(name, sname, elems)
      return decode(header(1, name) .. I(1) .. L(3) .. L(1) .. L(1) .. header(2, sname) .. L(3) .. elems, "binary")
    end
    local ints = one("torch.IntTensor", "torch.IntStorage", pack("<i4i4i4", -7, 0, 2 ^ 31 - 1))
    assert.are.same({ -7, 0, 2 ^ 31 - 1 }, ints:totable())
    assert.are.equal("tocha.IntTensor", tocha.type(ints))
    local shorts = one("torch.ShortTensor", "torch.ShortStorage", pack("<i2i2i2", 1, -2, 3))
    assert.are.same({ 1, -2, 3 }, shorts:totable())
    assert.are.equal("tocha.ShortTensor", tocha.type(shorts))
    local chars = one("torch.CharTensor", "torch.CharStorage", pack("<i1i1i1", -128, 0, 127))
    assert.are.same({ -128, 0, 127 }, chars:totable())
    assert.are.equal("tocha.CharTensor", tocha.type(chars))
    -- halves: 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800
    local h = one("torch.HalfTensor", "torch.HalfStorage", pack("<I2I2I2", 0x3C00, 0xC000, 0x3800))
    assert.are.equal("tocha.FloatTensor", h:type())
    assert.are.same({ 1, -2, 0.5 }, h:totable())
    local c = one("torch.CudaTensor", "torch.CudaStorage", pack("<fff", 1, 2, 3))
    assert.are.equal("tocha.FloatTensor", c:type())
    assert.are.same({ 1, 2, 3 }, one("torch.CudaLongTensor", "torch.CudaLongStorage", pack("<i8i8i8", 1, 2, 3))
      :totable())
  end)

  it("writes Int, Short and Char tensors and storages and reads them back, binary, b32 and ascii", function()
    for _, fmt in ipairs { "binary", "b32", "ascii" } do
      local obj = { a = tocha.IntTensor({ 1, -2, 2 ^ 31 - 1 }), b = tocha.ShortTensor({ -32768, 5 }):view(2, 1),
        c = tocha.CharTensor({ -128, 127 }), s = tocha.IntStorage({ 7, 8 }) }
      local back = decode(t7.encode(obj, fmt), fmt)
      for _, k in ipairs { "a", "b", "c" } do
        assert.are.equal(tocha.type(obj[k]), tocha.type(back[k]))
        assert.are.same(obj[k]:totable(), back[k]:totable())
      end
      assert.are.equal("tocha.IntStorage", tocha.type(back.s))
      assert.are.equal(8, back.s[2])
    end
  end)

  it("reads a torch.LongStorage value as a size list", function()
    local s = header(1, "torch.LongStorage") .. L(3) .. L(2) .. L(3) .. L(4)
    local v = decode(s, "binary")
    assert.are.same({ 2, 3, 4 }, v:totable())
    assert.are.equal(getmetatable(tocha.FloatTensor(1):size()), getmetatable(v))
  end)

  it("upgrades an old module version: running_std becomes running_var", function()
    local BN = tocha.class.get("nn.T7SpecNorm") or tocha.class("nn.T7SpecNorm", "nn.Module")
    local fields = I(3) .. I(2) .. I(3)
      .. I(2) .. S("eps") .. I(1) .. D(0.5)
      .. I(2) .. S("running_std") .. header(3, "torch.DoubleTensor") .. I(1) .. L(2) .. L(1) .. L(1)
      .. header(4, "torch.DoubleStorage") .. L(2) .. D(0.5) .. D(0.25)
      .. I(2) .. S("train") .. I(5) .. I(0)
    local m = decode(header(1, "nn.T7SpecNorm", 1) .. fields, "binary")
    assert.are.equal(BN, getmetatable(m))
    assert.is_nil(m.running_std)
    assert.are.same({ 1 / 0.25 - 0.5, 1 / 0.0625 - 0.5 }, m.running_var:totable())
    assert.is_false(m.train)
    assert.is_truthy(tocha.isTensor(m.output)) -- from a default instance
    -- version 2 keeps the fields as they are
    local m2 = decode(header(1, "nn.T7SpecNorm", 2) .. fields, "binary")
    assert.is_nil(m2.running_var)
    assert.is_truthy(m2.running_std)
  end)

  it("loads a network laid out as Torch7 writes it, and its forward gives W x + b", function()
    local n = 1
    local function idx() n = n + 1; return n end
    local function dtensor(values, rows, cols)
      local sz = cols and (I(2) .. L(rows) .. L(cols) .. L(cols) .. L(1)) or (I(1) .. L(rows) .. L(1))
      local els = {}
      for i = 1, #values do els[i] = D(values[i]) end
      return header(idx(), "torch.DoubleTensor") .. sz .. L(1) .. header(idx(), "torch.DoubleStorage") .. L(#values)
        .. table.concat(els)
    end
    local function empty() return header(idx(), "torch.DoubleTensor") .. I(0) .. L(1) .. I(0) end
    local function field(k, v) return I(2) .. S(k) .. v end
    local function fields(list) return I(3) .. I(idx()) .. I(#list) .. table.concat(list) end
    local linear = header(idx(), "nn.Linear") .. fields({
      field("weight", dtensor({ 1, 2, 3, 4, 5, 6 }, 2, 3)), field("bias", dtensor({ 0.5, -1 }, 2)),
      field("gradWeight", dtensor({ 0, 0, 0, 0, 0, 0 }, 2, 3)), field("gradBias", dtensor({ 0, 0 }, 2)),
      field("output", empty()), field("gradInput", empty()), field("train", I(5) .. I(1)),
      field("_type", I(2) .. S("torch.DoubleTensor")) })
    local relu = header(idx(), "nn.ReLU") .. fields({
      field("threshold", I(1) .. D(0)), field("val", I(1) .. D(0)), field("inplace", I(5) .. I(0)),
      field("output", empty()), field("gradInput", empty()), field("train", I(5) .. I(1)) })
    local modules = I(3) .. I(idx()) .. I(2) .. I(1) .. D(1) .. linear .. I(1) .. D(2) .. relu
    local seq = header(1, "nn.Sequential") .. fields({ field("modules", modules), field("output", empty()),
      field("gradInput", empty()), field("train", I(5) .. I(1)) })
    local net = decode(seq, "binary")
    local x = tocha.DoubleTensor({ { 1, -1, 2 }, { 0, 1, 0 } })
    local y = net:forward(x)
    -- row 1: (1 - 2 + 6 + 0.5, 4 - 5 + 12 - 1) = (5.5, 10); row 2: (2.5, 4)
    assert.are.same({ { 5.5, 10 }, { 2.5, 4 } }, y:totable())
    net:zeroGradParameters()
    net:backward(x, tocha.DoubleTensor({ { 1, 1 }, { 1, 1 } }))
    assert.are.same({ 2, 2 }, net.modules[1].gradBias:totable())
  end)

  it("maps Torch7's Dropout fields", function()
    local s = header(1, "nn.Dropout") .. I(3) .. I(2) .. I(4)
      .. I(2) .. S("p") .. I(1) .. D(0.5)
      .. I(2) .. S("train") .. I(5) .. I(0)
      .. I(2) .. S("v2") .. I(5) .. I(1)
      .. I(2) .. S("stochastic_inference") .. I(5) .. I(0)
    local d = decode(s, "binary")
    assert.are.equal(nn.Dropout, getmetatable(d))
    assert.is_false(d.stochasticInference)
    local x = tocha.randn(3, 4)
    assert.are.same(x:totable(), d:forward(x):totable())
    d:training()
    local y = d:forward(tocha.ones(1000))
    assert.is_true(y:eq(0):sum() > 350 and y:eq(0):sum() < 650)
  end)

  it("names an unknown class, where it is, and what to require", function()
    local s = I(3) .. I(1) .. I(1) .. I(2) .. S("net") .. header(2, "nn.gModule") .. I(3) .. I(3) .. I(0)
    assert_error("unknown class 'nn.gModule' at obj.net", decode, s, "binary")
    assert_error("require 'nngraph'", decode, s, "binary")
    local c = header(1, "cudnn.SpatialConvolution") .. I(3) .. I(2) .. I(0)
    assert_error("cudnn.convert", decode, c, "binary")
    local mine = header(1, "nn.NoSuchThing") .. I(3) .. I(2) .. I(0)
    assert_error("tocha.nn has no NoSuchThing", decode, mine, "binary")
  end)

  it("keeps tocha generators (tocha only) and refuses Torch7's", function()
    local g = tocha.Generator()
    tocha.manualSeed(g, 77)
    tocha.uniform(g)
    local back = decode(t7.encode({ g, g }, "binary"), "binary")
    assert.are.equal(back[1], back[2])
    assert.are.equal(tocha.uniform(g), tocha.uniform(back[1]))
    assert_error("a torch.Generator at obj (byte 4) written by Torch7", decode,
      header(1, "torch.Generator") .. string.rep("\1", 64), "binary")
  end)

  it("refuses LuaJIT functions clearly, or gives stubs", function()
    local f = I(3) .. I(1) .. I(1) .. I(2) .. S("hook")
      .. I(8) .. I(2) .. S("\27LJ\2 bytecode") .. I(3) .. I(3) .. I(0)
    assert_error("a saved function at obj.hook", decode, f, "binary")
    assert_error("LuaJIT bytecode saved by Torch7", decode, f, "binary")
    local t = decode(f, "binary", { functions = "stub" })
    assert_error("loaded as a stub", t.hook)
  end)

  it("loads Lua 5.4 bytecode only when asked to", function()
    local function add(a, b) return a + b end
    local s = t7.encode(add, "binary")
    assert_error("loading bytecode from a file is unsafe", decode, s, "binary")
    assert.are.equal(5, decode(s, "binary", { functions = "load" })(2, 3))
  end)

  it("rejects bad data with clear errors", function()
    local good = header(1, "torch.FloatTensor") .. I(1) .. L(2) .. L(1) .. L(1)
      .. header(2, "torch.FloatStorage") .. L(2) .. pack("<ff", 1, 2)
    for n = 0, #good - 1 do
      local ok, err = pcall(decode, good:sub(1, n), "binary")
      assert.is_false(ok)
      assert.is_truthy(err:find("^t7: ") and not err:find("internal error"), err)
    end
    -- a storage that claims 2^40 elements in a few bytes: refused before allocating
    assert_error("truncated file (a torch.FloatStorage of 1099511627776 elements", decode,
      header(1, "torch.FloatStorage") .. L(2 ^ 40) .. "abcd", "binary")
    assert_error("a table of 1000000000 entries", decode, I(3) .. I(1) .. I(1000000000), "binary")
    assert_error("string of 2000000000 bytes", decode, I(2) .. I(2000000000) .. "ab", "binary")
    assert_error("unknown object type 99", decode, I(99), "binary")
    assert_error("with 17 dimensions", decode, header(1, "torch.FloatTensor") .. I(17), "binary")
    assert_error("reaches past the end of its storage", decode, header(1, "torch.FloatTensor") .. I(1) .. L(3)
      .. L(1) .. L(1) .. header(2, "torch.FloatStorage") .. L(2) .. pack("<ff", 1, 2), "binary")
    assert_error("corrupted file (a torch.FloatTensor at byte 36 with a torch.DoubleStorage)", decode,
      header(1, "torch.FloatTensor")
      .. I(1) .. L(1) .. L(1) .. L(1) .. header(2, "torch.DoubleStorage") .. L(1) .. D(1), "binary")
    assert_error("nil table key", decode, I(3) .. I(1) .. I(1) .. I(0) .. I(0), "binary")
    local deep = string.rep(I(3) .. I(1) .. I(1) .. I(1) .. D(1), 1100) -- references stop nothing here
    local ok = pcall(decode, deep, "binary")
    assert.is_false(ok)
    local nest = {}
    for i = 1, 1100 do nest[#nest + 1] = I(3) .. I(i) .. I(1) .. I(1) .. D(1) end
    assert_error("nest deeper than 1000", decode, table.concat(nest), "binary")
  end)
end)

describe("t7 files", function()
  require "tocha.compat"
  local torch = package.loaded.torch

  it("MemoryFile reads and writes primitives, binary and ascii", function()
    local f = torch.MemoryFile()
    f:binary()
    f:writeInt(-5)
    f:writeDouble(2.5)
    f:writeLong(2 ^ 40)
    f:writeString("hello\nworld")
    f:writeFloat(0.5)
    f:writeChar("ab")
    f:writeByte(200)
    assert.are.equal(4 + 8 + 8 + 11 + 4 + 2 + 1, #f:string())
    f:seek(1)
    assert.are.equal(-5, f:readInt())
    assert.are.equal(2.5, f:readDouble())
    assert.are.equal(2 ^ 40, f:readLong())
    assert.are.equal("hello", f:readString("*l"))
    assert.are.equal(27, f:position())
    f:seek(32)
    assert.are.equal(0.5, f:readFloat())
    assert.are.equal(97, f:readChar())
    assert.are.equal(98, f:readByte())
    assert.are.equal(200, f:readByte())
    assert.is_false(f:hasError())
    f:quiet()
    assert.are.equal(0, f:readInt())
    assert.is_true(f:hasError())
    f:close()
    assert_error("attempt to use a closed file", f.readInt, f)

    local a = torch.MemoryFile()
    a:writeInt(3)
    a:writeDouble(0.1)
    a:writeDouble(tocha.DoubleStorage({ 1, 2, 3 }))
    a:writeChar("xyz")
    assert.are.equal("3\n0.10000000000000001\n1 2 3\nxyz\n", a:string())
    a:seek(1)
    assert.are.equal(3, a:readInt())
    assert.are.equal(0.1, a:readDouble())
    local ds = a:readDouble(3)
    assert.are.same({ 1, 2, 3 }, { ds[1], ds[2], ds[3] })
    assert.are.equal("torch.MemoryFile", torch.typename(a))
    local storage = a:storage()
    assert.are.equal(#a:string() + 1, #storage)
  end)

  it("longSize(4) writes 4-byte longs", function()
    local f = torch.MemoryFile():binary():longSize(4)
    f:writeObject(tocha.DoubleTensor({ 1, 2 }))
    local s = f:string()
    assert.are.equal(header(1, "torch.DoubleTensor") .. I(1) .. L4(2) .. L4(1) .. L4(1)
      .. header(2, "torch.DoubleStorage") .. L4(2) .. D(1) .. D(2), s)
    f:seek(1)
    assert.are.same({ 1, 2 }, f:readObject():totable())
  end)

  it("keeps references across writeObject calls of one file", function()
    local f = torch.MemoryFile():binary()
    local t = { 1 }
    f:writeObject(t)
    f:writeObject(t)
    f:seek(1)
    local a, b = f:readObject(), f:readObject()
    assert.are.equal(a, b)
    local g = torch.MemoryFile():binary():referenced(false)
    g:writeObject(t)
    g:writeObject(t)
    g:seek(1)
    assert.are_not.equal(g:readObject(), g:readObject())
  end)

  it("round-trips closures written by the same file, with shared upvalues", function()
    local n = 0
    local funcs = { inc = function() n = n + 1 end, get = function() return n end }
    local f = torch.MemoryFile():binary()
    f:writeObject(funcs)
    f:seek(1)
    local back = f:readObject()
    back.inc()
    back.inc()
    assert.are.equal(2, back.get())
    assert.are.equal(0, n)
  end)

  it("names where an unwritable value sits", function()
    local f = torch.MemoryFile():binary()
    assert_error("Unwritable object <userdata> at <?>.a.b", f.writeObject, f, { a = { b = io.stdout } })
  end)

  it("torch.save / torch.load on disk, binary and ascii, and tocha.load detects them", function()
    local path = os.tmpname()
    local obj = { x = tocha.DoubleTensor({ 1, 2, 3 }), name = "n" }
    for _, mode in ipairs({ "binary", "ascii" }) do
      torch.save(path, obj, mode)
      local back = torch.load(path, mode)
      assert.are.same({ 1, 2, 3 }, back.x:totable())
      assert.are.same({ 1, 2, 3 }, torch.load(path).x:totable())
      assert.are.same({ 1, 2, 3 }, tocha.load(path).x:totable())
    end
    tocha.save(path, obj) -- tocha's own format still loads with torch.load
    assert.are.same({ 1, 2, 3 }, torch.load(path).x:totable())
    tocha.save(path, obj, "t7")
    local f = assert(io.open(path, "rb"))
    local bytes = f:read("a")
    f:close()
    assert.are.equal(bytes, torch.serialize(obj):len() == #bytes and bytes or nil)
    assert.are.same({ 1, 2, 3 }, tocha.load(path, "t7").x:totable())
    local d = torch.DiskFile(path, "r"):binary()
    assert.are.equal(3, d:readInt())
    d:close()
    assert.is_nil(torch.DiskFile(path .. ".missing/x", "r", true))
    assert_error("cannot open", torch.DiskFile, path .. ".missing/x", "r")
    os.remove(path)
  end)

  it("torch.serialize / deserialize and serializeToStorage", function()
    local s = torch.serialize({ 1, "two" })
    assert.are.same({ 1, "two" }, torch.deserialize(s))
    assert.are.same({ 1, "two" }, torch.deserialize(torch.serialize({ 1, "two" }, "ascii"), "ascii"))
    assert.are.equal(#s, #torch.serializeToStorage({ 1, "two" }))
    assert.are.same({ 1, "two" }, torch.deserializeFromStorage(torch.serializeToStorage({ 1, "two" })))
    assert_error("torch.deserialize: ", torch.deserialize, "garbage")
  end)
end)
