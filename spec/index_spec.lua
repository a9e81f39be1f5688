-- Masks, index tensors, gather/scatter, nonzero and cat.
local tocha = require "tocha"

local function assert_error(text, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error containing " .. text)
  assert.is_truthy(tostring(err):find(text, 1, true), "error was: " .. tostring(err))
end

local L = tocha.LongTensor
local B = tocha.ByteTensor

describe("masks", function()
  local x, m
  before_each(function()
    x = tocha.Tensor({ { 1, 2, 3 }, { 4, 5, 6 } })
    m = B({ { 1, 0, 1 }, { 0, 1, 0 } })
  end)

  it("maskedSelect returns the selected elements as a new 1D tensor", function()
    local y = x:maskedSelect(m)
    assert.are.same({ 1, 3, 5 }, y:totable())
    y[1] = 100
    assert.are.equal(1, x[1][1])
    assert.are.same({ 1, 3, 5 }, tocha.maskedSelect(x, m):totable())
  end)

  it("maskedSelect writes into a given result, which may be the source", function()
    local res = tocha.Tensor(7)
    assert.are.equal(res, res:maskedSelect(x, m))
    assert.are.same({ 1, 3, 5 }, res:totable())
    local res2 = tocha.Tensor()
    assert.are.equal(res2, tocha.maskedSelect(res2, x, m))
    assert.are.same({ 1, 3, 5 }, res2:totable())
    x:maskedSelect(x, m)
    assert.are.same({ 1, 3, 5 }, x:totable())
  end)

  it("maskedSelect reads non-contiguous tensors and masks in logical order", function()
    local xt = x:t() -- 1 4 / 2 5 / 3 6
    local mt = B({ { 0, 1, 0 }, { 1, 1, 1 } }):t() -- 0 1 / 1 1 / 0 1
    assert.is_false(xt:isContiguous())
    assert.are.same({ 4, 2, 5, 6 }, xt:maskedSelect(mt):totable())
  end)

  it("maskedSelect with no selected element gives an empty tensor", function()
    local y = x:maskedSelect(B(2, 3))
    assert.are.equal(0, y:dim())
    assert.are.equal(0, y:nElement())
  end)

  it("maskedFill writes in place and returns the tensor", function()
    assert.are.equal(x, x:maskedFill(m, -1))
    assert.are.same({ { -1, 2, -1 }, { 4, -1, 6 } }, x:totable())
  end)

  it("maskedFill through a narrowed view", function()
    local v = x:narrow(2, 2, 2) -- 2 3 / 5 6
    v:maskedFill(B({ { 1, 0 }, { 0, 1 } }), 0)
    assert.are.same({ { 1, 0, 3 }, { 4, 5, 0 } }, x:totable())
  end)

  it("maskedCopy takes the source elements in order", function()
    assert.are.equal(x, x:maskedCopy(m, tocha.Tensor({ { 10, 20 }, { 30, 40 } })))
    assert.are.same({ { 10, 2, 20 }, { 4, 30, 6 } }, x:totable())
    -- a transposed source is read in its logical order
    local src = tocha.Tensor({ { 7, 8 }, { 9, 0 } }):t() -- 7 9 / 8 0
    x:maskedCopy(m, src)
    assert.are.same({ { 7, 2, 9 }, { 4, 8, 6 } }, x:totable())
  end)

  it("works for every tensor type", function()
    local d = tocha.DoubleTensor({ 0.5, 1.5, 2.5 })
    local mask = B({ 0, 1, 1 })
    assert.are.same({ 1.5, 2.5 }, d:maskedSelect(mask):totable())
    local l = L({ 10, 20, 30 })
    local ls = l:maskedSelect(mask)
    assert.are.equal("tocha.LongTensor", ls:type())
    assert.are.equal("integer", math.type(ls[1]))
    assert.are.same({ 10, -1, -1 }, l:maskedFill(mask, -1):totable())
    local b = B({ 1, 2, 3 })
    assert.are.same({ 1, 9, 8 }, b:maskedCopy(mask, B({ 9, 8 })):totable())
    -- a ByteTensor as its own mask
    local self_mask = B({ 1, 0, 1 })
    assert.are.same({ 5, 0, 5 }, self_mask:maskedFill(self_mask, 5):totable())
  end)

  it("t[mask] selects, t[mask] = value fills, t[mask] = tensor copies", function()
    assert.are.same({ 1, 3, 5 }, x[m]:totable())
    x[m] = 0
    assert.are.same({ { 0, 2, 0 }, { 4, 0, 6 } }, x:totable())
    x[m] = tocha.Tensor({ 7, 8, 9 })
    assert.are.same({ { 7, 2, 8 }, { 4, 9, 6 } }, x:totable())
    local d = tocha.DoubleTensor({ -1, 2, -3 })
    d[B({ 1, 0, 1 })] = 0
    assert.are.same({ 0, 2, 0 }, d:totable())
  end)

  it("rejects bad masks before writing anything", function()
    assert_error("tocha.ByteTensor expected, got tocha.FloatTensor", function() return x:maskedSelect(x) end)
    assert_error("bad argument #1 to 'maskedFill' (tocha.ByteTensor expected, got tocha.LongTensor)",
      function() x:maskedFill(L({ 1, 0 }), 0) end)
    assert_error("mask size 3x3 does not match tensor size 2x3", function() return x:maskedSelect(B(3, 3)) end)
    assert_error("mask size 5 does not match tensor size 2x3", function() x:maskedFill(B(5), 1) end)
    local two = B({ { 1, 0, 2 }, { 0, 0, 0 } })
    assert_error("mask must contain only 0 and 1", function() x:maskedFill(two, 0) end)
    assert_error("mask must contain only 0 and 1", function() x[two] = 0 end)
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, x:totable())
    assert_error("source has 2 elements but the mask selects 3",
      function() x:maskedCopy(m, tocha.Tensor({ 1, 2 })) end)
    assert_error("tocha.FloatTensor expected (the type of the tensor written), got tocha.DoubleTensor",
      function() x:maskedCopy(m, tocha.DoubleTensor({ 1, 2, 3 })) end)
    assert_error("index: cannot assign a tocha.DoubleTensor to elements of a tocha.FloatTensor",
      function() x[m] = tocha.DoubleTensor({ 1, 2, 3 }) end)
    assert.are.same({ 44, 44 }, B(2):maskedFill(B({ 1, 1 }), 300):totable()) -- modulo 256, as C stores it
    assert_error("expected an integer for a tocha.ByteTensor", function() B(2):maskedFill(B({ 1, 1 }), 0.5) end)
    assert_error("expected an integer for a tocha.LongTensor", function() L(2):maskedFill(B({ 1, 1 }), 0.5) end)
    assert_error("index: expected a tocha.ByteTensor mask or a tocha.LongTensor of indices, got tocha.FloatTensor",
      function() return x[tocha.Tensor({ 1, 0 })] end)
    assert_error("index: mask size 3 does not match tensor size 2x3", function() return x[B(3)] end)
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, x:totable())
  end)
