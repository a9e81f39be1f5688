-- optim.Logger:plot() called every iteration, as Torch7 scripts do
-- (torch/demos' linear regression: 10^4 steps, logger:add and
-- logger:plot after each).  One run of one variant (bench/run_logger.sh
-- times the whole process, from start to exit):
--
--   lua5.4 bench/bench_logger.lua none|once|every [steps] [dir]
--
--   none   the training loop alone
--   once   logger:add every step, logger:plot once at the end
--   every  logger:add and logger:plot every step
--
-- The end of the program counts: a plot still waiting is drawn then.
local tocha = require "tocha"
local nn = require "tocha.nn"
local optim = require "tocha.optim"

local variant, steps, dir = arg[1] or "every", tonumber(arg[2]) or 10000, arg[3] or os.tmpname() .. "-logger"
os.execute("mkdir -p '" .. dir .. "'")

-- y = 2 x1 - 3 x2 + 1, learnt by a Linear(2, 1) with SGD
tocha.manualSeed(1)
local model, criterion = nn.Linear(2, 1), nn.MSECriterion()
local params, grads = model:getParameters()
local x = tocha.randn(16, 2)
local y = (x:select(2, 1) * 2 - x:select(2, 2) * 3 + 1):view(16, 1)
local config = { learningRate = 0.01 }
local logger = variant ~= "none" and optim.Logger() or nil
for _ = 1, steps do
  local function feval()
    grads:zero()
    local out = model:forward(x)
    local loss = criterion:forward(out, y)
    model:backward(x, criterion:backward(out, y))
    return loss, grads
  end
  local _, fs = optim.sgd(feval, params, config)
  if logger then
    logger:add{ ["training error"] = fs[1] }
    if variant == "every" then logger:plot(dir .. "/error.png") end
  end
end
if variant == "once" then logger:plot(dir .. "/error.png") end
