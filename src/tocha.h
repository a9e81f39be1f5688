/*
 * tocha.h: the public header of tocha's C core.
 *
 * The core is a plain C library: it never includes lua.h and can be used
 * from C on its own.  A tensor is a view (sizes, strides, offset) over a
 * refcounted storage, as in Torch7's TH.
 *
 * Conventions
 *  - Dimensions and indices are 0-based here (the Lua binding adds 1).
 *    Error messages, though, count dimensions and indices from 1, as the
 *    Lua (and Torch7) programmer who reads them does.
 *  - Size, stride, offset and extent arithmetic never overflows: it is
 *    checked (src/core/sizes.h) and an impossible geometry is an error.
 *  - Every fallible function returns a tocha_status.  On failure it records
 *    a message and the position of the offending argument, readable with
 *    tocha_last_error(); it never calls exit, abort or longjmp, and it
 *    validates its arguments before allocating anything.
 *  - Functions that produce a tensor write it into a caller-provided
 *    `tocha_tensor *out` that must have been initialised (tocha_tensor_init)
 *    and is released by its owner with tocha_tensor_release().  `out` may be
 *    the same object as an input.  View functions (narrow, transpose, ...)
 *    replace `out` by the view.  Functions that compute values shape `out`
 *    with tocha_tensor_resize: a result of the size `out` already has is
 *    written through `out`'s own geometry (any view: only its elements
 *    change), a result of another size re-lays `out` out contiguously.
 *  - "Argument positions" in errors count the function's parameters from 1,
 *    skipping leading output parameters (`out`, `values`, `indices`, `rng`).
 *    For a Lua method `t:narrow(dim, first, len)` the positions then coincide
 *    with Lua's argument numbers.
 *  - Refcounts are not atomic: share a storage between threads only when you
 *    synchronise its lifetime yourself.
 */
#ifndef TOCHA_H
#define TOCHA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TOCHA_MAX_DIMS 16

typedef enum tocha_dtype {
  TOCHA_FLOAT = 0, /* float32 */
  TOCHA_DOUBLE,    /* float64 */
  TOCHA_LONG,      /* int64: indices */
  TOCHA_BYTE,      /* uint8: masks, comparison results */
  TOCHA_INT,       /* int32 (Torch7's IntTensor) */
  TOCHA_SHORT,     /* int16 (ShortTensor) */
  TOCHA_CHAR,      /* int8 (CharTensor) */
  TOCHA_NTYPES
} tocha_dtype;

typedef enum tocha_status {
  TOCHA_OK = 0,
  TOCHA_ENOMEM,    /* allocation failed */
  TOCHA_EARG,      /* an argument is invalid (value, range) */
  TOCHA_ESIZE,     /* shapes do not agree */
  TOCHA_ETYPE,     /* element type not supported by this operation */
  TOCHA_EOVERFLOW, /* a size or byte count would overflow */
  TOCHA_EIO,       /* file read or write failed */
  TOCHA_EFORMAT    /* a file is truncated, corrupted or foreign */
} tocha_status;

typedef struct tocha_error {
  tocha_status status;
  int arg;          /* offending argument position (see above), 0 if none */
  int item;         /* for an array argument (tocha_cat's inputs): the entry at fault, from 1; else 0 */
  char message[256];
} tocha_error;

