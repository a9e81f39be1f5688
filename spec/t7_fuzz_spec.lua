-- Robustness of the Torch7 reader (tocha/t7.lua) against damaged input:
-- thousands of mutations (bit flips, extreme ints at int positions,
-- truncations, cut-and-splice, garbage) of real files in binary, b32 and
-- ascii.  Each input must either load or raise an error string that starts
-- with "t7fuzz: " and is not an internal error - never crash, hang or
-- allocate what the input does not justify.  TOCHA_SPEC_QUICK uses fewer.
local tocha = require "tocha"
local nn = require "tocha.nn"
local t7 = require "tocha.t7"

local QUICK = os.getenv("TOCHA_SPEC_QUICK") ~= nil
local ROUNDS = QUICK and 150 or 1500

local function representative()
  tocha.manualSeed(5)
  local net = nn.Sequential():add(nn.Linear(4, 3)):add(nn.ReLU()):add(nn.Dropout(0.2)):add(nn.Linear(3, 2))
    :add(nn.View(-1, 2)):add(nn.LogSoftMax())
  local d = tocha.DoubleTensor(3, 3):uniform()
  local obj = {
    net = net,
    tensors = { d, d:t(), d[2], tocha.LongTensor({ 1, -2, 7 }), tocha.ByteTensor({ 0, 255 }), tocha.FloatTensor(),
      tocha.FloatTensor({ 1, 2 }):view(1, 2):expand(3, 2) },
    numbers = { 1, -0.0, 0 / 0, 1 / 0, 2.5 },
    text = "abc\0def",
    size = tocha.LongStorage({ 2, 3 }),
  }
  obj.cycle = { parent = obj }
  net:evaluate()
  return obj
end

local function check(s, fmt)
  local ok, err = pcall(t7.protect, "t7fuzz: ", t7.decode, s, fmt, { functions = "stub" })
  if ok then return true end
  assert.are.equal("string", type(err))
  assert.is_truthy(err:find("^t7fuzz: "), err)
  assert.is_falsy(err:find("internal error", 1, true), err)
  return false
end

describe("the Torch7 reader under damaged input", function()
  local obj = representative()
  local files = {}
  for _, fmt in ipairs({ "binary", "b32", "ascii" }) do files[#files + 1] = { fmt, t7.encode(obj, fmt) } end

  it("loads the undamaged files", function()
    for _, f in ipairs(files) do
      local back = t7.decode(f[2], f[1])
      assert.are.same(obj.tensors[1]:totable(), back.tensors[1]:totable())
      assert.are.same(obj.net:forward(tocha.ones(2, 4)):totable(), back.net:forward(tocha.ones(2, 4)):totable())
    end
  end)

  it("survives every truncation", function()
    for _, f in ipairs(files) do
      local s = f[2]
      local step = QUICK and 13 or 2
      for n = 0, #s - 1, step do
        assert.is_false(check(s:sub(1, n), f[1]) and f[1] ~= "ascii")
        if n % (5 * step) == 0 then check(s:sub(1, n), "auto") end
      end
    end
  end)

  it("survives random mutations", function()
    local rng = 12345
    local function rand(n) -- a small LCG: the spec repeats exactly
      rng = (rng * 1103515245 + 12345) % 2147483648
      return rng % n + 1
    end
    local EXTREMES = { -1, 0, 1, 2 ^ 31 - 1, -2 ^ 31, 2 ^ 30, 17, 1000000, 65536 }
    local loaded, failed = 0, 0
    for round = 1, ROUNDS do
      local f = files[rand(#files)]
      local s = f[2]
      local kind = rand(6)
      if kind == 1 then -- flip bits
        for _ = 1, rand(4) do
          local i = rand(#s)
          s = s:sub(1, i - 1) .. string.char(s:byte(i) ~ (1 << (rand(8) - 1))) .. s:sub(i + 1)
        end
      elseif kind == 2 and f[1] ~= "ascii" then -- an extreme int at an int position
        local i = (rand(#s // 4) - 1) * 4 + 1
        s = s:sub(1, i - 1) .. string.pack("<i4", EXTREMES[rand(#EXTREMES)]) .. s:sub(i + 4)
      elseif kind == 2 then -- an extreme number in place of a token
        local starts = {}
        for p in s:gmatch("()%-?%d+") do starts[#starts + 1] = p end
        local p = starts[rand(#starts)]
        local q = s:find("[^%-%d]", p) or #s + 1
        s = s:sub(1, p - 1) .. tostring(EXTREMES[rand(#EXTREMES)]) .. s:sub(q)
      elseif kind == 3 then -- cut out a piece
        local i = rand(#s)
        s = s:sub(1, i - 1) .. s:sub(i + rand(16))
      elseif kind == 4 then -- splice: a prefix of one file, the rest of another
        local g = files[rand(#files)][2]
        s = s:sub(1, rand(#s)) .. g:sub(rand(#g))
      elseif kind == 5 then -- garbage bytes
        local junk = {}
        for k = 1, rand(12) do junk[k] = string.char(rand(256) - 1) end
        local i = rand(#s)
        s = s:sub(1, i - 1) .. table.concat(junk) .. s:sub(i + #junk)
      else -- duplicate a piece
        local i = rand(#s)
        s = s:sub(1, i) .. s:sub(i - rand(32), i) .. s:sub(i + 1)
      end
      if check(s, round % 3 == 0 and "auto" or f[1]) then loaded = loaded + 1 else failed = failed + 1 end
    end
    assert.is_true(failed > ROUNDS / 4, failed .. " failed")
  end)

  it("refuses files that claim huge counts, without allocating them", function()
    local I = function(v) return string.pack("<i4", v) end
    local L = function(v) return string.pack("<i8", v) end
    local function torch(name) return I(4) .. I(1) .. I(3) .. "V 1" .. I(#name) .. name end
    for _, claim in ipairs({ 2 ^ 31 - 1, 2 ^ 40, 2 ^ 62, math.maxinteger }) do
      assert.is_false(check(torch("torch.DoubleStorage") .. L(claim) .. "12345678", "binary"))
      assert.is_false(check(torch("torch.DoubleTensor") .. I(1) .. L(claim) .. L(1) .. L(1), "binary"))
    end
    assert.is_false(check(I(3) .. I(1) .. I(2 ^ 31 - 1) .. "xxxx", "binary"))
    assert.is_false(check(I(2) .. I(2 ^ 31 - 1) .. "xxxx", "binary"))
    assert.is_false(check("4\n1\n3\nV 1\n19\ntorch.DoubleStorage\n99999999999\n1 2\n", "ascii"))
  end)
end)
