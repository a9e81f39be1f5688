--- Indexing, masks, sorting and selection (the C binding, src/binding/lua_index.c, lua_sampling.c, lua_reduce.c).
-- Every method `x:f(...)` is also `tocha.f(x, ...)`; index arguments are
-- LongTensors of 1-based indices, masks are ByteTensors of 0 and 1.
-- This file holds LDoc stubs for the functions written in C; it is not code to load.
-- @module tocha.index
local Tensor = {}

--- The elements of x at `indices` along dim, as a new tensor.
-- @tparam int dim the dimension
-- @tparam LongTensor indices 1-based
function Tensor:index(dim, indices) end
--- Copies the slices of y into x at `indices` along dim; returns x.
function Tensor:indexCopy(dim, indices, y) end
--- Adds the slices of y to x at `indices` along dim; returns x.
function Tensor:indexAdd(dim, indices, y) end
--- Fills the slices of x at `indices` along dim with value; returns x.
function Tensor:indexFill(dim, indices, value) end
--- out[i][j] = x[index[i][j]][j] for dim 1 (and so on): the elements picked by index along dim.
function Tensor:gather(dim, index) end
--- x[index[i][j]][j] = src[i][j] (dim 1; src may be a number); returns x.
function Tensor:scatter(dim, index, src) end
--- x[index[i][j]][j] += src[i][j] (dim 1); returns x.
function Tensor:scatterAdd(dim, index, src) end
--- The elements of x where mask is 1, as a 1-D tensor.
function Tensor:maskedSelect(mask) end
--- Sets the elements of x where mask is 1 to value; returns x.
function Tensor:maskedFill(mask, value) end
--- Copies the elements of y, in order, into x where mask is 1; returns x.
function Tensor:maskedCopy(mask, y) end
--- The indices of the non-zero elements of x, one row per element (an n x dim LongTensor).
function Tensor:nonzero() end
--- x:sort([dim [, descending]]) -> sorted values, their indices (along dim, default the last).
function Tensor:sort(dim, descending) end
--- x:topk(k [, dim [, largest [, sorted]]]) -> the k smallest (largest = true: largest) values and their indices.
function Tensor:topk(k, dim, largest, sorted) end
--- x:kthvalue(k [, dim]) -> the k-th smallest values along dim and their indices.
function Tensor:kthvalue(k, dim) end
--- x:median([dim]) -> the medians along dim (the lower one for an even count) and their indices.
function Tensor:median(dim) end
--- x:mode([dim]) -> the most frequent values along dim and their indices.
function Tensor:mode(dim) end
--- x:max() is the largest element; x:max(dim) -> the maxima along dim and their indices; tocha.max(x, y) the
-- element-wise maximum.
function Tensor:max(dim) end
--- x:min() is the smallest element; x:min(dim) -> the minima along dim and their indices.
function Tensor:min(dim) end
--- true when every element of the ByteTensor x is non-zero.
function Tensor:all() end
--- true when some element of the ByteTensor x is non-zero.
function Tensor:any() end
--- x:histc([bins [, min [, max]]]): the histogram of x's values in bins (100) equal bins over [min, max] (default:
-- x's range).
function Tensor:histc(bins, min, max) end
--- x:bhistc(...): histc per row of a matrix x.
function Tensor:bhistc(bins, min, max) end
--- Comparisons x == y (a tensor or number), element-wise, as a ByteTensor; tocha.eq(res, x, y) writes into res.
function Tensor:eq(y) end
--- x ~= y element-wise, as a ByteTensor.
function Tensor:ne(y) end
--- x < y element-wise, as a ByteTensor.
function Tensor:lt(y) end
--- x <= y element-wise, as a ByteTensor.
function Tensor:le(y) end
--- x > y element-wise, as a ByteTensor.
function Tensor:gt(y) end
--- x >= y element-wise, as a ByteTensor.
function Tensor:ge(y) end

return { Tensor = Tensor }
