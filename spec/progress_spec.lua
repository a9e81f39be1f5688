-- tocha.progress: rendering into a fake stream, with a fake clock.
local tocha = require "tocha"
local progress = tocha.progress

local function fake_stream()
  local s = { writes = {} }
  function s.write(self, text) self.writes[#self.writes + 1] = text end
  function s.text(self) return table.concat(self.writes) end
  return s
end

local function fake_clock(start)
  local c = { now = start or 100 }
  function c.fn() return c.now end
  return c
end

local function assert_error(pattern, f)
  local ok, err = pcall(f)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

local function count(text, char)
  local _, n = text:gsub(char, "")
  return n
end

describe("tocha.progress", function()
  it("is loaded lazily as tocha.progress", function()
    assert.are.equal(require "tocha.progress", tocha.progress)
  end)

  it("formats times and rates", function()
    assert.are.equal("00:00", progress.format_time(0))
    assert.are.equal("00:59", progress.format_time(59.4))
    assert.are.equal("01:00", progress.format_time(59.5))
    assert.are.equal("02:05", progress.format_time(125))
    assert.are.equal("1:00:00", progress.format_time(3600))
    assert.are.equal("27:46:40", progress.format_time(100000))
    assert.are.equal("--:--", progress.format_time(nil))
    assert.are.equal("--:--", progress.format_time(math.huge))
    assert.are.equal("--:--", progress.format_time(0 / 0))
    assert.are.equal("412/s", progress.format_rate(412.3))
    assert.are.equal("41.2/s", progress.format_rate(41.23))
    assert.are.equal("1.0/s", progress.format_rate(1))
    assert.are.equal("2.50s/it", progress.format_rate(0.4))
    assert.are.equal("0.0/s", progress.format_rate(0))
    assert.are.equal("?/s", progress.format_rate(nil))
  end)

  describe("on a terminal", function()
    it("redraws one line with \\r: bar, percentage, count, rate, elapsed<ETA, extra", function()
      local s, c = fake_stream(), fake_clock()
      local bar = progress.new(10, { label = "epoch 3", stream = s, tty = true, width = 80, clock = c.fn })
      c.now = c.now + 2
      bar:update(4, "loss 0.5000")
      assert.are.equal(1, #s.writes)
      -- 4 items in 2 s: 2.0/s; 6 left: 3 s.  The line fills 79 columns:
      -- "epoch 3 [" (9) + bar (29) + "]  40% 4/10 2.0/s 00:02<00:03 loss 0.5000" (41).
      local expected = "\repoch 3 [" .. string.rep("=", 11) .. ">" .. string.rep(".", 17)
        .. "]  40% 4/10 2.0/s 00:02<00:03 loss 0.5000"
      assert.are.equal(expected, s.writes[1])
      assert.are.equal(80, #s.writes[1]) -- "\r" + 79 columns
    end)

    it("draws a full bar at the end and a newline at finish", function()
      local s, c = fake_stream(), fake_clock()
      local bar = progress.new(4, { stream = s, tty = true, width = 50, clock = c.fn })
      c.now = c.now + 8
      bar:update(4)
      -- 4 items in 8 s: 2.00 s per item; 49 columns: "[" + bar (17) + "] " + 29 of numbers
      assert.are.equal("\r[" .. string.rep("=", 17) .. "] 100% 4/4 2.00s/it 00:08<00:00", s.writes[#s.writes])
      bar:finish()
      assert.are.equal("\n", s.writes[#s.writes])
      assert.are.equal(2, #s.writes) -- nothing changed: no second drawing
      bar:finish()
      assert.are.equal(2, #s.writes) -- finishing twice does nothing
    end)

    it("throttles redraws to one per interval but always shows the final state", function()
      local s, c = fake_stream(), fake_clock()
      local bar = progress.new(1000, { stream = s, tty = true, clock = c.fn })
      for i = 1, 1000 do
        c.now = c.now + 0.001 -- 1000 items/s: one second in all
        bar:update(i)
      end
      local text = s:text()
      -- the first update, then one per 0.1 s (9 more before the end), then the last
      local draws = count(text, "\r")
      assert.are.equal(11, draws)
      assert.is_truthy(s.writes[#s.writes]:find("100% 1000/1000", 1, true))
      local before = #s.writes
      bar:finish("done")
      assert.are.equal(before + 2, #s.writes) -- the summary text changed: redraw, then "\n"
      assert.is_truthy(s.writes[before + 1]:find("1000/1000 1000/s 00:01<00:00 done", 1, true))
    end)

    it("blanks what a shorter line leaves behind", function()
      local s, c = fake_stream(), fake_clock()
      local bar = progress.new(nil, { stream = s, tty = true, clock = c.fn, interval = 0 })
      c.now = c.now + 1
      bar:update(1, "a long extra text")
      local first = s.writes[1]
      c.now = c.now + 1
      bar:update(2, "x")
      local second = s.writes[2]
      assert.are.equal(#first, #second)
      assert.are.equal("\r2 1.0/s 00:02 x", second:gsub(" +$", ""))
    end)

    it("without a total shows count, rate and elapsed time", function()
      local s, c = fake_stream(), fake_clock()
      local bar = progress.new(nil, { label = "reading", stream = s, tty = true, clock = c.fn })
      c.now = c.now + 4
      bar:update(10)
      assert.are.equal("\rreading 10 2.5/s 00:04", s.writes[1])
    end)

    it("counts one more when update gets no count, and keeps the extra text", function()
      local s, c = fake_stream(), fake_clock()
      local bar = progress.new(3, { stream = s, tty = true, clock = c.fn, interval = 0, width = 80 })
      c.now = c.now + 1
      bar:update(nil, "loss 1")
      c.now = c.now + 1
      bar:update()
      assert.are.equal(2, bar.done)
      assert.is_truthy(s.writes[2]:find(" 66% 2/3 1.0/s 00:02<00:01 loss 1", 1, true))
    end)

    it("truncates to the width when the extra text is long", function()
      local s, c = fake_stream(), fake_clock()
      local bar = progress.new(5, { stream = s, tty = true, clock = c.fn, width = 40 })
      bar:update(1, string.rep("z", 100))
      assert.are.equal(40, #s.writes[1])
      assert.is_truthy(s.writes[1]:find("[" .. string.rep("=", 2) .. ">", 1, true))
    end)
  end)

  describe("not on a terminal", function()
    it("prints nothing during the loop and one summary line at finish", function()
      local s, c = fake_stream(), fake_clock()
      local bar = progress.new(200, { label = "epoch 1", stream = s, tty = false, clock = c.fn })
      for i = 1, 200 do
        c.now = c.now + 0.0125
        bar:update(i, "loss 0.25")
      end
      assert.are.equal(0, #s.writes)
      bar:finish()
      assert.are.same({ "epoch 1: 200/200 in 2.5s (80.0/s) loss 0.25\n" }, s.writes)
    end)

    it("uses the finish text and minutes for long runs", function()
      local s, c = fake_stream(), fake_clock()
      local bar = progress.new(10, { stream = s, tty = false, clock = c.fn })
      c.now = c.now + 125
      bar:update(10)
      bar:finish("acc 0.9")
      assert.are.same({ "10/10 in 02:05 (12.50s/it) acc 0.9\n" }, s.writes)
    end)
  end)

  it("tocha.progress(i, n) has xlua.progress's shape", function()
    local s, c = fake_stream(), fake_clock()
    local saved = progress.defaults
    progress.defaults = { stream = s, tty = false, clock = c.fn }
    local ok, err = pcall(function()
      for i = 1, 5 do
        c.now = c.now + 1
        progress(i, 5)
      end
      -- the bar starts at the first call: 5 items in 4 s
      assert.are.same({ "5/5 in 4.0s (1.2/s)\n" }, s.writes)
      -- a loop that stops early is finished when the next one starts
      progress(1, 4)
      progress(2, 4)
      c.now = c.now + 1
      progress(1, 4)
      assert.are.equal(2, #s.writes)
      assert.are.equal("2/4 in 1.0s (2.0/s)\n", s.writes[2])
      assert.is_false(progress.current().finished)
      progress(4, 4)
      assert.is_true(progress.current().finished)
    end)
    progress.defaults = saved
    assert(ok, err)
  end)

  it("detects terminals only for io.stdout and io.stderr", function()
    assert.is_false(progress.isatty(fake_stream()))
    assert.are.equal("boolean", type(progress.isatty(io.stdout)))
    local bar = progress.new(3, { stream = fake_stream() })
    assert.is_false(bar.tty)
  end)

  it("rejects bad arguments with clear errors", function()
    assert_error("bad argument #1 to 'new' (number of items >= 0 or nil expected, got -1)",
      function() progress.new(-1) end)
    assert_error("bad argument #2 to 'new' (option 'stream' must have a write method, got number)",
      function() progress.new(3, { stream = 5 }) end)
    assert_error("bad argument #2 to 'new' (option 'tty' must be a boolean, got string)",
      function() progress.new(3, { tty = "yes" }) end)
    assert_error("bad argument #2 to 'new' (option 'width' must be an integer >= 20, got 5)",
      function() progress.new(3, { width = 5 }) end)
    local bar = progress.new(3, { stream = fake_stream(), tty = false })
    assert_error("bad argument #1 to 'update' (number of items done >= 0 expected, got abc)",
      function() bar:update("abc") end)
    bar:finish()
    assert_error("this progress bar is finished", function() bar:update(1) end)
    assert_error("bad argument #2 to 'progress' (number > 0 expected, got 0)", function() progress(1, 0) end)
  end)

  describe("in a narrow terminal", function()
    it("never writes past width - 1 columns, whatever the label and extra text", function()
      for _, width in ipairs({ 20, 30, 45, 60 }) do
        local s, c = fake_stream(), fake_clock()
        local bar = progress.new(1000, { label = "epoch 12", stream = s, tty = true, width = width, clock = c.fn,
          interval = 0 })
        for i = 1, 1000, 37 do
          c.now = c.now + 0.5
          bar:update(i, "loss 0.123456 lr 0.0500")
        end
        bar:finish()
        for piece in s:text():gmatch("[^\r\n]+") do
          assert.is_true(utf8.len(piece) <= width - 1, width .. ": '" .. piece .. "'")
        end
        -- the numbers stay when room is short; the extra text goes first
        assert.is_truthy(bar:line():find("100%", 1, true), bar:line())
      end
    end)

    it("follows the terminal's width at each redraw (TIOCGWINSZ through progress.termwidth)", function()
      local s, c = fake_stream(), fake_clock()
      local saved = progress.termwidth
      local columns = 60
      progress.termwidth = function() return columns end
      local ok, err = pcall(function()
        local bar = progress.new(10, { stream = s, tty = true, clock = c.fn, interval = 0 })
        bar:update(1)
        assert.are.equal(59, #bar:line())
        columns = 40
        bar:update(2)
        assert.are.equal(39, #bar:line())
        -- the blanking of a longer line stops at the new width
        local last = s.writes[#s.writes]
        assert.is_true(#last <= 40, last)
      end)
      progress.termwidth = saved
      assert(ok, err)
    end)

    it("reads the width of a real terminal", function()
      -- script(1) gives the child a pseudo-terminal; stty sets it 50 columns wide
      local probe = ("stty cols 50 rows 10; LUA_PATH=%q LUA_CPATH=%q lua5.4 -e %q"):format(package.path, package.cpath,
        'local p = require "tocha.progress"; io.write("cols=", tostring(p.termwidth(io.stdout)), ' ..
        '" tty=", tostring(p.isatty(io.stdout)), "\\n")')
      local f = io.popen("script -qec " .. ("%q"):format(probe) .. " /dev/null 2>&1")
      if not f then return end
      local out = f:read("a")
      f:close()
      if not out:find("cols=", 1, true) then return end -- no script(1) here
      assert.is_truthy(out:find("cols=50", 1, true), out)
      assert.is_truthy(out:find("tty=true", 1, true), out)
      -- a stream that is not a descriptor has no width
      assert.is_nil(progress.termwidth(fake_stream()))
    end)
  end)

  it("never shows more than 100%, nor counts past the total", function()
    local s, c = fake_stream(), fake_clock()
    local bar = progress.new(30, { stream = s, tty = true, width = 80, clock = c.fn })
    c.now = c.now + 1
    bar:update(40)
    assert.is_truthy(bar:line():find("100% 30/30", 1, true), bar:line())
    assert.is_falsy(s:text():find("133%", 1, true))
    bar:finish()
  end)

  it("clears a finished bar (terminal) or writes no summary (elsewhere) with clear = true", function()
    local s, c = fake_stream(), fake_clock()
    local bar = progress.new(5, { stream = s, tty = true, width = 40, clock = c.fn, clear = true })
    c.now = c.now + 1
    bar:update(5)
    local drawn = #s:text()
    bar:finish()
    local tail = s:text():sub(drawn + 1)
    assert.is_truthy(tail:match("^\r +\r$"), ("%q"):format(tail)) -- blanked, the cursor back at column 0
    assert.is_falsy(tail:find("\n", 1, true))
    local plain = fake_stream()
    local quiet = progress.new(5, { stream = plain, tty = false, clear = true, clock = c.fn })
    quiet:update(5)
    quiet:finish()
    assert.are.equal("", plain:text())
    assert_error("option 'clear' must be a boolean, got string", function() progress.new(1, { clear = "yes" }) end)
  end)
end)
