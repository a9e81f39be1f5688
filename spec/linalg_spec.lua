-- Linear algebra on BLAS: dot, mv, mm, ger, bmm, the add* forms and BLAS threads.
local tocha = require "tocha"

local function assert_error(text, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error containing: " .. text)
  assert.is_truthy(tostring(err):find(text, 1, true), "error was: " .. tostring(err))
end

-- Compares a tensor with a nested table of expected numbers.
local function assert_near(expected, t, tol)
  tol = tol or 0
  local got = t:totable()
  local function walk(e, g, where)
    if type(e) == "table" then
      assert.are.equal(#e, #g, "length at " .. where)
      for i = 1, #e do walk(e[i], g[i], where .. "[" .. i .. "]") end
    else
      assert.is_true(math.abs(e - g) <= tol * (1 + math.abs(e)),
        string.format("at %s: expected %.17g, got %.17g", where, e, g))
    end
  end
  walk(expected, got, "")
end

local A_tbl = { { 1, 2, 3 }, { 4, 5, 6 } }
local B_tbl = { { 7, 8 }, { 9, 10 }, { 11, 12 } }
local AB = { { 58, 64 }, { 139, 154 } } -- A * B by hand

-- Views with the given values but unusual strides.
local function transposed_copy(src) return src:t():clone():t() end -- strides (1, rows)
local function no_unit_stride(src)                                 -- strides (2 * cols, 2)
  local z = tocha[src:type():match("tocha%.(.*)")](src:size(1), src:size(2), 2):zero()
  z:select(3, 1):copy(src)
  return z:select(3, 1)
end
local function narrowed(src) -- strides (cols + 3, 1)
  local big = tocha[src:type():match("tocha%.(.*)")](src:size(1) + 2, src:size(2) + 3):fill(99)
  local v = big:narrow(1, 2, src:size(1)):narrow(2, 3, src:size(2))
  v:copy(src)
  return v
end

describe("dot", function()
  it("sums the products, as method and function", function()
    local x = tocha.Tensor({ 1, 2, 3 })
    local y = tocha.Tensor({ 4, -5, 6 })
    assert.are.equal(12, x:dot(y))
    assert.are.equal(12, tocha.dot(x, y))
    assert.are.equal(91, tocha.DoubleTensor(A_tbl):dot(tocha.DoubleTensor(A_tbl)))
  end)

  it("reads non-contiguous and expanded operands", function()
    local a = tocha.Tensor(A_tbl)
    assert.are.equal(1 * 1 + 4 * 4, a:select(2, 1):dot(a:select(2, 1)))  -- stride 3
    assert.are.equal(91, a:t():dot(a:t()))
    assert.are.equal(1 + 4 + 2 * 2 + 5 * 2 + 3 * 3 + 6 * 3,
      a:dot(tocha.Tensor({ { 1, 2, 3 } }):expand(2, 3)))
  end)

  it("accumulates float tensors in double", function()
    local x = tocha.FloatTensor({ 16777216, 1, 1, 1, 1 }) -- 2^24 + 1 rounds to 2^24 in float
    assert.are.equal(16777220, x:dot(tocha.FloatTensor(5):fill(1)))
  end)

  it("gives 0 for empty tensors", function()
    assert.are.equal(0, tocha.dot(tocha.DoubleTensor(), tocha.DoubleTensor()))
    assert.are.equal(0, tocha.dot(tocha.DoubleTensor(0), tocha.DoubleTensor(0)))
  end)

  it("rejects bad operands", function()
    assert_error("sizes 2x2 and 5 do not match", tocha.dot, tocha.Tensor(2, 2), tocha.Tensor(5))
    assert_error("mixed tensor types: tensor1 is a FloatTensor but tensor2 is a DoubleTensor",
      tocha.dot, tocha.FloatTensor(3), tocha.DoubleTensor(3))
    assert_error("must be a FloatTensor or a DoubleTensor, got a LongTensor",
      tocha.dot, tocha.LongTensor(3), tocha.LongTensor(3))
    assert_error("bad argument #2", tocha.dot, tocha.Tensor(3), 7)
  end)
end)

describe("mv", function()
  local A = tocha.Tensor(A_tbl)

  it("multiplies a matrix and a vector, in every result form", function()
    local v = tocha.Tensor({ 1, 0, -1 })
    assert_near({ -2, -2 }, tocha.mv(A, v))
    assert_near({ -2, -2 }, A:mv(v)) -- a new tensor
    local r = tocha.Tensor(5):fill(7)
    assert.are.equal(r, tocha.mv(r, A, v))
    assert_near({ -2, -2 }, r)
    local r2 = tocha.Tensor()
    assert.are.equal(r2, r2:mv(A, v))
    assert_near({ -2, -2 }, r2)
  end)

  it("reads transposed matrices and strided vectors", function()
    assert_near({ 5, 7, 9 }, tocha.mv(A:t(), tocha.Tensor({ 1, 1 })))
    local v = tocha.Tensor({ { 1, 9 }, { 0, 9 }, { -1, 9 } }):select(2, 1) -- stride 2
    assert_near({ -2, -2 }, tocha.mv(A, v))
    assert_near({ -2, -2 }, tocha.mv(no_unit_stride(A), v))
    assert_near({ -6, -15 }, tocha.mv(A, tocha.Tensor({ -1 }):expand(3)))
  end)

  it("writes into its own vector operand", function()
    local M = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })
    local v = tocha.DoubleTensor({ 1, -1 })
    v:mv(M, v)
    assert_near({ -1, -1 }, v)
  end)

  it("rejects bad operands", function()
    assert_error("size mismatch: 2x3 and 4 cannot be multiplied (mat has 3 columns, vec has 4 elements)",
      tocha.mv, A, tocha.Tensor(4))
    assert_error("mat must be a matrix (2D tensor), got a 1D tensor of size 3", tocha.mv, tocha.Tensor(3),
      tocha.Tensor(3))
    assert_error("mat is a FloatTensor but vec is a DoubleTensor", tocha.mv, A, tocha.DoubleTensor(3))
  end)
end)

