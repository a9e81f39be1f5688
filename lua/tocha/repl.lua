--- tocha.repl: the `tocha` command (bin/tocha), like Torch7's `th`.
--
--   tocha                      a REPL with tocha, nn, optim and Torch7's globals
--   tocha script.lua args...   runs a script with the same globals (arg as in lua)
--   tocha -e 'statements'      runs statements (then the REPL with -i)
--   tocha -t / --traceback     errors print their traceback too
--
-- In the REPL an expression prints its values (tensors as print shows them,
-- tables one level deep); `=expr` works too; a statement runs as it is.
-- Errors print their message only; `traceback()` shows the last one's
-- traceback. `help(x)` or `?x` shows the reference entry (the doc comment)
-- of a function or module. With Debian's lua-readline installed, Tab
-- completes globals, fields and methods (`x:na<Tab>`) and history is kept
-- in ~/.tocha_history; otherwise lines are read plainly.
local M = {}

local sformat, concat = string.format, table.concat

-- ---- the environment -----------------------------------------------------------------
--- Loads tocha, nn, optim and the Torch7 globals (torch, paths, xlua, sys)
-- into _G, and help, traceback; returns _G.
function M.setup_globals()
  local tocha = require "tocha"
  require "tocha.compat" -- torch, nn, optim, paths, xlua, sys
  _G.tocha = tocha
  _G.nn = _G.nn or require "tocha.nn"
  _G.optim = _G.optim or require "tocha.optim"
  _G.help = M.help
  _G.traceback = function() print(M.last_traceback or "no error yet") end
  return _G
end

-- ---- printing results ----------------------------------------------------------------
local function is_tensor(x)
  local tocha = package.loaded.tocha
  return tocha ~= nil and tocha.isTensor(x)
end

