-- diag, tril, triu, trace, cross, histc, bhistc, renorm, equal, all, any,
-- the bit operations, map, map2 and apply: against hand-computed values or
-- plain Lua loops, on transposed / narrowed inputs, empty tensors, and
-- with bad arguments.
local tocha = require "tocha"

local function assert_error(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

-- 3x4: m[i][j] = 10i + j
local function m34(ctor)
  local m = (ctor or tocha.DoubleTensor)(3, 4)
  for i = 1, 3 do for j = 1, 4 do m[{ i, j }] = 10 * i + j end end
  return m
end

describe("diag, tril, triu, trace", function()
  it("diag of a matrix is diagonal k, of a vector a square matrix", function()
    local m = m34()
    assert.are.same({ 11, 22, 33 }, tocha.diag(m):totable())
    assert.are.same({ 12, 23, 34 }, m:diag(1):totable())
    assert.are.same({ 14 }, m:diag(3):totable())
    assert.are.same({ 21, 32 }, m:diag(-1):totable())
    assert.are.equal(0, m:diag(4):nElement())
    assert.are.same({ 11, 22, 33 }, m:t():diag():totable()) -- transposed
    assert.are.same({ { 0, 1, 0 }, { 0, 0, 2 }, { 0, 0, 0 } }, tocha.diag(tocha.Tensor({ 1, 2 }), 1):totable())
    assert.are.same({ { 0, 0 }, { 5, 0 } }, tocha.diag(tocha.LongTensor({ 5 }), -1):totable())
    local res = tocha.DoubleTensor()
    assert.are.equal(res, tocha.diag(res, m))
    assert.are.same({ 11, 22, 33 }, res:totable())
    assert_error("expected a 1-D or 2-D tensor", function() tocha.diag(tocha.Tensor(2, 2, 2)) end)
  end)

  it("tril and triu zero one side of diagonal k; trace sums the main diagonal", function()
    local m = m34(tocha.LongTensor)
    local function ref(k, upper)
      local out = {}
      for i = 1, 3 do
        out[i] = {}
        for j = 1, 4 do
          local keep = upper and (j - i >= k) or (not upper and j - i <= k)
          out[i][j] = keep and m[{ i, j }] or 0
        end
      end
      return out
    end
    for k = -3, 4 do
      assert.are.same(ref(k, false), tocha.tril(m, k):totable())
      assert.are.same(ref(k, true), m:triu(k):totable())
    end
    local t = m:t() -- non-contiguous input
    assert.are.same(tocha.tril(t:contiguous()):totable(), tocha.tril(t):totable())
    assert.are.equal(66, m:trace())
    assert.are.equal(math.type(m:trace()), "integer")
    assert.are.equal(66.0, m:double():trace())
    assert_error("expected a 2-D tensor", function() tocha.triu(tocha.Tensor(3)) end)
    assert_error("expected a 2-D tensor", function() tocha.Tensor():trace() end)
  end)
end)

describe("cross", function()
  it("takes the cross product along the first dimension of size 3 or a given one", function()
    local a = tocha.DoubleTensor({ { 1, 0, 0 }, { 1, 2, 3 } })
    local b = tocha.DoubleTensor({ { 0, 1, 0 }, { 4, 5, 6 } })
    assert.are.same({ { 0, 0, 1 }, { -3, 6, -3 } }, tocha.cross(a, b):totable())
    assert.are.same({ { 0, 0, 1 }, { -3, 6, -3 } }, a:cross(b, 2):totable())
    -- along dimension 1 of a transposed input: the same numbers, transposed
    local r = tocha.DoubleTensor()
    tocha.cross(r, a:t(), b:t())
    assert.are.same({ { 0, -3 }, { 0, 6 }, { 1, -3 } }, r:totable())
    assert.are.same({ -3, 6, -3 }, tocha.cross(tocha.LongTensor({ 1, 2, 3 }), tocha.LongTensor({ 4, 5, 6 })):totable())
    assert_error("no dimension of size 3", function() tocha.cross(tocha.Tensor(2, 2), tocha.Tensor(2, 2)) end)
    assert_error("has size 2, expected 3", function() tocha.cross(a, b, 1) end)
    assert_error("do not match", function() tocha.cross(a, tocha.DoubleTensor(3)) end)
  end)
end)

describe("histc and bhistc", function()
  it("count values into equal bins over [min, max]", function()
    local x = tocha.Tensor({ 2, 4, 2, 2, 5, 4 })
    assert.are.same({ 0, 3, 0, 2, 1 }, tocha.histc(x, 5, 1, 5):totable())
    -- min = max: the data's range; values outside a given range are not counted
    assert.are.same({ 3, 0, 3 }, x:histc(3):totable()) -- bins [2,3) [3,4) [4,5]
    assert.are.same({ 0, 3 }, tocha.histc(x, 2, 0, 3):totable()) -- 4, 5 are outside
    assert.are.same({ 0, 1, 0 }, tocha.histc(tocha.Tensor({ 7 }), 3):totable()) -- one value: [6, 8]
    assert.are.equal(100, tocha.histc(x):nElement())
    local ref = {}
    local y = tocha.rand(50):mul(10):floor()
    for i = 1, 10 do ref[i] = 0 end
    for i = 1, 50 do ref[y[i] + 1] = ref[y[i] + 1] + 1 end
    ref[10] = ref[10] -- the value 9 is max: last bin
    assert.are.same(ref, tocha.histc(y:view(5, 10):t(), 10, 0, 9):totable())
  end)

  it("bhistc counts each row", function()
    local x = tocha.Tensor({ { 2, 4, 2, 2, 5, 4 }, { 3, 5, 1, 5, 3, 5 }, { 3, 4, 2, 5, 5, 1 } })
    assert.are.same({ { 0, 3, 0, 2, 1 }, { 1, 0, 2, 0, 3 }, { 1, 1, 1, 1, 2 } }, tocha.bhistc(x, 5, 1, 5):totable())
    assert.are.same({ 0, 3, 0, 2, 1 }, tocha.bhistc(x[1], 5, 1, 5):totable())
    local r = tocha.Tensor()
    tocha.bhistc(r, x:t():contiguous():t(), 5, 1, 5) -- strided rows
    assert.are.same({ 1, 1, 1, 1, 2 }, r[3]:totable())
  end)

  it("rejects bad bins and ranges", function()
    local x = tocha.Tensor({ 1, 2 })
    assert_error("number of bins must be >= 1", function() x:histc(0) end)
    assert_error("min 3 is greater than max 1", function() x:histc(2, 3, 1) end)
    assert_error("must be finite", function() x:histc(2, 0, math.huge) end)
    assert_error("expected a 1-D or 2-D tensor", function() tocha.bhistc(tocha.Tensor(2, 2, 2), 2) end)
  end)
end)

describe("renorm", function()
  it("scales the slices whose p-norm exceeds maxnorm, in place as a method", function()
    local m = tocha.DoubleTensor({ { 3, 4 }, { 0.3, 0.4 }, { 6, 8 } })
    local r = tocha.renorm(m, 2, 1, 1) -- new tensor; rows along dimension 1
    assert.are.same({ 3, 4 }, m[1]:totable())
    local s = 1 / (5 + 1e-7)
    assert.is_true(math.abs(r[{ 1, 1 }] - 3 * s) < 1e-12 and math.abs(r[{ 1, 2 }] - 4 * s) < 1e-12)
    assert.are.same({ 0.3, 0.4 }, r[2]:totable())
    assert.is_true(math.abs(r[3]:norm() - 1) < 1e-6)
    m:t():renorm(1, 2, 1) -- columns of the transpose = rows of m, 1-norm
    assert.is_true(math.abs(m[1]:norm(1) - 1) < 1e-6)
    assert.is_true(math.abs(m[2]:norm(1) - 0.7) < 1e-12)
    assert_error("p must be > 0", function() m:renorm(0, 1, 1) end)
    assert_error("maxnorm must be >= 0", function() m:renorm(2, 1, -1) end)
    assert_error("needs a Float or Double tensor", function() tocha.LongTensor(2, 2):renorm(2, 1, 1) end)
  end)
end)

describe("dist", function()
  it("is the p-norm of the difference (default 2)", function()
    local a = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })
    local b = tocha.DoubleTensor({ 4, 6, 3, 2 }) -- same count, another shape: logical order
    assert.are.equal(math.sqrt(9 + 16 + 0 + 4), a:dist(b))
    assert.are.equal(3 + 4 + 0 + 2, tocha.dist(a, b, 1))
    assert.are.equal(4, tocha.dist(a, b, math.huge))
    assert.are.equal(3, tocha.dist(a, b, 0))
    assert.is_true(math.abs(tocha.dist(a:t(), b, 3) - (27 + 27 + 1 + 8) ^ (1 / 3)) < 1e-12)
    assert.are.equal(0, tocha.dist(tocha.Tensor(), tocha.Tensor()))
    assert.are.equal(5, tocha.dist(tocha.LongTensor({ 0, 0 }), tocha.LongTensor({ 3, 4 })))
    assert_error("p must be >= 0", function() a:dist(b, -1) end)
    assert_error("4 and 3 elements do not match", function() a:dist(tocha.DoubleTensor(3)) end)
    assert_error("given where", function() a:dist(tocha.FloatTensor(4)) end)
  end)
