--- torch.File, torch.DiskFile and torch.MemoryFile (Torch7's file classes)
-- and torch.save / load / serialize / deserialize in Torch7's format, for
-- tocha.compat.  The format itself is in tocha/t7.lua.
--
-- As in Torch7: a file is ascii until :binary() is called (torch.save and
-- torch.serialize call it); positions for seek / position count from 1;
-- MemoryFile:storage() holds the bytes plus a final NUL.  A DiskFile keeps
-- its bytes in memory and writes them out on synchronize() and close().
local core = require "tocha.core"
local class = require "tocha.class"
local t7 = require "tocha.t7"

local format = string.format

local File = class.get("torch.File") or class.new("torch.File")
local DiskFile = class.get("torch.DiskFile") or class.new("torch.DiskFile", "torch.File")
local MemoryFile = class.get("torch.MemoryFile") or class.new("torch.MemoryFile", "torch.File")

local function setup(self, s, mode, fname)
  if mode ~= "r" and mode ~= "w" and mode ~= "rw" then
    error(format("bad argument #2 to '%s' (file mode should be 'r','w' or 'rw', got %s)", fname, tostring(mode)), 3)
  end
  self._st = t7.stream(s, { binary = false })
  self._readable = mode ~= "w"
  self._writable = mode ~= "r"
  self._quiet = false
  self._hasError = false
  self._force = false
  self._functions = "error"
  self._trusted = {}
  self._wctx = nil
  self._rctx = nil
end

local function check_open(self, fname)
  if not self._st then error(format("%s: attempt to use a closed file", fname), 3) end
  return self._st
end

local function check_read(self, fname)
  local st = check_open(self, fname)
  if not self._readable then error(format("%s: attempt to read in a write-only file", fname), 3) end
  return st
end

local function check_write(self, fname)
  local st = check_open(self, fname)
  if not self._writable then error(format("%s: attempt to write in a read-only file", fname), 3) end
  self._dirty = true
  return st
end

-- Runs a read; a format error becomes "fname: message" (or, when quiet,
-- sets hasError and gives `fallback`).
local function reading(self, fname, fallback, f, ...)
  local ok, a = pcall(f, ...)
  if ok then return a end
  if getmetatable(a) == t7.ReadError then
    self._hasError = true
    if self._quiet then return fallback end
    error(format("%s: read error: %s", fname, a.message), 3)
  end
  error(type(a) == "string" and (fname .. ": " .. a) or a, 3)
end

local function writing(fname, f, ...)
  local ok, e = pcall(f, ...)
  if not ok then error(type(e) == "string" and (fname .. ": " .. e) or e, 3) end
end

--- ---- flags -----------------------------------------------------------------------
function File:binary() check_open(self, "binary").binary = true; return self end
--- Switches the file to the text format; returns self.
function File:ascii() check_open(self, "ascii").binary = false; return self end
--- Text format: writes a separator after each value (the default); returns self.
function File:autoSpacing() check_open(self, "autoSpacing").autoSpacing = true; return self end
--- Text format: no separator after values; returns self.
function File:noAutoSpacing() check_open(self, "noAutoSpacing").autoSpacing = false; return self end
--- Errors set hasError() instead of raising; returns self.
function File:quiet() self._quiet = true; return self end
--- Errors raise (the default); returns self.
function File:pedantic() self._quiet = false; return self end
--- Clears the error flag of a quiet file; returns self.
function File:clearError() self._hasError = false; return self end
--- true when an operation failed on a quiet file.
function File:hasError() return self._hasError end
--- true when the file is quiet (see quiet()).
function File:isQuiet() return self._quiet end
--- true when the file was opened for reading.
function File:isReadable() return self._readable end
--- true when the file was opened for writing.
function File:isWritable() return self._writable end
--- true for the binary format, false for text.
function File:isBinary() return check_open(self, "isBinary").binary end
--- true when values are followed by a separator (text format).
function File:isAutoSpacing() return check_open(self, "isAutoSpacing").autoSpacing end

--- longSize(0 | 4 | 8): the bytes of a long in binary mode (0: 8, this
--- machine's long).
function File:longSize(n)
  local st = check_open(self, "longSize")
  n = math.tointeger(n)
  if n ~= 0 and n ~= 4 and n ~= 8 then error("bad argument #1 to 'longSize' (Invalid long size specified)", 2) end
  st.longSize = n == 0 and 8 or n
  return self
end

--- referenced(false): write every object in full (no shared references).
function File:referenced(ref)
  self._force = not ref
  return self
end

--- true when writeObject writes shared objects once, as references (the default).
function File:isReferenced() return not self._force end

--- tocha only: what readObject does with saved functions: "error"
--- (default), "stub" (functions that raise an error when called), or
--- "load" (run Lua 5.4 bytecode: only for files you trust).
function File:functions(mode)
  if mode ~= "error" and mode ~= "stub" and mode ~= "load" then
    error(format("bad argument #1 to 'functions' ('error', 'stub' or 'load' expected, got %s)", tostring(mode)), 2)
  end
  self._functions = mode
  return self
end

--- ---- position --------------------------------------------------------------------
function File:seek(pos)
  local st = check_open(self, "seek")
  local p = math.tointeger(pos)
  if not p or p < 1 then error("bad argument #1 to 'seek' (position has to be greater than 0!)", 2) end
  if p - 1 > st.size then
    self._hasError = true
    if not self._quiet then error(format("seek: unable to seek to position %d (file of %d bytes)", p, st.size), 2) end
    return self
  end
  st.pos = p - 1
  return self
end

--- Moves to the end of the file; returns self.
function File:seekEnd()
  local st = check_open(self, "seekEnd")
  st.pos = st.size
  return self
end

--- The current position, 1-based (Torch7's).
function File:position() return check_open(self, "position").pos + 1 end

-- ---- scalars and arrays ----------------------------------------------------------
local KINDS = {
  Byte = { raw = true }, Char = { raw = true },
  Short = { kind = "short" }, Int = { kind = "int" }, Long = { kind = "long" },
  Float = { kind = "float" }, Double = { kind = "double" },
}

local function to_storage(name, list)
  if name == "Float" or name == "Double" then
    return core[name .. "Storage"](list)
  end
  return core.LongStorage(list)
end

for name, k in pairs(KINDS) do
  local rname, wname = "read" .. name, "write" .. name
  File[rname] = function(self, n)
    local st = check_read(self, rname)
    if k.raw then
      if n == nil then
        local b = reading(self, rname, nil, st.read_chars, st, 1, "a " .. name:lower())
        return b and string.byte(b) or 0
      end
      local count = math.tointeger(n)
      if not count or count < 0 then error(format("bad argument #1 to '%s' (size expected)", rname), 2) end
      local avail = math.min(count, st:left())
      local b = reading(self, rname, "", st.read_chars, st, avail, name:lower() .. "s") or ""
      if avail < count then
        self._hasError = true
        if not self._quiet then
          error(format("%s: read error: read %d blocks instead of %d", rname, avail, count), 2)
        end
      end
      return core.fromBytes("tocha.ByteTensor", b, 1, { #b }):storage() or core.ByteStorage(0)
    end
    if n == nil then
      return reading(self, rname, 0, function() return st:read_numbers(k.kind, 1, "a " .. name:lower())[1] end)
    end
    local count = math.tointeger(n)
    if not count or count < 0 then error(format("bad argument #1 to '%s' (size expected)", rname), 2) end
    local list = reading(self, rname, {}, st.read_numbers, st, k.kind, count, name:lower() .. "s")
    return to_storage(name, list)
  end
  File[wname] = function(self, v)
    local st = check_write(self, wname)
    if k.raw then
      if type(v) == "number" then
        writing(wname, st.write_chars, st, string.char(math.tointeger(v) % 256))
      elseif type(v) == "string" then
        writing(wname, st.write_chars, st, v)
      else
        local ok, t = pcall(function() return core.ByteTensor():set(v) end)
        if not ok then error(format("bad argument #1 to '%s' (number, string or ByteStorage expected)", wname), 2) end
        writing(wname, st.write_chars, st, t:toBytes())
      end
      return
    end
    if type(v) == "number" then
      writing(wname, st.write_numbers, st, k.kind, { v }, 1)
      return
    end
    local list
    if type(v) == "table" then
      list = v
    else
      local ok, t = pcall(function() return core[(name == "Float" or name == "Double") and name .. "Tensor"
        or "LongTensor"]():set(v) end)
      if not ok then error(format("bad argument #1 to '%s' (number or %sStorage expected)", wname, name), 2) end
      list = t:totable()
    end
    writing(wname, st.write_numbers, st, k.kind, list, #list)
    return #list
  end
end

--- Writes a boolean (as the integer 1 or 0).
function File:writeBool(v) self:writeInt(v and 1 or 0) end
--- Reads a boolean written by writeBool.
function File:readBool() return self:readInt() == 1 end

--- readString("*a") reads to the end; readString("*l") one line (without its "\n").
function File:readString(fmt)
  local st = check_read(self, "readString")
  if fmt ~= "*a" and fmt ~= "*l" and fmt ~= "*all" and fmt ~= "*line" then
    error("bad argument #1 to 'readString' (format must be '*a' or '*l')", 2)
  end
  local s = st:join()
  if st.pos >= st.size then
    self._hasError = true
    if not self._quiet then error("readString: read error: read 0 blocks instead of 1", 2) end
    return ""
  end
  if fmt:sub(2, 2) == "a" then
    local r = s:sub(st.pos + 1, st.size)
    st.pos = st.size
    return r
  end
  local eol = s:find("\n", st.pos + 1, true)
  if eol and eol <= st.size then
    local r = s:sub(st.pos + 1, eol - 1)
    st.pos = eol
    return r
  end
  local r = s:sub(st.pos + 1, st.size)
  st.pos = st.size
  return r
end

--- Writes the bytes of string s as they are (no length prefix).
function File:writeString(s)
  local st = check_write(self, "writeString")
  if type(s) ~= "string" then
    error(format("bad argument #1 to 'writeString' (string expected, got %s)", type(s)), 2)
  end
  st:put(s)
  return #s
end

--- ---- objects ---------------------------------------------------------------------
function File:writeObject(obj, debugname, hook)
  local st = check_write(self, "writeObject")
  self._wctx = self._wctx or { trusted = self._trusted }
  local ctx = self._wctx
  ctx.force, ctx.hook = self._force, hook
  ctx.warn = function(msg) print(msg) end
  local ok, e = pcall(t7.write, st, obj, ctx, debugname)
  if not ok then error(type(e) == "string" and e or tostring(e), 2) end
end

--- Reads one object written by writeObject (tensors, storages, tables, nn modules, ...).
function File:readObject()
  local st = check_read(self, "readObject")
  self._rctx = self._rctx or { objects = {}, upvalue_ids = {}, trusted = self._trusted }
  local ctx = self._rctx
  ctx.force, ctx.functions = self._force, self._functions
  local ok, v = pcall(t7.read, st, ctx)
  if ok then return v end
  if getmetatable(v) == t7.ReadError then
    self._hasError = true
    error("readObject: " .. v.message, 2)
  end
  error(v, 2)
end

--- ---- closing ---------------------------------------------------------------------
function File:synchronize()
  check_open(self, "synchronize")
  if self._flush then self:_flush() end
  return self
end

--- Closes the file (flushing what was written); further calls raise an error.
function File:close()
  check_open(self, "close")
  if self._flush then self:_flush() end
  self._st = nil
  return self
end

-- ---- MemoryFile ------------------------------------------------------------------
--- torch.MemoryFile([storage | string] [, mode]): mode "rw" by default.
--- A storage must end with a 0 byte (Torch7's rule), which is not part of
--- the contents.
function MemoryFile:__init(src, mode)
  if type(src) == "string" and mode == nil and (src == "r" or src == "w" or src == "rw") then
    src, mode = nil, src
  end
  local s = ""
  if type(src) == "string" then
    s = src
  elseif src ~= nil then
    local ok, t = pcall(function() return core.ByteTensor():set(src) end)
    if not ok then error("bad argument #1 to 'MemoryFile' (CharStorage, ByteStorage or string expected)", 3) end
    s = t:toBytes()
    if #s == 0 or s:byte(#s) ~= 0 then
      error("bad argument #1 to 'MemoryFile' (provided CharStorage must be terminated by 0)", 3)
    end
    s = s:sub(1, #s - 1)
  end
  setup(self, s, mode or "rw", "MemoryFile")
end

--- The contents plus a final NUL, as a ByteStorage (Torch7's CharStorage).
function MemoryFile:storage()
  local st = check_open(self, "storage")
  local s = st:join() .. "\0"
  return core.fromBytes("tocha.ByteTensor", s, 1, { #s }):storage()
end

--- tocha only: the contents as a Lua string.
function MemoryFile:string()
  return check_open(self, "string"):join()
end

function MemoryFile:__tostring__()
  return "torch.MemoryFile"
end

-- ---- DiskFile --------------------------------------------------------------------
--- torch.DiskFile(name [, mode [, quiet]]): mode "r" by default; quiet
--- gives nil instead of an error when the file cannot be opened.
function DiskFile:__init(name, mode, quiet)
  if type(name) ~= "string" then
    error(format("bad argument #1 to 'DiskFile' (file name expected, got %s)", type(name)), 3)
  end
  mode = mode or "r"
  local s = ""
  if mode == "r" or mode == "rw" then
    local f, err = io.open(name, "rb")
    if f then
      s = f:read("a") or ""
      f:close()
    elseif mode == "r" then
      if quiet then self._failed = true; return end
      error(format("DiskFile: cannot open <%s> in mode r (%s)", name, tostring(err)), 3)
    end
  end
  if mode == "w" or mode == "rw" then
    local f, err = io.open(name, mode == "w" and "wb" or "ab")
    if not f then
      if quiet then self._failed = true; return end
      error(format("DiskFile: cannot open <%s> in mode %s (%s)", name, mode, tostring(err)), 3)
    end
    f:close()
  end
  setup(self, s, mode, "DiskFile")
  self._name = name
  self._dirty = false
  if quiet then self._quiet = true end
end

function DiskFile:_flush()
  if not self._writable or not self._dirty then return end
  local f, err = io.open(self._name, "wb")
  if not f then error(format("DiskFile: cannot write <%s> (%s)", self._name, tostring(err)), 3) end
  local ok, werr = f:write(self._st:join())
  f:close()
  if not ok then error(format("DiskFile: write error on <%s> (%s)", self._name, tostring(werr)), 3) end
  self._dirty = false
end

--- The file name given to torch.DiskFile.
function DiskFile:name() return self._name end
--- Numbers in the machine's byte order (the default); returns self.
function DiskFile:nativeEndianEncoding() return self end
--- Numbers in little-endian byte order; returns self.
function DiskFile:littleEndianEncoding()
  if string.pack("=i2", 1) ~= string.pack("<i2", 1) then
    error("littleEndianEncoding: only native byte order is supported", 2)
  end
  return self
end
--- Numbers in big-endian byte order; returns self.
function DiskFile:bigEndianEncoding()
  if string.pack("=i2", 1) ~= string.pack(">i2", 1) then
    error("bigEndianEncoding: only native byte order is supported (this machine is little-endian)", 2)
  end
  return self
end
--- Accepted for Torch7 scripts; tocha writes through its own buffer; returns self.
function DiskFile:noBuffer() return self end

function DiskFile:__tostring__()
  return format("torch.DiskFile(%s)", tostring(self._name))
end

-- torch.DiskFile(name, mode, true) gives nil when the file cannot be opened.
do
  local mt = getmetatable(DiskFile)
  local make = mt.__call
  mt.__call = function(cls, ...)
    local f = make(cls, ...)
    if f._failed then return nil end
    return f
  end
end

-- ---- torch.save / load / serialize / deserialize -------------------------------
local M = { File = File, DiskFile = DiskFile, MemoryFile = MemoryFile }

local MODES = { binary = true, ascii = true, b32 = true, b64 = true }

local function check_mode(mode, fname, arg, allow_long)
  if mode == nil then return end
  if MODES[mode] and (allow_long or mode == "binary" or mode == "ascii") then return end
  error(format("bad argument #%d to '%s' (%s expected, got %s)", arg, fname,
    allow_long and "'binary', 'b32', 'b64' or 'ascii'" or "'binary' or 'ascii'",
    type(mode) == "string" and format("%q", mode) or type(mode)), 3)
end

local function check_referenced(ref, fname, arg)
  if ref ~= nil and ref ~= true and ref ~= false then
    error(format("bad argument #%d to '%s' (true or false (or nil) expected for referenced)", arg, fname), 3)
  end
end

--- torch.save(path, obj [, 'binary' | 'ascii' [, referenced]]): Torch7's format.
function M.save(path, obj, mode, referenced)
  if type(path) ~= "string" then
    error(format("bad argument #1 to 'save' (file name expected, got %s)", type(path)), 2)
  end
  check_mode(mode, "save", 3, false)
  check_referenced(referenced, "save", 4)
  local s
  local ok, e = pcall(function()
    s = t7.encode(obj, mode or "binary", { referenced = referenced, warn = function(msg) print(msg) end })
  end)
  if not ok then error("torch.save: " .. tostring(e), 2) end
  -- Crash-safe, as tocha.save: a temporary file renamed over the target.
  local wok, werr = core._replace_file(path, { s })
  if not wok then error(format("torch.save: <%s>: %s", path, werr), 2) end
end

--- torch.load(path [, mode [, referenced [, options]]]): a Torch7 file
--- (mode nil: binary with 8- or 4-byte longs, or ascii, detected), or a
--- file in tocha's own format.  options.functions: "error" | "stub" | "load".
function M.load(path, mode, referenced, options)
  if type(path) ~= "string" then
    error(format("bad argument #1 to 'load' (file name expected, got %s)", type(path)), 2)
  end
  if type(mode) == "table" and options == nil then mode, options = nil, mode end
  check_mode(mode, "load", 2, true)
  check_referenced(referenced, "load", 3)
  options = options or {}
  local tocha = require "tocha"
  local f, err = io.open(path, "rb")
  if not f then error(format("torch.load: cannot open <%s> in mode r (%s)", path, tostring(err)), 2) end
  local s = f:read("a") or ""
  f:close()
  if tocha._is_tocha_format(s) then return tocha.load(path) end
  local prefix = "torch.load: " .. path .. ": "
  return t7.protect(prefix, t7.decode, s, mode or "auto",
    { referenced = referenced, functions = options.functions })
end

--- torch.serialize(obj [, mode]) -> string in Torch7's format.
function M.serialize(obj, mode)
  check_mode(mode, "serialize", 2, false)
  local ok, s = pcall(t7.encode, obj, mode or "binary", { warn = function(msg) print(msg) end })
  if not ok then error("torch.serialize: " .. tostring(s), 2) end
  return s
end

--- torch.deserialize(s [, mode [, options]]).
function M.deserialize(s, mode, options)
  if type(s) ~= "string" then
    error(format("bad argument #1 to 'deserialize' (string expected, got %s)", type(s)), 2)
  end
  check_mode(mode, "deserialize", 2, true)
  options = options or {}
  return t7.protect("torch.deserialize: ", t7.decode, s, mode or "binary", { functions = options.functions })
end

--- torch.serializeToStorage(obj [, mode]) -> a ByteStorage (Torch7: CharStorage).
function M.serializeToStorage(obj, mode)
  local s = M.serialize(obj, mode)
  return core.fromBytes("tocha.ByteTensor", s, 1, { #s }):storage() or core.ByteStorage(0)
end

--- torch.deserializeFromStorage(storage [, mode]): the object serialized into a CharStorage by serializeToStorage.
function M.deserializeFromStorage(storage, mode)
  local ok, t = pcall(function() return core.ByteTensor():set(storage) end)
  if not ok then error("bad argument #1 to 'deserializeFromStorage' (ByteStorage expected)", 2) end
  return M.deserialize(t:toBytes(), mode)
end

--- Puts the functions above into the torch table.
function M.install(torch)
  for _, name in ipairs({ "save", "load", "serialize", "deserialize", "serializeToStorage",
    "deserializeFromStorage" }) do
    torch[name] = M[name]
  end
  torch.saveobj, torch.loadobj = M.save, M.load
  torch.File, torch.DiskFile, torch.MemoryFile = File, DiskFile, MemoryFile
end

return M
