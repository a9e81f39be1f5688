-- Writes the seed corpora fuzz/corpus/{idx,load,api} (committed; rerun
-- after a format change):
--   LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="build/lua/?.so;;" lua5.4 fuzz/make_seeds.lua
local tocha = require "tocha"
local nn = require "tocha.nn"

local function write(dir, name, bytes)
  os.execute("mkdir -p fuzz/corpus/" .. dir)
  local f = assert(io.open("fuzz/corpus/" .. dir .. "/" .. name, "wb"))
  f:write(bytes)
  f:close()
end

-- IDX: one mode byte (1: the harness gzips the rest), then the file.
local function be32(v) return string.pack(">I4", v) end
local function idx(code, sizes, payload)
  local h = { "\0\0", string.char(code, #sizes) }
  for _, s in ipairs(sizes) do h[#h + 1] = be32(s) end
  return table.concat(h) .. payload
end
local idx_seeds = {
  ubyte = idx(0x08, { 2, 3 }, "\1\2\3\4\5\6"),
  sbyte = idx(0x09, { 4 }, "\255\1\128\127"),
  short = idx(0x0B, { 2 }, string.pack(">i2>i2", -2, 300)),
  int = idx(0x0C, { 1, 2 }, string.pack(">i4>i4", -5, 1 << 30)),
  float = idx(0x0D, { 2 }, string.pack(">f>f", 1.5, -0.0)),
  double = idx(0x0E, { 1 }, string.pack(">d", 0 / 0)),
  empty = idx(0x08, { 0, 28, 28 }, ""),
  images = idx(0x08, { 2, 4, 4 }, string.rep("\7", 32)),
}
for name, bytes in pairs(idx_seeds) do
  write("idx", name, "\0" .. bytes)
  write("idx", name .. "_gz", "\1" .. bytes)
end
-- A gzip stream as the file itself (mode 0): what zlib reads directly.
local p = io.popen("gzip -c -n < /dev/stdin > fuzz/corpus/idx/raw_gz.tmp", "w")
p:write(idx_seeds.images)
p:close()
local f = assert(io.open("fuzz/corpus/idx/raw_gz.tmp", "rb"))
write("idx", "raw_gz", "\0" .. f:read("a"))
f:close()
os.remove("fuzz/corpus/idx/raw_gz.tmp")

-- tocha.load: one format byte (load.lua's FORMATS: 0 none, 1 binary, 2 t7,
-- 3 ascii, 4 b32, 5 b64), then the bytes.
tocha.manualSeed(1)
local x = tocha.DoubleTensor({ { 1, 2, 3 }, { 4, 5, 6 } })
local objects = {
  number = 1.5,
  int = math.mininteger,
  str = "a\0b",
  tensor = x,
  view = { x, x:t(), x:narrow(2, 2, 2) },
  types = { tocha.FloatTensor(2):fill(0 / 0), tocha.LongTensor({ 1, -2 }), tocha.ByteTensor(3),
    tocha.IntTensor({ 7 }), tocha.ShortTensor(0), tocha.CharTensor({ -1 }) },
  empty = { tocha.DoubleTensor(), tocha.FloatTensor(0, 4) },
  expanded = tocha.FloatTensor({ 1 }):expand(3),
  linear = nn.Linear(3, 2),
  net = nn.Sequential():add(nn.Linear(2, 2)):add(nn.ReLU()):add(nn.Dropout(0.5)),
  cycle = (function() local t = { 1 }; t.self = t; return t end)(),
}
local formats = { binary = 1, t7 = 2, ascii = 3, b32 = 4, b64 = 5 }
for name, obj in pairs(objects) do
  for fmt, code in pairs(formats) do
    local ok, s = pcall(tocha.serialize, obj, fmt)
    if ok then write("load", name .. "_" .. fmt, string.char(code) .. s) end
  end
end

-- fuzz_api: byte strings of calls (api.lua decodes them); a few by hand
-- and pseudo-random ones.
local state = 12345
local function rnd()
  state = (state * 1103515245 + 12345) % 2147483648
  return state >> 16 & 255
end
for i = 1, 24 do
  local b = {}
  for j = 1, 32 + i * 4 do b[j] = string.char(rnd()) end
  write("api", string.format("random%02d", i), table.concat(b))
end
for op = 0, 5 do
  local b = { string.char(op) }
  for j = 1, 40 do b[#b + 1] = string.char((op * 37 + j * 11) % 256) end
  write("api", "op" .. op, table.concat(b))
end
print("seeds written to fuzz/corpus/")
