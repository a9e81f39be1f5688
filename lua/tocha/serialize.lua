--[=[
tocha.save(path, obj [, format]) / tocha.load(path [, format | options]) and
tocha.serialize(obj [, format]) -> string / tocha.deserialize(string [, format | options]).

format: nil or "binary" is tocha's own format below (on loading, a file
without its magic number is read as a Torch7 file); "t7" (Torch7 binary,
8-byte longs; on loading: binary, 'b32' or ascii, detected), "ascii",
"b32" (4-byte longs) and "b64" are Torch7's format (tocha/t7.lua).
options = {format = ..., functions = "error" | "stub" | "load"} for
loading: what to do with saved functions (tocha/t7.lua).

What can be saved: nil (as the whole object only), booleans, numbers (the
integer / float subtype is kept, floats bit for bit: nan, inf, -0.0),
strings (any bytes), tensors of the four types, tables (any keys and values
of these kinds; a table or tensor referenced twice is loaded as one object,
cycles included), and tables whose metatable is a tocha class
(tocha.class("nn.Linear", ...), and the tocha.LongStorage size lists): they
are written with their class name and get that class's metatable back on
load, without running any constructor.  Anything else (functions,
coroutines, userdata other than tensors, tables with other metatables) is
an error naming where it sits: "cannot save a function at obj.modules[2].hook".

Tensors: a tensor is saved as what it shows: its elements, not its whole
storage.  Tensors that share one storage stay sharing it after load when
that costs nothing: if the span of the storage they reach together is no
larger than their element counts added up (a tensor and its transpose, the
weight and bias views into a getParameters() buffer, an expanded tensor),
that span is written once and each tensor is written as a view into it.
Otherwise each tensor is written as a contiguous copy of its elements.

FILE FORMAT, version 1
----------------------
All integers are little-endian and fixed-width: u8, u32, u64 (unsigned) and
i64 (two's complement).  A reader must reject a u64 count or id >= 2^63.
"Offsets" in error messages count bytes from the start of the file, from 0.

  file    = header body trailer
  header  = 24 bytes:
              magic     8 bytes  89 54 43 48 0D 0A 1A 0A  ("\x89TCH\r\n\x1a\n")
              version   u32      1
              flags     u32      0 (reserved: a reader rejects anything else)
              body_len  u64      the number of bytes of body
  body    = one value, exactly body_len bytes
  trailer = crc32 u32: the CRC-32 (zlib's, polynomial 0xEDB88320 reflected,
            initial and final xor 0xFFFFFFFF) of header and body

  value   = tag u8, then by tag:
    0x00 NIL      -                           only as the whole body
    0x01 FALSE    -
    0x02 TRUE     -
    0x03 INTEGER  i64                         a Lua integer
    0x04 FLOAT    8 bytes                     an IEEE-754 binary64, bit for bit
    0x05 STRING   n u64, n bytes
    0x06 TABLE    n u64, n x (key value, value value)        defines an object
    0x07 OBJECT   m u64, m bytes of class name (m <= 256),
                  n u64, n x (key value, value value)        defines an object
    0x08 REF      id u64: an object defined earlier (possibly one whose
                  entries are still being read: cycles)
    0x09 TENSOR   dtype u8, ndim u8 (0..16), ndim x size i64 (>= 0),
                  then prod(sizes) elements in row-major order, each
                  little-endian (no elements when ndim = 0: the empty
                  tensor)                                    defines an object
    0x0A VIEW     ndim u8 (1..16), ndim x size i64 (>= 0), ndim x stride
                  i64 (>= 0, in elements), offset i64 (>= 0, in elements),
                  then a storage: either
                    0x0B STORAGE  dtype u8, count u64, count elements
                                  (little-endian)            defines an object
                  or
                    0x08 REF      id u64 of a STORAGE defined earlier
                  The tensor has the storage's dtype; its element
                  (i1, ..., in) (from 0) is storage element offset +
                  sum(ik * stride_k), all of which lie below count.
                                                             defines an object
  dtype: 0 float32, 1 float64, 2 int64, 3 uint8 (tocha.FloatTensor,
  DoubleTensor, LongTensor, ByteTensor).  The product of a shape's non-zero
  sizes is at most (2^63-1)/16 (integer division), tocha's limit on a shape.

  Object ids count definitions from 0 in the order their tags appear in the
  file.  A VIEW takes its id before the STORAGE inside it takes the next one.
  A REF in a value's place must name a TABLE, OBJECT, TENSOR or finished
  VIEW; a REF in a view's storage place must name a STORAGE.
  Table keys are neither NIL nor a nan FLOAT.  Values nest at most 1000 deep.

A reader that checks each count against the bytes left before using it
never allocates more than a small multiple of the file's size.  This one
reads through a cursor whose every read goes through need(), which raises
"truncated file" when the bytes are not there.
]=]
local core = require "tocha.core"
local class = require "tocha.class"

