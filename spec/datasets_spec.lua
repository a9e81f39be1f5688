-- tocha.datasets: loading MNIST-format directories, the seeded validation
-- split and subset, and the minibatch iterator.  Small synthetic datasets
-- check the exact behaviour; the real Fashion-MNIST (Debian's
-- dataset-fashion-mnist) is loaded too unless TOCHA_SPEC_QUICK is set.
local tocha = require "tocha"

local QUICK = os.getenv("TOCHA_SPEC_QUICK") ~= nil
local FASHION = "/usr/share/datasets/fashion-mnist"

local base = os.tmpname()
local root = base .. "_datasets"
-- All directories with one mkdir and all gzipping with one gzip call:
-- processes are slow under valgrind.
local subdirs = { "small", "plain", "dotted", "empty", "partial", "bad_labels", "batches" }
assert(os.execute("mkdir -p " .. root .. "/" .. table.concat(subdirs, " " .. root .. "/")))
local to_gzip = {}

local function idx(code, sizes, values)
  local parts = { string.pack(">BBBB", 0, 0, code, #sizes) }
  for _, s in ipairs(sizes) do parts[#parts + 1] = string.pack(">I4", s) end
  parts[#parts + 1] = string.char(table.unpack(values))
  return table.concat(parts)
end

local function write(p, bytes)
  local f = assert(io.open(p, "wb"))
  f:write(bytes)
  f:close()
end

-- A directory of n training and m test images of 3x4 pixels.  Image k of
-- the training file (1-based) has every pixel = k - 1, test image k has
-- pixels 200 + k - 1, so a row of data tells which example it is; labels
-- are (k - 1) % 10 for training and (k + 2) % 10 for test.
local function make_dir(name, n, m, opts)
  opts = opts or {}
  local d = root .. "/" .. name
  local function images(count, first)
    local v = {}
    for k = 1, count do
      for p = 1, 12 do v[(k - 1) * 12 + p] = first + k - 1 end
    end
    return idx(0x08, { count, 3, 4 }, v)
  end
  local function labels(count, shift)
    local v = {}
    for k = 1, count do v[k] = (k - 1 + shift) % 10 end
    return idx(0x08, { count }, v)
  end
  local names = opts.names or
    { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" }
  local contents = { images(n, 0), labels(n, 0), images(m, 200), labels(m, 3) }
  for i = 1, 4 do
    write(d .. "/" .. names[i], contents[i])
    if opts.gzip then to_gzip[#to_gzip + 1] = d .. "/" .. names[i] end
  end
  return d
end

-- The example number (1-based position in its file) of each row of data.
local function examples(set, first)
  local rows = {}
  local col = set.data:select(2, 1)
  for i = 1, set:size() do rows[i] = math.floor(col[i] * 255 + 0.5) - (first or 0) + 1 end
  return rows
end

local function sorted_copy(t)
  local c = table.move(t, 1, #t, 1, {})
  table.sort(c)
  return c
end

local function range(a, b)
  local r = {}
  for i = a, b do r[#r + 1] = i end
  return r
end

local function load_error(f, opts)
  local ok, err = pcall(f, opts)
  assert.is_false(ok)
  return err
end

teardown(function()
  os.execute("rm -rf " .. root)
  os.remove(base)
end)

local dir = make_dir("small", 50, 20, { gzip = true })
local plain = make_dir("plain", 12, 5)
local dotted = make_dir("dotted", 7, 3, { names = { "train-images.idx3-ubyte", "train-labels.idx1-ubyte",
  "t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte" } })
local partial = make_dir("partial", 5, 5)
os.remove(partial .. "/t10k-labels-idx1-ubyte")
local bad_labels = make_dir("bad_labels", 6, 4)
local batches_dir = make_dir("batches", 50, 20)
assert(os.execute("gzip -f " .. table.concat(to_gzip, " ")))

describe("tocha.datasets loading", function()

  it("loads train and test sets scaled to [0, 1] with labels 1..10", function()
    local ds = tocha.datasets.mnist { dir = dir }
    assert.is_nil(ds.validation)
    assert.are.same({ 3, 4 }, ds.imageSize)
    assert.are.same({ "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" }, ds.classes)
    local train, test = ds.train, ds.test
    assert.are.equal(50, train:size())
    assert.are.equal(20, test:size())
    assert.are.equal("tocha.FloatTensor", tocha.type(train.data))
    assert.are.same({ 50, 12 }, train.data:size():totable())
    assert.are.same({ 20, 12 }, test.data:size():totable())
    assert.are.equal("tocha.LongTensor", tocha.type(train.labels))
    for k = 1, 50 do
      assert.are.equal((k - 1) % 10 + 1, train.labels[k])
      assert.are.equal(k, train.indices[k])
    end
    assert.are.same(range(1, 50), examples(train))
    assert.are.same(range(1, 20), examples(test, 200))
    assert.are.equal(3 % 10 + 1, test.labels[1])
    -- byte / 255, rounded to float
    assert.are.equal(string.unpack("f", string.pack("f", 7 / 255)), train.data[{ 8, 5 }])
    assert.are.equal(0, train.data:min())
    assert.are.equal(string.unpack("f", string.pack("f", 219 / 255)), test.data:max())
    assert.are.same(ds.classes, train.classes)
  end)

  it("finds plain files and the dotted names too", function()
    local ds = tocha.datasets.mnist { dir = plain .. "/" }
    assert.are.equal(12, ds.train:size())
    ds = tocha.datasets.mnist { dir = dotted }
    assert.are.same(range(1, 7), examples(ds.train))
  end)

  it("gives DoubleTensors on request, and follows the default tensor type", function()
    local ds = tocha.datasets.mnist { dir = dir, type = "tocha.DoubleTensor" }
    assert.are.equal("tocha.DoubleTensor", tocha.type(ds.train.data))
    assert.are.equal(7 / 255, ds.train.data[{ 8, 1 }])
    tocha.setdefaulttensortype("tocha.DoubleTensor")
    local ok, res = pcall(tocha.datasets.mnist, { dir = dir })
    tocha.setdefaulttensortype("tocha.FloatTensor")
    assert.is_true(ok, res)
    assert.are.equal("tocha.DoubleTensor", tocha.type(res.test.data))
  end)

  it("splits off a validation set by the documented seeded permutation", function()
    local ds = tocha.datasets.mnist { dir = dir, validation = 15, seed = 5 }
    local g = tocha.Generator()
    g:manualSeed(5)
    local perm = tocha.randperm(tocha.LongTensor(), g, 50):totable()
    local want_val = sorted_copy(table.move(perm, 1, 15, 1, {}))
    local want_train = sorted_copy(table.move(perm, 16, 50, 1, {}))
    assert.are.same(want_val, ds.validation.indices:totable())
    assert.are.same(want_train, ds.train.indices:totable())
    -- the data rows are those examples, in file order, with their labels
    assert.are.same(want_val, examples(ds.validation))
    assert.are.same(want_train, examples(ds.train))
    for i, k in ipairs(want_val) do assert.are.equal((k - 1) % 10 + 1, ds.validation.labels[i]) end
    -- disjoint, and together the whole training file
    local all = sorted_copy(table.move(want_val, 1, 15, 36, table.move(want_train, 1, 35, 1, {})))
    assert.are.same(range(1, 50), all)
    -- the test set is untouched
    assert.are.same(range(1, 20), examples(ds.test, 200))
  end)

  it("is deterministic for a seed and changes with it", function()
    local a = tocha.datasets.mnist { dir = dir, validation = 10, seed = 11 }
    local b = tocha.datasets.mnist { dir = dir, validation = 10, seed = 11 }
    local c = tocha.datasets.mnist { dir = dir, validation = 10, seed = 12 }
    assert.are.same(a.validation.indices:totable(), b.validation.indices:totable())
    assert.are.same(a.train.data:totable(), b.train.data:totable())
    assert.are_not.same(a.validation.indices:totable(), c.validation.indices:totable())
    -- the default seed is 1
    local d = tocha.datasets.mnist { dir = dir, validation = 10 }
    local e = tocha.datasets.mnist { dir = dir, validation = 10, seed = 1 }
    assert.are.same(d.validation.indices:totable(), e.validation.indices:totable())
  end)

  it("takes subset from the shuffled remaining training examples", function()
    local ds = tocha.datasets.mnist { dir = dir, validation = 10, subset = 8, seed = 3 }
    local g = tocha.Generator()
    g:manualSeed(3)
    local perm = tocha.randperm(tocha.LongTensor(), g, 50):totable()
    assert.are.same(sorted_copy(table.move(perm, 1, 10, 1, {})), ds.validation.indices:totable())
    assert.are.same(sorted_copy(table.move(perm, 11, 18, 1, {})), ds.train.indices:totable())
    assert.are.equal(8, ds.train:size())
    assert.are.same(ds.train.indices:totable(), examples(ds.train))
    -- without validation: the first subset examples of the permutation
    local s = tocha.datasets.mnist { dir = dir, subset = 5, seed = 3 }
    assert.are.same(sorted_copy(table.move(perm, 1, 5, 1, {})), s.train.indices:totable())
  end)

  it("normalizes every set with the training set's mean and std on request", function()
    local ds = tocha.datasets.mnist { dir = dir, validation = 10, normalize = true, type = "tocha.DoubleTensor" }
    local raw = tocha.datasets.mnist { dir = dir, validation = 10, type = "tocha.DoubleTensor" }
    local mean, std = raw.train.data:mean(), raw.train.data:std()
    assert.are.equal(mean, ds.mean)
    assert.are.equal(std, ds.std)
    assert.is_true(math.abs(ds.train.data:mean()) < 1e-12)
    assert.is_true(math.abs(ds.train.data:std() - 1) < 1e-12)
    for _, name in ipairs({ "validation", "test" }) do
      local want = raw[name].data:clone():add(-mean):div(std)
      assert.is_true(ds[name].data:clone():add(-1, want):abs():max() < 1e-12)
    end
    -- without a validation set
    local whole = tocha.datasets.mnist { dir = dir, normalize = true, type = "tocha.DoubleTensor" }
    local m = tocha.datasets.mnist { dir = dir, type = "tocha.DoubleTensor" }
    local mean2, std2 = m.train.data:mean(), m.train.data:std()
    assert.are.equal(mean2, whole.mean)
    local want = m.test.data:clone():add(-mean2):div(std2)
    assert.is_true(whole.test.data:clone():add(-1, want):abs():max() < 1e-12)
    assert.is_true(math.abs(whole.train.data:mean()) < 1e-12)
  end)

  it("rejects bad options with clear messages", function()
    local mnist = tocha.datasets.mnist
    assert.matches("bad argument #1 to 'mnist' (dir (the directory holding the IDX files) is required)",
      load_error(mnist, {}), 1, true)
    assert.matches("bad argument #1 to 'mnist' (table of options expected, got string)",
      load_error(mnist, "x"), 1, true)
    assert.matches("unknown option 'valid'", load_error(mnist, { dir = dir, valid = 3 }), 1, true)
    assert.matches("validation must be an integer, got 1.5", load_error(mnist, { dir = dir, validation = 1.5 }),
      1, true)
    assert.matches("validation must be >= 0, got -1", load_error(mnist, { dir = dir, validation = -1 }), 1, true)
    assert.matches("validation must be less than the 50 training examples, got 50",
      load_error(mnist, { dir = dir, validation = 50 }), 1, true)
    assert.matches("subset must be >= 1, got 0", load_error(mnist, { dir = dir, subset = 0 }), 1, true)
    assert.matches("subset must be at most the 40 training examples left after validation, got 41",
      load_error(mnist, { dir = dir, validation = 10, subset = 41 }), 1, true)
    assert.matches("type must be 'tocha.FloatTensor' or 'tocha.DoubleTensor', got tocha.LongTensor",
      load_error(mnist, { dir = dir, type = "tocha.LongTensor" }), 1, true)
    assert.matches("normalize must be a boolean", load_error(mnist, { dir = dir, normalize = 1 }), 1, true)
    assert.matches("seed must be an integer", load_error(mnist, { dir = dir, seed = "x" }), 1, true)
  end)

  it("names the missing file and, for Fashion-MNIST, the Debian package", function()
    local empty = root .. "/empty"
    local err = load_error(tocha.datasets.fashionmnist, { dir = empty })
    assert.matches("tocha.datasets.fashionmnist: no train-images-idx3-ubyte.gz (or train-images-idx3-ubyte) in "
      .. empty .. ": install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist)",
      err, 1, true)
    err = load_error(tocha.datasets.fashionmnist, { dir = root .. "/does/not/exist" })
    assert.matches("apt-get install dataset-fashion-mnist", err, 1, true)
    err = load_error(tocha.datasets.mnist, { dir = empty })
    assert.matches("tocha.datasets.mnist: no train-images-idx3-ubyte.gz (or train-images-idx3-ubyte) in " .. empty
      .. ": put the four MNIST files", err, 1, true)
    -- one file missing
    assert.matches("no t10k-labels-idx1-ubyte.gz", load_error(tocha.datasets.mnist, { dir = partial }), 1, true)
  end)

  it("reports inconsistent or damaged files", function()
    local d = bad_labels
    write(d .. "/train-labels-idx1-ubyte", idx(0x08, { 6 }, { 0, 1, 2, 12, 4, 5 }))
    assert.matches(d .. "/train-labels-idx1-ubyte: label 12 out of range 0..9",
      load_error(tocha.datasets.mnist, { dir = d }), 1, true)
    write(d .. "/train-labels-idx1-ubyte", idx(0x08, { 5 }, { 0, 1, 2, 3, 4 }))
    assert.matches("train-labels-idx1-ubyte holds 5 labels for the 6 images of", load_error(tocha.datasets.mnist,
      { dir = d }), 1, true)
    write(d .. "/train-images-idx3-ubyte", idx(0x08, { 6, 12 }, range(1, 72)))
    assert.matches("expected a 3-D ubyte IDX file of images, got a 2-D tocha.ByteTensor",
      load_error(tocha.datasets.mnist, { dir = d }), 1, true)
    write(d .. "/train-images-idx3-ubyte", idx(0x08, { 6, 3, 4 }, range(1, 60)))
    assert.matches("tocha.readIDX: " .. d .. "/train-images-idx3-ubyte: truncated: 60 of the 72 data bytes",
      load_error(tocha.datasets.mnist, { dir = d }), 1, true)
  end)
end)

describe("Dataset:batches", function()
  local ds = tocha.datasets.mnist { dir = batches_dir }

  -- runs one epoch; returns the example order, the batch sizes, and checks
  -- that every batch's labels belong to its inputs
  local function epoch(set, bs, opts)
    local order, sizes = {}, {}
    for inputs, labels, i in set:batches(bs, opts) do
      assert.are.equal(#sizes + 1, i)
      sizes[#sizes + 1] = inputs:size(1)
      assert.are.equal(inputs:size(1), labels:size(1))
      assert.are.equal(12, inputs:size(2))
      for r = 1, inputs:size(1) do
        local k = math.floor(inputs[{ r, 1 }] * 255 + 0.5) + 1
        assert.are.equal((k - 1) % 10 + 1, labels[r])
        order[#order + 1] = k
      end
    end
    return order, sizes
  end

  it("goes through the set in file order by default, last partial batch included", function()
    local order, sizes = epoch(ds.train, 16)
    assert.are.same(range(1, 50), order)
    assert.are.same({ 16, 16, 16, 2 }, sizes)
    order, sizes = epoch(ds.train, 16, { partial = false })
    assert.are.same(range(1, 48), order)
    assert.are.same({ 16, 16, 16 }, sizes)
    sizes = select(2, epoch(ds.train, 50))
    assert.are.same({ 50 }, sizes)
    sizes = select(2, epoch(ds.train, 64))
    assert.are.same({ 50 }, sizes)
    sizes = select(2, epoch(ds.train, 64, { partial = false }))
    assert.are.same({}, sizes)
    sizes = select(2, epoch(ds.train, 1))
    assert.are.equal(50, #sizes)
  end)

  it("shuffles with a seed: every example once, the same orders in every run", function()
    local a = tocha.datasets.mnist { dir = batches_dir }
    local b = tocha.datasets.mnist { dir = batches_dir }
    local a1, a2 = epoch(a.train, 7, { shuffle = true, seed = 9 }), epoch(a.train, 7, { shuffle = true, seed = 9 })
    local b1, b2 = epoch(b.train, 7, { shuffle = true, seed = 9 }), epoch(b.train, 7, { shuffle = true, seed = 9 })
    assert.are.same(range(1, 50), sorted_copy(a1))
    assert.are.same(range(1, 50), sorted_copy(a2))
    assert.are_not.same(range(1, 50), a1)
    assert.are_not.same(a1, a2) -- a new order each epoch
    assert.are.same(a1, b1)     -- the same orders in another run
    assert.are.same(a2, b2)
    -- epoch k is the k-th permutation drawn from a generator seeded with the seed
    local g = tocha.Generator()
    g:manualSeed(9)
    assert.are.same(tocha.randperm(tocha.LongTensor(), g, 50):totable(), a1)
    assert.are.same(tocha.randperm(tocha.LongTensor(), g, 50):totable(), a2)
    local third = tocha.randperm(tocha.LongTensor(), g, 50):totable()
    -- epoch = k jumps there; the count then continues from k
    local c = tocha.datasets.mnist { dir = batches_dir }
    assert.are.same(third, epoch(c.train, 5, { shuffle = true, seed = 9, epoch = 3 }))
    assert.are.same(a1, epoch(c.train, 5, { shuffle = true, seed = 9, epoch = 1 }))
    assert.are.same(a2, epoch(c.train, 5, { shuffle = true, seed = 9 }))
    -- another seed, another order
    assert.are_not.same(a1, epoch(c.train, 7, { shuffle = true, seed = 10 }))
  end)

  it("draws from a given generator, or from the default one", function()
    local g1, g2 = tocha.Generator(), tocha.Generator()
    g1:manualSeed(4)
    g2:manualSeed(4)
    local o1 = epoch(ds.train, 8, { shuffle = true, generator = g1 })
    assert.are.same(tocha.randperm(tocha.LongTensor(), g2, 50):totable(), o1)
    assert.are.same(g2:getState(), g1:getState())
    tocha.manualSeed(21)
    local d1 = epoch(ds.train, 8, { shuffle = true })
    tocha.manualSeed(21)
    assert.are.same(d1, epoch(ds.train, 8, { shuffle = true }))
    assert.are.same(range(1, 50), sorted_copy(d1))
  end)

  it("refills the same batch tensors in place", function()
    local inputs0, labels0, storage0, lstorage0
    local n = 0
    for inputs, labels in ds.train:batches(16, { shuffle = true, seed = 1 }) do
      if not inputs0 then
        inputs0, labels0 = inputs, labels
        storage0, lstorage0 = inputs:storage():pointer(), labels:storage():pointer()
      end
      assert.are.equal(inputs0, inputs)
      assert.are.equal(labels0, labels)
      assert.are.equal(storage0, inputs:storage():pointer())
      assert.are.equal(lstorage0, labels:storage():pointer())
      assert.are.equal("tocha.FloatTensor", tocha.type(inputs))
      n = n + 1
    end
    assert.are.equal(4, n)
  end)

  it("works on a split set and on a Dataset made from tensors", function()
    local split = tocha.datasets.mnist { dir = batches_dir, validation = 20, seed = 2 }
    local order = epoch(split.validation, 6)
    assert.are.same(split.validation.indices:totable(), order)
    local set = tocha.datasets.Dataset { data = tocha.DoubleTensor({ { 1, 10 }, { 2, 20 }, { 3, 30 } }),
      labels = tocha.LongTensor({ 7, 8, 9 }) }
    assert.are.equal(3, set:size())
    local seen = {}
    for inputs, labels in set:batches(2, { shuffle = true, seed = 5 }) do
      assert.are.equal("tocha.DoubleTensor", tocha.type(inputs))
      for r = 1, inputs:size(1) do
        assert.are.equal(inputs[{ r, 1 }] * 10, inputs[{ r, 2 }])
        assert.are.equal(inputs[{ r, 1 }] + 6, labels[r])
        seen[#seen + 1] = inputs[{ r, 1 }]
      end
    end
    assert.are.same({ 1, 2, 3 }, sorted_copy(seen))
    assert.matches("tocha.datasets.Dataset of 3 examples (data 3x2 tocha.DoubleTensor", tostring(set), 1, true)
  end)

  it("rejects bad arguments", function()
    local function err(...)
      local ok, e = pcall(ds.train.batches, ds.train, ...)
      assert.is_false(ok)
      return e
    end
    assert.matches("bad argument #1 to 'batches' (batch size must be an integer >= 1, got 0)", err(0), 1, true)
    assert.matches("batch size must be an integer >= 1, got 2.5", err(2.5), 1, true)
    assert.matches("bad argument #2 to 'batches' (unknown option 'shufle')", err(4, { shufle = true }), 1, true)
    assert.matches("seed and generator need shuffle = true", err(4, { seed = 1 }), 1, true)
    assert.matches("epoch needs seed", err(4, { shuffle = true, epoch = 2 }), 1, true)
    assert.matches("epoch must be an integer >= 1, got 0", err(4, { shuffle = true, seed = 1, epoch = 0 }), 1, true)
    assert.matches("give seed or generator, not both",
      err(4, { shuffle = true, seed = 1, generator = tocha.Generator() }), 1, true)
    assert.matches("generator must be a tocha.Generator", err(4, { shuffle = true, generator = {} }), 1, true)
    local function make(fields) return tocha.datasets.Dataset(fields) end
    local ok, e = pcall(make, { data = tocha.FloatTensor(3, 2), labels = tocha.FloatTensor(3) })
    assert.is_false(ok)
    assert.matches("labels must be a 1-D tocha.LongTensor, got 1-D tocha.FloatTensor", e, 1, true)
    ok, e = pcall(make, { data = tocha.FloatTensor(3, 2), labels = tocha.LongTensor(4) })
    assert.is_false(ok)
    assert.matches("labels has 4 entries for 3 examples", e, 1, true)
    ok, e = pcall(make, { labels = tocha.LongTensor(4) })
    assert.is_false(ok)
    assert.matches("data must be a non-empty tensor, got nil", e, 1, true)
  end)
end)

describe("Fashion-MNIST", function()
  local installed = io.open(FASHION .. "/train-images-idx3-ubyte.gz", "rb") ~= nil

  it("loads the full dataset from Debian's package", function()
    if QUICK then return pending("TOCHA_SPEC_QUICK: the full dataset is not loaded") end
    if not installed then return pending("dataset-fashion-mnist is not installed") end
    local ds = tocha.datasets.fashionmnist()
    local train, test = ds.train, ds.test
    assert.are.same({ 60000, 784 }, train.data:size():totable())
    assert.are.same({ 10000, 784 }, test.data:size():totable())
    assert.are.same({ 28, 28 }, ds.imageSize)
    assert.are.equal("Ankle boot", ds.classes[10])
    assert.are.equal("T-shirt/top", train.classes[1])
    for _, set in ipairs({ train, test }) do
      assert.are.equal(0, set.data:min())
      assert.are.equal(1, set.data:max())
      assert.are.equal(1, set.labels:min())
      assert.are.equal(10, set.labels:max())
    end
    -- a balanced dataset: 1000 test and 6000 training images per class
    for _, case in ipairs({ { test, 1000 }, { train, 6000 } }) do
      local counts = {}
      for _, l in ipairs(case[1].labels:totable()) do counts[l] = (counts[l] or 0) + 1 end
      for c = 1, 10 do assert.are.equal(case[2], counts[c]) end
    end
    -- the first test image is an ankle boot (label 9 in the file)
    assert.are.equal(10, test.labels[1])
    ds = nil -- luacheck: ignore 311
    collectgarbage()
  end)

  it("splits it reproducibly", function()
    if QUICK then return pending("TOCHA_SPEC_QUICK: the full dataset is not loaded") end
    if not installed then return pending("dataset-fashion-mnist is not installed") end
    local ds = tocha.datasets.fashionmnist { validation = 10000, subset = 5000, seed = 7 }
    assert.are.equal(10000, ds.validation:size())
    assert.are.equal(5000, ds.train:size())
    assert.are.equal(10000, ds.test:size())
    local seen = tocha.ByteTensor(60000):zero()
    seen:indexFill(1, ds.validation.indices, 1)
    seen:indexFill(1, ds.train.indices, 1)
    assert.are.equal(15000, seen:double():sum()) -- disjoint
    local again = tocha.datasets.fashionmnist { validation = 10000, subset = 5000, seed = 7 }
    assert.are.same(ds.train.indices:totable(), again.train.indices:totable())
    assert.are.equal(0, again.validation.data:clone():add(-1, ds.validation.data):abs():max())
    ds, again = nil, nil -- luacheck: ignore 311
    collectgarbage()
  end)
end)
