--- Tensor math: element-wise functions, arithmetic, reductions, BLAS, convolutions, LAPACK
-- (the C binding, src/binding/lua_math.c, lua_reduce.c, lua_linalg.c, lua_conv.c, lua_lapack.c).
-- As in Torch7, the method form works in place and the function form makes a
-- new tensor: `x:exp()` replaces x by exp(x) and returns x; `tocha.exp(x)`
-- returns a new tensor; `tocha.exp(res, x)` writes into res. Binary operations
-- take a tensor of as many elements, or a number.
-- This file holds LDoc stubs for the functions written in C; it is not code to load.
-- @module tocha.math
-- @usage y = tocha.exp(x); x:add(2):mul(y)
local Tensor = {}

--- |x| element-wise.
function Tensor:abs() end
--- arccos element-wise.
function Tensor:acos() end
--- arcsin element-wise.
function Tensor:asin() end
--- arctan element-wise.
function Tensor:atan() end
--- atan2(x, y) element-wise.
function Tensor:atan2(y) end
--- Rounds up element-wise.
function Tensor:ceil() end
--- Rounds down element-wise.
function Tensor:floor() end
--- Rounds half away from zero element-wise.
function Tensor:round() end
--- Rounds towards zero element-wise.
function Tensor:trunc() end
--- The fractional part x - trunc(x) element-wise.
function Tensor:frac() end
--- cos element-wise.
function Tensor:cos() end
--- cosh element-wise.
function Tensor:cosh() end
--- sin element-wise.
function Tensor:sin() end
--- sinh element-wise.
function Tensor:sinh() end
--- tan element-wise.
function Tensor:tan() end
--- tanh element-wise.
function Tensor:tanh() end
--- e^x element-wise.
function Tensor:exp() end
--- The natural logarithm element-wise.
function Tensor:log() end
--- log(1 + x) element-wise, accurate for small x.
function Tensor:log1p() end
--- The square root element-wise.
function Tensor:sqrt() end
--- 1 / sqrt(x) element-wise.
function Tensor:rsqrt() end
--- 1 / x element-wise.
function Tensor:cinv() end
--- -x element-wise.
function Tensor:neg() end
--- The sign (-1, 0 or 1) element-wise.
function Tensor:sign() end
--- 1 / (1 + e^-x) element-wise.
function Tensor:sigmoid() end
--- x:pow(p): x^p element-wise (p a number); tocha.pow(p, x) is p^x.
function Tensor:pow(p) end
--- x:clamp(min, max): each element clamped into [min, max].
function Tensor:clamp(min, max) end
--- x:lerp(y, w): x + w (y - x) element-wise.
function Tensor:lerp(y, w) end

