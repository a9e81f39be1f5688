/*
 * SoftMax and LogSoftMax over the last dimension of a 1-D (n) or 2-D
 * (batch, n) tensor, forward and backward side by side.  Each row has its
 * maximum subtracted before exp, so large inputs neither overflow nor lose
 * the small entries.  Sums accumulate in double.
 */
#include <math.h>

#include "../../tocha_nn.h"

/* A 1-D or 2-D tensor seen as rows: row r, column j is at
 * data[r * rs + j * cs]. */
typedef struct rows {
  char *data;
  int64_t nrows, ncols, rs, cs;
} rows;

static rows as_rows(const tocha_tensor *t) {
  rows r;
  r.data = tocha_tensor_data(t);
  if (t->ndim == 1) {
    r.nrows = 1;
    r.ncols = t->size[0];
    r.rs = 0;
    r.cs = t->stride[0];
  } else {
    r.nrows = t->size[0];
    r.ncols = t->size[1];
    r.rs = t->stride[0];
    r.cs = t->stride[1];
  }
  return r;
}

static tocha_status check_matrix(const tocha_tensor *t, int arg, const char *name) {
  if (t->dtype != TOCHA_FLOAT && t->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, arg, "%s must be a FloatTensor or DoubleTensor, got a %sTensor", name,
                      tocha_dtype_name(t->dtype));
  if (t->ndim != 1 && t->ndim != 2) {
    char s[128];
    tocha_tensor_shape_string(t, s, sizeof s);
    return tocha_fail(TOCHA_ESIZE, arg, "%s must be a vector (n) or a matrix (batch, n), got size %s", name, s);
  }
  if (tocha_tensor_nelement(t) == 0)
    return tocha_fail(TOCHA_ESIZE, arg, "%s has no elements", name);
  return TOCHA_OK;
}

static tocha_status prepare_out(tocha_tensor *out, const tocha_tensor *like, const char *out_name,
                                const char *like_name) {
  if (out->dtype != like->dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "%s is a %sTensor but %s is a %sTensor", like_name,
                      tocha_dtype_name(like->dtype), out_name, tocha_dtype_name(out->dtype));
  if (out == like) return TOCHA_OK;
  return tocha_tensor_resize_as(out, like);
}

static tocha_status check_forward(tocha_tensor *output, const tocha_tensor *input) {
  tocha_status st = check_matrix(input, 1, "input");
  if (st) return st;
  return prepare_out(output, input, "output", "input");
}

static tocha_status check_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                   const tocha_tensor *output) {
  tocha_status st = check_matrix(output, 2, "output");
  if (st) return st;
  if (grad_output->dtype != output->dtype)
    return tocha_fail(TOCHA_ETYPE, 1, "gradOutput is a %sTensor but output is a %sTensor",
                      tocha_dtype_name(grad_output->dtype), tocha_dtype_name(output->dtype));
  if (!tocha_tensor_same_size(grad_output, output)) {
    char a[128], b[128];
    tocha_tensor_shape_string(grad_output, a, sizeof a);
    tocha_tensor_shape_string(output, b, sizeof b);
    return tocha_fail(TOCHA_ESIZE, 1, "gradOutput has size %s but output has size %s", a, b);
  }
  return prepare_out(grad_input, grad_output, "gradInput", "gradOutput");
}

/*
 * Per-row kernels, one copy per element type (S: the libm suffix).  The
 * strides are parameters; the callers pass literal 1s for contiguous rows
 * so the inlined loops are plain unit-stride loops.
 */
#define ROW_KERNELS(T, S)                                                                      \
  /* (n) -> (n): y = exp(x - max) / sum */                                                     \
  static inline void softmax_row_##T(T *y, int64_t ys, const T *x, int64_t xs, int64_t n) {    \
    T max = x[0];                                                                              \
    for (int64_t j = 1; j < n; j++) max = x[j * xs] > max ? x[j * xs] : max;                   \
    double sum = 0;                                                                            \
    for (int64_t j = 0; j < n; j++) {                                                          \
      T e = exp##S(x[j * xs] - max);                                                           \
      y[j * ys] = e;                                                                           \
      sum += e;                                                                                \
    }                                                                                          \
    const T inv = (T)(1.0 / sum);                                                              \
    for (int64_t j = 0; j < n; j++) y[j * ys] *= inv;                                          \
  }                                                                                            \
  /* (n) -> (n): y = x - max - log(sum exp(x - max)) */                                        \
  static inline void log_softmax_row_##T(T *y, int64_t ys, const T *x, int64_t xs, int64_t n) { \
    T max = x[0];                                                                              \
    for (int64_t j = 1; j < n; j++) max = x[j * xs] > max ? x[j * xs] : max;                   \
    double sum = 0;                                                                            \
    for (int64_t j = 0; j < n; j++) sum += exp##S(x[j * xs] - max);                            \
    /* (x - max) - log(sum), not x - (max + log(sum)): with logits of 1e8 the  \
     * sum max + log(sum) rounds back to max in float and log(sum) is lost. */ \
    const T lse = (T)log(sum);                                                                 \
    for (int64_t j = 0; j < n; j++) y[j * ys] = (x[j * xs] - max) - lse;                       \
  }                                                                                            \
  /* gi = y * (go - sum(go * y)) */                                                            \
  static inline void softmax_back_row_##T(T *gi, int64_t gis, const T *go, int64_t gos,        \
                                          const T *y, int64_t ys, int64_t n) {                 \
    double dot = 0;                                                                            \
    for (int64_t j = 0; j < n; j++) dot += (double)go[j * gos] * y[j * ys];                    \
    const T d = (T)dot;                                                                        \
    for (int64_t j = 0; j < n; j++) gi[j * gis] = y[j * ys] * (go[j * gos] - d);               \
  }                                                                                            \
  /* gi = go - exp(y) * sum(go) */                                                             \
  static inline void log_softmax_back_row_##T(T *gi, int64_t gis, const T *go, int64_t gos,   \
                                              const T *y, int64_t ys, int64_t n) {             \
    double total = 0;                                                                          \
    for (int64_t j = 0; j < n; j++) total += go[j * gos];                                      \
    const T s = (T)total;                                                                      \
    for (int64_t j = 0; j < n; j++) gi[j * gis] = go[j * gos] - exp##S(y[j * ys]) * s;         \
  }

