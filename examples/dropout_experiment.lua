-- The dropout experiment: the same network trained twice on Fashion-MNIST,
-- with and without dropout, everything else equal (seed, initial weights,
-- batch order).  Per epoch it prints training and validation loss and error
-- for both and writes the curves (SVG and PNG) and a CSV of every figure;
-- at the end, a short summary.  Ctrl-C stops it with what is done written
-- (exit status 130); --replot DIR redraws a run's plots from its CSV.
--
--   lua5.4 examples/dropout_experiment.lua [options]      (see --help)
--
-- The default run (a 5000-image training subset, 60 epochs, a slowly
-- decaying learning rate) takes about two minutes on 2 cores and shows the
-- chapter's picture: with dropout the training loss ends higher, but the
-- validation loss and error end lower and the gap between training and
-- validation loss is smaller.  --full trains on all 50000 training images
-- and reports test accuracy.  --distributed trains data-parallel under
-- mpirun (see the README): every rank takes its rows of each batch, the
-- gradients are averaged with one allreduce, and rank 0 prints and writes.
-- --checkpoint DIR saves, after each epoch, everything the run needs to go
-- on (parameters, optimiser states, curves, generator position), and
-- --resume DIR continues it: the result is the uninterrupted run's, bit for
-- bit, however the run stopped (the batch order depends on seed and epoch
-- only, and the generator is counter-based).
local tocha = require "tocha"
local nn = require "tocha.nn"
local optim = require "tocha.optim"
local print = print

-- ---- options ----------------------------------------------------------------

local defaults = {
  model = "mlp", epochs = 60, subset = 5000, validation = 10000, hidden = 1024, layers = 2,
  pinput = 0.2, phidden = 0.5, pconv = 0.25, convdrop = "spatial", lr = 0.05, momentum = 0.9, lrdecay = 1e-3,
  schedule = "inverse", wd = 0, batch = 128, seed = 1, threads = require("tocha.core").numcores(),
  out = "out/dropout_experiment", dir = nil,
  last = 5, traineval = 10000,
}
local full = { epochs = 120, subset = 0, lr = 0.05, lrdecay = 1e-4 }
-- The CNN's presets (--model cnn): a smaller subset and fewer epochs, for
-- the default run to take about five minutes on 2 cores (README).
local cnn = { epochs = 25, subset = 3000, validation = 5000, traineval = 3000, pinput = 0, lr = 0.05,
  lrdecay = 1e-3, out = "out/dropout_experiment_cnn" }
-- --full for the CNN: 30 epochs on a cosine schedule with weight decay, and
-- element-wise dropout after pooling (tuning runs: 10 epochs, p = 0.25,
-- element 8.10% against spatial 8.25% validation error).
local cnn_full = { epochs = 30, subset = 0, validation = 10000, traineval = 5000, lr = 0.05,
  schedule = "cosine", wd = 5e-4, convdrop = "element" }

