--- tocha.compat: run a Torch7 script unchanged apart from one line,
--
--   require "tocha.compat"
--
-- which defines the globals torch, nn, optim, paths, xlua and sys (and
-- makes require "torch", "nn", "optim", "paths", "xlua" and "sys" return
-- them), the way Torch7 did.  Interactive use:
--
--   lua5.4 -i -l tocha.compat
--
-- Type names: x:type(), torch.type(x), torch.typename(x), module:type(),
-- torch.getdefaulttensortype() and printed tensors speak Torch7's names
-- ("torch.FloatTensor"), so Torch7's x:type() == 'torch.FloatTensor' works;
-- tocha.type(x) keeps tocha's ("tocha.FloatTensor"), and tocha's own code
-- uses it where it needs a name.  Every call that takes a type name accepts
-- both spellings: x:type("torch.DoubleTensor"), torch.setdefaulttensortype("torch.FloatTensor"),
-- module:type("torch.FloatTensor"), torch.isTypeOf(x, "torch.FloatTensor").
-- Without tocha.compat, x:type() gives tocha's names.
--
-- As in Torch7, the default tensor type becomes torch.DoubleTensor (tocha's
-- own default is float): Torch7 scripts mix torch.Tensor and
-- torch.DoubleTensor freely, which only works when they are one type.
local tocha = require "tocha"
local class = require "tocha.class"
local nn = require "tocha.nn"
local progress = require "tocha.progress"

local torch = {}

-- ---- type names --------------------------------------------------------------------
local TENSOR_TYPES = require("tocha.utils").TENSOR_TYPES

--- "torch.FloatTensor" -> "tocha.FloatTensor"; other names unchanged.
local function tocha_name(name)
  local short = type(name) == "string" and name:match("^torch%.(.+)$")
  return short and ("tocha." .. short) or name
end

--- "tocha.FloatTensor" -> "torch.FloatTensor"; other names unchanged.
local function torch_name(name)
  local short = type(name) == "string" and name:match("^tocha%.(.+)$")
  return short and ("torch." .. short) or name
end

--- The Torch7 type name of a torch object, or nil for plain Lua values.
function torch.typename(x)
  local name = tocha.type(x)
  if name == type(x) then
    -- storages and generators carry their name in __name only
    local mt = type(x) == "userdata" and getmetatable(x)
    name = type(mt) == "table" and rawget(mt, "__name")
    if type(name) ~= "string" or not name:match("^tocha%.") then return nil end
  end
  return torch_name(name)
end

--- The Torch7 type name of x, or Lua's type for plain values.
function torch.type(x)
  return torch.typename(x) or type(x)
end

local function spec_name(spec)
  if type(spec) == "string" then return spec end
  if type(spec) == "table" then
    for _, short in ipairs(TENSOR_TYPES) do
      if spec == tocha[short] then return "torch." .. short end
    end
    local name = rawget(spec, "__typename")
    if type(name) == "string" then return torch_name(name) end
  end
  return nil
end

--- torch.isTypeOf(obj, spec): is obj of class `spec` (a name, a Lua
-- pattern, or a class) or of a subclass?  Names match in full.
function torch.isTypeOf(obj, spec)
  local name = spec_name(spec)
  if not name then
    error(string.format("bad argument #2 to 'isTypeOf' (type name or class expected, got %s)", type(spec)), 2)
  end
  local magic = name:find("[%^%$%(%)%%%[%]%*%+%-%?]") ~= nil
  local function matches(n)
    n = torch_name(n)
    if n == name then return true end
    return magic and n:find(name) ~= nil
  end
  if type(obj) == "userdata" then
    local n = torch.typename(obj)
    return n ~= nil and matches(n)
  end
  local mt = getmetatable(obj)
  while type(mt) == "table" do
    local n = rawget(mt, "__typename")
    if type(n) == "string" and matches(n) then return true end
    local up = getmetatable(mt)
    mt = type(up) == "table" and rawget(up, "__index") or nil
  end
  return false
end

