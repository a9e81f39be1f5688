-- x:sum(d) and x:mean(d) add a lane's elements in order (as Torch7 does), so
-- the result equals adding the slices one by one, exactly, for lanes of up
-- to 256 elements; longer lanes are summed pairwise (more accurate).
local tocha = require "tocha"

describe("sum along a dimension", function()
  it("equals the in-order sum of the slices, along every dimension", function()
    tocha.manualSeed(3)
    local y = tocha.DoubleTensor(5, 6, 7):uniform(-1, 1)
    local t = y:totable()
    for d = 1, 3 do
      local s = y:sum(d)
      local sizes = { 5, 6, 7 }
      for i = 1, (d == 1 and 1 or 5) do
        for j = 1, (d == 2 and 1 or 6) do
          for k = 1, (d == 3 and 1 or 7) do
            local acc = 0
            for l = 1, sizes[d] do
              local ii, jj, kk = i, j, k
              if d == 1 then ii = l elseif d == 2 then jj = l else kk = l end
              acc = acc + t[ii][jj][kk]
            end
            assert.are.equal(acc, s[i][j][k], "dimension " .. d)
            assert.are.equal(acc / sizes[d], y:mean(d)[i][j][k], "mean, dimension " .. d)
          end
        end
      end
    end
  end)

  it("long lanes stay accurate", function()
    local n = 100000
    local x = tocha.DoubleTensor(1, n):fill(0.1)
    assert.is_true(math.abs(x:sum(2)[1][1] - 0.1 * n) < 1e-9)
  end)
end)
