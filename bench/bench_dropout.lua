-- bench_dropout.lua: nn.Dropout's forward and backward from Lua.
--
--   lua5.4 bench/bench_dropout.lua n repetitions threads
--
-- With tocha.setnumthreads(threads), runs nn.Dropout(0.5) in training mode
-- on n float32 elements: forward(x), then backward(x, gradOutput), and
-- prints one line per call: "SAMPLE fwd <ms>" and "SAMPLE bwd <ms>".
-- bench/run_dropout.sh alternates runs of this script with runs of
-- `bench_dropout --stream-samples` (the stream limit, from C).
local tocha = require "tocha"
local nn = require "tocha.nn"

local function wall_clock()
  local ok, system = pcall(require, "system") -- luasystem, which busted needs
  if ok and system.monotime then return system.monotime end
  local ok2, socket = pcall(require, "socket")
  if ok2 and socket.gettime then return socket.gettime end
  error("bench_dropout.lua needs a wall clock: install luasystem (lua-system) or luasocket")
end
local clock = wall_clock()

local function integer_arg(i, default)
  local v = math.tointeger(tonumber(arg[i] or default))
  if not v or v < 1 then error(string.format("argument %d must be an integer >= 1, got %s", i, tostring(arg[i]))) end
  return v
end
local n, reps, threads = integer_arg(1, "1048576"), integer_arg(2, "21"), integer_arg(3, tocha.getnumthreads())

tocha.setnumthreads(threads)
tocha.manualSeed(2024)
local x = tocha.FloatTensor(n):uniform(-1, 1)
local gradOutput = tocha.FloatTensor(n):uniform(-1, 1)
local dropout = nn.Dropout(0.5)

-- warm up (the output, gradInput and mask buffers are allocated here, and
-- the first passes over fresh memory are slower): as bench_dropout
-- --stream-samples does
for _ = 1, 4 do
  dropout:forward(x)
  dropout:backward(x, gradOutput)
end
collectgarbage()

-- Each timed call follows an untimed one in the same direction, so that it
-- starts as bench_dropout's calls do: input just read, output not cached.
for _ = 1, reps do
  dropout:forward(x)
  local t0 = clock()
  dropout:forward(x)
  local t1 = clock()
  dropout:backward(x, gradOutput)
  local t2 = clock()
  dropout:backward(x, gradOutput)
  local t3 = clock()
  print(string.format("SAMPLE fwd %.4f", (t1 - t0) * 1e3))
  print(string.format("SAMPLE bwd %.4f", (t3 - t2) * 1e3))
end
