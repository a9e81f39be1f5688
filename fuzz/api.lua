-- The Lua side of fuzz_api: decodes the input into a sequence of calls on
-- tocha's public functions (tensor methods, tocha.*, nn modules' forward
-- and backward, optim's functions) whose arguments are edge values: 0, +-1,
-- the integer limits, 2^31, 2^32, 2^53, 2^62, NaN, +-inf, tensors of every
-- element type, empty, zero-size, expanded (zero stride), overlapping and
-- transposed views.  Every call runs under pcall: errors are expected, a
-- crash, a sanitizer report or a leak is the finding.  Returns the number
-- of calls made (fuzz_api prints the total at exit).
--
-- The input, byte by byte: an op byte picks the kind of call, then the
-- function (two bytes), the number of arguments and each argument (one
-- byte, see value below); results that are tensors go back into the pool.
local tocha = require "tocha"
local nn = require "tocha.nn"
local optim = require "tocha.optim"

local EDGES = { 0, 1, -1, 2, 3, math.maxinteger, math.mininteger, 2 ^ 31, -2 ^ 31, 2 ^ 31 - 1, 2 ^ 32, 2 ^ 53,
  2 ^ 62, -2 ^ 62, 0 / 0, math.huge, -math.huge, 0.5, -0.0, 1e-300, 2 ^ 63, 4, 1 << 62, -(1 << 31) }
local STRINGS = { "V", "F", "U", "L", "N", "S", "A", "tocha.FloatTensor", "tocha.DoubleTensor", "tocha.LongTensor",
  "tocha.ByteTensor", "", "x", "float", "auto" }
local TYPES = { "FloatTensor", "DoubleTensor", "LongTensor", "ByteTensor", "IntTensor", "ShortTensor", "CharTensor" }
-- Names left out: files and global state (threads, the default type is
-- reset per input but classes would pile up), and calls that take a Lua
-- function (the decoder never makes one).
local SKIP = { save = true, setnumthreads = true, class = true, load = true, readIDX = true, savePNG = true,
  loadPNG = true, plot = true, _replace_file = true, setheaptracking = true, compat = true }