describe("mm", function()
  local A, B = tocha.Tensor(A_tbl), tocha.Tensor(B_tbl)

  it("multiplies matrices, in every result form", function()
    assert_near(AB, tocha.mm(A, B))
    assert_near(AB, A:mm(B)) -- a new tensor
    assert_near(A_tbl, A)
    local r = tocha.Tensor(7)
    assert.are.equal(r, tocha.mm(r, A, B))
    assert_near(AB, r)
    local r2 = tocha.Tensor(2, 2):fill(5)
    assert.are.equal(r2, r2:mm(A, B))
    assert_near(AB, r2)
  end)

  it("uses transposed operands as they are", function()
    assert_near({ { 17, 22, 27 }, { 22, 29, 36 }, { 27, 36, 45 } }, tocha.mm(A:t(), A))
    assert_near({ { 14, 32 }, { 32, 77 } }, tocha.mm(A, A:t()))
    assert_near({ { 58, 139 }, { 64, 154 } }, tocha.mm(B:t(), A:t()))
    assert_near(AB, tocha.mm(transposed_copy(A), transposed_copy(B)))
  end)

  it("reads narrowed, strided and expanded operands", function()
    assert_near(AB, tocha.mm(narrowed(A), narrowed(B)))
    assert_near(AB, tocha.mm(no_unit_stride(A), no_unit_stride(B)))
    local T = tocha.range(1, 12):view(2, 3, 2)
    assert_near({ { 89, 98 }, { 251, 278 } }, tocha.mm(T:select(3, 1), B)) -- strides (6, 2)
    assert_near({ { 58, 64 }, { 58, 64 } }, tocha.mm(tocha.Tensor({ { 1, 2, 3 } }):expand(2, 3), B))
  end)

  it("writes through a result view that already has the shape", function()
    local store = tocha.Tensor(2, 2):zero()
    tocha.mm(store:t(), A, B)
    assert_near({ { 58, 139 }, { 64, 154 } }, store)
    local big = tocha.Tensor(3, 4):zero()
    tocha.mm(big:narrow(2, 2, 2):narrow(1, 2, 2), A, B)
    assert_near({ { 0, 0, 0, 0 }, { 0, 58, 64, 0 }, { 0, 139, 154, 0 } }, big)
    local z = tocha.Tensor(2, 2, 2):zero() -- neither stride is 1: goes through a temporary
    tocha.mm(z:select(3, 2), A, B)
    assert_near({ { { 0, 58 }, { 0, 64 } }, { { 0, 139 }, { 0, 154 } } }, z)
  end)

  it("lets the result be an operand", function()
    local S = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })
    S:mm(S, S)
    assert_near({ { 7, 10 }, { 15, 22 } }, S)
    local P = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })
    local Q = tocha.DoubleTensor({ { 0, 1 }, { 1, 0 } })
    tocha.mm(Q, P, Q)
    assert_near({ { 2, 1 }, { 4, 3 } }, Q)
    local R = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })
    tocha.mm(R:t(), R, tocha.DoubleTensor({ { 1, 0 }, { 0, 1 } })) -- R = R^T, in place
    assert_near({ { 1, 3 }, { 2, 4 } }, R)
    local W = tocha.Tensor(A_tbl) -- 2x3 becomes the 2x2 product, reusing its own storage
    W:mm(W, B)
    assert_near(AB, W)
  end)

  it("handles zero-size dimensions", function()
    local r = tocha.mm(tocha.DoubleTensor(2, 0), tocha.DoubleTensor(0, 3))
    assert_near({ { 0, 0, 0 }, { 0, 0, 0 } }, r)
    local e = tocha.mm(tocha.DoubleTensor(0, 4), tocha.DoubleTensor(4, 3))
    assert.are.same({ 0, 3 }, e:size():totable())
  end)

  it("rejects bad operands with clear messages", function()
    assert_error("bad argument #2", tocha.mm, A, tocha.Tensor(4, 5))
    assert_error("size mismatch: 2x3 and 4x5 cannot be multiplied (mat1 has 3 columns, mat2 has 4 rows)",
      tocha.mm, A, tocha.Tensor(4, 5))
    assert_error("bad argument #3", tocha.mm, tocha.Tensor(), A, A)
    assert_error("mat1 is a FloatTensor but mat2 is a DoubleTensor", tocha.mm, A, tocha.DoubleTensor(B_tbl))
    assert_error("mat1 must be a FloatTensor or a DoubleTensor, got a LongTensor", tocha.mm,
      tocha.LongTensor(2, 3), tocha.LongTensor(3, 2))
    assert_error("mat2 must be a matrix (2D tensor), got a 1D tensor of size 3", tocha.mm, A, tocha.Tensor(3))
    assert_error("mat1 must be a matrix (2D tensor), got an empty tensor", tocha.mm, tocha.Tensor(), A)
    assert_error("bad argument #1", tocha.mm, tocha.DoubleTensor(), A, B)
    assert_error("the result is a DoubleTensor but the operands are FloatTensors", tocha.mm,
      tocha.DoubleTensor(), A, B)
    assert_error("tensor expected, got number", tocha.mm, 1, 2)
    assert_error("no further arguments expected", tocha.mm, A, B, 3)
  end)

  it("rejects dimensions beyond BLAS's int", function()
    local wide = tocha.Tensor(1, 1):expand(1, 3000000000) -- no memory behind it
    local tall = tocha.Tensor(1, 1):expand(3000000000, 1)
    assert_error("the number of columns of mat1 is 3000000000, more than BLAS can take (at most 2147483647)",
      tocha.mm, wide, tall)
  end)