--- x:add(value), x:add(y) or x:add(value, y): x + value, x + y or x + value * y.
function Tensor:add(a, b) end
--- x:csub(y) or x:csub(value, y): x - y or x - value * y.
function Tensor:csub(a, b) end
--- x * value element-wise.
function Tensor:mul(value) end
--- x / value element-wise.
function Tensor:div(value) end
--- x mod value (the sign of value, as Lua's %) element-wise.
function Tensor:mod(value) end
--- fmod(x, value) (the sign of x, as C's fmod) element-wise.
function Tensor:fmod(value) end
--- x - value * round-down(x / value) element-wise (Torch7's remainder).
function Tensor:remainder(value) end
--- x * y element-wise.
function Tensor:cmul(y) end
--- x / y element-wise.
function Tensor:cdiv(y) end
--- x ^ y element-wise.
function Tensor:cpow(y) end
--- x mod y element-wise (cmod, as mod).
function Tensor:cmod(y) end
--- fmod(x, y) element-wise.
function Tensor:cfmod(y) end
--- remainder(x, y) element-wise.
function Tensor:cremainder(y) end
--- max(x, y) element-wise (y a tensor or a number).
function Tensor:cmax(y) end
--- min(x, y) element-wise (y a tensor or a number).
function Tensor:cmin(y) end
--- x:addcmul([value,] y, z): x + value * y * z element-wise (value default 1).
function Tensor:addcmul(value, y, z) end
--- x:addcdiv([value,] y, z): x + value * y / z element-wise (value default 1).
function Tensor:addcdiv(value, y, z) end

--- Bitwise and with a number (integer types).
function Tensor:bitand(value) end
--- Bitwise or with a number (integer types).
function Tensor:bitor(value) end
--- Bitwise xor with a number (integer types).
function Tensor:bitxor(value) end
--- Bitwise and with tensor y element-wise (integer types).
function Tensor:cbitand(y) end
--- Bitwise or with tensor y element-wise (integer types).
function Tensor:cbitor(y) end
--- Bitwise xor with tensor y element-wise (integer types).
function Tensor:cbitxor(y) end
--- x << value (integer types; times 2^value for floats).
function Tensor:lshift(value) end
--- x >> value (integer types; divided by 2^value for floats).
function Tensor:rshift(value) end
--- x << y element-wise.
function Tensor:clshift(y) end
--- x >> y element-wise.
function Tensor:crshift(y) end

--- x:sum() is the sum of all elements; x:sum(dim) the sums along dim (size 1 there).
function Tensor:sum(dim) end
--- x:prod() is the product of all elements; x:prod(dim) the products along dim.
function Tensor:prod(dim) end
--- x:mean() is the mean of all elements; x:mean(dim) the means along dim.
function Tensor:mean(dim) end
--- x:std([dim [, biased]]): the standard deviation (over n - 1 unless biased).
function Tensor:std(dim, biased) end
--- x:var([dim [, biased]]): the variance (over n - 1 unless biased).
function Tensor:var(dim, biased) end
--- x:norm([p [, dim]]): the p-norm (default 2) of all elements, or along dim.
function Tensor:norm(p, dim) end
--- x:dist(y [, p]): the p-norm (default 2) of x - y.
function Tensor:dist(y, p) end
--- x:renorm(p, dim, maxnorm): each slice along dim rescaled so that its p-norm is at most maxnorm.
function Tensor:renorm(p, dim, maxnorm) end
--- The cumulative sums along dim (default 1).
function Tensor:cumsum(dim) end
--- The cumulative products along dim (default 1).
function Tensor:cumprod(dim) end
--- x:logsumexp(dim): log(sum(exp(x))) along dim, computed without overflow.
function Tensor:logsumexp(dim) end
--- The sum of the diagonal of matrix x.
function Tensor:trace() end

--- The dot product of x and y (same number of elements).
function Tensor:dot(y) end
--- tocha.mm(a, b): the matrix product; res:mm(a, b) writes it into res.
function Tensor:mm(a, b) end
--- tocha.mv(m, v): the matrix-vector product; res:mv(m, v) writes it into res.
function Tensor:mv(m, v) end
--- tocha.bmm(a, b): the batched matrix products (b x n x m times b x m x p).
function Tensor:bmm(a, b) end
--- x:addmm([beta,] [alpha,] a, b): beta x + alpha a b (defaults 1).
function Tensor:addmm(beta, alpha, a, b) end
--- x:addmv([beta,] [alpha,] m, v): beta x + alpha m v (defaults 1).
function Tensor:addmv(beta, alpha, m, v) end
--- x:addr([beta,] [alpha,] u, v): beta x + alpha u v^T (defaults 1).
function Tensor:addr(beta, alpha, u, v) end
--- x:addbmm([beta,] [alpha,] a, b): beta x + alpha sum_i a[i] b[i] (a matrix x).
function Tensor:addbmm(beta, alpha, a, b) end
--- x:baddbmm([beta,] [alpha,] a, b): beta x[i] + alpha a[i] b[i] for each i (batched).
function Tensor:baddbmm(beta, alpha, a, b) end
--- x:ger(u, v): the outer product u v^T into x.
function Tensor:ger(u, v) end
--- x:cross(y [, dim]): the cross product of 3-vectors along dim (the first of size 3 by default).
function Tensor:cross(y, dim) end

--- tocha.conv2(x, k [, 'V'|'F']): 2-D convolution of x by kernel k (valid, default, or full).
function Tensor:conv2(k, mode) end
--- tocha.conv3(x, k [, 'V'|'F']): 3-D convolution.
function Tensor:conv3(k, mode) end
--- tocha.xcorr2(x, k [, 'V'|'F']): 2-D cross-correlation.
function Tensor:xcorr2(k, mode) end
--- tocha.xcorr3(x, k [, 'V'|'F']): 3-D cross-correlation.
function Tensor:xcorr3(k, mode) end

--- tocha.gesv(b, a) -> x, lu: solves a x = b (LAPACK gesv).
function Tensor:gesv(a) end
--- tocha.gels(b, a) -> x: the least-squares (or minimum-norm) solution of a x = b.
function Tensor:gels(a) end
--- tocha.trtrs(b, a [, 'U'|'L' [, 'N'|'T' [, 'N'|'U']]]): solves a triangular system.
function Tensor:trtrs(a, uplo, trans, diag) end
--- tocha.potrf(a [, 'U'|'L']): the Cholesky factor of a symmetric positive definite a.
function Tensor:potrf(uplo) end
--- tocha.potri(u [, 'U'|'L']): the inverse from a Cholesky factor.
function Tensor:potri(uplo) end
--- tocha.potrs(b, u [, 'U'|'L']): solves a x = b from a's Cholesky factor u.
function Tensor:potrs(u, uplo) end
--- tocha.pstrf(a [, 'U'|'L' [, tol]]) -> the pivoted Cholesky factor and the pivots.
function Tensor:pstrf(uplo, tol) end
--- tocha.geqrf(a) -> the compact QR factorisation and tau (LAPACK geqrf).
function Tensor:geqrf() end
--- tocha.orgqr(a, tau): Q from geqrf's output.
function Tensor:orgqr(tau) end
--- tocha.ormqr(a, tau, c [, side [, trans]]): c multiplied by Q from geqrf's output.
function Tensor:ormqr(tau, c, side, trans) end
--- tocha.qr(a) -> q, r.
function Tensor:qr() end
--- tocha.svd(a [, 'S'|'A']) -> u, s, v with a = u diag(s) v^T.
function Tensor:svd(some) end
--- tocha.gesvd(a [, 'S'|'A']) -> u, s, v (as svd).
function Tensor:gesvd(some) end
--- tocha.eig(a [, 'N'|'V']) -> eigenvalues (n x 2: real, imaginary) and, with 'V', eigenvectors.
function Tensor:eig(vectors) end
--- tocha.symeig(a [, 'N'|'V' [, 'U'|'L']]) -> the eigenvalues of symmetric a and, with 'V', eigenvectors.
function Tensor:symeig(vectors, uplo) end
--- tocha.inverse(a): the inverse of a square matrix.
function Tensor:inverse() end

return { Tensor = Tensor }
