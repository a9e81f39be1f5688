--- Helpers shared by nn, optim and serialisation: integer arguments, deep
-- copies and type conversions that keep shared storages shared, and
-- parameter flattening.
--
-- Integer arguments (sizes, indices, dimensions, counts, seeds, class
-- targets, ...): Torch7 code passes floats with integral values (2.0, a value
-- read from a DoubleTensor, n / 2), as LuaJIT had only doubles. Take them
-- with ONE of:
--   local n = utils.integer(v)            -- 2 for 2 or 2.0; nil for 2.5, "2", nil
--   local n = utils.checkinteger(v, "nn.Linear", "inputSize", 1)
--                                          -- the integer, or an error
--                                          -- "nn.Linear: inputSize must be an
--                                          -- integer >= 1, got 2.5"
-- and keep the returned integer (not v), so that later arithmetic and C calls
-- see an integer. The C binding follows the same rule (luaL_checkinteger,
-- tl_tointeger in src/binding/binding.h).
local tocha = require "tocha.core" -- the same table as require "tocha" (init.lua fills it)

local utils = {}

--- The tensor classes (tocha.FloatTensor, ...), in the core's element-type order.
utils.TENSOR_TYPES = { "FloatTensor", "DoubleTensor", "LongTensor", "ByteTensor", "IntTensor", "ShortTensor",
  "CharTensor" }

--- v as a Lua integer when it is an integer or a float with an integral value
--- (as Lua 5.4's luaL_checkinteger takes numbers), else nil. Strings are not numbers here.
function utils.integer(v)
  local kind = math.type(v)
  if kind == "integer" then return v end
  if kind == "float" then return math.tointeger(v) end
  return nil
end

--- utils.integer(v), or an error "<where>: <what> must be an integer[ >= min], got <v>"
--- raised at the caller's caller (level 3 by default: the user's call of a
--- constructor or method that checks its argument here).
function utils.checkinteger(v, where, what, min, level)
  local n = utils.integer(v)
  if n == nil or (min ~= nil and n < min) then
    local want = min == nil and "an integer" or min == 1 and "a positive integer"
      or string.format("an integer >= %d", min)
    error(string.format("%s: %s must be %s, got %s", where, what, want,
      type(v) == "string" and string.format("%q", v) or tostring(v)), level or 3)
  end
  return n
end

--- utils.checkinteger for an optional argument: `default` when v is nil
-- (a nil default makes the argument required).
function utils.optinteger(v, where, what, min, default, level)
  if v == nil and default ~= nil then return default end
  return utils.checkinteger(v, where, what, min, level)
end

--- `t` when it is a tensor, else the error "<module>: <what> must be a
-- tensor, got <type>" at the caller's caller (level 3: the user's call of
-- the module method that called this).
function utils.check_tensor(module, t, what, level)
  if not tocha.isTensor(t) then
    error(string.format("%s: %s must be a tensor, got %s", module.__typename, what, tocha.type(t)), level or 3)
  end
  return t
end

--- An empty tensor of the same type as `t`.
function utils.new_like(t)
  return t.new()
end

--- "2x3x4", or "empty": a tensor's shape for error messages.
function utils.shape(t)
  return t:dim() == 0 and "empty" or table.concat(t:size():totable(), "x")
end

--- `t` itself when it is contiguous, else a contiguous copy of it in the
--- buffer obj[field], kept between calls (a new one when the type changes).
function utils.contiguous(obj, field, t)
  if t:isContiguous() then return t end
  local buffer = obj[field]
  if not buffer or buffer:type() ~= t:type() then
    buffer = utils.new_like(t)
    obj[field] = buffer
  end
  return buffer:resizeAs(t):copy(t)
end

--- A backward's input and gradOutput, checked and made contiguous (in the
-- buffers module._input and module._gradOutput when they are not).
function utils.contiguous_pair(module, input, gradOutput)
  utils.check_tensor(module, input, "input", 4)
  utils.check_tensor(module, gradOutput, "gradOutput", 4)
  return utils.contiguous(module, "_input", input), utils.contiguous(module, "_gradOutput", gradOutput)
