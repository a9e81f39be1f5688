--- Tensors: construction, sizes, views and copies (the C binding, src/binding/lua_tensor.c, lua_tensorlib.c).
-- A tensor is a strided view over a refcounted storage of one element type:
-- `tocha.FloatTensor` (the default, `tocha.Tensor`), `DoubleTensor`, `LongTensor`,
-- `ByteTensor` (and `IntTensor`, `ShortTensor`, `CharTensor`).
-- Indices and dimensions are 1-based; negative ones count from the end.
-- Every method `x:f(...)` is also the function `tocha.f(x, ...)`.
-- Views (narrow, select, sub, t, transpose, view, expand, unfold, ...) share
-- x's storage: writing through them changes x.
-- This file holds LDoc stubs for the functions written in C; it is not code to load.
-- @module Tensor
-- @usage x = tocha.FloatTensor(2, 3):fill(1); x:narrow(2, 2, 2):zero()
local Tensor = {}
local tocha = {}

--- The number of dimensions of x (0 for an empty tensor).
function Tensor:dim() end
--- The number of dimensions of x (Torch7's name for dim()).
function Tensor:nDimension() end
--- x:size() is the sizes (a LongStorage); x:size(d) the size of dimension d.
-- @tparam[opt] int d a dimension
function Tensor:size(d) end
--- x:stride() is the strides (a LongStorage, in elements); x:stride(d) the stride of dimension d.
-- @tparam[opt] int d a dimension
function Tensor:stride(d) end
--- The number of elements of x.
function Tensor:nElement() end
--- The number of elements of x (numel = nElement).
function Tensor:numel() end
--- The offset of x's first element in its storage, 1-based.
function Tensor:storageOffset() end
--- The storage x views (a tocha.FloatStorage, ...).
function Tensor:storage() end
--- The size in bytes of one element of x's type.
function Tensor:elementSize() end
--- x's type name, e.g. "tocha.FloatTensor"; x:type(name) a copy converted to type `name` (x itself when it has
-- that type).
-- @tparam[opt] string name "tocha.DoubleTensor", "torch.FloatTensor", ...
function Tensor:type(name) end
--- true when x is a tensor.
function Tensor:isTensor() end
--- true when x's elements lie in memory in row-major order without gaps.
function Tensor:isContiguous() end
--- true when x and y have the same sizes.
function Tensor:isSameSizeAs(y) end
--- true when x and y view the same elements (same storage, offset, sizes and strides).
function Tensor:isSetTo(y) end
--- true when x and y have the same sizes and equal elements.
function Tensor:equal(y) end

--- x:set(y) makes x view what y views; x:set(storage [, offset, sizes...]) makes x view storage; returns x.
function Tensor:set(source, offset, ...) end
--- Resizes x to the given sizes (numbers or a LongStorage), keeping the storage when it is large enough; returns x.
function Tensor:resize(...) end
--- Resizes x to the sizes of y; returns x.
function Tensor:resizeAs(y) end
--- x itself when contiguous, otherwise a contiguous copy.
function Tensor:contiguous() end
--- A copy of x with its own storage (contiguous).
function Tensor:clone() end
--- Copies the elements of y (any type, same number of elements) into x, converting; returns x.
function Tensor:copy(y) end
--- Sets every element of x to value; returns x.
function Tensor:fill(value) end
--- Sets every element of x to 0; returns x.
function Tensor:zero() end

--- A view of x with the given sizes (one may be -1: inferred); x must be contiguous.
-- @usage tocha.range(1, 6):view(2, 3)
function Tensor:view(...) end
--- A view of x with the sizes of y.
function Tensor:viewAs(y) end
--- The view of x narrowed to `size` indices from `index` along dim.
-- @tparam int dim the dimension
-- @tparam int index the first index kept
-- @tparam int size how many indices
function Tensor:narrow(dim, index, size) end
--- The slice of x at `index` along dim (one dimension fewer; a number for a 1-D x).
function Tensor:select(dim, index) end
--- x:sub(first1, last1 [, first2, last2, ...]): the view of x over the given index ranges, per dimension.
function Tensor:sub(...) end
--- The transpose view of a matrix x.
function Tensor:t() end
--- The view of x with dimensions d1 and d2 swapped.
function Tensor:transpose(d1, d2) end
--- The view of x without its size-1 dimensions, or without dimension d when its size is 1.
function Tensor:squeeze(d) end
--- The view of x with a size-1 dimension inserted at d.
function Tensor:unsqueeze(d) end
--- The view of x with size-1 dimensions repeated (stride 0) to the given sizes.
function Tensor:expand(...) end
--- x:expand to the sizes of y.
function Tensor:expandAs(y) end
--- The view of x with the slices of `size` (step `step`) along dim as a new last dimension.
function Tensor:unfold(dim, size, step) end
--- The tensor of zeros of the given sizes (tocha.zeros(2, 3)); x:zeros(sizes...) resizes x and zeroes it.
function Tensor:zeros(...) end
--- The tensor of ones of the given sizes; x:ones(sizes...) resizes x and fills it with 1.
function Tensor:ones(...) end
--- The elements of x as nested Lua tables (a list for 1-D x).
function Tensor:totable() end
--- The raw bytes of x's elements (contiguous, machine byte order), as a string.
function Tensor:toBytes() end
--- tocha.fromBytes(type, bytes [, sizes...]): the tensor of `type` whose raw elements are the string `bytes`.
function tocha.fromBytes(typename, bytes, ...) end
--- x converted to the type (a copy; x itself when it has it already).
function Tensor:float() end
--- x converted to DoubleTensor (a copy; x itself when it is one).
function Tensor:double() end
--- x converted to LongTensor (a copy; x itself when it is one).
function Tensor:long() end
--- x converted to IntTensor (a copy; x itself when it is one).
function Tensor:int() end
--- x converted to ShortTensor (a copy; x itself when it is one).
function Tensor:short() end
--- x converted to CharTensor (a copy; x itself when it is one).
function Tensor:char() end
--- x converted to ByteTensor (a copy; x itself when it is one).
function Tensor:byte() end

--- tocha.range(first, last [, step]): the 1-D tensor first, first + step, ..., up to last (default type).
function tocha.range(first, last, step) end
--- tocha.linspace(a, b [, n]): n (default 100) equally spaced points from a to b.
function tocha.linspace(a, b, n) end
--- tocha.eye(n [, m]): the n x m (default n x n) identity matrix.
function tocha.eye(n, m) end
--- The default tensor type name ("tocha.FloatTensor"; "torch.DoubleTensor" under compat).
function tocha.getdefaulttensortype() end
--- tocha.cat(x, y [, dim]) or tocha.cat({x, y, ...} [, dim]): the tensors concatenated along dim (default: the last).
function Tensor:cat(y, dim) end
--- The lower triangle of matrix x (below diagonal k, default 0), a new tensor.
function Tensor:tril(k) end
--- The upper triangle of matrix x (above diagonal k, default 0), a new tensor.
function Tensor:triu(k) end
--- The diagonal k (default 0) of matrix x as a vector, or the matrix with vector x on diagonal k.
function Tensor:diag(k) end

--- Calls f(v) on every element; a non-nil result replaces it; returns x.
function Tensor:apply(f) end
--- x:map(y, f): x[i] = f(x[i], y[i]) where f returns a value; returns x.
function Tensor:map(y, f) end
--- x:map2(y, z, f): x[i] = f(x[i], y[i], z[i]) where f returns a value; returns x.
function Tensor:map2(y, z, f) end

return { Tensor = Tensor, tocha = tocha }
