--- torch.Tester and torch.TestSuite (Torch7's unit-test classes), for
-- tocha.compat: people write their tests with them.
--
--   local tests = torch.TestSuite()
--   function tests.add() tester:eq(1 + 1, 2, "addition") end
--   tester = torch.Tester()
--   tester:add(tests):run()          -- or tester:run({"add"})
--
-- An assertion that fails records a failure (with its message and where it
-- was) and the test goes on; an error ends the test and is recorded.  run()
-- prints one line per test and a summary, and returns the tester; after it,
-- tester.errors lists every failure and error, as in Torch7.
-- setEarlyAbort(true) stops at the first test that fails, setRethrowErrors(true)
-- lets errors through (for a debugger), setSummaryOnly(true) prints only the
-- summary.
local class = require "tocha.class"
local core = require "tocha.core"

local format = string.format

-- Output goes to io.output() (where print's would go on a terminal).
local function emit(line) io.write(line, "\n") end

local Tester = class.get("torch.Tester") or class.new("torch.Tester")
local TestSuite = class.get("torch.TestSuite") or class.new("torch.TestSuite")

-- ---- torch.TestSuite: a table of tests that refuses a name twice -------------------------

-- A TestSuite's tests live in a table of their own, so that every
-- assignment reaches __newindex.
function TestSuite:__init()
  rawset(self, "_tests", {})
  rawset(self, "_order", {})
end

TestSuite.__newindex = function(self, name, f)
  local tests = rawget(self, "_tests")
  if tests[name] ~= nil then error(format("Test %s is already defined.", tostring(name)), 2) end
  if type(f) ~= "function" then
    error(format("Test %s must be a function, got %s", tostring(name), type(f)), 2)
  end
  tests[name] = f
  local order = rawget(self, "_order")
  order[#order + 1] = name
end

TestSuite.__index = function(self, name)
  local tests = rawget(self, "_tests")
  if tests and tests[name] ~= nil then return tests[name] end
  return TestSuite[name]
end

-- ---- torch.Tester ---------------------------------------------------------------------------

function Tester:__init()
  self.tests, self.testnames = {}, {}
  self.errors = {}
  self.countasserts = 0
  self.curtestname = ""
  self.earlyAbort, self.rethrow, self.summaryOnly = false, false, false
  self.disabled = {}
end

--- Stops the run at the first failing test when v is true; returns self.
function Tester:setEarlyAbort(v) self.earlyAbort = v and true or false; return self end
--- Lets errors inside tests propagate (with their traceback) when v is true; returns self.
function Tester:setRethrowErrors(v) self.rethrow = v and true or false; return self end
--- Prints only the summary when v is true; returns self.
function Tester:setSummaryOnly(v) self.summaryOnly = v and true or false; return self end

--- add(f, name), add(table of tests), add(TestSuite): names must be new.
function Tester:add(f, name)
  if getmetatable(f) == TestSuite then
    local tests = rawget(f, "_tests")
    for _, n in ipairs(rawget(f, "_order")) do self:add(tests[n], n) end
    return self
  end
  if type(f) == "table" then
    local names = {}
    for n in pairs(f) do names[#names + 1] = n end
    table.sort(names, function(a, b) return tostring(a) < tostring(b) end)
    for _, n in ipairs(names) do self:add(f[n], n) end
    return self
  end
  if type(f) ~= "function" then
    error(format("Tester:add: expects a function, a table of functions or a TestSuite, got %s", type(f)), 2)
  end
  name = name or ("test" .. (#self.tests + 1))
  for _, n in ipairs(self.testnames) do
    if n == name then error(format("Tester:add: test %s is already defined", tostring(name)), 2) end
  end
  self.tests[#self.tests + 1] = f
  self.testnames[#self.testnames + 1] = name
  return self
end

--- disable(name or list): those tests are skipped (and reported as such).
function Tester:disable(names)
  if type(names) == "string" then names = { names } end
  for _, n in ipairs(names) do self.disabled[n] = true end
  return self
end

-- ---- assertions ------------------------------------------------------------------------------

-- Records the result of one assertion; `what` explains a failure.
function Tester:_assert(ok, message, what)
  self.countasserts = self.countasserts + 1
  if ok then return true end
  local where = debug.traceback("", 3):match("\n%s*([^\n]+)\n") or "?"
  self._failures = (self._failures or 0) + 1
  self.errors[#self.errors + 1] = format("%s\n%s%s\n  at %s", self.curtestname,
    message and (tostring(message) .. "\n") or "", what, where)
  return false
end

local function show(v)
  if not core.isTensor(v) then return tostring(v) end
  return "a " .. core.type(v) .. " of size " .. (v:dim() == 0 and "empty" or table.concat(v:size():totable(), "x"))
end

--- Records a failure unless cond is true.
function Tester:assert(cond, message)
  return self:_assert(cond, message, "BOOL violation: condition=" .. tostring(cond))
end

-- assertlt, assertgt, assertle, assertge, asserteq, assertne: a op b.
local COMPARISONS = {
  lt = { "<", function(a, b) return a < b end }, gt = { ">", function(a, b) return a > b end },
  le = { "<=", function(a, b) return a <= b end }, ge = { ">=", function(a, b) return a >= b end },
  eq = { "==", function(a, b) return a == b end }, ne = { "~=", function(a, b) return a ~= b end },
}
for name, c in pairs(COMPARISONS) do
  Tester["assert" .. name] = function(self, a, b, message)
    return self:_assert(c[2](a, b), message, format("%s(%s) violation: %s %s %s", name:upper(), c[1], show(a), c[1],
      show(b)))
  end
end

--- Records a failure unless |a - b| <= tolerance (default 1e-16).
function Tester:assertalmosteq(a, b, tolerance, message)
  if type(tolerance) ~= "number" then tolerance, message = 1e-16, tolerance end
  local err = math.abs(a - b)
  return self:_assert(err <= tolerance, message, format("ALMOST_EQ violation: |%s - %s| = %s > %s", show(a), show(b),
    tostring(err), tostring(tolerance)))
end

-- The largest absolute difference of two tensors of the same size, or nil
-- and why they cannot be compared.
local function tensor_diff(a, b)
  if not (core.isTensor(a) and core.isTensor(b)) then return nil, "not both tensors" end
  if a:nElement() ~= b:nElement() or not a:isSameSizeAs(b) then
    return nil, format("sizes differ: %s and %s", show(a), show(b))
  end
  if a:nElement() == 0 then return 0 end
  local d = (a:double() - b:double()):abs()
  -- NaN in the same places counts as equal, NaN against a number as different
  local an, bn = a:double():ne(a:double()), b:double():ne(b:double())
  if not an:eq(bn):all() then return math.huge end
  if an:any() then d[an] = 0 end
  return d:max()
end

-- Deep equality of numbers, strings, booleans, tensors and tables, numbers
-- and tensors within `tolerance`.
local function equal(a, b, tolerance, seen)
  if core.isTensor(a) or core.isTensor(b) then
    local d = tensor_diff(a, b)
    return d ~= nil and d <= tolerance
  end
  if type(a) == "number" and type(b) == "number" then
    return a == b or math.abs(a - b) <= tolerance or (a ~= a and b ~= b)
  end
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  if a == b then return true end
  seen = seen or {}
  if seen[a] == b then return true end
  seen[a] = b
  for k, v in pairs(a) do
    if not equal(v, b[k], tolerance, seen) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

--- eq(got, expected [, tolerance] [, message]): deep equality (tensors,
-- tables, numbers within tolerance, default 0).
function Tester:eq(got, expected, tolerance, message)
  if type(tolerance) ~= "number" then tolerance, message = 0, tolerance end
  return self:_assert(equal(got, expected, tolerance), message, format("EQ violation: got %s, expected %s",
    show(got), show(expected)))
end

--- Records a failure when got equals unexpected (tensors and tables compared element-wise within tolerance).
function Tester:ne(got, unexpected, tolerance, message)
  if type(tolerance) ~= "number" then tolerance, message = 0, tolerance end
  return self:_assert(not equal(got, unexpected, tolerance), message, format("NE violation: %s equals %s",
    show(got), show(unexpected)))
end

Tester.assertGeneralEq = Tester.eq
Tester.assertGeneralNe = Tester.ne

--- Records a failure unless tensors a and b have the same size and max |a - b| <= tolerance.
function Tester:assertTensorEq(a, b, tolerance, message)
  if type(tolerance) ~= "number" then tolerance, message = 0, tolerance end
  local d, why = tensor_diff(a, b)
  return self:_assert(d ~= nil and d <= tolerance, message,
    why and ("TensorEQ violation: " .. why) or format("TensorEQ violation: max difference %s > %s", tostring(d),
      tostring(tolerance)))
end

--- Records a failure when tensors a and b are equal within tolerance.
function Tester:assertTensorNe(a, b, tolerance, message)
  if type(tolerance) ~= "number" then tolerance, message = 0, tolerance end
  local d = tensor_diff(a, b)
  return self:_assert(d == nil or d > tolerance, message, format("TensorNE violation: max difference %s <= %s",
    tostring(d), tostring(tolerance)))
end

--- Records a failure unless tables a and b are equal (recursively, numbers within tolerance).
function Tester:assertTableEq(a, b, tolerance, message)
  if type(tolerance) ~= "number" then tolerance, message = 0, tolerance end
  return self:_assert(type(a) == "table" and type(b) == "table" and equal(a, b, tolerance), message,
    "TableEQ violation: the tables differ")
end

--- Records a failure when tables a and b are equal (see assertTableEq).
function Tester:assertTableNe(a, b, tolerance, message)
  if type(tolerance) ~= "number" then tolerance, message = 0, tolerance end
  return self:_assert(not equal(a, b, tolerance), message, "TableNE violation: the tables are equal")
end

--- assertErrorObj(f, errcomp, message): f() must raise an error for which
-- errcomp(err) is true.
function Tester:assertErrorObj(f, errcomp, message)
  local ok, err = pcall(f)
  return self:_assert(not ok and errcomp(err), message, ok and "ERROR violation: no error was raised"
    or ("ERROR violation: unexpected error " .. tostring(err)))
end

--- Records a failure unless calling f raises an error.
function Tester:assertError(f, message) return self:assertErrorObj(f, function() return true end, message) end

--- Records a failure when calling f raises an error.
function Tester:assertNoError(f, message)
  local ok, err = pcall(f)
  return self:_assert(ok, message, "NO_ERROR violation: " .. tostring(err))
end

--- Records a failure unless f raises an error whose message is errmsg.
function Tester:assertErrorMsg(f, errmsg, message)
  return self:assertErrorObj(f, function(err) return err == errmsg end, message)
end

--- Records a failure unless f raises an error whose message matches the Lua pattern.
function Tester:assertErrorPattern(f, pattern, message)
  return self:assertErrorObj(f, function(err) return string.find(tostring(err), pattern) ~= nil end, message)
end

-- ---- running --------------------------------------------------------------------------------

--- run([name or list of names]): runs the tests (all by default), prints
-- one line per test and a summary; returns the tester.
function Tester:run(names)
  if type(names) == "string" then names = { names } end
  local wanted
  if names then
    wanted = {}
    for _, n in ipairs(names) do
      local known = false
      for _, t in ipairs(self.testnames) do known = known or t == n end
      if not known then error(format("Tester:run: no test named %s", tostring(n)), 2) end
      wanted[n] = true
    end
  end
  self.errors, self.countasserts = {}, 0
  local counts = { pass = 0, fail = 0, error = 0, skip = 0 }
  local out = self.summaryOnly and function() end or emit
  local selected = 0
  for i, f in ipairs(self.tests) do
    local name = self.testnames[i]
    if not wanted or wanted[name] then
      selected = selected + 1
      if self.disabled[name] then
        counts.skip = counts.skip + 1
        out(format("  %-50s disabled", tostring(name)))
      else
        self.curtestname = tostring(name)
        self._failures = 0
        local ok, err
        if self.rethrow then
          ok, err = true, nil
          f()
        else
          ok, err = xpcall(f, debug.traceback)
        end
        local status
        if not ok then
          status = "error"
          self.errors[#self.errors + 1] = format("%s\nFunction call failed\n%s", self.curtestname, tostring(err))
        elseif self._failures > 0 then
          status = "fail"
        else
          status = "pass"
        end
        counts[status] = counts[status] + 1
        out(format("  %-50s %s", self.curtestname, status == "pass" and "ok" or status:upper()))
        if status ~= "pass" and self.earlyAbort then break end
      end
    end
  end
  emit(format("Completed %d asserts in %d tests: %d passed, %d failed, %d with errors, %d disabled", self.countasserts,
    selected, counts.pass, counts.fail, counts.error, counts.skip))
  for _, e in ipairs(self.errors) do
    emit(string.rep("-", 72))
    emit(e)
  end
  return self
end

local M = {}

--- Installs torch.Tester and torch.TestSuite into the torch table.
function M.install(torch)
  torch.Tester = Tester
  torch.TestSuite = TestSuite
end

return M
