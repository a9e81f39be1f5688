--- Torch7's tensor functions that are views or small compositions of the C
-- ones: permute, reshape, split, chunk, typeAs, isSize, real, and range,
-- linspace, logspace as methods (x:range(...) fills x).  The numeric ones
-- (sort, topk, diag, histc, bit operations, map, ...) are C, in
-- src/binding/lua_tensorlib.c.
local tocha = require "tocha.core"
local utils = require "tocha.utils"

local methods = tocha._methods

local function fail(name, arg, msg, level)
  error(string.format("bad argument #%d to '%s' (%s)", arg, name, msg), (level or 2) + 1)
end

local function check_tensor(name, arg, x)
  if not tocha.isTensor(x) then fail(name, arg, "tensor expected, got " .. tocha.type(x), 2) end
end

--- An integer argument (an integral float is taken as that integer).
local function check_int(name, arg, v)
  local i = math.tointeger(v)
  if not i then fail(name, arg, "integer expected, got " .. (type(v) == "number" and tostring(v) or type(v)), 2) end
  return i
end

-- Sizes given as numbers or as one size list (tocha.LongStorage or a table).
local function sizes_of(name, first_arg, ...)
  local first = ...
  local list = type(first) == "table" and first or { ... }
  local out = {}
  for i = 1, #list do out[i] = check_int(name, first_arg + (type(first) == "table" and 0 or i - 1), list[i]) end
  return out
end

--- x:permute(d1, ..., dn): a view with dimension i of the result being
-- dimension d_i of x.
function methods.permute(x, ...)
  check_tensor("permute", 1, x)
  local perm = sizes_of("permute", 2, ...)
  local n = x:dim()
  if #perm ~= n then fail("permute", 2, string.format("expected %d dimensions, got %d", n, #perm)) end
  local seen, sizes, strides = {}, {}, {}
  local size, stride = x:size(), x:stride()
  for i, d in ipairs(perm) do
    if d < 0 then d = d + n + 1 end
    if d < 1 or d > n or seen[d] then
      fail("permute", i + 1, string.format("dimension %d is out of range or repeated", perm[i]))
    end
    seen[d] = true
    sizes[i], strides[i] = size[d], stride[d]
  end
  if n == 0 then return x.new(x) end
  return x.new():set(x:storage(), x:storageOffset(), tocha.LongStorage(sizes), tocha.LongStorage(strides))
end

--- tocha.reshape([res,] x, sizes...) / x:reshape(sizes...): a copy of x's
-- elements (in logical order) in a new contiguous tensor of the given size.
local function reshape(res, x, ...)
  local sizes = sizes_of("reshape", res and 3 or 2, ...)
  local count = 1
  for _, s in ipairs(sizes) do count = count * s end
  if count ~= x:nElement() then
    fail("reshape", res and 3 or 2, string.format("size has %d elements, the tensor %d", count, x:nElement()), 3)
  end
  local src = x
  if res then
    if res:type() ~= x:type() then fail("reshape", 1, "result must be a " .. x:type() .. ", got " .. res:type(), 3) end
    if res == x then src = x:clone() end
  else
    res = x.new()
  end
  res:resize(tocha.LongStorage(sizes))
  if count > 0 then res:copy(src) end
  return res
end

--- x:reshape(sizes...) or tocha.reshape(x, sizes...): a contiguous copy of x with the given sizes.
function methods.reshape(x, ...)
  check_tensor("reshape", 1, x)
  if tocha.isTensor((...)) then return reshape(x, ...) end
  return reshape(nil, x, ...)
end
tocha.reshape = methods.reshape

