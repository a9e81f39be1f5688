-- Plotting from the REPL: tocha.plot.lines draws a few named lines into a
-- file in one call (PNG, SVG or PDF from the file name's ending).
--   lua5.4 examples/plot_lines.lua [file]          (default out/plot_lines.png)
local tocha = require "tocha"
local plot = require "tocha.plot"

local path = arg and arg[1] or "out/plot_lines.png"
os.execute("mkdir -p '" .. (path:match("^(.*)/") or ".") .. "'")

-- A noisy training curve and its running mean, as a tensor and a table.
tocha.manualSeed(1)
local steps = 200
local loss = (tocha.linspace(0, 4, steps) * -1):exp() + tocha.rand(steps) * 0.1
local mean, sum = {}, 0
for i = 1, steps do
  sum = sum + loss[i]
  mean[i] = sum / i
end

plot.lines{ path, loss = loss, ["running mean"] = mean, title = "a training curve", xlabel = "step",
  ylabel = "loss", logy = true }
-- x values too: name = {xs, ys}
local xs = tocha.linspace(0, 2 * math.pi, 50)
local sine_path = path:gsub("%.(%w+)$", "-sine.%1")
plot.lines{ sine_path, sine = { xs, xs:clone():sin() }, cosine = { xs, xs:clone():cos() } }
print("wrote " .. path .. " and " .. sine_path)
