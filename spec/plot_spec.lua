-- tocha.plot and tocha.image: the SVG is well-formed and says what it
-- should; the PNG is a valid file (signature, IHDR, CRCs checked here in
-- Lua) with ink where the lines are; the drawing primitives and PNG
-- functions of tocha.image from Lua.
local tocha = require "tocha"
local plot = require "tocha.plot"
local image = tocha.image

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

local function texts(root)
  local list = {}
  for _, t in ipairs(elements(root, "text")) do list[#list + 1] = t.text end
  return list
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

describe("tocha.plot", function()
  after_each(function()
    for _, suffix in ipairs({ "", ".svg", ".png" }) do os.remove(tmp .. suffix) end
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

  it("writes well-formed SVG with the title, labels, ticks and series names", function()
    local fig = sample_figure()
    fig:save(tmp .. ".svg")
    local svg = read_file(tmp .. ".svg")
    assert.are.equal(svg, fig:svg())
    local root = parse_xml(svg)
    assert.are.equal("svg", root.name)
    assert.are.equal("http://www.w3.org/2000/svg", root.attrs.xmlns)
    assert.are.equal("1000", root.attrs.width)
    assert.are.equal("420", root.attrs.height)
    local t = texts(root)
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
    -- one clip rectangle per panel
    assert.are.equal(2, #elements(root, "clipPath"))
  end)

  it("styles series: colour per experiment, dash per train/val, explicit styles kept", function()
    local root = parse_xml(sample_figure():svg())
    local strokes = {}
    for _, p in ipairs(elements(root, "path")) do
      if p.attrs["clip-path"] then strokes[#strokes + 1] = p.attrs end
    end
    assert.are.equal(5, #strokes)
    local train_d, val_d, train_nd, err, custom = table.unpack(strokes)
    assert.are.equal(train_d.stroke, val_d.stroke)       -- same experiment
    assert.are_not.equal(train_d.stroke, train_nd.stroke) -- another one
    assert.is_nil(train_d["stroke-dasharray"])            -- train: solid
    assert.are.equal("10 6", val_d["stroke-dasharray"])    -- validation: dashed
    assert.are.equal("#000000", custom.stroke)
    assert.are.equal("4 2", custom["stroke-dasharray"])
    assert.are.equal(plot.palette[1], err.stroke)         -- a new panel starts the palette again
    -- the gap: two subpaths
    local _, moves = train_nd.d:gsub("M", "")
    assert.are.equal(2, moves)
    -- markers are circles: two points, and one in the legend
    assert.are.equal(3, #elements(root, "circle"))
  end)

  it("writes a valid PNG of the figure's size, every CRC correct", function()
    local fig = sample_figure()
    fig:save(tmp .. ".png")
    local chunks = png_chunks(read_file(tmp .. ".png"))
    assert.are.equal("IHDR", chunks[1].kind)
    local w, h, depth, ctype, comp, filter, interlace = string.unpack(">I4I4BBBBB", chunks[1].body)
    assert.are.same({ 1000, 420, 8, 2, 0, 0, 0 }, { w, h, depth, ctype, comp, filter, interlace })
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
    -- and the file reads back as the rendered canvas
    local back = image.loadPNG(tmp .. ".png")
    assert.are.same({ 420, 1000, 3 }, back:size():totable())
    assert.are.equal(0, back:ne(fig:render()):sum())
  end)

  it("puts ink where the lines are and leaves the background white", function()
    local fig = plot.figure{ width = 400, height = 300 }
    local p = fig:panel{ legend = "none" }
    p:line("flat", { 1, 2, 3, 4, 5 }, { 0.5, 0.5, 0.5, 0.5, 0.5 }, { color = "#d62728" })
    local canvas = fig:render()
    assert.are.equal("tocha.ByteTensor", canvas:type())
    assert.are.same({ 300, 400, 3 }, canvas:size():totable())
    local _, _, items = fig:layout()
    local path
    for _, it in ipairs(items) do
      if it.kind == "path" then path = it end
    end
    -- the middle of the line (a 2-px horizontal stroke covers its row fully)
    local x, y = math.floor(path.xs[3]), math.floor(path.ys[3])
    assert.are.same({ 0xd6, 0x27, 0x28 }, { canvas[{ y + 1, x + 1, 1 }], canvas[{ y + 1, x + 1, 2 }],
      canvas[{ y + 1, x + 1, 3 }] })
    -- 20 px above it: nothing but background (or a light grid line)
    assert.is_true(canvas[{ y - 19, x + 1, 1 }] >= 0xe6)
    assert.are.same({ 255, 255, 255 }, { canvas[{ 1, 1, 1 }], canvas[{ 1, 1, 2 }], canvas[{ 1, 1, 3 }] })
    -- red ink only along the line: one or two rows (as the line sits on the pixel grid)
    local red_rows = 0
    for row = 1, 300 do
      local px = { canvas[{ row, x + 1, 1 }], canvas[{ row, x + 1, 2 }] }
      if px[1] > 200 and px[2] < 100 then red_rows = red_rows + 1 end
    end
    assert.is_true(red_rows == 1 or red_rows == 2, tostring(red_rows))
  end)

  it("draws the same shapes in both back ends", function()
    local fig = sample_figure()
    local _, _, items = fig:layout()
    local count = { text = 0, path = 0, rect = 0, disc = 0 }
    for _, it in ipairs(items) do count[it.kind] = count[it.kind] + 1 end
    local root = parse_xml(fig:svg())
    assert.are.equal(count.text, #elements(root, "text"))
    assert.are.equal(count.path, #elements(root, "path"))
    assert.are.equal(count.disc, #elements(root, "circle"))
    assert.are.equal(count.rect + 1, #elements(root, "rect") - #elements(root, "clipPath")) -- + the background
  end)

  it("builds a chart from one description and measures text like the font", function()
    local fig = plot.chart{ title = "t", xlabel = "x", ylabel = "y", path = tmp .. ".svg",
      series = { { name = "a", y = { 3, 1, 2 } }, { name = "b", x = { 0, 10 }, y = { 0, 1 }, dash = "dotted" } } }
    assert.are.equal(1, #fig.panels)
    local t = texts(parse_xml(read_file(tmp .. ".svg")))
    assert.is_true(contains(t, "a") and contains(t, "b") and contains(t, "t"))
    assert.are.equal(34, plot.text_width("abc", 2))
    assert.are.equal(image.textWidth("train loss", 2), plot.text_width("train loss", 2))
    local two = plot.chart{ panels = { { title = "p1", series = { { name = "s", y = { 1, 2 } } } },
      { title = "p2", series = { { name = "s", y = { 2, 1 } } } } }, cols = 1 }
    local _, h = two:layout()
    assert.are.equal(960, h) -- two rows of 480
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
    assert_error("file name must end in .svg or .png, got 'chart.jpg'", fig.save, fig, "chart.jpg")
    local tiny = plot.figure{ width = 64, height = 64 }
    tiny:panel{ title = "t", xlabel = "x", ylabel = "y" }
    assert_error("the figure is too small", tiny.svg, tiny)
  end)

  it("handles empty panels, constant data and a log axis without positive values", function()
    local fig = plot.figure{ width = 500, height = 300 }
    fig:panel{ title = "empty" }
    fig:panel{ logy = true }:line("zero", { 0, 0, -1 })
    fig:panel():line("const", { 2, 2, 2 })
    local root = parse_xml(fig:svg())
    assert.is_true(contains(texts(root), "empty"))
    assert.are.same({ 300, 500, 3 }, fig:render():size():totable())
  end)
end)

-- ---- tocha.image from Lua -----------------------------------------------------------

describe("tocha.image", function()
  after_each(function() os.remove(tmp .. ".png") end)

  local function pixel(c, x, y) -- 0-based x, y as in the drawing calls
    return { c[{ y + 1, x + 1, 1 }], c[{ y + 1, x + 1, 2 }], c[{ y + 1, x + 1, 3 }] }
  end

  it("fills rectangles with area coverage, and clips", function()
    local c = tocha.ByteTensor(10, 20, 3):fill(255)
    image.fillRect(c, 2, 3, 4.5, 2, { color = "#ff0000" })
    assert.are.same({ 255, 0, 0 }, pixel(c, 2, 3))
    assert.are.same({ 255, 128, 128 }, pixel(c, 6, 4)) -- half covered
    assert.are.same({ 255, 255, 255 }, pixel(c, 7, 3))
    image.fillRect(c, 10, 0, 10, 2, { color = { 0, 0, 255 }, clip = { 0, 0, 12, 10 } })
    assert.are.same({ 0, 0, 255 }, pixel(c, 11, 1))
    assert.are.same({ 255, 255, 255 }, pixel(c, 12, 1))
    image.fillRect(c, 0, 8, 1, 1, { color = "#00000080" }) -- half-transparent black
    assert.are.same({ 127, 127, 127 }, pixel(c, 0, 8))
  end)

  it("strokes polylines: width, dashes, gaps; draws discs and text", function()
    local c = tocha.ByteTensor(40, 60, 4):fill(255)
    image.drawPolyline(c, { 0, 40 }, { 10, 10 }, { width = 2, color = "#0000ff", dash = { 4, 4 } })
    assert.are.same({ 0, 0, 255 }, pixel(c, 1, 9))
    assert.are.same({ 0, 0, 255 }, pixel(c, 1, 10))
    assert.are.same({ 255, 255, 255 }, pixel(c, 5, 10)) -- in a gap of the dashes
    assert.are.same({ 255, 255, 255 }, pixel(c, 1, 11))
    image.drawPolyline(c, { 0, 20, 0 / 0, 40, 59 }, { 30, 30, 0 / 0, 30, 30 }, { width = 2 })
    assert.are.same({ 0, 0, 0 }, pixel(c, 10, 30))
    assert.are.same({ 255, 255, 255 }, pixel(c, 30, 30))
    image.drawDisc(c, 50.5, 10.5, 3, { color = "#00ff00" })
    assert.are.same({ 0, 255, 0 }, pixel(c, 50, 10))
    -- 'I' at scale 2 with its baseline at y = 24: the stem is x 14..15, y 12..23
    image.drawText(c, 10, 24, "I", { scale = 2, color = "#123456" })
    assert.are.same({ 0x12, 0x34, 0x56 }, pixel(c, 14, 16))
    assert.are.same({ 255, 255, 255 }, pixel(c, 12, 16))
    assert.are.equal(11, image.textWidth("ab"))
    assert.are.equal(22, image.textWidth("ab", 2))
  end)

  it("saves, loads, encodes and decodes PNGs exactly", function()
    local img = tocha.ByteTensor(5, 7, 4)
    for y = 1, 5 do
      for x = 1, 7 do
        for k = 1, 4 do img[{ y, x, k }] = (y * 37 + x * 11 + k * 53) % 256 end
      end
    end
    image.savePNG(tmp .. ".png", img)
    local back = image.loadPNG(tmp .. ".png")
    assert.are.same(img:totable(), back:totable())
    local s = image.encodePNG(img, 9)
    assert.are.equal("\137PNG", s:sub(1, 4))
    assert.are.same(img:totable(), image.decodePNG(s):totable())
    -- gray (2-D) and a transposed view
    local gray = tocha.ByteTensor({ { 0, 128 }, { 255, 7 } })
    local g = image.decodePNG(image.encodePNG(gray:t()))
    assert.are.same({ 2, 2, 1 }, g:size():totable())
    assert.are.same({ { { 0 }, { 255 } }, { { 128 }, { 7 } } }, g:totable())
  end)

  it("rejects bad canvases, images and options", function()
    local c = tocha.ByteTensor(4, 4, 3)
    assert_error("bad argument #1 to 'fillRect' (canvas must be a ByteTensor, got a FloatTensor)",
      function() image.fillRect(tocha.FloatTensor(4, 4, 3), 0, 0, 1, 1) end)
    assert_error("canvas must be h x w x 3 (RGB) or h x w x 4 (RGBA), got size 4x4",
      function() image.fillRect(tocha.ByteTensor(4, 4), 0, 0, 1, 1) end)
    assert_error("bad argument #6 to 'fillRect' (colour must be \"#rrggbb\" or \"#rrggbbaa\", got \"#12\")",
      function() image.fillRect(c, 0, 0, 1, 1, { color = "#12" }) end)
    assert_error("bad argument #4 to 'fillRect' (width must be finite and >= 0, got -1)",
      function() image.fillRect(c, 0, 0, -1, 1) end)
    assert_error("bad argument #4 to 'drawPolyline' (line width must be > 0, got 0)",
      function() image.drawPolyline(c, { 0 }, { 0 }, { width = 0 }) end)
    assert_error("bad argument #3 to 'drawPolyline' (1 y coordinates for 2 x coordinates)",
      function() image.drawPolyline(c, { 0, 1 }, { 0 }) end)
    assert_error("bad argument #2 to 'drawPolyline' (coordinate 2 is not a number (use 0/0 for a gap))",
      function() image.drawPolyline(c, { 0, "x" }, { 0, 1 }) end)
    assert_error("bad argument #4 to 'drawPolyline' (dash lengths must not all be 0)",
      function() image.drawPolyline(c, { 0, 1 }, { 0, 1 }, { dash = { 0, 0 } }) end)
    assert_error("bad argument #5 to 'drawText' (font scale must be an integer 1..16",
      function() image.drawText(c, 0, 0, "x", { scale = 0 }) end)
    assert_error("bad argument #5 to 'drawDisc' (opts.clip must be a table {x0, y0, x1, y1})",
      function() image.drawDisc(c, 0, 0, 1, { clip = { 1, 2 } }) end)
    assert_error("bad argument #2 to 'savePNG' (image must be a ByteTensor, got a DoubleTensor)",
      function() image.savePNG(tmp .. ".png", tocha.DoubleTensor(2, 2, 3)) end)
    assert_error("bad argument #1 to 'savePNG' (cannot open '/nonexistent-dir/x.png' for writing)",
      function() image.savePNG("/nonexistent-dir/x.png", c) end)
    assert_error("bad argument #2 to 'encodePNG' (compression level must be -1..9, got 12)",
      function() image.encodePNG(c, 12) end)
    assert_error("bad argument #1 to 'decodePNG' (not a valid PNG: no PNG signature)",
      function() image.decodePNG("GIF89a") end)
    local s = image.encodePNG(c)
    assert_error("not a valid PNG: truncated chunk", image.decodePNG, s:sub(1, -3))
    assert_error("bad argument #1 to 'loadPNG' (cannot open '/nonexistent-dir/x.png')",
      function() image.loadPNG("/nonexistent-dir/x.png") end)
  end)
end)
