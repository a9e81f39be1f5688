-- What the fuzzers (fuzz/) and the allocation-failure test found (issue
-- 13): each case failed, crashed or was undefined behaviour before its fix.
local tocha = require "tocha"

describe("fuzz findings", function()
  describe("a tensor with a zero size", function()
    it("is contiguous, so view and contiguous work on it (fuzz_idx: a 1x2051x0 IDX file)", function()
      local x = tocha.ByteTensor(1, 5, 0)
      assert.is_true(x:isContiguous())
      assert.equal(0, x:view(0):nElement())
      assert.equal(0, x:view(5, 0):nElement())
      assert.is_true(x:contiguous():isContiguous())
    end)
  end)

  describe("float to integer conversions (undefined in C for nan, inf and huge values)", function()
    local targets = { "long", "int", "short", "char", "byte" }
    for _, bad in ipairs({ 0 / 0, math.huge, -math.huge, 2 ^ 63, -2 ^ 64, 1e300 }) do
      for _, to in ipairs(targets) do
        it(string.format("refuse %s -> %s with an error naming the value", tostring(bad), to), function()
          local src = tocha.DoubleTensor({ 1, bad, 2 })
          local ok, err = pcall(function() return src[to](src) end)
          assert.is_false(ok)
          assert.matches("cannot convert " .. (bad ~= bad and "nan" or ""), err, 1, true)
          local dst = tocha[to:sub(1, 1):upper() .. to:sub(2) .. "Tensor"](3):fill(7)
          assert.is_false(pcall(dst.copy, dst, tocha.FloatTensor({ 1, bad, 2 })))
          assert.equal(21, dst:sum()) -- nothing written
        end)
      end
    end
    it("convert in-range values through int64, narrower types wrapping modulo 2^bits", function()
      -- (nn.MultiLabelMarginCriterion's backward on a ByteTensor wrote -3.0 into a byte)
      assert.same({ 44, 253, 0 }, tocha.DoubleTensor({ 300.7, -3, -256 }):byte():totable())
      assert.same({ -56, 127 }, tocha.FloatTensor({ 200, -129 }):char():totable())
      assert.equal(math.mininteger, tocha.DoubleTensor({ -2 ^ 63 }):long()[1])
      assert.equal(-2, tocha.DoubleTensor({ -2.9 }):long()[1])
    end)
  end)

  describe("range and linspace into integer tensors", function()
    it("refuse an element beyond int64 instead of wrapping it (undefined in C)", function()
      local ok, err = pcall(tocha.range, tocha.LongTensor(), 2 ^ 62, 2 ^ 63, 2 ^ 62)
      assert.is_false(ok)
      assert.matches("cannot store", err, 1, true)
      ok, err = pcall(tocha.linspace, tocha.LongTensor(), -2 ^ 63, 2 ^ 63, 3)
      assert.is_false(ok)
      assert.matches("cannot store", err, 1, true)
      assert.is_false(pcall(tocha.range, tocha.IntTensor(), 0, 2 ^ 64, 2 ^ 63))
    end)
    it("keep every element int64 holds, wrapping the narrower types", function()
      assert.same({ 0, 2 ^ 61, 2 ^ 62 }, tocha.range(tocha.LongTensor(), 0, 2 ^ 62, 2 ^ 61):totable())
      assert.same({ math.mininteger, 0 }, tocha.linspace(tocha.LongTensor(), -2 ^ 63, 0, 2):totable())
      assert.same({ 0, 44 }, tocha.linspace(tocha.ByteTensor(), 0, 300, 2):totable())
    end)
  end)
end)