end)

describe("addmm", function()
  local A, B = tocha.Tensor(A_tbl), tocha.Tensor(B_tbl)
  local ones = function() return tocha.Tensor(2, 2):fill(1) end

  it("has Torch7's function forms", function()
    local M = ones()
    assert_near({ { 59, 65 }, { 140, 155 } }, tocha.addmm(M, A, B))
    assert_near({ { 1, 1 }, { 1, 1 } }, M) -- untouched
    assert_near({ { 175, 193 }, { 418, 463 } }, tocha.addmm(M, 3, A, B))          -- M + 3AB
    assert_near({ { 176, 194 }, { 419, 464 } }, tocha.addmm(2, M, 3, A, B))       -- 2M + 3AB
    assert_near({ { 60, 66 }, { 141, 156 } }, tocha.addmm(2, M, A, B))            -- 2M + AB
    local r = tocha.Tensor()
    assert.are.equal(r, tocha.addmm(r, M, A, B))
    assert_near({ { 59, 65 }, { 140, 155 } }, r)
    assert.are.equal(r, tocha.addmm(r, 2, M, 3, A, B))
    assert_near({ { 176, 194 }, { 419, 464 } }, r)
  end)

  it("has Torch7's method forms", function()
    local M = ones()
    assert.are.equal(M, M:addmm(A, B)) -- M = M + AB
    assert_near({ { 59, 65 }, { 140, 155 } }, M)
    M = ones()
    M:addmm(3, A, B) -- one number with M omitted is alpha
    assert_near({ { 175, 193 }, { 418, 463 } }, M)
    M = ones()
    M:addmm(2, 3, A, B) -- beta, alpha
    assert_near({ { 176, 194 }, { 419, 464 } }, M)
    local r, M2 = tocha.Tensor(9):fill(4), ones()
    assert.are.equal(r, r:addmm(M2, A, B))
    assert_near({ { 59, 65 }, { 140, 155 } }, r)
    r:addmm(2, M2, 3, A, B)
    assert_near({ { 176, 194 }, { 419, 464 } }, r)
    r:addmm(M2, 3, A, B)
    assert_near({ { 175, 193 }, { 418, 463 } }, r)
    assert_near({ { 1, 1 }, { 1, 1 } }, M2)
  end)

  it("works in place on transposed and narrowed results", function()
    local store = tocha.Tensor(2, 2):fill(1)
    store:t():addmm(A, B) -- store^T += AB
    assert_near({ { 59, 140 }, { 65, 155 } }, store)
    local n = narrowed(ones())
    n:addmm(-1, A, B)
    assert_near({ { -57, -63 }, { -138, -153 } }, n)
  end)

  it("lets the result be M and an operand at once", function()
    local S = tocha.DoubleTensor({ { 1, 2 }, { 3, 4 } })
    S:addmm(2, 1, S, S) -- S = 2S + S*S
    assert_near({ { 9, 14 }, { 21, 30 } }, S)
  end)

  it("gives beta * M when the inner dimension is 0", function()
    local M = tocha.DoubleTensor(2, 3):fill(4)
    assert_near({ { 2, 2, 2 }, { 2, 2, 2 } }, tocha.addmm(0.5, M, tocha.DoubleTensor(2, 0), tocha.DoubleTensor(0, 3)))
  end)

  it("ignores M's values when beta is 0", function()
    local M = tocha.Tensor(2, 2):fill(0 / 0)
    M:addmm(0, 1, A, B)
    assert_near(AB, M)
  end)

  it("rejects bad operands naming the argument", function()
    assert_error("bad argument #1", tocha.addmm, tocha.Tensor(3, 3), A, B)
    assert_error("size mismatch: M is 3x3 but mat1*mat2 (2x3 and 3x2) is 2x2", tocha.addmm, tocha.Tensor(3, 3), A, B)
    assert_error("bad argument #2", tocha.addmm, 2, tocha.Tensor(3, 3), A, B)
    assert_error("bad argument #3", tocha.addmm, tocha.Tensor(), 2, tocha.Tensor(3, 3), A, B)
    assert_error("size mismatch: 2x3 and 2x3 cannot be multiplied", tocha.addmm, ones(), A, A)
    assert_error("M is a DoubleTensor but mat1 is a FloatTensor", tocha.addmm, tocha.DoubleTensor(2, 2), A, B)
    assert_error("calling 'addmm' on bad self", function() return tocha.Tensor(3):addmm(A, B) end)
    assert_error("M must be a matrix (2D tensor), got a 1D tensor of size 3",
      function() return tocha.Tensor(3):addmm(A, B) end)
    assert_error("tensor expected, got string", tocha.addmm, ones(), "2", A, B)
    assert_error("calling 'addmm' on bad self (the result is a LongTensor but the operands are FloatTensors)",
      function() return tocha.LongTensor():addmm(ones(), A, B) end)
    assert_error("bad argument #1", tocha.addmm, tocha.DoubleTensor(), 2, ones(), 3, A, B)
  end)
end)

