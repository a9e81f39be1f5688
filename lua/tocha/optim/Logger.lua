--- optim.Logger([filename [, timestamp]]): records named values once per
-- epoch (one row per add) and plots them without gnuplot.
--
--   local logger = optim.Logger("train.log")   -- or optim.Logger() for memory only
--   logger:add{["train loss"] = 0.52, ["val loss"] = 0.61}
--   logger:writeCSV("curves.csv")
--   logger:plot("curves.png", {"train loss", "val loss", title = "MLP", ylabel = "NLL"})
--
-- As Torch7's, a log file (when named) gets a tab-separated header of the
-- names and then one row of values ("%11.4e") per add, flushed each time;
-- setNames{...} fixes the names (and their order) first, after which add
-- also takes values by position.  Unlike Torch7 the columns keep a fixed
-- order (setNames' order, else the names sorted, then new names as they
-- come; a new name writes a new header line), a row may omit some names
-- (its cell stays empty), and nothing is printed to stdout.
local tocha = require "tocha"

local Logger = tocha.class("optim.Logger")

-- depth: how many helper calls lie between the method and this call.
local function fail(fname, arg, msg, depth)
  error(string.format("bad argument #%d to '%s' (%s)", arg, fname, msg), 3 + (depth or 0))
end

function Logger:__init(filename, timestamp)
  self.names = {}     -- column order
  self.idx = {}       -- name -> column
  self.symbols = {}   -- name -> values by row (nil where a row has none)
  self.styles = {}    -- name -> plot style
  self.nrows = 0
  self.logscale = false
  if filename ~= nil then
    if type(filename) ~= "string" or filename == "" then
      fail("Logger", 1, "file name (a string) expected, got " .. type(filename), 1)
    end
    if timestamp then filename = filename .. "-" .. os.date("%Y_%m_%d_%H%M%S") end
    local f, err = io.open(filename, "w")
    if not f then fail("Logger", 1, "cannot open '" .. filename .. "' for writing: " .. tostring(err), 1) end
    self.file = f
    self.name = filename
  else
    self.name = "Logger"
  end
end

