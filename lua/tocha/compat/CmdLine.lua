--- torch.CmdLine: Torch7's command-line parser, as training scripts use it.
--
--   local cmd = torch.CmdLine()
--   cmd:text("Train a network")
--   cmd:option("-lr", 0.1, "learning rate")
--   cmd:option("-cuda", false, "use CUDA")
--   cmd:argument("-data", "training file")
--   local opt = cmd:parse(arg)      -- opt.lr, opt.cuda, opt.data
--
-- Torch7's meanings: an option's type is its default's type; a boolean
-- option takes no value and flips its default; "-h", "-help" and "--help"
-- print the usage and exit.  Different from Torch7, on purpose:
--   * an option may also be spelt with two dashes ("--lr" for "-lr");
--   * a word that starts with "-" and is not a number or a known option is
--     reported as an unknown option, not taken as a positional argument;
--   * an integer default only accepts integers ("-batch 64", or "64.0"),
--     so the value can be a tensor size or a loop bound in Lua 5.4;
--   * arguments declared with the type "number" are converted;
--   * the usage and the error go to stderr; string() prints nothing and
--     accepts a missing `ignore` table; log() writes parameters sorted.
-- Errors go through cmd:error(msg), which prints msg and the usage and
-- exits with status 1 (Torch7); replace it on an instance to do otherwise.
local class = require "tocha.class"

local CmdLine = class.get("torch.CmdLine") or class.new("torch.CmdLine")

local function strip(key)
  return (key:match("^%-*(.*)$"))
end

