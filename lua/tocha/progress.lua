-- tocha.progress: a progress bar for long loops (epochs, batches).
--
--   local bar = tocha.progress.new(#batches, { label = "epoch 3" })
--   for i = 1, #batches do
--     ...
--     bar:update(i, string.format("loss %.4f", loss))
--   end
--   bar:finish()
--
-- or, with Torch7's xlua.progress shape, tocha.progress(i, n) (one bar at a
-- time, finished when i reaches n).
--
-- On a terminal the bar redraws one line with "\r":
--   epoch 3 [=============>..........]  58% 580/1000 412.3/s 00:01<00:01 loss 0.1234
-- at most ~10 times per second (every update that moves to the last item,
-- and finish(), draw at once, so the final state is always shown).
-- Anywhere else (a pipe, a file, CI logs) it writes nothing during the loop
-- and one plain line at finish():
--   epoch 3: 1000/1000 in 2.4s (412.3/s) loss 0.1234
-- With the option clear = true a finished bar leaves nothing: on a
-- terminal it blanks its line (for a table row that follows to take it),
-- elsewhere it writes no summary (the row is the epoch's one line).
--
-- The line never wraps: it is at most the terminal's width minus one
-- column, read from the terminal itself at every redraw (TIOCGWINSZ, so a
-- resized window is followed), and the percentage never passes 100 (done
-- beyond total counts as total).  Terminal or not: tocha.core.isatty on
-- the stream's descriptor (1 for io.stdout, 2 for io.stderr), and TERM
-- must be set and not "dumb".  Any other stream (a file, a table with
-- :write) is not a terminal.  The option tty = true/false forces either
-- mode; without it the environment variable TOCHA_PROGRESS=always|never|auto
-- does (any other value means auto).  The width is the option `width`, else
-- the terminal's, else the COLUMNS environment variable, else 80.
local utils = require "tocha.utils"
local core = require "tocha.core"
local progress = {}

-- ---- clock ---------------------------------------------------------------------
--- Wall-clock seconds (a float) from an arbitrary origin; only differences
-- mean something: tocha.clock(), clock_gettime(CLOCK_MONOTONIC) (os.clock()
-- is processor time and os.time() counts whole seconds).
progress.clock = core.clock

-- ---- terminal detection ---------------------------------------------------------
local fd_is_tty = {}

local function stream_fd(stream)
  if stream == io.stdout then return 1 end
  if stream == io.stderr then return 2 end
  return nil
end

--- Is `stream` (io.stdout or io.stderr) a terminal?  See the header.
function progress.isatty(stream)
  local fd = stream_fd(stream)
  if not fd then return false end
  local term = os.getenv("TERM")
  if term == nil or term == "" or term == "dumb" then return false end
  if fd_is_tty[fd] == nil then fd_is_tty[fd] = core.isatty(fd) end
  return fd_is_tty[fd]
end

--- The columns of the terminal behind `stream` (io.stdout or io.stderr),
-- or nil when it is not one or does not say.
function progress.termwidth(stream)
  local fd = stream_fd(stream)
  return fd and core.termsize(fd) or nil
end

local function resolve_tty(opt, stream)
  if opt ~= nil then return opt end
  local env = os.getenv("TOCHA_PROGRESS")
  if env == "always" then return true end
  if env == "never" then return false end
  return progress.isatty(stream)
end

-- ---- formatting -----------------------------------------------------------------
local utf8_len, truncate
--- "MM:SS", or "H:MM:SS" from one hour on; "--:--" when unknown.
function progress.format_time(seconds)
  if seconds == nil or seconds ~= seconds or seconds < 0 or seconds == math.huge then return "--:--" end
  local s = math.floor(seconds + 0.5)
  local h, m = s // 3600, s % 3600 // 60
  if h > 0 then return string.format("%d:%02d:%02d", h, m, s % 60) end
  return string.format("%02d:%02d", m, s % 60)
end

--- Items per second: "412/s", "41.2/s", or "2.50s/it" below one per second.
function progress.format_rate(rate)
  if rate == nil or rate ~= rate or rate == math.huge then return "?/s" end
  if rate >= 99.95 then return string.format("%.0f/s", rate) end
  if rate >= 1 or rate == 0 then return string.format("%.1f/s", rate) end
  return string.format("%.2fs/it", 1 / rate)
end

local function format_count(n)
  if math.type(n) == "float" and n == math.floor(n) and math.abs(n) < 2 ^ 53 then
    return string.format("%d", math.tointeger(n))
  end
  return tostring(n)
end

-- Summaries say "2.4s" below a minute, "01:05" from there on.
local function format_duration(seconds)
  if seconds < 60 then return string.format("%.1fs", seconds) end
  return progress.format_time(seconds)
end

-- ---- the bar ---------------------------------------------------------------------
local Bar = {}
Bar.__index = Bar

--- Defaults for every bar (and for the tocha.progress(i, n) form), e.g.
-- tocha.progress.defaults.tty = false.  Options given to new() win.
progress.defaults = {}

local MIN_BAR = 10

local function option(opts, key)
  local v = opts[key]
  if v == nil then v = progress.defaults[key] end
  return v
end

local function check_stream(stream)
  local ok, write = pcall(function() return stream.write end)
  return ok and write ~= nil
end

--- progress.new([total] [, opts]) -> bar.  total: the number of items (nil
-- when unknown: no bar, percentage or ETA).  opts: label (text before the
-- bar), stream (default io.stdout; anything with :write), tty (force the
-- mode), width (columns; default the terminal's), clear (a finished bar
-- leaves nothing, see the header), interval (seconds between redraws,
-- default 0.1), clock (a function returning seconds, for tests).
function progress.new(total, opts)
  if total ~= nil and (type(total) ~= "number" or total < 0 or total ~= total) then
    error(string.format("bad argument #1 to 'new' (number of items >= 0 or nil expected, got %s)", tostring(total)), 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error(string.format("bad argument #2 to 'new' (options table expected, got %s)", type(opts)), 2)
  end
  opts = opts or {}
  local stream = option(opts, "stream") or io.stdout
  if not check_stream(stream) then
    error(string.format("bad argument #2 to 'new' (option 'stream' must have a write method, got %s)", type(stream)),
      2)
  end
  local tty = option(opts, "tty")
  if tty ~= nil and type(tty) ~= "boolean" then
    error(string.format("bad argument #2 to 'new' (option 'tty' must be a boolean, got %s)", type(tty)), 2)
  end
  local label = option(opts, "label")
  if label ~= nil and type(label) ~= "string" then
    error(string.format("bad argument #2 to 'new' (option 'label' must be a string, got %s)", type(label)), 2)
  end
  local given_width = option(opts, "width")
  local width = given_width and utils.integer(given_width)
  if given_width ~= nil and (width == nil or width < 20) then
    error(string.format("bad argument #2 to 'new' (option 'width' must be an integer >= 20, got %s)",
      tostring(given_width)), 2)
  end
  local clear = option(opts, "clear")
  if clear ~= nil and type(clear) ~= "boolean" then
    error(string.format("bad argument #2 to 'new' (option 'clear' must be a boolean, got %s)", type(clear)), 2)
  end
  local interval = option(opts, "interval") or 0.1
  if type(interval) ~= "number" or interval < 0 then
    error(string.format("bad argument #2 to 'new' (option 'interval' must be a number >= 0, got %s)",
      tostring(interval)), 2)
  end
  local clock = option(opts, "clock") or progress.clock
  if type(clock) ~= "function" then
    error(string.format("bad argument #2 to 'new' (option 'clock' must be a function, got %s)", type(clock)), 2)
  end
  local self = setmetatable({
    total = total,
    done = 0,
    label = label,
    stream = stream,
    tty = resolve_tty(tty, stream),
    width = width, -- nil: the terminal's, at each redraw
    clear = clear or false,
    interval = interval,
    clock = clock,
    finished = false,
    drawn_length = 0,   -- length of the line on screen, to blank what a shorter one leaves
  }, Bar)
  self.start = clock()
  return self
end

local function clean(text)
  return (tostring(text):gsub("[%c]", " "))
end

-- Columns of a UTF-8 string (one per character; bytes when not UTF-8).
function utf8_len(s)
  return utf8.len(s) or #s
end

-- The first `n` columns of s, cut between characters.
function truncate(s, n)
  if utf8_len(s) <= n then return s end
  if not utf8.len(s) then return s:sub(1, n) end
  return s:sub(1, utf8.offset(s, n + 1) - 1)
end

-- The numbers after the bar: "58% 580/1000 412.3/s 00:01<00:01".
function Bar:_stats(now)
  local elapsed = now - self.start
  local rate = elapsed > 0 and self.done / elapsed or nil
  local total = self.total
  if not total then
    return string.format("%s %s %s", format_count(self.done), progress.format_rate(rate),
      progress.format_time(elapsed))
  end
  local done = math.min(self.done, total) -- never more than 100%
  local percent = 100
  if total > 0 then
    -- exact for integer counts: 29/100 is 29%, not 28.999...%
    percent = (math.type(done) == "integer" and math.type(total) == "integer") and (100 * done) // total
      or math.floor(100 * done / total + 1e-9)
  end
  local eta
  if done >= total then
    eta = 0
  elseif rate and rate > 0 then
    eta = (total - done) / rate
  end
  return string.format("%3d%% %s/%s %s %s<%s", percent, format_count(done),
    format_count(total), progress.format_rate(rate), progress.format_time(elapsed), progress.format_time(eta))
end

-- The line's width: the option, else the terminal's now, else COLUMNS, else 80.
function Bar:_width()
  return self.width or progress.termwidth(self.stream) or math.tointeger(tonumber(os.getenv("COLUMNS") or ""))
    or 80
end

--- The text of the terminal line for the current state (no "\r"): at
-- most the width - 1 columns (terminals wrap in the last one).  When room
-- is short the extra text goes first, then the bar, then the numbers.
function Bar:line(now)
  now = now or self.clock()
  local prefix = self.label and (self.label .. " ") or ""
  local stats = self:_stats(now)
  local extra = self.extra and (" " .. self.extra) or ""
  local room = math.max(1, self:_width() - 1)
  local text
  if self.total then
    local bar_width = room - utf8_len(prefix) - #stats - utf8_len(extra) - 3
    if bar_width < MIN_BAR then
      extra = ""
      bar_width = room - utf8_len(prefix) - #stats - 3
    end
    if bar_width < MIN_BAR then
      return truncate(prefix .. stats, room)
    end
    local fraction = self.total > 0 and math.min(self.done / self.total, 1) or 1
    local filled = math.floor(fraction * bar_width)
    local bar
    if filled >= bar_width then
      bar = string.rep("=", bar_width)
    else
      bar = string.rep("=", filled) .. ">" .. string.rep(".", bar_width - filled - 1)
    end
    text = prefix .. "[" .. bar .. "] " .. stats .. extra
  else
    text = prefix .. stats .. extra
  end
  return truncate(text, room)
end

function Bar:_write(text)
  local stream = self.stream
  stream:write(text)
  local ok, flush = pcall(function() return stream.flush end)
  if ok and flush then flush(stream) end
end

function Bar:_draw(now)
  local text = self:line(now)
  local n = utf8_len(text)
  -- Blank what a longer line left, but never past the current width.
  local pad = math.min(self.drawn_length, self:_width() - 1) - n
  self:_write("\r" .. text .. (pad > 0 and string.rep(" ", pad) or ""))
  self.drawn_length = n
  self.drawn_at = now
  self.drawn_done, self.drawn_extra = self.done, self.extra
end

--- bar:update([done] [, extra]) -> bar.  done: items finished so far
-- (default: one more than before); extra: text shown after the numbers
-- (e.g. the current loss), kept until replaced.
function Bar:update(done, extra)
  if self.finished then error("bad argument #1 to 'update' (this progress bar is finished)", 2) end
  if done == nil then done = self.done + 1 end
  if type(done) ~= "number" or done < 0 or done ~= done then
    error(string.format("bad argument #1 to 'update' (number of items done >= 0 expected, got %s)", tostring(done)),
      2)
  end
  self.done = done
  if extra ~= nil then self.extra = clean(extra) end
  if self.tty then
    local now = self.clock()
    local last = self.total ~= nil and done >= self.total
    if self.drawn_at == nil or last or now - self.drawn_at >= self.interval then self:_draw(now) end
  end
  return self
end

--- The one-line summary written at finish() when not on a terminal.
function Bar:summary(now)
  now = now or self.clock()
  local elapsed = now - self.start
  local count = format_count(self.done)
  if self.total then count = count .. "/" .. format_count(self.total) end
  local rate = elapsed > 0 and self.done / elapsed or nil
  local text = string.format("%s in %s (%s)", count, format_duration(elapsed), progress.format_rate(rate))
  if self.label then text = self.label .. ": " .. text end
  if self.extra then text = text .. " " .. self.extra end
  return text
end

--- bar:finish([summary]) -> bar.  Draws the final state and ends the line
-- (terminal), or writes the summary line (otherwise); with clear, blanks
-- the line (terminal) or writes nothing.  `summary` replaces the extra
-- text.  A second call does nothing.
function Bar:finish(summary)
  if self.finished then return self end
  self.finished = true
  if summary ~= nil then self.extra = clean(summary) end
  local now = self.clock()
  if self.tty and self.clear then
    if self.drawn_at ~= nil then
      self:_write("\r" .. string.rep(" ", math.min(self.drawn_length, self:_width() - 1)) .. "\r")
    end
  elseif self.tty then
    if self.drawn_at == nil or self.drawn_done ~= self.done or self.drawn_extra ~= self.extra then self:_draw(now) end
    self:_write("\n")
  elseif not self.clear then
    self:_write(self:summary(now) .. "\n")
  end
  return self
end

-- ---- tocha.progress(i, n): Torch7's xlua.progress ----------------------------------
local current

--- The bar of the tocha.progress(i, n) form, if one is running.
function progress.current()
  return current
end

setmetatable(progress, {
  __call = function(_, i, n)
    if type(i) ~= "number" then
      error(string.format("bad argument #1 to 'progress' (number expected, got %s)", type(i)), 2)
    end
    if type(n) ~= "number" or n <= 0 then
      error(string.format("bad argument #2 to 'progress' (number > 0 expected, got %s)", tostring(n)), 2)
    end
    if i < 0 then error(string.format("bad argument #1 to 'progress' (number >= 0 expected, got %s)", i), 2) end
    -- A new loop starts when the previous one ended, n changed or i went back.
    if current == nil or current.finished or current.total ~= n or i < current.done then
      if current and not current.finished then current:finish() end
      current = progress.new(n)
    end
    current:update(i)
    if i >= n then current:finish() end
    return current
  end,
})

return progress
