-- torch.Tester and torch.TestSuite under tocha.compat: assertions record
-- failures and go on, errors end a test, run() reports and keeps
-- tester.errors; a TestSuite refuses a name twice.
require "tocha.compat"
local torch = package.loaded.torch

-- Runs tester:run(...) with its output captured; returns the output.
local function quietly(tester, ...)
  local file, saved = io.tmpfile(), io.output()
  io.output(file)
  local ok, err = pcall(tester.run, tester, ...)
  io.output(saved)
  file:seek("set")
  local out = file:read("a")
  file:close()
  assert(ok, err)
  return out
end

describe("torch.Tester", function()
  it("counts passes, failures and errors, and keeps going after a failed assertion", function()
    local t = torch.Tester()
    local reached = false
    local tests = torch.TestSuite()
    function tests.passes()
      t:eq(1 + 1, 2, "sum")
      t:assertlt(1, 2)
      t:assertTensorEq(torch.Tensor({ 1, 2 }), torch.Tensor({ 1, 2 + 1e-9 }), 1e-6)
      t:eq({ a = { 1, torch.Tensor({ 3 }) } }, { a = { 1, torch.Tensor({ 3 }) } })
      t:assertError(function() error("x") end)
      t:assertErrorPattern(function() error("bad size 3") end, "size %d")
      t:assertalmosteq(1, 1 + 1e-9, 1e-6)
    end
    function tests.fails()
      t:asserteq(1, 2, "one is not two")
      reached = true
      t:assertTensorEq(torch.Tensor({ 1 }), torch.Tensor({ 2 }), 0.5)
    end
    function tests.errors() error("boom") end
    local out = quietly(t:add(tests))
    assert.is_true(reached)
    assert.truthy(out:find("3 tests: 1 passed, 1 failed, 1 with errors", 1, true))
    assert.equal(3, #t.errors) -- two failed assertions and one error
    assert.truthy(t.errors[1]:find("one is not two", 1, true))
    assert.truthy(out:find("boom", 1, true))
    assert.equal(7 + 2, t.countasserts)
  end)

  it("runs chosen tests, disables, aborts early, and rethrows when asked", function()
    local t, ran = torch.Tester(), {}
    t:add(function() ran[#ran + 1] = "a"; t:assert(false) end, "a")
    t:add(function() ran[#ran + 1] = "b" end, "b")
    quietly(t, { "b" })
    assert.same({ "b" }, ran)
    ran = {}
    quietly(t:setEarlyAbort(true))
    assert.same({ "a" }, ran)
    ran = {}
    t:setEarlyAbort(false):disable("a")
    local out = quietly(t)
    assert.same({ "b" }, ran)
    assert.truthy(out:find("1 disabled", 1, true))
    local r = torch.Tester():add(function() error("through") end, "e"):setRethrowErrors(true)
    assert.has_error(function() quietly(r) end)
    assert.has_error(function() t:add(function() end, "b") end)
    assert.has_error(function() t:run("nope") end)
  end)

  it("compares tensors by size and value, NaN equal to NaN", function()
    local t = torch.Tester()
    t.curtestname = "direct"
    assert.is_false(t:assertTensorEq(torch.Tensor(2), torch.Tensor(3), 1))
    assert.is_true(t:assertTensorEq(torch.Tensor({ 0 / 0 }), torch.Tensor({ 0 / 0 }), 0))
    assert.is_false(t:eq(torch.Tensor({ 0 / 0 }), torch.Tensor({ 1 }), 1e9))
    assert.is_true(t:ne(torch.Tensor({ 1 }), torch.Tensor({ 2 })))
    assert.is_true(t:assertTableEq({ 1, { 2 } }, { 1, { 2 } }))
    assert.is_false(t:assertTableEq({ 1 }, { 1, 2 }))
  end)
end)

describe("torch.TestSuite", function()
  it("refuses a test name twice and a test that is not a function", function()
    local s = torch.TestSuite()
    function s.one() end
    assert.has_error(function() s.one = function() end end, "Test one is already defined.")
    assert.has_error(function() s.two = 3 end)
    assert.equal("function", type(s.one))
  end)
end)
