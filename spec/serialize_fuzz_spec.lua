-- Robustness of tocha.deserialize against damaged input: every truncation,
-- random bit flips, random garbage, and headers that claim huge sizes.
-- Each input must either load or raise an error string that starts with
-- "tocha.deserialize: " - never crash, hang or allocate what the input does
-- not justify.  Damaged bodies are also re-framed with a valid length and
-- checksum, so that the parser itself (not only the checksum) is exercised.
-- TOCHA_SPEC_QUICK (set for the valgrind run) uses fewer iterations.
local tocha = require "tocha"
local nn = require "tocha.nn"

local QUICK = os.getenv("TOCHA_SPEC_QUICK") ~= nil
local MAGIC = "\x89TCH\r\n\x1a\n"
local HEADER = 24

local function frame(body)
  local head = MAGIC .. string.pack("<I4I4I8", 1, 0, #body)
  return head .. body .. string.pack("<I4", tocha._crc32(body, tocha._crc32(head)))
end

local function representative()
  local saved = tocha.getdefaulttensortype()
  tocha.setdefaulttensortype("tocha.FloatTensor")
  tocha.manualSeed(5)
  local net = nn.Sequential():add(nn.Linear(4, 3)):add(nn.ReLU()):add(nn.Dropout(0.2)):add(nn.Linear(3, 2))
    :add(nn.LogSoftMax())
  tocha.setdefaulttensortype(saved)
  net:forward(tocha.FloatTensor(2, 4):uniform())
  local d = tocha.DoubleTensor(3, 3):uniform()
  local obj = {
    net = net,
    tensors = { d, d:t(), d[2], d:select(2, 1), tocha.LongTensor({ 1, -2, math.maxinteger }),
      tocha.ByteTensor({ 0, 255 }), tocha.FloatTensor(), tocha.DoubleTensor(0, 2),
      tocha.FloatTensor({ 1, 2 }):view(1, 2):expand(3, 2) },
    numbers = { 1, -0.0, 0 / 0, 1 / 0, math.mininteger, 2.5 },
    text = "abc\0def",
    flags = { [true] = false, [1.5] = "x" },
  }
  obj.tensors.again = d
  obj.cycle = { parent = obj, [obj] = "key" }
  return obj
end

-- Runs deserialize on each input; returns the number loaded and the first
-- bad outcome (an error that is not a clear tocha.deserialize message).
local function attempt(s, stats)
  local ok, err = pcall(tocha.deserialize, s)
  if ok then
    stats.loaded = stats.loaded + 1
  else
    stats.failed = stats.failed + 1
    if type(err) ~= "string" or not err:find("^tocha%.deserialize: ") or err:find("internal error", 1, true) then
      stats.bad = stats.bad or tostring(err)
    end
  end
end

local function new_stats() return { loaded = 0, failed = 0 } end

local function assert_clear(stats)
  assert.is_nil(stats.bad, "unclear error: " .. tostring(stats.bad))
end

local function flip(s, bit)
  local i = bit // 8 + 1
  return s:sub(1, i - 1) .. string.char(s:byte(i) ~ (1 << (bit % 8))) .. s:sub(i + 1)
end

local function random_bytes(rng, n)
  local b = {}
  for i = 1, n do b[i] = string.char(rng(0, 255)) end
  return table.concat(b)
end

describe("deserialize fuzzing", function()
  local good = tocha.serialize(representative())
  local body = good:sub(HEADER + 1, -5)
  local rng = math.random
  math.randomseed(20240601)

  it("loads the undamaged representative object", function()
    local back = tocha.deserialize(good)
    assert.are.equal(nn.Sequential, getmetatable(back.net))
    assert.are.equal(back, back.cycle.parent)
    assert.are.equal(back.tensors[1], back.tensors.again)
    assert.are.equal(frame(body), good)
    assert.is_true(#body > 1500)
  end)

  it("rejects every truncation, framed or not", function()
    local step = QUICK and 7 or 1
    local raw, framed = new_stats(), new_stats()
    local count = 0
    for len = 0, #good - 1, step do attempt(good:sub(1, len), raw) end
    for len = 0, #body - 1, step do
      attempt(frame(body:sub(1, len)), framed)
      count = count + 1
    end
    assert_clear(raw)
    assert_clear(framed)
    assert.are.equal(0, raw.loaded)
    assert.are.equal(0, framed.loaded) -- a prefix of a value is never a value
    assert.is_true(QUICK or count >= 2000, "only " .. count .. " truncations")
  end)

  it("survives random single-bit flips", function()
    local n = QUICK and 300 or 2500
    local raw, framed = new_stats(), new_stats()
    for _ = 1, n do
      attempt(flip(good, rng(0, #good * 8 - 1)), raw)
      attempt(frame(flip(body, rng(0, #body * 8 - 1))), framed)
    end
    assert_clear(raw)
    assert_clear(framed)
    assert.are.equal(0, raw.loaded) -- the checksum catches every single-bit error
    assert.is_true(framed.loaded > 0 and framed.failed > 0)
  end)

  it("survives random garbage and scrambled bodies", function()
    local n = QUICK and 60 or 400
    local stats = new_stats()
    for _ = 1, n do
      attempt(random_bytes(rng, rng(0, 64)), stats)
      attempt(MAGIC .. random_bytes(rng, rng(0, 64)), stats)
      attempt(frame(random_bytes(rng, rng(0, 64))), stats)
      -- Several bytes of the real body overwritten, or a chunk of it moved.
      local b = body
      for _ = 1, rng(2, 6) do
        local i = rng(1, #b)
        b = b:sub(1, i - 1) .. string.char(rng(0, 255)) .. b:sub(i + 1)
      end
      attempt(frame(b), stats)
      local i, j = rng(1, #body), rng(1, #body)
      attempt(frame(body:sub(1, i) .. body:sub(j)), stats)
    end
    assert_clear(stats)
  end)

  it("fails fast on sizes and counts the data cannot hold", function()
    local function expect(pattern, b)
      local start = os.clock()
      local ok, err = pcall(tocha.deserialize, frame(b))
      assert.is_false(ok)
      assert.is_truthy(err:find(pattern, 1, true), "error was: " .. tostring(err))
      assert.is_true(os.clock() - start < 2, "took " .. (os.clock() - start) .. " s")
    end
    local TENSOR, VIEW, STORAGE, TABLE, STRING, OBJECT, REF = 9, 10, 11, 6, 5, 7, 8
    expect("tocha.deserialize: corrupted file (tensor shape at offset 24 has too many elements)",
      string.pack("<BBBi8", TENSOR, 1, 1, 1 << 60))
    expect("tocha.deserialize: truncated file (expected 8796093022208 bytes of tensor data at offset 35, 0 left)",
      string.pack("<BBBi8", TENSOR, 1, 1, 1 << 40))
    expect("truncated file (expected 8589934592 bytes of tensor data at offset 43, 4 left)",
      string.pack("<BBBi8i8", TENSOR, 0, 2, 1 << 15, 1 << 16) .. "abcd")
    expect("tocha.deserialize: truncated file (expected 9223372036854775800 bytes of storage data",
      string.pack("<BBi8i8i8BBI8", VIEW, 1, 1, 1, 0, STORAGE, 2, (1 << 60) - 1))
    expect("tocha.deserialize: truncated file (expected 1152921504606846976 elements of 8 bytes of storage data",
      string.pack("<BBi8i8i8BBI8", VIEW, 1, 1, 1, 0, STORAGE, 2, 1 << 60))
    expect("truncated file (expected 4611686018427387904 bytes of string at offset 33, 0 left)",
      string.pack("<BI8", STRING, 1 << 62))
    expect("truncated file (a table of 4611686018427387904 entries at offset 25 cannot fit in the 2 bytes left)",
      string.pack("<BI8", TABLE, 1 << 62) .. "\1\1")
    expect("corrupted file (class name of 4611686018427387904 bytes at offset 24; at most 256)",
      string.pack("<BI8", OBJECT, 1 << 62))
    expect("corrupted file (table size at offset 25 is 18446744073709551615, above 2^63)",
      string.pack("<Bi8", TABLE, -1))
    expect("corrupted file (tensor with 200 dimensions at offset 24; at most 16)",
      string.pack("<BBB", TENSOR, 0, 200))
    expect("corrupted file (values nest deeper than 1000 levels",
      string.rep(string.pack("<BI8B", TABLE, 1, 2), 100000))
    expect("corrupted file (reference at offset 50 to object #0, which is not a storage)",
      string.pack("<BBi8i8i8BI8", VIEW, 1, 1, 1, 0, REF, 0))
    expect("corrupted file (reference at offset 95 to object #2, which is a storage, not a value)",
      string.pack("<BI8Bi8BBi8i8i8BBI8dBi8BI8", TABLE, 2, 3, 1, VIEW, 1, 1, 1, 0, STORAGE, 1, 1, 1.0, 3, 2, REF, 2))
  end)

  it("loads a view of 2^58 elements over one stored element without allocating them", function()
    local b = string.pack("<BBi8i8i8BBI8d", 10, 1, 1 << 58, 0, 0, 11, 1, 1, 2.5)
    local t = tocha.deserialize(frame(b))
    assert.are.equal(1 << 58, t:nElement())
    assert.are.equal(2.5, t[(1 << 58) - 1])
    assert.are.equal(1, t:storage():size())
  end)
end)
