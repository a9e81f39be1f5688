--- Threads, clocks and data files (the C binding, src/binding/lua_tocha.c, lua_clock.c, lua_data.c).
-- This file holds LDoc stubs for the functions written in C; it is not code to load.
-- @module tocha.system
local tocha = {}

--- Sets the number of threads tocha's kernels use (and OpenBLAS's).
function tocha.setnumthreads(n) end
--- The number of threads tocha's kernels use.
function tocha.getnumthreads() end
--- Monotonic wall-clock seconds (a float), for timing.
function tocha.clock() end
--- The CPU time of the process so far -> user seconds, system seconds.
function tocha.cputime() end
--- tocha.readIDX(path): the tensor in an IDX file (MNIST's format, gzip-compressed or not).
function tocha.readIDX(path) end

return tocha
