-- tocha.plot: line charts drawn by cairo (tocha.core.canvas, src/core/plot_cairo.c)
-- as PNG, SVG or PDF, with antialiased lines and a real font (DejaVu Sans).
--
--   local plot = require "tocha.plot"
--   local fig = plot.figure{title = "MNIST", width = 1200, height = 480}
--   local loss = fig:panel{title = "loss", xlabel = "epoch", ylabel = "NLL", logy = true}
--   loss:line("train loss (dropout)", {0.9, 0.5, 0.4})          -- x = 1, 2, 3
--   loss:line("val loss (dropout)", {1, 2, 3}, {1.0, 0.6, 0.5}, {dash = "dashed"})
--   fig:save("curves.svg"); fig:save("curves.png"); fig:save("curves.pdf")
--
-- or in one call: plot.chart{title =, xlabel =, ylabel =, logy =,
-- series = {{name =, x =, y =, color =, dash =}, ...}} (or panels = {{title =,
-- series = {...}}, ...}) returns the figure; for the REPL,
--   plot.lines{"sin.png", sin = ys, cos = {xs, ys2}, title = "waves"}
-- draws a few named lines into a file in one call.
--
-- The chart is laid out once as a list of shapes (rectangles, lines, discs,
-- text) in pixel coordinates, which one drawing path puts on any canvas:
-- the PNG, the SVG and the PDF are the same picture.  Series without a colour get one by "experiment": the
-- words train/training, val/valid/validation and test are taken out of the
-- name, names that then agree share a colour, and the word picks the dash
-- (train solid, validation dashed, test dotted).
local tocha = require "tocha"
local utils = require "tocha.utils"

local plot = {}

plot.palette = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
  "#7f7f7f", "#bcbd22" }
plot.dashes = {
  solid = false,
  dashed = { 10, 6 },
  dotted = { 2, 5 },
  dashdot = { 10, 5, 2, 5 },
  longdash = { 20, 6 },
}
local dash_cycle = { "solid", "dashed", "dotted", "dashdot", "longdash" }


-- depth: how many helper calls lie between the API function and this call.
local function fail(fname, arg, msg, depth)
  error(string.format("bad argument #%d to '%s' (%s)", arg, fname, msg), 3 + (depth or 0))
end

