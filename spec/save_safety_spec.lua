-- tocha.save and torch.save are crash-safe (issue 13): a temporary file in
-- the target's directory, fsynced, renamed over the target, the directory
-- fsynced; symbolic links followed; permissions kept; targets that are not
-- regular files refused; a failed or killed save leaves the previous file.
local tocha = require "tocha"

-- Shell commands run without the sanitizer runtime that the asan/ run
-- preloads (LeakSanitizer would fail utilities such as chown that do not
-- free their memory); Lua children get it back (see child).
local PRELOAD = os.getenv("LD_PRELOAD")
local function sh(cmd)
  local quoted = "'" .. cmd:gsub("'", "'\\''") .. "'"
  local ok = os.execute("env -u LD_PRELOAD sh -c " .. quoted)
  return ok == true
end

local function capture(cmd)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  return (out:gsub("%s+$", ""))
end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function new_dir()
  local name = os.tmpname()
  os.remove(name)
  assert(sh("mkdir -m 755 " .. name))
  return name
end

local function mode_of(path) return capture("stat -c %a " .. path) end

-- Temporary files left in a directory (there must be none after a save).
local function strays(dir) return capture("ls -A " .. dir .. " | grep '\\.tmp-' || true") end

local function assert_error(fragment, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error containing: " .. fragment)
  assert.is_truthy(tostring(err):find(fragment, 1, true), "error '" .. tostring(err) .. "' lacks '" .. fragment .. "'")
end

local is_root = capture("id -u") == "0"

-- Runs Lua code in a child process with this process's module paths;
-- `prefix` goes before the interpreter (ulimit, setpriv, ...).
local function child(code, prefix)
  local script = os.tmpname()
  local f = assert(io.open(script, "w"))
  f:write(string.format("package.path = %q\npackage.cpath = %q\n", package.path, package.cpath), code)
  f:close()
  assert(sh("chmod 644 " .. script))
  local quiet = os.getenv("SPEC_DEBUG") and "" or " >/dev/null 2>&1"
  local ok, how, status = os.execute((prefix or "") .. " lua5.4 " .. script .. quiet)
  os.remove(script)
  return ok == true, how, status
end

describe("tocha.save", function()
  local dir
  before_each(function() dir = new_dir() end)
  after_each(function() sh("chmod -R u+w " .. dir .. " 2>/dev/null; rm -rf " .. dir) end)

  it("replaces the file a symbolic link names and keeps the link", function()
    assert(sh("mkdir " .. dir .. "/real"))
    local target = dir .. "/real/model.t7"
    tocha.save(target, { version = 1 })
    assert(sh("ln -s real/model.t7 " .. dir .. "/link"))
    assert(sh("ln -s link " .. dir .. "/link2")) -- a chain of links
    tocha.save(dir .. "/link2", { version = 2 })
    assert.is_true(sh("test -L " .. dir .. "/link2"), "the link became a regular file")
    assert.is_true(sh("test -L " .. dir .. "/link"))
    assert.are.equal(2, tocha.load(target).version)
    assert.are.equal("", strays(dir))
    assert.are.equal("", strays(dir .. "/real"))
    -- a dangling link: its target is created, the link stays
    assert(sh("ln -s real/new.t7 " .. dir .. "/dangling"))
    tocha.save(dir .. "/dangling", { version = 3 })
    assert.is_true(sh("test -L " .. dir .. "/dangling"))
    assert.are.equal(3, tocha.load(dir .. "/real/new.t7").version)
  end)

  it("keeps the target's permissions, and gives a new file the umask's", function()
    local path = dir .. "/secret.t7"
    tocha.save(path, { 1 })
    assert(sh("chmod 600 " .. path))
    tocha.save(path, { 2 })
    assert.are.equal("600", mode_of(path))
    assert(sh("chmod 640 " .. path))
    tocha.save(path, tocha.DoubleTensor(3):fill(1))
    assert.are.equal("640", mode_of(path))
    -- through a link: the target's mode, not the link's
    assert(sh("chmod 604 " .. path .. " && ln -s secret.t7 " .. dir .. "/l"))
    tocha.save(dir .. "/l", { 3 })
    assert.are.equal("604", mode_of(path))
    local umask = tonumber(capture("umask"), 8)
    tocha.save(dir .. "/fresh.t7", { 1 })
    assert.are.equal(string.format("%o", 438 & ~umask), mode_of(dir .. "/fresh.t7"))
  end)

  it("refuses targets that are not regular files and leaves them alone", function()
    -- Never /dev/null itself: a tocha without this fix would replace the
    -- system's device node.  A private node of the same device when we may
    -- make one, and a link to /dev/null (which such a tocha replaces, not /dev/null).
    if sh("mknod " .. dir .. "/devnull c 1 3 2>/dev/null") then
      assert_error(dir .. "/devnull is a character device, not a regular file", tocha.save, dir .. "/devnull", { 1 })
      assert.is_true(sh("test -c " .. dir .. "/devnull"))
    end
    assert(sh("ln -s /dev/null " .. dir .. "/null"))
    assert_error("/dev/null is a character device, not a regular file", tocha.save, dir .. "/null", { 1 })
    assert.is_true(sh("test -L " .. dir .. "/null"))
    assert(sh("mkfifo " .. dir .. "/fifo"))
    assert_error("is a FIFO, not a regular file", tocha.save, dir .. "/fifo", { 1 }) -- and does not block
    assert.is_true(sh("test -p " .. dir .. "/fifo"))
    assert(sh("mkdir " .. dir .. "/sub"))
    assert_error("is a directory, not a regular file", tocha.save, dir .. "/sub", { 1 })
    assert.are.equal("", strays(dir))
  end)

  it("leaves the previous file when it cannot write the directory or the file", function()
    local ro = dir .. "/ro"
    assert(sh("mkdir " .. ro))
    tocha.save(ro .. "/model.t7", { version = 1 })
    local before = read_file(ro .. "/model.t7")
    if is_root then
      -- root writes anywhere: try as an unprivileged user
      -- only the directory is closed to the child
      assert(sh("chmod 755 " .. dir .. " " .. ro .. " && chmod 666 " .. ro .. "/model.t7"))
      local ok = child(string.format([[
        local tocha = require "tocha"
        local ok, err = pcall(tocha.save, %q, { version = 2 })
        assert(not ok and err:find("cannot create a temporary file in", 1, true), err)
        local ok2, err2 = pcall(tocha.save, %q, { version = 2 })
        assert(not ok2 and err2:find("is not writable", 1, true), err2)
      ]], ro .. "/model.t7", dir .. "/mine.t7"),
        (sh("touch " .. dir .. "/mine.t7 && chmod 444 " .. dir .. "/mine.t7 && chown nobody " .. dir)
          and "" or "false;") .. " setpriv --reuid=nobody --regid=nogroup --clear-groups")
      assert.is_true(ok, "the unprivileged child's saves did not fail as expected")
    else
      assert(sh("chmod 555 " .. ro))
      assert_error("cannot create a temporary file in " .. ro .. " (Permission denied); " .. ro ..
        "/model.t7 is left as it was", tocha.save, ro .. "/model.t7", { version = 2 })
      tocha.save(dir .. "/mine.t7", { 1 })
      assert(sh("chmod 444 " .. dir .. "/mine.t7"))
      assert_error("is not writable", tocha.save, dir .. "/mine.t7", { 2 })
    end
    assert.are.equal(before, read_file(ro .. "/model.t7"))
    assert.are.equal("", strays(ro))
  end)

  it("leaves the previous file intact when the disk fills or the process is killed", function()
    local path = dir .. "/model.t7"
    tocha.save(path, { version = 1 })
    local before = read_file(path)
    local code = string.format([[
      local tocha = require "tocha"
      local ok, err = pcall(tocha.save, %q, { version = 2, w = tocha.DoubleTensor(200000):fill(1) })
      assert(not ok and err:find("File too large", 1, true), err)
    ]], path)
    -- A file size limit makes write() fail with EFBIG, like a full disk ...
    assert.is_true(child(code, "ulimit -f 200; trap '' XFSZ;"), "the save did not report the failed write")
    assert.are.equal(before, read_file(path))
    assert.are.equal("", strays(dir))
    -- ... and, with SIGXFSZ not ignored, kills the process in the middle of the write.
    local ok = child(code, "ulimit -f 200;")
    assert.is_false(ok)
    assert.are.equal(before, read_file(path))
  end)

  it("leaves a complete file when killed with SIGKILL during a save", function()
    local N = os.getenv("TOCHA_SPEC_QUICK") and 200000 or 2000000 -- doubles per save
    local path = dir .. "/model.t7"
    local script = os.tmpname()
    local f = assert(io.open(script, "w"))
    f:write(string.format("package.path = %q\npackage.cpath = %q\n", package.path, package.cpath), string.format([[
      local tocha = require "tocha"
      local big = tocha.DoubleTensor(%d)
      for i = 1, 1000000 do tocha.save(%q, { i = i, w = big:fill(i) }) end
    ]], N, path))
    f:close()
    -- once the first save is complete, a moment later, whatever the save is doing then
    os.execute("(lua5.4 " .. script .. " & pid=$!; n=0; while [ ! -e " .. path .. " ] && [ $n -lt 600 ]; do " ..
      "sleep 0.1; n=$((n+1)); done; sleep 0.7; kill -9 $pid; wait $pid) >/dev/null 2>&1")
    os.remove(script)
    local saved = tocha.load(path) -- complete: its checksum is verified
    assert.are.equal(saved.i * N, saved.w:sum())
  end)

  it("fsyncs the temporary file, renames it, then fsyncs the directory", function()
    if capture("command -v strace || true") == "" or os.getenv("TOCHA_SPEC_VALGRIND") then return end
    local path = dir .. "/model.t7"
    local log = dir .. "/strace.log"
    local script = dir .. "/save.lua"
    local f = assert(io.open(script, "w"))
    f:write(string.format("package.path = %q\npackage.cpath = %q\n", package.path, package.cpath),
      string.format("require('tocha').save(%q, { 1, 2, 3 })\n", path))
    f:close()
    -- strace itself without the sanitizer runtime, the traced Lua with it
    -- (but without LeakSanitizer, which refuses to run under ptrace)
    local preload = PRELOAD and string.format("-E LD_PRELOAD=%q -E ASAN_OPTIONS=detect_leaks=0 ", PRELOAD) or ""
    os.execute("env -u LD_PRELOAD strace -f -qq " .. preload ..
      "-e trace=openat,fsync,fdatasync,rename,renameat,renameat2,close -o " .. log .. " lua5.4 " .. script ..
      " >/dev/null 2>&1")
    assert.are.equal(3, #tocha.load(path), "the traced save did not complete")
    local trace = read_file(log)
    local tmp_fd = trace:match('openat%(AT_FDCWD, "[^"]*%.model%.t7%.tmp%-[^"]*", [^)]*O_CREAT[^)]*%) = (%d+)')
    assert.is_truthy(tmp_fd, "no temporary file was created next to the target")
    local p_open = trace:find("%.model%.t7%.tmp%-[^\n]*O_CREAT")
    local p_fsync = trace:find("fsync%(" .. tmp_fd .. "%)", p_open)
    local p_rename = trace:find("rename[at2]*%([^\n]*model%.t7%.tmp%-[^\n]*model%.t7\"", p_fsync or 1)
    assert.is_truthy(p_fsync, "the temporary file was not fsynced")
    assert.is_truthy(p_rename and p_rename > p_fsync, "no rename after the fsync")
    local dir_fd = trace:match('openat%(AT_FDCWD, "' .. dir:gsub("%p", "%%%0") .. '", [^)]*O_DIRECTORY[^)]*%) = (%d+)',
      p_rename)
    assert.is_truthy(dir_fd, "the directory was not opened after the rename")
    assert.is_truthy(trace:find("fsync%(" .. dir_fd .. "%)", p_rename), "the directory was not fsynced")
  end)
end)

describe("torch.save", function()
  it("is crash-safe as tocha.save is: links followed, permissions kept", function()
    local dir = new_dir()
    local torch = require "tocha.compat.File" -- torch.save and torch.load, without the globals
    local target = dir .. "/net.t7"
    torch.save(target, { version = 1 })
    assert(sh("chmod 600 " .. target .. " && ln -s net.t7 " .. dir .. "/link"))
    torch.save(dir .. "/link", { version = 2 })
    assert.is_true(sh("test -L " .. dir .. "/link"))
    assert.are.equal("600", mode_of(target))
    assert.are.equal(2, torch.load(target).version)
    assert(sh("ln -s /dev/null " .. dir .. "/null"))
    local ok, err = pcall(torch.save, dir .. "/null", { 1 })
    assert.is_false(ok)
    assert.is_truthy(tostring(err):find("not a regular file", 1, true), tostring(err))
    assert.are.equal("", strays(dir))
    sh("rm -rf " .. dir)
  end)
end)