local usage = [[
usage: lua5.4 examples/dropout_experiment.lua [options]
  --model M         mlp (784-1024-1024-10) or cnn (two 5x5 convolutions with
                    max-pooling, then 3136-1024-10); cnn presets: 3000 images,
                    5000 validation, 25 epochs, lr 0.05, no input dropout
                    (--full: all images, 30 epochs, cosine schedule,
                    weight decay 5e-4, element dropout after pooling)
  --epochs N        epochs to train (60; --full: 120)
  --subset N        training images used, 0 for all 50000 (default 5000)
  --validation N    images held out of the training set for validation (10000)
  --hidden N        units per hidden layer (1024)
  --layers N        hidden layers (2)
  --pinput P        dropout probability on the input (0.2)
  --phidden P       dropout probability after each hidden layer (0.5)
  --pconv P         cnn: dropout probability after each max-pooling (0.25)
  --convdrop K      cnn: the dropout after pooling, spatial (nn.SpatialDropout,
                    whole feature maps) or element (nn.Dropout) (spatial)
  --lr R            SGD learning rate (0.05)
  --momentum M      SGD momentum, without dampening (0.9)
  --lrdecay D       learning rate = lr / (1 + D * step) (1e-3; --full: 1e-4)
  --schedule S      the learning rate over the run: inverse (lr / (1 + D * step),
                    D from --lrdecay) or cosine (from lr down to 0 at the last
                    step: lr * (1 + cos(pi * step / steps)) / 2) (inverse)
  --wd W            weight decay, SGD's L2 penalty on all parameters (0)
  --batch N         minibatch size (128)
  --seed N          seed of the data split, initial weights and batch order (1)
  --threads N       threads to compute on (the machine's cores)
  --last N          the summary judges the last N epochs (5)
  --traineval N     training loss and error are measured on the first N
                    training images (10000; all when the set is smaller)
  --dir PATH        directory of the Fashion-MNIST files (Debian's package)
  --out PATH        output directory (out/dropout_experiment), written after
                    every epoch: curves.csv, curves.svg, curves.png
  --full            the longer preset: all 50000 images, 120 epochs, lrdecay 1e-4,
                    and test accuracy at the end
  --distributed     data-parallel over the processes of mpirun (tocha.distributed);
                    each process computes on --threads threads
  --checkpoint DIR  after each epoch, save everything training needs into DIR
                    (crash-safe: a killed run leaves the last complete epoch)
  --resume DIR      continue the run checkpointed in DIR (its options; --epochs
                    may extend it) and keep checkpointing there
  --replot DIR      redraw DIR/curves.svg and DIR/curves.png from DIR/curves.csv
                    (no training)
  --help, -h
Options take their value as --name value or --name=value; --model cnn and
--full set their defaults first, so --full --epochs 10 trains 10 epochs.]]

-- Every option, checked before anything is loaded: kind, and the range of
-- numbers (integers: min [, max]; reals: lo, hi, and whether hi is excluded).
local TRAINING_IMAGES = 60000 -- Fashion-MNIST's training file
local kinds = {
  epochs = { "integer", 1 }, subset = { "integer", 0 }, validation = { "integer", 1, TRAINING_IMAGES - 1 },
  hidden = { "integer", 1 }, layers = { "integer", 0 }, batch = { "integer", 1 }, seed = { "integer", 0 },
  threads = { "integer", 1, 1024 }, last = { "integer", 1 }, traineval = { "integer", 1 },
  pinput = { "probability" }, phidden = { "probability" }, pconv = { "probability" },
  lr = { "real", 0, math.huge, "> 0" }, model = { "choice", mlp = true, cnn = true },
  convdrop = { "choice", spatial = true, element = true },
  momentum = { "real", 0, 1, "in [0, 1)" }, lrdecay = { "real", 0, math.huge, ">= 0" },
  schedule = { "choice", inverse = true, cosine = true }, wd = { "real", 0, math.huge, ">= 0" },
  out = { "path" }, dir = { "path" }, checkpoint = { "path" }, resume = { "path" }, replot = { "path" },
  full = { "flag" }, distributed = { "flag" }, help = { "flag" },
}

-- A bad command line: a message on stderr, no traceback, exit status 2.
local function usage_error(msg)
  io.stderr:write("dropout_experiment: ", msg, "\n(lua5.4 examples/dropout_experiment.lua --help lists the options)\n")
  os.exit(2)
end

local function check_value(name, text)
  local kind = kinds[name]
  if kind[1] == "path" then
    if text == "" then usage_error("--" .. name .. " needs a non-empty path") end
    return text
  end
  if kind[1] == "choice" then
    if not kind[text] then
      local names = {}
      for k in pairs(kind) do if k ~= 1 then names[#names + 1] = k end end
      table.sort(names)
      usage_error(("--%s must be %s, got '%s'"):format(name, table.concat(names, " or "), text))
    end
    return text
  end
  local v = tonumber(text)
  if kind[1] == "integer" then
    local n = v and math.tointeger(v)
    if not n then usage_error(("--%s needs an integer, got '%s'"):format(name, text)) end
    if n < kind[2] or (kind[3] and n > kind[3]) then
      usage_error(("--%s must be %s, got %d"):format(name,
        kind[3] and ("in %d..%d"):format(kind[2], kind[3]) or (">= " .. kind[2]), n))
    end
    return n
  end
  if v == nil or v ~= v then usage_error(("--%s needs a number, got '%s'"):format(name, text)) end
  if kind[1] == "probability" then
    if not (v >= 0 and v < 1) then
      usage_error(("--%s is a dropout probability: in [0, 1), got %s"):format(name, text))
    end
  else
    local lo, hi, words = kind[2], kind[3], kind[4]
    local ok = v >= lo and v < hi and (words ~= "> 0" or v > 0)
    if not ok then usage_error(("--%s must be %s, got %s"):format(name, words, text)) end
  end
  return v
end

--- The options: defaults, then the presets (--model cnn, then --full),
-- then what the command line gives (in any order: --epochs 3 --full trains
-- 3 epochs).  Accepts --name value and --name=value; -h is --help.
local function parse(args)
  local given, flags = {}, {}
  local i = 1
  while i <= #args do
    local a = args[i]
    local name, value = a:match("^%-%-([%w]+)=(.*)$")
    if not name then name = a:match("^%-%-([%w]+)$") end
    if a == "-h" then name = "help" end
    if not name or not kinds[name] then usage_error("unknown option '" .. a .. "'") end
    if kinds[name][1] == "flag" then
      if value then usage_error("--" .. name .. " takes no value") end
      flags[name] = true
      i = i + 1
    else
      if not value then
        value = args[i + 1]
        if value == nil then usage_error("--" .. name .. " needs a value") end
        i = i + 1
      end
      given[name] = check_value(name, value)
      i = i + 1
    end
  end
  if flags.help then
    print(usage)
    os.exit(0)
  end
  local cnn_model = (given.model or defaults.model) == "cnn"
  local opt = {}
  local layers = { defaults, cnn_model and cnn or {}, flags.full and (cnn_model and cnn_full or full) or {}, given }
  for _, layer in ipairs(layers) do
    for k, v in pairs(layer) do opt[k] = v end
  end
  opt.full, opt.distributed = flags.full, flags.distributed
  opt.checkpoint, opt.resume, opt.replot = given.checkpoint, given.resume, given.replot
  if opt.replot then return opt end
  if (opt.checkpoint or opt.resume) and opt.distributed then
    usage_error("--checkpoint and --resume work on one process only (not with --distributed)")
  end
  if opt.resume then
    -- The run's own options, so that it continues as it started; --epochs
    -- may extend it, and --threads, --out and --dir may change.
    local ok, saved = pcall(tocha.load, opt.resume .. "/checkpoint.t7")
    if not ok then usage_error("--resume: " .. tostring(saved)) end
    if type(saved) ~= "table" or type(saved.options) ~= "table" or type(saved.epoch) ~= "number" then
      usage_error("--resume: " .. opt.resume .. "/checkpoint.t7 is not a checkpoint of this experiment")
    end
    local free = { threads = true, out = true, dir = true, epochs = true, resume = true, checkpoint = true }
    for k, v in pairs(given) do
      if not free[k] and saved.options[k] ~= v then
        usage_error(("--resume: the checkpointed run has --%s %s; it cannot continue with %s"):format(k,
          tostring(saved.options[k]), tostring(v)))
      end
    end
    for k, v in pairs(saved.options) do
      if not free[k] or (k == "epochs" and not given.epochs) then opt[k] = v end
    end
    opt.checkpoint, opt.resume, opt.resumed = opt.resume, nil, saved
  end
  for _, key in ipairs({ "checkpoint" }) do
    local d = opt[key]
    if d and os.execute(("mkdir -p '%s' 2>/dev/null"):format(d:gsub("'", "'\\''"))) ~= true then
      usage_error("cannot create the checkpoint directory " .. d)
    end
  end
  -- Options that depend on each other.
  if opt.subset > TRAINING_IMAGES - opt.validation then
    usage_error(("--subset %d and --validation %d need more than the %d training images"):format(opt.subset,
      opt.validation, TRAINING_IMAGES))
  end
  if opt.last > opt.epochs then opt.last = opt.epochs end
  -- The output directory must be writable before hours of training.
  if os.execute(("mkdir -p '%s' 2>/dev/null"):format(opt.out:gsub("'", "'\\''"))) ~= true then
    usage_error("cannot create the output directory " .. opt.out)
  end
  local probe = opt.out .. "/.write-test"
  local f = io.open(probe, "w")
  if not f then usage_error("cannot write into the output directory " .. opt.out) end
  f:close()
  os.remove(probe)
  return opt
end

local opt = parse(arg or {})
-- The first line at once (the options are sound): loading the images and
-- building the networks takes a while.
if not opt.replot then
  io.stdout:write("dropout experiment: loading the images and building the networks ...\n")
  io.stdout:flush()
end

-- ---- the plots --------------------------------------------------------------------

local RUN_NAMES = { "dropout", "no dropout" }

--- The curves of a logger (curves.csv's columns) as DIR/curves.svg and
-- DIR/curves.png: the losses of both runs on a log scale, and their
-- validation errors with the axis zoomed to the later epochs, where the
-- runs differ by tenths of a percent.  Returns the paths written.
local function plot_curves(logger, dir, title)
  local loss_panel = {}
  for _, name in ipairs(RUN_NAMES) do
    loss_panel[#loss_panel + 1] = "train loss (" .. name .. ")"
    loss_panel[#loss_panel + 1] = "val loss (" .. name .. ")"
  end
  loss_panel.title, loss_panel.ylabel, loss_panel.logy = "loss (train and validation)", "NLL", true
  local err_panel = { "val error % (dropout)", "val error % (no dropout)" }
  err_panel.title, err_panel.ylabel = "validation error (axis zoomed to the last 60% of the epochs)", "error %"
  err_panel.zoom = 0.6
  local paths = logger:plot(dir .. "/curves.png", { title = title, panels = { loss_panel, err_panel },
    width = 1400, height = 520 })
  logger:render()
  return paths
end

--- The logger of a CSV written by this script (Logger:writeCSV's format).
local function read_curves(path)
  local f, err = io.open(path)
  if not f then usage_error("--replot: " .. tostring(err)) end
  local header = f:read("l") or ""
  local names = {}
  for name in header:gmatch("[^,]+") do names[#names + 1] = name end
  if names[1] ~= "epoch" or #names < 2 then
    usage_error("--replot: " .. path .. " is not a curves.csv of this script")
  end
  local logger = optim.Logger()
  logger:setNames({ table.unpack(names, 2) })
  local line_no = 1
  for line in f:lines() do
    line_no = line_no + 1
    local row, i = {}, 0
    for cell in (line .. ","):gmatch("([^,]*),") do
      i = i + 1
      if i > 1 and cell ~= "" then
        local v = tonumber(cell)
        if not v then usage_error(("--replot: %s line %d: '%s' is not a number"):format(path, line_no, cell)) end
        row[names[i]] = v
      end
    end
    logger:add(row)
  end
  f:close()
  if logger.nrows == 0 then usage_error("--replot: " .. path .. " has no epochs") end
  return logger
end

--- The plots' title: the network and the training set's size.
local function plot_title(model, layers, hidden, images)
  if model == "cnn" then
    return ("Fashion-MNIST CNN (2 conv 5x5 + max-pool, 3136-%d-10), %d training images: dropout vs no dropout")
      :format(hidden, images)
  end
  return ("Fashion-MNIST MLP 784-%s-10, %d training images: dropout vs no dropout"):format(
    (tostring(hidden) .. "-"):rep(layers):sub(1, -2), images)
end

if opt.replot then
  local logger = read_curves(opt.replot .. "/curves.csv")
  -- The title from the run's summary.txt (its first line) when there is one.
  local title = "Fashion-MNIST: dropout vs no dropout"
  local f = io.open(opt.replot .. "/summary.txt")
  local first = f and f:read("l") or ""
  if f then f:close() end
  local images = tonumber(first:match("(%d+) training /"))
  if images then
    local layers, hidden = first:match("hidden (%d+)x(%d+)")
    if first:find("CNN", 1, true) then
      title = plot_title("cnn", 1, tonumber(first:match("(%d+) hidden units")) or defaults.hidden, images)
    elseif layers then
      title = plot_title("mlp", tonumber(layers), tonumber(hidden), images)
    end
  end
  local paths = plot_curves(logger, opt.replot, title)
  print(("Redrew %s from %d epochs of %s/curves.csv"):format(table.concat(paths, " and "), logger.nrows, opt.replot))
  os.exit(0)
end

-- The experiment itself (its body is not indented).  Under --distributed it
-- runs inside tocha.distributed.main: an error on one rank ends the whole
-- job with that rank's message, where the others would wait for it in the
-- next allreduce forever.
local function experiment()
-- Under --distributed every rank runs the same script; only rank 0 talks.
local dist, rank0 = nil, true
if opt.distributed then
  dist = require "tocha.distributed" -- started by main()
  rank0 = dist.rank() == 0
  if not rank0 then print = function() end end
end
tocha.setnumthreads(opt.threads)
tocha.manualSeed(opt.seed)

-- ---- data -----------------------------------------------------------------------

local loaded, data = pcall(tocha.datasets.fashionmnist, {
  dir = opt.dir, validation = opt.validation, subset = opt.subset > 0 and opt.subset or nil, seed = opt.seed,
})
if not loaded then
  io.stderr:write("dropout_experiment: ", tostring(data), "\n")
  os.exit(1)
end
local train, validation, test = data.train, data.validation, data.test
print(("Fashion-MNIST: %d training, %d validation, %d test images"):format(train:size(), validation:size(),
  test:size()))
-- Training loss and error, like the validation ones, are measured in
-- evaluate mode after each epoch: on the whole training set when it is
-- small, else on a fixed part of it (evaluating 50000 images per epoch
-- would cost a third of the training time).
local train_eval = train
if train:size() > opt.traineval then
  train_eval = tocha.datasets.Dataset{
    data = train.data:narrow(1, 1, opt.traineval), labels = train.labels:narrow(1, 1, opt.traineval),
  }
end

-- ---- the two networks ---------------------------------------------------------------

-- Built from the same seed, the two nets start from the same weights: the
-- Dropout modules draw nothing when they are made.
local function build_cnn(pconv, phidden)
  tocha.manualSeed(opt.seed)
  local net = nn.Sequential() -- of (batch, 1, 28, 28) images (model_input)
  local function conv_drop()
    if pconv > 0 then net:add(opt.convdrop == "spatial" and nn.SpatialDropout(pconv) or nn.Dropout(pconv)) end
  end
  -- the images need no gradient: the first convolution computes none
  -- (Torch7's opt-out)
  local first = nn.SpatialConvolution(1, 32, 5, 5, 1, 1, 2, 2)
  first.gradInput = nil
  net:add(first):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2))
  conv_drop()
  net:add(nn.SpatialConvolution(32, 64, 5, 5, 1, 1, 2, 2)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2))
  conv_drop()
  net:add(nn.View(3136)):add(nn.Linear(3136, opt.hidden)):add(nn.ReLU())
  if phidden > 0 then net:add(nn.Dropout(phidden)) end
  net:add(nn.Linear(opt.hidden, 10)):add(nn.LogSoftMax())
  return net
end

local function build(pinput, phidden)
  if opt.model == "cnn" then return build_cnn(pinput, phidden) end
  tocha.manualSeed(opt.seed)
  local net = nn.Sequential()
  if pinput > 0 then net:add(nn.Dropout(pinput)) end
  local width = 784
  for _ = 1, opt.layers do
    net:add(nn.Linear(width, opt.hidden)):add(nn.ReLU())
    if phidden > 0 then net:add(nn.Dropout(phidden)) end
    width = opt.hidden
  end
  net:add(nn.Linear(width, 10)):add(nn.LogSoftMax())
  return net
end

local runs = {
  { name = "dropout", net = build(opt.model == "cnn" and opt.pconv or opt.pinput, opt.phidden) },
  { name = "no dropout", net = build(0, 0) },
}
local criterion = nn.ClassNLLCriterion()
for _, run in ipairs(runs) do
  if dist then
    run.dp = dist.DataParallel(run.net)
    run.params, run.grads = run.dp.params, run.dp.gradParams
  else
    run.params, run.grads = run.net:getParameters()
  end
  run.config = { learningRate = opt.lr, momentum = opt.momentum, dampening = 0, weightDecay = opt.wd,
    learningRateDecay = opt.schedule == "inverse" and opt.lrdecay or 0 }
  run.history = {}
  print(("\n%s:"):format(run.name))
  print(run.net)
end

-- ---- training and evaluation ---------------------------------------------------

-- The batches are rows of 784 pixels; the CNN takes them as 1x28x28 images.
local function model_input(inputs)
  if opt.model ~= "cnn" then return inputs end
  return inputs:view(inputs:size(1), 1, 28, 28)
end

--- Mean loss and error (%) of `net` on `set`, in evaluate mode.
local function evaluate(net, set)
  net:evaluate()
  local loss, errors = 0, 0
  for inputs, labels in set:batches(1000) do
    local output = net:forward(model_input(inputs))
    loss = loss + criterion:forward(output, labels) * labels:nElement()
    local _, predicted = output:max(2)
    errors = errors + predicted:view(-1):ne(labels):sum()
  end
  net:training()
  return loss / set:size(), 100 * errors / set:size()
end

-- The cosine schedule sets the rate before each step from the count optim
-- keeps (evalCounter), so a resumed run goes on along the same curve.
local total_steps = opt.epochs * math.ceil(train:size() / opt.batch)
local function set_learning_rate(config)
  if opt.schedule ~= "cosine" then return end
  local step = math.min(config.evalCounter or 0, total_steps)
  config.learningRate = opt.lr * (1 + math.cos(math.pi * step / total_steps)) / 2
end

local function train_step(run, inputs, labels)
  -- distributed: this rank's rows; the allreduce makes the gradient the
  -- whole batch's mean, as on one process
  if run.dp then inputs, labels = run.dp:shard(inputs, labels) end
  inputs = model_input(inputs)
  local function feval()
    run.grads:zero()
    local output = run.net:forward(inputs)
    local loss = criterion:forward(output, labels)
    run.net:backward(inputs, criterion:backward(output, labels))
    if run.dp then loss = run.dp:allreduceGradients(loss) end
    return loss, run.grads
  end
  set_learning_rate(run.config)
  optim.sgd(feval, run.params, run.config)
end

-- The table: per run, the training loss, validation loss (NLL) and
-- validation error of the epoch; 58 columns wide, for narrow terminals.
local ROW = "%5d  %6.4f %6.4f %6.2f%%  %6.4f %6.4f %6.2f%% %5.1fs"
local function group(name) return ("-- " .. name .. " "):sub(1, 21) .. ("-"):rep(21 - #name - 4) end
local heads = "%5s  %6s %6s %7s  %6s %6s %7s %6s"
print("\n" .. ("%5s  %s  %s"):format("", group("dropout"), group("no dropout")))
print((heads:format("", "train", "val", "val", "train", "val", "val", ""):gsub("%s+$", "")))
print(heads:format("epoch", "loss", "loss", "error", "loss", "loss", "error", "time"))

local logger = optim.Logger()
local batches_per_epoch = math.ceil(train:size() / opt.batch)
local start = os.time()
-- Seconds spent before a resume (the checkpoint keeps them): the summary
-- gives the whole run's time.
local earlier = opt.resumed and opt.resumed.seconds or 0
local clock = tocha.progress.clock

--- The row the logger gets for epoch e (from the runs' histories).
local function log_epoch(e)
  local logged = {}
  for _, run in ipairs(runs) do
    local h = run.history[e]
    logged["train loss (" .. run.name .. ")"], logged["val loss (" .. run.name .. ")"] = h.train_loss, h.val_loss
    logged["train error % (" .. run.name .. ")"], logged["val error % (" .. run.name .. ")"] = h.train_err, h.val_err
  end
  logger:add(logged)
end

-- Resuming: the parameters, optimiser states (momentum buffers, counters),
-- curves and generator position saved after the last complete epoch.  The
-- batch order of an epoch depends on (seed, epoch) only, so the run goes on
-- exactly as if it had never stopped.
local first_epoch = 1
if opt.resumed then
  local saved = opt.resumed
  for _, run in ipairs(runs) do
    local s = saved.runs[run.name]
    run.params:copy(s.params)
    run.config = s.config
    run.history = s.history
  end
  for e = 1, saved.epoch do log_epoch(e) end
  tocha.setRNGState(saved.rng)
  first_epoch = saved.epoch + 1
  print(("\nresumed from %s after epoch %d"):format(opt.checkpoint, saved.epoch))
end

--- Everything the next epochs need, crash-safely (tocha.save replaces the
-- file only once the new one is complete and on disk).
local function save_checkpoint(epoch)
  local state = { epoch = epoch, options = {}, rng = tocha.getRNGState(), runs = {},
    seconds = earlier + os.time() - start }
  for k, v in pairs(opt) do
    if type(v) ~= "table" then state.options[k] = v end
  end
  for _, run in ipairs(runs) do
    state.runs[run.name] = { params = run.params, config = run.config, history = run.history }
  end
  tocha.save(opt.checkpoint .. "/checkpoint.t7", state)
end

-- A test hook (spec/strict_inputs_spec.lua): SIGKILL this process in the
-- middle of an epoch, TOCHA_EXPERIMENT_KILL = "epoch:batch".
local kill_epoch, kill_batch = (os.getenv("TOCHA_EXPERIMENT_KILL") or ""):match("^(%d+):(%d+)$")
kill_epoch, kill_batch = tonumber(kill_epoch), tonumber(kill_batch)

-- The curves so far, after every epoch (rank 0): the CSV and the plots,
-- each file replaced in one step, so that an interrupted run keeps every
-- finished epoch.
local csv = opt.out .. "/curves.csv"
local written
local done = first_epoch - 1 -- epochs in the CSV
local function write_curves()
  if not rank0 then return end
  logger:writeCSV(csv)
  done = logger.nrows
  written = plot_curves(logger, opt.out, plot_title(opt.model, opt.layers, opt.hidden, train:size()))
end

-- Ctrl-C: the interpreter raises "interrupted!" in the Lua code running;
-- the finished epochs are on disk already.
local ok, err = pcall(function()
  for epoch = first_epoch, opt.epochs do
    local t0 = clock()
    -- clear: the table's row takes the finished bar's line
    local bar = tocha.progress.new(batches_per_epoch, { label = ("epoch %d"):format(epoch), stream = io.stderr,
      clear = true })
    if not rank0 then bar = { update = function() end, finish = function() end } end
    -- Both nets see the same batches in the same order.
    local nbatch = 0
    for inputs, labels in train:batches(opt.batch, { shuffle = true, seed = opt.seed, epoch = epoch }) do
      for _, run in ipairs(runs) do train_step(run, inputs, labels) end
      bar:update()
      nbatch = nbatch + 1
      if epoch == kill_epoch and nbatch == kill_batch then
        local f = assert(io.open("/proc/self/stat"))
        local pid = f:read("a"):match("^(%d+)")
        f:close()
        os.execute("kill -KILL " .. pid)
      end
    end
    bar:finish()
    local row = { epoch = epoch }
    for _, run in ipairs(runs) do
      local train_loss, train_err = evaluate(run.net, train_eval)
      local val_loss, val_err = evaluate(run.net, validation)
      run.history[epoch] = { train_loss = train_loss, train_err = train_err, val_loss = val_loss, val_err = val_err }
      row[run.name] = run.history[epoch]
    end
    log_epoch(epoch)
    if opt.checkpoint then save_checkpoint(epoch) end
    write_curves()
    local d, n = row["dropout"], row["no dropout"]
    print(ROW:format(epoch, d.train_loss, d.val_loss,
      d.val_err, n.train_loss, n.val_loss, n.val_err, clock() - t0))
    io.stdout:flush()
  end
end)
if not ok then
  if tostring(err):find("interrupted!", 1, true) then
    io.stderr:write("\n")
    if rank0 then
      print(("\ninterrupted after %d of %d epochs; %s and %s hold them"):format(done, opt.epochs, csv,
        written and table.concat(written, ", ") or "(no plots yet)"))
    end
    os.exit(130)
  end
  error(err, 0)
end

-- ---- results ------------------------------------------------------------------------

-- Every rank evaluated the same parameters; rank 0 alone writes.
if not rank0 then return end
if not written then write_curves() end -- a resumed run with no epoch left

--- Mean of field `key` over the last `k` epochs.
local function last_mean(history, key, k)
  local sum, n = 0, 0
  for e = math.max(1, #history - k + 1), #history do
    sum, n = sum + history[e][key], n + 1
  end
  return sum / n
end

local shape = opt.model == "cnn"
  and ("CNN, p = %g (%s dropout after each max-pooling) / %g (hidden), %d hidden units"):format(opt.pconv,
    opt.convdrop, opt.phidden, opt.hidden)
  or ("hidden %dx%d, p = %g (input) / %g (hidden)"):format(opt.layers, opt.hidden, opt.pinput, opt.phidden)
local lines = {
  ("Dropout experiment: %d epochs, %d training / %d validation images, %s, SGD lr %g (%s) momentum %g%s, "
    .. "batch %d, seed %d; %d s."):format(opt.epochs, train:size(), validation:size(), shape, opt.lr,
    opt.schedule == "cosine" and "cosine schedule" or ("decay %g"):format(opt.lrdecay), opt.momentum,
    opt.wd > 0 and (" weight decay %g"):format(opt.wd) or "", opt.batch, opt.seed, earlier + os.time() - start),
  ("Averages over the last %d epochs:"):format(math.min(opt.last, opt.epochs)),
  ("  %-10s %10s %10s %8s %9s"):format("", "train loss", "val loss", "gap", "val error"),
}
local summary = {}
for _, run in ipairs(runs) do
  local s = {
    train_loss = last_mean(run.history, "train_loss", opt.last),
    val_loss = last_mean(run.history, "val_loss", opt.last),
    val_err = last_mean(run.history, "val_err", opt.last),
  }
  s.gap = s.val_loss - s.train_loss
  summary[run.name] = s
  lines[#lines + 1] = ("  %-10s %10.4f %10.4f %8.4f %8.2f%%"):format(run.name, s.train_loss, s.val_loss, s.gap,
    s.val_err)
end
if opt.full then
  for _, run in ipairs(runs) do
    local _, test_err = evaluate(run.net, test)
    summary[run.name].test_acc = 100 - test_err
    lines[#lines + 1] = ("  test accuracy (%s): %.2f%%"):format(run.name, 100 - test_err)
  end
end
local d, n = summary["dropout"], summary["no dropout"]
local verdicts = {
  { d.val_loss < n.val_loss, "validation loss is lower with dropout" },
  { d.val_err < n.val_err, "validation error is lower with dropout" },
  { d.gap < n.gap, "the train/validation loss gap is smaller with dropout" },
}
for _, v in ipairs(verdicts) do
  lines[#lines + 1] = ("  [%s] %s"):format(v[1] and "yes" or "no", v[2])
end
-- summary.txt names its neighbours without the directory (it travels with them).
local function base(path) return (path:gsub("^.*/", "")) end
local here = {}
for i, path in ipairs(written) do here[i] = base(path) end
local text = table.concat(lines, "\n")
print("\n" .. text .. ("\nWrote %s, %s and summary.txt into %s"):format(base(csv), table.concat(here, ", "), opt.out))
local f = assert(io.open(opt.out .. "/summary.txt", "w"))
f:write(text, ("\nWrote %s, %s and summary.txt\n"):format(base(csv), table.concat(here, ", ")))
f:close()
end

if opt.distributed then
  require("tocha.distributed").main(experiment)
else
  experiment()
end