local function sorted_functions(t)
  local names = {}
  for k, v in pairs(t) do
    if type(k) == "string" and (type(v) == "function" or getmetatable(v) and getmetatable(v).__call)
      and not SKIP[k] and not k:find("save") and not k:find("write") then
      names[#names + 1] = k
    end
  end
  table.sort(names)
  return names
end

local METHODS = sorted_functions(tocha._methods)
local FUNCTIONS = sorted_functions(tocha)
local MODULES, CRITERIA = {}, {}
for _, name in ipairs(sorted_functions(nn)) do
  local ok, isclass = pcall(function() return nn[name].__typename ~= nil or type(nn[name]) == "table" end)
  if ok and isclass then
    if name:find("Criterion") then CRITERIA[#CRITERIA + 1] = name else MODULES[#MODULES + 1] = name end
  end
end
local names = {}
for _, n in ipairs(METHODS) do names[tocha._methods[n]] = "method " .. n end
for _, n in ipairs(FUNCTIONS) do names[tocha[n]] = names[tocha[n]] or "tocha." .. n end
local OPTIMS = { "sgd", "adam", "adagrad", "adadelta", "adamax", "asgd", "nag", "rmsprop", "rprop", "lbfgs", "cg" }
local OPTIM_KEYS = { "learningRate", "momentum", "weightDecay", "dampening", "nesterov", "learningRateDecay",
  "beta1", "beta2", "epsilon", "alpha", "rho", "eps", "lambda", "t0", "stepsize", "etaplus", "etaminus",
  "stepsizemax", "stepsizemin", "niter", "maxIter", "tolFun", "weightDecays", "learningRates" }

local POOL = 16
local MAX_ELEMENTS = 1 << 16 -- larger tensors (views can be huge) leave the pool
local pool, modules
local data, pos, calls

local function byte()
  pos = pos + 1
  return data:byte(pos)
end

local function small(b) return b % 8 end

local function fresh(i)
  local k = i % 12
  if k == 0 then return tocha.DoubleTensor({ { 1, 2, 3 }, { 4, -5, 6 } }) end
  if k == 1 then return tocha.FloatTensor(10):fill(1.5) end
  if k == 2 then return tocha.DoubleTensor({ 1, 2 }):view(2, 1):expand(2, 5) end
  if k == 3 then return tocha.LongTensor({ { 1, 2 }, { 3, 4 } }) end
  if k == 4 then return tocha.ByteTensor(4):fill(1) end
  if k == 5 then return tocha.DoubleTensor() end
  if k == 6 then return tocha.FloatTensor(0, 3) end
  if k == 7 then return tocha.DoubleTensor():set(tocha.DoubleStorage(12), 1, { 3, 3 }, { 1, 1 }) end -- overlapping
  if k == 8 then return tocha.IntTensor({ 3, -1, 2 }) end
  if k == 9 then return tocha.ShortTensor(2, 2):fill(-7):t() end
  if k == 10 then return tocha.CharTensor({ 1, 2, 3, 4 }) end
  return tocha.FloatTensor(1, 2, 3, 3):fill(0.25)
end

local function keep(v)
  if tocha.isTensor(v) and v:nElement() <= MAX_ELEMENTS then
    pool[(byte() or 0) % POOL + 1] = v
  end
end

local value
local function sizes()
  local t = {}
  for i = 1, (byte() or 0) % 4 do
    local b = byte() or 0
    t[i] = b < 200 and small(b) or EDGES[b % #EDGES + 1]
  end
  return t
end

-- One argument.
function value()
  local b = byte()
  if b == nil then return nil end
  if b < 48 then return EDGES[b % #EDGES + 1] end
  if b < 112 then return pool[b % POOL + 1] end
  if b < 160 then return small(b) end
  if b < 176 then return sizes() end
  if b < 192 then return STRINGS[b % #STRINGS + 1] end
  if b < 200 then
    local t = pool[b % POOL + 1]
    return t.storage and t:storage() or nil
  end
  if b < 208 then return tocha[TYPES[b % #TYPES + 1]] end
  if b < 216 then return modules[b % #modules + 1] end
  if b < 224 then return b % 2 == 0 end
  if b < 232 then return { pool[b % POOL + 1], pool[(b + 5) % POOL + 1] } end
  if b < 240 then return (b - 236) * 0.5 end
  return nil
end

local function args(max)
  local n = (byte() or 0) % (max + 1)
  local a = {}
  for i = 1, n do a[i] = value() end
  return a, n
end

-- TOCHA_FUZZ_TRACE=1: every call on stderr before it runs, to turn a
-- crash into a spec.
local trace = os.getenv("TOCHA_FUZZ_TRACE")
local function show(v)
  if tocha.isTensor(v) then
    local ok, s = pcall(function()
      return string.format("%s(size {%s}, stride {%s}, offset %d)", tocha.type(v),
        table.concat(v:size():totable(), ","), table.concat(v:stride():totable(), ","), v:storageOffset())
    end)
    return ok and s or tocha.type(v)
  end
  if type(v) == "table" then
    local parts = {}
    for i = 1, #v do parts[i] = show(v[i]) end
    return (getmetatable(v) and (tocha.type(v) or "object") or "") .. "{" .. table.concat(parts, ", ") .. "}"
  end
  if math.type(v) == "float" then return string.format("%.17g", v) end
  return type(v) == "string" and string.format("%q", v) or tostring(v)
end

local function call(f, ...)
  calls = calls + 1
  if trace then
    local parts = {}
    for i = 1, select("#", ...) do parts[i] = show((select(i, ...))) end
    io.stderr:write("call ", tostring(names[f] or f), "(", table.concat(parts, ", "), ")\n")
  end
  local ok, r = pcall(f, ...)
  if ok then keep(r) end
  return ok, r
end

local function pick(list)
  local hi, lo = byte() or 0, byte() or 0
  return list[(hi * 256 + lo) % #list + 1]
end

local function sanitize_pool()
  for i = 1, POOL do
    local t = pool[i]
    if not tocha.isTensor(t) or t:nElement() > MAX_ELEMENTS then pool[i] = fresh(i) end
  end
end

local OPS = {
  function() -- a tensor method
    local name = pick(METHODS)
    local self = value()
    local f = tocha.isTensor(self) and self[name] or tocha._methods[name]
    local a, n = args(4)
    call(f, self, table.unpack(a, 1, n))
  end,
  function() -- a tocha.* function
    local f = tocha[pick(FUNCTIONS)]
    local a, n = args(5)
    call(f, table.unpack(a, 1, n))
  end,
  function() -- an nn module: make it, forward, backward
    local cls = nn[pick(MODULES)]
    local a, n = args(4)
    local ok, m = call(cls, table.unpack(a, 1, n))
    if not ok or type(m) ~= "table" then return end
    modules[(byte() or 0) % #modules + 1] = m
    if (byte() or 0) % 2 == 1 then call(m.evaluate, m) end
    local input = value()
    local fok, out = call(m.forward, m, input)
    if fok then call(m.backward, m, input, value() or out) end
  end,
  function() -- a criterion: forward, backward
    local cls = nn[pick(CRITERIA)]
    local a, n = args(3)
    local ok, c = call(cls, table.unpack(a, 1, n))
    if not ok or type(c) ~= "table" then return end
    local input, target = value(), value()
    call(c.forward, c, input, target)
    call(c.backward, c, input, target)
  end,
  function() -- an optim step on a pool tensor
    local name = OPTIMS[(byte() or 0) % #OPTIMS + 1]
    local x, loss, grad = value(), value(), value()
    local config = {}
    for _ = 1, (byte() or 0) % 4 do
      local k = OPTIM_KEYS[(byte() or 0) % #OPTIM_KEYS + 1]
      config[k] = value()
    end
    if config.maxIter ~= nil then config.maxIter = 2 end -- a size cap: lbfgs and cg loop that long
    if config.niter ~= nil then config.niter = 2 end
    call(optim[name], function() return loss, grad end, x, config, {})
  end,
  function() -- a training step of a small net
    local m = modules[(byte() or 0) % #modules + 1]
    local ok, p, g = call(m.getParameters, m)
    if ok then
      call(optim.sgd, function()
        call(m.zeroGradParameters, m)
        local out = m:forward(pool[1])
        m:backward(pool[1], out)
        return 0.5, g
      end, p, { learningRate = value() })
    end
  end,
}

return function(input)
  data, pos, calls = input, 0, 0
  tocha.setdefaulttensortype("tocha.FloatTensor")
  tocha.manualSeed(1)
  pool = {}
  for i = 1, POOL do pool[i] = fresh(i) end
  modules = { nn.Linear(3, 2), nn.Sequential():add(nn.Linear(3, 4)):add(nn.ReLU()):add(nn.Linear(4, 2)),
    nn.Dropout(0.5), nn.SpatialConvolution(1, 2, 2, 2) }
  while pos < #data do
    local op = OPS[(byte() or 0) % #OPS + 1]
    op()
    sanitize_pool()
  end
  return calls
end