/* The error recorded by the last failing call on this thread. */
const tocha_error *tocha_last_error(void);
/* Records an error; returns `status` so callers can `return tocha_fail(...)`. */
tocha_status tocha_fail(tocha_status status, int arg, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The same for entry `item` (from 1) of the array argument `arg`. */
tocha_status tocha_fail_item(tocha_status status, int arg, int item, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

const char *tocha_dtype_name(tocha_dtype dtype); /* "Float", "Double", ... */
size_t tocha_dtype_size(tocha_dtype dtype);
/* 1 for the integer types (Long, Byte, Int, Short, Char), with the range
 * they hold in *lo, *hi (Long: -2^63 .. 2^63 - 1, as doubles); 0 for Float
 * and Double. */
int tocha_dtype_integer_range(tocha_dtype dtype, double *lo, double *hi);

/* ---- storage --------------------------------------------------------- */

typedef struct tocha_storage {
  void *data;
  int64_t size; /* elements */
  tocha_dtype dtype;
  int refcount;
} tocha_storage;

/* Zero-filled storage of n elements; NULL (error recorded) on failure. */
tocha_storage *tocha_storage_new(tocha_dtype dtype, int64_t n);
void tocha_storage_retain(tocha_storage *s);
void tocha_storage_release(tocha_storage *s); /* NULL is fine */

/* ---- tensor header ---------------------------------------------------- */

typedef struct tocha_tensor {
  tocha_storage *storage; /* NULL while the tensor is empty */
  int64_t offset;         /* elements */
  int ndim;               /* 0 means empty, as in Torch7 */
  tocha_dtype dtype;
  int64_t size[TOCHA_MAX_DIMS];
  int64_t stride[TOCHA_MAX_DIMS]; /* elements; may be 0 (expand) */
} tocha_tensor;

void tocha_tensor_init(tocha_tensor *t, tocha_dtype dtype);  /* empty */
void tocha_tensor_release(tocha_tensor *t); /* back to empty; idempotent */

/* A contiguous tensor of the given shape, zero-filled. */
tocha_status tocha_tensor_new(tocha_tensor *out, tocha_dtype dtype, int ndim,
                              const int64_t *size);
/* Gives t the shape (ndim, size), Torch7's rule:
 *  - t already has exactly these sizes (same ndim, same size[]): nothing
 *    changes - t keeps its storage, offset and strides, so a view
 *    (transposed, narrowed, strided, ...) stays that view and whatever is
 *    written into it lands in its own elements;
 *  - otherwise t is re-laid out as a contiguous tensor of that shape from
 *    its offset, reusing its storage when it is large enough (contents then
 *    unspecified), else replacing it by a new one.  ndim == 0 empties t.
 * This is why every function with a result parameter (`out`, `values`,
 * `indices`, ...) writes a result of the right size through the view it is
 * given, and resizes it (contiguous) only when its size differs. */
tocha_status tocha_tensor_resize(tocha_tensor *t, int ndim, const int64_t *size);
/* tocha_tensor_resize(t, like->ndim, like->size): the same rule. */
tocha_status tocha_tensor_resize_as(tocha_tensor *t, const tocha_tensor *like);
/* out shares src's storage and geometry. */
void tocha_tensor_set(tocha_tensor *out, const tocha_tensor *src);
/* out views `storage` from `offset` with the given geometry; NULL stride
 * means contiguous.  Error positions: storage 1, offset 2, shape (ndim and
 * size together) 3, stride 4. */
tocha_status tocha_tensor_set_storage(tocha_tensor *out, tocha_storage *storage,
                                      int64_t offset, int ndim,
                                      const int64_t *size, const int64_t *stride);

/* Checks a shape (0 to TOCHA_MAX_DIMS sizes, each >= 0, the product of the
 * non-zero ones at most INT64_MAX / 16, computed without overflow) and
 * returns its element count in *count (0 for ndim == 0).  `arg` is the
 * argument position reported on failure.  Every constructor, resize, view
 * and loader applies this rule. */
tocha_status tocha_shape_count(int ndim, const int64_t *size, int arg, int64_t *count);
int64_t tocha_tensor_nelement(const tocha_tensor *t);
int tocha_tensor_is_contiguous(const tocha_tensor *t);
int tocha_tensor_same_size(const tocha_tensor *a, const tocha_tensor *b);
/* Pointer to element 0 of the view (storage data + offset); NULL if empty. */
void *tocha_tensor_data(const tocha_tensor *t);
/* Writes "2x3x4" (or "empty") into buf. */
void tocha_tensor_shape_string(const tocha_tensor *t, char *buf, size_t len);

/* Element access by full index (0-based); checks ranges.  put converts to an
 * integer type through int64 (narrower types wrap modulo 2^bits) and refuses
 * NaN, infinities and values outside [-2^63, 2^63) (TOCHA_EARG). */
tocha_status tocha_tensor_get(const tocha_tensor *t, const int64_t *index, double *value);
tocha_status tocha_tensor_put(tocha_tensor *t, const int64_t *index, double value);

/* ---- views (share storage) ------------------------------------------- */

tocha_status tocha_narrow(tocha_tensor *out, const tocha_tensor *src, int dim,
                          int64_t first, int64_t length);
tocha_status tocha_select(tocha_tensor *out, const tocha_tensor *src, int dim,
                          int64_t index);
tocha_status tocha_transpose(tocha_tensor *out, const tocha_tensor *src, int dim1,
                             int dim2);
/* Slices of `size` elements every `step` along dim, as a new last dim. */
tocha_status tocha_unfold(tocha_tensor *out, const tocha_tensor *src, int dim,
                          int64_t size, int64_t step);
/* Size-1 dims may grow (stride 0); ndim may grow by leading dims. */
tocha_status tocha_expand(tocha_tensor *out, const tocha_tensor *src, int ndim,
                          const int64_t *size);
tocha_status tocha_squeeze(tocha_tensor *out, const tocha_tensor *src);
tocha_status tocha_squeeze_dim(tocha_tensor *out, const tocha_tensor *src, int dim);
tocha_status tocha_unsqueeze(tocha_tensor *out, const tocha_tensor *src, int dim);
/* Same elements, new shape; one size may be -1 (inferred).  Needs a
 * geometry compatible with the new shape (contiguous always is). */
tocha_status tocha_view(tocha_tensor *out, const tocha_tensor *src, int ndim,
                        const int64_t *size);

/* ---- copies ----------------------------------------------------------- */

/* Copies elements in logical order; types may differ; nElements must match. */
tocha_status tocha_copy(tocha_tensor *dst, const tocha_tensor *src);
/* out = a contiguous copy of src (a new storage), type `dtype`. */
tocha_status tocha_clone(tocha_tensor *out, const tocha_tensor *src, tocha_dtype dtype);
/* out = src when src is contiguous (shared), else a contiguous copy. */
tocha_status tocha_contiguous(tocha_tensor *out, const tocha_tensor *src);
tocha_status tocha_fill(tocha_tensor *t, double value);

/* ---- files ------------------------------------------------------------ */

/* Replaces the file at `path` by the concatenation of the n buffers, crash-
 * safely: they are written to a temporary file in the target's directory,
 * which is fsynced, given the target's permissions (and owner, when
 * allowed), renamed over the target; then the directory is fsynced.  A
 * symbolic link is followed (the file it names is replaced, the link stays;
 * a dangling link's target is created).  An existing target that is not a
 * regular file (device, FIFO, directory) is an error and is left alone.  On
 * any failure the previous file is intact and the temporary file removed. */
tocha_status tocha_replace_file(const char *path, const void *const *parts, const size_t *lengths, int n);

#ifdef __cplusplus
}
#endif

/* The rest of the API, by area. */
#include "tocha_math.h"   /* pointwise math and comparisons */
#include "tocha_reduce.h" /* sums, means, max/min, norms */
#include "tocha_linalg.h" /* BLAS: dot, mv, mm, bmm, ger */
#include "tocha_index.h"  /* masks and index tensors */
#include "tocha_random.h" /* Philox counter-based generator */
#include "tocha_dropout.h" /* the dropout kernel, bit masks */
#include "tocha_nn.h"     /* nn kernels: activations, softmax, criterions */
#include "tocha_idx.h"    /* IDX files (MNIST), plain or gzip */
#include "tocha_plot.h"   /* the chart canvas (cairo): PNG, SVG, PDF */
#include "tocha_tensorlib.h" /* sort, order statistics, diag/tril/triu, histograms, bit ops */
#include "tocha_lapack.h"  /* LAPACK: gesv, gels, potrf, qr, svd, eig, ... */
#include "tocha_conv.h"    /* conv2, xcorr2, conv3, xcorr3 */
#endif /* TOCHA_H */