end

--- A tensor header over the same storage geometry as `t`, but on `storage`.
local function view_on(t, storage, template)
  local out = template or utils.new_like(t)
  if t:dim() == 0 then return out end
  return out:set(storage, t:storageOffset(), t:size(), t:stride())
end

--- A new tensor of type `typename` (or t's type) holding a copy of t's whole
-- storage, cached by storage so tensors that shared one still share one.
local function copy_storage(t, typename, storage_cache)
  local key = t:storage():pointer()
  local copied = storage_cache[key]
  if not copied then
    local whole = utils.new_like(t):set(t:storage())
    copied = typename and whole:type(typename) or whole:clone()
    if copied == whole then copied = whole:clone() end
    copied = copied:storage()
    storage_cache[key] = copied
  end
  return copied
end

local function deepcopy(value, memo, storages)
  if tocha.isTensor(value) then
    if memo[value] then return memo[value] end
    local out = value:dim() == 0 and utils.new_like(value) or view_on(value, copy_storage(value, nil, storages))
    memo[value] = out
    return out
  end
  if type(value) ~= "table" then return value end
  if memo[value] then return memo[value] end
  local out = {}
  memo[value] = out
  for k, v in pairs(value) do
    out[deepcopy(k, memo, storages)] = deepcopy(v, memo, storages)
  end
  return setmetatable(out, getmetatable(value))
end

--- A deep copy of any Lua value; tensors get new storages, and tensors or
-- tables referenced twice stay referenced twice.
function utils.deepcopy(value)
  return deepcopy(value, {}, {})
end

--- Replaces, inside `obj` (recursively), every tensor by one of `typename`.
function utils.convert_tensors(obj, typename, cache)
  cache.tensors = cache.tensors or {}
  cache.storages = cache.storages or {}
  cache.seen = cache.seen or {}
  if cache.seen[obj] then return end
  cache.seen[obj] = true
  for k, v in pairs(obj) do
    -- Only floating-point tensors change type: Long and Byte tensors hold
    -- indices and masks (e.g. Dropout's bit mask), whatever the module's type.
    local name = tocha.type(v) -- tocha's names, also under tocha.compat
    local floating = name == "tocha.FloatTensor" or name == "tocha.DoubleTensor"
    if floating then
      local converted = cache.tensors[v]
      if not converted then
        if name == typename then
          converted = v
        elseif v:dim() == 0 then
          converted = tocha[typename:match("^tocha%.(.+)$")]()
        else
          local storage = copy_storage(v, typename, cache.storages)
          converted = view_on(v, storage, tocha[typename:match("^tocha%.(.+)$")]())
        end
        cache.tensors[v] = converted
      end
      obj[k] = converted
    elseif type(v) == "table" then
      utils.convert_tensors(v, typename, cache)
    end
  end
end

--- Empties the named fields: tensors lose their storage, tables are emptied.
function utils.clear(obj, ...)
  for i = 1, select("#", ...) do
    local name = select(i, ...)
    local v = obj[name]
    if tocha.isTensor(v) then
      v:set()
    elseif type(v) == "table" then
      obj[name] = {}
    end
  end
  return obj
end

-- Does t cover a region of its storage without holes (in some order of
-- its dimensions; dimensions of stride 0 repeat and do not count)?
local function is_compact(t)
  local dims = {}
  for d = 1, t:dim() do
    if t:stride(d) > 0 and t:size(d) > 1 then dims[#dims + 1] = { t:stride(d), t:size(d) } end
  end
  table.sort(dims, function(a, b) return a[1] > b[1] end)
  local expected = 1
  for i = #dims, 1, -1 do
    if dims[i][1] ~= expected then return false end
    expected = expected * dims[i][2]
  end
  return true
end

--- Torch7's Module.flatten: copies the storages of `tensors` (each whole,
-- in order of first use) into one flat 1-D tensor, drops the elements no
-- tensor references, and re-points each tensor into it; tensors that
-- shared a storage keep sharing.  Dropping holes needs every tensor to
-- cover its elements without gaps, else it is an error (as in Torch7).
function utils.flatten(tensors)
  if #tensors == 0 then return tocha.Tensor() end
  local bases, order, total = {}, {}, 0
  local offsets = {}
  for k, t in ipairs(tensors) do
    if t:dim() > 0 then
      local storage = t:storage()
      local key = storage:pointer()
      if not bases[key] then
        bases[key] = total
        order[#order + 1] = storage
        total = total + storage:size()
      end
      offsets[k] = bases[key] + t:storageOffset()
    end
  end
  local template = tensors[1]
  local used = tocha.ByteTensor(math.max(total, 1)):zero()
  local compact = true
  for k, t in ipairs(tensors) do
    if offsets[k] then
      tocha.ByteTensor():set(used:storage(), offsets[k], t:size(), t:stride()):fill(1)
      compact = compact and is_compact(t)
    end
  end
  local full = utils.new_like(template):resize(total)
  for _, storage in ipairs(order) do
    local n = storage:size()
    if n > 0 then
      local base = bases[storage:pointer()]
      full:narrow(1, base + 1, n):copy(utils.new_like(template):set(storage, 1, tocha.LongStorage({ n })))
    end
  end
  local flat = full
  if total > 0 then
    local position = used:narrow(1, 1, total):long():cumsum(1)
    local nused = position[total]
    if nused ~= total then
      if not compact then
        error("getParameters: cannot gather tensors that are not compact (a parameter view has gaps)", 3)
      end
      flat = full:maskedSelect(used:narrow(1, 1, total))
      for k in pairs(offsets) do offsets[k] = position[offsets[k]] end
    end
  end
  local flat_storage = flat:storage()
  for k, t in ipairs(tensors) do
    if offsets[k] then t:set(flat_storage, offsets[k], t:size(), t:stride()) end
  end
  return flat
end

--- dst shaped like src and zeroed (tensors or nested tables), reusing dst.
function utils.zero_nested(dst, src)
  if tocha.isTensor(src) then
    if not tocha.isTensor(dst) or tocha.type(dst) ~= tocha.type(src) then dst = src.new() end
    return dst:resizeAs(src):zero()
  end
  if type(dst) ~= "table" or tocha.isTensor(dst) then dst = {} end
  for k, v in ipairs(src) do dst[k] = utils.zero_nested(dst[k], v) end
  for k = #src + 1, #dst do dst[k] = nil end
  return dst
end

--- dst = a copy of src (tensors or nested tables), reusing dst.
function utils.copy_nested(dst, src)
  if tocha.isTensor(src) then
    if not tocha.isTensor(dst) or tocha.type(dst) ~= tocha.type(src) then dst = src.new() end
    return dst:resizeAs(src):copy(src)
  end
  if type(dst) ~= "table" or tocha.isTensor(dst) then dst = {} end
  for k, v in ipairs(src) do dst[k] = utils.copy_nested(dst[k], v) end
  for k = #src + 1, #dst do dst[k] = nil end
  return dst
end

--- obj[field] as a tensor of t's type, resized like t (the buffer is
-- reused while the type stays; its contents are then unspecified).
function utils.like(obj, field, t)
  local buffer = obj[field]
  if not tocha.isTensor(buffer) or tocha.type(buffer) ~= tocha.type(t) then
    buffer = t.new()
    obj[field] = buffer
  end
  return buffer:resizeAs(t)
end

--- Torch7's rule for the dimension a module works on: `dim` of an input
-- of `ndim` dimensions, negative counting from the end; with nInputDims,
-- an input of nInputDims + 1 dimensions is a batch and the dimension moves
-- one up.  The result may be out of range: the caller says so.
function utils.batch_dimension(dim, ndim, nInputDims)
  if dim < 0 then return ndim + dim + 1 end
  if nInputDims and ndim == nInputDims + 1 then return dim + 1 end
  return dim
end

return utils
