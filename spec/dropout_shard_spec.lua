-- Dropout:setShard: a shard of a batch draws the single-process masks of its rows.
local tocha = require "tocha"
local nn = require "tocha.nn"

describe("nn.Dropout:setShard", function()
  it("gives each row shard the whole batch's mask and advances the generator alike", function()
    for _, D in ipairs({ 7, 100, 128, 3 }) do
      local N = 13
      tocha.manualSeed(5)
      local x = tocha.randn(N, D)
      local d = nn.Dropout(0.3)
      tocha.manualSeed(9)
      local full = d:forward(x):clone()
      local after = tocha.rand(1)[1]
      for _, cut in ipairs({ { 0, 5 }, { 5, 13 }, { 3, 4 }, { 0, 13 } }) do
        local d2 = nn.Dropout(0.3):setShard(cut[1], N)
        tocha.manualSeed(9)
        local o = d2:forward(x:narrow(1, cut[1] + 1, cut[2] - cut[1]))
        assert.are.equal(0, (o - full:narrow(1, cut[1] + 1, cut[2] - cut[1])):abs():max())
        assert.are.equal(after, tocha.rand(1)[1])
      end
    end
  end)
  it("rejects shards outside the batch", function()
    local d = nn.Dropout(0.5):setShard(10, 12)
    assert.has_error(function() d:forward(tocha.randn(3, 4)) end)
    assert.has_error(function() nn.Dropout():setShard(-1, 3) end)
    assert.are.equal(nil, nn.Dropout():setShard(1, 2):setShard().shard)
  end)
end)
