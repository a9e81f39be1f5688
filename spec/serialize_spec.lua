-- tocha.save / load / serialize / deserialize: exact round trips of values,
-- tensors (views, shared storages), tables (shared references, cycles) and
-- whole networks; clear errors for what cannot be saved and for bad files.
local tocha = require "tocha"
local nn = require "tocha.nn"

local MAGIC = "\x89TCH\r\n\x1a\n"

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error containing " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
  return err
end

local function roundtrip(v)
  return tocha.deserialize(tocha.serialize(v))
end

-- Bit-exact tensor equality: type, shape and element bytes.
local function assert_same_tensor(expected, got)
  assert.is_true(tocha.isTensor(got), "expected a tensor, got " .. type(got))
  assert.are.equal(expected:type(), got:type())
  assert.are.equal(expected:dim(), got:dim())
  for d = 1, expected:dim() do assert.are.equal(expected:size(d), got:size(d)) end
  assert.is_true(expected:toBytes() == got:toBytes(), "tensor elements differ")
end

-- A new file with the given bytes, framed as a tocha file (header + CRC).
local function frame(body)
  local head = MAGIC .. string.pack("<I4I4I8", 1, 0, #body)
  return head .. body .. string.pack("<I4", tocha._crc32(body, tocha._crc32(head)))
end

local function temp_path()
  local path = os.tmpname()
  os.remove(path)
  return path
end

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

describe("serialize: numbers, strings, booleans", function()
  it("keeps integers as integers and floats as floats, bit for bit", function()
    local values = { 0, 1, -1, math.maxinteger, math.mininteger, (1 << 53) + 1, 0.0, 1.0, -2.5, 1 / 3,
      5e-324, 1.7976931348623157e308, 1 / 0, -1 / 0, 2 ^ 63 }
    local back = roundtrip(values)
    assert.are.equal(#values, #back)
    for i, v in ipairs(values) do
      assert.are.equal(math.type(v), math.type(back[i]), "subtype of entry " .. i)
      assert.are.equal(string.pack("<n", v), string.pack("<n", back[i]), "bits of entry " .. i)
    end
    assert.are.equal("integer", math.type(roundtrip(7)))
    assert.are.equal("float", math.type(roundtrip(7.0)))
  end)

  it("keeps -0.0, nan and its sign bit", function()
    local negzero = roundtrip(-0.0)
    assert.are.equal(0, negzero)
    assert.are.equal(-1 / 0, 1 / negzero)
    local nan = 0 / 0
    local back = roundtrip({ nan, -nan })
    assert.is_true(back[1] ~= back[1])
    assert.are.equal(string.pack("<d", nan), string.pack("<d", back[1]))
    assert.are.equal(string.pack("<d", -nan), string.pack("<d", back[2]))
  end)

  it("keeps strings byte for byte, long ones with zeros included", function()
    local bytes = {}
    for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
    local all = table.concat(bytes)
    local long = string.rep("a\0b\255", 300000)
    local back = roundtrip({ "", "\0", all, long, s = "x" })
    assert.are.equal("", back[1])
    assert.are.equal("\0", back[2])
    assert.are.equal(all, back[3])
    assert.are.equal(#long, #back[4])
    assert.is_true(long == back[4])
    assert.are.equal("x", back.s)
    assert.are.equal(long, roundtrip(long))
  end)

  it("keeps booleans and nil as the whole object", function()
    assert.are.equal(true, roundtrip(true))
    assert.are.equal(false, roundtrip(false))
    assert.is_nil(roundtrip(nil))
    assert.are.equal(1, select("#", roundtrip(nil)))
    local back = roundtrip({ a = false, [true] = true, [false] = 0 })
    assert.are.equal(false, back.a)
    assert.are.equal(true, back[true])
    assert.are.equal(0, back[false])
  end)
end)

describe("serialize: tables", function()
  it("keeps nested tables and keys of every kind", function()
    local tkey, tensor_key = { "key" }, tocha.LongTensor({ 5 })
    local obj = { 1, 2, { 3, { 4, "five" } }, [1.5] = "float key", [-7] = "negative", [tkey] = "table key",
      [tensor_key] = "tensor key", name = "x", [2 ^ 60] = "big" }
    local back = roundtrip(obj)
    assert.are.same({ 1, 2, { 3, { 4, "five" } } }, { back[1], back[2], back[3] })
    assert.are.equal("float key", back[1.5])
    assert.are.equal("negative", back[-7])
    assert.are.equal("x", back.name)
    assert.are.equal("big", back[2 ^ 60])
    local found_table, found_tensor = false, false
    for k, v in pairs(back) do
      if type(k) == "table" then
        assert.are.same({ "key" }, k)
        assert.are.equal("table key", v)
        found_table = true
      elseif tocha.isTensor(k) then
        assert_same_tensor(tensor_key, k)
        assert.are.equal("tensor key", v)
        found_tensor = true
      end
    end
    assert.is_true(found_table and found_tensor)
  end)

  it("keeps a table referenced twice as one table", function()
    local shared = { 1, 2 }
    local back = roundtrip({ a = shared, b = shared, c = { shared } })
    assert.are.equal(back.a, back.b)
    assert.are.equal(back.a, back.c[1])
    back.a[1] = 99
    assert.are.equal(99, back.b[1])
  end)

  it("keeps cycles, direct and through other tables and keys", function()
    local a, b = {}, {}
    a.self, a.b, b.a = a, b, a
    a[a] = "self as key"
    local back = roundtrip(a)
    assert.are.equal(back, back.self)
    assert.are.equal(back, back.b.a)
    assert.are.equal("self as key", back[back])
    local list = { 1 }
    list[2] = list
    local l2 = roundtrip(list)
    assert.are.equal(l2, l2[2])
  end)

  it("round-trips deep nesting up to the limit and refuses deeper", function()
    local root = {}
    local t = root
    for _ = 1, 900 do
      t.next = {}
      t = t.next
    end
    t.leaf = "end"
    local back = roundtrip(root)
    for _ = 1, 900 do back = back.next end
    assert.are.equal("end", back.leaf)
    for _ = 1, 200 do
      t.next = {}
      t = t.next
    end
    local err = assert_error("tables nest deeper than 1000 levels", tocha.serialize, root)
    assert.is_truthy(err:find("^tocha.serialize: cannot save obj.next.next"))
  end)
end)

describe("serialize: tensors", function()
  local types = { "FloatTensor", "DoubleTensor", "LongTensor", "ByteTensor" }

  it("round-trips tensors of the four types exactly", function()
    for _, name in ipairs(types) do
      local t = tocha[name]({ { 1, 2, 3 }, { 4, 5, 250 } })
      local back = roundtrip(t)
      assert_same_tensor(t, back)
      assert.are.same({ { 1, 2, 3 }, { 4, 5, 250 } }, back:totable())
      assert.is_true(back:isContiguous())
    end
    local long = tocha.LongTensor({ math.mininteger, -1, 0, math.maxinteger })
    assert.are.same({ math.mininteger, -1, 0, math.maxinteger }, roundtrip(long):totable())
    local f = tocha.FloatTensor({ 0 / 0, 1 / 0, -1 / 0, -0.0, 1e-45, 3.4028234663852886e38 })
    assert_same_tensor(f, roundtrip(f))
    local d = tocha.DoubleTensor({ 0 / 0, -0.0, 5e-324, 1 / 3 })
    assert_same_tensor(d, roundtrip(d))
  end)

  it("round-trips empty tensors and tensors with a zero size", function()
    for _, name in ipairs(types) do
      local e = roundtrip(tocha[name]())
      assert.are.equal("tocha." .. name, e:type())
      assert.are.equal(0, e:dim())
      local z = roundtrip(tocha[name](0, 3))
      assert.are.equal(2, z:dim())
      assert.are.equal(0, z:size(1))
      assert.are.equal(3, z:size(2))
      assert.are.equal(0, z:nElement())
    end
  end)

  it("saves a non-contiguous view as the elements it shows", function()
    local big = tocha.DoubleTensor(1000, 1000)
    for i = 1, 1000 do big[{ i, 7 }] = i end
    local column = big:select(2, 7)
    local s = tocha.serialize(column)
    assert.is_true(#s < 9000, "a 1000-element column should not save the 10^6-element storage: " .. #s)
    local back = tocha.deserialize(s)
    assert_same_tensor(column, back)
    assert.are.equal(1000, back:storage():size())
    assert.are.equal(500, back[500])
    local narrowed = big:narrow(1, 3, 2):narrow(2, 6, 3)
    assert_same_tensor(narrowed, roundtrip(narrowed))
    local unfolded = tocha.FloatTensor({ 1, 2, 3, 4, 5, 6, 7 }):unfold(1, 3, 2)
    assert_same_tensor(unfolded, roundtrip(unfolded))
  end)

  it("keeps a transposed or expanded view as a view of the same few elements", function()
    local x = tocha.FloatTensor({ { 1, 2, 3 }, { 4, 5, 6 } })
    local xt = roundtrip(x:t())
    assert.are.same({ { 1, 4 }, { 2, 5 }, { 3, 6 } }, xt:totable())
    assert.is_false(xt:isContiguous())
    assert.are.equal(6, xt:storage():size())
    local row = tocha.DoubleTensor({ 1, 2, 3 }):view(1, 3):expand(100000, 3)
    local s = tocha.serialize(row)
    assert.is_true(#s < 200, "an expanded tensor saves its 3 elements: " .. #s)
    local back = tocha.deserialize(s)
    assert.are.equal(100000, back:size(1))
    assert.are.equal(0, back:stride(1))
    assert.are.equal(3, back[{ 99999, 3 }])
  end)

  it("loads the same tensor referenced twice as one tensor", function()
    local t = tocha.FloatTensor({ 1, 2, 3 })
    local back = roundtrip({ t, t, { t } })
    assert.are.equal(back[1], back[2])
    assert.are.equal(back[1], back[3][1])
  end)

  it("keeps tensors that share a storage sharing it when that costs nothing", function()
    local x = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })
    local back = roundtrip({ x = x, xt = x:t(), row = x[2], alias = tocha.DoubleTensor(x) })
    local ptr = back.x:storage():pointer()
    assert.are.equal(ptr, back.xt:storage():pointer())
    assert.are.equal(ptr, back.row:storage():pointer())
    assert.are.equal(ptr, back.alias:storage():pointer())
    assert.are_not.equal(back.x, back.alias)
    back.x[{ 2, 1 }] = 30
    assert.are.equal(30, back.xt[{ 1, 2 }])
    assert.are.equal(30, back.row[1])
    assert.are.equal(30, back.alias[{ 2, 1 }])
    -- Two small views far apart in a big storage: saved apart, not the storage.
    local big = tocha.FloatTensor(100000):zero()
    local a, b = big:narrow(1, 1, 2), big:narrow(1, 99999, 2)
    local s = tocha.serialize({ a, b })
    assert.is_true(#s < 300, "two 2-element views should not save 100000 elements: " .. #s)
    local ab = tocha.deserialize(s)
    assert_same_tensor(a, ab[1])
    assert_same_tensor(b, ab[2])
  end)

  it("keeps the views made by getParameters in one storage", function()
    local net = nn.Sequential():add(nn.Linear(3, 4)):add(nn.Linear(4, 2))
    local params = net:getParameters()
    local back = roundtrip({ net = net, params = params })
    local p = back.params
    assert_same_tensor(params, p)
    local ptr = p:storage():pointer()
    for _, m in ipairs(back.net.modules) do
      assert.are.equal(ptr, m.weight:storage():pointer())
      assert.are.equal(ptr, m.bias:storage():pointer())
    end
    p:fill(0.5)
    assert.are.equal(0.5, back.net.modules[2].bias[2])
    -- Without the flat tensor, the module tensors still share one storage.
    local alone = roundtrip(net)
    assert.are.equal(alone.modules[1].weight:storage():pointer(), alone.modules[2].bias:storage():pointer())
  end)
end)

describe("serialize: modules and networks", function()
  -- Built in the default type (net:type() would also convert Dropout's ByteTensor mask).
  local function build(typename)
    local saved = tocha.getdefaulttensortype()
    tocha.setdefaulttensortype(typename)
    tocha.manualSeed(1234)
    local net = nn.Sequential()
      :add(nn.Linear(6, 5))
      :add(nn.ReLU())
      :add(nn.Dropout(0.3))
      :add(nn.Linear(5, 3))
      :add(nn.LogSoftMax())
    tocha.setdefaulttensortype(saved)
    return net
  end

  for _, typename in ipairs({ "tocha.FloatTensor", "tocha.DoubleTensor" }) do
    it("gives a loaded network the same outputs and classes (" .. typename .. ")", function()
      local net = build(typename)
      local input = tocha.DoubleTensor(4, 6):uniform(-1, 1):type(typename)
      net:forward(input) -- leaves buffers and a Dropout mask behind
      local path = temp_path()
      tocha.save(path, net)
      local loaded = tocha.load(path)
      os.remove(path)
      assert.are.equal(nn.Sequential, getmetatable(loaded))
      assert.are.equal(nn.Linear, getmetatable(loaded.modules[1]))
      assert.are.equal(nn.Dropout, getmetatable(loaded.modules[3]))
      assert.are.equal(nn.LogSoftMax, getmetatable(loaded.modules[5]))
      assert.are.equal(tostring(net), tostring(loaded))
      assert.are.equal(typename, loaded.modules[1].weight:type())
      -- The Dropout's record of its last input size survives.
      assert.are.same({ 4, 5 }, loaded.modules[3].maskSize)
      -- Evaluation: identical outputs.
      net:evaluate()
      loaded:evaluate()
      assert_same_tensor(net:forward(input), loaded:forward(input))
      -- Training: same random stream, same masks, same outputs and gradients.
      net:training()
      loaded:training()
      tocha.manualSeed(99)
      local out1 = net:forward(input):clone()
      tocha.manualSeed(99)
      local out2 = loaded:forward(input):clone()
      assert_same_tensor(out1, out2)
      local grad = out1:clone():fill(0.25)
      net:zeroGradParameters()
      loaded:zeroGradParameters()
      assert_same_tensor(net:backward(input, grad), loaded:backward(input, grad))
      net:updateParameters(0.1)
      loaded:updateParameters(0.1)
      assert_same_tensor(net.modules[4].weight, loaded.modules[4].weight)
    end)
  end

  it("round-trips criterions and modules with shared parameters", function()
    local crit = roundtrip(nn.ClassNLLCriterion())
    assert.are.equal(nn.ClassNLLCriterion, getmetatable(crit))
    local input = tocha.DoubleTensor({ { -1, -2, -0.5 } })
    local target = tocha.LongTensor({ 3 })
    assert.are.equal(nn.ClassNLLCriterion():forward(input, target), crit:forward(input, target))
    local a = nn.Linear(2, 2)
    local b = a:clone("weight", "bias")
    local back = roundtrip({ a, b })
    assert.are.equal(back[1].weight:storage():pointer(), back[2].weight:storage():pointer())
  end)

  it("loads a network in a fresh Lua without requiring tocha.nn first", function()
    local path = temp_path()
    local net = nn.Sequential():add(nn.Linear(2, 1))
    net.modules[1].weight:copy(tocha.FloatTensor({ { 2, 3 } }))
    net.modules[1].bias:fill(1)
    tocha.save(path, net)
    local script = path .. ".lua"
    local f = assert(io.open(script, "w"))
    f:write(string.format([[
package.path = %q
package.cpath = %q
local tocha = require "tocha"
local net = tocha.load(%q)
io.write(tostring(net.modules[1]), " ", net:forward(tocha.FloatTensor({ 1, 1 }))[1])
]], package.path, package.cpath, path))
    f:close()
    local p = assert(io.popen("lua5.4 " .. script .. " 2>&1"))
    local out = p:read("a")
    p:close()
    os.remove(script)
    os.remove(path)
    assert.are.equal("nn.Linear(2 -> 1) 6", out)
  end)
end)

describe("serialize: files", function()
  it("saves to a file and loads it back, accepting the 'binary' format", function()
    local path = temp_path()
    local obj = { t = tocha.LongTensor({ 1, 2 }), s = "x" }
    tocha.save(path, obj, "binary")
    local s = read_file(path)
    assert.are.equal(MAGIC, s:sub(1, 8))
    assert.are.equal(tocha.serialize(obj), s)
    local back = tocha.load(path, "binary")
    assert.are.equal("x", back.s)
    assert.are.same({ 1, 2 }, back.t:totable())
    os.remove(path)
  end)

  it("rejects unknown format arguments", function()
    assert_error("bad argument #3 to 'save' ('binary', 't7', 'ascii', 'b32' or 'b64' expected, got \"text\")",
      tocha.save, "x", {}, "text")
    assert_error("bad argument #2 to 'load' ('binary', 't7', 'ascii', 'b32' or 'b64' expected, got \"b16\")",
      tocha.load, "x", "b16")
    assert_error("bad argument #2 to 'serialize' ('binary', 't7', 'ascii', 'b32' or 'b64' expected, got \"b16\")",
      tocha.serialize, {}, "b16")
    assert_error("bad argument #2 to 'deserialize' ('binary', 't7', 'ascii', 'b32' or 'b64' expected, got number)",
      tocha.deserialize, "", 1)
    assert_error("bad argument #1 to 'save' (file name expected, got nil)", tocha.save, nil, {})
    assert_error("bad argument #1 to 'deserialize' (string expected, got table)", tocha.deserialize, {})
    assert_error("bad argument #4 to 'save' (only referenced = true", tocha.save, "x", {}, "binary", false)
  end)

  it("names the path when a file cannot be read or written", function()
    local dir = temp_path()
    assert_error("tocha.load: " .. dir .. "/missing.t7: No such file or directory", tocha.load, dir .. "/missing.t7")
    assert_error("tocha.save: " .. dir .. "/sub/x.t7: cannot create a temporary file in " .. dir
      .. "/sub (No such file or directory)", tocha.save, dir .. "/sub/x.t7", { 1 })
    assert.is_true(os.execute("mkdir " .. dir))
    assert_error("tocha.load: " .. dir .. ": ", tocha.load, dir)
    -- Saving over a directory fails and leaves no temporary file behind.
    assert_error("tocha.save: " .. dir .. ": " .. dir .. " is a directory, not a regular file", tocha.save, dir, { 1 })
    local p = io.popen("ls -d " .. dir .. ".tmp* " .. dir .. "/.*.tmp-* 2>/dev/null")
    assert.are.equal("", p:read("a"))
    p:close()
    os.remove(dir)
  end)

  it("leaves an existing file untouched when a save fails", function()
    local path = temp_path()
    tocha.save(path, { version = 1 })
    local before = read_file(path)
    assert_error("tocha.save: cannot save a function at obj.hook", tocha.save, path, { version = 2, hook = print })
    assert.are.equal(before, read_file(path))
    tocha.save(path, { version = 2 })
    assert.are.equal(2, tocha.load(path).version)
    os.remove(path)
  end)
end)

describe("serialize: errors", function()
  it("names the place of a value that cannot be saved", function()
    local net = nn.Sequential():add(nn.Linear(2, 2)):add(nn.ReLU())
    net.modules[2].hook = function() end
    assert_error("tocha.serialize: cannot save a function at obj.modules[2].hook", tocha.serialize, net)
    assert_error("tocha.save: cannot save a thread at obj[1][\"a key\"]", tocha.save, "unused",
      { { ["a key"] = coroutine.create(print) } })
    assert_error("cannot save a userdata (tocha.Generator) at obj.gen", tocha.serialize, { gen = tocha.Generator() })
    assert_error("cannot save a userdata (tocha.FloatStorage) at obj.s", tocha.serialize,
      { s = tocha.FloatTensor(2):storage() })
    assert_error("cannot save a table whose metatable is not a tocha class at obj.weak", tocha.serialize,
      { weak = setmetatable({}, { __mode = "k" }) })
    assert_error("cannot save a function used as a table key in obj.t", tocha.serialize, { t = { [print] = 1 } })
    assert_error("cannot save a function at obj", tocha.serialize, print)
  end)

  it("recognises foreign, truncated and unsupported files", function()
    local good = tocha.serialize({ x = tocha.DoubleTensor({ 1, 2, 3, 4 }) })
    assert_error("tocha.deserialize: empty file (not a tocha file)", tocha.deserialize, "")
    assert_error("tocha.deserialize: not a tocha file", tocha.deserialize, "PK\3\4 a zip file")
    assert_error("tocha.deserialize: not a tocha file", tocha.deserialize, "\x89PNG\r\n\x1a\n and more")
    assert_error("tocha.deserialize: truncated file (10 bytes; a tocha file has at least 28)", tocha.deserialize,
      good:sub(1, 10))
    assert_error("tocha.deserialize: truncated file (the header announces " .. (#good - 28) .. " bytes of data, "
      .. (#good - 29) .. " are there)", tocha.deserialize, good:sub(1, -2))
    assert_error("tocha.deserialize: corrupted file (1 bytes after the end of the data)", tocha.deserialize,
      good .. "x")
    local v9 = good:sub(1, 8) .. string.pack("<I4", 9) .. good:sub(13)
    assert_error("tocha.deserialize: unsupported format version 9 (this tocha reads version 1)", tocha.deserialize,
      v9)
    local flipped = good:sub(1, 40) .. string.char(good:byte(41) ~ 4) .. good:sub(42)
    assert_error("tocha.deserialize: corrupted file (checksum mismatch", tocha.deserialize, flipped)
    local path = temp_path()
    local f = assert(io.open(path, "wb"))
    f:write(good:sub(1, 60))
    f:close()
    assert_error("tocha.load: " .. path .. ": truncated file", tocha.load, path)
    os.remove(path)
  end)

  it("reports structural damage with the offset, even under a valid checksum", function()
    local body = tocha.serialize({ x = tocha.DoubleTensor({ 1, 2, 3, 4 }) }):sub(25, -5)
    -- body: TABLE, count, STRING "x" (1+8+1), TENSOR dtype ndim size (1+1+1+8), 32 bytes of data
    assert_error("tocha.deserialize: truncated file (expected 32 bytes of tensor data at offset 54, 17 left)",
      tocha.deserialize, frame(body:sub(1, -16)))
    local unknown = string.pack("<BI8", 7, 6) .. "nn.Foo" .. string.pack("<I8", 0)
    assert_error("tocha.deserialize: unknown class 'nn.Foo'", tocha.deserialize, frame(unknown))
    assert_error("corrupted file (reference at offset 34 to object #5, but only 1 are defined before it)",
      tocha.deserialize, frame(string.pack("<BI8BBI8", 6, 1, 2, 8, 5)))
    assert_error("corrupted file (nil inside a table at offset 34)", tocha.deserialize,
      frame(string.pack("<BI8BB", 6, 1, 2, 0)))
    assert_error("corrupted file (nan table key at offset 33)", tocha.deserialize,
      frame(string.pack("<BI8BdB", 6, 1, 4, 0 / 0, 2)))
    assert_error("corrupted file (unknown value tag 200 at offset 24)", tocha.deserialize, frame("\200"))
    assert_error("corrupted file (3 unused bytes after the object, at offset 25)", tocha.deserialize,
      frame("\1\1\1\1"))
    assert_error("corrupted file (unknown tensor type 4 at offset 25)", tocha.deserialize,
      frame(string.pack("<BBB", 9, 4, 0)))
    -- A view reaching past its storage.
    local view = string.pack("<BBi8i8i8BBI8", 10, 1, 3, 2, 0, 11, 1, 4) .. string.rep("\0", 32)
    assert_error("corrupted file (view at offset 24 reaches past the end of its storage of 4 elements)",
      tocha.deserialize, frame(view))
  end)
end)
