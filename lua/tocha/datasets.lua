--- tocha.datasets: MNIST-style image datasets and seeded minibatches.
--
--   local ds = tocha.datasets.fashionmnist{validation = 10000, seed = 1}
--   for epoch = 1, 10 do
--     for inputs, labels in ds.train:batches(64, {shuffle = true, seed = 7}) do
--       -- inputs: 64x784 FloatTensor in [0, 1]; labels: 64 LongTensor of 1..10
--     end
--   end
--
-- Loading:  tocha.datasets.fashionmnist(options), tocha.datasets.mnist(options)
--   dir        directory of the four IDX files train-images-idx3-ubyte,
--              train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
--              t10k-labels-idx1-ubyte, each gzipped (.gz) or plain (the
--              names with ".idx" instead of "-idx" are found too).  Default
--              for fashionmnist: /usr/share/datasets/fashion-mnist, where
--              Debian's dataset-fashion-mnist package puts them; required
--              for mnist.
--   validation number of training examples held out as the validation set
--              (default 0: no validation set)
--   subset     keep only this many of the remaining training examples
--              (default: all of them)
--   seed       seed of the split (default 1)
--   type       "tocha.FloatTensor" or "tocha.DoubleTensor" (default: the
--              default tensor type)
--   normalize  false (default): pixels are byte / 255, in [0, 1]; true: then
--              shifted and scaled by the mean and standard deviation (x:std(),
--              over all pixels) of the training split, for every split
--
-- The split: with N training examples, perm = tocha.randperm(g, N) with
-- g = tocha.Generator() and g:manualSeed(seed).  The validation set is the
-- examples perm[1 .. validation]; the training set is perm[validation + 1 ..
-- validation + subset] (to the end without subset).  Each set keeps its
-- examples in file order (their positions are sorted), and `indices` holds
-- those 1-based positions in the training files.  Without validation and
-- subset, train is the whole training file.  The test set is always the
-- whole test file.
--
-- The result: { train =, validation = (nil without validation), test =,
-- classes = { names }, imageSize = {height, width}, mean =, std = (with
-- normalize) }.  Each set is a tocha.datasets.Dataset:
--   data     N x (height * width) tensor of the chosen type
--   labels   N LongTensor of classes 1..10 (the file's label + 1)
--   indices  N LongTensor of positions in its file (1-based)
--   classes  the class names; set:size() is N.
--
-- Minibatches: for inputs, labels, i in set:batches(batchSize, options) do
--   shuffle    false (default): file order; true: a new order every call,
--              drawn by tocha.randperm from
--   generator  a tocha.Generator (it advances), or
--   seed       an integer: call k with seed s (counted per set and seed)
--              uses the order of epoch k, the k-th permutation drawn from a
--              generator seeded with s, so runs with the same seed see the
--              same orders; epoch = k picks epoch k (and the next call
--              without epoch continues with k + 1);
--              with neither, the default generator (tocha.manualSeed).
--   partial    true (default): the last batch holds the remaining
--              N % batchSize examples when that is not 0; false: dropped.
-- Every example comes exactly once per call.  inputs (batch x 784) and
-- labels are allocated once per call and refilled in place for every batch
-- (with res:index), so keep a :clone() of a batch needed after the next
-- step; i counts the batches from 1.
local tocha = require "tocha"
local class = require "tocha.class"
local utils = require "tocha.utils"

local datasets = {}

datasets.FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"

datasets.fashionmnist_classes = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
  "Sneaker", "Bag", "Ankle boot" }
datasets.mnist_classes = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" }