describe("addmv", function()
  local A = tocha.Tensor(A_tbl)
  local v = tocha.Tensor({ 1, 0, -1 })

  it("has Torch7's forms", function()
    local y = tocha.Tensor({ 1, 1 })
    assert_near({ -1, -1 }, tocha.addmv(y, A, v))
    assert_near({ -4, -4 }, tocha.addmv(2, y, 3, A, v))
    assert_near({ 1, 1 }, y)
    local r = tocha.Tensor()
    tocha.addmv(r, y, 2, A, v)
    assert_near({ -3, -3 }, r)
    y:addmv(A, v)
    assert_near({ -1, -1 }, y)
    y:addmv(2, 3, A, v) -- 2y + 3Av
    assert_near({ -8, -8 }, y)
    r:addmv(tocha.Tensor({ 10, 20 }), A:t():t(), v)
    assert_near({ 8, 18 }, r)
  end)

  it("reads a transposed matrix and gives beta * vec1 for 0 columns", function()
    assert_near({ 6, 8, 10 }, tocha.addmv(tocha.Tensor(3):fill(1), A:t(), tocha.Tensor({ 1, 1 })))
    assert_near({ 3, 3 }, tocha.addmv(3, tocha.Tensor(2):fill(1), tocha.Tensor(2, 0), tocha.Tensor(0)))
  end)

  it("rejects bad operands", function()
    assert_error("size mismatch: vec1 has 3 elements but mat*vec2 (2x3 and 3) has 2", tocha.addmv,
      tocha.Tensor(3), A, v)
    assert_error("bad argument #1", tocha.addmv, tocha.Tensor(3), A, v)
  end)
end)

