-- The dropout experiment as a user meets it (issue 15): the first line at
-- once, a table whose headers name the quantities, the curves on disk after
-- every epoch, Ctrl-C keeping what is done (exit status 130), --out in the
-- user's directory, no directory in summary.txt, and --replot.
local function have_data()
  -- under valgrind (which follows children) each run would take minutes
  if os.getenv("TOCHA_SPEC_VALGRIND") then return false end
  local f = io.open(require("tocha.datasets").FASHION_MNIST_DIR .. "/train-labels-idx1-ubyte.gz", "rb")
  if f then f:close() end
  return f ~= nil
end

local root = io.popen("pwd"):read("l")
local script = root .. "/examples/dropout_experiment.lua"
local ARGS = "--epochs 3 --subset 300 --validation 200 --hidden 16 --traineval 100 --batch 32"

-- The module paths, relative entries made absolute (a test runs elsewhere).
local function absolute(paths)
  return (paths:gsub("[^;]+", function(entry)
    if entry:sub(1, 1) ~= "/" then return root .. "/" .. entry end
  end))
end

-- Runs a shell command line with the spec's module paths; output and status.
local function sh(cmd)
  local p = assert(io.popen(("export LUA_PATH=%q LUA_CPATH=%q; %s 2>&1; echo \"rc=$?\""):format(
    absolute(package.path), absolute(package.cpath), cmd)))
  local out = p:read("a")
  p:close()
  return out, tonumber(out:match("rc=(%d+)%s*$"))
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function lines_of(path)
  local n = 0
  for _ in (read(path) or ""):gmatch("[^\n]+") do n = n + 1 end
  return n
end

local function tmpdir()
  local d = os.tmpname()
  os.remove(d)
  assert(os.execute("mkdir -p " .. d))
  return d
end

describe("the dropout experiment", function()
  local dirs = {}
  after_each(function()
    for _, d in ipairs(dirs) do os.execute("rm -rf " .. d) end
    dirs = {}
  end)
  local function dir()
    local d = tmpdir()
    dirs[#dirs + 1] = d
    return d
  end

  it("says what it does at once, names its columns, and writes --out in the user's directory", function()
    if not have_data() then return end -- Debian's dataset-fashion-mnist is not installed
    local cwd = dir()
    local out, rc = sh(("cd %s && lua5.4 %s %s --out results"):format(cwd, script, ARGS))
    assert.are.equal(0, rc, out)
    assert.are.equal("dropout experiment: loading the images and building the networks ...", out:match("^[^\n]*"))
    -- the headers: the two runs, and per run train loss, val loss, val error
    local heads = out:match("\n([^\n]*dropout[^\n]*no dropout[^\n]*)\n([^\n]*)\n([^\n]*)\n")
    assert.is_truthy(heads, out)
    local two, three = out:match("\n[^\n]*%-%- no dropout[^\n]*\n([^\n]*)\n([^\n]*)\n")
    assert.is_truthy(two:find("train +val +val +train +val +val"), two)
    assert.is_truthy(three:find("epoch +loss +loss +error +loss +loss +error +time"), three)
    -- rows fit a 60-column terminal
    for row in out:gmatch("\n( +%d+  [^\n]*)") do assert.is_true(#row < 60, row) end
    for _, f in ipairs({ "curves.csv", "curves.svg", "curves.png", "summary.txt" }) do
      assert.is_truthy(read(cwd .. "/results/" .. f), f)
    end
    assert.are.equal(4, lines_of(cwd .. "/results/curves.csv"))
    -- summary.txt names its neighbours, no directory of this machine
    local summary = read(cwd .. "/results/summary.txt")
    assert.is_truthy(summary:find("Wrote curves.csv, curves.svg, curves.png and summary.txt", 1, true), summary)
    assert.is_falsy(summary:find(cwd, 1, true), summary)
    assert.is_falsy(summary:find("/", 1, true) and summary:find("/[%w._-]+/", 1), summary)
  end)

  it("keeps every finished epoch when interrupted with Ctrl-C, and exits with status 130", function()
    if not have_data() then return end
    local d = dir()
    -- SIGINT once the first epoch's curves are on disk
    local cmd = ("lua5.4 %s --epochs 200 --subset 2000 --validation 200 --hidden 32 --traineval 100 --batch 32 "
      .. "--out %s > %s/log 2>&1 & pid=$!; n=0; while [ ! -f %s/curves.png ] && [ $n -lt 600 ]; do sleep 0.1; "
      .. "n=$((n+1)); done; kill -INT $pid; wait $pid"):format(script, d, d, d)
    local _, rc = sh(cmd)
    local log = read(d .. "/log")
    assert.are.equal(130, rc, log)
    local done = tonumber(log:match("interrupted after (%d+) of 200 epochs"))
    assert.is_truthy(done, log)
    assert.is_true(done >= 1 and done < 200, log)
    assert.is_falsy(log:find("traceback", 1, true), log)
    -- the CSV has the finished epochs (at most one more, written as the signal came)
    local rows = lines_of(d .. "/curves.csv") - 1
    assert.is_true(rows >= done and rows <= done + 1, rows .. " rows, " .. done .. " epochs")
    assert.are.equal("\137PNG", read(d .. "/curves.png"):sub(1, 4))
    assert.are.equal("<?xml", read(d .. "/curves.svg"):sub(1, 5))
    assert.is_nil(read(d .. "/summary.txt")) -- the run did not end
  end)

  it("redraws the plots from a CSV with --replot", function()
    local d = dir()
    local csv = { "epoch,train error % (dropout),train error % (no dropout),train loss (dropout),"
      .. "train loss (no dropout),val error % (dropout),val error % (no dropout),val loss (dropout),"
      .. "val loss (no dropout)" }
    for e = 1, 12 do
      csv[#csv + 1] = ("%d,%g,%g,%g,%g,%g,%g,%g,%g"):format(e, 30 / e, 25 / e, 1 / e, 0.8 / e, 14.6 + 30 / e ^ 2,
        14.9 + 30 / e ^ 2, 0.5 + 1 / e, 0.6 + 1 / e)
    end
    local f = assert(io.open(d .. "/curves.csv", "w"))
    f:write(table.concat(csv, "\n"), "\n")
    f:close()
    f = assert(io.open(d .. "/summary.txt", "w"))
    f:write("Dropout experiment: 12 epochs, 5000 training / 10000 validation images, hidden 2x1024, p = 0.2\n")
    f:close()
    local out, rc = sh(("lua5.4 %s --replot %s"):format(script, d))
    assert.are.equal(0, rc, out)
    assert.is_truthy(out:find("Redrew " .. d .. "/curves.svg and " .. d .. "/curves.png from 12 epochs", 1, true), out)
    assert.is_falsy(out:find("loading", 1, true), out) -- no training
    assert.are.equal("\137PNG", read(d .. "/curves.png"):sub(1, 4))
    assert.are.equal("<?xml", read(d .. "/curves.svg"):sub(1, 5))
    -- a directory without a CSV, and a CSV that is not this script's
    out, rc = sh(("lua5.4 %s --replot %s/none"):format(script, d))
    assert.are.equal(2, rc, out)
    assert.is_truthy(out:find("dropout_experiment: --replot: ", 1, true), out)
    f = assert(io.open(d .. "/curves.csv", "w"))
    f:write("a,b\n1,2\n")
    f:close()
    out, rc = sh(("lua5.4 %s --replot %s"):format(script, d))
    assert.are.equal(2, rc, out)
    assert.is_truthy(out:find("is not a curves.csv of this script", 1, true), out)
  end)
end)