-- Errors point at the first caller outside this file (and class.lua, which
-- runs Dataset's constructor).
local inner_sources = { [debug.getinfo(1, "S").source] = true, [debug.getinfo(class.new, "S").source] = true }
local function raise(msg)
  local level = 2
  while true do
    local info = debug.getinfo(level, "S")
    if not info then return error(msg, 0) end
    if not inner_sources[info.source] then return error(msg, level) end
    level = level + 1
  end
end

local function fail(fname, fmt, ...)
  raise(string.format("bad argument #1 to '%s' (" .. fmt .. ")", fname, ...))
end

local generator_metatable = getmetatable(tocha.Generator())

-- Positions 1..n, as a LongTensor.
local function all_positions(n)
  if n == 0 then return tocha.LongTensor() end
  return tocha.ByteTensor(n):fill(1):nonzero():view(n)
end

local function check_integer(fname, opts, key, lo)
  local v = opts[key]
  if v == nil then return nil end
  local given = v
  v = utils.integer(v)
  if v == nil then fail(fname, "%s must be an integer, got %s", key, tostring(given)) end
  if lo and v < lo then fail(fname, "%s must be >= %d, got %d", key, lo, v) end
  return v
end

local function check_options(fname, opts, known)
  if opts == nil then return {} end
  if type(opts) ~= "table" then fail(fname, "table of options expected, got %s", type(opts)) end
  for k in pairs(opts) do
    if not known[k] then fail(fname, "unknown option '%s'", tostring(k)) end
  end
  return opts
end

-- The constructor of t's tensor type ("tocha.FloatTensor" -> tocha.FloatTensor).
local function constructor(t)
  return tocha[tocha.type(t):match("^tocha%.(.+)$")]
end

-- ---- tocha.datasets.Dataset ------------------------------------------------------

local Dataset = class.new("tocha.datasets.Dataset")
datasets.Dataset = Dataset

--- tocha.datasets.Dataset{data = tensor, labels = LongTensor [, classes =, indices =]}:
--- data's first dimension indexes the examples; labels is 1-D of that size.
function Dataset:__init(fields)
  local fname = "Dataset"
  if type(fields) ~= "table" then fail(fname, "table {data=, labels=} expected, got %s", type(fields)) end
  local data, labels = fields.data, fields.labels
  if not tocha.isTensor(data) or data:dim() == 0 then
    fail(fname, "data must be a non-empty tensor, got %s", tocha.isTensor(data) and "an empty tensor" or type(data))
  end
  if not tocha.isTensor(labels) or tocha.type(labels) ~= "tocha.LongTensor" or labels:dim() ~= 1 then
    fail(fname, "labels must be a 1-D tocha.LongTensor, got %s",
      tocha.isTensor(labels) and (labels:dim() .. "-D " .. tocha.type(labels)) or type(labels))
  end
  if labels:size(1) ~= data:size(1) then
    fail(fname, "labels has %d entries for %d examples", labels:size(1), data:size(1))
  end
  self.data, self.labels = data, labels
  self.classes, self.indices = fields.classes, fields.indices
  self._epochs = {} -- seed -> epochs of batches() drawn with it
end

--- The number of examples.
function Dataset:size()
  return self.data:size(1)
end

function Dataset:__tostring__()
  local shape = table.concat(self.data:size():totable(), "x")
  return string.format("tocha.datasets.Dataset of %d examples (data %s %s, labels %s)", self:size(), shape,
    tocha.type(self.data), tocha.type(self.labels))
end

-- Blocks of the random stream one permutation of n uses (measured, not
-- assumed), to jump to epoch k of a seed.
local blocks_per_perm = {}
local function perm_blocks(n)
  local b = blocks_per_perm[n]
  if not b then
    local g = tocha.Generator()
    g:manualSeed(0)
    tocha.randperm(tocha.LongTensor(), g, n)
    b = g:getState()[2]
    blocks_per_perm[n] = b
  end
  return b
end

local batch_options = { shuffle = true, seed = true, epoch = true, generator = true, partial = true }

--- for inputs, labels, i in set:batches(batchSize [, options]) do ... end
function Dataset:batches(batch_size, opts)
  local given_size = batch_size
  batch_size = utils.integer(batch_size)
  if batch_size == nil or batch_size < 1 then
    raise(string.format("bad argument #1 to 'batches' (batch size must be an integer >= 1, got %s)",
      tostring(given_size)))
  end
  local function opterror(fmt, ...)
    raise(string.format("bad argument #2 to 'batches' (" .. fmt .. ")", ...))
  end
  if opts ~= nil and type(opts) ~= "table" then opterror("table of options expected, got %s", type(opts)) end
  opts = opts or {}
  for k in pairs(opts) do
    if not batch_options[k] then opterror("unknown option '%s'", tostring(k)) end
  end
  local seed, epoch, gen = opts.seed, opts.epoch, opts.generator
  if seed ~= nil and not utils.integer(seed) then opterror("seed must be an integer, got %s", tostring(seed)) end
  if epoch ~= nil and not (utils.integer(epoch) and epoch >= 1) then
    opterror("epoch must be an integer >= 1, got %s", tostring(epoch))
  end
  seed, epoch = seed and utils.integer(seed), epoch and utils.integer(epoch)
  if epoch ~= nil and seed == nil then opterror("epoch needs seed") end
  if gen ~= nil and getmetatable(gen) ~= generator_metatable then
    opterror("generator must be a tocha.Generator, got %s", type(gen))
  end
  if gen ~= nil and seed ~= nil then opterror("give seed or generator, not both") end
  if (seed ~= nil or gen ~= nil) and not opts.shuffle then opterror("seed and generator need shuffle = true") end
  local partial = opts.partial
  if partial == nil then partial = true end

  local n = self:size()
  if n == 0 then return function() return nil end end
  local order = tocha.LongTensor()
  if opts.shuffle then
    if seed ~= nil then
      epoch = epoch or (self._epochs[seed] or 0) + 1
      self._epochs[seed] = epoch
      gen = tocha.Generator()
      gen:setState({ seed, (epoch - 1) * perm_blocks(n) })
    end
    if gen then tocha.randperm(order, gen, n) else tocha.randperm(order, n) end
  else
    order = all_positions(n)
  end

  local sizes = self.data:size()
  sizes[1] = math.min(batch_size, n)
  local inputs = constructor(self.data)(sizes)
  local labels = tocha.LongTensor(sizes[1])
  local storage, base = order:storage(), order:storageOffset() - 1
  local index = tocha.LongTensor()
  local data, all_labels = self.data, self.labels
  local first, i = 1, 0
  return function()
    local count = math.min(batch_size, n - first + 1)
    if count <= 0 or (count < batch_size and not partial) then return nil end
    index:set(storage, base + first, count)
    inputs:index(data, 1, index)
    labels:index(all_labels, 1, index)
    first = first + count
    i = i + 1
    return inputs, labels, i
  end
end

-- ---- loading -------------------------------------------------------------------------

local files = { train_images = "train-images-idx3-ubyte", train_labels = "train-labels-idx1-ubyte",
  test_images = "t10k-images-idx3-ubyte", test_labels = "t10k-labels-idx1-ubyte" }

local function exists(path)
  local f = io.open(path, "rb")
  if not f then return false end
  -- a directory opens on Linux, but reading it fails
  local _, err = f:read(0)
  f:close()
  return err == nil
end

local function find_file(dir, base)
  local dotted = base:gsub("%-idx", ".idx")
  for _, name in ipairs({ base .. ".gz", base, dotted .. ".gz", dotted }) do
    local path = dir .. "/" .. name
    if exists(path) then return path end
  end
  return nil
end

-- Positions 1..n where mask is set, in increasing order.
local function sorted_positions(index, n)
  local mask = tocha.ByteTensor(n):zero()
  if index:nElement() > 0 then mask:indexFill(1, index, 1) end
  local count = index:nElement()
  if count == 0 then return tocha.LongTensor() end
  return mask:nonzero():view(count)
end

-- The Dataset of the examples `index` (nil: all) of images (Byte, N x H x W).
local function make_set(images, labels, index, typename, classes)
  local n = images:size(1)
  local flat = images:view(n, images:size(2) * images:size(3))
  if index then
    flat = flat:index(1, index)
    labels = labels:index(1, index)
  else
    index = all_positions(n)
  end
  local data = flat:type(typename):div(255)
  return Dataset { data = data, labels = labels:long():add(1), indices = index, classes = classes }
end

local function read_pair(fname, dir, which, nclasses)
  local images_path = find_file(dir, files[which .. "_images"])
  local labels_path = find_file(dir, files[which .. "_labels"])
  local images = tocha.readIDX(images_path)
  local labels = tocha.readIDX(labels_path)
  if tocha.type(images) ~= "tocha.ByteTensor" or images:dim() ~= 3 then
    raise(string.format("tocha.datasets.%s: %s: expected a 3-D ubyte IDX file of images, got a %d-D %s",
      fname, images_path, images:dim(), tocha.type(images)))
  end
  if tocha.type(labels) ~= "tocha.ByteTensor" or labels:dim() ~= 1 then
    raise(string.format("tocha.datasets.%s: %s: expected a 1-D ubyte IDX file of labels, got a %d-D %s",
      fname, labels_path, labels:dim(), tocha.type(labels)))
  end
  if images:size(1) == 0 then raise(string.format("tocha.datasets.%s: %s holds no images", fname, images_path)) end
  if labels:size(1) ~= images:size(1) then
    raise(string.format("tocha.datasets.%s: %s holds %d labels for the %d images of %s", fname, labels_path,
      labels:size(1), images:size(1), images_path))
  end
  if labels:max() >= nclasses then
    raise(string.format("tocha.datasets.%s: %s: label %d out of range 0..%d", fname, labels_path, labels:max(),
      nclasses - 1))
  end
  return images, labels
end

local load_options = { dir = true, validation = true, subset = true, seed = true, type = true, normalize = true }

local function load(fname, opts, default_dir, missing_hint, classes)
  opts = check_options(fname, opts, load_options)
  local dir = opts.dir or default_dir
  if dir == nil then fail(fname, "dir (the directory holding the IDX files) is required") end
  if type(dir) ~= "string" then fail(fname, "dir must be a string, got %s", type(dir)) end
  local validation = check_integer(fname, opts, "validation", 0) or 0
  local subset = check_integer(fname, opts, "subset", 1)
  local seed = check_integer(fname, opts, "seed") or 1
  local typename = opts.type or tocha.getdefaulttensortype()
  if typename ~= "tocha.FloatTensor" and typename ~= "tocha.DoubleTensor" then
    fail(fname, "type must be 'tocha.FloatTensor' or 'tocha.DoubleTensor', got %s", tostring(typename))
  end
  if opts.normalize ~= nil and type(opts.normalize) ~= "boolean" then
    fail(fname, "normalize must be a boolean, got %s", type(opts.normalize))
  end
  dir = dir:gsub("/+$", "")
  if dir == "" then dir = "/" end

  for _, key in ipairs({ "train_images", "train_labels", "test_images", "test_labels" }) do
    local base = files[key]
    if not find_file(dir, base) then
      raise(string.format("tocha.datasets.%s: no %s.gz (or %s) in %s: %s", fname, base, base, dir,
        missing_hint))
    end
  end

  local train_images, train_labels = read_pair(fname, dir, "train", #classes)
  local n = train_images:size(1)
  if validation >= n then
    fail(fname, "validation must be less than the %d training examples, got %d", n, validation)
  end
  if subset and subset > n - validation then
    fail(fname, "subset must be at most the %d training examples left after validation, got %d",
      n - validation, subset)
  end

  local result = { classes = classes, imageSize = { train_images:size(2), train_images:size(3) } }
  if validation > 0 or subset then
    local g = tocha.Generator()
    g:manualSeed(seed)
    local perm = tocha.randperm(tocha.LongTensor(), g, n)
    if validation > 0 then
      result.validation = make_set(train_images, train_labels, sorted_positions(perm:narrow(1, 1, validation), n),
        typename, classes)
    end
    local kept = perm:narrow(1, validation + 1, subset or n - validation)
    result.train = make_set(train_images, train_labels, sorted_positions(kept, n), typename, classes)
  else
    result.train = make_set(train_images, train_labels, nil, typename, classes)
  end

  local test_images, test_labels = read_pair(fname, dir, "test", #classes)
  if test_images:size(2) ~= result.imageSize[1] or test_images:size(3) ~= result.imageSize[2] then
    raise(string.format("tocha.datasets.%s: test images are %dx%d, training images %dx%d", fname,
      test_images:size(2), test_images:size(3), result.imageSize[1], result.imageSize[2]))
  end
  result.test = make_set(test_images, test_labels, nil, typename, classes)

  if opts.normalize then
    local mean, std = result.train.data:mean(), result.train.data:std()
    if std ~= std or std <= 0 then std = 1 end -- constant images
    for _, name in ipairs({ "train", "validation", "test" }) do
      if result[name] then result[name].data:add(-mean):div(std) end
    end
    result.mean, result.std = mean, std
  end
  return result
end

--- Fashion-MNIST (Zalando): 60000 training and 10000 test images of 28x28
--- clothes in 10 classes, from Debian's dataset-fashion-mnist by default.
function datasets.fashionmnist(opts)
  return load("fashionmnist", opts, datasets.FASHION_MNIST_DIR,
    "install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist), or pass dir = the "
    .. "directory holding the Fashion-MNIST files", datasets.fashionmnist_classes)
end

--- MNIST digits, from the four files of the same names in dir.
function datasets.mnist(opts)
  return load("mnist", opts, nil,
    "put the four MNIST files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
    .. "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) there", datasets.mnist_classes)
end

return datasets