local pack, unpack = string.pack, string.unpack
local byte, sub, format = string.byte, string.sub, string.format

local M = {}

local MAGIC = "\x89TCH\r\n\x1a\n"
local VERSION = 1
local HEADER_SIZE = 24
local TRAILER_SIZE = 4
local MAX_DEPTH = 1000
local MAX_DIMS = 16
local MAX_CLASS_NAME = 256
local MAX_ELEMENTS = math.maxinteger // 16 -- the core's limit on a shape

local NIL, FALSE, TRUE, INTEGER, FLOAT, STRING = 0, 1, 2, 3, 4, 5
local TABLE, OBJECT, REF, TENSOR, VIEW, STORAGE = 6, 7, 8, 9, 10, 11

local DTYPES = {
  [0] = { name = "tocha.FloatTensor", ctor = "FloatTensor", size = 4 },
  [1] = { name = "tocha.DoubleTensor", ctor = "DoubleTensor", size = 8 },
  [2] = { name = "tocha.LongTensor", ctor = "LongTensor", size = 8 },
  [3] = { name = "tocha.ByteTensor", ctor = "ByteTensor", size = 1 },
}
local DTYPE_OF = {}
for code, info in pairs(DTYPES) do DTYPE_OF[info.name] = code end

-- Metatables that are not tocha.class classes but are saved by name.
local size_metatable = getmetatable(core.FloatTensor(1):size())
local BUILTIN_CLASSES = { ["tocha.LongStorage"] = size_metatable }

--- The class name under which a table with metatable `mt` is saved, or nil.
local function class_name_of(mt)
  if mt == size_metatable then return "tocha.LongStorage" end
  if type(mt) ~= "table" then return nil end
  local name = rawget(mt, "__typename")
  if type(name) == "string" and class.get(name) == mt then return name end
  return nil
end

--- The metatable to give an object saved with class `name`, or nil.
local function find_class(name)
  local cls = BUILTIN_CLASSES[name] or class.get(name)
  if cls then return cls end
  -- "nn.X": tocha loads its nn table on first use; do that, then look again.
  -- Only tocha's own lazily loaded parts are touched: nothing is required
  -- by a name read from the file.
  local prefix = name:match("^([%a_][%w_]*)%.")
  local tocha = package.loaded["tocha"]
  if prefix and type(tocha) == "table" and rawget(tocha, prefix) == nil then
    pcall(function() return tocha[prefix] end) -- a failure just leaves the class unknown
    return class.get(name)
  end
  return nil
end

-- ---- arguments -----------------------------------------------------------------

-- Formats: nil / "binary" (tocha's own; loading detects Torch7 files too),
-- and Torch7's (tocha/t7.lua): "t7" (binary, 8-byte longs; on loading:
-- detected), "ascii", "b32" (4-byte longs), "b64".
local T7_FORMATS = { t7 = "binary", ascii = "ascii", b32 = "b32", b64 = "binary" }

-- The format name, and the options table when one was given instead.
local function check_format(fmt, fname, arg)
  local opts
  if type(fmt) == "table" then opts, fmt = fmt, fmt.format end
  if fmt == nil or fmt == "binary" or T7_FORMATS[fmt] then return fmt, opts or {} end
  error(format("bad argument #%d to '%s' ('binary', 't7', 'ascii', 'b32' or 'b64' expected, got %s)", arg, fname,
    type(fmt) == "string" and format("%q", fmt) or type(fmt)), 3)
end

local t7_module
local function t7()
  t7_module = t7_module or require "tocha.t7"
  return t7_module
end

--- Does s start like a file in tocha's own format?
function M.is_tocha_format(s)
  return type(s) == "string" and #s > 0 and sub(s, 1, #MAGIC) == sub(MAGIC, 1, #s)
end

local function check_referenced(referenced, fname, arg)
  if referenced == nil or referenced == true then return end
  error(format("bad argument #%d to '%s' (only referenced = true is supported: shared references are always kept)",
    arg, fname), 3)
