-- Fails (exit 1) when a public function has no LDoc doc comment (a comment
-- block starting with "---" right above its definition), listing each one.
--   Lua: every top-level `function a.b(`, `function A:b(` and `a.b = function(`
--        in lua/tocha/**/*.lua whose name does not start with "_"; an nn class
--        overriding a method of the nn.Module / nn.Criterion protocol (documented
--        there, in Module.lua, Criterion.lua and Container.lua) needs none.
--   C:   every function the binding exports into tocha and the tensor methods
--        (found by loading tocha), documented by a stub `function tocha.name(...) end`
--        or `function Tensor:name(...) end` in lua/tocha/doc/*.lua.
-- Run from the repository root with the built module on LUA_CPATH:
--   LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="build/lua/?.so;;" lua5.4 .ci/doccheck.lua
local root = arg[1] or "."

local function lines_of(path)
  local f = assert(io.open(path))
  local lines = {}
  for line in f:lines() do lines[#lines + 1] = line end
  f:close()
  return lines
end

local function lua_files(dir)
  local files = {}
  local p = assert(io.popen('find "' .. dir .. '" -name "*.lua" | sort'))
  for f in p:lines() do files[#files + 1] = f end
  p:close()
  return files
end

-- the public function defined on this line, or nil
local function definition(line)
  local name = line:match("^function%s+([%a_][%w_]*[%.:][%w_%.:]*)%s*%(")
      or line:match("^([%a_][%w_]*[%.:][%w_%.]+)%s*=%s*function%s*%(")
  if not name then return nil end
  local last = name:match("([%w_]+)$")
  if last:match("^_") then return nil end
  return name
end

-- true when the comment block right above line i starts with "---"
local function documented(lines, i)
  local j = i - 1
  if j < 1 or not lines[j]:match("^%s*%-%-") then return false end
  while j > 1 and lines[j - 1]:match("^%s*%-%-") do j = j - 1 end
  -- the block's first line, or the first after a "-- ---- section ----" rule
  for k = j, i - 1 do
    if lines[k]:match("^%s*%-%-%-") and not lines[k]:match("^%s*%-%-%-%-") then return true end
  end
  return false
end

-- internal helper tables that are not API (their functions need no LDoc comment)
local INTERNAL = {
  ["t7.lua"] = { Stream = true },                  -- the byte stream under t7's reader and writer
  ["nn/spatial_gather.lua"] = { gather = true },   -- the shared kernel call of the spatial modules
}

-- known gaps (.ci/doccheck-todo.txt: one name a line, "#" comments): reported, not failed
local todo = {}
do
  local f = io.open(root .. "/.ci/doccheck-todo.txt")
  if f then
    for line in f:lines() do
      local name = line:match("^%s*([^#%s]+)")
      if name then todo[name] = true end
    end
    f:close()
  end
end

local missing, known = {}, 0
local function miss(where, name)
  local key = name:match("^(%S+)")
  if todo[key] then known = known + 1 return end
  missing[#missing + 1] = where .. ": " .. name
end

-- the nn protocol: methods of Module, Criterion and Container
local PROTOCOL = {}
for _, base in ipairs({ "Module", "Criterion", "Container" }) do
  for _, line in ipairs(lines_of(root .. "/lua/tocha/nn/" .. base .. ".lua")) do
    local m = (definition(line) or ""):match("^[%w_]+:([%w_]+)$")
    if m then PROTOCOL[m] = true end
  end
end

local stubs = {}
local nlua = 0
for _, path in ipairs(lua_files(root .. "/lua/tocha")) do
  local lines = lines_of(path)
  local is_stub = path:match("/lua/tocha/doc/[^/]+%.lua$")
  local nn_class = path:match("/lua/tocha/nn/([%w_]+)%.lua$")
  local base = nn_class == "Module" or nn_class == "Criterion" or nn_class == "Container"
  local internal = INTERNAL[path:match("/lua/tocha/(.+)$")] or {}
  for i, line in ipairs(lines) do
    local name = definition(line)
    if name then
      local method = name:match("^[%w_]+:([%w_]+)$")
      local exempt = (nn_class and not base and method and PROTOCOL[method]) or internal[name:match("^[%w_]+")]
      if is_stub then
        if documented(lines, i) then stubs[name] = true
        else miss(path .. ":" .. i, name .. " (stub)") end
      elseif not exempt then
        nlua = nlua + 1
        if not documented(lines, i) then miss(path .. ":" .. i, name) end
      end
    end
  end
end

-- C functions: the ones tocha and tensors carry that no Lua file defines
local ok, tocha = pcall(require, "tocha")
if not ok then
  io.stderr:write("doccheck: cannot load tocha (build it first, and set LUA_CPATH): ", tostring(tocha), "\n")
  os.exit(2)
end
local nc = 0
local function check_c(tbl, prefix, other)
  local names = {}
  for k, v in pairs(tbl) do
    if type(k) == "string" and not k:match("^_") and type(v) == "function"
        and debug.getinfo(v, "S").what == "C" then
      names[#names + 1] = k
    end
  end
  table.sort(names)
  for _, k in ipairs(names) do
    nc = nc + 1
    if not (stubs[prefix .. k] or stubs[other .. k]) then
      miss("lua/tocha/doc/*.lua", prefix .. k .. " (C; no stub " .. prefix .. k .. " or " .. other .. k .. ")")
    end
  end
end
check_c(tocha, "tocha.", "Tensor:")
check_c(tocha._methods, "Tensor:", "tocha.")

if #missing > 0 then
  io.stderr:write(#missing, " public functions have no doc comment (a block starting with ---):\n")
  for _, m in ipairs(missing) do io.stderr:write("  ", m, "\n") end
  os.exit(1)
end
print(string.format("doccheck: %d public Lua functions and %d C functions documented%s", nlua, nc,
  known > 0 and string.format(" (%d known gaps listed in .ci/doccheck-todo.txt)", known) or ""))
