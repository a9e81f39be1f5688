-- tocha.plot on cairo (tocha.core.canvas): the layout says what it should
-- (titles, labels, ticks, series names and styles); the SVG is well-formed,
-- the PNG a valid file (signature, IHDR, CRCs checked here in Lua) and the
-- PDF a PDF, all of the figure's size; the pixels have ink where the lines
-- are, antialiased; the zoom, plot.lines and the canvas' errors.
local tocha = require "tocha"
local plot = require "tocha.plot"
local core = require "tocha.core"

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- ---- a minimal XML reader: fails on anything not well-formed ------------------

local entities = { amp = "&", lt = "<", gt = ">", quot = '"', apos = "'" }

local function unescape(s)
  return (s:gsub("&(#?)(%w+);", function(hash, name)
    if hash == "#" then return utf8.char(tonumber(name)) end
    return assert(entities[name], "unknown entity &" .. name .. ";")
  end))
end

local function check_chars(s, what)
  assert(not s:find("<", 1, true), "'<' in " .. what)
  -- every '&' starts an entity
  for amp in s:gmatch("&[^;]*;?") do
    assert(amp:match("^&#%d+;$") or amp:match("^&%a+;$") and entities[amp:sub(2, -2)], "bad entity in " .. what)
  end
end

-- Parses an XML document into {name =, attrs =, children =, text =}; text
-- is the element's own character data, unescaped.
local function parse_xml(doc)
  local pos = 1
  local decl = doc:match("^<%?xml[^?]*%?>%s*")
  if decl then pos = #decl + 1 end
  local root, stack = nil, {}
  while pos <= #doc do
    local lt = doc:find("<", pos, true)
    local text = doc:sub(pos, (lt or #doc + 1) - 1)
    if #stack == 0 then
      assert(text:match("^%s*$"), "text outside the root element")
    else
      check_chars(text, "text")
      local top = stack[#stack]
      top.text = top.text .. unescape(text)
    end
    if not lt then break end
    local gt = doc:find(">", lt, true)
    assert(gt, "unterminated tag")
    local tag = doc:sub(lt + 1, gt - 1)
    pos = gt + 1
    if tag:sub(1, 1) == "/" then
      local name = tag:sub(2):match("^([%w:_-]+)%s*$")
      local open = table.remove(stack)
      assert(open and name == open.name, "</" .. tostring(name) .. "> closes <" .. tostring(open and open.name) .. ">")
    else
      local self_closing = tag:sub(-1) == "/"
      if self_closing then tag = tag:sub(1, -2) end
      local name, rest = tag:match("^([%w:_-]+)(.*)$")
      assert(name, "bad tag <" .. tag .. ">")
      local el = { name = name, attrs = {}, children = {}, text = "" }
      -- attributes: name="value", separated by spaces, nothing else
      local stripped = rest:gsub('%s+([%w:_-]+)="([^"]*)"', function(k, v)
        assert(el.attrs[k] == nil, "duplicate attribute " .. k)
        check_chars(v, "attribute " .. k)
        el.attrs[k] = unescape(v)
        return ""
      end)
      assert(stripped:match("^%s*$"), "malformed attributes in <" .. name .. ">: " .. stripped)
      if #stack > 0 then
        local parent = stack[#stack]
        parent.children[#parent.children + 1] = el
      else
        assert(root == nil, "two root elements")
        root = el
      end
      if not self_closing then stack[#stack + 1] = el end
    end
  end
  assert(#stack == 0, "unclosed <" .. tostring(stack[#stack] and stack[#stack].name) .. ">")
  assert(root, "no root element")
  return root
end

local function elements(root, name, out)
  out = out or {}
  for _, c in ipairs(root.children) do
    if c.name == name then out[#out + 1] = c end
    elements(c, name, out)
  end
  return out
end

local function contains(list, value)
  for _, v in ipairs(list) do
    if v == value then return true end
  end
  return false
end

-- ---- PNG chunks, with a CRC-32 written here ------------------------------------

local crc_table = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do
    if c & 1 == 1 then c = 0xEDB88320 ~ (c >> 1) else c = c >> 1 end
  end
  crc_table[i] = c
end

local function crc32(s)
  local c = 0xFFFFFFFF
  for i = 1, #s do c = crc_table[(c ~ s:byte(i)) & 0xFF] ~ (c >> 8) end
  return c ~ 0xFFFFFFFF
end

local function png_chunks(data)
  assert.are.equal("\137PNG\r\n\26\n", data:sub(1, 8))
  local chunks, pos = {}, 9
  while pos <= #data do
    local len, kind = string.unpack(">I4c4", data, pos)
    local body = data:sub(pos + 8, pos + 7 + len)
    local crc = string.unpack(">I4", data, pos + 8 + len)
    chunks[#chunks + 1] = { kind = kind, body = body, crc_ok = crc == crc32(kind .. body) }
    pos = pos + 12 + len
  end
  assert.are.equal(#data + 1, pos)
  return chunks
end

-- ---- charts ----------------------------------------------------------------------

local tmp = os.tmpname()

local function items_of(fig, kind)
  local _, _, items = fig:layout()
  local list = {}
  for _, it in ipairs(items) do
    if it.kind == kind then list[#list + 1] = it end
  end
  return list
end

local function layout_texts(fig)
  local list = {}
  for _, it in ipairs(items_of(fig, "text")) do list[#list + 1] = it.text end
  return list
end

describe("tocha.plot", function()
  after_each(function()
    for _, suffix in ipairs({ "", ".svg", ".png", ".pdf" }) do os.remove(tmp .. suffix) end
  end)

  local function sample_figure()
    local fig = plot.figure{ title = "Dropout & <friends> \"MLP\"", width = 1000, height = 420 }
    local loss = fig:panel{ title = "loss", xlabel = "epoch", ylabel = "NLL", logy = true }
    loss:line("train loss (dropout)", { 1, 0.3, 0.1, 0.05, 0.01 })
    loss:line("val loss (dropout)", { 1.1, 0.4, 0.2, 0.15, 0.12 })
    loss:line("train loss (no dropout)", { 0.9, 0.2, 0 / 0, 0.03, 0.02 }) -- a gap at epoch 3
    local err = fig:panel{ title = "error", xlabel = "epoch", ylabel = "error %" }
    err:line("train err", { 1, 2, 3, 4, 5 }, tocha.DoubleTensor({ 0, 0.25, 0.5, 0.75, 1 }))
    err:line("custom", { 1, 5 }, { 0.5, 0.5 }, { color = "#000000", dash = { 4, 2 }, marker = true })
    return fig
  end

  it("(the XML reader used here rejects malformed documents)", function()
    for _, bad in ipairs({ "<svg><g></svg>", '<svg a="1 & 2"/>', "<svg>x & y</svg>", "<svg><g>", '<svg a=1/>',
      "<svg/><svg/>", '<svg a="1" a="2"/>' }) do
      assert.is_false(pcall(parse_xml, bad), bad)
    end
    local ok = parse_xml('<?xml version="1.0"?>\n<svg a="&lt;&amp;"><text>a &gt; b</text><g/></svg>\n')
    assert.are.equal("<&", ok.attrs.a)
    assert.are.equal("a > b", ok.children[1].text)
  end)

  it("lays out the title, labels, ticks and series names", function()
    local t = layout_texts(sample_figure())
    for _, want in ipairs({ "Dropout & <friends> \"MLP\"", "loss", "error", "epoch", "NLL", "error %",
      "train loss (dropout)", "val loss (dropout)", "train loss (no dropout)", "train err", "custom" }) do
      assert.is_true(contains(t, want), want)
    end
    -- the log axis has decade ticks (and 2, 5 between them); the linear one 0.0 .. 1.0
    for _, want in ipairs({ "0.01", "0.1", "1", "0.02", "0.5" }) do assert.is_true(contains(t, want), want) end
    for _, want in ipairs({ "0.0", "0.2", "0.4", "0.6", "0.8", "1.0" }) do assert.is_true(contains(t, want), want) end
    -- x ticks are whole epochs
    for _, want in ipairs({ "1", "2", "3", "4", "5" }) do assert.is_true(contains(t, want), want) end
    assert.is_false(contains(t, "2.5"))
    -- text is measured with the font: wider strings are wider, and not in whole character cells
    assert.is_true(plot.text_width("WWWW", 2) > plot.text_width("iiii", 2))
    assert.is_true(plot.text_width("train loss", 2) > 0)
  end)

  it("writes well-formed SVG, a valid PNG and a PDF of the figure's size from one drawing", function()
    local fig = sample_figure()
    fig:save(tmp .. ".svg")
    local svg = read_file(tmp .. ".svg")
    local root = parse_xml(svg)
    assert.are.equal("svg", root.name)
    assert.are.equal("http://www.w3.org/2000/svg", root.attrs.xmlns)
    assert.are.equal("0 0 1000 420", root.attrs.viewBox)
    assert.is_true(#elements(root, "path") > 10) -- lines and glyphs are paths
    assert.are.equal("svg", parse_xml(fig:svg()).name)

    fig:save(tmp .. ".png")
    local chunks = png_chunks(read_file(tmp .. ".png"))
    assert.are.equal("IHDR", chunks[1].kind)
    local w, h, depth = string.unpack(">I4I4B", chunks[1].body)
    assert.are.same({ 1000, 420, 8 }, { w, h, depth })
    assert.are.equal("IEND", chunks[#chunks].kind)
    local idat = 0
    for _, c in ipairs(chunks) do
      assert.is_true(c.crc_ok, c.kind)
      if c.kind == "IDAT" then idat = idat + #c.body end
    end
    assert.is_true(idat > 1000)
    -- a damaged CRC is caught by the check above (the check works)
    local bad = read_file(tmp .. ".png")
    bad = bad:sub(1, 29) .. string.char(bad:byte(30) ~ 1) .. bad:sub(31)
    assert.is_false(png_chunks(bad)[1].crc_ok)

    fig:save(tmp .. ".pdf")
    local pdf = read_file(tmp .. ".pdf")
    assert.are.equal("%PDF-", pdf:sub(1, 5))
    assert.is_truthy(pdf:find("%%EOF%s*$"))
    assert.is_truthy(pdf:find("/MediaBox%s*%[%s*0 0 1000 420%s*%]"))
  end)

  it("styles series: colour per experiment, dash per train/val, explicit styles kept", function()
    local fig = sample_figure()
    local strokes = {}
    for _, p in ipairs(items_of(fig, "path")) do
      if p.clip then strokes[#strokes + 1] = p end
    end
    assert.are.equal(5, #strokes)
    local train_d, val_d, train_nd, err, custom = table.unpack(strokes)
    assert.are.equal(train_d.color, val_d.color)       -- same experiment
    assert.are_not.equal(train_d.color, train_nd.color) -- another one
    assert.is_nil(train_d.dash)                          -- train: solid
    assert.are.same({ 10, 6 }, val_d.dash)               -- validation: dashed
    assert.are.equal("#000000", custom.color)
    assert.are.same({ 4, 2 }, custom.dash)
    assert.are.equal(plot.palette[1], err.color)         -- a new panel starts the palette again
    assert.is_true(train_nd.ys[3] ~= train_nd.ys[3])     -- the gap
    -- markers are discs: two points, and one in the legend
    assert.are.equal(3, #items_of(fig, "disc"))
  end)

  it("puts antialiased ink where the lines are and leaves the background white", function()
    local fig = plot.figure{ width = 400, height = 300 }
    local p = fig:panel{ legend = "none" }
    p:line("flat", { 1, 2, 3, 4, 5 }, { 0.5, 0.5, 0.5, 0.5, 0.5 }, { color = "#d62728" })
    p:line("slope", { 1, 5 }, { 0.05, 0.3 }, { color = "#000000", width = 1.5 })
    local canvas = fig:render()
    assert.are.equal("tocha.ByteTensor", canvas:type())
    assert.are.same({ 300, 400, 3 }, canvas:size():totable())
    local path
    for _, it in ipairs(items_of(fig, "path")) do
      if it.color == "#d62728" then path = it end
    end
    -- the red line crosses column x: the rows it covers are red, with at
    -- most a partly covered (blended) row on each side
    local x = math.floor(path.xs[3])
    local red, blended = 0, 0
    for row = 1, 300 do
      local r, g, b = canvas[{ row, x + 1, 1 }], canvas[{ row, x + 1, 2 }], canvas[{ row, x + 1, 3 }]
      if r >= 0xd0 and g <= 0x30 and b <= 0x30 then
        red = red + 1
      elseif r > 0xd0 and g > 0x30 and g < 0xe0 and math.abs(g - b) < 8 then
        blended = blended + 1
      end
    end
    assert.is_true(red >= 1 and red <= 2, tostring(red))
    assert.is_true(blended <= 2, tostring(blended))
    -- 20 px above it: nothing but background (or a light grid line)
    local y = math.floor(path.ys[3])
    assert.is_true(canvas[{ y - 19, x + 1, 1 }] >= 0xe6)
    assert.are.same({ 255, 255, 255 }, { canvas[{ 1, 1, 1 }], canvas[{ 1, 1, 2 }], canvas[{ 1, 1, 3 }] })
    -- the sloped line is antialiased: grey levels between black and white
    local greys = {}
    for _, v in ipairs(canvas:select(3, 1):contiguous():view(-1):totable()) do
      if v > 20 and v < 230 then greys[v] = true end
    end
    local levels = 0
    for _ in pairs(greys) do levels = levels + 1 end
    assert.is_true(levels > 20, tostring(levels))
    -- and the PNG holds these pixels: the same drawing path
    fig:save(tmp .. ".png")
    assert.is_true(#read_file(tmp .. ".png") > 1000)
  end)

  it("zooms a panel's y axis to the last part of its curves", function()
    local ys_a, ys_b = {}, {}
    for e = 1, 30 do
      ys_a[e] = 14.6 + 40 / e ^ 2
      ys_b[e] = 14.9 + 40 / e ^ 2
    end
    local function y_ticks(zoom)
      local fig = plot.figure{ width = 600, height = 400 }
      local p = fig:panel{ zoom = zoom }
      p:line("a", ys_a)
      p:line("b", ys_b)
      local ticks = {}
      for _, it in ipairs(items_of(fig, "text")) do
        if it.anchor == "end" then ticks[#ticks + 1] = tonumber(it.text) end
      end
      table.sort(ticks)
      local paths = items_of(fig, "path")
      return ticks, paths[1].ys[30] - paths[2].ys[30] -- pixels between the curves at the end
    end
    local full, gap_full = y_ticks(nil)
    local zoomed, gap_zoomed = y_ticks(0.6)
    assert.is_true(full[#full] >= 50, tostring(full[#full]))    -- the whole range
    assert.is_true(zoomed[#zoomed] <= 20, tostring(zoomed[#zoomed]))
    assert.is_true(zoomed[1] >= 14, tostring(zoomed[1]))
    assert.is_true(gap_zoomed > 5 * gap_full, gap_zoomed .. " vs " .. gap_full)
    assert.is_true(gap_zoomed > 10)
    assert_error("zoom must be a number in (0, 1], got 2", plot.figure().panel, plot.figure(), { zoom = 2 })
  end)

  it("builds a chart from one description, and plot.lines writes one to a file", function()
    local fig = plot.chart{ title = "t", xlabel = "x", ylabel = "y", path = tmp .. ".svg",
      series = { { name = "a", y = { 3, 1, 2 } }, { name = "b", x = { 0, 10 }, y = { 0, 1 }, dash = "dotted" } } }
    assert.are.equal(1, #fig.panels)
    assert.is_truthy(read_file(tmp .. ".svg"):find("<svg", 1, true))
    local t = layout_texts(fig)
    assert.is_true(contains(t, "a") and contains(t, "b") and contains(t, "t"))
    local two = plot.chart{ panels = { { title = "p1", series = { { name = "s", y = { 1, 2 } } } },
      { title = "p2", series = { { name = "s", y = { 2, 1 } } } } }, cols = 1 }
    local _, h = two:layout()
    assert.are.equal(960, h) -- two rows of 480

    local lines = plot.lines{ tmp .. ".png", sin = { 0, 1, 0, -1 }, cos = { { 0, 1, 2, 3 }, { 1, 0, -1, 0 } },
      title = "waves", ylabel = "v" }
    assert.are.equal("IHDR", png_chunks(read_file(tmp .. ".png"))[1].kind)
    local names = {}
    for _, s in ipairs(lines.panels[1].series) do names[#names + 1] = s.name end
    assert.are.same({ "cos", "sin" }, names)
    assert.are.same({ 0, 1, 2, 3 }, lines.panels[1].series[1].x)
    assert.is_true(contains(layout_texts(lines), "waves"))
    assert_error("bad argument #1 to 'lines' (the first entry must be the file name", plot.lines, { sin = { 1 } })
    assert_error("bad argument #1 to 'lines' (no series", plot.lines, { tmp .. ".png" })
  end)

  it("rejects bad descriptions with clear errors", function()
    assert_error("bad argument #1 to 'figure' (width must be an integer 64..16384, got 10)", plot.figure,
      { width = 10 })
    local fig = plot.figure()
    assert_error("the figure has no panels", fig.svg, fig)
    local p = fig:panel()
    assert_error("bad argument #3 to 'line' (colours are \"#rrggbb\" or \"#rrggbbaa\" strings, got red)", p.line, p,
      "s", { 1, 2 }, { color = "red" })
    assert_error("unknown dash style 'wavy'", p.line, p, "s", { 1, 2 }, { dash = "wavy" })
    assert_error("bad argument #2 to 'line' (y[2] must be a number, got string)", p.line, p, "s", { 1, "2" })
    assert_error("bad argument #3 to 'line' (2 y values for 3 x values)", p.line, p, "s", { 1, 2, 3 }, { 1, 2 })
    assert_error("bad argument #1 to 'line' (series name (a string) expected, got number)", p.line, p, 1, { 1 })
    assert_error("unknown legend place 'middle'", fig.panel, fig, { legend = "middle" })
    assert_error("ymin and ymax must be > 0 on a log scale", fig.panel, fig, { logy = true, ymin = 0 })
    p:line("ok", { 1, 2 })
    assert_error("file name must end in .png, .svg or .pdf, got 'chart.jpg'", fig.save, fig, "chart.jpg")
    assert_error("plot: cannot write '/nonexistent-dir/x.png'", fig.save, fig, "/nonexistent-dir/x.png")
    local tiny = plot.figure{ width = 64, height = 64 }
    tiny:panel{ title = "t", xlabel = "x", ylabel = "y" }
    assert_error("the figure is too small", tiny.svg, tiny)
  end)

  it("handles empty panels, constant data and a log axis without positive values", function()
    local fig = plot.figure{ width = 500, height = 300 }
    fig:panel{ title = "empty" }
    fig:panel{ logy = true }:line("zero", { 0, 0, -1 })
    fig:panel():line("const", { 2, 2, 2 })
    assert.is_true(contains(layout_texts(fig), "empty"))
    parse_xml(fig:svg())
    assert.are.same({ 300, 500, 3 }, fig:render():size():totable())
  end)
end)

-- ---- the canvas from Lua (tocha.core.canvas) ------------------------------------------

describe("tocha.core.canvas", function()
  -- The binding names the argument; the function's name depends on how it is reached.
  local function assert_arg(n, msg, f, ...)
    local ok, err = pcall(f, ...)
    assert.is_false(ok)
    err = tostring(err)
    assert.is_truthy(err:find("bad argument #" .. n .. " ", 1, true), err)
    assert.is_truthy(err:find(msg, 1, true), err)
  end

  local function pixel(px, x, y) -- 0-based x, y as in the drawing calls
    return { px[{ y + 1, x + 1, 1 }], px[{ y + 1, x + 1, 2 }], px[{ y + 1, x + 1, 3 }] }
  end

  it("fills rectangles, strokes polylines with gaps and dashes, draws discs and text, and clips", function()
    local c = core.canvas("image", nil, 60, 40)
    c:rect(2, 3, 4, 2, "#ff0000")
    c:rect(10, 0, 10, 2, "#0000ff", { 0, 0, 12, 10 })
    c:polyline({ 0, 10.5, 40, 10.5 }, 1, "#00ff00", { 4, 4 })
    c:polyline({ 0, 30.5, 20, 30.5, 0 / 0, 0 / 0, 40, 30.5, 59, 30.5 }, 1, "#000000")
    c:disc(50, 20, 3, "#00ff00")
    c:text(30, 38, "Ab", 12, "#123456", 0.5)
    local px = c:pixels()
    c:close()
    assert.are.same({ 255, 0, 0 }, pixel(px, 3, 4))
    assert.are.same({ 255, 255, 255 }, pixel(px, 7, 4))
    assert.are.same({ 0, 0, 255 }, pixel(px, 11, 1))
    assert.are.same({ 255, 255, 255 }, pixel(px, 12, 1)) -- clipped
    assert.are.same({ 0, 255, 0 }, pixel(px, 1, 10))
    assert.are.same({ 255, 255, 255 }, pixel(px, 6, 10)) -- a gap of the dashes
    assert.are.same({ 0, 0, 0 }, pixel(px, 10, 30))
    assert.are.same({ 255, 255, 255 }, pixel(px, 30, 30)) -- the gap of 0/0
    assert.are.same({ 0, 255, 0 }, pixel(px, 50, 20))
    -- the text left ink around x = 30 above its baseline
    local ink = 0
    for x = 22, 38 do
      for y = 28, 37 do
        if pixel(px, x, y)[1] < 200 then ink = ink + 1 end
      end
    end
    assert.is_true(ink > 10, tostring(ink))
    local w, ascent, descent = core.textExtents("Ab", 12)
    assert.is_true(w > 10 and w < 20 and ascent > 8 and descent > 1, w .. " " .. ascent .. " " .. descent)
  end)

  it("rejects bad canvases, shapes and colours", function()
    assert_arg(1, "(invalid option 'gif')", core.canvas, "gif", "x.gif", 10, 10)
    assert_arg(3, "(width must be 1..16384)", core.canvas, "image", nil, 0, 10)
    local c = core.canvas("image", nil, 10, 10)
    assert_error("colour must be \"#rrggbb\" or \"#rrggbbaa\", got \"#12\"", c.rect, c, 0, 0, 1, 1, "#12")
    assert_arg(4, "(width must be finite and >= 0, got -1)", c.rect, c, 0, 0, -1, 1,
      "#000000")
    assert_arg(3, "(line width must be > 0, got 0)", c.polyline, c, { 0, 0 }, 0,
      "#000000")
    assert_arg(2, "(coordinates come in x, y pairs)", c.polyline, c, { 0, 0, 1 }, 1,
      "#000000")
    assert_arg(2, "(coordinate 2 is not a number)", c.polyline, c, { 0, "x" }, 1,
      "#000000")
    assert_arg(5, "(dash lengths must not all be 0)", c.polyline, c, { 0, 0, 1, 1 }, 1,
      "#000000", { 0, 0 })
    assert_arg(6, "(clip must be a table {x0, y0, x1, y1})", c.disc, c, 0, 0, 1,
      "#000000", { 1, 2 })
    assert_arg(5, "(font size must be in (0, 1000], got 0)", c.text, c, 0, 0, "x", 0,
      "#000000")
    c:close()
    assert_error("the canvas is closed", c.rect, c, 0, 0, 1, 1, "#000000")
    local svg = core.canvas("svg", tmp .. ".svg", 10, 10)
    assert_error("an SVG or PDF canvas has no pixels", svg.pixels, svg)
    svg:free()
    assert.is_nil(io.open(tmp .. ".svg")) -- freed unwritten
    local bad = core.canvas("png", "/nonexistent-dir/x.png", 10, 10)
    assert_error("/nonexistent-dir/x.png", bad.close, bad)
  end)
end)
