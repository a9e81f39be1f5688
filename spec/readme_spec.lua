-- The README runs: every ```lua block of README.md, each in a fresh process.
--   * a REPL transcript (lines starting "> ") is typed into the tocha command
--     (bin/tocha) and what it prints must be the transcript's other lines;
--   * a script runs with lua5.4 in a scratch directory and must succeed; when a
--     ```text block follows it (after at most one line of prose), its output
--     must be that block;
--   * a block after "<!-- readme: fragment ... -->" (code that needs context
--     the text gives) must compile; after "<!-- readme: slow ... -->" it must
--     compile, and runs too with TOCHA_README_FULL=1.
local function read(path)
  local f = assert(io.open(path))
  local s = f:read("a")
  f:close()
  return s
end

local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

-- the blocks of README.md: {kind = "lua"|"text"|..., text, line, marker, prose_before}
local function blocks()
  local list, current, marker, prose = {}, nil, nil, 0
  local n = 0
  for line in (read("README.md") .. "\n"):gmatch("(.-)\n") do
    n = n + 1
    if current then
      if line:match("^```%s*$") then
        list[#list + 1] = current
        current = nil
      else
        current.lines[#current.lines + 1] = line
      end
    else
      local kind = line:match("^```(%w*)%s*$")
      if kind then
        current = { kind = kind, lines = {}, line = n + 1, marker = marker, prose_before = prose }
        marker, prose = nil, 0
      elseif line:match("^<!%-%- readme: (%w+)") then
        marker = line:match("^<!%-%- readme: (%w+)")
      elseif line:match("%S") then
        prose = prose + 1
      end
    end
  end
  return list
end

-- package.path / cpath with the relative entries made absolute (the scripts run elsewhere)
local function absolute(paths)
  local cwd = os.getenv("PWD")
  return (paths:gsub("[^;]+", function(p)
    if p:sub(1, 1) ~= "/" and p:sub(1, 1) ~= "." then return cwd .. "/" .. p end
    return p
  end))
end

local function shell(cmd)
  local p = assert(io.popen(cmd .. " 2>&1; echo \"rc=$?\""))
  local out = p:read("a")
  p:close()
  local rc = tonumber(out:match("rc=(%d+)%s*$"))
  return (out:gsub("rc=%d+%s*$", "")), rc
end

local ENV = string.format("LUA_PATH=%q LUA_CPATH=%q TOCHA_NO_READLINE=1",
  absolute(package.path), absolute(package.cpath))
local valgrind = os.getenv("TOCHA_SPEC_VALGRIND") ~= nil -- which follows every child: minutes each

describe("README.md", function()
  local list = blocks()

  it("has Lua blocks to check", function()
    local nlua = 0
    for _, b in ipairs(list) do if b.kind == "lua" then nlua = nlua + 1 end end
    assert.is_true(nlua >= 5, "found " .. nlua .. " lua blocks")
  end)

  for i, b in ipairs(list) do
    if b.kind == "lua" then
      local text = table.concat(b.lines, "\n") .. "\n"
      local transcript = b.lines[1] and b.lines[1]:match("^> ") ~= nil
      local name = string.format("block at line %d (%s)", b.line,
        transcript and "a REPL transcript" or (b.marker or "a script"))

      it(name .. " compiles", function()
        if transcript then
          for _, line in ipairs(b.lines) do
            local code = line:match("^> (.*)$")
            if code then
              assert(load("return " .. code) or load(code), "line does not compile: " .. code)
            end
          end
        else
          local f, err = load(text, "=README.md:" .. b.line)
          assert(f, err)
        end
      end)

      local run = b.marker == nil or (b.marker == "slow" and os.getenv("TOCHA_README_FULL"))
      if run then
        it(name .. " prints what the README shows", function()
          if valgrind then pending("not under valgrind (every child would run under it)") return end
          local dir = os.tmpname()
          os.remove(dir)
          assert(os.execute("mkdir -p " .. dir))
          finally(function() os.execute("rm -rf " .. dir) end)
          if transcript then
            local input, expected = {}, {}
            for _, line in ipairs(b.lines) do
              local code = line:match("^> (.*)$")
              if code then input[#input + 1] = code else expected[#expected + 1] = line end
            end
            write(dir .. "/input.lua", table.concat(input, "\n") .. "\n")
            local out, rc = shell(string.format("cd %s && %s lua5.4 %s/bin/tocha <input.lua", dir, ENV,
              os.getenv("PWD")))
            assert.are.equal(0, rc, out)
            assert.are.equal(table.concat(expected, "\n") .. "\n", out)
          else
            write(dir .. "/block.lua", text)
            local out, rc = shell(string.format("cd %s && %s lua5.4 block.lua", dir, ENV))
            assert.are.equal(0, rc, out)
            local nxt = list[i + 1]
            if nxt and nxt.kind == "text" and nxt.prose_before <= 1 then
              assert.are.equal(table.concat(nxt.lines, "\n") .. "\n", out)
            end
          end
        end)
      end
    end
  end
end)