local function add_name(self, name)
  if self.idx[name] then return false end
  self.names[#self.names + 1] = name
  self.idx[name] = #self.names
  self.symbols[name] = {}
  return true
end

local function write_header(self)
  if not self.file then return end
  self.file:write(table.concat(self.names, "\t"), "\n")
  self.file:flush()
end

--- setNames{"train loss", "val loss"}: the series and their order.
function Logger:setNames(names)
  if type(names) ~= "table" or #names == 0 then fail("setNames", 1, "non-empty list of names expected") end
  for i, name in ipairs(names) do
    if type(name) ~= "string" then fail("setNames", 1, string.format("name %d must be a string", i)) end
    if self.idx[name] and self.nrows == 0 then fail("setNames", 1, "duplicate name '" .. name .. "'") end
  end
  local changed = false
  for _, name in ipairs(names) do changed = add_name(self, name) or changed end
  if changed then write_header(self) end
  self.header_written = true
  return self
end

local function check_value(v, name)
  if type(v) ~= "number" and type(v) ~= "string" then
    fail("add", 1, string.format("value of '%s' must be a number or a string, got %s", name, type(v)), 1)
  end
end

--- add{name = value, ...} (or add{v1, v2, ...} after setNames): one row.
function Logger:add(symbols)
  if type(symbols) ~= "table" then fail("add", 1, "table of values expected, got " .. type(symbols)) end
  local row = {}
  local positional = #symbols > 0
  if positional then
    if #symbols > #self.names then
      fail("add", 1, string.format("%d values by position for %d names (use setNames first)", #symbols,
        #self.names))
    end
    for i = 1, #symbols do
      check_value(symbols[i], self.names[i])
      row[self.names[i]] = symbols[i]
    end
  end
  local new = {}
  for k, v in pairs(symbols) do
    if math.type(k) ~= "integer" or not positional then
      if type(k) ~= "string" then fail("add", 1, "names must be strings, got a " .. type(k)) end
      check_value(v, k)
      row[k] = v
      if not self.idx[k] then new[#new + 1] = k end
    end
  end
  table.sort(new)
  for _, name in ipairs(new) do add_name(self, name) end
  if #new > 0 or not self.header_written then
    write_header(self)
    self.header_written = true
  end
  self.nrows = self.nrows + 1
  local cells = {}
  for i, name in ipairs(self.names) do
    local v = row[name]
    self.symbols[name][self.nrows] = v
    if type(v) == "number" then
      cells[i] = string.format("%11.4e", v)
    else
      cells[i] = v or ""
    end
  end
  if self.file then
    self.file:write(table.concat(cells, "\t"), "\n")
    self.file:flush()
  end
  return self
end

--- style{name = "-" | "+" | "+-" | {color =, dash =, width =, marker =}}:
-- "-" a line, "+" (or ".") points only, "+-" both.
function Logger:style(styles)
  if type(styles) ~= "table" then fail("style", 1, "table of styles expected") end
  for k, st in pairs(styles) do
    local name = math.type(k) == "integer" and self.names[k] or k
    if type(st) == "string" then
      if st == "-" then
        st = {}
      elseif st == "+" or st == "." or st == "o" then
        st = { marker = "only" }
      elseif st == "+-" or st == "-+" then
        st = { marker = true }
      else
        fail("style", 1, "style strings are '-', '+', '.' or '+-', got '" .. st .. "'")
      end
    elseif type(st) ~= "table" then
      fail("style", 1, "a style is a string or a table, got " .. type(st))
    end
    self.styles[name] = st
  end
  return self
end

--- Plots the values on a logarithmic scale when value is true.
function Logger:setlogscale(value)
  self.logscale = value and true or false
  return self
end

-- Shortest text that reads back as the same number.
local function number_text(v)
  if math.type(v) == "integer" then return tostring(v) end
  if v ~= v then return "nan" end
  if v == math.huge then return "inf" end
  if v == -math.huge then return "-inf" end
  for digits = 6, 17 do
    local s = string.format("%." .. digits .. "g", v)
    if tonumber(s) == v then return s end
  end
  return string.format("%.17g", v)
end

local function csv_field(s)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

--- writeCSV(path): "epoch,<names>" then one line per row (empty cells for
-- values a row did not have).
function Logger:writeCSV(path)
  if type(path) ~= "string" then fail("writeCSV", 1, "file name expected, got " .. type(path)) end
  local lines = {}
  local header = { "epoch" }
  for i, name in ipairs(self.names) do header[i + 1] = csv_field(name) end
  lines[1] = table.concat(header, ",")
  for r = 1, self.nrows do
    local cells = { tostring(r) }
    for i, name in ipairs(self.names) do
      local v = self.symbols[name][r]
      cells[i + 1] = type(v) == "number" and number_text(v) or v and csv_field(v) or ""
    end
    lines[#lines + 1] = table.concat(cells, ",")
  end
  local f, err = io.open(path, "w")
  if not f then fail("writeCSV", 1, "cannot open '" .. path .. "' for writing: " .. tostring(err)) end
  f:write(table.concat(lines, "\n"), "\n")
  f:close()
  return self
end

-- The logged points of a series: x = the row (epoch), numbers only.
local function series_points(self, name)
  local xs, ys, values = {}, {}, self.symbols[name]
  for r = 1, self.nrows do
    local v = values[r]
    if type(v) == "number" then
      xs[#xs + 1] = r
      ys[#ys + 1] = v
    end
  end
  return xs, ys
end

local function check_names(self, list)
  for _, name in ipairs(list) do
    if type(name) ~= "string" or not self.idx[name] then
      fail("plot", 2, string.format("no series named '%s' (logged: %s)", tostring(name),
        table.concat(self.names, ", ")), 1)
    end
  end
end

local function numeric_names(self)
  local list = {}
  for _, name in ipairs(self.names) do
    local xs = series_points(self, name)
    if #xs > 0 then list[#list + 1] = name end
  end
  return list
end

--- plot(path [, opts]): draws the series as a chart: an SVG at path (or at
-- path with .svg for .png), plus a PNG when path ends in .png.  opts: the
-- names to draw (default all numeric ones), title, xlabel ("epoch"),
-- ylabel, logy (default setlogscale's), width, height, legend; or panels =
-- {{names..., title =, ylabel =, logy =}, ...} for panels side by side.
-- Returns the paths written.
function Logger:plot(path, opts)
  if path == nil and self.file then path = self.name .. ".svg" end
  if type(path) ~= "string" then fail("plot", 1, "file name (.svg or .png) expected, got " .. type(path)) end
  local base, ext = path:match("^(.*)%.(%w+)$")
  ext = ext and ext:lower()
  if ext ~= "svg" and ext ~= "png" then fail("plot", 1, "file name must end in .svg or .png, got '" .. path .. "'") end
  opts = opts or {}
  if type(opts) ~= "table" then fail("plot", 2, "options table expected, got " .. type(opts)) end
  local plot = require "tocha.plot"
  local panel_specs = opts.panels
  if panel_specs == nil then
    local names = #opts > 0 and opts or numeric_names(self)
    panel_specs = { { table.unpack(names) } }
    panel_specs[1].ylabel = opts.ylabel
  elseif type(panel_specs) ~= "table" or #panel_specs == 0 then
    fail("plot", 2, "opts.panels must be a non-empty list of panels")
  end
  local fig = plot.figure{ title = opts.title, width = opts.width, height = opts.height, scale = opts.scale }
  for _, spec in ipairs(panel_specs) do
    check_names(self, spec)
    local logy = spec.logy
    if logy == nil then logy = opts.logy end
    if logy == nil then logy = self.logscale end
    local panel = fig:panel{ title = spec.title, xlabel = spec.xlabel or opts.xlabel or "epoch",
      ylabel = spec.ylabel, logy = logy, legend = spec.legend or opts.legend }
    for _, name in ipairs(spec) do
      local xs, ys = series_points(self, name)
      panel:line(name, xs, ys, self.styles[name])
    end
  end
  local written = {}
  local svg_path = ext == "svg" and path or base .. ".svg"
  fig:save(svg_path)
  written[1] = svg_path
  if ext == "png" then
    fig:save(path)
    written[2] = path
  end
  return written
end

--- Closes the log file (the logger still holds its values).
function Logger:close()
  if self.file then
    self.file:close()
    self.file = nil
  end
end

return Logger
