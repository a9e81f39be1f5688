--- tocha: Torch-style tensors for Lua 5.4.
-- The C module tocha.core provides the tensor type; this file adds the
-- parts written in Lua and the class aliases a Torch7 user expects.
-- Before OpenBLAS loads (with tocha.core): let it use this CPU's vector
-- kernels when it would otherwise fall back to generic ones, and start it
-- with one thread (tocha runs its own threads, tocha.setnumthreads).
local cpu_ok, cpu = pcall(require, "tocha.cpu")
local blas_kernels, blas_note
if cpu_ok then
  blas_kernels, blas_note = cpu.choose_blas_kernels()
  cpu.quiet_blas_threads()
end

local tocha = require "tocha.core"
tocha.blas_coretype_choice = blas_kernels or blas_note or "tocha.cpu not found"
local printing = require "tocha.print"
local utils = require "tocha.utils"
require "tocha.tensor"
require "tocha.tensorlib"

for _, name in ipairs(utils.TENSOR_TYPES) do
  local metatable = getmetatable(tocha[name]())
  metatable.__tostring = printing.tensor_tostring
end
-- tocha.setprintoptions{threshold=, edgeitems=, precision=, linewidth=} (torch.setprintoptions under compat)
tocha.setprintoptions, tocha.getprintoptions = printing.setprintoptions, printing.getprintoptions

-- ---- sizes: t:size() returns a tocha.LongStorage (a list of integers) -------
local size_metatable = getmetatable(tocha.FloatTensor(1):size())
local size_methods = {}
size_metatable.__typename = "tocha.LongStorage"

-- A view tocha.LongStorage(s, offset, size) is an empty table whose private
-- field [VIEW] = {parent = root list, offset = elements before, n = size}:
-- its elements are read and written in the parent (Torch7's storage views).
local VIEW = {}
size_metatable.__index = function(s, k)
  local view = rawget(s, VIEW)
  if view then
    local i = utils.integer(k)
    if i then return (i >= 1 and i <= view.n) and view.parent[view.offset + i] or nil end
  end
  return size_methods[k]
end
size_metatable.__newindex = function(s, k, v)
  local view = rawget(s, VIEW)
  if not view then return rawset(s, k, v) end
  local i = utils.integer(k)
  if not i or i < 1 or i > view.n then
    error(string.format("LongStorage view: index %s out of range 1..%d", tostring(k), view.n), 2)
  end
  view.parent[view.offset + i] = v
end
size_metatable.__len = function(s)
  local view = rawget(s, VIEW)
  return view and view.n or rawlen(s)
end

--- The number of elements of a LongStorage (a size).
function size_methods.size(s) return #s end

--- The size in bytes of one element of a LongStorage: 8.
function size_methods.elementSize() return 8 end

--- The elements of a LongStorage as a plain Lua list.
function size_methods.totable(s) return table.move(s, 1, #s, 1, {}) end

size_metatable.__tostring = function(s)
  local lines = {}
  for i = 1, #s do lines[i] = " " .. tostring(s[i]) end
  local prefix = package.loaded["tocha.compat"] and "torch" or "tocha" -- Torch7's names under compat
  lines[#lines + 1] = string.format("[%s.LongStorage of size %d]", prefix, #s)
  return table.concat(lines, "\n") .. "\n"
end

size_metatable.__eq = function(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do
    if a[i] ~= b[i] then return false end
  end
  return true
end

--- tocha.LongStorage(n) (n zeros), tocha.LongStorage({...}), or a view
--- tocha.LongStorage(storage, offset [, size]) sharing storage's elements
--- offset .. offset + size - 1 (size defaults to the rest).
function tocha.LongStorage(arg, offset, size)
  local s = {}
  if getmetatable(arg) == size_metatable and offset ~= nil then
    local n = #arg
    local first = utils.integer(offset)
    if first == nil or first < 1 or first > n + 1 then
      error(string.format("bad argument #2 to 'LongStorage' (offset must be an integer in 1..%d, got %s)", n + 1,
        tostring(offset)), 2)
    end
    local count = size == nil and n - first + 1 or utils.integer(size)
    if count == nil or count < 0 or first + count - 1 > n then
      error(string.format("bad argument #3 to 'LongStorage' (size must be an integer in 0..%d, got %s)",
        n - first + 1, tostring(size)), 2)
    end
    local parent, skip = arg, first - 1
    local inner = rawget(arg, VIEW)
    if inner then parent, skip = inner.parent, inner.offset + skip end
    s[VIEW] = { parent = parent, offset = skip, n = count }
    return setmetatable(s, size_metatable)
  end
  if type(arg) == "table" then
    for i = 1, #arg do
      local v = utils.integer(arg[i])
      if v == nil then
        error(string.format("bad argument #1 to 'LongStorage' (entry %d must be an integer, got %s)", i,
          tostring(arg[i])), 2)
      end
      s[i] = v
    end
  elseif utils.integer(arg) and arg >= 0 and arg <= 2 ^ 24 then
    for i = 1, utils.integer(arg) do s[i] = 0 end
  elseif arg ~= nil then
    error(string.format("bad argument #1 to 'LongStorage' (size 0..2^24 or table expected, got %s)", tostring(arg)),
      2)
  end
  return setmetatable(s, size_metatable)
end

-- ---- default tensor type -------------------------------------------------------
local set_default = tocha.setdefaulttensortype

--- Changes the type made by tocha.Tensor, tocha.zeros, tocha.rand, ...
function tocha.setdefaulttensortype(name)
  set_default(name)
  tocha.Tensor = tocha[name:match("^tocha%.(.*)$")]
end

tocha.Tensor = tocha.FloatTensor

-- ---- classes, and the parts loaded on first use -------------------------------
local class = require "tocha.class"
-- tocha.class(name, parent) makes a class; tocha.class.istype etc. help.
tocha.class = setmetatable({ istype = class.istype, get = class.get, namespace = class.namespace },
  { __call = function(_, ...) return class.new(...) end })

local lazy = { nn = "tocha.nn" }
lazy.datasets = "tocha.datasets"
lazy.progress = "tocha.progress"
lazy.optim, lazy.plot = "tocha.optim", "tocha.plot"
setmetatable(tocha, {
  __index = function(t, key)
    local name = lazy[key]
    if not name then return nil end
    local value = require(name)
    rawset(t, key, value)
    return value
  end,
})

local serialize = require "tocha.serialize"
tocha.save, tocha.load = serialize.save, serialize.load
tocha.serialize, tocha.deserialize = serialize.serialize, serialize.deserialize
tocha._is_tocha_format = serialize.is_tocha_format

return tocha