end)

describe("equal, all, any", function()
  it("equal compares sizes and elements", function()
    local s = tocha.Tensor({ { 1, 2, 3, 4 }, { 5, 6, 7, 8 } })
    local v = s[{ {}, { 2, 3 } }]
    assert.is_true(v:equal(tocha.Tensor({ { 2, 3 }, { 6, 7 } })))
    assert.is_false(v:equal(tocha.Tensor({ 2, 3, 6, 7 })))
    assert.is_false(tocha.equal(v, tocha.Tensor({ { 2, 3 }, { 6, 0 } })))
    assert.is_true(tocha.Tensor():equal(tocha.Tensor()))
    assert.is_false(s:equal(tocha.Tensor()))
    assert.is_false(tocha.Tensor({ 0 / 0 }):equal(tocha.Tensor({ 0 / 0 })))
    assert_error("Double given where Float is expected", function() s:equal(tocha.DoubleTensor()) end)
  end)

  it("all and any", function()
    local x = tocha.ones(5, 5):byte()
    assert.is_true(x:all() and x:any())
    x[{ 3, 2 }] = 0
    assert.is_false(x:all())
    assert.is_true(x:any())
    assert.is_true(x:narrow(1, 4, 2):all()) -- a view without the zero
    x:zero()
    assert.is_false(x:any())
    assert.is_true(tocha.ByteTensor():all())
    assert.is_false(tocha.ByteTensor():any())
    assert.is_true(tocha.Tensor({ 2, -1 }):all())
  end)
end)

