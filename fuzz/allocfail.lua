-- Driven by tocha_allocfail (fuzz/allocfail.c): for every k, the k-th
-- allocation of a training step (a small Linear net: forward, backward,
-- optim.sgd), of a tocha.save and of a tocha.load fails, once or from k on.
-- The call must then raise a Lua error saying "not enough memory" (or
-- succeed, when what failed had a fallback), leave its objects usable (the
-- same call succeeds next, the saved file is still the previous one), and
-- leak nothing (LeakSanitizer checks at exit).
local allocfail = require "allocfail"
local tocha = require "tocha"
local nn = require "tocha.nn"
local optim = require "tocha.optim"

tocha.manualSeed(1)
local x, y = tocha.randn(5, 4), tocha.randn(5, 2)
local crit = nn.MSECriterion()
local net, p, g, state
-- A fresh net before each run: its first step allocates its buffers.
local function fresh_net()
  net = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()):add(nn.Linear(3, 2))
  p, g = net:getParameters()
  state = {}
end
fresh_net()
local path = os.tmpname()
local reference = { x = x:clone(), net = net }

local function step()
  optim.sgd(function()
    net:zeroGradParameters()
    local out = net:forward(x)
    local loss = crit:forward(out, y)
    net:backward(x, crit:backward(out, y))
    return loss, g
  end, p, { learningRate = 0.01, momentum = 0.9 }, state)
end

local function same_file()
  local o = tocha.load(path)
  assert(o.x:equal(reference.x), "the saved file changed")
  assert(o.net:forward(x):size(2) == 2)
end

local function nothing() end
-- { name, prepare (not failing), the call (failing), check afterwards }
local scenarios = {
  { "training step", fresh_net, step, function()
    step()
    local out = net:forward(x)
    assert(out:size(1) == 5 and out:size(2) == 2)
    assert(p:ne(p):sum() == 0, "NaN in the parameters")
  end },
  { "tocha.save", nothing, function() tocha.save(path, reference) end, same_file },
  { "tocha.load", nothing, function() return tocha.load(path) end, same_file },
}

tocha.save(path, reference)
local total = 0
for _, sc in ipairs(scenarios) do
  local name, prepare, f, usable = sc[1], sc[2], sc[3], sc[4]
  for _, sticky in ipairs({ false, true }) do
    local k = 1
    while true do
      prepare()
      local ok, err, n, failed = allocfail.run(f, k, sticky)
      if failed == 0 then
        assert(ok, name .. ": failed with no allocation refused: " .. tostring(err))
        break
      end
      if not ok and not tostring(err):find("not enough memory", 1, true) then
        error(string.format("%s, allocation %d of %d refused%s: the error is %q", name, k, n,
          sticky and " (and the ones after)" or "", tostring(err)), 0)
      end
      usable()
      collectgarbage()
      k = k + 1
    end
    total = total + k - 1
    print(string.format("allocfail: %s: %d allocations, each refused in turn%s: ok", name, k - 1,
      sticky and " with all those after it" or ""))
  end
end
os.remove(path)
print(string.format("allocfail: %d failing runs, all clean", total))
