-- bench_mm.lua: the Lua path of tocha's mm.
--
--   lua5.4 bench/bench_mm.lua n repetitions threads
--
-- With tocha.setnumthreads(threads), alternates `tocha.mm(res, a, b)`
-- (preallocated result) and `a:mm(b)` (a new result each call) on n x n
-- float32 matrices and prints one line per call: "SAMPLE into <ms>" or
-- "SAMPLE new <ms>".  bench/run alternates runs of this script with runs of
-- `bench_mm --sgemm-samples` (cblas_sgemm from C) and compares the medians.
local tocha = require "tocha"

local function wall_clock()
  local ok, system = pcall(require, "system") -- luasystem, which busted needs
  if ok and system.monotime then return system.monotime end
  local ok2, socket = pcall(require, "socket")
  if ok2 and socket.gettime then return socket.gettime end
  error("bench_mm.lua needs a wall clock: install luasystem (lua-system) or luasocket")
end
local clock = wall_clock()

local function integer_arg(i, default)
  local v = math.tointeger(tonumber(arg[i] or default))
  if not v or v < 1 then error(string.format("argument %d must be an integer >= 1, got %s", i, tostring(arg[i]))) end
  return v
end
local n, reps, threads = integer_arg(1, "1024"), integer_arg(2, "21"), integer_arg(3, tocha.getnumthreads())

tocha.setnumthreads(threads)
local a = tocha.linspace(-1, 1, n * n):view(n, n)
local b = tocha.linspace(1, -0.5, n * n):view(n, n)
local res = tocha.FloatTensor(n, n)

-- warm up both paths
tocha.mm(res, a, b)
a:mm(b)
collectgarbage()

for r = 1, reps do
  for k = 0, 1 do
    if (r + k) % 2 == 0 then
      local t0 = clock()
      tocha.mm(res, a, b)
      print(string.format("SAMPLE into %.4f", (clock() - t0) * 1e3))
    else
      local t0 = clock()
      a:mm(b) -- the result is garbage at once
      local ms = (clock() - t0) * 1e3
      collectgarbage() -- free it outside the timed region
      print(string.format("SAMPLE new %.4f", ms))
    end
  end
end