end)

describe("index tensors", function()
  local x
  before_each(function()
    x = tocha.Tensor({ { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } })
  end)

  it("index selects slices into a new tensor", function()
    local y = x:index(1, L({ 3, 1 }))
    assert.are.same({ { 7, 8, 9 }, { 1, 2, 3 } }, y:totable())
    y:fill(0)
    assert.are.equal(7, x[3][1])
    assert.are.same({ { 3, 3, 1 }, { 6, 6, 4 }, { 9, 9, 7 } }, x:index(2, L({ 3, 3, 1 })):totable())
    assert.are.same({ { 2 }, { 5 }, { 8 } }, x:index(-1, L({ 2 })):totable())
    assert.are.same({ { 4, 5, 6 } }, tocha.index(x, 1, L({ 2 })):totable())
  end)

  it("index writes into a given result, which may be the source", function()
    local res = tocha.Tensor()
    assert.are.equal(res, res:index(x, 1, L({ 2, 2 })))
    assert.are.same({ { 4, 5, 6 }, { 4, 5, 6 } }, res:totable())
    tocha.index(res, x, 2, L({ 1 }))
    assert.are.same({ { 1 }, { 4 }, { 7 } }, res:totable())
    x:index(x, 1, L({ 3, 2, 1 }))
    assert.are.same({ { 7, 8, 9 }, { 4, 5, 6 }, { 1, 2, 3 } }, x:totable())
  end)

  it("index reads non-contiguous tensors and index tensors", function()
    local xt = x:t() -- columns of x as rows
    assert.are.same({ { 3, 6, 9 }, { 1, 4, 7 } }, xt:index(1, L({ 3, 1 })):totable())
    local idx = L({ 3, 0, 1, 0 }):narrow(1, 1, 4):unfold(1, 1, 2):select(2, 1) -- {3, 1}, stride 2
    assert.is_false(idx:isContiguous())
    assert.are.same({ { 3, 1 }, { 6, 4 }, { 9, 7 } }, x:index(2, idx):totable())
  end)

  it("index works on Long, Byte and Double tensors", function()
    local l = L({ 10, 20, 30 })
    local li = l:index(1, L({ 3, 3, 1 }))
    assert.are.same({ 30, 30, 10 }, li:totable())
    assert.are.equal("integer", math.type(li[1]))
    assert.are.same({ 2, 1 }, B({ 1, 2 }):index(1, L({ 2, 1 })):totable())
    assert.are.same({ 0.25 }, tocha.DoubleTensor({ 0.5, 0.25 }):index(1, L({ 2 })):totable())
  end)

  it("t[idx] indexes along dimension 1, t[idx] = value | tensor writes there", function()
    assert.are.same({ { 7, 8, 9 }, { 4, 5, 6 } }, x[L({ 3, 2 })]:totable())
    assert.are.same({ 30, 10 }, tocha.Tensor({ 10, 20, 30 })[L({ 3, 1 })]:totable())
    x[L({ 1, 3 })] = 0
    assert.are.same({ { 0, 0, 0 }, { 4, 5, 6 }, { 0, 0, 0 } }, x:totable())
    x[L({ 3 })] = tocha.Tensor({ { -1, -2, -3 } })
    assert.are.same({ { 0, 0, 0 }, { 4, 5, 6 }, { -1, -2, -3 } }, x:totable())
  end)

  it("indexCopy, indexAdd and indexFill write slices in place", function()
    local z = tocha.Tensor({ { -1, -2 }, { -1, -2 }, { -1, -2 } })
    assert.are.equal(x, x:indexCopy(2, L({ 3, 1 }), z))
    assert.are.same({ { -2, 2, -1 }, { -2, 5, -1 }, { -2, 8, -1 } }, x:totable())
    x:indexFill(1, L({ 2 }), 0)
    assert.are.same({ { -2, 2, -1 }, { 0, 0, 0 }, { -2, 8, -1 } }, x:totable())
    -- Torch7's documented example: repeated indices accumulate
    local a = tocha.DoubleTensor({ 1, 2, 3, 4, 5 })
    assert.are.equal(a, a:indexAdd(1, L({ 1, 1, 3, 3 }), tocha.DoubleTensor({ 1, 2, 3, 4 })))
    assert.are.same({ 4, 2, 10, 4, 5 }, a:totable())
    -- through a transposed view
    local xt = x:t()
    xt:indexFill(1, L({ 3 }), 9) -- column 3 of x
    assert.are.same({ { -2, 2, 9 }, { 0, 0, 9 }, { -2, 8, 9 } }, x:totable())
    -- a source overlapping the destination: rows 2, 3 copied onto rows 3, 2
    x:indexCopy(1, L({ 3, 2 }), x:narrow(1, 2, 2))
    assert.are.same({ { -2, 2, 9 }, { -2, 8, 9 }, { 0, 0, 9 } }, x:totable())
  end)

  it("rejects bad indices before writing anything", function()
    local before = x:totable()
    assert_error("index 7 out of range for dimension 1 of size 3 (at position 3 of the index tensor)",
      function() return x:index(1, L({ 1, 2, 7 })) end)
    assert_error("bad argument #2 to 'index' (index 0 out of range for dimension 2 of size 3",
      function() return x:index(2, L({ 0 })) end)
    assert_error("index -1 out of range for dimension 1 of size 3 (at position 2 of the index tensor)",
      function() x:indexFill(1, L({ 1, -1 }), 5) end)
    assert_error("index 4 out of range for dimension 2 of size 3 (at position 1 of the index tensor)",
      function() x:indexCopy(2, L({ 4 }), tocha.Tensor(3, 1)) end)
    assert_error("index: index 4 out of range for dimension 1 of size 3 (at position 2 of the index tensor)",
      function() return x[L({ 1, 4 })] end)
    assert_error("index: index 5 out of range for dimension 1 of size 3",
      function() x[L({ 2, 5 })] = 0 end)
    assert.are.same(before, x:totable())
    assert_error("bad argument #2 to 'index' (tocha.LongTensor expected, got tocha.FloatTensor)",
      function() return x:index(1, tocha.Tensor({ 1 })) end)
    assert_error("tocha.LongTensor expected, got tocha.DoubleTensor",
      function() x:indexFill(1, tocha.DoubleTensor({ 1 }), 0) end)
    assert_error("index must be a 1D tensor, got a 2D tensor", function() return x:index(1, L({ { 1 } })) end)
    assert_error("dimension 3 out of range for a 2D tensor", function() return x:index(3, L({ 1 })) end)
    assert_error("source size 2x3 does not match 1x3 (the tensor's size with dimension 1 set to the 1 indices)",
      function() x:indexCopy(1, L({ 1 }), tocha.Tensor(2, 3)) end)
    assert_error("tocha.FloatTensor expected (the type of the tensor written), got tocha.LongTensor",
      function() x:indexAdd(1, L({ 1 }), L(1, 3)) end)
    assert_error("result must be a tocha.FloatTensor, got tocha.DoubleTensor",
      function() tocha.DoubleTensor():index(x, 1, L({ 1 })) end)
    assert.are.same(before, x:totable())
  end)
end)

