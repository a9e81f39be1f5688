--[=[
Torch7's serialisation format (the .t7 files of torch.save / torch.load),
read and written by tocha.  torch.DiskFile / torch.MemoryFile
(tocha/compat/File.lua) and tocha.load / tocha.save (format "t7") use it.

THE FORMAT (from Torch7's File.lua, generic/Tensor.c, generic/Storage.c)
------------------------------------------------------------------------
A file is a sequence of primitive values written one after the other:
  binary: int = 4 bytes, long = 8 bytes (4 with longSize(4), 'b32'),
          double = 8, float = 4, short = 2, char/byte = 1, all native-endian
          (little-endian on x86 and ARM; tocha reads and writes that order);
  ascii:  each number as text ("%d", doubles "%.17g", floats "%.9g"); the
          numbers of one write are separated by " " and the write ends with
          "\n"; chars and bytes are written raw, followed by "\n".
One object (writeObject) is:
  int tag, then by tag:
    0 nil      -
    1 number   double
    2 string   int n, n chars
    5 boolean  int (1 true, anything else false)
    3 table    int index, then (unless index was defined before: a
               reference) int n, n x (key object, value object)
    4 torch    int index, then (unless a reference) int m, m chars "V <version>",
               int k, k chars class name (files older than versions have the
               class name in place of "V n": version 0), then the class's data:
                 torch.<T>Tensor:  int nDimension, nDimension longs sizes,
                   nDimension longs strides, long storageOffset + 1, then the
                   storage as an object (tag 4, or 0 for none)
                 torch.<T>Storage: long n, then n raw elements (Long ones are
                   longs: 4 bytes in 'b32' files)
                 a Lua class (every nn.* module): one table object of fields
    8 function int index, then (unless a reference) int n, n bytes of
               bytecode, then a table object {{name=, id=, value=}, ...}
               of its upvalues (7: the same with a list of values; 6: no
               index)
  Indices count the objects of tags 3, 4, 7, 8 from 1 in writing order; an
  index seen before is a reference to that object (shared objects, cycles).

tocha's mapping: Float, Double, Long, Byte tensors and storages are tocha's
seven types (Float, Double, Long, Byte, Int, Short, Char); Half loads as
FloatTensors, Cuda* as their CPU counterparts.  A torch.LongStorage that is
a value (not a tensor's storage) loads as a tocha.LongStorage size list.
Numbers with integral values come back as Lua integers (Torch7 code uses
them as indices and sizes).  nn.* classes load onto tocha's class of the
same name with their fields; fields tocha's class has and Torch7's had not
come from a default instance, and known renames are applied
(running_std -> running_var, stochastic_inference -> stochasticInference).

Hardening: every read checks the bytes left first; declared counts (string
lengths, table sizes, storage sizes, dimensions) are checked against what
the rest of the file can hold before anything is allocated; nesting is
limited to MAX_DEPTH; bytecode is only loaded when trusted (see
read_function).
]=]
local core = require "tocha.core"
local class = require "tocha.class"

local pack, unpack, sub, byte, format = string.pack, string.unpack, string.sub, string.byte, string.format
local tointeger, mtype = math.tointeger, math.type

local M = {}

local MAX_DEPTH = 1000
local MAX_DIMS = 16
local MAX_NAME = 4096

local TYPE_NIL, TYPE_NUMBER, TYPE_STRING, TYPE_TABLE, TYPE_TORCH, TYPE_BOOLEAN = 0, 1, 2, 3, 4, 5
local TYPE_FUNCTION, LEGACY_TYPE_RECUR_FUNCTION, TYPE_RECUR_FUNCTION = 6, 7, 8

-- ---- errors ----------------------------------------------------------------------
-- Errors about the data are ReadError objects; the API turns them into strings.
local ReadError = {}
M.ReadError = ReadError

local function fail(fmt, ...)
  error(setmetatable({ message = format(fmt, ...) }, ReadError), 0)
end
M.fail = fail

--- Runs f(...) and turns a ReadError (or "not enough memory") into
--- `prefix .. message`; other errors get "internal error".
function M.protect(prefix, f, ...)
  local results = table.pack(pcall(f, ...))
  if results[1] then return table.unpack(results, 2, results.n) end
  local e = results[2]
  if getmetatable(e) == ReadError then error(prefix .. e.message, 0) end
  if type(e) == "string" then error(prefix .. e, 0) end
  error(prefix .. "internal error: " .. tostring(e), 0)
end

-- ---- streams ---------------------------------------------------------------------
-- A stream holds the bytes (s, plus pieces appended since the last join),
-- a 0-based position, and the mode: binary or ascii, longSize, autoSpacing.
local Stream = {}
Stream.__index = Stream

--- A byte stream over string s (reading) or a new one (writing), for Torch7's file format.
function M.stream(s, opts)
  opts = opts or {}
  return setmetatable({
    s = s or "", parts = {}, size = #(s or ""), pos = 0,
    binary = opts.binary ~= false, longSize = opts.longSize or 8, autoSpacing = opts.autoSpacing ~= false,
  }, Stream)
end

function Stream:join()
  if #self.parts > 0 then
    self.s = self.s .. table.concat(self.parts)
    self.parts = {}
  end
  return self.s
end

function Stream:left()
  return self.size - self.pos
end

-- ---- writing primitives ----------------------------------------------------------
function Stream:put(b)
  if #b == 0 then return end
  if self.pos == self.size then
    self.parts[#self.parts + 1] = b
  else
    local s = self:join()
    self.s = sub(s, 1, self.pos) .. b .. sub(s, self.pos + #b + 1)
  end
  self.pos = self.pos + #b
  if self.pos > self.size then self.size = self.pos end
end

local INT_MIN, INT_MAX = -2 ^ 31, 2 ^ 31 - 1

local function as_integer(v, what, lo, hi)
  local i = tointeger(v)
  if not i then error(format("%s must be an integer, got %s", what, tostring(v)), 0) end
  if lo and (i < lo or i > hi) then error(format("%s %d does not fit in %s", what, i, "a 32-bit int"), 0) end
  return i
end

--- Writes the numbers of list[1..n] as one write of the given kind:
-- "int", "long", "short", "double", "float".
function Stream:write_numbers(kind, list, n)
  n = n or #list
  if n == 0 then return end
  if self.binary then
    local out = {}
    for i = 1, n do
      local v = list[i]
      if kind == "int" then
        out[i] = pack("=i4", as_integer(v, "int", INT_MIN, INT_MAX))
      elseif kind == "long" then
        if self.longSize == 4 then
          out[i] = pack("=i4", as_integer(v, "long (4 bytes)", INT_MIN, INT_MAX))
        else
          out[i] = pack("=i8", as_integer(v, "long"))
        end
      elseif kind == "short" then
        out[i] = pack("=i2", as_integer(v, "short", -32768, 32767))
      elseif kind == "double" then
        out[i] = pack("=d", v)
      else
        out[i] = pack("=f", v)
      end
    end
    self:put(table.concat(out))
  else
    local out = {}
    for i = 1, n do
      local v = list[i]
      if kind == "double" or kind == "float" then
        out[i] = format(kind == "double" and "%.17g" or "%.9g", v)
      else
        out[i] = format("%d", as_integer(v, kind))
      end
    end
    self:put(table.concat(out, self.autoSpacing and " " or ""))
    if self.autoSpacing then self:put("\n") end
  end
end

function Stream:write_int(v) self:write_numbers("int", { v }, 1) end
function Stream:write_long(v) self:write_numbers("long", { v }, 1) end
function Stream:write_double(v) self:write_numbers("double", { v }, 1) end

--- Raw chars (or bytes); ascii mode adds "\n" after them.
function Stream:write_chars(b)
  if #b == 0 then return end
  self:put(b)
  if not self.binary and self.autoSpacing then self:put("\n") end
end

-- ---- reading primitives ----------------------------------------------------------
local function need(st, n, what)
  if n > st.size - st.pos then
    fail("truncated file (expected %d bytes of %s at byte %d, %d left)", n, what, st.pos, st.size - st.pos)
  end
end

-- The next ascii token (skipping spaces, newlines, ':' and ';').
local function token(st, what)
  local s = st:join()
  local start = s:find("[^ \t\r\n:;]", st.pos + 1)
  if not start then fail("truncated file (expected %s at byte %d, found the end)", what, st.pos) end
  local stop = s:find("[ \t\r\n:;]", start) or (#s + 1)
  if stop > st.size + 1 then stop = st.size + 1 end
  st.pos = stop - 1
  return sub(s, start, stop - 1), start - 1
end

local SPECIAL = { nan = 0 / 0, ["-nan"] = 0 / 0, ["+nan"] = 0 / 0, inf = math.huge, ["+inf"] = math.huge,
  ["-inf"] = -math.huge, infinity = math.huge, ["+infinity"] = math.huge, ["-infinity"] = -math.huge }

local function ascii_number(st, kind, what)
  local tok, at = token(st, what)
  local v
  if kind == "double" or kind == "float" then
    v = tonumber(tok)
    if v == nil then v = SPECIAL[tok:lower()] end
    if v == nil then fail("corrupted file (expected %s at byte %d, found %q)", what, at, sub(tok, 1, 40)) end
    if mtype(v) == "integer" then v = (v == 0 and tok:sub(1, 1) == "-") and -0.0 or v + 0.0 end
  else
    v = tointeger(tonumber(tok))
    if v == nil or not tok:match("^[+-]?%d+$") then
      fail("corrupted file (expected %s at byte %d, found %q)", what, at, sub(tok, 1, 40))
    end
  end
  return v
end

local function ascii_end(st)
  if st.autoSpacing and st.pos < st.size and byte(st:join(), st.pos + 1) == 10 then st.pos = st.pos + 1 end
end

local BINARY = { int = { "=i4", 4 }, short = { "=i2", 2 }, double = { "=d", 8 }, float = { "=f", 4 } }

--- Reads n numbers of `kind` into a list.
function Stream:read_numbers(kind, n, what)
  local list = {}
  if n == 0 then return list end
  if self.binary then
    local f = BINARY[kind]
    if kind == "long" then f = self.longSize == 4 and BINARY.int or { "=i8", 8 } end
    if n > (self.size - self.pos) // f[2] then
      fail("truncated file (expected %d bytes of %s at byte %d, %d left)", n * f[2], what, self.pos,
        self.size - self.pos)
    end
    local s, p, code = self:join(), self.pos + 1, f[1]
    for i = 1, n do list[i], p = unpack(code, s, p) end
    self.pos = p - 1
  else
    if n > (self.size - self.pos + 1) // 2 then
      fail("truncated file (%d numbers of %s at byte %d cannot fit in the %d bytes left)", n, what, self.pos,
        self.size - self.pos)
    end
    for i = 1, n do list[i] = ascii_number(self, kind, what) end
    ascii_end(self)
  end
  return list
end

function Stream:read_int(what) return self:read_numbers("int", 1, what or "an int")[1] end
function Stream:read_long(what) return self:read_numbers("long", 1, what or "a long")[1] end
function Stream:read_double(what) return self:read_numbers("double", 1, what or "a double")[1] end

function Stream:read_chars(n, what)
  if n < 0 then fail("corrupted file (negative length %d of %s at byte %d)", n, what, self.pos) end
  need(self, n, what)
  local s = self:join()
  local b = sub(s, self.pos + 1, self.pos + n)
  self.pos = self.pos + n
  if not self.binary and n > 0 then ascii_end(self) end
  return b
end

-- ---- element types ---------------------------------------------------------------
-- Torch7 element type -> stored kind (binary), tocha tensor type, element size.
local ELEMENTS = {
  Float = { kind = "f4", tocha = "Float", size = 4, real = true },
  Double = { kind = "f8", tocha = "Double", size = 8, real = true },
  Half = { kind = "f2", tocha = "Float", size = 2, real = true, note = "half" },
  Long = { kind = "i8", tocha = "Long", size = 8 },
  Int = { kind = "i4", tocha = "Int", size = 4 },
  Short = { kind = "i2", tocha = "Short", size = 2 },
  Char = { kind = "i1", tocha = "Char", size = 1, raw = true },
  Byte = { kind = "u1", tocha = "Byte", size = 1, raw = true },
}
local CUDA_ELEMENT = { [""] = "Float" } -- torch.CudaTensor is float

-- "torch.FloatTensor" -> "Float", "tensor"; "torch.CudaStorage" -> "Float", "storage"
local function torch_type(name)
  local elem, what = name:match("^torch%.(%a-)(Tensor)$")
  if not elem then elem, what = name:match("^torch%.(%a-)(Storage)$") end
  if not elem then return nil end
  local cuda = elem:match("^Cuda(%a*)$")
  if cuda then elem = CUDA_ELEMENT[cuda] or cuda end
  if not ELEMENTS[elem] then return nil end
  return elem, what:lower()
end
M.torch_type = torch_type

local TOCHA_ELEMENT = { ["tocha.FloatTensor"] = "Float", ["tocha.DoubleTensor"] = "Double",
  ["tocha.LongTensor"] = "Long", ["tocha.ByteTensor"] = "Byte", ["tocha.IntTensor"] = "Int",
  ["tocha.ShortTensor"] = "Short", ["tocha.CharTensor"] = "Char" }
local STORAGE_ELEMENT = { ["tocha.FloatStorage"] = "Float", ["tocha.DoubleStorage"] = "Double",
  ["tocha.LongTensorStorage"] = "Long", ["tocha.ByteStorage"] = "Byte", ["tocha.IntStorage"] = "Int",
  ["tocha.ShortStorage"] = "Short", ["tocha.CharStorage"] = "Char" }

-- ---- paths in messages ------------------------------------------------------------
local function key_text(k)
  if type(k) == "string" then
    if k:match("^[%a_][%w_]*$") then return "." .. k end
    return "[" .. format("%q", k):gsub("\\\n", "\\n") .. "]"
  elseif mtype(k) == "integer" then
    return "[" .. k .. "]"
  elseif type(k) == "number" then
    return "[" .. format("%.17g", k) .. "]"
  end
  return "[<" .. type(k) .. ">]"
end

local function render(path, depth)
  local parts = { "obj" }
  local from = depth > 24 and depth - 20 or 1
  if from > 1 then parts[2] = "..." end
  for i = from, depth do parts[#parts + 1] = key_text(path[i]) end
  return table.concat(parts)
end

-- ---- classes ---------------------------------------------------------------------
local size_metatable = getmetatable(core.FloatTensor(1):size())

local function tocha_lib()
  return package.loaded["tocha"]
end

-- The tocha class for a Torch7 class name, or nil.
local function find_class(name)
  local cls = class.get(name)
  if cls then return cls end
  local prefix = name:match("^([%a_][%w_]*)%.")
  local tocha = tocha_lib()
  if prefix == "nn" and type(tocha) == "table" then
    pcall(function() return tocha.nn end)
  elseif prefix == "optim" and type(tocha) == "table" then
    pcall(function() return tocha.optim end)
  end
  cls = class.get(name)
  if cls then return cls end
  local short = name:match("^torch%.(.+)$")
  if short then return class.get("tocha." .. short) end
  return nil
end

local REQUIRE_HINTS = {
  ["nn.gModule"] = "nngraph", ["nngraph.Node"] = "nngraph", ["nn.ModuleFromCriterion"] = "nngraph",
}

local function unknown_class_hint(name)
  local prefix, short = name:match("^([%a_][%w_]*)%.(.+)$")
  local lib = REQUIRE_HINTS[name] or prefix
  if lib == "nn" then
    return format("tocha.nn has no %s yet; define it with torch.class('%s', 'nn.Module') before loading", short, name)
  elseif lib == "cudnn" then
    return "a cudnn module: convert the model with cudnn.convert(model, nn) in Torch7 and save it again"
  elseif lib then
    return format("it probably needs require '%s' (define the class before loading)", lib)
  end
  return "define the class (torch.class) before loading"
end

-- Renames of fields between Torch7 and tocha (Torch7 name -> tocha name).
local FIELD_RENAMES = { stochastic_inference = "stochasticInference" }
local FIELD_RENAMES_OUT = { stochasticInference = "stochastic_inference" }

-- Fields of a tocha class that derive from others (for classes whose
-- constructor needs arguments, so no default instance can be made).
local DERIVED = {
  ["nn.Concat"] = function(obj) if obj.outputSize == nil then obj.outputSize = {} end end,
  ["nn.Parallel"] = function(obj) if obj.totalOutputSize == nil then obj.totalOutputSize = {} end end,
  ["nn.View"] = function(obj)
    if obj.inferred == nil and type(obj.size) == "table" then
      local inferred = false
      for i = 1, #obj.size do if obj.size[i] == -1 then inferred = true end end
      obj.inferred = inferred
    end
  end,
}

-- Fields Torch7's class needs that tocha's does not keep (tocha -> file).
local TORCH_NEEDS = {
  ["nn.Dropout"] = function(fields, obj)
    if fields.noise == nil then
      local t = core.isTensor(obj.output) and obj.output or core.DoubleTensor()
      fields.noise = core[core.type(t):match("^tocha%.(.+)$")]()
    end
  end,
}
TORCH_NEEDS["nn.SpatialDropout"] = TORCH_NEEDS["nn.Dropout"]
-- tocha's Linear keeps a scratch buffer under the name Torch7's uses for a
-- vector of ones: leave it out (Torch7 makes its own).
TORCH_NEEDS["nn.Linear"] = function(fields) fields.addBuffer = nil end
-- Torch7's ReLU is a Threshold at 0.
TORCH_NEEDS["nn.ReLU"] = function(fields)
  if fields.threshold == nil then fields.threshold, fields.val = 0, 0 end
end
-- Torch7's Concat sizes its output in a LongStorage `size` (newer versions
-- make `outputSize` themselves); Parallel makes its `totalOutputSize`.
TORCH_NEEDS["nn.Concat"] = function(fields)
  fields.outputSize = nil
  if fields.size == nil then fields.size = setmetatable({}, size_metatable) end
end
TORCH_NEEDS["nn.Parallel"] = function(fields) fields.totalOutputSize = nil end
TORCH_NEEDS["nn.ClassNLLCriterion"] = function(fields)
  if fields.output_tensor == nil then fields.output_tensor = core.DoubleTensor(1):zero() end
  if fields.total_weight_tensor == nil then fields.total_weight_tensor = core.DoubleTensor(1):fill(1) end
end

-- Missing fields of nn.* objects come from a default instance of the
-- class, when its constructor works without arguments; the random state is
-- kept so that loading draws nothing.
local function default_instance(cls)
  local tocha = tocha_lib()
  local state = tocha and tocha.getRNGState and tocha.getRNGState()
  local ok, inst = pcall(cls)
  if state then tocha.setRNGState(state) end
  if ok and type(inst) == "table" then return inst end
  return nil
end

local function adapt_loaded(obj, cls, name, version)
  for from, to in pairs(FIELD_RENAMES) do
    if rawget(obj, from) ~= nil and rawget(obj, to) == nil then
      obj[to], obj[from] = obj[from], nil
    end
  end
  -- BatchNormalization before version 2 kept 1/sqrt(var + eps).
  local std, var = rawget(obj, "running_std"), rawget(obj, "running_var")
  if core.isTensor(std) and var == nil and (version or 0) < 2 then
    local eps = tonumber(rawget(obj, "eps")) or 1e-5
    obj.running_var = std:clone():pow(-2):add(-eps)
    obj.running_std = nil
  end
  -- A class's own say on a Torch7 file's fields, before defaults fill the rest.
  local before = rawget(cls, "__t7_fields")
  if type(before) == "function" then before(obj, version) end
  -- Only nn modules and criterions: other constructors may do more than fill fields.
  local template = name:match("^nn%.") and default_instance(cls)
  if template then
    for k, v in pairs(template) do
      if rawget(obj, k) == nil then rawset(obj, k, v) end
    end
  end
  local derive = DERIVED[name]
  if derive then derive(obj) end
  local hook = rawget(cls, "__t7_read")
  if type(hook) == "function" then hook(obj, version) end
end

-- ---- reading objects -------------------------------------------------------------
-- ctx: { st, objects (index -> value), force, functions ("error"|"stub"|"load"),
--        trusted (bytecode strings written by this file), path, storages }
local read_object

local function read_string(ctx, what)
  local st = ctx.st
  local at = st.pos
  local n = st:read_int(what .. " length")
  if n < 0 then fail("corrupted file (%s of negative length %d at byte %d)", what, n, at) end
  if n > st:left() then
    fail("truncated file (%s of %d bytes at byte %d, %d left)", what, n, at, st:left())
  end
  return st:read_chars(n, what)
end

-- A storage record: { elem, count, tensor (1-D, holds the data), storage }.
local function read_storage(ctx, elem, classname)
  local st = ctx.st
  local at = st.pos
  local info = ELEMENTS[elem]
  local count = st:read_long("storage size")
  if count < 0 then fail("corrupted file (storage size %d at byte %d)", count, at) end
  local esize = info.size
  if elem == "Long" and st.binary and st.longSize == 4 then esize = 4 end
  local target = "tocha." .. info.tocha .. "Tensor"
  local t
  if st.binary then
    if count > st:left() // esize then
      fail("truncated file (a %s of %d elements at byte %d needs %s bytes, %d left)", classname, count, at,
        format("%.0f", count * 1.0 * esize), st:left())
    end
    local kind = (elem == "Long" and esize == 4) and "i4" or info.kind
    local s = st:join()
    local ok, res, nextpos = pcall(core._t7_elements, kind, s, st.pos + 1, count, target)
    if not ok then fail("corrupted file (%s at byte %d: %s)", classname, at, tostring(res)) end
    t = res
    st.pos = nextpos - 1
  elseif info.raw then
    if count > st:left() then
      fail("truncated file (a %s of %d elements at byte %d, %d bytes left)", classname, count, at, st:left())
    end
    local raw = st:read_chars(count, classname .. " data")
    t = core._t7_elements(info.kind, raw, 1, count, target)
  else
    local list = st:read_numbers(info.real and (elem == "Double" and "double" or "float") or "long", count,
      classname .. " elements")
    local code = ({ f4 = "=f", f8 = "=d", f2 = "=f", i8 = "=i8", i4 = "=i8", i2 = "=i8" })[info.kind]
    local kind = ({ f2 = "f4", i4 = "i8", i2 = "i8" })[info.kind] or info.kind
    local out = {}
    for i = 1, count do
      local ok, b = pcall(pack, code, list[i])
      if not ok then fail("corrupted file (%s element %d out of range)", classname, i) end
      out[i] = b
    end
    t = core._t7_elements(kind, table.concat(out), 1, count, target)
  end
  return { record = true, elem = elem, count = count, tensor = t, storage = t:storage(), class = classname }
end

-- A storage record as a Lua value.
local function storage_value(rec)
  if rec.value ~= nil then return rec.value end
  local v
  if ELEMENTS[rec.elem].tocha == "Long" then
    local list = rec.tensor:totable()
    v = setmetatable(list, size_metatable)
  else
    v = rec.storage or core[ELEMENTS[rec.elem].tocha .. "Storage"](0)
  end
  rec.value = v
  return v
end

local function read_tensor(ctx, elem, classname, depth)
  local st = ctx.st
  local at = st.pos
  local nd = st:read_int("tensor dimension count")
  if nd < 0 or nd > MAX_DIMS then
    fail("corrupted file (%s with %d dimensions at byte %d; tocha supports 0 to %d)", classname, nd, at, MAX_DIMS)
  end
  local sizes = st:read_numbers("long", nd, "tensor sizes")
  local strides = st:read_numbers("long", nd, "tensor strides")
  local offset = st:read_long("tensor offset")
  local n = nd > 0 and 1 or 0
  for d = 1, nd do
    if sizes[d] < 0 then fail("corrupted file (%s size %d at byte %d)", classname, sizes[d], at) end
    if strides[d] < 0 then fail("corrupted file (%s stride %d at byte %d)", classname, strides[d], at) end
    if sizes[d] == 0 then
      n = 0
    elseif n > 0 then
      n = (n > (math.maxinteger // 16) // sizes[d]) and -1 or n * sizes[d]
    end
    if n < 0 then fail("corrupted file (%s at byte %d has too many elements)", classname, at) end
  end
  ctx.path[depth + 1] = "storage"
  local rec = read_object(ctx, depth + 1, "storage")
  ctx.path[depth + 1] = nil
  local ctor = core[ELEMENTS[elem].tocha .. "Tensor"]
  if rec ~= nil and not (type(rec) == "table" and rec.record) then
    fail("corrupted file (the storage of the %s at byte %d is a %s)", classname, at, type(rec))
  end
  if rec and ELEMENTS[rec.elem].tocha ~= ELEMENTS[elem].tocha then
    fail("corrupted file (a %s at byte %d with a %s)", classname, at, rec.class)
  end
  if nd == 0 then return ctor() end
  if n == 0 then
    local t = ctor(setmetatable(sizes, size_metatable))
    return t
  end
  if not rec then fail("corrupted file (%s at byte %d has %d elements but no storage)", classname, at, n) end
  local count = rec.count
  if offset < 1 or offset > count then
    fail("corrupted file (%s at byte %d starts at element %d of a storage of %d)", classname, at, offset, count)
  end
  local last = offset - 1
  for d = 1, nd do
    local reach = sizes[d] - 1
    if reach > 0 and strides[d] > 0 then
      if strides[d] > (count - 1 - last) // reach then
        fail("corrupted file (%s at byte %d reaches past the end of its storage of %d elements)", classname, at,
          count)
      end
      last = last + reach * strides[d]
    end
  end
  return ctor():set(rec.storage, offset, setmetatable(sizes, size_metatable), strides)
end

local function stub_function(what, where)
  return function()
    error(format("this function (%s, %s) was loaded as a stub: it cannot run in Lua 5.4", what, where), 2)
  end
end

-- Bytecode: LuaJIT's ("\27LJ") never loads; Lua 5.4's only when this file
-- wrote it or functions = "load" was asked for (bytecode from elsewhere can
-- crash the interpreter).
local function read_function(ctx, tag, index, depth)
  local st = ctx.st
  local at = st.pos
  local code = read_string(ctx, "function bytecode")
  local where = render(ctx.path, depth)
  local what
  if sub(code, 1, 3) == "\27LJ" then
    what = "LuaJIT bytecode saved by Torch7"
  elseif sub(code, 1, 5) == "\27Lua\x54" then
    what = "Lua 5.4 bytecode"
  else
    what = "bytecode of an unknown Lua version"
  end
  local func
  local trusted = ctx.trusted and ctx.trusted[code]
  if what == "Lua 5.4 bytecode" and (trusted or ctx.functions == "load") then
    local f, err = load(code, "=(loaded function)", "b")
    if not f then fail("corrupted file (function at byte %d: %s)", at, tostring(err)) end
    func = f
  elseif ctx.functions == "stub" then
    func = stub_function(what, where)
  elseif what == "Lua 5.4 bytecode" then
    fail("a saved function at %s (byte %d): loading bytecode from a file is unsafe; load with functions = 'load' "
      .. "if you trust the file, or 'stub' to replace functions by stubs", where, at)
  else
    fail("a saved function at %s (byte %d, %s): Lua 5.4 cannot run it; load with functions = 'stub' to replace "
      .. "functions by stubs that raise an error when called", where, at, what)
  end
  if index and not ctx.force then ctx.objects[index] = func end
  ctx.path[depth + 1] = "<upvalues>"
  local upvalues = read_object(ctx, depth + 1)
  ctx.path[depth + 1] = nil
  if type(upvalues) ~= "table" then fail("corrupted file (the upvalues of the function at byte %d)", at) end
  if func and (trusted or ctx.functions == "load") then
    for i, up in ipairs(upvalues) do
      if tag == TYPE_RECUR_FUNCTION then
        if type(up) ~= "table" then fail("corrupted file (upvalue %d of the function at byte %d)", i, at) end
        if up.name == "_ENV" then
          debug.setupvalue(func, i, _ENV)
        else
          debug.setupvalue(func, i, up.value)
          if up.id ~= nil then
            local joined = ctx.upvalue_ids[up.id]
            if joined then
              debug.upvaluejoin(func, i, joined.func, joined.index)
            else
              ctx.upvalue_ids[up.id] = { func = func, index = i }
            end
          end
        end
      else
        debug.setupvalue(func, i, up)
      end
    end
  end
  return func
end

local function read_torch(ctx, index, depth)
  local st = ctx.st
  local at = st.pos - 4
  local version_text = read_string(ctx, "class version")
  if #version_text > MAX_NAME then fail("corrupted file (class version of %d bytes at byte %d)", #version_text, at) end
  local version = tonumber(version_text:match("^V (.*)$"))
  local name
  if version then
    name = read_string(ctx, "class name")
    if #name > MAX_NAME then fail("corrupted file (class name of %d bytes at byte %d)", #name, at) end
  else
    name, version = version_text, 0
  end
  local elem, what = torch_type(name)
  if elem == nil and (name:match("^torch%.%a*Tensor$") or name:match("^torch%.%a*Storage$")) then
    fail("unsupported tensor type '%s' at %s", name, render(ctx.path, depth))
  end
  if what == "storage" then
    local rec = read_storage(ctx, elem, name)
    if not ctx.force then ctx.objects[index] = rec end
    return rec
  elseif what == "tensor" then
    local t = read_tensor(ctx, elem, name, depth)
    if not ctx.force then ctx.objects[index] = t end
    return t
  end
  if name == "torch.Generator" then
    local save = st.pos
    local tag = st:read_int("generator state")
    st.pos = save
    local state = tag == TYPE_TABLE and read_object(ctx, depth + 1)
    local philox = type(state) == "table" and state.tocha_philox
    if type(philox) ~= "table" or math.type(philox[1]) ~= "integer" or math.type(philox[2]) ~= "integer" then
      fail("a torch.Generator at %s (byte %d) written by Torch7: its Mersenne Twister state cannot be used by tocha "
        .. "(tocha's generators are Philox); make a new torch.Generator and seed it", render(ctx.path, depth), at)
    end
    local g = core.Generator()
    g:setState(philox)
    if not ctx.force then ctx.objects[index] = g end
    return g
  end
  local cls = find_class(name)
  if not cls then
    fail("unknown class '%s' at %s (byte %d): %s", (name:gsub("[^%w_.]", "?")), render(ctx.path, depth), at,
      unknown_class_hint(name))
  end
  local obj = setmetatable({}, cls)
  if not ctx.force then ctx.objects[index] = obj end
  local fields = read_object(ctx, depth + 1)
  if type(fields) ~= "table" or getmetatable(fields) ~= nil then
    fail("corrupted file (the fields of the %s at %s are not a table)", name, render(ctx.path, depth))
  end
  for k, v in pairs(fields) do rawset(obj, k, v) end
  adapt_loaded(obj, cls, name, version)
  return obj
end

--- Reads one object; want = "storage" lets a storage record through raw.
function read_object(ctx, depth, want)
  local st = ctx.st
  if depth > MAX_DEPTH then
    fail("corrupted file (objects nest deeper than %d levels at byte %d)", MAX_DEPTH, st.pos)
  end
  local at = st.pos
  local tag = st:read_int("object type")
  if tag == TYPE_NIL then
    return nil
  elseif tag == TYPE_NUMBER then
    local v = st:read_double("number")
    local i = v == v and v ~= math.huge and v ~= -math.huge and not (v == 0 and 1 / v < 0) and tointeger(v)
    return i or v
  elseif tag == TYPE_BOOLEAN then
    return st:read_int("boolean") == 1
  elseif tag == TYPE_STRING then
    return read_string(ctx, "string")
  elseif tag == TYPE_FUNCTION then
    return read_function(ctx, tag, nil, depth)
  elseif tag == TYPE_TABLE or tag == TYPE_TORCH or tag == TYPE_RECUR_FUNCTION or tag == LEGACY_TYPE_RECUR_FUNCTION then
    local index = st:read_int("object index")
    local known = ctx.objects[index]
    if known ~= nil and not ctx.force then
      if type(known) == "table" and known.record and want ~= "storage" then return storage_value(known) end
      return known
    end
    if tag == TYPE_RECUR_FUNCTION or tag == LEGACY_TYPE_RECUR_FUNCTION then
      return read_function(ctx, tag, index, depth)
    elseif tag == TYPE_TORCH then
      local v = read_torch(ctx, index, depth)
      if type(v) == "table" and v.record and want ~= "storage" then return storage_value(v) end
      return v
    end
    local size = st:read_int("table size")
    local min_entry = st.binary and 8 or 4
    if size < 0 or size > st:left() // min_entry then
      fail("corrupted file (a table of %d entries at byte %d cannot fit in the %d bytes left)", size, at, st:left())
    end
    local t = {}
    if not ctx.force then ctx.objects[index] = t end
    for _ = 1, size do
      local key_at = st.pos
      ctx.path[depth + 1] = "<key>"
      local k = read_object(ctx, depth + 1)
      if k == nil or k ~= k then
        fail("corrupted file (%s table key at %s, byte %d)", k == nil and "nil" or "nan", render(ctx.path, depth),
          key_at)
      end
      ctx.path[depth + 1] = k
      local v = read_object(ctx, depth + 1)
      rawset(t, k, v)
    end
    ctx.path[depth + 1] = nil
    return t
  end
  fail("corrupted file (unknown object type %d at byte %d%s)", tag, at,
    depth == 0 and at == 0 and "; not a Torch7 file?" or "")
end

--- Reads one object from stream st.  opts: force (referenced = false),
--- functions ("error" default, "stub", "load"), objects / trusted /
--- upvalue_ids (kept between calls by a File).
function M.read(st, opts)
  opts = opts or {}
  local ctx = {
    st = st, objects = opts.objects or {}, force = opts.force, functions = opts.functions or "error",
    trusted = opts.trusted, upvalue_ids = opts.upvalue_ids or {}, path = {},
  }
  return read_object(ctx, 0)
end

-- ---- writing objects -------------------------------------------------------------
local function class_name_of(v)
  local mt = getmetatable(v)
  if mt == size_metatable then return "torch.LongStorage" end
  if type(mt) ~= "table" then return nil end
  local name = rawget(mt, "__typename")
  if type(name) == "string" and class.get(name) == mt then
    local short = name:match("^tocha%.(.+)$")
    return short and ("torch." .. short) or name, mt
  end
  return nil
end

local function storage_element(v)
  local mt = getmetatable(v)
  local name = type(mt) == "table" and rawget(mt, "__name")
  return name and STORAGE_ELEMENT[name]
end

-- The upvalue list of a function on the name stack: it and the index
-- entry after it are left out of messages (Torch7's formatStack).
local UPVALUES = setmetatable({}, { __tostring = function() return "<upvalues>" end })

local function stack_text(stack)
  local parts = {}
  for i = 1, #stack do
    if stack[i] ~= UPVALUES and stack[i - 1] ~= UPVALUES then parts[#parts + 1] = tostring(stack[i]) end
  end
  return table.concat(parts, ".")
end

local function is_generator(v)
  local mt = getmetatable(v)
  return type(v) == "userdata" and type(mt) == "table" and rawget(mt, "__name") == "tocha.Generator"
end

local function writable(v)
  local tv = type(v)
  if is_generator(v) then return true end
  if tv == "nil" or tv == "number" or tv == "string" or tv == "boolean" or tv == "table" then return true end
  if core.isTensor(v) or storage_element(v) then return true end
  if tv == "function" then return (pcall(string.dump, v)) end
  return false
end

local write_object

local function write_header(ctx, index, name, version)
  local st = ctx.st
  st:write_int(TYPE_TORCH)
  st:write_int(index)
  local v = "V " .. tostring(version)
  st:write_int(#v)
  st:write_chars(v)
  st:write_int(#name)
  st:write_chars(name)
end

-- Raw elements of a whole storage (count elements of elem).
local function write_elements(ctx, tensor, elem, count)
  local st = ctx.st
  if count == 0 then return end
  local bytes = tensor:toBytes()
  local info = ELEMENTS[elem]
  if st.binary and not (elem == "Long" and st.longSize == 4) then
    st:put(bytes)
  elseif info.raw then
    st:write_chars(bytes)
  else
    local code = ({ f4 = "<f", f8 = "<d", i8 = "<i8", i4 = "<i4", i2 = "<i2" })[info.kind]
    local list, p = {}, 1
    for i = 1, count do list[i], p = unpack(code, bytes, p) end
    st:write_numbers(not info.real and "long" or (elem == "Double" and "double" or "float"), list, count)
  end
end

-- The next index, and whether obj (by identity key) was written already.
local function lookup(ctx, key)
  local index = ctx.written[key]
  if index and not ctx.force then return index, true end
  index = ctx.count + 1
  ctx.count = index
  if not ctx.force then
    ctx.written[key] = index
  end
  return index, false
end

local function write_storage(ctx, storage, elem)
  local key = storage:pointer()
  ctx.anchors[#ctx.anchors + 1] = storage
  local index, seen = lookup(ctx, key)
  if seen then
    ctx.st:write_int(TYPE_TORCH)
    ctx.st:write_int(index)
    return
  end
  write_header(ctx, index, "torch." .. elem .. "Storage", 1)
  local count = #storage
  ctx.st:write_long(count)
  if count > 0 then
    local whole = core[elem .. "Tensor"]():set(storage, 1, { count })
    write_elements(ctx, whole, elem, count)
  end
end

local function write_tensor(ctx, t, sobject)
  local elem = TOCHA_ELEMENT[core.type(t)]
  if not elem then error(format("Unwritable object <%s> at %s", core.type(t), stack_text(ctx.stack)), 0) end
  local index, seen = lookup(ctx, sobject)
  if seen then
    ctx.st:write_int(TYPE_TORCH)
    ctx.st:write_int(index)
    return
  end
  ctx.anchors[#ctx.anchors + 1] = sobject
  write_header(ctx, index, "torch." .. elem .. "Tensor", 1)
  local st = ctx.st
  local nd = t:dim()
  local storage = t:storage()
  st:write_int(nd)
  local sizes, strides = {}, {}
  for d = 1, nd do sizes[d], strides[d] = t:size(d), t:stride(d) end
  st:write_numbers("long", sizes, nd)
  st:write_numbers("long", strides, nd)
  st:write_long(storage and t:storageOffset() or 1)
  if storage then write_storage(ctx, storage, elem) else st:write_int(TYPE_NIL) end
end

local function write_size_list(ctx, list, sobject)
  local index, seen = lookup(ctx, sobject)
  if seen then
    ctx.st:write_int(TYPE_TORCH)
    ctx.st:write_int(index)
    return
  end
  write_header(ctx, index, "torch.LongStorage", 1)
  ctx.st:write_long(#list)
  ctx.st:write_numbers("long", list, #list)
end

local function write_function(ctx, f, sobject)
  local index, seen = lookup(ctx, sobject)
  local st = ctx.st
  st:write_int(TYPE_RECUR_FUNCTION)
  st:write_int(index)
  if seen then return end
  local upvalues = {}
  local i = 1
  while true do
    local name, value = debug.getupvalue(f, i)
    if not name then break end
    if name == "_ENV" then value = nil end
    local uid = debug.upvalueid(f, i)
    local id = ctx.upvalue_ids[uid]
    if not id then
      ctx.upvalue_ids.n = (ctx.upvalue_ids.n or 0) + 1
      id = ctx.upvalue_ids.n
      ctx.upvalue_ids[uid] = id
    end
    upvalues[i] = { name = name, id = id, value = value }
    i = i + 1
  end
  local code = string.dump(f)
  if ctx.trusted then ctx.trusted[code] = true end
  st:write_int(#code)
  st:write_chars(code)
  write_object(ctx, upvalues, UPVALUES)
end

--- ctx: { st, written (identity -> index), count, force, hook, stack, anchors, trusted, upvalue_ids }
function write_object(ctx, object, debugname)
  local sobject = object
  if ctx.hook then object = ctx.hook(object) end
  local st = ctx.st
  if object == nil then
    st:write_int(TYPE_NIL)
    return
  end
  local stack = ctx.stack
  stack[#stack + 1] = debugname or "<?>"
  local tv = type(object)
  if tv == "number" then
    st:write_int(TYPE_NUMBER)
    st:write_double(mtype(object) == "integer" and object + 0.0 or object)
  elseif tv == "boolean" then
    st:write_int(TYPE_BOOLEAN)
    st:write_int(object and 1 or 0)
  elseif tv == "string" then
    st:write_int(TYPE_STRING)
    st:write_int(#object)
    st:write_chars(object)
  elseif core.isTensor(object) then
    write_tensor(ctx, object, sobject)
  elseif storage_element(object) then
    write_storage(ctx, object, storage_element(object))
  elseif is_generator(object) then
    -- tocha only: Torch7's generators kept a Mersenne Twister state.
    local index, seen = lookup(ctx, sobject)
    if seen then
      st:write_int(TYPE_TORCH)
      st:write_int(index)
    else
      ctx.anchors[#ctx.anchors + 1] = sobject
      write_header(ctx, index, "torch.Generator", 1)
      write_object(ctx, { tocha_philox = object:getState() }, "torch.Generator")
    end
  elseif tv == "table" then
    local name, cls = class_name_of(object)
    local mt = getmetatable(object)
    if name == "torch.LongStorage" then
      write_size_list(ctx, object, sobject)
    elseif name then
      local index, seen = lookup(ctx, sobject)
      if seen then
        st:write_int(TYPE_TORCH)
        st:write_int(index)
      else
        write_header(ctx, index, name, rawget(cls, "__version") or 1)
        local fields = {}
        for k, v in pairs(object) do
          if writable(v) then
            fields[FIELD_RENAMES_OUT[k] or k] = v
          elseif ctx.warn then
            ctx.warn(format("$ Warning: cannot write object field <%s> of <%s> %s", tostring(k), name,
              stack_text(stack)))
          end
        end
        local needs = TORCH_NEEDS[rawget(cls, "__typename")]
        if needs then needs(fields, object) end
        write_object(ctx, fields, name)
      end
    elseif mt ~= nil and not ctx.any_metatable then
      error(format("Unwritable object <table with a metatable that is not a class> at %s", stack_text(stack)), 0)
    else
      local index, seen = lookup(ctx, sobject)
      st:write_int(TYPE_TABLE)
      st:write_int(index)
      if not seen then
        local size = 0
        for _ in next, object do size = size + 1 end
        st:write_int(size)
        if #stack > MAX_DEPTH then
          error(format("Unwritable object: tables nest deeper than %d levels at %s", MAX_DEPTH, stack_text(stack)), 0)
        end
        for k, v in next, object do
          write_object(ctx, k)
          local kname = (type(k) == "string" or type(k) == "number") and tostring(k) or nil
          if stack[#stack - 1] == UPVALUES and kname == "value" and type(object.name) == "string" then
            kname = object.name
          end
          write_object(ctx, v, kname)
        end
      end
    end
  elseif tv == "function" and pcall(string.dump, object) then
    write_function(ctx, object, sobject)
  else
    error(format("Unwritable object <%s> at %s", tv, stack_text(stack)), 0)
  end
  stack[#stack] = nil
end

--- Writes obj to stream st.  opts: force (referenced = false), hook,
--- written / count / anchors / trusted / upvalue_ids (kept by a File),
--- warn (a function for Torch7's warnings about skipped fields).
function M.write(st, obj, opts, debugname)
  opts = opts or {}
  local ctx = opts
  ctx.st = st
  ctx.written = ctx.written or {}
  ctx.count = ctx.count or 0
  ctx.anchors = ctx.anchors or {}
  ctx.upvalue_ids = ctx.upvalue_ids or {}
  ctx.stack = {}
  write_object(ctx, obj, debugname)
  return ctx
end

-- ---- whole strings --------------------------------------------------------------
-- fmt: "binary" / "b64" (8-byte longs), "b32" (4-byte longs), "ascii".
local FORMATS = {
  binary = { binary = true, longSize = 8 }, b64 = { binary = true, longSize = 8 },
  b32 = { binary = true, longSize = 4 }, ascii = { binary = false, longSize = 8 },
}
M.FORMATS = FORMATS

--- The Torch7 bytes of obj.  fmt: "binary" (default), "b32", "ascii".
function M.encode(obj, fmt, opts)
  local f = FORMATS[fmt or "binary"]
  local st = M.stream("", f)
  opts = opts or {}
  M.write(st, obj, { force = opts.referenced == false, hook = opts.hook, warn = opts.warn })
  return st:join()
end

local function decode_as(s, fmt, opts)
  local st = M.stream(s, FORMATS[fmt])
  local v = M.read(st, { force = opts.referenced == false, functions = opts.functions })
  return v, st
end

--- The object in Torch7 bytes s.  fmt: "binary", "b32", "ascii", or nil /
--- "auto": binary with 8-byte longs, else 4-byte longs, else ascii (the
--- first one that reads the whole string wins; otherwise the binary error).
function M.decode(s, fmt, opts)
  opts = opts or {}
  if #s == 0 then fail("empty file (not a Torch7 file)") end
  if fmt and fmt ~= "auto" then
    local v, st = decode_as(s, fmt, opts)
    local rest = st.pos < st.size
    if fmt == "ascii" then rest = s:find("[^ \t\r\n]", st.pos + 1) ~= nil end
    if rest then fail("corrupted file (%d bytes after the object, at byte %d)", st.size - st.pos, st.pos) end
    return v
  end
  local candidates = s:match("^[ \t\r\n]*%d") and { "ascii" } or { "binary", "b32" }
  local first_error
  for _, f in ipairs(candidates) do
    local ok, v, st = pcall(decode_as, s, f, opts)
    local rest
    if ok then
      if f == "ascii" then rest = s:find("[^ \t\r\n]", st.pos + 1) ~= nil else rest = st.pos < st.size end
    end
    if ok and not rest then return v end
    if ok then
      v = { message = format("corrupted file (%d bytes after the object, at byte %d)", st.size - st.pos, st.pos) }
    elseif getmetatable(v) ~= ReadError then
      error(v, 0)
    end
    first_error = first_error or v
  end
  error(setmetatable({ message = first_error.message }, ReadError), 0)
end

return M
