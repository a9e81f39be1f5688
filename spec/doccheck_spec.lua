-- .ci/doccheck.lua, the test that every public function has an LDoc comment:
-- it passes on this checkout and fails, naming the function, on a tree with
-- an undocumented one.
local function run(root)
  local cmd = string.format("LUA_PATH=%q LUA_CPATH=%q lua5.4 .ci/doccheck.lua %s 2>&1; echo \"rc=$?\"",
    package.path, package.cpath, root or ".")
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  return out, tonumber(out:match("rc=(%d+)%s*$"))
end

local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

describe("the doc comment check", function()
  it("passes on this checkout: every public Lua and C function is documented", function()
    local out, rc = run()
    assert.are.equal(0, rc, out)
    assert.is_truthy(out:find("doccheck: %d+ public Lua functions and %d+ C functions documented"), out)
  end)

  it("fails on a public function without a --- comment, and on a C function without a stub", function()
    local root = os.tmpname()
    os.remove(root)
    assert(os.execute("mkdir -p " .. root .. "/lua/tocha/nn " .. root .. "/lua/tocha/doc"))
    finally(function() os.execute("rm -rf " .. root) end)
    write(root .. "/lua/tocha/nn/Module.lua", "--- a module\nfunction Module:forward(input) end\n")
    write(root .. "/lua/tocha/nn/Criterion.lua", "")
    write(root .. "/lua/tocha/nn/Container.lua", "")
    write(root .. "/lua/tocha/nn/Thing.lua",
      "-- Thing: its protocol method needs no comment, its own method does\n" ..
      "function Thing:forward(input) end\n\nfunction Thing:frobnicate() end\n")
    write(root .. "/lua/tocha/util.lua",
      "local M = {}\n--- documented\nfunction M.good() end\n-- only two dashes\nfunction M.bad() end\n" ..
      "function M._private() end\nreturn M\n")
    write(root .. "/lua/tocha/doc/tensor.lua", "local Tensor = {}\n--- x:narrow(dim, index, size)\n" ..
      "function Tensor:narrow(dim, index, size) end\nreturn Tensor\n")
    local out, rc = run(root)
    assert.are.equal(1, rc, out)
    assert.is_truthy(out:find("lua/tocha/util.lua:5: M.bad", 1, true), out)
    assert.is_truthy(out:find("lua/tocha/nn/Thing.lua:4: Thing:frobnicate", 1, true), out)
    assert.is_falsy(out:find("M.good", 1, true), out)
    assert.is_falsy(out:find("_private", 1, true), out)
    assert.is_falsy(out:find("Thing:forward", 1, true), out)
    -- C functions: narrow has its stub; ones (say) has none
    assert.is_falsy(out:find("tocha.narrow (C", 1, true), out)
    assert.is_truthy(out:find("tocha.ones (C; no stub", 1, true), out)
  end)
end)