describe("bit operations", function()
  local function ref(op, a, b)
    if op == "bitand" then return a & b end
    if op == "bitor" then return a | b end
    if op == "bitxor" then return a ~ b end
    if op == "lshift" then return a << b end
    return a >> b | (a < 0 and ~(-1 >> b) or 0) -- arithmetic shift
  end

  it("scalar forms work in place as methods, give new tensors as functions", function()
    tocha.manualSeed(1)
    for _, op in ipairs({ "bitand", "bitor", "bitxor", "lshift", "rshift" }) do
      local m = tocha.LongTensor(6, 5):random(-1000, 1000)
      local orig = m:clone()
      local v = (op == "lshift" or op == "rshift") and 3 or 0x155
      local col = m[{ {}, 3 }] -- non-contiguous
      col[op](col, v)
      for i = 1, 6 do
        for j = 1, 5 do
          local want = j == 3 and ref(op, orig[{ i, j }], v) or orig[{ i, j }]
          assert.are.equal(want, m[{ i, j }])
        end
      end
      local fresh = tocha[op](orig, v)
      assert.are.equal(ref(op, orig[{ 1, 1 }], v), fresh[{ 1, 1 }])
      assert.are.equal(orig:clone():view(30)[1], orig:view(30)[1]) -- unchanged
    end
    assert.are.same({ 8, 0, 255 - 7 }, tocha.ByteTensor({ 1, 32, 255 }):lshift(3):totable())
    assert.are.same({ 2, -2 }, tocha.DoubleTensor({ 8, -8 }):rshift(2):totable())
  end)

  it("tensor forms (c*) take two tensors with the same element count", function()
    local a = tocha.LongTensor({ { 12, 10 }, { -7, 255 } })
    local b = tocha.LongTensor({ 10, 6, 3, 1 })
    assert.are.same({ { 8, 2 }, { 1, 1 } }, tocha.cbitand(a, b):totable())
    assert.are.same({ { 14, 14 }, { -5, 255 } }, tocha.cbitor(a, b):totable())
    local x = tocha.cbitxor(a, b)
    assert.is_true(tocha.cbitxor(x, b):equal(a)) -- xor swap
    assert.are.same({ { 12 << 10, 10 << 6 }, { -56, 510 } }, tocha.clshift(a, b):totable())
    assert.are.same({ { 0, 0 }, { -1, 127 } }, tocha.crshift(a:t():contiguous():t(), b):totable())
    local r = a:clone()
    r:cbitxor(b) -- in place
    assert.is_true(r:equal(x))
    local res = tocha.LongTensor()
    tocha.cbitand(res, a, b)
    assert.are.same({ { 8, 2 }, { 1, 1 } }, res:totable())
  end)

  it("rejects floats for logic, bad shift counts and mismatched tensors", function()
    assert_error("only defined for integer tensors", function() tocha.Tensor(2):bitand(1) end)
    assert_error("shift count must be 0..63", function() tocha.LongTensor(2):lshift(64) end)
    assert_error("shift count must be 0..7", function() tocha.ByteTensor(2):rshift(8) end)
    assert_error("value must be 0..255", function() tocha.ByteTensor(2):bitor(256) end)
    local a = tocha.LongTensor({ 1, 2 })
    assert_error("shift counts must be 0..63", function() a:clshift(tocha.LongTensor({ 1, -1 })) end)
    assert.are.same({ 1, 2 }, a:totable()) -- nothing written
    assert_error("2 and 3 elements do not match", function() a:cbitand(tocha.LongTensor(3)) end)
    assert_error("given where", function() a:cbitand(tocha.ByteTensor(2)) end)
    assert_error("no integer representation", function() a:bitand(1.5) end)
    assert.are.equal(0, tocha.LongTensor():bitand(1):nElement())
  end)
end)