--- x:split(size [, dim]) / tocha.split([result,] x, size [, dim]): a list
-- of views of x along dim (default 1), each `size` long but the last.
local function split(result, x, size, dim)
  size = check_int("split", 2, size)
  dim = check_int("split", 3, dim or 1)
  if size < 1 then fail("split", 2, "size must be >= 1, got " .. size, 3) end
  if dim < 0 then dim = dim + x:dim() + 1 end
  if dim < 1 or dim > x:dim() then fail("split", 3, string.format("dimension %d out of range", dim), 3) end
  result = result or {}
  for k = #result, 1, -1 do result[k] = nil end
  local n, first = x:size(dim), 1
  while first <= n do
    local len = math.min(size, n - first + 1)
    result[#result + 1] = x:narrow(dim, first, len)
    first = first + len
  end
  return result
end

--- x:split(size [, dim]): a list of views of x of size `size` along dim (default 1; the last may be smaller).
function methods.split(x, ...)
  if type(x) == "table" and not tocha.isTensor(x) then
    local t = ...
    check_tensor("split", 2, t)
    return split(x, t, select(2, ...))
  end
  check_tensor("split", 1, x)
  return split(nil, x, ...)
end
tocha.split = methods.split

--- x:chunk(n [, dim]) / tocha.chunk([result,] x, n [, dim]): x cut along
-- dim (default 1) into n pieces of ceil(size / n) (the last may be shorter).
function methods.chunk(x, ...)
  local result
  if type(x) == "table" and not tocha.isTensor(x) then result, x = x, ... end
  local n, dim = select(result and 2 or 1, ...)
  check_tensor("chunk", result and 2 or 1, x)
  n = check_int("chunk", 2, n)
  dim = check_int("chunk", 3, dim or 1)
  if n < 1 then fail("chunk", 2, "number of chunks must be >= 1, got " .. n) end
  if dim < 0 then dim = dim + x:dim() + 1 end
  if dim < 1 or dim > x:dim() then fail("chunk", 3, string.format("dimension %d out of range", dim)) end
  return split(result, x, math.max(1, math.ceil(x:size(dim) / n)), dim)
end
tocha.chunk = methods.chunk

--- x:typeAs(y): x converted to y's type (x itself when it has it).
function methods.typeAs(x, y)
  check_tensor("typeAs", 1, x)
  check_tensor("typeAs", 2, y)
  return x:type(y:type())
end

--- x:real(): x converted to the default tensor type.
function methods.real(x)
  check_tensor("real", 1, x)
  return x:type(tocha.getdefaulttensortype())
end

--- x:isSize(sizes): x has exactly these sizes (a size list).
function methods.isSize(x, sizes)
  check_tensor("isSize", 1, x)
  if type(sizes) ~= "table" then fail("isSize", 2, "size list expected, got " .. tocha.type(sizes)) end
  if #sizes ~= x:dim() then return false end
  for i = 1, #sizes do
    if sizes[i] ~= x:size(i) then return false end
  end
  return true
end

-- ---- range, linspace, logspace: functions and methods --------------------------------
-- As in Torch7, a result that already has the right number of elements
-- keeps its shape and geometry (the values fill it in logical order);
-- otherwise it becomes a 1-D tensor.
local c_range, c_linspace = tocha.range, tocha.linspace

local function into(res, values)
  if res:nElement() ~= values:nElement() then res:resize(values:nElement()) end
  return res:copy(values)
end

local function filler(make)
  return function(first, ...)
    if tocha.isTensor(first) then return into(first, make(first.new(), ...)) end
    return make(nil, first, ...)
  end
end

local function range(res, ...)
  if res then return c_range(res, ...) end
  return c_range(...)
end

local function linspace(res, from, to, n)
  if n ~= nil and math.tointeger(n) == 1 and from ~= to then
    fail("linspace", 3, "1 point cannot join 2 distinct endpoints", 3)
  end
  if res then return c_linspace(res, from, to, n) end
  return c_linspace(from, to, n)
end

local function logspace(res, from, to, n)
  if n ~= nil and math.tointeger(n) == 1 and from ~= to then
    fail("logspace", 3, "1 point cannot join 2 distinct endpoints", 3)
  end
  local exponents = linspace(nil, from, to, n)
  res = res or tocha.Tensor()
  local out = res:resizeAs(exponents)
  out:copy(exponents)
  if tocha.type(out) == "tocha.FloatTensor" or tocha.type(out) == "tocha.DoubleTensor" then
    return out:apply(function(e) return 10 ^ e end)
  end
  return out:copy(exponents:apply(function(e) return math.floor(10 ^ e + 0.5) end))
end

methods.range = filler(range)
methods.linspace = filler(linspace)
methods.logspace = filler(logspace)
tocha.range, tocha.linspace, tocha.logspace = methods.range, methods.linspace, methods.logspace

-- ---- result form of repeatTensor (view, expand, viewAs, expandAs: in C) ----------------------
-- Torch7's res:repeatTensor(x, ...) makes res the result and returns it.
local repeat_plain = methods.repeatTensor
--- res:repeatTensor(x, sizes...) or x:repeatTensor(sizes...): x tiled sizes[d] times along each dimension.
function methods.repeatTensor(res, ...)
  if tocha.isTensor(res) and tocha.isTensor((...)) then
    local x = ...
    return res:set(repeat_plain(x, select(2, ...)))
  end
  return repeat_plain(res, ...)
end

-- torch.Tensor.isTensor(x), torch.FloatTensor.fill(x, 1), torch.FloatTensor.new(...):
-- the class objects answer for the methods (and `new` is the constructor).
methods.isTensor = tocha.isTensor
for _, name in ipairs(utils.TENSOR_TYPES) do
  local cls = tocha[name]
  getmetatable(cls).__index = function(_, key)
    if key == "new" then return cls end
    return methods[key]
  end
end

-- ---- the type metatables answer for the methods ------------------------------------------
-- Torch7 code reads and adds tensor methods through the type's metatable:
-- torch.getmetatable("torch.FloatTensor").real, or
-- torch.getmetatable(x:type()).myMethod = function(self) ... end.  Keys
-- that are not metamethods ("__...") go to the methods every type shares.
for _, name in ipairs(utils.TENSOR_TYPES) do
  local mt = getmetatable(tocha[name]())
  setmetatable(mt, {
    __index = methods,
    __newindex = function(t, key, value)
      if type(key) == "string" and key:sub(1, 2) == "__" then
        rawset(t, key, value)
      else
        methods[key] = value
      end
    end,
  })
end

return methods