describe("gather and scatter", function()
  local x
  before_each(function()
    x = tocha.Tensor({ { 1, 2, 3, 4, 5 }, { 6, 7, 8, 9, 10 } })
  end)

  it("gather picks values along a dimension", function()
    -- result[i][j] = x[i][idx[i][j]]
    local y = x:gather(2, L({ { 5, 1 }, { 2, 2 } }))
    assert.are.same({ { 5, 1 }, { 7, 7 } }, y:totable())
    -- result[i][j] = x[idx[i][j]][j]
    assert.are.same({ { 6, 2, 8, 4, 10 } }, x:gather(1, L({ { 2, 1, 2, 1, 2 } })):totable())
    local res = tocha.Tensor()
    assert.are.equal(res, res:gather(x, 2, L({ { 3 }, { 4 } })))
    assert.are.same({ { 3 }, { 9 } }, res:totable())
    assert.are.same({ { 3 }, { 9 } }, tocha.gather(x, 2, L({ { 3 }, { 4 } })):totable())
  end)

  it("gather picks class scores as ClassNLLCriterion does", function()
    local scores = tocha.DoubleTensor({ { 0.1, 0.7, 0.2 }, { 0.5, 0.25, 0.25 } })
    local target = L({ 2, 1 })
    assert.are.same({ { 0.7 }, { 0.5 } }, scores:gather(2, target:view(2, 1)):totable())
  end)

  it("gather reads non-contiguous tensors and indices", function()
    local xt = x:t() -- 5x2
    local idx = L({ { 2, 1, 2, 1, 1 }, { 0, 0, 0, 0, 0 } }):t():narrow(2, 1, 1) -- 5x1, stride 5
    assert.are.same({ { 6 }, { 2 }, { 8 }, { 4 }, { 5 } }, xt:gather(2, idx):totable())
    local l = L({ { 1, 2 }, { 3, 4 } })
    assert.are.same({ { 2, 2 }, { 3, 4 } }, l:gather(2, L({ { 2, 2 }, { 1, 2 } })):totable())
  end)

  it("scatter writes a source or a value at the indexed places", function()
    -- Torch7's documented example, with known values
    local src = tocha.Tensor({ { 1, 2, 3, 4, 5 }, { 6, 7, 8, 9, 10 } })
    local y = tocha.zeros(3, 5)
    assert.are.equal(y, y:scatter(1, L({ { 1, 2, 3, 1, 1 }, { 3, 1, 1, 2, 3 } }), src))
    assert.are.same({ { 1, 7, 8, 4, 5 }, { 0, 2, 0, 9, 0 }, { 6, 0, 3, 0, 10 } }, y:totable())
    local z = tocha.zeros(2, 4):scatter(2, L({ { 3 }, { 4 } }), 1.25)
    assert.are.same({ { 0, 0, 1.25, 0 }, { 0, 0, 0, 1.25 } }, z:totable())
    z:scatterAdd(2, L({ { 3, 3 }, { 1, 4 } }), tocha.Tensor({ { 1, 2 }, { 3, 4 } }))
    assert.are.same({ { 0, 0, 4.25, 0 }, { 3, 0, 0, 5.25 } }, z:totable())
  end)

  it("scatter builds one-hot rows through a transposed view", function()
    local onehot = tocha.zeros(3, 2) -- filled as its 2x3 transpose
    onehot:t():scatter(1, L({ { 2, 1, 2 } }), 1)
    assert.are.same({ { 0, 1 }, { 1, 0 }, { 0, 1 } }, onehot:totable())
  end)

  it("rejects bad indices before writing anything", function()
    local before = x:totable()
    assert_error("index 6 out of range for dimension 2 of size 5 (at position (2, 1) of the index tensor)",
      function() return x:gather(2, L({ { 1 }, { 6 } })) end)
    assert_error("index 0 out of range for dimension 1 of size 2 (at position (1, 2) of the index tensor)",
      function() x:scatter(1, L({ { 1, 0, 1, 1, 1 } }), 0) end)
    assert_error("index 3 out of range for dimension 1 of size 2 (at position (1, 5) of the index tensor)",
      function() x:scatter(1, L({ { 1, 1, 1, 1, 3 } }), tocha.Tensor(1, 5)) end)
    assert.are.same(before, x:totable())
    assert_error("index has 1 dimensions, expected 2 (as the tensor)", function() return x:gather(1, L({ 1 })) end)
    assert_error("index size 1x1 does not match tensor size 2x5 in dimension 1 (only dimension 2 may differ)",
      function() return x:gather(2, L({ { 1 } })) end)
    assert_error("source size 1x2 does not match index size 2x1 (the source may only be longer in dimension 2)",
      function() x:scatter(2, L({ { 1 }, { 1 } }), tocha.Tensor(1, 2)) end)
    assert_error("tocha.FloatTensor expected (the type of the tensor written), got tocha.DoubleTensor",
      function() x:scatter(2, L({ { 1 }, { 1 } }), tocha.DoubleTensor(2, 1)) end)
    assert_error("tocha.LongTensor expected, got tocha.FloatTensor",
      function() return x:gather(2, tocha.Tensor({ { 1 }, { 1 } })) end)
    assert_error("tensor or number expected, got string", function() x:scatter(2, L({ { 1 }, { 1 } }), "a") end)
    assert.are.same(before, x:totable())
  end)
end)