describe("ger and addr", function()
  local x, y = tocha.range(1, 3), tocha.range(1, 2)

  it("computes the outer product", function()
    assert_near({ { 1, 2 }, { 2, 4 }, { 3, 6 } }, tocha.ger(x, y))
    assert_near({ { 1, 2 }, { 2, 4 }, { 3, 6 } }, x:ger(y))
    local r = tocha.Tensor(3, 2):fill(0 / 0)
    r:ger(x, y)
    assert_near({ { 1, 2 }, { 2, 4 }, { 3, 6 } }, r)
    local strided = tocha.Tensor({ { 1, 0 }, { 2, 0 }, { 3, 0 } }):select(2, 1)
    assert_near({ { 1, 2 }, { 2, 4 }, { 3, 6 } }, tocha.ger(strided, y))
    assert_near({ { 5, 5 }, { 10, 10 }, { 15, 15 } }, tocha.ger(x, tocha.Tensor({ 5 }):expand(2)))
  end)

  it("follows Torch7's addr examples", function()
    local M = tocha.Tensor(3, 2):zero()
    M:addr(x, y)
    assert_near({ { 1, 2 }, { 2, 4 }, { 3, 6 } }, M)
    M:addr(2, 1, x, y)
    assert_near({ { 3, 6 }, { 6, 12 }, { 9, 18 } }, M)
    local A = tocha.range(1, 6):resize(3, 2)
    M:addr(2, A, 1, x, y)
    assert_near({ { 3, 6 }, { 8, 12 }, { 13, 18 } }, M)
    assert_near({ { 2, 4 }, { 5, 8 }, { 8, 12 } }, tocha.addr(A, x, y))
    assert_near({ { 0, 0 }, { 1, 0 }, { 2, 0 } }, tocha.addr(A, -1, x, y))
  end)

  it("works in place on a transposed M", function()
    local store = tocha.Tensor(2, 3):fill(1)
    store:t():addr(x, y)
    assert_near({ { 2, 3, 4 }, { 3, 5, 7 } }, store)
  end)

  it("rejects bad operands", function()
    assert_error("size mismatch: M is 2x2 but the outer product of vec1 (3 elements) and vec2 (2) is 3x2",
      tocha.addr, tocha.Tensor(2, 2), x, y)
    assert_error("vec1 must be a vector (1D tensor), got a 2D tensor of size 2x2", tocha.ger, tocha.Tensor(2, 2), y)
  end)
end)