local function pad(s, n)
  return s .. string.rep(" ", n - #s)
end

function CmdLine:__init(argseparator, keyseparator)
  self.argseparator = argseparator or ","
  self.keyseparator = keyseparator or "="
  self.options = {}
  self.arguments = {}
  self.helplines = {}
  self.dateformat = nil
  self.silentio = false
end

--- cmd:option(key, default, help [, type]): "-key" with a default value.
function CmdLine:option(key, default, help, typename)
  if type(key) ~= "string" or key == "" then
    error(string.format("bad argument #1 to 'option' (option name expected, got %s)", type(key)), 2)
  end
  if default == nil then
    error(string.format("bad argument #2 to 'option' (option %s has no default value)", key), 2)
  end
  typename = typename or type(default)
  if type(default) ~= typename then
    error(string.format("bad argument #2 to 'option' (option %s: default is a %s, type says %s)", key, type(default),
      tostring(typename)), 2)
  end
  if typename ~= "string" and typename ~= "number" and typename ~= "boolean" then
    error(string.format("bad argument #4 to 'option' (option %s: type must be string, number or boolean, got %s)",
      key, typename), 2)
  end
  local entry = { key = key, default = default, help = help, type = typename }
  self.options[key] = entry
  table.insert(self.helplines, entry)
end

--- cmd:argument(key, help [, type]): a positional argument, required.
function CmdLine:argument(key, help, typename)
  if type(key) ~= "string" or key == "" then
    error(string.format("bad argument #1 to 'argument' (argument name expected, got %s)", type(key)), 2)
  end
  local entry = { key = key, help = help, type = typename }
  table.insert(self.arguments, entry)
  table.insert(self.helplines, entry)
end

--- cmd:text([txt]): a line of the usage text.
function CmdLine:text(txt)
  txt = txt or ""
  if type(txt) ~= "string" then
    error(string.format("bad argument #1 to 'text' (string expected, got %s)", type(txt)), 2)
  end
  table.insert(self.helplines, txt)
end

--- cmd:silent(): after log(), print writes to the log file only.
function CmdLine:silent()
  self.silentio = true
end

--- cmd:addTime([name] [, format]): log() lines start with the date.
function CmdLine:addTime(name, format)
  format = format or "%Y-%m-%d %H:%M:%S"
  if type(format) ~= "string" then
    error(string.format("bad argument #2 to 'addTime' (string expected, got %s)", type(format)), 2)
  end
  self.dateformat = format .. (name and ("[" .. name .. "]: ") or "")
end

--- The default value of every option, keyed without the dashes.
function CmdLine:default()
  local params = {}
  for key, entry in pairs(self.options) do params[strip(key)] = entry.default end
  return params
end

--- The usage text (what help() prints).
function CmdLine:usage(arg)
  local out = { "Usage: " }
  if arg and arg[0] then out[#out + 1] = arg[0] .. " " end
  out[#out + 1] = "[options]"
  for _, a in ipairs(self.arguments) do out[#out + 1] = " <" .. strip(a.key) .. ">" end
  out[#out + 1] = "\n"
  local width = 0
  for _, line in ipairs(self.helplines) do
    if type(line) == "table" then
      local n = line.default ~= nil and #line.key or #strip(line.key) + 2
      if n > width then width = n end
    end
  end
  for _, line in ipairs(self.helplines) do
    if type(line) == "table" then
      out[#out + 1] = "  "
      if line.default ~= nil then
        out[#out + 1] = pad(line.key, width)
        if line.help then out[#out + 1] = " " .. line.help end
        out[#out + 1] = " [" .. tostring(line.default) .. "]"
      else
        out[#out + 1] = pad("<" .. strip(line.key) .. ">", width)
        if line.help then out[#out + 1] = " " .. line.help end
      end
    else
      out[#out + 1] = line
    end
    out[#out + 1] = "\n"
  end
  return table.concat(out)
end

--- cmd:help([arg]): prints the usage to stdout.
function CmdLine:help(arg)
  io.write(self:usage(arg))
end

--- cmd:error(msg): prints msg and the usage to stderr, exits with 1.
function CmdLine:error(msg)
  io.stderr:write(msg, "\n\n", self:usage())
  os.exit(1)
end

local function option_entry(self, word)
  local entry = self.options[word]
  if not entry and word:sub(1, 2) == "--" then entry = self.options[word:sub(2)] end
  return entry
end

local function convert_number(text, default)
  local value = tonumber(text)
  if value and math.type(default) == "integer" then value = math.tointeger(value) end
  return value
end

--- cmd:parse([arg]) -> params: the options (defaults overridden by arg)
-- and the arguments, keyed by name without dashes.  arg defaults to the
-- script's global `arg`.
function CmdLine:parse(arg)
  arg = arg or rawget(_G, "arg") or {}
  local params = self:default()
  local i, n = 1, 0
  while i <= #arg do
    local word = arg[i]
    if word == "-h" or word == "-help" or word == "--help" then
      self:help(arg)
      os.exit(0)
    end
    word = tostring(word)
    local entry = option_entry(self, word)
    if entry then
      if entry.type == "boolean" then
        params[strip(entry.key)] = not entry.default
        i = i + 1
      else
        local value = arg[i + 1]
        if value == nil then return self:error("missing value for option " .. entry.key) end
        if entry.type == "number" then
          local converted = convert_number(value, entry.default)
          if converted == nil then
            local what = math.type(entry.default) == "integer" and "an integer" or "a number"
            return self:error(string.format("invalid value for option %s: %s (expected %s)", entry.key, value, what))
          end
          value = converted
        end
        params[strip(entry.key)] = value
        i = i + 2
      end
    elseif word:match("^%-") and not tonumber(word) then
      return self:error("unknown option " .. word)
    else
      n = n + 1
      local a = self.arguments[n]
      if not a then return self:error("unexpected argument " .. word) end
      local value = word
      if a.type == "number" then
        value = tonumber(word)
        if value == nil then
          return self:error(string.format("invalid value for argument <%s>: %s (expected a number)", strip(a.key),
            word))
        end
      end
      params[strip(a.key)] = value
      i = i + 1
    end
  end
  if n < #self.arguments then
    return self:error(string.format("missing argument <%s>", strip(self.arguments[n + 1].key)))
  end
  return params
end

--- cmd:string(prefix, params [, ignore]) -> "prefix,arg=v,opt=v,..." with
-- the arguments, then the options that differ from their defaults (sorted);
-- handy to name a results directory.  Keys in `ignore` are left out.
function CmdLine:string(prefix, params, ignore)
  prefix = prefix or ""
  ignore = ignore or {}
  local arguments, options = {}, {}
  for k, v in pairs(params) do
    local entry = self.options["-" .. k]
    if ignore[k] then
      goto continue
    end
    if entry then
      if v ~= entry.default or ignore[k] == false then
        if type(v) == "boolean" then v = v and "t" or "f" end
        options[#options + 1] = k .. self.keyseparator .. tostring(v)
      end
    else
      for i, a in ipairs(self.arguments) do
        if strip(a.key) == k then arguments[i] = k .. self.keyseparator .. tostring(v) end
      end
    end
    ::continue::
  end
  table.sort(options)
  local parts = {}
  for i = 1, #self.arguments do
    if arguments[i] then parts[#parts + 1] = arguments[i] end
  end
  for _, o in ipairs(options) do parts[#parts + 1] = o end
  if #parts == 0 then return prefix end
  return prefix .. self.argseparator .. table.concat(parts, self.argseparator)
end

--- cmd:log(file, params): from now on the global print also appends to
-- `file` (Torch7 does this on purpose: everything printed is logged), and
-- the parameters are written first.
function CmdLine:log(file, params)
  local f, err = io.open(file, "w")
  if not f then error(string.format("bad argument #1 to 'log' (%s)", err), 2) end
  local original = print
  local cmd = self
  local function logging_print(...)
    if not cmd.silentio then original(...) end
    local n = select("#", ...)
    local parts = {}
    if cmd.dateformat then parts[1] = os.date(cmd.dateformat) end
    for i = 1, n do parts[#parts + 1] = tostring((select(i, ...))) end
    f:write(table.concat(parts, " "), "\n")
    f:flush()
  end
  rawset(_G, "print", logging_print)
  self.logfile = f
  logging_print("[program started on " .. os.date() .. "]")
  logging_print("[command line arguments]")
  if params then
    local keys = {}
    for k in pairs(params) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for _, k in ipairs(keys) do logging_print(k, params[k]) end
  end
  logging_print("[----------------------]")
end

return CmdLine
