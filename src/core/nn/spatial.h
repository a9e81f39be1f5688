/*
 * spatial.h (internal): what the convolution, pooling and batch-norm
 * kernels share: the image shapes they accept, the window rules, their
 * checks, and the BLAS and parallel plumbing of per-image work.
 */
#ifndef TOCHA_CORE_NN_SPATIAL_H
#define TOCHA_CORE_NN_SPATIAL_H

#include "../../tocha_spatial.h"

/* An image batch (n, c, h, w); batched is 0 for a 3-D (c, h, w) image. */
typedef struct tocha_images {
  int64_t n, c, h, w;
  int batched;
} tocha_images;

/* t must be a contiguous Float/Double (c, h, w) or (n, c, h, w) tensor;
 * `dtype` < 0 accepts either type, else t must have it.  Errors name
 * `name` at position `pos`. */
tocha_status tocha_images_of(const tocha_tensor *t, int pos, const char *name, int dtype, tocha_images *s);

/* t must be a contiguous Float/Double tensor of nd+1 (one image or
 * volume) or nd+2 (a batch) dimensions, nd 2 or 3; gives *batched, the
 * batch size *n, the planes *c and the spatial sizes s (T, H, W; T = 1 for
 * nd 2), each at most INT_MAX.  dtype as tocha_images_of. */
tocha_status tocha_volume_of(const tocha_tensor *t, int pos, const char *name, int dtype, int nd, int *batched,
                             int64_t *n, int64_t *c, int64_t s[3]);

/* Kernel and step positive, padding non-negative; pooling (pool != 0)
 * also wants padding at most half the kernel, as Torch7. */
tocha_status tocha_window_check(tocha_window w, int pool);

/* Output length along one axis for an input of `in`; < 1 when the
 * window does not fit (the caller reports it). */
int64_t tocha_window_out(int64_t in, int64_t k, int64_t d, int64_t pad, int ceil_mode);

/* Checks the window against an image and gives the output size; errors
 * say "input image (HxW) is smaller than the kernel (kHxkW)" and the like. */
tocha_status tocha_window_output(tocha_window w, const tocha_images *in, int64_t *oh, int64_t *ow);

/* Resizes `out` to (n, c, h, w) (or (c, h, w) when !batched), of `dtype`,
 * and checks it came out contiguous. */
tocha_status tocha_images_result(tocha_tensor *out, const char *name, tocha_dtype dtype, int batched, int64_t n,
                                 int64_t c, int64_t h, int64_t w);

/* t must be a contiguous vector of `n` elements of `dtype`. */
tocha_status tocha_plane_vector(const tocha_tensor *t, int pos, const char *name, tocha_dtype dtype, int64_t n);

/* Gives `work` (a tensor of type dt) at least `need` elements and *base
 * its data; it only grows, so a warm workspace is never reallocated. */
tocha_status tocha_workspace(tocha_tensor *work, tocha_dtype dt, int64_t need, char **base);

/* Valid output positions [*lo, *hi) of kernel offset `off` along an axis
 * of `in` elements: 0 <= x*d - pad + off < in for x in [0, out). */
void tocha_valid_range(int64_t in, int64_t out, int64_t d, int64_t pad, int64_t off, int64_t *lo, int64_t *hi);

/* gb[o] = (first ? 0 : gb[o]) + scale * the sum of row o of the (rows, len)
 * matrix gout (float or double). */
void tocha_add_row_sums(tocha_dtype dt, void *gb, const void *gout, int64_t rows, int64_t len, double scale,
                        int first);

/* winograd.c: convolution by Winograd's F(2x2, kHxkW), float.  suits()
 * says whether the window's algorithm and the shape take it; the passes
 * run on contiguous (n, c, h, w) data, the outputs already sized:
 *   forward   out (n, cout, oh, ow) = conv(in) + bias (NULL: none)
 *   backward  gin (NULL: not wanted) = the gradient of the input,
 *             gw (NULL: not wanted) += scale * the gradient of the weight. */
int tocha_winograd_suits(tocha_dtype dt, tocha_window w, int64_t nin, int64_t nout, int64_t oh, int64_t ow);
tocha_status tocha_winograd_forward(tocha_tensor *work, float *out, const float *in, const float *weight,
                                    const float *bias, int64_t n, int64_t cin, int64_t h, int64_t w, int64_t cout,
                                    tocha_window win, int64_t oh, int64_t ow);
tocha_status tocha_winograd_backward(tocha_tensor *work, float *gin, float *gw, const float *in, const float *gout,
                                     const float *weight, double scale, int64_t n, int64_t cin, int64_t h, int64_t w,
                                     int64_t cout, tocha_window win, int64_t oh, int64_t ow);

/* Row-major single-threaded GEMM: C (m x n) = alpha op(A) op(B) + beta C. */
void tocha_gemm_rm(tocha_dtype dtype, int trans_a, int trans_b, int m, int n, int k, double alpha, const void *a,
                   int lda, const void *b, int ldb, double beta, void *c, int ldc);

/* Runs fn(arg, first, last) over image ranges that split [0, n) into at
 * most tocha_get_num_threads() pieces (at least `min_per_piece` units of
 * work each, `work_per_image` units per image); *pieces receives the
 * count beforehand so that callers size their workspace.  `slot` is the
 * piece's index: its own part of the workspace. */
typedef void (*tocha_images_fn)(void *arg, int slot, int64_t first, int64_t last);
int tocha_image_pieces(int64_t n, double work_per_image);
void tocha_images_parallel(int pieces, int64_t n, tocha_images_fn fn, void *arg);

#endif
