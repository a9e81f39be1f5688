-- multinomial, the alias method, and the exponential, cauchy, logNormal and
-- geometric fills.  Each fill is checked exactly against its formula applied
-- to the uniform (or normal) fill from the same generator state.
local tocha = require "tocha"

local function assert_error(text, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error containing: " .. text)
  assert.is_truthy(tostring(err):find(text, 1, true), "error was: " .. tostring(err))
end

local D = tocha.DoubleTensor

describe("multinomial", function()
  it("with replacement: never a zero-probability category, frequencies follow the weights", function()
    tocha.manualSeed(11)
    local w = { 1, 0, 3, 6 } -- unnormalised
    local n = 200000
    local s = tocha.multinomial(D(w), n, true)
    assert.are.equal("Long", s:type():match("(%a+)Tensor$"))
    assert.are.same({ n }, { s:size(1) })
    local counts = { 0, 0, 0, 0 }
    for _, c in ipairs(s:totable()) do counts[c] = counts[c] + 1 end
    assert.are.equal(0, counts[2])
    for c = 1, 4 do
      local p = w[c] / 10
      local sd = math.sqrt(p * (1 - p) / n)
      assert.is_true(math.abs(counts[c] / n - p) <= 5 * sd + 1e-12, "category " .. c)
    end
  end)

  it("without replacement: distinct categories per row, zero weights excluded", function()
    tocha.manualSeed(12)
    local p = D(3, 5):uniform(0.1, 1)
    p:select(2, 5):fill(0)
    local s = tocha.multinomial(p, 4, false)
    assert.are.same({ 3, 4 }, { s:size(1), s:size(2) })
    for _, row in ipairs(s:totable()) do
      local seen = {}
      for _, c in ipairs(row) do
        assert.is_true(c >= 1 and c <= 4)
        assert.is_nil(seen[c])
        seen[c] = true
      end
    end
  end)

  it("the first draw without replacement follows the weights", function()
    tocha.manualSeed(13)
    local w = D({ 1, 2, 7 })
    local n, first = 20000, { 0, 0, 0 }
    local p = w:view(1, 3):expand(n, 3)
    local s = tocha.multinomial(p, 2, false)
    for _, row in ipairs(s:totable()) do first[row[1]] = first[row[1]] + 1 end
    for c = 1, 3 do
      local q = w[c] / 10
      assert.is_true(math.abs(first[c] / n - q) <= 5 * math.sqrt(q * (1 - q) / n), "category " .. c)
    end
  end)

  it("repeats under the same seed; given result, generator, method form", function()
    local w = D({ 0.2, 0.3, 0.5 })
    tocha.manualSeed(14)
    local a = tocha.multinomial(w, 50, true)
    tocha.manualSeed(14)
    local res = tocha.LongTensor()
    assert.are.equal(res, tocha.multinomial(res, w, 50, true))
    assert.are.same(a:totable(), res:totable())
    local g = tocha.Generator()
    tocha.manualSeed(g, 14)
    assert.are.same(a:totable(), tocha.multinomial(g, w, 50, true):totable())
    tocha.manualSeed(14)
    assert.are.same(a:totable(), w:multinomial(50, true):totable())
  end)

  it("names the problem", function()
    assert_error("cannot draw 3 samples without replacement from 2 categories", tocha.multinomial,
      D({ 1, 0, 1 }), 3, false)
    assert_error("must be finite and >= 0", tocha.multinomial, D({ 1, -1 }), 1, true)
    assert_error("sum to 0", tocha.multinomial, D({ 0, 0 }), 1, true)
    assert_error("must be a Float or Double tensor", tocha.multinomial, tocha.LongTensor({ 1, 2 }), 1, true)
    assert_error("must be >= 0", tocha.multinomial, D({ 1 }), -1, true)
    assert_error("no categories", tocha.multinomial, D(0), 1, true)
    assert.are.equal(0, tocha.multinomial(D({ 1, 2 }), 0, true):nElement())
  end)
end)

describe("alias method", function()
  local probs = { 0.05, 0.4, 0.15, 0.3, 0.1 }

  it("setup: tables that reproduce the probabilities exactly", function()
    local state = tocha.multinomialAliasSetup(D(probs))
    local J, q = state[1]:totable(), state[2]:totable()
    local K = #probs
    local mass = {}
    for c = 1, K do mass[c] = q[c] end
    for i = 1, K do
      assert.is_true(J[i] >= 1 and J[i] <= K)
      assert.is_true(q[i] >= 0 and q[i] <= 1)
      if J[i] ~= i then mass[J[i]] = mass[J[i]] + (1 - q[i]) end
    end
    for c = 1, K do assert.is_true(math.abs(mass[c] / K - probs[c]) < 1e-12, "class " .. c) end
    -- reusing a state
    local again = tocha.multinomialAliasSetup(D(probs), state)
    assert.are.equal(state, again)
  end)

  it("draws follow the probabilities and repeat under the same seed", function()
    local state = tocha.multinomialAliasSetup(D(probs))
    tocha.manualSeed(21)
    local n = 200000
    local out = tocha.LongTensor(n)
    assert.are.equal(out, tocha.multinomialAlias(out, state))
    local counts = { 0, 0, 0, 0, 0 }
    for _, c in ipairs(out:totable()) do counts[c] = counts[c] + 1 end
    for c = 1, 5 do
      local p = probs[c]
      assert.is_true(math.abs(counts[c] / n - p) <= 5 * math.sqrt(p * (1 - p) / n), "class " .. c)
    end
    tocha.manualSeed(21)
    local again = tocha.multinomialAlias(tocha.LongTensor(n), state)
    assert.are.same(out:totable(), again:totable())
  end)

  it("names the problem", function()
    assert_error("expected a state", tocha.multinomialAlias, tocha.LongTensor(3), {})
    assert_error("must be a vector", tocha.multinomialAliasSetup, D(2, 2):fill(1))
  end)
end)

describe("distributions", function()
  local n = 1000

  local function draws(seed, f)
    tocha.manualSeed(seed)
    return f(D(n)):totable()
  end

  it("exponential = -log(1 - u) / lambda of the uniform fill", function()
    local u = draws(31, function(t) return t:uniform() end)
    local e = draws(31, function(t) return t:exponential(2.5) end)
    for i = 1, n do assert.is_true(math.abs(-math.log(1 - u[i]) / 2.5 - e[i]) <= 1e-14 * (1 + e[i])) end
  end)

  it("cauchy = median + sigma tan(pi (u - 1/2))", function()
    local u = draws(32, function(t) return t:uniform() end)
    local c = draws(32, function(t) return t:cauchy(1.5, 0.5) end)
    for i = 1, n do assert.is_true(math.abs(1.5 + 0.5 * math.tan(math.pi * (u[i] - 0.5)) - c[i]) <= 1e-12 *
      (1 + math.abs(c[i]))) end
  end)

  it("geometric: floor(log(1 - u) / log p) + 1 (Torch7's convention)", function()
    local u = draws(33, function(t) return t:uniform() end)
    local g = draws(33, function(t) return t:geometric(0.3) end)
    for i = 1, n do assert.are.equal(math.floor(math.log(1 - u[i]) / math.log(0.3)) + 1, g[i]) end
    local l = tocha.LongTensor(10):geometric(0.5)
    assert.is_true(l:min() >= 1)
  end)

  it("logNormal = exp of the normal fill", function()
    local z = draws(34, function(t) return t:normal(0.5, 0.2) end)
    local l = draws(34, function(t) return t:logNormal(0.5, 0.2) end)
    for i = 1, n do assert.is_true(math.abs(math.exp(z[i]) - l[i]) <= 1e-15 * l[i]) end
  end)

  it("Float fills, non-contiguous tensors, and bad parameters", function()
    local t = tocha.FloatTensor(4, 6):t()
    t:exponential(1)
    assert.is_true(t:min() >= 0)
    assert_error("expected lambda > 0", function() D(3):exponential(0) end)
    assert_error("expected sigma > 0", function() D(3):cauchy(0, -1) end)
    assert_error("expected 0 < p < 1", function() D(3):geometric(1) end)
    assert_error("expected stdv > 0", function() D(3):logNormal(1, 0) end)
    assert_error("expected a Float or Double tensor", function() tocha.LongTensor(3):exponential(1) end)
    assert_error("expected a Float, Double or Long tensor", function() tocha.ByteTensor(3):geometric(0.5) end)
  end)
end)

describe("scalar draws", function()
  it("equal element 1 of the fill from the same state", function()
    local cases = {
      { "exponential", { 2 } }, { "cauchy", { 1, 3 } }, { "logNormal", { 0.5, 0.25 } }, { "geometric", { 0.4 } },
    }
    for _, c in ipairs(cases) do
      local name, args = c[1], c[2]
      tocha.manualSeed(41)
      local t = D(3)
      t[name](t, table.unpack(args))
      tocha.manualSeed(41)
      assert.are.equal(t[1], tocha[name](table.unpack(args)), name)
      local g = tocha.Generator()
      tocha.manualSeed(g, 41)
      assert.are.equal(t[1], tocha[name](g, table.unpack(args)), name .. " with a generator")
    end
    assert.is_true(math.type(tocha.geometric(0.5)) == "integer")
    assert_error("expected lambda > 0", tocha.exponential, -1)
  end)
end)
