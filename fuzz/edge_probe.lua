-- Edge-value probe (issue 13): every tensor method, on tensors of every
-- element type and awkward geometry (empty, zero-size, expanded, a size-1
-- dimension with stride 2^63 - 1), called with 0 to 3 arguments drawn from
-- the integer and float edges.  It checks nothing itself: run it on the
-- sanitized module, where any overflow, out-of-bounds access or leak
-- aborts.  Groundwork for the coverage-guided fuzzers the issue asks for.
--
--   cmake -S . -B build -DTOCHA_SANITIZED_MODULE=ON && cmake --build build
--   LD_PRELOAD=$(gcc -print-file-name=libasan.so) \
--   ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:max_allocation_size_mb=1500 \
--   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
--   lua5.4 fuzz/edge_probe.lua build/lua-sanitized [seed [first-method [draws]]]
--
-- (On the plain module, run it under `ulimit -v 1500000` so that the 2^31-
-- element tensors some calls ask for fail to allocate instead of filling
-- memory.)  A run with the defaults makes about 220000 calls; the last
-- call started is on stderr, so a crash names its arguments.
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = (arg[1] or "build/lua") .. "/?.so;" .. package.cpath
local tocha = require "tocha"

local EDGES = { 0, 1, -1, 2, 3, math.maxinteger, math.mininteger, 2 ^ 31, 2 ^ 32, 2 ^ 53, 2 ^ 62, -2 ^ 62,
  2 ^ 31 - 1, 0 / 0, math.huge, 0.5 }
local SKIPPED = { setnumthreads = true, save = true } -- global effects, files

local names = {}
for name in pairs(tocha._methods) do
  if not SKIPPED[name] then names[#names + 1] = name end
end
table.sort(names)

local function selves()
  local s = tocha.DoubleStorage(12)
  return {
    tocha.DoubleTensor({ { 1, 2, 3 }, { 4, 5, 6 } }),
    tocha.FloatTensor(10):fill(1),
    tocha.DoubleTensor({ 1, 2 }):view(2, 1):expand(2, 5),
    tocha.LongTensor({ { 1, 2 }, { 3, 4 } }),
    tocha.ByteTensor(4):fill(1),
    tocha.DoubleTensor(),
    tocha.DoubleTensor(0),
    tocha.DoubleTensor():set(s, 3, { 1, 4 }, { math.maxinteger, 2 }),
  }
end

local state = tonumber(arg[2]) or 1
local function pick()
  state = (state * 1103515245 + 12345) % 2147483648
  return EDGES[state % #EDGES + 1]
end

local first, draws = arg[3], tonumber(arg[4]) or 40
local calls = 0
for _, name in ipairs(names) do
  if not first or name >= first then
    for _ = 1, draws do
      local args = { pick(), pick(), pick() }
      for si, self in ipairs(selves()) do
        for nargs = 0, 3 do
          io.stderr:write(name, " self", si, " ", tostring(args[1]), " ", tostring(args[2]), " ",
            tostring(args[3]), " n", nargs, "\n")
          pcall(self[name], self, table.unpack(args, 1, nargs))
          calls = calls + 1
        end
      end
    end
  end
end
print("calls", calls)