-- ---- text metrics (cairo's, for the font the canvas draws with) ------------

local core = require "tocha.core"
-- Text of scale s is FONT_PX * s pixels high (scale 2: 13 px); layouts
-- place text by its cap height (ASCENT * size above the baseline, what
-- digits and capitals reach) and leave DESCENT * size below it.
local FONT_PX, ASCENT, DESCENT = 6.5, 0.73, 0.24

local function font_size(scale) return FONT_PX * scale end

local width_cache, cached = {}, 0
--- The width in pixels of `s` at text scale `scale` (or font size `size`
-- when `scale` is nil).
local function text_width(s, scale, size)
  size = size or font_size(scale)
  local key = size .. "\0" .. s
  local w = width_cache[key]
  if not w then
    if cached >= 4096 then width_cache, cached = {}, 0 end
    w = core.textExtents(s, size)
    width_cache[key], cached = w, cached + 1
  end
  return w
end

-- ---- numbers and ticks ----------------------------------------------------------

local function is_finite(v)
  return type(v) == "number" and v == v and v ~= math.huge and v ~= -math.huge
end

-- Decimals needed to write multiples of `step` exactly (at most 10).
local function decimals_for(step)
  for d = 0, 10 do
    local scaled = step * 10 ^ d
    if math.abs(scaled - math.floor(scaled + 0.5)) < 1e-6 * scaled then return d end
  end
  return 10
end

local function format_tick(v, step)
  local a = math.abs(v)
  if (a ~= 0 and (a >= 1e6 or a < 1e-4)) or (step and step < 1e-4) then
    local s = string.format("%.3g", v):gsub("e%+?(%-?)0*(%d)", "e%1%2")
    return s
  end
  local s = string.format("%." .. decimals_for(step or a) .. "f", v)
  return s
end

-- A "nice" step (1, 2, 2.5 or 5 times a power of ten) near range / n.
local function nice_step(range, n)
  local raw = range / n
  local mag = 10 ^ math.floor(math.log(raw, 10))
  for _, m in ipairs({ 1, 2, 2.5, 5, 10 }) do
    if raw <= m * mag * (1 + 1e-9) then return m * mag end
  end
  return 10 * mag
end

-- Linear axis: limits and ticks for data in [lo, hi].  nice_limits widens
-- the limits to ticks (for y); integers keeps steps >= 1 (epochs).
local function linear_axis(lo, hi, nice_limits, integers, target)
  if lo == hi then
    local pad = lo == 0 and 1 or math.abs(lo) * 0.1
    lo, hi = lo - pad, hi + pad
  end
  local step = nice_step(hi - lo, target or 6)
  if integers and step < 1 then step = 1 end
  if nice_limits then
    lo = math.floor(lo / step + 1e-9) * step
    hi = math.ceil(hi / step - 1e-9) * step
  end
  local ticks = {}
  local first = math.ceil(lo / step - 1e-9)
  for k = first, first + 1000 do
    local v = k * step
    if v > hi + step * 1e-9 then break end
    if math.abs(v) < step * 1e-9 then v = 0 end
    ticks[#ticks + 1] = { value = v, label = format_tick(v, step) }
  end
  return lo, hi, ticks
end

local function format_log_tick(v)
  local e = math.log(v, 10)
  local k = math.floor(e + 0.5)
  if math.abs(e - k) < 1e-9 and (k >= 5 or k <= -4) then return "1e" .. k end
  return format_tick(v, nil)
end

-- Log axis: limits padded a little in log space; ticks at 10^k, adding
-- 2 and 5 times 10^k (or every integer multiple) when there are few decades.
local function log_axis(lo, hi)
  local llo, lhi = math.log(lo, 10), math.log(hi, 10)
  if lhi - llo < 1e-9 then llo, lhi = llo - 0.5, lhi + 0.5 end
  local pad = (lhi - llo) * 0.04
  llo, lhi = llo - pad, lhi + pad
  local function collect(mults)
    local ticks = {}
    for k = math.floor(llo) - 1, math.ceil(lhi) + 1 do
      for _, m in ipairs(mults) do
        local v = m * 10 ^ k
        local lv = math.log(v, 10)
        if lv >= llo - 1e-9 and lv <= lhi + 1e-9 then
          ticks[#ticks + 1] = { value = v, label = format_log_tick(v) }
        end
      end
    end
    return ticks
  end
  local ticks = collect({ 1 })
  if #ticks < 5 then ticks = collect({ 1, 2, 5 }) end
  if #ticks < 3 then ticks = collect({ 1, 2, 3, 4, 5, 6, 7, 8, 9 }) end
  if #ticks > 10 then -- many decades: every other one
    local fewer = {}
    for i = 1, #ticks, 2 do fewer[#fewer + 1] = ticks[i] end
    ticks = fewer
  end
  return 10 ^ llo, 10 ^ lhi, ticks
end

-- ---- series styles ------------------------------------------------------------

local roles = {
  { pattern = { "training", "train" }, role = "train" },
  { pattern = { "validation", "valid", "val" }, role = "val" },
  { pattern = { "testing", "test" }, role = "test" },
}
local role_dash = { train = "solid", val = "dashed", test = "dotted" }

-- The role word of a name and the name without it (the "experiment").
local function split_role(name)
  local lower = name:lower()
  for _, r in ipairs(roles) do
    for _, word in ipairs(r.pattern) do
      local s, e = lower:find("%f[%w]" .. word .. "%f[^%w]")
      if s then
        local rest = (lower:sub(1, s - 1) .. " " .. lower:sub(e + 1)):gsub("%s+", " ")
        rest = rest:gsub("^[%s%-_/:.,]+", ""):gsub("[%s%-_/:.,]+$", "")
        return r.role, rest
      end
    end
  end
  return nil, lower
end

local function resolve_dash(dash, fname, arg)
  if dash == nil or dash == false then return nil end
  if type(dash) == "string" then
    local d = plot.dashes[dash]
    if d == nil then
      fail(fname, arg, string.format("unknown dash style '%s' (solid, dashed, dotted, dashdot, longdash or a table)",
        dash), 1)
    end
    return d or nil
  end
  if type(dash) == "table" then
    for i = 1, #dash do
      if not is_finite(dash[i]) or dash[i] < 0 then fail(fname, arg, "dash lengths must be numbers >= 0", 1) end
    end
    return #dash > 0 and dash or nil
  end
  fail(fname, arg, "dash must be a style name or a table of lengths, got " .. type(dash), 1)
end

-- The series of a panel with their styles settled: an explicit colour or
-- dash is kept, the others are chosen as the header says.
local function assign_styles(series)
  local groups, ngroups, out = {}, 0, {}
  for _, s in ipairs(series) do
    local role, key = split_role(s.name)
    local g = groups[key]
    if not g then
      ngroups = ngroups + 1
      g = { index = ngroups, dashes = {} }
      groups[key] = g
    end
    local dash_name = role and role_dash[role] or "solid"
    -- Past the palette, groups that reuse a colour get another dash.
    local cycle = (g.index - 1) // #plot.palette
    if cycle > 0 and dash_name == "solid" then dash_name = dash_cycle[cycle % #dash_cycle + 1] end
    -- Two series of one group with the same dash: take the next free one.
    for k = 1, #dash_cycle do
      if not g.dashes[dash_name] then break end
      dash_name = dash_cycle[k]
    end
    g.dashes[dash_name] = true
    local dash = s.dash
    if dash == nil then dash = plot.dashes[dash_name] end
    out[#out + 1] = { name = s.name, x = s.x, y = s.y, width = s.width, marker = s.marker,
      color = s.color or plot.palette[(g.index - 1) % #plot.palette + 1], dash = dash or nil }
  end
  return out
end

-- ---- colours ----------------------------------------------------------------------

local function check_color(c, fname, arg)
  if type(c) ~= "string" or not (c:match("^#%x%x%x%x%x%x$") or c:match("^#%x%x%x%x%x%x%x%x$")) then
    fail(fname, arg, "colours are \"#rrggbb\" or \"#rrggbbaa\" strings, got " .. tostring(c), 1)
  end
  return c
end

-- ---- figures and panels -------------------------------------------------------------

local Figure = {}
Figure.__index = Figure
local Panel = {}
Panel.__index = Panel

local function opt_type(opts, key, kind, fname)
  local v = opts[key]
  if v ~= nil and type(v) ~= kind then
    fail(fname, 1, string.format("%s must be a %s, got %s", key, kind, type(v)), 1)
  end
  return v
end

--- plot.figure{title =, width =, height =, cols =, scale =}: an empty
-- figure; panels are added with fig:panel{...}.  width and height default
-- to 680 x 480 pixels per panel; cols (panels per row) to all of them;
-- scale (the text size, 1..4) to 2.
function plot.figure(opts)
  opts = opts or {}
  if type(opts) ~= "table" then fail("figure", 1, "options table expected, got " .. type(opts)) end
  local fig = setmetatable({ panels = {} }, Figure)
  fig.title = opt_type(opts, "title", "string", "figure")
  fig.width = opts.width
  fig.height = opts.height
  for _, key in ipairs({ "width", "height" }) do
    local v = utils.integer(opts[key])
    if opts[key] ~= nil and (v == nil or v < 64 or v > 16384) then
      fail("figure", 1, string.format("%s must be an integer 64..16384, got %s", key, tostring(opts[key])))
    end
    fig[key] = v
  end
  fig.cols = utils.integer(opts.cols)
  if opts.cols ~= nil and (fig.cols == nil or fig.cols < 1) then
    fail("figure", 1, "cols must be an integer >= 1, got " .. tostring(opts.cols))
  end
  fig.scale = utils.integer(opts.scale or 2)
  if fig.scale == nil or fig.scale < 1 or fig.scale > 4 then
    fail("figure", 1, "scale must be an integer 1..4, got " .. tostring(opts.scale))
  end
  return fig
end

local legend_places = { best = true, none = true, ["upper right"] = true, ["upper left"] = true,
  ["lower right"] = true, ["lower left"] = true }

--- fig:panel{title =, xlabel =, ylabel =, logy =, xmin =, xmax =, ymin =,
-- ymax =, zoom =, legend = "best" | "upper right" | ... | "none"}: a new
-- panel.  zoom = f (0 < f <= 1) fits the y axis to the curves over the
-- last fraction f of the x range (e.g. 0.7: the early epochs' high errors
-- leave the panel and small differences at the end become visible).
function Figure:panel(opts)
  opts = opts or {}
  if type(opts) ~= "table" then fail("panel", 1, "options table expected, got " .. type(opts)) end
  local p = setmetatable({ series = {} }, Panel)
  for _, key in ipairs({ "title", "xlabel", "ylabel" }) do p[key] = opt_type(opts, key, "string", "panel") end
  p.logy = opts.logy and true or false
  for _, key in ipairs({ "xmin", "xmax", "ymin", "ymax" }) do
    local v = opts[key]
    if v ~= nil and not is_finite(v) then fail("panel", 1, key .. " must be a finite number") end
    p[key] = v
  end
  if p.logy and ((p.ymin and p.ymin <= 0) or (p.ymax and p.ymax <= 0)) then
    fail("panel", 1, "ymin and ymax must be > 0 on a log scale")
  end
  if opts.zoom ~= nil and (type(opts.zoom) ~= "number" or not (opts.zoom > 0 and opts.zoom <= 1)) then
    fail("panel", 1, "zoom must be a number in (0, 1], got " .. tostring(opts.zoom))
  end
  p.zoom = opts.zoom
  p.legend = opts.legend or "best"
  if not legend_places[p.legend] then fail("panel", 1, "unknown legend place '" .. tostring(p.legend) .. "'") end
  self.panels[#self.panels + 1] = p
  return p
end

-- A list of numbers from a table (nil holes allowed up to n) or a 1-D tensor.
local function to_numbers(v, what, arg, n)
  if tocha.isTensor(v) then
    if v:dim() > 1 then fail("line", arg, what .. " must be a 1-D tensor or a table of numbers", 1) end
    return v:dim() == 0 and {} or v:totable(), v:nElement()
  end
  if type(v) ~= "table" then
    fail("line", arg, what .. " must be a table of numbers or a 1-D tensor, got " .. type(v), 1)
  end
  n = n or #v
  local out = {}
  for i = 1, n do
    local x = v[i]
    if x ~= nil and type(x) ~= "number" then
      fail("line", arg, string.format("%s[%d] must be a number, got %s", what, i, type(x)), 1)
    end
    out[i] = x == nil and 0 / 0 or x
  end
  return out, n
end

--- panel:line(name, ys [, style]) or panel:line(name, xs, ys [, style]):
-- a series (x defaults to 1, 2, ...).  Non-finite values, and values <= 0
-- on a log scale, leave gaps.  style: color ("#rrggbb"), dash (a name of
-- plot.dashes or a table of lengths), width (2), marker (draw dots).
function Panel:line(name, a, b, c)
  if type(name) ~= "string" then fail("line", 1, "series name (a string) expected, got " .. type(name)) end
  local xs, ys, style, style_arg
  local b_is_style = type(b) == "table" and not tocha.isTensor(b) and #b == 0 and next(b) ~= nil
  if b == nil or b_is_style then
    ys, style, style_arg = a, b, 3
  else
    xs, ys, style, style_arg = a, b, c, 4
  end
  local y, n = to_numbers(ys, "y", style_arg - 1)
  local x
  if xs == nil then
    x = {}
    for i = 1, n do x[i] = i end
  else
    x = to_numbers(xs, "x", 2)
    if #x ~= n then fail("line", 3, string.format("%d y values for %d x values", n, #x)) end
  end
  style = style or {}
  if type(style) ~= "table" then fail("line", style_arg, "style table expected, got " .. type(style)) end
  local s = { name = name, x = x, y = y, width = style.width or 2, marker = style.marker }
  if style.color ~= nil then s.color = check_color(style.color, "line", style_arg) end
  if style.dash ~= nil then s.dash = resolve_dash(style.dash, "line", style_arg) or false end
  if not is_finite(s.width) or s.width <= 0 then fail("line", style_arg, "width must be a number > 0") end
  self.series[#self.series + 1] = s
  return self
end

-- ---- layout: the figure as a list of shapes ------------------------------------------

local AXIS, GRID, TEXT, FRAME = "#333333", "#e6e6e6", "#222222", "#bbbbbb"

-- Data ranges of a panel (finite points; > 0 on a log scale).  With
-- p.zoom = f the y range is that of the last fraction f of the x range
-- only: curves that start far away (the first epochs) leave the panel at
-- the top, and the part that matters fills it.
local function data_range(p)
  local xlo, xhi, ylo, yhi, integers = math.huge, -math.huge, math.huge, -math.huge, true
  local function each(f)
    for _, s in ipairs(p.series) do
      for i = 1, #s.y do
        local x, y = s.x[i], s.y[i]
        if is_finite(x) and is_finite(y) and (not p.logy or y > 0) then f(x, y) end
      end
    end
  end
  each(function(x)
    xlo, xhi = math.min(xlo, x), math.max(xhi, x)
    if x ~= math.floor(x) then integers = false end
  end)
  local from = p.zoom and xhi - p.zoom * (xhi - xlo) - 1e-9 or -math.huge
  each(function(x, y)
    if x >= from then ylo, yhi = math.min(ylo, y), math.max(yhi, y) end
  end)
  if xlo > xhi then xlo, xhi, integers = 0, 1, false end
  if ylo > yhi then ylo, yhi = p.logy and 0.1 or 0, 1 end
  if p.zoom and not p.logy and yhi > ylo then -- a margin, so the curves do not touch the frame
    local m = (yhi - ylo) * 0.08
    ylo, yhi = ylo - m, yhi + m
  end
  return xlo, xhi, ylo, yhi, integers
end

local function text_item(items, x, y, str, opts)
  items[#items + 1] = { kind = "text", x = x, y = y, text = str, color = opts.color or TEXT,
    size = opts.size, anchor = opts.anchor or "start", vertical = opts.vertical, bold = opts.bold }
end

local function rect_item(items, x, y, w, h, color, clip)
  items[#items + 1] = { kind = "rect", x = x, y = y, w = w, h = h, color = color, clip = clip }
end

-- Where the legend goes: a named corner, or for "best" the place among a
-- 3 x 3 grid (corners first, then edges, then the centre) covering the
-- fewest samples of the lines.
local function place_legend(place, area, w, h, paths)
  local m = 10
  local xs = { area.x1 - m - w, area.x0 + m, (area.x0 + area.x1 - w) / 2 }
  local ys = { area.y0 + m, area.y1 - m - h, (area.y0 + area.y1 - h) / 2 }
  local named = { ["upper right"] = { 1, 1 }, ["upper left"] = { 2, 1 }, ["lower right"] = { 1, 2 },
    ["lower left"] = { 2, 2 } }
  if place ~= "best" then
    local c = named[place]
    return xs[c[1]], ys[c[2]]
  end
  local order = { { 1, 1 }, { 2, 1 }, { 1, 2 }, { 2, 2 }, { 1, 3 }, { 3, 1 }, { 3, 2 }, { 2, 3 }, { 3, 3 } }
  -- Sample every line every 4 pixels or so.
  local samples = {}
  for _, path in ipairs(paths) do
    local px, py = path.xs, path.ys
    for i = 1, #px do
      local x0, y0 = px[i], py[i]
      if x0 == x0 and y0 == y0 then
        local x1, y1 = px[i + 1] or x0, py[i + 1] or y0
        if x1 ~= x1 or y1 ~= y1 then x1, y1 = x0, y0 end
        local steps = math.max(1, math.ceil(math.max(math.abs(x1 - x0), math.abs(y1 - y0)) / 4))
        for k = 0, steps - 1 do
          samples[#samples + 1] = x0 + (x1 - x0) * k / steps
          samples[#samples + 1] = y0 + (y1 - y0) * k / steps
        end
      end
    end
  end
  local best, bx, by = math.huge, xs[1], ys[1]
  for _, c in ipairs(order) do
    local cx, cy = xs[c[1]], ys[c[2]]
    local hits = 0
    for k = 1, #samples, 2 do
      local x, y = samples[k], samples[k + 1]
      if x >= cx - 4 and x <= cx + w + 4 and y >= cy - 4 and y <= cy + h + 4 then hits = hits + 1 end
    end
    if hits < best then best, bx, by = hits, cx, cy end
  end
  return bx, by
end

-- A line of many more points than pixel columns (a value per step of a
-- long run): per column, the first, lowest, highest and last points, in
-- their order, draw the same picture from at most four points a column.
-- Gaps (NaN) are kept.
local function decimate(xs, ys)
  local ox, oy = {}, {}
  local i, n = 1, #xs
  while i <= n do
    local x = xs[i]
    if x ~= x then
      ox[#ox + 1], oy[#oy + 1] = x, ys[i]
      i = i + 1
    else
      local col, j, lo, hi = math.floor(x), i, i, i
      while j < n and xs[j + 1] == xs[j + 1] and math.floor(xs[j + 1]) == col do
        j = j + 1
        if ys[j] < ys[lo] then lo = j end
        if ys[j] > ys[hi] then hi = j end
      end
      local keep = { i, lo, hi, j }
      table.sort(keep)
      local last
      for _, k in ipairs(keep) do
        if k ~= last then ox[#ox + 1], oy[#oy + 1], last = xs[k], ys[k], k end
      end
      i = j + 1
    end
  end
  return ox, oy
end
plot.decimate = decimate

-- Lays out one panel inside the cell (x, y, w, h); appends shapes to items.
local function layout_panel(p, items, cell, scale, clip_id)
  local s = scale
  local fs = font_size(s)
  local asc, desc = ASCENT * fs, DESCENT * fs
  local line_h = asc + desc + 2 * s
  local pad = 6 * s
  local top = cell.y + pad
  if p.title then
    text_item(items, cell.x + cell.w / 2, top + asc * 1.1, p.title, { size = fs * 1.1, anchor = "middle", bold = true })
    top = top + line_h * 1.1 + pad
  end
  local xlo, xhi, ylo, yhi, integers = data_range(p)
  if p.xmin then xlo = p.xmin end
  if p.xmax then xhi = p.xmax end
  if p.ymin then ylo = p.ymin end
  if p.ymax then yhi = p.ymax end
  if xlo > xhi then xlo, xhi = xhi, xlo end
  if ylo > yhi then ylo, yhi = yhi, ylo end
  local xticks, yticks
  xlo, xhi, xticks = linear_axis(xlo, xhi, false, integers, 8)
  if p.logy then
    ylo, yhi, yticks = log_axis(ylo, yhi)
  else
    ylo, yhi, yticks = linear_axis(ylo, yhi, p.ymin == nil and p.ymax == nil, false, 6)
    if p.ymin then ylo = p.ymin end
    if p.ymax then yhi = p.ymax end
  end
  -- Room for the y tick labels and the y label on the left, the x tick
  -- labels and the x label below.
  local label_w = 0
  for _, t in ipairs(yticks) do label_w = math.max(label_w, text_width(t.label, nil, fs)) end
  local left = cell.x + pad + (p.ylabel and (line_h + pad) or 0) + label_w + 4 * s
  local bottom = cell.y + cell.h - pad - (p.xlabel and (line_h + pad) or 0) - line_h - 3 * s
  local right = cell.x + cell.w - pad - 4 * s
  top = top + asc / 2
  local area = { x0 = math.floor(left), y0 = math.floor(top), x1 = math.floor(right), y1 = math.floor(bottom) }
  if area.x1 - area.x0 < 20 or area.y1 - area.y0 < 20 then
    error("plot: the figure is too small for its panels (make width/height larger)", 0)
  end
  local function X(v) return area.x0 + (v - xlo) / (xhi - xlo) * (area.x1 - area.x0) end
  local function Y(v)
    if p.logy then
      local l0 = math.log(ylo, 10)
      return area.y1 - (math.log(v, 10) - l0) / (math.log(yhi, 10) - l0) * (area.y1 - area.y0)
    end
    return area.y1 - (v - ylo) / (yhi - ylo) * (area.y1 - area.y0)
  end
  -- Grid, ticks and their labels.
  local aw, ah = area.x1 - area.x0, area.y1 - area.y0
  for _, t in ipairs(yticks) do
    local yy = math.floor(Y(t.value) + 0.5)
    if yy >= area.y0 and yy <= area.y1 then
      if yy > area.y0 and yy < area.y1 then rect_item(items, area.x0, yy, aw, 1, GRID) end
      rect_item(items, area.x0 - 2 * s, yy, 2 * s, 1, AXIS)
      text_item(items, area.x0 - 4 * s, yy + asc / 2, t.label, { size = fs, anchor = "end" })
    end
  end
  for _, t in ipairs(xticks) do
    local xx = math.floor(X(t.value) + 0.5)
    if xx >= area.x0 and xx <= area.x1 then
      if xx > area.x0 and xx < area.x1 then rect_item(items, xx, area.y0, 1, ah, GRID) end
      rect_item(items, xx, area.y1, 1, 2 * s, AXIS)
      text_item(items, xx, area.y1 + 3 * s + asc + s, t.label, { size = fs, anchor = "middle" })
    end
  end
  -- Frame: light on top and right, the axes darker.
  rect_item(items, area.x0, area.y0, aw, 1, FRAME)
  rect_item(items, area.x1, area.y0, 1, ah + 1, FRAME)
  rect_item(items, area.x0, area.y1, aw + 1, 1, AXIS)
  rect_item(items, area.x0 - 1, area.y0, 1, ah + 1, AXIS)
  if p.xlabel then
    text_item(items, (area.x0 + area.x1) / 2, cell.y + cell.h - pad - desc, p.xlabel,
      { size = fs, anchor = "middle" })
  end
  if p.ylabel then
    text_item(items, cell.x + pad + asc, (area.y0 + area.y1) / 2, p.ylabel,
      { size = fs, anchor = "middle", vertical = true })
  end
  -- The series, clipped to the plotting area.
  local clip = { area.x0, area.y0, area.x1 + 1, area.y1 + 1, id = clip_id }
  local series = assign_styles(p.series)
  local paths = {}
  for _, sr in ipairs(series) do
    local xs, ys = {}, {}
    for i = 1, #sr.y do
      local x, y = sr.x[i], sr.y[i]
      if is_finite(x) and is_finite(y) and (not p.logy or y > 0) then
        -- Far outside the area (user limits, a zoom): clamp, keeping coordinates sane.
        xs[i] = math.max(-1e6, math.min(1e6, X(x)))
        ys[i] = math.max(-1e6, math.min(1e6, Y(y)))
      else
        xs[i], ys[i] = 0 / 0, 0 / 0
      end
    end
    local lx, ly = xs, ys
    if #xs > 2 * aw then lx, ly = decimate(xs, ys) end
    local path = { kind = "path", xs = lx, ys = ly, color = sr.color, width = sr.width, dash = sr.dash or nil,
      clip = clip }
    if sr.marker ~= "only" then items[#items + 1] = path end
    paths[#paths + 1] = path
    if sr.marker then
      for i = 1, #xs do
        if xs[i] == xs[i] then
          items[#items + 1] = { kind = "disc", x = xs[i], y = ys[i], r = sr.width + 1.5, color = sr.color,
            clip = clip }
        end
      end
    end
  end
  -- The legend.
  if p.legend ~= "none" and #series > 0 then
    local sample = 18 * s
    local row_h = line_h + s
    local name_w = 0
    for _, sr in ipairs(series) do name_w = math.max(name_w, text_width(sr.name, nil, fs)) end
    local w = math.ceil(4 * s + sample + 4 * s + name_w + 4 * s)
    local h = math.ceil(#series * row_h + 4 * s)
    local lx, ly = place_legend(p.legend, area, w, h, paths)
    lx, ly = math.floor(lx), math.floor(ly)
    rect_item(items, lx, ly, w, h, "#ffffffe6")
    rect_item(items, lx, ly, w, 1, FRAME)
    rect_item(items, lx, ly + h - 1, w, 1, FRAME)
    rect_item(items, lx, ly, 1, h, FRAME)
    rect_item(items, lx + w - 1, ly, 1, h, FRAME)
    for i, sr in ipairs(series) do
      local cy = ly + 2 * s + (i - 1) * row_h + row_h / 2
      local x0 = lx + 4 * s
      if sr.marker ~= "only" then
        items[#items + 1] = { kind = "path", xs = { x0, x0 + sample }, ys = { cy, cy }, color = sr.color,
          width = sr.width, dash = sr.dash or nil }
      end
      if sr.marker then
        items[#items + 1] = { kind = "disc", x = x0 + sample / 2, y = cy, r = sr.width + 1.5, color = sr.color }
      end
      text_item(items, x0 + sample + 4 * s, cy + asc / 2, sr.name, { size = fs })
    end
  end
end

--- The figure's size and its list of shapes.
function Figure:layout()
  local n = #self.panels
  if n == 0 then error("plot: the figure has no panels (add one with fig:panel{...})", 0) end
  local cols = math.min(self.cols or n, n)
  local rows = (n + cols - 1) // cols
  local s = self.scale
  local W = self.width or 680 * cols
  local title_fs = font_size(s) * 1.35
  if self.title and text_width(self.title, nil, title_fs) > W - 20 then title_fs = font_size(s) end
  local title_h = self.title and math.floor((ASCENT + DESCENT) * title_fs + 10 * s) or 0
  local H = self.height or (480 * rows + title_h)
  local items = {}
  if self.title then
    text_item(items, W / 2, 5 * s + ASCENT * title_fs, self.title, { size = title_fs, anchor = "middle", bold = true })
  end
  local cw, ch = W / cols, (H - title_h) / rows
  for i, p in ipairs(self.panels) do
    local r, c = (i - 1) // cols, (i - 1) % cols
    local cell = { x = math.floor(c * cw), y = math.floor(title_h + r * ch), w = math.floor(cw), h = math.floor(ch) }
    layout_panel(p, items, cell, s, "clip" .. i)
  end
  return W, H, items
end

-- ---- drawing: one path for every canvas -------------------------------------------------------

local anchors = { start = 0, middle = 0.5, ["end"] = 1 }

-- Draws the shapes on a canvas (tocha.core.canvas).
local function draw(canvas, items)
  for _, it in ipairs(items) do
    local clip = it.clip and { it.clip[1], it.clip[2], it.clip[3], it.clip[4] } or nil
    if it.kind == "rect" then
      canvas:rect(it.x, it.y, it.w, it.h, it.color, clip)
    elseif it.kind == "path" then
      local xy = {}
      for i = 1, #it.xs do
        xy[2 * i - 1], xy[2 * i] = it.xs[i], it.ys[i]
      end
      canvas:polyline(xy, it.width, it.color, it.dash, clip)
    elseif it.kind == "disc" then
      canvas:disc(it.x, it.y, it.r, it.color, clip)
    elseif it.kind == "text" then
      canvas:text(it.x, it.y, it.text, it.size, it.color, anchors[it.anchor], it.vertical, it.bold)
    end
  end
end

--- The figure drawn in memory: a ByteTensor height x width x 3 (RGB).
function Figure:render()
  local W, H, items = self:layout()
  local canvas = core.canvas("image", nil, W, H)
  local ok, err = pcall(draw, canvas, items)
  local pixels = ok and canvas:pixels()
  canvas:free()
  if not ok then error(err, 2) end
  return pixels
end

plot.formats = { png = true, svg = true, pdf = true }

--- fig:save(path): a PNG, SVG or PDF as path ends in .png, .svg or .pdf
-- (the file is replaced in one step: never half written).
function Figure:save(path)
  if type(path) ~= "string" then fail("save", 1, "file name expected, got " .. type(path)) end
  local ext = path:lower():match("%.(%w+)$")
  if not plot.formats[ext] then
    fail("save", 1, "file name must end in .png, .svg or .pdf, got '" .. path .. "'")
  end
  local W, H, items = self:layout()
  local canvas = core.canvas(ext, path, W, H)
  local ok, err = pcall(function()
    draw(canvas, items)
    canvas:close()
  end)
  if not ok then
    canvas:free()
    error("plot: cannot write '" .. path .. "': " .. tostring(err), 2)
  end
  return self
end

--- The figure as an SVG document (a string).
function Figure:svg()
  local tmp = os.tmpname()
  local ok, err = pcall(self.save, self, tmp .. ".svg")
  os.remove(tmp)
  if not ok then
    os.remove(tmp .. ".svg")
    error(err, 2)
  end
  local f = assert(io.open(tmp .. ".svg", "rb"))
  local doc = f:read("a")
  f:close()
  os.remove(tmp .. ".svg")
  return doc
end

-- ---- one call ------------------------------------------------------------------------------------

local function add_series(panel, list)
  if type(list) ~= "table" then fail("chart", 1, "series must be a list of {name =, y = [, x =]} tables") end
  for i, sr in ipairs(list) do
    if type(sr) ~= "table" or type(sr.name) ~= "string" or sr.y == nil then
      fail("chart", 1, string.format("series[%d] must be a table {name = string, y = values [, x = values]}", i))
    end
    if sr.x ~= nil then
      panel:line(sr.name, sr.x, sr.y, sr)
    else
      panel:line(sr.name, sr.y, sr)
    end
  end
end

--- plot.chart{title =, width =, height =, cols =, scale =, path =,
--   series = {...} with xlabel =, ylabel =, logy =, ... for one panel,
--   or panels = {{title =, xlabel =, ..., series = {...}}, ...}}
-- -> the figure (also saved to path when given).
function plot.chart(spec)
  if type(spec) ~= "table" then fail("chart", 1, "chart description (a table) expected, got " .. type(spec)) end
  local fig = plot.figure{ title = spec.title, width = spec.width, height = spec.height, cols = spec.cols,
    scale = spec.scale }
  local panels = spec.panels
  if panels == nil then
    panels = { { xlabel = spec.xlabel, ylabel = spec.ylabel, logy = spec.logy, legend = spec.legend, zoom = spec.zoom,
      xmin = spec.xmin, xmax = spec.xmax, ymin = spec.ymin, ymax = spec.ymax, series = spec.series or {} } }
  end
  for _, pspec in ipairs(panels) do
    local panel = fig:panel{ title = pspec.title, xlabel = pspec.xlabel, ylabel = pspec.ylabel, logy = pspec.logy,
      legend = pspec.legend, zoom = pspec.zoom, xmin = pspec.xmin, xmax = pspec.xmax, ymin = pspec.ymin,
      ymax = pspec.ymax }
    add_series(panel, pspec.series or {})
  end
  if spec.path ~= nil then fig:save(spec.path) end
  return fig
end

-- ---- for the REPL: plot.lines ------------------------------------------------------------------

local lines_options = { title = true, xlabel = true, ylabel = true, logy = true, width = true, height = true,
  legend = true, zoom = true }

--- plot.lines{path, name = ys | {xs, ys}, ... [, title =, xlabel =,
-- ylabel =, logy =, width =, height =]}: draws the named series (tables of
-- numbers or 1-D tensors; ys alone plots against 1, 2, ...) as one panel
-- into path (.png, .svg or .pdf), the names in alphabetical order.
-- Returns the figure.
--   plot.lines{"loss.png", train = {0.9, 0.5, 0.4}, val = {1.0, 0.7, 0.6}, logy = true}
function plot.lines(spec)
  if type(spec) ~= "table" then
    fail("lines", 1, "table {path, name = values, ...} expected, got " .. type(spec))
  end
  local path = spec[1] or spec.path
  if type(path) ~= "string" then fail("lines", 1, "the first entry must be the file name (.png, .svg or .pdf)") end
  local names = {}
  for k in pairs(spec) do
    if type(k) == "string" and not lines_options[k] and k ~= "path" then names[#names + 1] = k end
  end
  table.sort(names)
  if #names == 0 then fail("lines", 1, "no series (give them as name = values)") end
  local series = {}
  for _, name in ipairs(names) do
    local v = spec[name]
    if type(v) == "table" and not tocha.isTensor(v) and #v == 2 and type(v[1]) ~= "number" then
      series[#series + 1] = { name = name, x = v[1], y = v[2] }
    else
      series[#series + 1] = { name = name, y = v }
    end
  end
  return plot.chart{ title = spec.title, xlabel = spec.xlabel, ylabel = spec.ylabel, logy = spec.logy,
    width = spec.width or 800, height = spec.height or 500, legend = spec.legend, zoom = spec.zoom, series = series,
    path = path }
end

plot.Figure, plot.Panel = Figure, Panel
plot.text_width = text_width
plot.split_role = split_role
plot.font_size = font_size

return plot