--- true when x is a tensor of any type (Torch7's torch.isTensor).
function torch.isTensor(x)
  return tocha.isTensor(x)
end

--- true when x is a storage of any type (Torch7's torch.isStorage).
function torch.isStorage(x)
  return torch.type(x):match("^torch%.%a+Storage$") ~= nil
end

-- ---- default tensor type -------------------------------------------------------------
--- torch.setdefaulttensortype("torch.FloatTensor" | "torch.DoubleTensor").
function torch.setdefaulttensortype(name)
  local mapped = tocha_name(name)
  if mapped ~= "tocha.FloatTensor" and mapped ~= "tocha.DoubleTensor" then
    error(string.format("bad argument #1 to 'setdefaulttensortype' (expected 'torch.FloatTensor' or "
      .. "'torch.DoubleTensor', got %s)", type(name) == "string" and ("'" .. name .. "'") or type(name)), 2)
  end
  tocha.setdefaulttensortype(mapped)
end

--- The default tensor type with Torch7's name, e.g. "torch.DoubleTensor".
function torch.getdefaulttensortype()
  return torch_name(tocha.getdefaulttensortype())
end

-- ---- classes ------------------------------------------------------------------------
-- The table a class "a.b.C" is published in: module, or _G.a.b (which
-- must exist, as in Torch7), or _G for a name without dots.
local function class_home(name, module)
  if module ~= nil then return module end
  local prefix = name:match("^(.*)%.[^.]+$")
  if not prefix then return _G end
  local t = _G
  for part in prefix:gmatch("[^.]+") do
    t = type(t) == "table" and rawget(t, part) or nil
    if type(t) ~= "table" then
      error(string.format("bad argument #1 to 'class' (no table '%s' to hold class '%s')", prefix, name), 3)
    end
  end
  return t
end

--- torch.class(name [, parentName] [, module]) -> class, parent.  Torch7's
-- rules: "nn.MyModule" lands in nn, "Foo" in a global, and "a.b.C" in
-- _G.a.b (or in `module` when given).  Unlike Torch7, running the same
-- definition again (a script reloaded in a REPL) returns the class instead
-- of failing; only a different parent is an error.
function torch.class(name, parent_name, module)
  if type(parent_name) == "table" and module == nil then parent_name, module = nil, parent_name end
  if type(name) ~= "string" or not name:match("^[%w_][%w_.%-]*$") or name:match("%.$") then
    error(string.format("bad argument #1 to 'class' (class name expected, got %s)",
      type(name) == "string" and ("'" .. name .. "'") or type(name)), 2)
  end
  if parent_name ~= nil and type(parent_name) ~= "string" then
    error(string.format("bad argument #2 to 'class' (parent class name expected, got %s)", type(parent_name)), 2)
  end
  if module ~= nil and type(module) ~= "table" then
    error(string.format("bad argument #3 to 'class' (module table expected, got %s)", type(module)), 2)
  end
  local parent = parent_name and class.get(parent_name)
  if parent_name and not parent then
    error(string.format("bad argument #2 to 'class' (unknown parent class '%s')", parent_name), 2)
  end
  local home = class_home(name, module)
  local cls = class.get(name)
  if cls then
    local old_parent = getmetatable(cls).__index
    if parent_name and old_parent ~= parent then
      error(string.format("bad argument #2 to 'class' (class '%s' already exists with parent '%s')", name,
        old_parent and old_parent.__typename or "none"), 2)
    end
    parent = old_parent
  else
    cls = class.new(name, parent_name)
  end
  home[name:match("([^.]+)$")] = cls
  return cls, parent
end

--- The class named `name` (also "torch.FloatTensor" etc.), or nil.
function torch.getmetatable(name)
  for _, short in ipairs(TENSOR_TYPES) do
    if name == "torch." .. short or name == "tocha." .. short then return getmetatable(tocha[short]()) end
  end
  return class.get(name)
end

--- Gives table t the class `name`.
function torch.setmetatable(t, name)
  local cls = class.get(name)
  if not cls then error(string.format("bad argument #2 to 'setmetatable' (unknown class '%s')", tostring(name)), 2) end
  return setmetatable(t, cls)
end

--- A new, not initialised, instance of class `name` (for deserialisers).
function torch.factory(name)
  local cls = class.get(name)
  if not cls then return nil end
  return function() return setmetatable({}, cls) end
end

-- ---- misc ---------------------------------------------------------------------------
--- A number identifying the object (its address), as in Torch7.
function torch.pointer(x)
  local t = type(x)
  if t ~= "table" and t ~= "userdata" and t ~= "function" and t ~= "thread" and t ~= "string" then
    error(string.format("bad argument #1 to 'pointer' (object, table, function, thread or string expected, got %s)",
      t), 2)
  end
  -- t:storage() makes a new Lua object each call: a storage's pointer is its
  -- memory's (the same for s1 == s2), as in Torch7.
  if t == "userdata" and torch.isStorage(x) and x.pointer then x = x:pointer() end
  return math.tointeger(tonumber(string.format("%p", x))) or 0
end

--- x:totable() for a tensor or storage (nested Lua tables of numbers).
function torch.totable(x)
  if type(x) ~= "table" and type(x) ~= "userdata" or not x.totable then
    error(string.format("bad argument #1 to 'totable' (tensor or storage expected, got %s)", torch.type(x)), 2)
  end
  return x:totable()
end

--- torch.repeatTensor([res,] x, n1, n2, ...): x tiled (a method in tocha).
function torch.repeatTensor(res, x, ...)
  if tocha.isTensor(res) and tocha.isTensor(x) then
    local tiled = x:repeatTensor(...)
    return res:resizeAs(tiled):copy(tiled)
  end
  if not tocha.isTensor(res) then
    error(string.format("bad argument #1 to 'repeatTensor' (tensor expected, got %s)", torch.type(res)), 2)
  end
  return res:repeatTensor(x, ...)
end

--- Torch7's random state is a tensor (scripts clone it and compare it with
-- :ne()); tocha's is {seed, offset}.  Under compat the state is a
-- LongTensor of the four 32-bit halves of seed and offset (exact in any
-- number type); torch.setRNGState takes it or tocha's table.
local function state_tensor(s)
  local t = tocha.LongTensor(4)
  t[1], t[2] = s[1] & 0xffffffff, (s[1] >> 32) & 0xffffffff
  t[3], t[4] = s[2] & 0xffffffff, (s[2] >> 32) & 0xffffffff
  return t
end

--- The state of the random generator `gen` (default: the global one), a tensor for setRNGState.
function torch.getRNGState(gen)
  if gen ~= nil then return state_tensor(tocha.getRNGState(gen)) end
  return state_tensor(tocha.getRNGState())
end

--- Restores a state from getRNGState into `gen` (default: the global generator).
function torch.setRNGState(gen, state)
  if state == nil then gen, state = nil, gen end
  if tocha.isTensor(state) then
    if state:nElement() ~= 4 then
      error("bad argument to 'setRNGState' (expected a state from torch.getRNGState)", 2)
    end
    local h = state:totable()
    local function int(x)
      local i = math.tointeger(x)
      if not i or i < 0 or i > 0xffffffff then error("bad argument to 'setRNGState' (corrupt state)", 3) end
      return i
    end
    state = { int(h[1]) | (int(h[2]) << 32), int(h[3]) | (int(h[4]) << 32) }
  end
  if gen ~= nil then return tocha.setRNGState(gen, state) end
  return tocha.setRNGState(state)
end

--- Memory accounting hooks of Torch7: nothing to do in tocha (Lua's
-- collector sees tocha's memory already); the flag is kept as Torch7 keeps it.
function torch.setheaptracking(on)
  torch._heaptracking = on and true or false
end

-- torch.save / torch.load and friends: tocha's serialisation, looked up
-- when called.
local function forward(name)
  return function(...)
    local f = tocha[name]
    if type(f) ~= "function" then
      error(string.format("torch.%s: tocha.%s is not available in this build", name, name), 2)
    end
    return f(...)
  end
end

torch.save = forward("save")
torch.load = forward("load")
torch.serialize = forward("serialize")
torch.deserialize = forward("deserialize")
-- Torch7's format (tocha/t7.lua) and its file classes; torch.load also reads tocha's files.
require("tocha.compat.File").install(torch)
-- torch.Tester and torch.TestSuite.
require("tocha.compat.Tester").install(torch)

-- ---- torch.Timer --------------------------------------------------------------------
-- Wall time ("real") from tocha.clock() (clock_gettime(CLOCK_MONOTONIC)), and
-- the process's processor time ("user", "sys") from tocha.cputime()
-- (getrusage: every thread of the process), as in Torch7.
local Timer = class.get("torch.Timer") or class.new("torch.Timer")

local function now()
  local user, sys = tocha.cputime()
  return tocha.clock(), user, sys
end

function Timer:__init()
  self:reset()
end

--- Starts counting from zero again (a stopped timer stays stopped).
function Timer:reset()
  self.real_total, self.user_total, self.sys_total = 0, 0, 0
  self.real_start, self.user_start, self.sys_start = now()
  if self.running == nil then self.running = true end
  return self
end

--- Stops the timer; time() stays where it is until resume().
function Timer:stop()
  if self.running then
    local real, user, sys = now()
    self.real_total = self.real_total + real - self.real_start
    self.user_total = self.user_total + user - self.user_start
    self.sys_total = self.sys_total + sys - self.sys_start
    self.running = false
  end
  return self
end

--- Restarts a stopped timer, keeping the time counted so far.
function Timer:resume()
  if not self.running then
    self.real_start, self.user_start, self.sys_start = now()
    self.running = true
  end
  return self
end

--- {real = s, user = s, sys = s}: time counted while running.
function Timer:time()
  local real, user, sys = self.real_total, self.user_total, self.sys_total
  if self.running then
    local r, u, s = now()
    real, user, sys = real + r - self.real_start, user + u - self.user_start, sys + s - self.sys_start
  end
  return { real = real, user = user, sys = sys }
end

function Timer:__tostring__()
  return string.format("torch.Timer(%.2fs)", self:time().real)
end

torch.Timer = Timer
torch.CmdLine = require "tocha.compat.CmdLine"

-- ---- the torch table ----------------------------------------------------------------
-- Everything else comes from tocha when asked for (so torch.Tensor follows
-- the default type): torch.FloatTensor, torch.zeros, torch.mm, torch.manualSeed, ...
setmetatable(torch, {
  __index = function(_, key)
    if key == "Storage" then
      return tocha[(tocha.getdefaulttensortype():match("^tocha%.(%a+)Tensor$") or "Float") .. "Storage"]
    end
    return tocha[key]
  end,
})

class.namespace("torch", torch)

-- ---- nn: module:type() with Torch7 names ---------------------------------------------
-- module:type("torch.FloatTensor") converts; module:type() answers the
-- tensor type of the module ("torch.FloatTensor"), as in Torch7.
local function first_tensor(obj, seen)
  if tocha.isTensor(obj) then return obj end
  if type(obj) ~= "table" or seen[obj] then return nil end
  seen[obj] = true
  for _, key in ipairs({ "weight", "output", "gradInput" }) do
    local t = rawget(obj, key)
    if tocha.isTensor(t) then return t end
  end
  for _, v in pairs(obj) do
    local t = first_tensor(v, seen)
    if t then return t end
  end
  return nil
end

local function accept_torch_names(cls)
  local original = rawget(cls, "__tocha_type") or cls.type
  rawset(cls, "__tocha_type", original)
  cls.type = function(self, typename, ...)
    if typename == nil then
      local t = first_tensor(self, {})
      return torch_name(t and t:type() or tocha.getdefaulttensortype())
    end
    return original(self, tocha_name(typename), ...)
  end
end

accept_torch_names(nn.Module)
accept_torch_names(nn.Criterion)

-- ---- optim, xlua, sys ---------------------------------------------------------------
-- tocha.optim when it loads; otherwise a stand-in that loads it when first
-- used (and then raises the reason it does not load).
local loaded, optim = pcall(require, "tocha.optim")
if not loaded then
  local function real() return require "tocha.optim" end
  optim = setmetatable({}, {
    __index = function(_, key) return real()[key] end,
    __newindex = function(_, key, value) real()[key] = value end,
    __pairs = function() return next, real(), nil end,
  })
end

local xlua = {
  --- xlua.progress(i, n): see tocha.progress.
  progress = function(i, n) return progress(i, n) end,
  formatTime = function(seconds) return progress.format_time(seconds) end,
}

local sys = { clock = progress.clock }
local tic = progress.clock()
--- sys.tic() starts a stopwatch, sys.toc() reads it (seconds).
function sys.tic() tic = progress.clock() end
--- Seconds since the last sys.tic() (Torch7's sys.toc).
function sys.toc() return progress.clock() - tic end

local paths = require "tocha.compat.paths"

-- ---- install -------------------------------------------------------------------------
torch.setdefaulttensortype("torch.DoubleTensor")

local packages = { torch = torch, nn = nn, optim = optim }
local helpers = { paths = paths, xlua = xlua, sys = sys }
for name, value in pairs(packages) do
  package.loaded[name] = value
  rawset(_G, name, value)
end
-- A real package of the same name that is already loaded wins.
for name, value in pairs(helpers) do
  if package.loaded[name] == nil then package.loaded[name] = value end
  if rawget(_G, name) == nil then rawset(_G, name, package.loaded[name]) end
end

return torch