ROW_KERNELS(float, f)
ROW_KERNELS(double, )
#undef ROW_KERNELS

/* Applies a forward row kernel to every row of (output, input). */
#define FORWARD_ROWS(KERNEL, out, in)                                                          \
  do {                                                                                         \
    rows y_ = as_rows(out), x_ = as_rows(in);                                                  \
    int unit_ = y_.cs == 1 && x_.cs == 1;                                                      \
    if ((in)->dtype == TOCHA_FLOAT) {                                                          \
      for (int64_t r = 0; r < x_.nrows; r++) {                                                 \
        float *y = (float *)y_.data + r * y_.rs;                                               \
        const float *x = (const float *)x_.data + r * x_.rs;                                   \
        if (unit_) KERNEL##_float(y, 1, x, 1, x_.ncols);                                       \
        else KERNEL##_float(y, y_.cs, x, x_.cs, x_.ncols);                                     \
      }                                                                                        \
    } else {                                                                                   \
      for (int64_t r = 0; r < x_.nrows; r++) {                                                 \
        double *y = (double *)y_.data + r * y_.rs;                                             \
        const double *x = (const double *)x_.data + r * x_.rs;                                 \
        if (unit_) KERNEL##_double(y, 1, x, 1, x_.ncols);                                      \
        else KERNEL##_double(y, y_.cs, x, x_.cs, x_.ncols);                                    \
      }                                                                                        \
    }                                                                                          \
  } while (0)

/* Applies a backward row kernel to every row of (grad_input, grad_output, output). */
#define BACKWARD_ROWS(KERNEL, gin, gout, out)                                                  \
  do {                                                                                         \
    rows gi_ = as_rows(gin), go_ = as_rows(gout), y_ = as_rows(out);                           \
    int unit_ = gi_.cs == 1 && go_.cs == 1 && y_.cs == 1;                                      \
    if ((out)->dtype == TOCHA_FLOAT) {                                                         \
      for (int64_t r = 0; r < y_.nrows; r++) {                                                 \
        float *gi = (float *)gi_.data + r * gi_.rs;                                            \
        const float *go = (const float *)go_.data + r * go_.rs;                                \
        const float *y = (const float *)y_.data + r * y_.rs;                                   \
        if (unit_) KERNEL##_float(gi, 1, go, 1, y, 1, y_.ncols);                               \
        else KERNEL##_float(gi, gi_.cs, go, go_.cs, y, y_.cs, y_.ncols);                       \
      }                                                                                        \
    } else {                                                                                   \
      for (int64_t r = 0; r < y_.nrows; r++) {                                                 \
        double *gi = (double *)gi_.data + r * gi_.rs;                                          \
        const double *go = (const double *)go_.data + r * go_.rs;                              \
        const double *y = (const double *)y_.data + r * y_.rs;                                 \
        if (unit_) KERNEL##_double(gi, 1, go, 1, y, 1, y_.ncols);                              \
        else KERNEL##_double(gi, gi_.cs, go, go_.cs, y, y_.cs, y_.ncols);                      \
      }                                                                                        \
    }                                                                                          \
  } while (0)

/* (n) or (batch, n) -> same */
tocha_status tocha_nn_softmax_forward(tocha_tensor *output, const tocha_tensor *input) {
  tocha_status st = check_forward(output, input);
  if (st) return st;
  FORWARD_ROWS(softmax_row, output, input);
  return TOCHA_OK;
}

tocha_status tocha_nn_softmax_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                       const tocha_tensor *output) {
  tocha_status st = check_backward(grad_input, grad_output, output);
  if (st) return st;
  BACKWARD_ROWS(softmax_back_row, grad_input, grad_output, output);
  return TOCHA_OK;
}

tocha_status tocha_nn_log_softmax_forward(tocha_tensor *output, const tocha_tensor *input) {
  tocha_status st = check_forward(output, input);
  if (st) return st;
  FORWARD_ROWS(log_softmax_row, output, input);
  return TOCHA_OK;
}

tocha_status tocha_nn_log_softmax_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                           const tocha_tensor *output) {
  tocha_status st = check_backward(grad_input, grad_output, output);
  if (st) return st;
  BACKWARD_ROWS(log_softmax_back_row, grad_input, grad_output, output);
  return TOCHA_OK;
}
