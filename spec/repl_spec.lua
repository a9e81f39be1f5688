-- The `tocha` command (bin/tocha, lua/tocha/repl.lua), driven through a pipe
-- as a user would type into it, and its completion and printing in-process.
local tocha = require "tocha"
local repl = require "tocha.repl"

local function tmpfile(text)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  return path
end

-- runs bin/tocha with args, stdin from `input`; returns stdout, stderr, exit code
local function run(args, input)
  local inp = tmpfile(input or "")
  local err = os.tmpname()
  local cmd = string.format("LUA_PATH=%q LUA_CPATH=%q TOCHA_NO_READLINE=1 lua5.4 bin/tocha %s <%s 2>%s; echo \"rc=$?\"",
    package.path, package.cpath, args, inp, err)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  local f = assert(io.open(err))
  local errtext = f:read("a")
  f:close()
  os.remove(inp)
  os.remove(err)
  local rc = tonumber(out:match("rc=(%d+)%s*$"))
  return out:gsub("rc=%d+%s*$", ""), errtext, rc
end

describe("the tocha command", function()
  it("prints results, runs statements, continues lines and reports errors without a traceback", function()
    local out, err, rc = run("", table.concat({
      "x = tocha.Tensor({{1, 2, 3}, {4, 5, 6}})",
      "x:t()",
      "for i = 1, 2 do",
      "  io.write(i, ';')",
      "end",
      "print()",
      "x:narrow(1, 7, 1)",
      "{1, 2, 'a'}",
      "= 1 + 1, 'two'",
      "torch.type(x), nn ~= nil, optim ~= nil, paths ~= nil",
      "traceback()",
    }, "\n") .. "\n")
    assert.are.equal(0, rc, err)
    local expected_t = tostring(tocha.DoubleTensor({{1, 4}, {2, 5}, {3, 6}})):gsub("tocha%.", "torch.")
    -- the results, then traceback()'s text, which starts with the error's message
    local results, tb = out:match("^(.-)\n(stdin:1: bad argument.*)$")
    assert.is_truthy(results, out)
    assert.are.equal(table.concat({
      expected_t .. "1;2;",
      '{1, 2, "a"}',
      "2\ttwo",
      "torch.DoubleTensor\ttrue\ttrue\ttrue",
    }, "\n"), results)
    -- the error: its message on stderr, no traceback; traceback() shows it on demand
    assert.are.equal("stdin:1: bad argument #2 to 'narrow' (index 7 out of range for dimension 1 of size 2)\n", err)
    assert.is_truthy(tb:find("\nstack traceback:", 1, true), tb)
  end)

  it("shows reference entries with help(x) and ?x", function()
    local out, err, rc = run("", table.concat({ "?tocha.setprintoptions", "help(nn.Linear)", "?nosuch",
                                                "?optim.adam", "x = tocha.ones(2)", "?x.narrow" }, "\n") .. "\n")
    assert.are.equal(0, rc, err)
    assert.is_truthy(out:find("tocha.setprintoptions(opts)\n", 1, true), out)
    assert.is_truthy(out:find("Sets how tensors print", 1, true), out)
    assert.is_truthy(out:find("nn.Linear(inputSize, outputSize [, bias])", 1, true), out)
    assert.is_truthy(out:find("forward", 1, true), out) -- inherited methods listed
    assert.is_truthy(out:find("help: no value named nosuch", 1, true), out)
    -- a function described in its file's header (the config keys), and a C function from its stub
    assert.is_truthy(out:find("optim.adam(opfunc, x, config, state)\n", 1, true), out)
    assert.is_truthy(out:find("config: learningRate (1e-3)", 1, true), out)
    assert.is_truthy(out:find("Tensor:narrow(dim, index, size)", 1, true), out)
    assert.is_truthy(out:find("The view of x narrowed to `size` indices from `index` along dim.", 1, true), out)
    assert.is_truthy(out:find("  dim (int): the dimension", 1, true), out)
  end)

  it("runs a script with arguments and the same globals, exiting 1 on an error", function()
    local script = tmpfile("print(arg[0] ~= nil, ...)\nprint(select('#', ...), torch.type(nn.Linear(2, 3).weight))\n")
    local out, err, rc = run(script .. " a 'b c'")
    assert.are.equal(0, rc, err)
    assert.are.equal("true\ta\tb c\n2\ttorch.DoubleTensor\n", out)
    local bad = tmpfile("local x = 1\nerror('broken here')\n")
    out, err, rc = run(bad)
    assert.are.equal(1, rc)
    assert.are.equal("", out)
    assert.is_truthy(err:find("^tocha: .-:2: broken here\n$"), err)
    out, err, rc = run("-t " .. bad)
    assert.are.equal(1, rc)
    assert.are.equal("", out)
    assert.is_truthy(err:find("stack traceback:", 1, true), err)
    os.remove(script)
    os.remove(bad)
  end)

  it("runs -e statements and refuses unknown options with its usage", function()
    local out, err, rc = run("-e \"print(tocha.ones(3):sum())\"")
    assert.are.equal(0, rc, err)
    assert.are.equal("3.0\n", out)
    out, err, rc = run("--nosuch")
    assert.are.equal(1, rc)
    assert.are.equal("", out)
    assert.is_truthy(err:find("tocha: unknown option --nosuch\nusage: tocha", 1, true), err)
  end)

  it("completes globals, fields and tensor methods", function()
    local env = { tocha = tocha, x = tocha.ones(2), nn = require "tocha.nn", print = print }
    assert.are.same({ "tocha.ones" }, repl.complete("tocha.one", env))
    assert.are.same({ "x:narrow" }, repl.complete("x:narr", env))
    assert.are.same({ "print" }, repl.complete("pri", env))
    local lin = repl.complete("nn.Linear.", env)
    local has = {}
    for _, w in ipairs(lin) do has[w] = true end
    assert.is_true(has["nn.Linear.forward"]) -- from the parent class
    assert.are.same({}, repl.complete("nosuch.a", env))
  end)

  it("renders tables one level deep and tensors as print does", function()
    assert.are.equal("{}", repl.render({}))
    assert.are.equal('{1, "b", true}', repl.render({ 1, "b", true }))
    assert.are.equal("{\n  a = 1,\n  t = tocha.FloatTensor of size 2x3\n}",
                     repl.render({ a = 1, t = tocha.FloatTensor(2, 3) }))
    local t = tocha.FloatTensor({ 1, 2 })
    assert.are.equal((tostring(t):gsub("\n$", "")), repl.render(t))
  end)
end)