describe("bmm, baddbmm and addbmm", function()
  local b1 = tocha.Tensor({ A_tbl, { { 1, 0, 0 }, { 0, 1, 0 } } })
  local b2 = tocha.Tensor({ B_tbl, B_tbl })
  local prods = { AB, { { 7, 8 }, { 9, 10 } } }

  it("multiplies batches of matrices", function()
    assert_near(prods, tocha.bmm(b1, b2))
    local r = tocha.Tensor()
    assert.are.equal(r, r:bmm(b1, b2))
    assert_near(prods, r)
    -- transposed matrices inside the batch
    local b1t = b1:transpose(2, 3):clone():transpose(2, 3)
    assert_near(prods, tocha.bmm(b1t, b2))
    assert_near(prods, tocha.bmm(b1, b2:transpose(2, 3):clone():transpose(2, 3)))
    -- a permuted batch dimension
    local perm = tocha.Tensor(2, 2, 3)
    perm:select(1, 1):copy(b1:select(1, 1))
    perm:select(1, 2):copy(b1:select(1, 2))
    assert_near(prods, tocha.bmm(perm:transpose(1, 2):clone():transpose(1, 2), b2))
  end)

  it("adds with baddbmm", function()
    local M = tocha.Tensor(2, 2, 2):fill(1)
    assert_near({ { { 59, 65 }, { 140, 155 } }, { { 8, 9 }, { 10, 11 } } }, tocha.baddbmm(M, b1, b2))
    M:baddbmm(2, -1, b1, b2)
    assert_near({ { { -56, -62 }, { -137, -152 } }, { { -5, -6 }, { -7, -8 } } }, M)
  end)

  it("sums the products with addbmm", function()
    local M = tocha.Tensor(2, 2):fill(1)
    assert_near({ { 66, 73 }, { 149, 165 } }, tocha.addbmm(M, b1, b2))
    M:addbmm(0.5, 2, b1, b2)
    assert_near({ { 130.5, 144.5 }, { 296.5, 328.5 } }, M)
    assert_near({ { 3, 3 }, { 3, 3 } }, tocha.addbmm(3, tocha.Tensor(2, 2):fill(1), tocha.Tensor(0, 2, 4),
      tocha.Tensor(0, 4, 2)))
  end)

  it("rejects bad operands", function()
    assert_error("size mismatch: batch1 has 2 matrices but batch2 has 3", tocha.bmm, b1, tocha.Tensor(3, 3, 2))
    assert_error("size mismatch: 2x2x3 and 2x2x2 cannot be multiplied", tocha.bmm, b1, tocha.Tensor(2, 2, 2))
    assert_error("batch2 must be a batch of matrices (3D tensor), got a 2D tensor", tocha.bmm, b1, tocha.Tensor(3, 2))
    assert_error("M must be a batch of matrices (3D tensor), got a 2D tensor of size 2x2", tocha.baddbmm,
      tocha.Tensor(2, 2), b1, b2)
    assert_error("size mismatch: M is 2x3x2 but batch1*batch2 (2x2x3 and 2x3x2) is 2x2x2", tocha.baddbmm,
      tocha.Tensor(2, 3, 2), b1, b2)
    assert_error("M must be a matrix (2D tensor), got a 3D tensor of size 2x2x2", tocha.addbmm,
      tocha.Tensor(2, 2, 2), b1, b2)
    assert_error("size mismatch: M is 3x3 but the sum of batch1*batch2 (2x2x3 and 2x3x2) is 2x2", tocha.addbmm,
      tocha.Tensor(3, 3), b1, b2)
  end)
end)

