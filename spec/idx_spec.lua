-- tocha.readIDX: IDX files (MNIST's format) of every element type, plain and
-- gzipped, and the errors for files that are missing, cut or foreign.
local tocha = require "tocha"

local base = os.tmpname()
local dir = base .. "_idx"
assert(os.execute("mkdir -p " .. dir))

local function path(name) return dir .. "/" .. name end

local function write(name, bytes)
  local f = assert(io.open(path(name), "wb"))
  f:write(bytes)
  f:close()
  return path(name)
end

-- Files to gzip are collected while the fixtures are written, then
-- compressed by one gzip call (processes are slow under valgrind).
local to_gzip = {}
local function gz(name)
  to_gzip[#to_gzip + 1] = path(name)
  return path(name) .. ".gz"
end

local function read_all(p)
  local f = assert(io.open(p, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- header (00 00 code ndim, big-endian sizes) followed by values packed with fmt
local function idx(code, sizes, values, fmt)
  local parts = { string.pack(">BBBB", 0, 0, code, #sizes) }
  for _, s in ipairs(sizes) do parts[#parts + 1] = string.pack(">I4", s) end
  for _, v in ipairs(values or {}) do parts[#parts + 1] = string.pack(fmt, v) end
  return table.concat(parts)
end

local cases = {
  { name = "ubyte", code = 0x08, fmt = ">B", type = "tocha.ByteTensor", values = { 0, 1, 127, 128, 254, 255 } },
  { name = "sbyte", code = 0x09, fmt = ">b", type = "tocha.LongTensor", values = { 0, 1, -1, 127, -128, -77 } },
  { name = "short", code = 0x0B, fmt = ">i2", type = "tocha.LongTensor",
    values = { 0, 256, -300, 32767, -32768, -1 } },
  { name = "int", code = 0x0C, fmt = ">i4", type = "tocha.LongTensor",
    values = { 0, 65536, -70000, 2147483647, -2147483648, -1 } },
  { name = "float", code = 0x0D, fmt = ">f", type = "tocha.FloatTensor",
    values = { 0, 1.5, -2.25, 1024.125, -0.5, 3.0e38 } },
  { name = "double", code = 0x0E, fmt = ">d", type = "tocha.DoubleTensor",
    values = { 0, 1 / 3, -1e300, 5e-324, 2 ^ 60, -0.1 } },
}
for _, case in ipairs(cases) do
  case.plain = write(case.name .. ".idx", idx(case.code, { 2, 3 }, case.values, case.fmt))
  case.gz = gz(case.name .. ".idx")
end

local good = idx(0x0B, { 2, 4 }, { 1, 2, 3, 4, 5, 6, 7, 8 }, ">i2") -- 8 header + 8 size + 16 data bytes
local F = {
  cut = write("cut.idx", good:sub(1, #good - 5)), cut_gz = gz("cut.idx"),
  good = write("good.idx", good), good_gz = gz("good.idx"),
  long = write("long.idx", good .. "xyz"), long_gz = gz("long.idx"),
  text = write("text.idx", "hello, world"), text_gz = gz("text.idx"),
  liar = write("liar.idx", idx(0x08, { 100000, 100000 }, { 1, 2, 3 }, ">B")), liar_gz = gz("liar.idx"),
}
assert(os.execute("gzip -kf " .. table.concat(to_gzip, " ")))

local function flat(t)
  return t:contiguous():view(t:nElement()):totable()
end

local function read_error(p)
  local ok, err = pcall(tocha.readIDX, p)
  assert.is_false(ok)
  return err
end

teardown(function()
  os.execute("rm -rf " .. dir)
  os.remove(base)
end)

describe("tocha.readIDX", function()
  for _, case in ipairs(cases) do
    it("reads " .. case.name .. " data, plain and gzipped, as a " .. case.type, function()
      for _, p in ipairs({ case.plain, case.gz }) do
        local t = tocha.readIDX(p)
        assert.are.equal(case.type, tocha.type(t))
        assert.are.same({ 2, 3 }, t:size():totable())
        assert.is_true(t:isContiguous())
        local expected = {}
        for i, v in ipairs(case.values) do
          -- float files hold float32 values: compare with v rounded to float
          expected[i] = case.name == "float" and string.unpack(">f", string.pack(">f", v)) or v
        end
        assert.are.same(expected, flat(t))
      end
    end)
  end

  it("keeps the file's shape (MNIST's N x 28 x 28)", function()
    local values = {}
    for i = 1, 2 * 28 * 28 do values[i] = i % 256 end
    local t = tocha.readIDX(write("images.idx", idx(0x08, { 2, 28, 28 }, values, ">B")))
    assert.are.same({ 2, 28, 28 }, t:size():totable())
    assert.are.equal(1, t[{ 1, 1, 1 }])
    assert.are.equal(785 % 256, t[{ 2, 1, 1 }])
    assert.are.equal((2 * 784) % 256, t[{ 2, 28, 28 }])
    -- the result is an ordinary tensor
    assert.are.equal(2 * 28 * 28, t:double():nElement())
  end)

  it("reads a size of 0 as a tensor with no elements of that shape", function()
    local t = tocha.readIDX(write("zero.idx", idx(0x0D, { 0, 784 })))
    assert.are.equal("tocha.FloatTensor", tocha.type(t))
    assert.are.equal(0, t:nElement())
    assert.are.same({ 0, 784 }, t:size():totable())
  end)

  it("reads the real Fashion-MNIST labels when installed", function()
    local p = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
    if not io.open(p, "rb") then return pending("dataset-fashion-mnist is not installed") end
    local t = tocha.readIDX(p)
    assert.are.equal("tocha.ByteTensor", tocha.type(t))
    assert.are.same({ 10000 }, t:size():totable())
    assert.are.equal(0, t:min())
    assert.are.equal(9, t:max())
  end)
end)

describe("tocha.readIDX errors", function()
  it("names the function, the file and the problem for a truncated file", function()
    assert.are.equal("tocha.readIDX: " .. F.cut .. ": truncated: 11 of the 16 data bytes declared by its header "
      .. "(2x4 short)", read_error(F.cut))
    -- the same stream gzipped: a valid gzip file holding too little
    assert.are.equal("tocha.readIDX: " .. F.cut_gz .. ": truncated: 11 of the 16 data bytes declared by its header "
      .. "(2x4 short)", read_error(F.cut_gz))
  end)

  it("detects a cut or corrupted gzip stream", function()
    assert.are.same({ 2, 4 }, tocha.readIDX(F.good_gz):size():totable())
    local stream = read_all(F.good_gz)
    local p = write("cut.gz", stream:sub(1, #stream // 2))
    assert.are.equal("tocha.readIDX: " .. p .. ": truncated gzip stream (the compressed data ends early)",
      read_error(p))
    -- only the 8-byte trailer (CRC, length) cut
    p = write("cut_trailer.gz", stream:sub(1, #stream - 4))
    assert.matches("truncated gzip stream", read_error(p), 1, true)
    -- a wrong CRC
    local crc = stream:sub(-8, -8)
    p = write("crc.gz", stream:sub(1, -9) .. string.char(crc:byte() ~ 0xff) .. stream:sub(-7))
    assert.are.equal("tocha.readIDX: " .. p .. ": corrupted gzip data (incorrect data check)", read_error(p))
  end)

  it("rejects data after the declared elements", function()
    assert.are.equal("tocha.readIDX: " .. F.long .. ": trailing data: 3 bytes after the 16 data bytes its header "
      .. "declares", read_error(F.long))
    assert.matches("trailing data after the elements its header declares", read_error(F.long_gz), 1, true)
  end)

  it("rejects foreign files and bad headers", function()
    assert.are.equal("tocha.readIDX: " .. F.text .. ": not an IDX file (it starts with bytes 68 65 6c 6c; an IDX "
      .. "file starts with 00 00, a type code and the number of dimensions)", read_error(F.text))
    assert.matches("not an IDX file", read_error(F.text_gz), 1, true)
    local p = write("empty.idx", "")
    assert.are.equal("tocha.readIDX: " .. p .. ": empty file, not an IDX file", read_error(p))
    p = write("type.idx", idx(0x0A, { 1 }, { 1 }, ">B"))
    assert.matches("unknown IDX element type code 0x0A (known: 0x08 ubyte,", read_error(p), 1, true)
    p = write("nodim.idx", string.pack(">BBBB", 0, 0, 8, 0))
    assert.matches("the header declares 0 dimensions (1 to 16 supported)", read_error(p), 1, true)
    p = write("manydims.idx", string.pack(">BBBB", 0, 0, 8, 40))
    assert.matches("the header declares 40 dimensions (1 to 16 supported)", read_error(p), 1, true)
    p = write("cuthead.idx", good:sub(1, 10))
    assert.matches(p .. ": truncated header: it ends after 6 of the 8 bytes of sizes", read_error(p), 1, true)
  end)

  it("refuses huge declared sizes before allocating", function()
    local p = write("huge.idx", idx(0x08, { 4294967295, 4294967295, 4294967295 }))
    assert.are.equal("tocha.readIDX: " .. p .. ": the header declares 4294967295x4294967295x4294967295 ubyte "
      .. "elements: as a Byte tensor, more than the limit of 17179869184 bytes (a corrupted header?)", read_error(p))
    -- 2^32 ints are 2^35 bytes once widened to a LongTensor
    p = write("wide.idx", idx(0x0C, { 65536, 65536 }))
    assert.matches("as a Long tensor, more than the limit", read_error(p), 1, true)
    -- within the limit but absent from the file: an error, not a 10 GB allocation
    assert.matches("truncated: 3 of the 10000000000 data bytes", read_error(F.liar), 1, true)
    assert.matches("truncated: 3 of the 10000000000 data bytes", read_error(F.liar_gz), 1, true)
  end)

  it("reports missing files, directories and bad arguments", function()
    assert.are.equal("tocha.readIDX: " .. path("nope.idx") .. ": cannot open: No such file or directory",
      read_error(path("nope.idx")))
    assert.are.equal("tocha.readIDX: " .. dir .. ": is a directory, not an IDX file", read_error(dir))
    assert.matches("bad argument #1 to '.*readIDX' %(string expected, got nil%)", read_error(nil))
    assert.matches("bad argument #1 to '.*readIDX' %(string expected, got table%)", read_error({}))
  end)
end)