describe("nonzero", function()
  it("returns the 1-based subscripts of non-zero elements", function()
    local x = tocha.Tensor({ { 2, 0, 2 }, { 0, 1, 0 } })
    local nz = x:nonzero()
    assert.are.equal("tocha.LongTensor", nz:type())
    assert.are.same({ { 1, 1 }, { 1, 3 }, { 2, 2 } }, nz:totable())
    assert.are.same({ { 1, 1 }, { 2, 2 }, { 3, 1 } }, tocha.nonzero(x:t()):totable())
    assert.are.same({ { 2 }, { 3 } }, B({ 0, 1, 1 }):nonzero():totable())
    local res = L()
    assert.are.equal(res, tocha.nonzero(res, x))
    assert.are.same({ { 1, 1 }, { 1, 3 }, { 2, 2 } }, res:totable())
    assert.are.equal(0, tocha.zeros(2, 2):nonzero():dim())
    local l = L({ 0, 5 })
    tocha.nonzero(l, l) -- result is the source
    assert.are.same({ { 2 } }, l:totable())
    assert_error("result must be a tocha.LongTensor, got tocha.FloatTensor", function() tocha.nonzero(x, x) end)
  end)
end)

describe("cat", function()
  local a, b
  before_each(function()
    a = tocha.Tensor({ { 1, 2 }, { 3, 4 } })
    b = tocha.Tensor({ { 5, 6 } })
  end)

  it("concatenates two tensors or a list, along the last dimension by default", function()
    assert.are.same({ 1, 2, 3, 4, 5 }, tocha.cat(tocha.Tensor({ 1, 2, 3 }), tocha.Tensor({ 4, 5 })):totable())
    assert.are.same({ { 1, 2, 5, 6 }, { 3, 4, 7, 8 } },
      tocha.cat(a, tocha.Tensor({ { 5, 6 }, { 7, 8 } })):totable())
    assert.are.same({ { 1, 2 }, { 3, 4 }, { 5, 6 } }, tocha.cat(a, b, 1):totable())
    assert.are.same({ { 1, 2 }, { 3, 4 }, { 5, 6 }, { 1, 2 }, { 3, 4 } }, tocha.cat({ a, b, a }, 1):totable())
    assert.are.same({ { 1, 2, 1 }, { 3, 4, 3 } }, tocha.cat({ a, a:narrow(2, 1, 1) }, -1):totable())
    assert.are.same({ { 1, 2 }, { 3, 4 }, { 5, 6 } }, a:cat(b, 1):totable())
    assert.are.same({ { 1, 2 }, { 3, 4 } }, a:totable())
  end)

  it("skips empty tensors", function()
    assert.are.same({ { 5, 6 } }, tocha.cat({ tocha.Tensor(), b }, 1):totable())
    assert.are.equal(0, tocha.cat(tocha.Tensor(), tocha.Tensor()):dim())
  end)

  it("reads non-contiguous inputs and writes into a given result", function()
    local res = tocha.Tensor()
    assert.are.equal(res, tocha.cat(res, a:t(), b, 1))
    assert.are.same({ { 1, 3 }, { 2, 4 }, { 5, 6 } }, res:totable())
    res:cat({ b, b }, 1)
    assert.are.same({ { 5, 6 }, { 5, 6 } }, res:totable())
    a:cat(a, a:t(), 2) -- the result is also an input
    assert.are.same({ { 1, 2, 1, 3 }, { 3, 4, 2, 4 } }, a:totable())
    local l = tocha.cat(L({ 1 }), L({ 2 }))
    assert.are.equal("tocha.LongTensor", l:type())
    assert.are.same({ 1, 2 }, l:totable())
  end)

  it("rejects mismatched inputs", function()
    assert_error(
      "bad argument #2 to 'cat' (tensor 2 has size 1x2, tensor 1 has size 2x2 (only dimension 2 may differ))",
      function() return tocha.cat(a, b, 2) end)
    assert_error("bad argument #1 to 'cat' (tensor 2 has size 2, tensor 1 has size 2x2 (only dimension 1 may differ))",
      function() return tocha.cat({ a, tocha.Tensor(2) }, 1) end)
    assert_error("bad argument #2 to 'cat' (tensor 2 is a DoubleTensor, tensor 1 is a FloatTensor)",
      function() return tocha.cat(a, tocha.DoubleTensor(2, 2)) end)
    assert_error("bad argument #1 to 'cat' (tensor 2 is a LongTensor, tensor 1 is a FloatTensor)",
      function() return tocha.cat({ a, L(2, 2) }) end)
    assert_error("entry 2 of the list must be a tensor, got number", function() return tocha.cat({ a, 3 }) end)
    assert_error("dimension 3 out of range for a 2D tensor", function() return tocha.cat(a, a, 3) end)
    assert_error("expected a non-empty list of tensors", function() return tocha.cat({}) end)
    assert_error("result must be a tocha.FloatTensor, got tocha.DoubleTensor",
      function() return tocha.cat(tocha.DoubleTensor(), a, a) end)
  end)
end)
