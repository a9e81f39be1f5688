-- Storage identity and views: x:storage() == y:storage() exactly when they
-- are the same storage (Torch7's "do these share memory?"), torch.pointer
-- consistent with it, elementSize, tocha.LongStorage(s, offset, size) views
-- sharing memory, bernoulli with a tensor of probabilities, and ByteTensor
-- stores modulo 256.
local tocha = require "tocha"

describe("storages", function()
  it("compare equal exactly when they are the same storage", function()
    for _, T in ipairs({ tocha.FloatTensor, tocha.DoubleTensor, tocha.LongTensor, tocha.ByteTensor }) do
      local x = T(3, 4)
      assert.is_true(x:storage() == x:storage())
      assert.is_true(x:t():storage() == x:storage())
      assert.is_true(x:narrow(1, 2, 1):storage() == x:storage())
      assert.is_true(T():set(x):storage() == x:storage())
      assert.is_false(x:clone():storage() == x:storage())
      assert.is_false(T(3, 4):storage() == x:storage())
    end
    local f, d = tocha.FloatTensor(2), tocha.DoubleTensor(2)
    assert.is_false(f:storage() == d:storage())
    assert.is_false(f:storage() == f) -- a storage is never equal to a tensor
  end)

  it("torch.pointer gives one number per storage", function()
    local torch = require "tocha.compat"
    local x = tocha.FloatTensor(3)
    assert.are.equal(torch.pointer(x:storage()), torch.pointer(x:storage()))
    assert.are.equal(torch.pointer(x:storage()), torch.pointer(x:view(3, 1):storage()))
    assert.are_not.equal(torch.pointer(x:storage()), torch.pointer(x:clone():storage()))
  end)

  it("elementSize in bytes", function()
    assert.are.equal(4, tocha.FloatTensor(1):storage():elementSize())
    assert.are.equal(8, tocha.DoubleTensor(1):storage():elementSize())
    assert.are.equal(8, tocha.LongTensor(1):storage():elementSize())
    assert.are.equal(1, tocha.ByteTensor(1):storage():elementSize())
    assert.are.equal(8, tocha.LongStorage(2):elementSize())
    assert.are.equal(4, tocha.FloatStorage(2):elementSize())
    assert.are.equal(4, tocha.FloatTensor():elementSize())
    assert.are.equal(1, tocha.ByteTensor():elementSize())
    assert.are.equal(8, tocha.DoubleTensor():elementSize())
  end)
end)

describe("LongStorage views", function()
  it("share the parent's elements", function()
    local s1 = tocha.LongStorage({ 3, 4, 5 })
    local s2 = tocha.LongStorage(s1, 2)
    assert.are.equal(2, s2:size())
    assert.are.equal(2, #s2)
    assert.are.same({ 4, 5 }, s2:totable())
    s2[1] = 13
    assert.are.equal(13, s1[2])
    s1[3] = 7
    assert.are.equal(7, s2[2])
    local s3 = tocha.LongStorage(s2, 2.0, 1.0) -- a view of a view
    assert.are.same({ 7 }, s3:totable())
    s3[1] = 50
    assert.are.same({ 3, 13, 50 }, s1:totable())
    assert.are.same({ 13 }, tocha.LongStorage(s1, 2, 1):totable())
    assert.are.same({}, tocha.LongStorage(s1, 4):totable())
    assert.is_true(s2 == tocha.LongStorage({ 13, 50 }))
  end)

  it("work as sizes", function()
    local s = tocha.LongStorage(tocha.LongStorage({ 9, 2, 3 }), 2)
    assert.are.same({ 2, 3 }, tocha.zeros(s):size():totable())
    assert.are.same({ 2, 3 }, tocha.Tensor(s):size():totable())
    local view = tocha.LongStorage(tocha.LongStorage({ 3, 2 }), 1)
    assert.are.same({ 3, 2 }, tocha.range(1, 6):view(view):size():totable())
  end)

  it("check offset, size and index", function()
    local s1 = tocha.LongStorage({ 3, 4, 5 })
    assert.has_error(function() tocha.LongStorage(s1, 0) end,
      "bad argument #2 to 'LongStorage' (offset must be an integer in 1..4, got 0)")
    assert.has_error(function() tocha.LongStorage(s1, 5) end)
    assert.has_error(function() tocha.LongStorage(s1, 1.5) end)
    assert.has_error(function() tocha.LongStorage(s1, 2, 3) end,
      "bad argument #3 to 'LongStorage' (size must be an integer in 0..2, got 3)")
    assert.has_error(function() tocha.LongStorage(s1, 2, -1) end)
    local v = tocha.LongStorage(s1, 2, 1)
    assert.is_nil(v[2])
    assert.has_error(function() v[2] = 1 end)
    assert.are.same({ 3, 4, 5 }, s1:totable())
  end)
end)

describe("bernoulli with a tensor of probabilities", function()
  it("draws 0/1 with each element's probability", function()
    tocha.manualSeed(11)
    local n = 20000
    local p = tocha.DoubleTensor(n)
    for i = 1, n do p[i] = (i % 4) / 4 end -- 0, 0.25, 0.5, 0.75
    local t = tocha.ByteTensor(100, n / 100):bernoulli(p)
    assert.are.same({ 100, n / 100 }, t:size():totable())
    local flat = t:view(n)
    local ones, counts = { 0, 0, 0, 0 }, { 0, 0, 0, 0 }
    for i = 1, n do
      local k = i % 4 + 1
      ones[k] = ones[k] + flat[i]
      counts[k] = counts[k] + 1
      assert.is_true(flat[i] == 0 or flat[i] == 1)
    end
    assert.are.equal(0, ones[1]) -- p = 0 never
    for k = 2, 4 do
      local q = (k - 1) / 4
      local sd = math.sqrt(q * (1 - q) / counts[k])
      assert.is_true(math.abs(ones[k] / counts[k] - q) < 5 * sd)
    end
    local all = tocha.FloatTensor(2, 3):bernoulli(tocha.FloatTensor(6):fill(1))
    assert.are.same({ { 1, 1, 1 }, { 1, 1, 1 } }, all:totable())
  end)

  it("repeats with a seed or a generator, on non-contiguous tensors", function()
    local p = tocha.DoubleTensor(4, 5):uniform()
    tocha.manualSeed(3)
    local a = tocha.DoubleTensor(5, 4):bernoulli(p):t()
    tocha.manualSeed(3)
    local b = tocha.DoubleTensor(4, 5):t():bernoulli(p)
    assert.are.same(a:t():contiguous():view(20):totable(), b:contiguous():view(20):totable())
    local g1, g2 = tocha.Generator(), tocha.Generator()
    g1:manualSeed(9)
    g2:manualSeed(9)
    assert.are.same(tocha.LongTensor(20):bernoulli(g1, p):totable(), tocha.LongTensor(20):bernoulli(g2, p):totable())
    assert.are.same({}, tocha.FloatTensor():bernoulli(tocha.DoubleTensor()):totable())
  end)

  it("rejects bad probabilities", function()
    local t = tocha.ByteTensor(4)
    assert.has_error(function() t:bernoulli(tocha.DoubleTensor(3)) end,
      "bad argument #1 to 'bernoulli' (3 probabilities for a tensor of 4 elements)")
    assert.has_error(function() t:bernoulli(tocha.DoubleTensor({ 0, 1, 1.5, 0 })) end,
      "bad argument #1 to 'bernoulli' (probabilities must be in [0, 1])")
    assert.has_error(function() t:bernoulli(tocha.DoubleTensor({ 0, 0 / 0, 1, 0 })) end)
    assert.has_error(function() t:bernoulli(tocha.LongTensor({ 0, 1, 1, 0 })) end,
      "bad argument #1 to 'bernoulli' (probabilities must be a Float or Double tensor, got tocha.LongTensor)")
    assert.has_error(function() t:bernoulli(1.5) end)
  end)
end)

describe("ByteTensor stores", function()
  it("keep an integer modulo 256, as C converts it", function()
    local b = tocha.ByteTensor(4)
    b[1] = 256
    b[2] = 200 + 100
    b[3] = 255 * 255
    b[4] = -1
    assert.are.same({ 0, 44, 1, 255 }, b:totable())
    b:fill(257)
    assert.are.same({ 1, 1, 1, 1 }, b:totable())
    b[{ { 1, 2 } }] = 512 + 7
    assert.are.same({ 7, 7, 1, 1 }, b:totable())
    local s = b:storage()
    s[1] = 300
    assert.are.equal(44, b[1])
    assert.has_error(function() b[1] = 1.5 end)
    -- arithmetic wraps in the kernels as well
    local x = tocha.ByteTensor({ 200, 255 })
    assert.are.same({ 44, 254 }, tocha.add(x, tocha.ByteTensor({ 100, 255 })):totable())
    assert.are.same({ 64, 1 }, tocha.cmul(x, tocha.ByteTensor({ 200, 255 })):totable())
  end)
end)