describe("map, map2, apply", function()
  it("apply sets each element to the function's number (nil keeps it), in logical order", function()
    local x = tocha.DoubleTensor(3, 2):zero():t() -- 2x3 view
    local n = 0
    x:apply(function() n = n + 1; return n end)
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, x:totable())
    x:apply(function(v) if v > 3 then return -v end end)
    assert.are.same({ { 1, 2, 3 }, { -4, -5, -6 } }, x:totable())
  end)

  it("map and map2 pair elements of tensors with the same count", function()
    local x = tocha.DoubleTensor(2, 2):zero()
    local a = tocha.DoubleTensor({ 1, 2, 3, 4 })
    local b = tocha.DoubleTensor({ { 10, 30 }, { 20, 40 } }):t() -- 10 20 / 30 40 in logical order
    assert.are.equal(x, x:map(a, function(_, u) return u * 2 end))
    assert.are.same({ { 2, 4 }, { 6, 8 } }, x:totable())
    x:map2(a, b, function(v, u, w) return v + u + w end)
    assert.are.same({ { 13, 26 }, { 39, 52 } }, x:totable())
    local l = tocha.LongTensor({ 1, 2 })
    l:apply(function(v) return v * 2.0 end) -- integral floats are fine for Long
    assert.are.same({ 2, 4 }, l:totable())
    tocha.Tensor():apply(function() error("not called") end)
  end)

  it("survives a callback that resizes the tensors", function()
    local x = tocha.DoubleTensor({ 1, 2, 3 })
    local seen = {}
    x:apply(function(v)
      seen[#seen + 1] = v
      x:resize(1000):fill(7) -- a new storage: the walk keeps the old one
      collectgarbage()
      return v
    end)
    assert.are.same({ 1, 2, 3 }, seen)
  end)

  it("rejects bad callbacks and counts", function()
    local x = tocha.LongTensor({ 1, 2 })
    assert_error("must return a number or nothing, got string", function() x:apply(function() return "a" end) end)
    assert_error("expected an integer for a tocha.LongTensor", function() x:apply(function() return 0.5 end) end)
    assert_error("3 elements given where 2 are expected", function() x:map(tocha.LongTensor(3), print) end)
    assert_error("function expected", function() x:apply(3) end)
    assert_error("boom", function() x:apply(function() error("boom") end) end)
  end)
end)
