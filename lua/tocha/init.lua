-- tocha: Torch-style tensors for Lua 5.4.
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

local tensor_types = { "FloatTensor", "DoubleTensor", "LongTensor", "ByteTensor" }

for _, name in ipairs(tensor_types) do
  local metatable = getmetatable(tocha[name]())
  metatable.__tostring = printing.tensor_tostring
end

-- ---- sizes: t:size() returns a tocha.LongStorage (a list of integers) -------
local size_metatable = getmetatable(tocha.FloatTensor(1):size())
local size_methods = {}
size_metatable.__index = size_methods
size_metatable.__typename = "tocha.LongStorage"

function size_methods.size(s) return #s end

function size_methods.totable(s) return table.move(s, 1, #s, 1, {}) end

size_metatable.__tostring = function(s)
  local lines = {}
  for i = 1, #s do lines[i] = " " .. tostring(s[i]) end
  lines[#lines + 1] = string.format("[tocha.LongStorage of size %d]", #s)
  return table.concat(lines, "\n") .. "\n"
end

size_metatable.__eq = function(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do
    if a[i] ~= b[i] then return false end
  end
  return true
end

--- tocha.LongStorage(n) (n zeros) or tocha.LongStorage({...}).
function tocha.LongStorage(arg)
  local s = {}
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

return tocha
