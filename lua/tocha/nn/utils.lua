--- nn.utils: Torch7's helpers on tensors and nested tables of tensors
-- (recursiveResizeAs, recursiveFill, recursiveAdd, recursiveCopy,
-- recursiveType, addSingletonDimension, clear), plus the argument checks
-- that tocha's containers of modules and criterions share.
local tocha = require "tocha"
local nn = require "tocha.nn"
local utils = require "tocha.utils"

local nnutils = {}
nn.utils = nnutils

local function is_table(t)
  return type(t) == "table" and not tocha.isTensor(t)
end

--- t1 shaped like t2 (tensors or nested tables), reusing t1's tensors; returns it.
function nnutils.recursiveResizeAs(t1, t2)
  if is_table(t2) then
    t1 = is_table(t1) and t1 or {}
    for k, v in pairs(t2) do t1[k] = nnutils.recursiveResizeAs(t1[k], v) end
    for k in pairs(t1) do
      if t2[k] == nil then t1[k] = nil end
    end
    return t1
  elseif tocha.isTensor(t2) then
    if not tocha.isTensor(t1) or tocha.type(t1) ~= tocha.type(t2) then t1 = t2.new() end
    return t1:resizeAs(t2)
  end
  error(string.format("nn.utils.recursiveResizeAs: expecting nested tensors or tables, got %s and %s",
    tocha.type(t1), tocha.type(t2)), 2)
end

--- Fills every tensor of t2 with val; returns t2.
function nnutils.recursiveFill(t2, val)
  if is_table(t2) then
    for k, v in pairs(t2) do t2[k] = nnutils.recursiveFill(v, val) end
  elseif tocha.isTensor(t2) then
    t2:fill(val)
  else
    error(string.format("nn.utils.recursiveFill: expecting tensor or table thereof, got %s", tocha.type(t2)), 2)
  end
  return t2
end

--- t1 = t1 + val * t2 (tensors or nested tables; val default 1); returns t1.
function nnutils.recursiveAdd(t1, val, t2)
  if not t2 then
    assert(val, "expecting at least two arguments")
    t2 = val
    val = 1
  end
  if is_table(t2) then
    t1 = is_table(t1) and t1 or {}
    for k, v in pairs(t2) do t1[k] = nnutils.recursiveAdd(t1[k], val, v) end
  elseif tocha.isTensor(t1) and tocha.isTensor(t2) then
    t1:add(val, t2)
  else
    error(string.format("nn.utils.recursiveAdd: expecting nested tensors or tables, got %s and %s",
      tocha.type(t1), tocha.type(t2)), 2)
  end
  return t1
end

--- t1 = a copy of t2 (tensors or nested tables, reusing t1's); returns t1.
function nnutils.recursiveCopy(t1, t2)
  if is_table(t2) then
    t1 = is_table(t1) and t1 or {}
    for k, v in pairs(t2) do t1[k] = nnutils.recursiveCopy(t1[k], v) end
  elseif tocha.isTensor(t2) then
    t1 = tocha.isTensor(t1) and t1 or t2.new()
    t1:resizeAs(t2):copy(t2)
  else
    error(string.format("nn.utils.recursiveCopy: expecting nested tensors or tables, got %s and %s",
      tocha.type(t1), tocha.type(t2)), 2)
  end
  return t1
end

--- Converts a module, a tensor or a (nested) table of them to typename
-- ("torch.FloatTensor", ...); tensors sharing a storage keep sharing it
-- (one cache for the whole call).
function nnutils.recursiveType(param, typename, cache)
  cache = cache or {}
  if tocha.class.istype(param, "nn.Module") or tocha.class.istype(param, "nn.Criterion") then
    param:type(typename, cache)
  elseif is_table(param) then
    for _, v in pairs(param) do nnutils.recursiveType(v, typename, cache) end
    local holder = {}
    for k, v in pairs(param) do
      if tocha.isTensor(v) then holder[k] = v end
    end
    if next(holder) then
      nn.Module.type(holder, typename, cache)
      for k, v in pairs(holder) do param[k] = v end
    end
  elseif tocha.isTensor(param) then
    local holder = { param }
    nn.Module.type(holder, typename, cache)
    param = holder[1]
  end
  return param
end

--- A view of t with a dimension of size 1 inserted at dim (default 1);
-- with a first tensor argument the view is set into it.
function nnutils.addSingletonDimension(...)
  local view, t, dim
  local first, second = ...
  if tocha.isTensor(first) and tocha.isTensor(second) then
    view, t, dim = first, second, select(3, ...)
  else
    view, t, dim = nil, first, second
  end
  if not tocha.isTensor(t) then
    error(string.format("nn.utils.addSingletonDimension: tensor expected, got %s", tocha.type(t)), 2)
  end
  dim = utils.checkinteger(dim or 1, "nn.utils.addSingletonDimension", "dim", 1)
  if dim > t:dim() + 1 then
    error(string.format("nn.utils.addSingletonDimension: dim %d out of range 1..%d", dim, t:dim() + 1), 2)
  end
  view = view or t.new()
  local size, stride = {}, {}
  for i = 1, t:dim() do
    size[#size + 1], stride[#stride + 1] = t:size(i), t:stride(i)
  end
  table.insert(size, dim, 1)
  table.insert(stride, dim, 1)
  view:set(t:storage(), t:storageOffset(), tocha.LongStorage(size), tocha.LongStorage(stride))
  return view
end

--- Empties the named fields of obj (tensors lose their storage, tables
-- are emptied); returns obj.
function nnutils.clear(obj, ...)
  local names = select("#", ...) == 1 and type((...)) == "table" and (...) or { ... }
  return utils.clear(obj, table.unpack(names))
end

-- ---- checks shared by tocha's containers --------------------------------------

--- Errors unless c is an nn.Criterion.
function nnutils.check_criterion(where, c)
  if not tocha.class.istype(c, "nn.Criterion") then
    error(string.format("%s: criterion expected, got %s", where, tocha.type(c)), 3)
  end
end

return nnutils