end

local function check_path(path, fname)
  if type(path) ~= "string" then
    error(format("bad argument #1 to '%s' (file name expected, got %s)", fname, type(path)), 3)
  end
end

-- ---- writing -------------------------------------------------------------------

local function key_string(k)
  if type(k) == "string" then
    if k:match("^[%a_][%w_]*$") then return "." .. k end
    return "[" .. format("%q", k):gsub("\\\n", "\\n") .. "]"
  elseif math.type(k) == "integer" then
    return "[" .. k .. "]"
  elseif type(k) == "number" then
    return "[" .. format("%.17g", k) .. "]"
  elseif type(k) == "boolean" then
    return "[" .. tostring(k) .. "]"
  elseif core.isTensor(k) then
    return "[<tensor key>]"
  end
  return "[<" .. type(k) .. " key>]"
end

-- "obj.modules[2].hook" for the keys path[1..depth]; long paths are cut.
local function render_path(path, depth)
  local parts = { "obj" }
  for i = 1, depth do
    if depth > 24 and i == 5 then
      parts[#parts + 1] = format("...(%d more levels)...", depth - 20)
    elseif depth <= 24 or i < 5 or i > depth - 16 then
      parts[#parts + 1] = key_string(path[i])
    end
  end
  return table.concat(parts)
end

local function describe(v)
  if type(v) == "userdata" then
    local mt = getmetatable(v)
    local name = type(mt) == "table" and rawget(mt, "__name")
    return type(name) == "string" and format("a userdata (%s)", name) or "a userdata"
  elseif type(v) == "table" then
    return "a table whose metatable is not a tocha class"
  end
  return "a " .. type(v)
end

local function save_error(w, depth, as_key, v)
  if as_key then -- path[depth] is the key itself
    error(format("%scannot save %s used as a table key in %s", w.prefix, describe(v),
      render_path(w.path, depth - 1)), 0)
  end
  error(format("%scannot save %s at %s", w.prefix, describe(v), render_path(w.path, depth)), 0)
end

-- Pass 1: checks that everything can be saved (before anything is written)
-- and groups the tensors by storage.
local function collect(w, v, depth, as_key)
  local tv = type(v)
  if tv == "number" or tv == "string" or tv == "boolean" or (tv == "nil" and depth == 0) then return end
  if w.seen[v] then return end
  if tv == "table" then
    local mt = getmetatable(v)
    if mt ~= nil and not class_name_of(mt) then save_error(w, depth, as_key, v) end
    if depth >= MAX_DEPTH then
      error(format("%scannot save %s: tables nest deeper than %d levels", w.prefix, render_path(w.path, depth),
        MAX_DEPTH), 0)
    end
    w.seen[v] = true
    for k, x in next, v do
      w.path[depth + 1] = k
      collect(w, k, depth + 1, true)
      collect(w, x, depth + 1, false)
    end
    w.path[depth + 1] = nil
  elseif core.isTensor(v) then
    w.seen[v] = true
    local n = v:nElement()
    if v:dim() == 0 or n == 0 then return end
    local first = v:storageOffset()
    local last = first
    for d = 1, v:dim() do last = last + (v:size(d) - 1) * v:stride(d) end
    local key = v:storage():pointer()
    local g = w.groups[key]
    if not g then
      g = { first = first, last = last, total = 0.0, count = 0, tensor = v }
      w.groups[key] = g
    end
    g.first, g.last = math.min(g.first, first), math.max(g.last, last)
    g.total = g.total + n -- a float: expanded tensors may count 2^62 each
    g.count = g.count + 1
    w.tensor_group[v] = g
  else
    save_error(w, depth, as_key, v)
  end
end

local function put(w, s)
  local n = w.n + 1
  w.n, w.parts[n], w.size = n, s, w.size + #s
end

local function define(w, v)
  w.ids[v] = w.next_id
  w.next_id = w.next_id + 1
end

local function emit_tensor(w, v)
  define(w, v)
  local dtype = DTYPE_OF[core.type(v)]
  local nd = v:dim()
  local g = w.tensor_group[v]
  local fields = {}
  for d = 1, nd do fields[d] = v:size(d) end
  if g and g.shared then
    for d = 1, nd do fields[nd + d] = v:stride(d) end
    fields[2 * nd + 1] = v:storageOffset() - g.first
    put(w, pack("<BB" .. string.rep("i8", 2 * nd + 1), VIEW, nd, table.unpack(fields, 1, 2 * nd + 1)))
    if g.id then
      put(w, pack("<BI8", REF, g.id))
    else
      g.id = w.next_id
      w.next_id = w.next_id + 1
      local count = g.last - g.first + 1
      put(w, pack("<BBI8", STORAGE, dtype, count))
      local span = core[DTYPES[dtype].ctor]():set(v:storage(), g.first, { count })
      put(w, span:toBytes())
    end
  else
    put(w, pack("<BBB" .. string.rep("i8", nd), TENSOR, dtype, nd, table.unpack(fields, 1, nd)))
    local data = v:toBytes()
    if #data > 0 then put(w, data) end
  end
end

-- Pass 2: writes the values (pass 1 has checked them all).
local function emit(w, v)
  local tv = type(v)
  if tv == "nil" then
    put(w, pack("B", NIL))
  elseif tv == "boolean" then
    put(w, pack("B", v and TRUE or FALSE))
  elseif tv == "number" then
    if math.type(v) == "integer" then
      put(w, pack("<Bi8", INTEGER, v))
    else
      put(w, pack("<Bd", FLOAT, v))
    end
  elseif tv == "string" then
    put(w, pack("<BI8", STRING, #v))
    if #v > 0 then put(w, v) end
  elseif w.ids[v] then
    put(w, pack("<BI8", REF, w.ids[v]))
  elseif tv == "table" then
    define(w, v)
    local name = class_name_of(getmetatable(v))
    if name then
      put(w, pack("<BI8", OBJECT, #name))
      put(w, name)
    else
      put(w, pack("B", TABLE))
    end
    put(w, "") -- the entry count, filled in below
    local slot, count = w.n, 0
    for k, x in next, v do
      emit(w, k)
      emit(w, x)
      count = count + 1
    end
    w.parts[slot] = pack("<I8", count)
    w.size = w.size + 8
  else
    emit_tensor(w, v)
  end
end

-- The file as a list of strings: header, body pieces, trailer.
local function encode(obj, prefix)
  local w = {
    prefix = prefix, path = {}, seen = {}, groups = {}, tensor_group = {},
    parts = { false }, n = 1, size = 0, ids = {}, next_id = 0,
  }
  collect(w, obj, 0, false)
  for _, g in pairs(w.groups) do
    g.shared = (g.count > 1 or not g.tensor:isContiguous()) and g.last - g.first + 1 <= g.total
  end
  emit(w, obj)
  local parts = w.parts
  parts[1] = MAGIC .. pack("<I4I4I8", VERSION, 0, w.size)
  local crc = 0
  for i = 1, w.n do crc = core._crc32(parts[i], crc) end
  parts[w.n + 1] = pack("<I4", crc)
  return parts
end

-- ---- reading -------------------------------------------------------------------

-- Errors about the data are raised as ReadError objects, and turned into
-- "tocha.load: path: message" strings at the top.
local ReadError = {}

local function read_error(fmt, ...)
  error(setmetatable({ message = format(fmt, ...) }, ReadError), 0)
end

local function need(r, n, what)
  local left = r.limit - r.pos + 1
  if n > left then
    read_error("truncated file (expected %d bytes of %s at offset %d, %d left)", n, what, r.pos - 1, left)
  end
end

local function read_u8(r, what)
  need(r, 1, what)
  local b = byte(r.s, r.pos)
  r.pos = r.pos + 1
  return b
end

local function read_i64(r, what)
  need(r, 8, what)
  local v = unpack("<i8", r.s, r.pos)
  r.pos = r.pos + 8
  return v
end

-- A u64 count, size, stride, offset or id: below 2^63.
local function read_count(r, what)
  local at = r.pos - 1
  local v = read_i64(r, what)
  if v < 0 then read_error("corrupted file (%s at offset %d is %s, above 2^63)", what, at, format("%u", v)) end
  return v
end

-- Checks that n elements of esize bytes are there (n*esize may overflow).
local function need_elements(r, n, esize, what)
  local left = r.limit - r.pos + 1
  if n > left // esize then
    if n <= math.maxinteger // esize then
      read_error("truncated file (expected %d bytes of %s at offset %d, %d left)", n * esize, what, r.pos - 1, left)
    end
    read_error("truncated file (expected %d elements of %d bytes of %s at offset %d, %d bytes left)", n, esize, what,
      r.pos - 1, left)
  end
end

local function read_dtype(r)
  local at = r.pos - 1
  local code = read_u8(r, "tensor type")
  local info = DTYPES[code]
  if not info then read_error("corrupted file (unknown tensor type %d at offset %d)", code, at) end
  return info
end

local function read_sizes(r, nd, what)
  local list = {}
  for d = 1, nd do list[d] = read_count(r, what) end
  return list
end

-- The element count of a shape.  The product of its non-zero sizes must not
-- exceed MAX_ELEMENTS (tocha's core computes contiguous strides from them).
local function element_count(sizes, at)
  local nonzero, has_zero = 1, #sizes == 0
  for d = 1, #sizes do
    local s = sizes[d]
    if s == 0 then
      has_zero = true
    elseif nonzero > MAX_ELEMENTS // s then
      read_error("corrupted file (tensor shape at offset %d has too many elements)", at)
    else
      nonzero = nonzero * s
    end
  end
  return has_zero and 0 or nonzero
end

local function define_id(r, value, kind)
  local id = r.n
  r.n = id + 1
  r.ids[id + 1], r.kinds[id + 1] = value, kind
  return id
end

local function read_ref(r, at)
  local id = read_count(r, "reference")
  if id >= r.n then
    read_error("corrupted file (reference at offset %d to object #%d, but only %d are defined before it)", at, id, r.n)
  end
  return id
end

local function read_storage(r)
  local at = r.pos - 1
  local tag = read_u8(r, "storage tag")
  if tag == REF then
    local id = read_ref(r, at)
    if r.kinds[id + 1] ~= "storage" then
      read_error("corrupted file (reference at offset %d to object #%d, which is not a storage)", at, id)
    end
    return r.ids[id + 1]
  elseif tag ~= STORAGE then
    read_error("corrupted file (expected a storage at offset %d, found tag %d)", at, tag)
  end
  local id = define_id(r, false, "pending")
  local info = read_dtype(r)
  local count = read_count(r, "storage size")
  need_elements(r, count, info.size, "storage data")
  local chunk, next_pos = core.fromBytes(info.name, r.s, r.pos, { count })
  r.pos = next_pos
  local record = { storage = chunk:storage(), info = info, count = count }
  r.ids[id + 1], r.kinds[id + 1] = record, "storage"
  return record
end

local read_value

local function read_tensor(r)
  local at = r.pos - 2
  local id = define_id(r, false, "pending")
  local info = read_dtype(r)
  local nd = read_u8(r, "tensor dimension count")
  if nd > MAX_DIMS then
    read_error("corrupted file (tensor with %d dimensions at offset %d; at most %d)", nd, at, MAX_DIMS)
  end
  local sizes = read_sizes(r, nd, "tensor size")
  local n = element_count(sizes, at)
  need_elements(r, n, info.size, "tensor data")
  local t, next_pos = core.fromBytes(info.name, r.s, r.pos, sizes)
  r.pos = next_pos
  r.ids[id + 1], r.kinds[id + 1] = t, "value"
  return t
end

local function read_view(r)
  local at = r.pos - 2
  local id = define_id(r, false, "pending")
  local nd = read_u8(r, "view dimension count")
  if nd < 1 or nd > MAX_DIMS then
    read_error("corrupted file (view with %d dimensions at offset %d; 1 to %d expected)", nd, at, MAX_DIMS)
  end
  local sizes = read_sizes(r, nd, "view size")
  local strides = read_sizes(r, nd, "view stride")
  local offset = read_count(r, "view offset")
  local n = element_count(sizes, at)
  local st = read_storage(r)
  -- Every element must lie inside the storage: offset + sum((size-1)*stride) < count.
  local last = offset
  if n > 0 then
    if offset >= st.count then
      read_error("corrupted file (view at offset %d starts at element %d of a storage of %d)", at, offset, st.count)
    end
    for d = 1, nd do
      local reach = sizes[d] - 1
      if reach > 0 and strides[d] > 0 then
        if strides[d] > (st.count - 1 - last) // reach then
          read_error("corrupted file (view at offset %d reaches past the end of its storage of %d elements)", at,
            st.count)
        end
        last = last + reach * strides[d]
      end
    end
  elseif offset > st.count then
    read_error("corrupted file (view at offset %d starts at element %d of a storage of %d)", at, offset, st.count)
  end
  local t = core[st.info.ctor]():set(st.storage, offset + 1, sizes, strides)
  r.ids[id + 1], r.kinds[id + 1] = t, "value"
  return t
end

local function read_entries(r, t, depth)
  local at = r.pos - 1
  local n = read_count(r, "table size")
  local left = r.limit - r.pos + 1
  if n > left // 2 then
    read_error("truncated file (a table of %d entries at offset %d cannot fit in the %d bytes left)", n, at, left)
  end
  for _ = 1, n do
    local key_at = r.pos - 1
    local k = read_value(r, depth + 1, false)
    if k ~= k then read_error("corrupted file (nan table key at offset %d)", key_at) end
    rawset(t, k, read_value(r, depth + 1, false))
  end
end

local function printable(name)
  if name:match("^[%w_.]+$") then return "'" .. name .. "'" end
  return (format("%q", name):gsub("\\\n", "\\n"))
end

local function read_object(r, depth)
  local at = r.pos - 2
  local len = read_count(r, "class name length")
  if len > MAX_CLASS_NAME then
    read_error("corrupted file (class name of %d bytes at offset %d; at most %d)", len, at, MAX_CLASS_NAME)
  end
  need(r, len, "class name")
  local name = sub(r.s, r.pos, r.pos + len - 1)
  r.pos = r.pos + len
  local mt = find_class(name)
  if not mt then
    read_error("unknown class %s (object at offset %d; load the code that defines it first)", printable(name), at)
  end
  local t = {}
  define_id(r, t, "value")
  read_entries(r, t, depth)
  return setmetatable(t, mt)
end

function read_value(r, depth, is_root)
  local at = r.pos - 1
  if depth > MAX_DEPTH then
    read_error("corrupted file (values nest deeper than %d levels at offset %d)", MAX_DEPTH, at)
  end
  local tag = read_u8(r, "value tag")
  if tag == INTEGER then
    return read_i64(r, "integer")
  elseif tag == FLOAT then
    need(r, 8, "float")
    local v = unpack("<d", r.s, r.pos)
    r.pos = r.pos + 8
    return v
  elseif tag == STRING then
    local len = read_count(r, "string length")
    need(r, len, "string")
    local s = sub(r.s, r.pos, r.pos + len - 1)
    r.pos = r.pos + len
    return s
  elseif tag == TRUE then
    return true
  elseif tag == FALSE then
    return false
  elseif tag == TABLE then
    local t = {}
    define_id(r, t, "value")
    read_entries(r, t, depth)
    return t
  elseif tag == OBJECT then
    return read_object(r, depth)
  elseif tag == REF then
    local id = read_ref(r, at)
    if r.kinds[id + 1] ~= "value" then
      read_error("corrupted file (reference at offset %d to object #%d, which is %s)", at, id,
        r.kinds[id + 1] == "storage" and "a storage, not a value" or "an unfinished tensor")
    end
    return r.ids[id + 1]
  elseif tag == TENSOR then
    return read_tensor(r)
  elseif tag == VIEW then
    return read_view(r)
  elseif tag == NIL and is_root then
    return nil
  elseif tag == NIL then
    read_error("corrupted file (nil inside a table at offset %d)", at)
  end
  read_error("corrupted file (unknown value tag %d at offset %d)", tag, at)
end

local function decode_unprotected(s)
  local len = #s
  if len == 0 then read_error("empty file (not a tocha file)") end
  if sub(s, 1, #MAGIC) ~= sub(MAGIC, 1, len) then read_error("not a tocha file") end
  if len < HEADER_SIZE + TRAILER_SIZE then
    read_error("truncated file (%d bytes; a tocha file has at least %d)", len, HEADER_SIZE + TRAILER_SIZE)
  end
  local version, flags, body_len = unpack("<I4I4i8", s, #MAGIC + 1)
  if version ~= VERSION then
    read_error("unsupported format version %d (this tocha reads version %d)", version, VERSION)
  end
  if flags ~= 0 then read_error("unsupported format flags 0x%08x (this tocha knows none)", flags) end
  local present = len - HEADER_SIZE - TRAILER_SIZE
  if body_len < 0 or body_len > present then
    read_error("truncated file (the header announces %s bytes of data, %d are there)", format("%u", body_len),
      present)
  elseif body_len < present then
    read_error("corrupted file (%d bytes after the end of the data)", present - body_len)
  end
  local stored = unpack("<I4", s, len - TRAILER_SIZE + 1)
  local computed = core._crc32(s, 0, 1, len - TRAILER_SIZE)
  if stored ~= computed then
    read_error("corrupted file (checksum mismatch: stored %08x, computed %08x)", stored, computed)
  end
  local r = { s = s, pos = HEADER_SIZE + 1, limit = HEADER_SIZE + body_len, ids = {}, kinds = {}, n = 0 }
  local value = read_value(r, 0, true)
  if r.pos <= r.limit then
    read_error("corrupted file (%d unused bytes after the object, at offset %d)", r.limit - r.pos + 1, r.pos - 1)
  end
  return value
end

local function decode(s, prefix)
  local ok, result = pcall(decode_unprotected, s)
  if ok then return result end
  if getmetatable(result) == ReadError then error(prefix .. result.message, 0) end
  if type(result) == "string" and result:find("not enough memory", 1, true) then
    error(prefix .. "not enough memory", 0)
  end
  error(prefix .. "internal error: " .. tostring(result), 0)
end

-- ---- the API -------------------------------------------------------------------

--- tocha.serialize(obj [, "binary"]) -> the bytes tocha.save would write.
function M.serialize(obj, fmt)
  fmt = check_format(fmt, "serialize", 2)
  if T7_FORMATS[fmt] then
    local ok, s = pcall(t7().encode, obj, T7_FORMATS[fmt])
    if not ok then error("tocha.serialize: " .. tostring(s), 2) end
    return s
  end
  return table.concat(encode(obj, "tocha.serialize: "))
end

-- s in tocha's format, or else in Torch7's.
local function decode_any(s, fmt, opts, prefix)
  if T7_FORMATS[fmt] or not M.is_tocha_format(s) then
    local t7fmt = (fmt == nil or fmt == "binary" or fmt == "t7") and "auto" or T7_FORMATS[fmt]
    if #s == 0 then error(prefix .. "empty file (not a tocha file)", 0) end
    if T7_FORMATS[fmt] then return t7().protect(prefix, t7().decode, s, t7fmt, opts) end
    local ok, v = pcall(t7().decode, s, t7fmt, opts)
    if ok then return v end
    if getmetatable(v) == t7().ReadError then
      error(prefix .. "not a tocha file; read as a Torch7 file: " .. v.message, 0)
    end
    error(prefix .. tostring(v), 0)
  end
  return decode(s, prefix)
end

--- tocha.deserialize(s [, "binary"]) -> the object serialized into s.
function M.deserialize(s, fmt)
  if type(s) ~= "string" then
    error(format("bad argument #1 to 'deserialize' (string expected, got %s)", type(s)), 2)
  end
  local opts
  fmt, opts = check_format(fmt, "deserialize", 2)
  return decode_any(s, fmt, opts, "tocha.deserialize: ")
end

--- tocha.save(path, obj [, "binary"]): crash-safe.  The bytes go to a
--- temporary file in the target's directory, which is fsynced, given the
--- target's permissions and renamed over it; the directory is then fsynced
--- (tocha_replace_file in src/tocha.h).  Through a symbolic link the file it
--- names is replaced.  A target that is not a regular file is an error, and
--- a failed save (bad object, full disk, killed process) leaves the previous
--- file intact.
function M.save(path, obj, fmt, referenced)
  check_path(path, "save")
  fmt = check_format(fmt, "save", 3)
  check_referenced(referenced, "save", 4)
  local parts
  if T7_FORMATS[fmt] then
    local ok, s = pcall(t7().encode, obj, T7_FORMATS[fmt])
    if not ok then error("tocha.save: " .. tostring(s), 2) end
    parts = { s }
  else
    parts = encode(obj, "tocha.save: ")
  end
  local ok, err = core._replace_file(path, parts)
  if not ok then error(format("tocha.save: %s: %s", path, err), 0) end
end

--- tocha.load(path [, "binary"]) -> the object saved in path.
function M.load(path, fmt, referenced)
  check_path(path, "load")
  local opts
  fmt, opts = check_format(fmt, "load", 2)
  check_referenced(referenced, "load", 3)
  local f, err = io.open(path, "rb")
  if not f then error("tocha.load: " .. tostring(err), 0) end
  local s, rerr = f:read("a")
  f:close()
  if not s then error(format("tocha.load: %s: %s", path, tostring(rerr)), 0) end
  return decode_any(s, fmt, opts, "tocha.load: " .. path .. ": ")
end

return M