describe("float and double agree with a naive triple loop", function()
  -- deterministic values k/32 in [-2, 2] (exact in float, and so are the sums here)
  local state = 12345
  local function nextvalue()
    state = (state * 1103515245 + 12345) % 2147483648
    return (state % 129 - 64) / 32
  end
  local function random_table(rows, cols)
    local t = {}
    for i = 1, rows do
      t[i] = {}
      for j = 1, cols do t[i][j] = nextvalue() end
    end
    return t
  end
  local function naive(a, b, rows, inner, cols)
    local r = {}
    for i = 1, rows do
      r[i] = {}
      for j = 1, cols do
        local s = 0
        for p = 1, inner do s = s + a[i][p] * b[p][j] end
        r[i][j] = s
      end
    end
    return r
  end
  local layouts = {
    contiguous = function(x) return x end,
    transposed = transposed_copy,
    narrowed = narrowed,
    ["no unit stride"] = no_unit_stride,
  }

  for _, dims in ipairs({ { 7, 5, 6 }, { 1, 9, 4 }, { 13, 1, 3 }, { 33, 17, 20 } }) do
    local m, k, n = dims[1], dims[2], dims[3]
    it(string.format("for %dx%d * %dx%d in every layout", m, k, k, n), function()
      local a, b = random_table(m, k), random_table(k, n)
      local want = naive(a, b, m, k, n)
      for _, T in ipairs({ tocha.FloatTensor, tocha.DoubleTensor }) do
        for _, la in pairs(layouts) do
          for _, lb in pairs(layouts) do
            local ta, tb = la(T(a)), lb(T(b))
            assert_near(want, tocha.mm(ta, tb), 1e-6)
            assert_near(want, tocha.mm(tb:t(), ta:t()):t(), 1e-6)
          end
        end
        -- mv against the first column of b
        local col = {}
        for i = 1, m do col[i] = want[i][1] end
        assert_near(col, tocha.mv(T(a), T(b):select(2, 1)), 1e-6)
      end
      local f = tocha.mm(tocha.FloatTensor(a), tocha.FloatTensor(b))
      local d = tocha.mm(tocha.DoubleTensor(a), tocha.DoubleTensor(b))
      assert_near(d:totable(), f, 1e-6)
    end)
  end
end)

describe("BLAS threads", function()
  it("can be read and set", function()
    local n = tocha.getnumthreads()
    assert.is_true(math.type(n) == "integer" and n >= 1)
    tocha.setnumthreads(1)
    assert.are.equal(1, tocha.getnumthreads())
    assert_near(AB, tocha.mm(tocha.Tensor(A_tbl), tocha.Tensor(B_tbl)))
    tocha.setnumthreads(n)
    assert.are.equal(n, tocha.getnumthreads())
  end)

  -- Products this large are split over tocha's threads (one block of rows
  -- or columns of the result each): every layout must give the product of
  -- one thread.
  it("gives the same products on 1, 2 and 3 threads, whatever the layouts", function()
    local saved = tocha.getnumthreads()
    tocha.manualSeed(7)
    local function cases(T)
      local a, b = T(200, 150):uniform(-1, 1), T(150, 300):uniform(-1, 1)
      local wide = T(150, 320):uniform(-1, 1) -- b with a leading dimension of 320
      local M = T(200, 300):uniform(-1, 1)
      return {
        { "a * b", function() return tocha.mm(a, b) end },
        { "a^T view * b", function() return tocha.mm(a:t():contiguous():t(), b) end },
        { "a * b^T view", function() return tocha.mm(a, b:t():contiguous():t()) end },
        { "narrowed b", function() return tocha.mm(a, wide:narrow(2, 11, 300)) end },
        { "tall result (rows split)", function() return tocha.mm(b:t(), a:t()) end },
        { "addmm into a transposed result", function()
          local res = T(300, 200):zero():t()
          tocha.addmm(res, 0.5, M, 2, a, b)
          return res:clone()
        end },
        { "bmm", function()
          local ba = a:view(1, 200, 150):expand(2, 200, 150):contiguous()
          local bb = b:view(1, 150, 300):expand(2, 150, 300):contiguous()
          return tocha.bmm(ba, bb)
        end },
      }
    end
    for _, T in ipairs({ tocha.DoubleTensor, tocha.FloatTensor }) do
      local tol = T == tocha.DoubleTensor and 1e-12 or 1e-4
      local list = cases(T)
      tocha.setnumthreads(1)
      local one = {}
      for i, c in ipairs(list) do one[i] = c[2]() end
      for _, n in ipairs({ 2, 3 }) do
        tocha.setnumthreads(n)
        for i, c in ipairs(list) do
          local got = c[2]()
          local diff = (got - one[i]):abs():max()
          assert(diff <= tol, string.format("%s, %s on %d threads: off by %g", tocha.type(got), c[1], n, diff))
        end
      end
    end
    tocha.setnumthreads(saved)
  end)

  it("rejects a bad count", function()
    assert_error("number of threads must be 1..65536, got 0", tocha.setnumthreads, 0)
    assert_error("number expected", tocha.setnumthreads, "many")
  end)
end)