-- one value on one line
local function short(v)
  if type(v) == "string" then
    return sformat("%q", v)
  elseif is_tensor(v) then
    local sizes = {}
    for d = 1, v:dim() do sizes[d] = v:size(d) end
    return sformat("%s of size %s", v:type(), #sizes > 0 and concat(sizes, "x") or "0")
  elseif type(v) == "table" then
    local mt = getmetatable(v)
    local name = type(mt) == "table" and (rawget(mt, "__typename") or rawget(mt, "__name"))
    local torch = rawget(_G, "torch")
    name = name or (torch and torch.typename and torch.typename(v))
    return name and sformat("%s (%s)", name, tostring(v):match("0x%x+") or "table") or tostring(v)
  end
  return tostring(v)
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return keys
end

--- The text the REPL prints for value v: tensors and values with __tostring
-- as tostring gives them, tables one level deep (fields sorted, nested tables
-- and tensors in one line each).
function M.render(v)
  if type(v) ~= "table" or is_tensor(v) then
    return (tostring(v):gsub("\n$", "")) -- tensors end their text with a newline
  end
  local mt = getmetatable(v)
  if type(mt) == "table" and (rawget(mt, "__tostring") or rawget(mt, "__tostring__")) then
    return (tostring(v):gsub("\n$", ""))
  end
  local n = #v
  local keys = sorted_keys(v)
  if #keys == 0 then return "{}" end
  local parts = {}
  if n == #keys then -- a list
    for i = 1, n do parts[i] = short(v[i]) end
    local line = "{" .. concat(parts, ", ") .. "}"
    if #line <= 78 then return line end
  end
  parts = {}
  for _, k in ipairs(keys) do
    local key = (type(k) == "string" and k:match("^[%a_][%w_]*$")) and k or ("[" .. short(k) .. "]")
    parts[#parts + 1] = "  " .. key .. " = " .. short(v[k])
  end
  return "{\n" .. concat(parts, ",\n") .. "\n}"
end

-- the table whose keys complete fields of v (methods included)
local function fields_of(v, out, depth)
  depth = depth or 0
  if depth > 5 then return end
  if is_tensor(v) then
    for k in pairs(package.loaded.tocha._methods) do out[k] = true end
    return
  end
  if type(v) == "table" then
    for k in pairs(v) do if type(k) == "string" then out[k] = true end end
  end
  local mt = getmetatable(v)
  if type(mt) == "table" and type(rawget(mt, "__index")) == "table" then
    fields_of(rawget(mt, "__index"), out, depth + 1)
  end
end

-- ---- help ------------------------------------------------------------------------------
local function source_lines(path)
  local f = io.open(path)
  if not f then return nil end
  local lines = {}
  for line in f:lines() do lines[#lines + 1] = line end
  f:close()
  return lines
end

-- the comment block ending just above line n, without its "--" prefixes
local function comment_above(lines, n)
  local block = {}
  local i = n - 1
  while i >= 1 and lines[i]:match("^%s*%-%-") do
    table.insert(block, 1, (lines[i]:gsub("^%s*%-%-+ ?", "")))
    i = i - 1
  end
  return block
end

-- the public tables searched for a value's name, and their prefixes
local function name_tables()
  local tocha = package.loaded.tocha
  local list = {}
  if tocha then
    list[#list + 1] = { "tocha.", tocha }
    list[#list + 1] = { "Tensor:", tocha._methods }
  end
  for _, g in ipairs({ "nn", "optim", "torch", "paths", "xlua", "sys" }) do
    local t = rawget(_G, g)
    if type(t) == "table" then list[#list + 1] = { g .. ".", t } end
  end
  if tocha then
    for _, lazy in ipairs({ "datasets", "plot", "progress" }) do
      local t = package.loaded["tocha." .. lazy]
      if type(t) == "table" then list[#list + 1] = { "tocha." .. lazy .. ".", t } end
    end
  end
  return list
end

--- The qualified name of value x ("tocha.ones", "Tensor:narrow", "nn.Linear"), or nil.
function M.name_of(x)
  for _, entry in ipairs(name_tables()) do
    for k, v in pairs(entry[2]) do
      if v == x and type(k) == "string" then return entry[1] .. k end
    end
  end
  return nil
end

-- where doc stubs of C functions live: lua/tocha/doc/*.lua next to tocha's init.lua
local function stub_files()
  local init = package.searchpath("tocha", package.path)
  if not init then return {} end
  local dir = init:gsub("init%.lua$", "") .. "doc/"
  local files = {}
  local p = io.popen('ls "' .. dir .. '" 2>/dev/null')
  if p then
    for f in p:lines() do
      if f:match("%.lua$") then files[#files + 1] = dir .. f end
    end
    p:close()
  end
  return files
end

local TENSOR_OWNERS = { tocha = true, Tensor = true, torch = true }

-- the doc comment of a function named `name` ("tocha.ones" or "Tensor:narrow") in the stubs
local function stub_entry(name)
  local field = name:match("[%.:]([%w_]+)$")
  if not field then return nil end
  local owner = name:sub(1, #name - #field - 1)
  for _, path in ipairs(stub_files()) do
    local lines = source_lines(path) or {}
    for i, line in ipairs(lines) do
      local fowner, fname = line:match("^%s*function%s+([%w_%.]+)[%.:]([%w_]+)%s*%(")
      -- tocha.f(x, ...) and x:f(...) are one function: either stub documents both
      local same = fowner == owner or (TENSOR_OWNERS[fowner] and TENSOR_OWNERS[owner])
      if fname == field and same then
        return line:gsub("^%s*function%s+", ""):gsub("%s*end%s*$", ""), comment_above(lines, i)
      end
    end
  end
  return nil
end

--- The reference entry of x (a function, a module or class table, or a name
-- such as "tocha.ones"), as text.
function M.doc(x, name)
  if type(x) == "string" and name == nil then
    local chunk = load("return " .. x, "=help", "t", _G)
    local ok, value = false, nil
    if chunk then ok, value = pcall(chunk) end
    if not ok or value == nil then return "help: no value named " .. x .. "\n" end
    name, x = M.name_of(value) or x, value
  end
  name = name or M.name_of(x)
  if type(x) == "function" then
    local info = debug.getinfo(x, "S")
    local signature, block
    if info.what == "Lua" and info.source:sub(1, 1) == "@" then
      local lines = source_lines(info.source:sub(2))
      if lines then
        signature = lines[info.linedefined]:gsub("^%s*local%s+", ""):gsub("^%s*", "")
        local params = signature:match("^function%s*[%w_%.:]*%s*(%b())")
        if name and params then signature = name .. params end -- tocha.setprintoptions(opts), not M.
        block = comment_above(lines, info.linedefined)
        -- a file about this one function (optim.adam, ...) describes it in its header
        local header = {}
        for _, line in ipairs(lines) do
          if not line:match("^%-%-") then break end
          header[#header + 1] = (line:gsub("^%-%-+ ?", ""))
        end
        local short_name = name and name:gsub("^torch%.", "")
        if short_name and #header > 0 and header[1]:find(short_name .. "(", 1, true) and info.linedefined > #header then
          block[#block + 1] = ""
          table.move(header, 1, #header, #block + 1, block)
        end
      end
    elseif name then
      signature, block = stub_entry(name)
    end
    if not signature then
      return sformat("%s: a %s function with no reference entry\n", name or tostring(x), info.what)
    end
    local text = signature .. "\n"
    if block and #block > 0 then
      for k, line in ipairs(block) do -- LDoc tags, as a person reads them
        line = line:gsub("^@tparam%[opt%]%s+(%S+)%s+(%S+)%s*", "  %2 (%1, optional): ")
                   :gsub("^@tparam%s+(%S+)%s+(%S+)%s*", "  %2 (%1): ")
                   :gsub("^@param%s+(%S+)%s*", "  %1: ")
                   :gsub("^@treturn%s+(%S+)%s*", "  returns (%1): ")
                   :gsub("^@return%s*", "  returns: ")
                   :gsub("^@usage%s*", "Example: ")
        block[k] = line
      end
      text = text .. "\n" .. concat(block, "\n") .. "\n"
    end
    return text
  elseif type(x) == "table" then
    local fields, set = {}, {}
    fields_of(x, set)
    for _, k in ipairs(sorted_keys(set)) do
      if not k:match("^_") then fields[#fields + 1] = k end
    end
    local header = ""
    if name then
      local module = name:gsub("^torch%.", "tocha."):gsub("^nn%.", "tocha.nn."):gsub("^optim%.", "tocha.optim.")
      local path = package.searchpath(module, package.path)
      local lines = path and source_lines(path)
      if lines then
        local block = {}
        for _, line in ipairs(lines) do
          if not line:match("^%-%-") then break end
          block[#block + 1] = line:gsub("^%-%-+ ?", "")
        end
        header = concat(block, "\n") .. "\n\n"
      end
    end
    return sformat("%s%s: %d fields\n  %s\n", header, name or "table", #fields, concat(fields, " "))
  end
  return sformat("%s: a %s (%s)\n", name or "value", type(x), short(x))
end

--- Prints the reference entry of x (see M.doc): `help(tocha.ones)`, `help "Tensor:narrow"`.
function M.help(x, name)
  if x == nil and name == nil then
    print("help(x) or ?x: the reference entry of a function or module, e.g. ?tocha.ones, ?x.narrow, ?nn.Linear\n" ..
          "traceback(): the traceback of the last error.  Tab completes names (with lua-readline).")
    return
  end
  io.write(M.doc(x, name))
end

-- ---- completion ------------------------------------------------------------------------
local KEYWORDS = { "and", "break", "do", "else", "elseif", "end", "false", "for", "function",
                   "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
                   "true", "until", "while" }

--- The completions of word (e.g. "tocha.on", "x:na", "pri"), sorted.
function M.complete(word, env)
  env = env or _G
  local prefix, sep, partial = word:match("^(.-)([%.:])([%w_]*)$")
  local candidates = {}
  if not prefix then
    partial, prefix, sep = word, "", ""
    fields_of(env, candidates)
    for _, k in ipairs(KEYWORDS) do candidates[k] = true end
  else
    local value = env
    for part in prefix:gmatch("[^%.:]+") do
      if not part:match("^[%a_][%w_]*$") then return {} end
      local ok, v = pcall(function() return value[part] end)
      if not ok or v == nil then return {} end
      value = v
    end
    fields_of(value, candidates)
  end
  local out = {}
  for k in pairs(candidates) do
    if k:match("^[%a_][%w_]*$") and k:sub(1, #partial) == partial then
      out[#out + 1] = prefix .. sep .. k
    end
  end
  table.sort(out)
  return out
end

-- ---- running code ----------------------------------------------------------------------
local function handler(err)
  M.last_traceback = debug.traceback(tostring(err), 2)
  return err
end

local function report(err)
  io.stdout:flush() -- what was printed before the error comes first, through a pipe too
  if M.show_traceback then
    io.stderr:write(M.last_traceback or tostring(err), "\n")
  else
    io.stderr:write(tostring(err), "\n")
  end
end

-- Compiles a line: as an expression first (printing its values), then as statements.
-- Returns the function, or nil and the error, or nil, nil for an unfinished chunk.
local function compile(text)
  local expr = text:match("^%s*=(.*)$") or text
  local f = load("return " .. expr, "=stdin", "t", _G)
  if f then return f, true end
  local err
  f, err = load(text, "=stdin", "t", _G)
  if f then return f, false end
  if err:match("<eof>$") then return nil, nil end
  return nil, err
end

--- Runs one complete chunk of REPL input; returns false when it is unfinished.
function M.eval(text)
  local help_name = text:match("^%s*%?%s*(.-)%s*$")
  if help_name then
    if help_name == "" then M.help() else M.help(help_name) end
    return true
  end
  local f, err = compile(text)
  if not f then
    if err == nil then return false end
    report(err)
    return true
  end
  local results = table.pack(xpcall(f, handler))
  if not results[1] then
    report(results[2])
  else
    if results.n > 1 then -- the values, tab-separated as lua5.4 -i prints them
      local texts = {}
      for i = 2, results.n do texts[i - 1] = M.render(results[i]) end
      print(concat(texts, "\t"))
    end
  end
  return true
end

-- the line reader: lua-readline on a terminal when installed, io.read otherwise
local function line_reader(interactive)
  if interactive and not os.getenv("TOCHA_NO_READLINE") then
    local ok, RL = pcall(require, "readline")
    if ok then
      RL.set_options({ histfile = "~/.tocha_history", keeplines = 1000, completion = true })
      RL.set_complete_function(function(text, from, to)
        local word = text:sub(from, to)
        local matches = M.complete(word)
        if #matches == 1 and RL.set_completion_append_character then
          RL.set_completion_append_character("")
        end
        return matches
      end)
      return function(prompt) return RL.readline(prompt) end, function() RL.save_history() end
    end
  end
  return function(prompt)
    if interactive then io.write(prompt) io.flush() end
    return io.read("l")
  end, function() end
end

--- The REPL loop (until end of input or os.exit()).
function M.repl()
  local interactive = os.execute("test -t 0") == true
  local read, finish = line_reader(interactive)
  if interactive then
    print(sformat("tocha on %s, with nn, optim and Torch7's globals (help() or ?name for help, Ctrl-D to quit)",
                  _VERSION))
  end
  local buffer
  while true do
    local line = read(buffer and ">> " or "> ")
    if line == nil then break end
    buffer = buffer and (buffer .. "\n" .. line) or line
    if M.eval(buffer) then buffer = nil end
  end
  if buffer then M.eval(buffer .. "\n") end -- report the unfinished chunk
  if interactive then io.write("\n") end
  finish()
end

--- Runs a script file with arguments (the global arg as lua5.4 sets it); returns success.
function M.run_script(path, args, argv0)
  local script_arg = { [0] = path, [-1] = argv0 }
  for i, a in ipairs(args) do script_arg[i] = a end
  _G.arg = script_arg
  local f, err = loadfile(path, "t", _G)
  if not f then
    io.stderr:write("tocha: ", err, "\n")
    return false
  end
  local ok, e = xpcall(f, function(x) return debug.traceback(tostring(x), 2) end, table.unpack(args))
  if not ok then
    if M.show_traceback then io.stderr:write("tocha: ", e, "\n")
    else io.stderr:write("tocha: ", (e:match("^(.-)\nstack traceback:") or e), "\n") end
    return false
  end
  return true
end

local USAGE = [==[
usage: tocha [options] [script.lua [args...]]
  -e stat        run the Lua statements stat (the REPL follows only with -i)
  -i             enter the REPL after a script or -e
  -t, --traceback  print tracebacks with errors
  -h, --help     this text
With no script, starts the REPL: tocha, nn, optim and Torch7's globals are
loaded; help(x) or ?x shows a reference entry; Tab completes names.]==]

--- The command: parses argv (the global arg of bin/tocha) and runs.
function M.main(argv)
  argv = argv or {}
  local i, statements, interactive, script = 1, {}, false, nil
  while i <= #argv do
    local a = argv[i]
    if a == "-e" then
      if not argv[i + 1] then io.stderr:write("tocha: -e needs an argument\n", USAGE, "\n") os.exit(1, true) end
      statements[#statements + 1] = argv[i + 1]
      i = i + 2
    elseif a == "-i" then interactive, i = true, i + 1
    elseif a == "-t" or a == "--traceback" then M.show_traceback, i = true, i + 1
    elseif a == "-h" or a == "--help" then print(USAGE) os.exit(0, true)
    elseif a == "--" then script, i = argv[i + 1], i + 2 break
    elseif a:match("^%-.") then
      io.stderr:write("tocha: unknown option ", a, "\n", USAGE, "\n")
      os.exit(1, true)
    else script, i = a, i + 1 break
    end
  end
  M.setup_globals()
  for _, s in ipairs(statements) do
    local f, err = load(s, "=(command line)", "t", _G)
    if not f then io.stderr:write("tocha: ", err, "\n") os.exit(1, true) end
    local fine, e = xpcall(f, handler)
    if not fine then report(e) os.exit(1, true) end
  end
  if script then
    local ok = M.run_script(script, table.move(argv, i, #argv, 1, {}), argv[0])
    if not interactive then os.exit(ok and 0 or 1, true) end
  elseif #statements > 0 and not interactive then
    os.exit(0, true)
  end
  M.repl()
end

return M
