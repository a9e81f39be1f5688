-- Linear algebra on LAPACK: gesv, trtrs, gels, inverse, potrf/potrs/potri, pstrf,
-- qr/geqrf/orgqr/ormqr, svd, eig, symeig.  Results are checked by reconstruction
-- (A x = b, Q R = A, U S V^T = A, A v = lambda v, L L^T = A) with plain Lua
-- matrix arithmetic on tables.
local tocha = require "tocha"

local function assert_error(text, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error containing: " .. text)
  assert.is_truthy(tostring(err):find(text, 1, true), "error was: " .. tostring(err))
end

-- ---- plain Lua matrices (tables of rows) ------------------------------------------

local function tbl(t) return t:totable() end

local function matmul(a, b)
  local n, k, m = #a, #b, #b[1]
  local c = {}
  for i = 1, n do
    c[i] = {}
    for j = 1, m do
      local s = 0
      for l = 1, k do s = s + a[i][l] * b[l][j] end
      c[i][j] = s
    end
  end
  return c
end

local function transpose(a)
  local t = {}
  for j = 1, #a[1] do
    t[j] = {}
    for i = 1, #a do t[j][i] = a[i][j] end
  end
  return t
end

local function eye(n)
  local e = {}
  for i = 1, n do
    e[i] = {}
    for j = 1, n do e[i][j] = i == j and 1 or 0 end
  end
  return e
end

local function maxdiff(a, b)
  assert.are.equal(#a, #b, "row counts")
  local d = 0
  for i = 1, #a do
    assert.are.equal(#a[i], #b[i], "column counts")
    for j = 1, #a[i] do d = math.max(d, math.abs(a[i][j] - b[i][j])) end
  end
  return d
end

local function assert_close(a, b, tol, what)
  local d = maxdiff(a, b)
  assert.is_true(d <= tol, string.format("%s: max difference %.3g > %.3g", what or "", d, tol))
end

-- A deterministic matrix with entries in [-1, 1] (a plain congruential sequence).
local function pseudo(rows, cols, seed)
  local x, t = seed or 1, {}
  for i = 1, rows do
    t[i] = {}
    for j = 1, cols do
      x = (x * 1103515245 + 12345) % 2147483648
      t[i][j] = x / 1073741824 - 1
    end
  end
  return t
end

-- Well-conditioned square matrix: pseudo + n * I.
local function wellcond(n, seed)
  local t = pseudo(n, n, seed)
  for i = 1, n do t[i][i] = t[i][i] + n end
  return t
end

-- Symmetric positive definite: M M^T + n I.
local function spd(n, seed)
  local m = pseudo(n, n, seed)
  local a = matmul(m, transpose(m))
  for i = 1, n do a[i][i] = a[i][i] + n end
  return a
end

-- The values of t in a non-contiguous layout (a transposed copy).
local function transposed_layout(t) return t:t():clone():t() end
-- ... in a narrowed view of a larger tensor (row stride > columns).
local function narrowed_layout(t)
  local big = t.new(t:size(1) + 2, t:size(2) + 3):fill(99)
  local v = big:narrow(1, 2, t:size(1)):narrow(2, 3, t:size(2))
  v:copy(t)
  return v
end

local D = tocha.DoubleTensor
local F = tocha.FloatTensor

describe("gesv", function()
  local A, B = wellcond(5, 3), pseudo(5, 3, 7)

  it("solves A X = B (float64), leaving the inputs alone", function()
    local a, b = D(A), D(B)
    local x, lu = tocha.gesv(b, a)
    assert_close(matmul(A, tbl(x)), B, 1e-12, "A X")
    assert_close(tbl(a), A, 0, "A unchanged")
    assert_close(tbl(b), B, 0, "B unchanged")
    assert.are.same({ 5, 5 }, { lu:size(1), lu:size(2) })
    -- Torch7's layout: results are column-major
    assert.is_false(x:isContiguous())
    assert.are.same({ 1, 5 }, { x:stride(1), x:stride(2) })
  end)

  it("takes non-contiguous inputs", function()
    for _, layout in ipairs({ transposed_layout, narrowed_layout }) do
      local x = tocha.gesv(layout(D(B)), layout(D(A)))
      assert_close(matmul(A, tbl(x)), B, 1e-12, "A X")
    end
  end)

  it("writes into given results, also into the inputs themselves", function()
    local a, b = D(A), D(B)
    local rb, ra = D(), D()
    local x1, lu1 = tocha.gesv(rb, ra, b, a)
    assert.are.equal(rb, x1)
    assert.are.equal(ra, lu1)
    local x2 = tocha.gesv(b, a, b, a)
    assert.are.equal(b, x2)
    assert_close(tbl(b), tbl(rb), 0, "in place equals out of place")
    -- method form
    local x3 = D(B):gesv(D(A))
    assert_close(tbl(x3), tbl(rb), 0, "method form")
  end)

  it("keeps the geometry of a right-sized non-contiguous result", function()
    local big = D(5, 2, 3):fill(7)
    local view = big:select(2, 1)
    local rb = tocha.gesv(view, D(), D(B), D(A))
    assert.are.equal(view, rb)
    assert_close(matmul(A, tbl(big:select(2, 1))), B, 1e-12, "through the view")
    assert.are.equal(7, big[1][2][1], "other elements untouched")
  end)

  it("takes a vector B (result n x 1)", function()
    local bvec = { 1, 2, 3, 4, 5 }
    local x = tocha.gesv(D(bvec), D(A))
    assert.are.same({ 5, 1 }, { x:size(1), x:size(2) })
    local ax = matmul(A, tbl(x))
    for i = 1, 5 do assert.is_true(math.abs(ax[i][1] - bvec[i]) < 1e-12) end
  end)

  it("works in float32", function()
    local x = tocha.gesv(F(B), F(A))
    assert.are.equal("Float", x:type():match("(%a+)Tensor$"))
    assert_close(matmul(A, tbl(x)), B, 1e-4, "A X")
  end)

  it("handles 1x1 and 0x0", function()
    local x = tocha.gesv(D({ { 6 } }), D({ { 3 } }))
    assert.are.equal(2, x[1][1])
    local e = tocha.gesv(D(0, 2), D(0, 0))
    assert.are.equal(0, e:nElement())
  end)

  it("names the problem", function()
    assert_error("gesv: A is singular", tocha.gesv, D(B), D({ { 1, 2, 0, 0, 0 }, { 2, 4, 0, 0, 0 }, { 0, 0, 1, 0, 0 },
      { 0, 0, 0, 1, 0 }, { 0, 0, 0, 0, 1 } }))
    assert_error("A must be square, got 5x3", tocha.gesv, D(B), D(B))
    assert_error("B has 3 rows but A has 5", tocha.gesv, D(3, 2), D(A))
    assert_error("A must be a matrix", tocha.gesv, D(5, 1), D(5, 5, 1))
    assert_error("must be a Float or Double tensor", tocha.gesv, tocha.LongTensor(5, 1), tocha.LongTensor(5, 5))
    assert_error("B must be a Double tensor like A", tocha.gesv, F(B), D(A))
    assert_error("result tensors must be Double", tocha.gesv, F(), D(), D(B), D(A))
    local nan = D(A)
    nan[2][3] = 0 / 0
    assert_error("A contains NaN", tocha.gesv, D(B), nan)
    assert_error("expected 2 input tensors", tocha.gesv, D(), D(B), D(A))
    assert_error("no further arguments", tocha.gesv, D(B), D(A), "U")
  end)
end)

describe("trtrs", function()
  local A, B = wellcond(5, 11), pseudo(5, 2, 13)
  local U, L = tbl(D(A):triu()), tbl(D(A):tril())

  it("solves with the upper or lower triangle, transposed or not", function()
    local x = tocha.trtrs(D(B), D(A)) -- default 'U', 'N', 'N': the upper triangle of A
    assert_close(matmul(U, tbl(x)), B, 1e-12, "U x")
    x = tocha.trtrs(D(B), D(A), "L")
    assert_close(matmul(L, tbl(x)), B, 1e-12, "L x")
    x = tocha.trtrs(D(B), D(A), "U", "T")
    assert_close(matmul(transpose(U), tbl(x)), B, 1e-12, "U^T x")
    x = tocha.trtrs(D(B), D(A), "L", "T", "N")
    assert_close(matmul(transpose(L), tbl(x)), B, 1e-12, "L^T x")
  end)

  it("with a unit diagonal", function()
    local U1 = tbl(D(A):triu())
    for i = 1, 5 do U1[i][i] = 1 end
    local x = tocha.trtrs(D(B), D(A), "U", "N", "U")
    assert_close(matmul(U1, tbl(x)), B, 1e-12, "unit U x")
  end)

  it("names the problem", function()
    local s = D(A):triu()
    s[3][3] = 0
    assert_error("trtrs: A is singular", tocha.trtrs, D(B), s)
    assert_error("uplo must be 'U' or 'L', got 'X'", tocha.trtrs, D(B), D(A), "X")
    assert_error("trans must be 'N' or 'T'", tocha.trtrs, D(B), D(A), "U", "Q")
    assert_error("one-character option", tocha.trtrs, D(B), D(A), "Upper")
  end)
end)

describe("gels", function()
  it("least squares for a tall A: the residual is orthogonal to A's columns", function()
    local A, B = pseudo(7, 3, 5), pseudo(7, 2, 9)
    local x = tocha.gels(D(B), D(A))
    assert.are.same({ 3, 2 }, { x:size(1), x:size(2) })
    local r = matmul(A, tbl(x))
    for i = 1, 7 do for j = 1, 2 do r[i][j] = r[i][j] - B[i][j] end end
    local z = matmul(transpose(A), r)
    assert_close(z, { { 0, 0 }, { 0, 0 }, { 0, 0 } }, 1e-12, "A^T (A x - b)")
  end)

  it("minimum-norm solution for a wide A", function()
    local A, B = pseudo(3, 6, 15), pseudo(3, 2, 17)
    local x = tocha.gels(D(B), D(A))
    assert.are.same({ 6, 2 }, { x:size(1), x:size(2) })
    assert_close(matmul(A, tbl(x)), B, 1e-12, "A x = b")
    -- minimum norm: x = A^T y with (A A^T) y = b
    local y = tocha.gesv(D(B), D(matmul(A, transpose(A))))
    assert_close(tbl(x), matmul(transpose(A), tbl(y)), 1e-12, "x = A^T (A A^T)^-1 b")
  end)

  it("reuses its results and works in place", function()
    local A, B = pseudo(6, 4, 21), pseudo(6, 2, 23)
    local x = tocha.gels(D(B), D(A))
    local rb, ra = D(), D()
    tocha.gels(rb, ra, D(B), D(A))
    tocha.gels(rb, ra, D(B), D(A))
    assert_close(tbl(rb), tbl(x), 0, "reused")
    local b, a = D(B), D(A)
    tocha.gels(b, a, b, a)
    assert_close(tbl(b), tbl(x), 0, "in place")
  end)

  it("names a rank-deficient A", function()
    assert_error("gels: A does not have full rank", tocha.gels, D(3, 1):fill(1), D({ { 1, 0 }, { 1, 0 }, { 1, 0 } }))
  end)
end)

describe("inverse", function()
  it("A A^-1 = I, column-major result, given results reused", function()
    local A = wellcond(6, 31)
    local inv = tocha.inverse(D(A))
    assert_close(matmul(A, tbl(inv)), eye(6), 1e-12, "A A^-1")
    assert_close(matmul(tbl(inv), A), eye(6), 1e-12, "A^-1 A")
    assert.is_false(inv:isContiguous())
    local r = D(6, 6)
    tocha.inverse(r, D(A))
    assert.is_false(r:isContiguous())
    tocha.inverse(r, D(A))
    assert_close(tbl(r), tbl(inv), 0, "reused")
    local f = tocha.inverse(F(A))
    assert_close(matmul(A, tbl(f)), eye(6), 1e-5, "float32")
    assert_close(tbl(D(A):inverse()), tbl(inv), 0, "method")
  end)

  it("0x0, 1x1 and errors", function()
    assert.are.equal(0, tocha.inverse(D(0, 0)):nElement())
    assert.are.equal(0.25, tocha.inverse(D({ { 4 } }))[1][1])
    assert_error("inverse: the matrix is singular", tocha.inverse, D({ { 1, 2 }, { 2, 4 } }))
    assert_error("A must be square, got 2x3", tocha.inverse, D(2, 3))
  end)
end)

describe("Cholesky: potrf, potrs, potri, pstrf", function()
  local A = spd(6, 41)

  it("potrf: A = U^T U (default) and A = L L^T, the other triangle zero", function()
    local u = tbl(tocha.potrf(D(A)))
    assert_close(matmul(transpose(u), u), A, 1e-12, "U^T U")
    local u2 = tbl(tocha.potrf(D(A), "U"))
    assert_close(u2, u, 0, "explicit 'U'")
    local l = tbl(tocha.potrf(D(A), "L"))
    assert_close(matmul(l, transpose(l)), A, 1e-12, "L L^T")
    for i = 1, 6 do
      for j = 1, 6 do
        if i > j then assert.are.equal(0, u[i][j]) end
        if i < j then assert.are.equal(0, l[i][j]) end
      end
    end
    local f = tbl(tocha.potrf(F(A), "L"))
    assert_close(matmul(f, transpose(f)), A, 1e-4, "float32")
  end)

  it("potrs solves A X = B from the factor; potri inverts", function()
    local B = pseudo(6, 3, 43)
    for _, uplo in ipairs({ "U", "L" }) do
      local c = tocha.potrf(D(A), uplo)
      local x = tocha.potrs(D(B), c, uplo)
      assert_close(matmul(A, tbl(x)), B, 1e-12, "A x, " .. uplo)
      local inv = tocha.potri(c, uplo)
      assert_close(matmul(A, tbl(inv)), eye(6), 1e-12, "A A^-1, " .. uplo)
    end
  end)

  it("pstrf: P^T A P = U^T U with 1-based pivots, also rank-revealing order", function()
    for _, uplo in ipairs({ "U", "L" }) do
      local f, piv = tocha.pstrf(D(A), uplo)
      assert.are.equal("Long", piv:type():match("(%a+)Tensor$"))
      local p = tbl(piv)
      local permuted = {}
      for i = 1, 6 do
        permuted[i] = {}
        for j = 1, 6 do permuted[i][j] = A[p[i]][p[j]] end
      end
      local t = tbl(f)
      local rebuilt = uplo == "U" and matmul(transpose(t), t) or matmul(t, transpose(t))
      assert_close(rebuilt, permuted, 1e-12, "pstrf " .. uplo)
      local seen = {}
      for i = 1, 6 do seen[p[i]] = true end
      for i = 1, 6 do assert.is_true(seen[i]) end
    end
    local f, piv = D(), tocha.LongTensor()
    local f2, piv2 = tocha.pstrf(f, piv, D(A))
    assert.are.equal(f, f2)
    assert.are.equal(piv, piv2)
  end)

  it("names the problems", function()
    assert_error("potrf: the matrix is not positive definite", tocha.potrf, D({ { 1, 2 }, { 2, 1 } }))
    assert_error("potrf: A must be square", tocha.potrf, D(2, 3))
    assert_error("potrf: uplo must be 'U' or 'L'", tocha.potrf, D(A), "X")
    assert_error("pstrf: the matrix is rank deficient", tocha.pstrf, D({ { 1, 1 }, { 1, 1 } }))
    assert_error("potri: the matrix is singular", tocha.potri, D({ { 1, 0 }, { 0, 0 } }))
    assert_error("the pivot tensor must be an integer tensor", tocha.pstrf, D(), D(), D(A))
    assert.are.equal(0, tocha.potrf(D(0, 0)):nElement())
  end)
end)

describe("QR: qr, geqrf, orgqr, ormqr", function()
  local function check_qr(A, q, r, tol)
    local m, n = #A, #A[1]
    local k = math.min(m, n)
    assert.are.same({ m, k }, { q:size(1), q:size(2) })
    assert.are.same({ k, n }, { r:size(1), r:size(2) })
    local Q, R = tbl(q), tbl(r)
    assert_close(matmul(transpose(Q), Q), eye(k), tol, "Q^T Q")
    for i = 1, k do for j = 1, i - 1 do assert.are.equal(0, R[i][j]) end end
    assert_close(matmul(Q, R), A, tol, "Q R")
  end

  it("square, tall, wide, non-contiguous, float32", function()
    for _, shape in ipairs({ { 4, 4 }, { 7, 3 }, { 3, 7 }, { 1, 1 }, { 1, 5 }, { 5, 1 } }) do
      local A = pseudo(shape[1], shape[2], shape[1] * 10 + shape[2])
      local q, r = tocha.qr(D(A))
      check_qr(A, q, r, 1e-12)
      q, r = tocha.qr(transposed_layout(D(A)))
      check_qr(A, q, r, 1e-12)
      q, r = tocha.qr(F(A))
      check_qr(A, q, r, 1e-5)
    end
  end)

  it("geqrf then orgqr gives the same Q; results given are returned", function()
    local A = pseudo(6, 4, 77)
    local m, tau = D(), D()
    local m2, tau2 = tocha.geqrf(m, tau, D(A))
    assert.are.equal(m, m2)
    assert.are.equal(tau, tau2)
    assert.are.same({ 6, 4, 4 }, { m:size(1), m:size(2), tau:size(1) })
    local q = D()
    assert.are.equal(q, tocha.orgqr(q, m, tau))
    local q1 = tocha.qr(D(A))
    assert_close(tbl(q), tbl(q1), 1e-12, "orgqr Q")
  end)

  it("ormqr multiplies by Q or Q^T on either side", function()
    local A, C = pseudo(5, 5, 91), pseudo(5, 5, 93)
    local Q = tbl((tocha.qr(D(A))))
    local m, tau = tocha.geqrf(D(A))
    assert_close(tbl(tocha.ormqr(m, tau, D(C))), matmul(Q, C), 1e-12, "Q C")
    assert_close(tbl(tocha.ormqr(m, tau, D(C), "R")), matmul(C, Q), 1e-12, "C Q")
    assert_close(tbl(tocha.ormqr(m, tau, D(C), "L", "T")), matmul(transpose(Q), C), 1e-12, "Q^T C")
    assert_close(tbl(tocha.ormqr(m, tau, D(C), "R", "T")), matmul(C, transpose(Q)), 1e-12, "C Q^T")
    local C2 = pseudo(5, 3, 95)
    assert_close(tbl(tocha.ormqr(m, tau, D(C2))), matmul(Q, C2), 1e-12, "Q C (5x3)")
    assert_error("ormqr: A has 5 rows, but C (5x3) needs a Q of 3x3", tocha.ormqr, m, tau, D(C2), "R")
    assert_error("side must be 'L' or 'R'", tocha.ormqr, m, tau, D(C), "X")
    assert_error("orgqr: tau has 5 elements", tocha.orgqr, D(5, 3), D(5))
  end)

  it("empty matrices", function()
    local q, r = tocha.qr(D(0, 3))
    assert.are.equal(0, q:nElement())
    assert.are.equal(0, r:nElement())
  end)
end)

describe("svd", function()
  local function check_svd(A, u, s, v, tol)
    local S = tbl(s)
    for i = 2, #S do assert.is_true(S[i - 1] >= S[i]) end
    for i = 1, #S do assert.is_true(S[i] >= 0) end
    local U, V = tbl(u), tbl(v)
    local k = #S
    local US = {}
    for i = 1, #U do
      US[i] = {}
      for j = 1, k do US[i][j] = U[i][j] * S[j] end
    end
    local Vk = {}
    for i = 1, #V do
      Vk[i] = {}
      for j = 1, k do Vk[i][j] = V[i][j] end
    end
    assert_close(matmul(US, transpose(Vk)), A, tol, "U S V^T")
    assert_close(matmul(transpose(U), U), eye(#U[1]), tol, "U^T U")
    assert_close(matmul(transpose(V), V), eye(#V[1]), tol, "V^T V")
  end

  it("thin ('S', default) and full ('A') for tall, wide and square A", function()
    for _, shape in ipairs({ { 5, 5 }, { 6, 3 }, { 3, 6 }, { 1, 4 } }) do
      local A = pseudo(shape[1], shape[2], shape[1] * 7 + shape[2])
      local m, n = shape[1], shape[2]
      local k = math.min(m, n)
      local u, s, v = tocha.svd(D(A))
      assert.are.same({ m, k, k, n, k }, { u:size(1), u:size(2), s:size(1), v:size(1), v:size(2) })
      check_svd(A, u, s, v, 1e-12)
      u, s, v = tocha.svd(D(A), "A")
      assert.are.same({ m, m, n, n }, { u:size(1), u:size(2), v:size(1), v:size(2) })
      check_svd(A, u, s, v, 1e-12)
      u, s, v = tocha.gesvd(narrowed_layout(F(A)))
      check_svd(A, u, s, v, 1e-5)
    end
  end)

  it("writes into given (non-contiguous) results", function()
    local A = pseudo(5, 5, 3)
    local U = D(5, 2, 5):zero():select(2, 2)
    local S = D(5, 2):zero():select(2, 2)
    local V = D(5, 2, 5):zero():select(2, 2)
    local u, s, v = tocha.svd(U, S, V, D(A))
    assert.are.equal(U, u)
    assert.are.equal(S, s)
    assert.are.equal(V, v)
    check_svd(A, U, S, V, 1e-12)
  end)

  it("errors and edges", function()
    assert_error("jobu must be 'S' or 'A'", tocha.svd, D(2, 2), "V")
    assert_error("svd: A must be a matrix", tocha.svd, D(4))
    local u, s, v = tocha.svd(D(0, 3), "A")
    assert.are.equal(0, s:nElement())
    assert.are.same({ 3, 3 }, { v:size(1), v:size(2) })
    assert.are.equal(1, v[2][2])
    assert.are.equal(0, u:nElement())
  end)
end)

describe("eig and symeig", function()
  it("symeig: A v = lambda v, ascending, orthonormal vectors", function()
    local A = spd(5, 61)
    local e, v = tocha.symeig(D(A), "V")
    local E, V = tbl(e), tbl(v)
    for i = 2, 5 do assert.is_true(E[i - 1] <= E[i]) end
    local AV = matmul(A, V)
    for i = 1, 5 do for j = 1, 5 do V[i][j] = V[i][j] * E[j] end end
    assert_close(AV, V, 1e-11, "A V = V diag(e)")
    assert_close(matmul(transpose(tbl(v)), tbl(v)), eye(5), 1e-12, "V^T V")
    local e2 = tocha.symeig(D(A))
    assert_close({ tbl(e2) }, { E }, 1e-11, "values only")
  end)

  it("symeig reads only the `uplo` triangle", function()
    local A = spd(4, 63)
    local garbage = D(A)
    for i = 1, 4 do for j = i + 1, 4 do garbage[i][j] = 1e6 end end
    local e1 = tocha.symeig(D(A), "N", "L")
    local e2 = tocha.symeig(garbage, "N", "L")
    assert_close({ tbl(e1) }, { tbl(e2) }, 1e-12, "lower triangle only")
  end)

  it("symeig into non-contiguous results", function()
    local A = spd(4, 65)
    local e = D(4, 2):zero():select(2, 2)
    local v = D(4, 2, 4):zero():select(2, 2)
    tocha.symeig(e, v, D(A), "V")
    local E, V = tbl(e), tbl(v)
    local AV = matmul(A, V)
    for i = 1, 4 do for j = 1, 4 do V[i][j] = V[i][j] * E[j] end end
    assert_close(AV, V, 1e-11, "A V = V diag(e)")
  end)

  it("eig: real eigenvalues and vectors of a general matrix", function()
    local A = { { 2, 1, 0 }, { 0, 3, 1 }, { 0, 0, 5 } } -- triangular: eigenvalues 2, 3, 5
    local e, v = tocha.eig(D(A), "V")
    assert.are.same({ 3, 2 }, { e:size(1), e:size(2) })
    local E, V = tbl(e), tbl(v)
    local values = {}
    for i = 1, 3 do
      assert.are.equal(0, E[i][2])
      values[#values + 1] = E[i][1]
    end
    table.sort(values)
    assert_close({ values }, { { 2, 3, 5 } }, 1e-12, "eigenvalues")
    local AV = matmul(A, V)
    for i = 1, 3 do for j = 1, 3 do V[i][j] = V[i][j] * E[j][1] end end
    assert_close(AV, V, 1e-12, "A v = lambda v")
  end)

  it("eig: a complex pair for a rotation", function()
    local e = tocha.eig(D({ { 0, -1 }, { 1, 0 } }))
    local E = tbl(e)
    assert_close(E, { { 0, 1 }, { 0, -1 } }, 1e-15, "+-i")
  end)

  it("errors", function()
    assert_error("eig: A must be square", tocha.eig, D(2, 3))
    assert_error("job must be 'N' or 'V'", tocha.eig, D(2, 2), "X")
    assert_error("symeig: uplo must be 'U' or 'L'", tocha.symeig, D(2, 2), "V", "X")
    assert.are.equal(0, tocha.symeig(D(0, 0)):nElement())
  end)
end)

describe("LAPACK inputs of any layout and size", function()
  it("accepts expanded (zero-stride) inputs", function()
    local row = D({ { 2, 1 } })
    local a = row:expand(2, 2):clone()
    a[2][1] = 1
    a[2][2] = 3 -- {{2, 1}, {1, 3}}
    local b = D({ { 1 } }):expand(2, 3) -- every column is (1, 1)
    local x = tocha.gesv(b, a)
    for j = 1, 3 do
      assert.is_true(math.abs(2 * x[1][j] + x[2][j] - 1) < 1e-15)
      assert.is_true(math.abs(x[1][j] + 3 * x[2][j] - 1) < 1e-15)
    end
  end)

  it("rejects dimensions beyond LAPACK's 32-bit int before allocating", function()
    local huge = D({ { 1 } }):expand(2 ^ 31, 2) -- a view: no memory
    assert_error("too large for LAPACK", tocha.gels, D({ { 1 } }):expand(2 ^ 31, 1), huge)
    assert_error("too large for LAPACK", tocha.geqrf, huge)
  end)

  it("names NaN in B", function()
    local b = D({ { 1 }, { 0 / 0 } })
    assert_error("B contains NaN (at 2,1)", tocha.gesv, b, D({ { 1, 0 }, { 0, 1 } }))
  end)
end)

describe("Float matrices", function()
  it("are computed in double and rounded once: equal to the Double results rounded to float", function()
    local A, B = F(wellcond(6, 5)), F(pseudo(6, 2, 6))
    local Ad, Bd = A:double(), B:double() -- the exact float values
    assert.are.same(tocha.gesv(Bd, Ad):float():totable(), tocha.gesv(B, A):totable())
    local q, r = tocha.qr(A)
    local qd, rd = tocha.qr(Ad)
    assert.are.same(qd:float():totable(), q:totable())
    assert.are.same(rd:float():totable(), r:totable())
    local u, s, v = tocha.svd(A)
    local ud, sd, vd = tocha.svd(Ad)
    assert.are.same({ ud:float():totable(), sd:float():totable(), vd:float():totable() },
      { u:totable(), s:totable(), v:totable() })
  end)
end)
