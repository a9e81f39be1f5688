--- Argument and configuration checks shared by the optimisers.  Errors read
-- "bad argument #k to 'sgd' (config.momentum must be in [0, 1), got 1.5)"
-- and point at the code that called the optimiser.
local tocha = require "tocha"
local utils = require "tocha.utils"

local check = {}

-- Levels: 1 = here, 2 = the check function, 3 = the optimiser, 4 = its caller.
local LEVEL = 4

local function fail(fname, arg, msg)
  error(string.format("bad argument #%d to '%s' (%s)", arg, fname, msg), LEVEL)
end

local function callable(f)
  if type(f) == "function" then return true end
  local mt = getmetatable(f)
  return type(mt) == "table" and mt.__call ~= nil
end

local float_types = { ["tocha.FloatTensor"] = true, ["tocha.DoubleTensor"] = true }

--- opfunc (#1), x (#2), config (#3) and state (#4); returns config, state
-- (state defaults to config, as in Torch7).
function check.arguments(fname, opfunc, x, config, state)
  if not callable(opfunc) then fail(fname, 1, "function opfunc(x) -> f, df/dx expected, got " .. type(opfunc)) end
  if not tocha.isTensor(x) or not float_types[tocha.type(x)] then
    fail(fname, 2, "parameters x must be a FloatTensor or DoubleTensor, got " ..
      (tocha.isTensor(x) and x:type() or type(x)))
  end
  if x:dim() == 0 then fail(fname, 2, "parameters x are empty") end
  if config ~= nil and type(config) ~= "table" then fail(fname, 3, "config table expected, got " .. type(config)) end
  if state ~= nil and type(state) ~= "table" then fail(fname, 4, "state table expected, got " .. type(state)) end
  config = config or {}
  return config, state or config
end

local function describe_range(lo, hi, lo_open, hi_open)
  if hi == nil then return (lo_open and "> " or ">= ") .. tostring(lo) end
  return string.format("in %s%s, %s%s", lo_open and "(" or "[", tostring(lo), tostring(hi), hi_open and ")" or "]")
end

--- config[key] as a number in the given range (default when absent).
-- lo_open / hi_open exclude the bound.
function check.number(fname, config, key, default, lo, hi, lo_open, hi_open)
  local v = config[key]
  if v == nil then return default end
  local ok = type(v) == "number" and v == v
  if ok and lo ~= nil then ok = lo_open and v > lo or (not lo_open and v >= lo) end
  if ok and hi ~= nil then ok = hi_open and v < hi or (not hi_open and v <= hi) end
  if ok and (v == math.huge or v == -math.huge) then ok = false end
  if not ok then
    fail(fname, 3, string.format("config.%s must be a number %s, got %s", key,
      describe_range(lo, hi, lo_open, hi_open), v ~= v and "nan" or tostring(v)))
  end
  return v
end

--- config[key] as a boolean (default when absent).
function check.boolean(fname, config, key, default)
  local v = config[key]
  if v == nil then return default end
  if type(v) ~= "boolean" then fail(fname, 3, string.format("config.%s must be a boolean, got %s", key, type(v))) end
  return v
end

--- config[key] as a tensor with x's element count (nil when absent).
function check.tensor_like(fname, config, key, x)
  local v = config[key]
  if v == nil then return nil end
  if not tocha.isTensor(v) then
    fail(fname, 3, string.format("config.%s must be a tensor, got %s", key, type(v)))
  end
  if v:nElement() ~= x:nElement() then
    fail(fname, 3, string.format("config.%s must have one entry per parameter (%d), got %d", key, x:nElement(),
      v:nElement()))
  end
  return v
end

--- state[key] as a counter (an integer >= 0, 0 when absent).
function check.counter(fname, state, key)
  local v = state[key]
  if v == nil then return 0 end
  local n = utils.integer(v)
  if n == nil or n < 0 then
    fail(fname, 4, string.format("state.%s must be an integer >= 0, got %s", key, tostring(v)))
  end
  return n
end

-- ---- config keys ------------------------------------------------------------

-- Names other libraries use, suggested when the optimiser takes the key.
local ALIASES = { lr = "learningRate", learning_rate = "learningRate", wd = "weightDecay",
  weight_decay = "weightDecay", eps = "epsilon", mom = "momentum" }

--- The keys optimiser `fname` reads from config, and the fields it keeps in
-- state (accepted in config too: state defaults to config).  Returns the
-- spec check.config takes; make it once, when the optimiser is defined.
function check.keys(fname, config_keys, state_fields)
  local spec = { fname = fname, accepted = { extraKeys = true }, lower = {} }
  local names = {}
  for _, k in ipairs(config_keys) do
    spec.accepted[k] = true
    spec.lower[k:lower()] = k
    names[#names + 1] = k
  end
  for _, k in ipairs(state_fields or {}) do spec.accepted[k] = true end
  table.sort(names)
  spec.names = table.concat(names, ", ")
  return spec
end

local warned = {}

local function suggestion(spec, k)
  if type(k) ~= "string" then return nil end
  local alias = ALIASES[k]
  if alias and spec.accepted[alias] then return alias end
  return spec.lower[(k:lower():gsub("_", ""))]
end

local function unknown_message(spec, k, where)
  local hint = suggestion(spec, k)
  return string.format("unknown %s key %s%s; accepted: %s (extraKeys = true, or a list of names, accepts others)",
    where, type(k) == "string" and "'" .. k .. "'" or "[" .. tostring(k) .. "]",
    hint and "; did you mean '" .. hint .. "'?" or "", spec.names)
end

local function listed(list, k)
  for i = 1, #list do
    if list[i] == k then return true end
  end
  return false
end

--- Rejects a config key the optimiser does not take (a misspelt
-- learningRate would otherwise train silently at the default): an error
-- naming the key and the accepted ones.  config.extraKeys = true accepts
-- any key, and a list of names accepts those (for configs shared with
-- user-defined optimisers).  Under tocha.compat, where Torch7 code passes
-- harmless extra keys, an unknown key is a warning, printed once.
-- `arg` is the config's argument position (3 unless given); `where` names
-- the table in messages ("config" unless given).
function check.config(spec, config, arg, where)
  local extra = config.extraKeys
  if extra == true then return end
  where = where or "config"
  if extra ~= nil and type(extra) ~= "table" then
    fail(spec.fname, arg or 3, string.format("%s.extraKeys must be true or a list of key names, got %s", where,
      type(extra)))
  end
  for k in next, config do
    if not spec.accepted[k] and not (extra and listed(extra, k)) then
      if package.loaded["tocha.compat"] then
        local id = spec.fname .. "\0" .. tostring(k)
        if not warned[id] then
          warned[id] = true
          io.stderr:write(string.format("optim.%s: warning: %s (ignored)\n", spec.fname,
            unknown_message(spec, k, where)))
        end
      else
        fail(spec.fname, arg or 3, unknown_message(spec, k, where))
      end
    end
  end
end

--- What opfunc(x) returned: f(x) (a number) and df/dx (a tensor like x).
function check.evaluation(fname, x, fx, dfdx)
  if type(fx) ~= "number" then
    error(string.format("%s: opfunc must return f(x) (a number) and df/dx, got %s for f(x)", fname, type(fx)),
      LEVEL - 1)
  end
  if not tocha.isTensor(dfdx) then
    error(string.format("%s: opfunc must return f(x) and df/dx (a tensor), got %s for df/dx", fname, type(dfdx)),
      LEVEL - 1)
  end
  if dfdx:type() ~= x:type() or not dfdx:isSameSizeAs(x) then
    local function shape(t) return table.concat(t:size():totable(), "x") end
    error(string.format("%s: df/dx (%s of size %s) must have the type and size of x (%s of size %s)", fname,
      dfdx:type(), shape(dfdx), x:type(), shape(x)), LEVEL - 1)
  end
end

--- A state buffer `key` shaped like t, created once and then reused;
-- the second result is true when it was just made (or reshaped), its
-- contents then being undefined.
function check.buffer(state, key, t)
  local buf = state[key]
  local fresh = false
  if not tocha.isTensor(buf) or buf:type() ~= t:type() then
    buf = utils.new_like(t)
    state[key] = buf
    fresh = true
  end
  if not buf:isSameSizeAs(t) then
    buf:resizeAs(t)
    fresh = true
  end
  return buf, fresh
end

-- state -> the table {f(x)} an optimiser returns; weak keys: dropped with
-- the state.
local results = setmetatable({}, { __mode = "k" })

--- The table {fx} returned for `state`: the same table from call to call
-- (its [1] is updated), so that a warm step allocates nothing.
function check.result(state, fx)
  local fs = results[state]
  if not fs then
    fs = {}
    results[state] = fs
  end
  fs[1] = fx
  return fs
end

return check
