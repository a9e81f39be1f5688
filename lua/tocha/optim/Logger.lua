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
--
-- plot() is cheap however often it is called: Torch7 scripts call it after
-- every add (torch/demos' linear regression 10^4 times).  It records what
-- to draw and draws it at most every `plotInterval` seconds (logger field,
-- default 5): a call finding the last drawing older than that draws at
-- once; else the request waits for the next such call, logger:render(),
-- logger:close() or the end of the program (when Lua closes its state:
-- a script that returns, errors out or calls os.exit(code, true); a plain
-- os.exit(code) skips it, so call logger:render() first).
local tocha = require "tocha"

local Logger = tocha.class("optim.Logger")

-- depth: how many helper calls lie between the method and this call.
local function fail(fname, arg, msg, depth)
  error(string.format("bad argument #%d to '%s' (%s)", arg, fname, msg), 3 + (depth or 0))
end

-- Loggers with a plot waiting, drawn when Lua closes its state (the
-- sentinel's finaliser runs then at the latest).
local waiting = {}
local sentinel = setmetatable({}, { __gc = function()
  for logger in pairs(waiting) do
    local ok, err = pcall(logger.render, logger)
    if not ok then io.stderr:write("optim.Logger: the plot waiting at exit failed: ", tostring(err), "\n") end
  end
end })
Logger._sentinel = sentinel

function Logger:__init(filename, timestamp)
  self.plotInterval = 5
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
  local file = self.file
  local cells = file and {}
  for i, name in ipairs(self.names) do
    local v = row[name]
    self.symbols[name][self.nrows] = v
    if cells then -- the log file's row (nothing to format without one)
      cells[i] = type(v) == "number" and string.format("%11.4e", v) or v or ""
    end
  end
  if file then
    file:write(table.concat(cells, "\t"), "\n")
    file:flush()
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
-- values a row did not have), written crash-safely.
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
  -- Replaced in one step (tocha_replace_file): an interrupted program leaves
  -- the previous CSV or the new one, never half of one.
  local ok, err = require("tocha.core")._replace_file(path, { table.concat(lines, "\n"), "\n" })
  if not ok then fail("writeCSV", 1, "cannot write '" .. path .. "': " .. tostring(err)) end
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

local function check_names(self, list, fname, arg)
  for _, name in ipairs(list) do
    if type(name) ~= "string" or not self.idx[name] then
      fail(fname, arg, string.format("no series named '%s' (logged: %s)", tostring(name),
        table.concat(self.names, ", ")), 2)
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

-- The panels of opts (each a list of names with its options), checked.
local function panels_of(self, opts, fname, arg)
  local panel_specs = opts.panels
  if panel_specs == nil then
    local names = #opts > 0 and opts or numeric_names(self)
    panel_specs = { { table.unpack(names) } }
    panel_specs[1].ylabel = opts.ylabel
  elseif type(panel_specs) ~= "table" or #panel_specs == 0 then
    fail(fname, arg, "opts.panels must be a non-empty list of panels", 1)
  end
  for _, spec in ipairs(panel_specs) do check_names(self, spec, fname, arg) end
  return panel_specs
end

-- A call may wait: whether the last drawing is old enough to draw now.
local function maybe_render(self)
  local now = tocha.clock()
  if self.plotted_at == nil then
    self.plotted_at = now -- the first drawing waits too: a short script draws once, at its end
  elseif now - self.plotted_at >= self.plotInterval then
    self:render()
  end
end

--- plot(path [, opts]): draws the series as a chart: an SVG at path (or at
-- path with .svg for .png or .pdf), plus a PNG or PDF when path ends so.
-- opts: the names to draw (default all numeric ones), title, xlabel
-- ("epoch"), ylabel, logy (default setlogscale's), width, height, legend,
-- zoom (see tocha.plot's panel); or panels = {{names..., title =, ylabel =,
-- logy =, zoom =}, ...} for panels side by side.  The drawing may wait (see
-- the header); the files show the values logged up to the moment it is
-- made.  Returns the paths that are (or will be) written (a list not to
-- be changed).
function Logger:plot(path, opts)
  -- The common case, the same call again while it waits: nothing to
  -- check or allocate.
  local request = self.pending and self.pending.by_path[path]
  if request and request.given == opts then
    maybe_render(self)
    return request.paths
  end
  if path == nil and self.file then path = self.name .. ".svg" end
  if type(path) ~= "string" then fail("plot", 1, "file name (.svg or .png) expected, got " .. type(path)) end
  local base, ext = path:match("^(.*)%.(%w+)$")
  ext = ext and ext:lower()
  if ext ~= "svg" and ext ~= "png" and ext ~= "pdf" then
    fail("plot", 1, "file name must end in .svg, .png or .pdf, got '" .. path .. "'")
  end
  if opts ~= nil and type(opts) ~= "table" then fail("plot", 2, "options table expected, got " .. type(opts)) end
  local given = opts
  opts = opts or {}
  -- Checked now (a cost per named series, not per logged row): the names
  -- given; "all numeric series" is settled when the plot is drawn.
  if #opts > 0 or opts.panels ~= nil then panels_of(self, opts, "plot", 2) end
  local paths = { ext == "svg" and path or base .. ".svg" }
  if ext ~= "svg" then paths[2] = path end
  -- One request per file: a later call for the same file replaces it.
  self.pending = self.pending or { order = {}, by_path = {} }
  if not self.pending.by_path[path] then table.insert(self.pending.order, path) end
  self.pending.by_path[path] = { paths = paths, opts = opts, given = given }
  waiting[self] = true
  maybe_render(self)
  return paths
end

--- figure([opts]) -> the tocha.plot figure that plot(path, opts) draws,
-- from the values logged so far (to change it, or to save it elsewhere).
function Logger:figure(opts)
  if opts ~= nil and type(opts) ~= "table" then fail("figure", 1, "options table expected, got " .. type(opts)) end
  opts = opts or {}
  local plot = require "tocha.plot"
  local fig = plot.figure{ title = opts.title, width = opts.width, height = opts.height, scale = opts.scale }
  for _, spec in ipairs(panels_of(self, opts, "figure", 1)) do
    local logy = spec.logy
    if logy == nil then logy = opts.logy end
    if logy == nil then logy = self.logscale end
    local panel = fig:panel{ title = spec.title, xlabel = spec.xlabel or opts.xlabel or "epoch",
      ylabel = spec.ylabel, logy = logy, legend = spec.legend or opts.legend, zoom = spec.zoom or opts.zoom }
    for _, name in ipairs(spec) do
      local xs, ys = series_points(self, name)
      panel:line(name, xs, ys, self.styles[name])
    end
  end
  return fig
end

--- render(): draws the plots that plot() left waiting, now (nothing when
-- none waits).  Returns the paths written, or nil.
function Logger:render()
  local pending = self.pending
  if not pending then return nil end
  self.pending, waiting[self] = nil, nil
  self.plotted_at = tocha.clock()
  local written = {}
  for _, path in ipairs(pending.order) do
    local request = pending.by_path[path]
    local fig = self:figure(request.opts)
    for _, p in ipairs(request.paths) do fig:save(p) end
    for _, p in ipairs(request.paths) do written[#written + 1] = p end
  end
  return written
end

--- Draws a waiting plot and closes the log file (the logger still holds
-- its values).
function Logger:close()
  self:render()
  if self.file then
    self.file:close()
    self.file = nil
  end
end

return Logger
