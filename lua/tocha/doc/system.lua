--- Threads, clocks and data files (the C binding, src/binding/lua_tocha.c, lua_clock.c, lua_data.c).
-- This file holds LDoc stubs for the functions written in C; it is not code to load.
-- @module tocha.system
local tocha = {}

--- Sets the number of threads tocha's kernels use (and OpenBLAS's).
function tocha.setnumthreads(n) end
--- The number of threads tocha's kernels use.
function tocha.getnumthreads() end
--- The number of CPU cores the process may run on (the default of --threads).
function tocha.numcores() end
--- Whether the file descriptor fd (0, 1, 2, ...) is a terminal.
function tocha.isatty(fd) end
--- The size of the terminal on file descriptor fd -> columns, rows (TIOCGWINSZ); nil when it is not a terminal.
function tocha.termsize(fd) end
--- A chart canvas drawn by cairo, for tocha.plot: kind "image", "png", "svg" or "pdf", the file path
-- (nil for "image"), width and height in pixels.  Methods rect, polyline, disc, text, pixels, close, free.
function tocha.canvas(kind, path, width, height) end
--- The extents of text in the chart font (DejaVu Sans, bold when bold is true) at size -> width,
-- ascent, descent in pixels (tocha.plot's layout).
function tocha.textExtents(text, size, bold) end
--- Monotonic wall-clock seconds (a float), for timing.
function tocha.clock() end
--- The CPU time of the process so far -> user seconds, system seconds.
function tocha.cputime() end
--- tocha.readIDX(path): the tensor in an IDX file (MNIST's format, gzip-compressed or not).
function tocha.readIDX(path) end

return tocha
