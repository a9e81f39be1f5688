/* tocha_index.h: part of tocha's public C API, included by tocha.h.
 *
 * Masks, index tensors and concatenation.
 *
 * Masks
 *   A mask is a Byte tensor of exactly the same size as the tensor it applies
 *   to, holding only 0 and 1 (any other value is an error, as in Torch7).
 *   Masked elements are visited in logical row-major order, whatever the
 *   strides of the tensor and of the mask.
 *
 * Index tensors
 *   Index tensors are Long tensors.  Their entries count from `base`: pass 0
 *   for C-style indices, 1 for Torch7/Lua-style ones (the Lua binding passes
 *   1).  Error messages name dimensions, index values and positions inside
 *   the index tensor counting from the same base, e.g. with base 1:
 *     "index 7 out of range for dimension 1 of size 5 (at position 3 of the
 *      index tensor)".
 *   The `dim` parameters themselves are always 0-based.
 *
 * Every index and mask value is checked before anything is written: when a
 * function fails, no tensor has been modified (a result `out` may have been
 * left empty or untouched).  Sources, masks or index tensors that share
 * storage with the tensor being written are copied first, so aliasing is
 * safe.  Functions with an `out` parameter require `out` to have the
 * element type of the result (that of `src`; Long for tocha_nonzero).
 * `out` is shaped with tocha_tensor_resize: one that already has the
 * result's sizes keeps its geometry (any view: only its elements are
 * written), else it is re-laid out contiguously.  `out` may alias an input:
 * the result is then computed into a temporary and copied into `out`.
 * Results with no elements are empty tensors (ndim 0), as in Torch7.
 *
 * Argument positions in errors follow tocha.h: `out` is not counted, the
 * tensor modified in place (`t`) is argument 1.
 */
#ifndef TOCHA_INDEX_H
#define TOCHA_INDEX_H

#ifdef __cplusplus
extern "C" {
#endif

/* ---- masks --------------------------------------------------------------- */

/* out = the elements of src where mask is 1, as a 1D tensor (empty if none). */
tocha_status tocha_masked_select(tocha_tensor *out, const tocha_tensor *src, const tocha_tensor *mask);
/* t[mask] = value.  For Long/Byte tensors value must be an integer in range. */
tocha_status tocha_masked_fill(tocha_tensor *t, const tocha_tensor *mask, double value);
/* The masked elements of t, in order, take the first elements of src (read
 * in logical order; src must have t's type and at least as many elements as
 * the mask has ones, its shape does not matter). */
tocha_status tocha_masked_copy(tocha_tensor *t, const tocha_tensor *mask, const tocha_tensor *src);

/* ---- index tensors along one dimension (1D index) ------------------------- */

/* out = src with dimension dim reduced to the slices listed in `index` (a 1D
 * Long tensor; an empty index gives an empty result).  Torch7's index. */
tocha_status tocha_index_select(tocha_tensor *out, const tocha_tensor *src, int dim, const tocha_tensor *index,
                                int64_t base);
/* Slice index[i] of t along dim = slice i of src along dim.  src has t's type
 * and size, except src:size(dim) == number of indices.  A repeated index
 * keeps the last slice written. */
tocha_status tocha_index_copy(tocha_tensor *t, int dim, const tocha_tensor *index, const tocha_tensor *src,
                              int64_t base);
/* The same, adding instead of copying (repeated indices accumulate). */
tocha_status tocha_index_add(tocha_tensor *t, int dim, const tocha_tensor *index, const tocha_tensor *src,
                             int64_t base);
/* Slices index[i] of t along dim are filled with value. */
tocha_status tocha_index_fill(tocha_tensor *t, int dim, const tocha_tensor *index, double value, int64_t base);

/* ---- gather / scatter (index with the tensor's number of dimensions) ------ */

/* out[i][j][k] = src[index[i][j][k]][j][k] for dim 0 (and likewise for the
 * other dims).  index has src's number of dimensions and its sizes except
 * along dim; out gets index's size. */
tocha_status tocha_gather(tocha_tensor *out, const tocha_tensor *src, int dim, const tocha_tensor *index,
                          int64_t base);
/* t[index[i][j][k]][j][k] = src[i][j][k] for dim 0 (likewise for the other
 * dims).  index has t's number of dimensions and its sizes except along dim;
 * src has t's type and index's size, except that src may be longer along
 * dim (the extra elements are not used).  Repeated indices along dim: the
 * last write wins. */
tocha_status tocha_scatter(tocha_tensor *t, int dim, const tocha_tensor *index, const tocha_tensor *src,
                           int64_t base);
/* The same, adding src into t (repeated indices accumulate). */
tocha_status tocha_scatter_add(tocha_tensor *t, int dim, const tocha_tensor *index, const tocha_tensor *src,
                               int64_t base);
/* t[index[i][j][k]][j][k] = value for dim 0 (likewise for the other dims). */
tocha_status tocha_scatter_fill(tocha_tensor *t, int dim, const tocha_tensor *index, double value, int64_t base);

/* ---- search ---------------------------------------------------------------- */

/* out (a Long tensor) = one row per non-zero element of src, in logical
 * order, holding its subscripts counted from `base`: size n x src:dim().
 * Empty when src has no non-zero element.  NaN counts as non-zero. */
tocha_status tocha_nonzero(tocha_tensor *out, const tocha_tensor *src, int64_t base);

/* ---- concatenation ----------------------------------------------------------- */

/* out = inputs[0..n-1] concatenated along dim (0-based).  All inputs have the
 * same type; empty inputs are skipped; the others have the same number of
 * dimensions (dim < that number) and equal sizes except along dim.  All
 * inputs empty gives an empty result. */
tocha_status tocha_cat(tocha_tensor *out, const tocha_tensor *const *inputs, int n, int dim);

#ifdef __cplusplus
}
#endif

#endif
