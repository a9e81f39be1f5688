-- tocha.compat: Torch7's random state as a tensor, heap-tracking flag.
-- The compat globals are installed for each test and removed afterwards
-- (as in compat_spec.lua: the other specs must not see them).
local tocha = require "tocha"
local tnn = require "tocha.nn"

local GLOBALS = { "torch", "nn", "optim", "paths", "xlua", "sys", "print" }
local LOADED = { "torch", "nn", "optim", "paths", "xlua", "sys", "tocha.compat", "tocha.compat.CmdLine",
  "tocha.compat.paths" }
local PATCHED = { tnn.Module, tnn.Criterion }
local saved, torch

before_each(function()
  saved = { globals = {}, loaded = {}, patched = {}, default = tocha.getdefaulttensortype() }
  for _, k in ipairs(GLOBALS) do saved.globals[k] = rawget(_G, k) end
  for _, k in ipairs(LOADED) do saved.loaded[k] = package.loaded[k] end
  for i, cls in ipairs(PATCHED) do saved.patched[i] = { rawget(cls, "type"), rawget(cls, "__tocha_type") } end
  require "tocha.compat"
  torch = rawget(_G, "torch")
end)

after_each(function()
  for _, k in ipairs(GLOBALS) do rawset(_G, k, saved.globals[k]) end
  for _, k in ipairs(LOADED) do package.loaded[k] = saved.loaded[k] end
  for i, cls in ipairs(PATCHED) do
    rawset(cls, "type", saved.patched[i][1])
    rawset(cls, "__tocha_type", saved.patched[i][2])
  end
  tocha.setdefaulttensortype(saved.default)
end)

describe("torch.getRNGState under compat", function()
  it("is a tensor with value semantics that replays the stream", function()
    torch.manualSeed(1234)
    local state = torch.getRNGState()
    assert.is_true(tocha.isTensor(state))
    local copy = state:clone()
    local before = torch.rand(100):totable()
    assert.are.equal(0, state:ne(copy):long():sum())
    torch.setRNGState(state)
    assert.are.same(before, torch.rand(100):totable())
  end)

  it("keeps all 64 bits of seed and offset", function()
    local g = torch.Generator()
    tocha.setRNGState(g, { -2, math.maxinteger })
    local s = torch.getRNGState(g)
    local h = torch.Generator()
    torch.setRNGState(h, s)
    assert.are.same({ -2, math.maxinteger }, tocha.getRNGState(h))
    -- tocha's own table form is accepted too
    torch.setRNGState(h, { 5, 6 })
    assert.are.same({ 5, 6 }, tocha.getRNGState(h))
  end)

  it("rejects what is not a state", function()
    assert.has_error(function() torch.setRNGState(torch.LongTensor(3)) end)
    assert.has_error(function() torch.setRNGState(torch.Tensor({ 0.5, 1, 2, 3 })) end)
  end)
end)

describe("torch.setheaptracking", function()
  it("keeps the flag as Torch7 does", function()
    torch.setheaptracking(true)
    assert.is_true(torch._heaptracking)
    torch.setheaptracking(false)
    assert.is_false(torch._heaptracking)
  end)
end)
