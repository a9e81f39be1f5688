/*
 * Activation functions, forward and backward side by side (THNN style):
 * ReLU, LeakyReLU, ELU, Tanh, Sigmoid.  Elementwise over tensors of any
 * shape; `output` may be `input` and `grad_input` may be `grad_output`
 * (Torch7's inplace), otherwise they are resized to the input's shape.
 */
#include <math.h>

#include "../../tocha_nn.h"
#include "../iter.h"
#include "../result.h"
#include "../simd.h"
#include "../threads.h"

/* ---- shared checks -------------------------------------------------------- */

static tocha_status check_real(const tocha_tensor *t, int arg, const char *name) {
  if (t->dtype != TOCHA_FLOAT && t->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, arg, "%s must be a FloatTensor or DoubleTensor, got a %sTensor", name,
                      tocha_dtype_name(t->dtype));
  return TOCHA_OK;
}

/* Checks that `out` can hold a result shaped like `like` and shapes it. */
static tocha_status prepare_out(tocha_tensor *out, const tocha_tensor *like, const char *out_name,
                                const char *like_name) {
  if (out->dtype != like->dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "%s is a %sTensor but %s is a %sTensor", like_name,
                      tocha_dtype_name(like->dtype), out_name, tocha_dtype_name(out->dtype));
  if (out == like) return TOCHA_OK;
  return tocha_tensor_resize_as(out, like);
}

static tocha_status check_forward(tocha_tensor *output, const tocha_tensor *input) {
  tocha_status st = check_real(input, 1, "input");
  if (st) return st;
  return prepare_out(output, input, "output", "input");
}

/* gradOutput (position 1) must match `ref` (position 2) in type and shape. */
static tocha_status check_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                   const tocha_tensor *ref, const char *ref_name) {
  tocha_status st = check_real(ref, 2, ref_name);
  if (st) return st;
  if (grad_output->dtype != ref->dtype)
    return tocha_fail(TOCHA_ETYPE, 1, "gradOutput is a %sTensor but %s is a %sTensor",
                      tocha_dtype_name(grad_output->dtype), ref_name, tocha_dtype_name(ref->dtype));
  if (!tocha_tensor_same_size(grad_output, ref)) {
    char a[128], b[128];
    tocha_tensor_shape_string(grad_output, a, sizeof a);
    tocha_tensor_shape_string(ref, b, sizeof b);
    return tocha_fail(TOCHA_ESIZE, 1, "gradOutput has size %s but %s has size %s", a, ref_name, b);
  }
  return prepare_out(grad_input, grad_output, "gradInput", "gradOutput");
}

/* Runs BODY over (a, b) for float (S = f) and double (S empty): the suffix
 * picks expf/exp, tanhf/tanh. */
#define DISPATCH_REAL(dtype, M) \
  switch (dtype) {              \
    case TOCHA_FLOAT: M(float, f); break;  \
    case TOCHA_DOUBLE: M(double, ); break; \
    default: break;             \
  }

/* Elementwise y = f(x) over (output, input). */
#define UNARY(output, input, EXPR)                                        \
  do {                                                                    \
    tocha_iter it;                                                        \
    tocha_iter_init(&it, 2, (const tocha_tensor *[]){(output), (input)}); \
    DISPATCH_REAL((input)->dtype, EXPR)                                   \
  } while (0)

/* Elementwise gi = f(go, r) over (grad_input, grad_output, ref). */
#define BINARY(grad_input, grad_output, ref, EXPR)                                           \
  do {                                                                                       \
    tocha_iter it;                                                                           \
    tocha_iter_init(&it, 3, (const tocha_tensor *[]){(grad_input), (grad_output), (ref)});   \
    DISPATCH_REAL((ref)->dtype, EXPR)                                                        \
  } while (0)

/* ---- ReLU ------------------------------------------------------------------ */

/* Contiguous operands that are either the same elements (inplace) or
 * disjoint - the training step's case - take plain loops compiled for the
 * CPU's widest vectors, split over tocha's threads when large; any other
 * layout takes the strided iterator. */
#define RELU_PARALLEL_MIN (1 << 15) /* elements per thread at least: below, waking a thread costs more than it saves */
#define RELU_GRANULE 1024

static int plain_operands(const tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b) {
  if (!tocha_tensor_is_contiguous(out) || !tocha_tensor_is_contiguous(a) || (b && !tocha_tensor_is_contiguous(b)))
    return 0;
  if (!tocha_same_view(out, a) && tocha_mem_overlap(out, a)) return 0;
  return !b || tocha_same_view(out, b) || !tocha_mem_overlap(out, b);
}

typedef struct relu_job {
  void *out;
  const void *a, *b; /* forward: x; backward: go, x */
} relu_job;

#define RELU_KERNELS(T)                                                                               \
  TOCHA_CLONES static void relu_forward_##T(T *y, const T *x, int64_t n) {                           \
    for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : (T)0;                                    \
  }                                                                                                   \
  TOCHA_CLONES static void relu_backward_##T(T *gi, const T *go, const T *x, int64_t n) {            \
    for (int64_t i = 0; i < n; i++) gi[i] = x[i] > 0 ? go[i] : (T)0;                                  \
  }                                                                                                   \
  static void relu_forward_range_##T(void *arg, int64_t lo, int64_t hi) {                            \
    const relu_job *j = arg;                                                                          \
    relu_forward_##T((T *)j->out + lo, (const T *)j->a + lo, hi - lo);                                \
  }                                                                                                   \
  static void relu_backward_range_##T(void *arg, int64_t lo, int64_t hi) {                           \
    const relu_job *j = arg;                                                                          \
    relu_backward_##T((T *)j->out + lo, (const T *)j->a + lo, (const T *)j->b + lo, hi - lo);         \
  }
RELU_KERNELS(float)
RELU_KERNELS(double)

static void relu_plain(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b) {
  relu_job job = {tocha_tensor_data(out), tocha_tensor_data(a), b ? tocha_tensor_data(b) : NULL};
  int64_t n = tocha_tensor_nelement(out);
  tocha_range_fn fn = out->dtype == TOCHA_FLOAT ? (b ? relu_backward_range_float : relu_forward_range_float)
                                                : (b ? relu_backward_range_double : relu_forward_range_double);
  tocha_parallel_range(n, RELU_PARALLEL_MIN, RELU_GRANULE, fn, &job);
}

tocha_status tocha_nn_relu_forward(tocha_tensor *output, const tocha_tensor *input) {
  tocha_status st = check_forward(output, input);
  if (st) return st;
  if (plain_operands(output, input, NULL)) {
    relu_plain(output, input, NULL);
    return TOCHA_OK;
  }
#define RELU_F(T, S) TOCHA_ITER_LOOP2(&it, T, y, const T, x, *y = *x > 0 ? *x : (T)0)
  UNARY(output, input, RELU_F);
#undef RELU_F
  return TOCHA_OK;
}

/* (any) gi = go where x > 0, else 0 */
tocha_status tocha_nn_relu_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                    const tocha_tensor *input) {
  tocha_status st = check_backward(grad_input, grad_output, input, "input");
  if (st) return st;
  if (plain_operands(grad_input, grad_output, input)) {
    relu_plain(grad_input, grad_output, input);
    return TOCHA_OK;
  }
  /* Both operands are read unconditionally, so the select compiles to
   * vector masks instead of an unpredictable branch per element. */
#define RELU_B(T, S) TOCHA_ITER_LOOP3(&it, T, gi, const T, go, const T, x, { \
    const T g_ = *go;                                                       \
    *gi = *x > 0 ? g_ : (T)0;                                               \
  })
  BINARY(grad_input, grad_output, input, RELU_B);
#undef RELU_B
  return TOCHA_OK;
}

/* ---- LeakyReLU ------------------------------------------------------------- */

tocha_status tocha_nn_leaky_relu_forward(tocha_tensor *output, const tocha_tensor *input, double negval) {
  tocha_status st = check_forward(output, input);
  if (st) return st;
#define LEAKY_F(T, S)                                                    \
  {                                                                      \
    const T a = (T)negval;                                               \
    TOCHA_ITER_LOOP2(&it, T, y, const T, x, *y = *x > 0 ? *x : a * *x)   \
  }
  UNARY(output, input, LEAKY_F);
#undef LEAKY_F
  return TOCHA_OK;
}

tocha_status tocha_nn_leaky_relu_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                          const tocha_tensor *input, double negval) {
  tocha_status st = check_backward(grad_input, grad_output, input, "input");
  if (st) return st;
#define LEAKY_B(T, S)                                                                       \
  {                                                                                         \
    const T a = (T)negval;                                                                  \
    TOCHA_ITER_LOOP3(&it, T, gi, const T, go, const T, x, *gi = *x > 0 ? *go : a * *go)     \
  }
  BINARY(grad_input, grad_output, input, LEAKY_B);
#undef LEAKY_B
  return TOCHA_OK;
}

/* ---- ELU ------------------------------------------------------------------- */

tocha_status tocha_nn_elu_forward(tocha_tensor *output, const tocha_tensor *input, double alpha) {
  tocha_status st = check_forward(output, input);
  if (st) return st;
#define ELU_F(T, S)                                                                 \
  {                                                                                 \
    const T a = (T)alpha;                                                           \
    TOCHA_ITER_LOOP2(&it, T, y, const T, x, *y = *x > 0 ? *x : a * expm1##S(*x))    \
  }
  UNARY(output, input, ELU_F);
#undef ELU_F
  return TOCHA_OK;
}

/* For x <= 0, d/dx alpha (exp(x) - 1) = alpha exp(x) = y + alpha. */
tocha_status tocha_nn_elu_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                   const tocha_tensor *output, double alpha) {
  tocha_status st = check_backward(grad_input, grad_output, output, "output");
  if (st) return st;
#define ELU_B(T, S)                                                                           \
  {                                                                                           \
    const T a = (T)alpha;                                                                     \
    TOCHA_ITER_LOOP3(&it, T, gi, const T, go, const T, y, *gi = *y > 0 ? *go : *go * (*y + a)) \
  }
  BINARY(grad_input, grad_output, output, ELU_B);
#undef ELU_B
  return TOCHA_OK;
}

/* ---- Tanh ------------------------------------------------------------------ */

tocha_status tocha_nn_tanh_forward(tocha_tensor *output, const tocha_tensor *input) {
  tocha_status st = check_forward(output, input);
  if (st) return st;
#define TANH_F(T, S) TOCHA_ITER_LOOP2(&it, T, y, const T, x, *y = tanh##S(*x))
  UNARY(output, input, TANH_F);
#undef TANH_F
  return TOCHA_OK;
}

tocha_status tocha_nn_tanh_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                    const tocha_tensor *output) {
  tocha_status st = check_backward(grad_input, grad_output, output, "output");
  if (st) return st;
#define TANH_B(T, S) TOCHA_ITER_LOOP3(&it, T, gi, const T, go, const T, y, *gi = *go * ((T)1 - *y * *y))
  BINARY(grad_input, grad_output, output, TANH_B);
#undef TANH_B
  return TOCHA_OK;
}

/* ---- Sigmoid --------------------------------------------------------------- */

tocha_status tocha_nn_sigmoid_forward(tocha_tensor *output, const tocha_tensor *input) {
  tocha_status st = check_forward(output, input);
  if (st) return st;
  /* exp(-x) overflows to inf for very negative x, giving exactly 0. */
#define SIGMOID_F(T, S) TOCHA_ITER_LOOP2(&it, T, y, const T, x, *y = (T)1 / ((T)1 + exp##S(-*x)))
  UNARY(output, input, SIGMOID_F);
#undef SIGMOID_F
  return TOCHA_OK;
}

tocha_status tocha_nn_sigmoid_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                       const tocha_tensor *output) {
  tocha_status st = check_backward(grad_input, grad_output, output, "output");
  if (st) return st;
#define SIGMOID_B(T, S) TOCHA_ITER_LOOP3(&it, T, gi, const T, go, const T, y, *gi = *go * *y * ((T)1 - *y))
  BINARY(grad_input, grad_output, output, SIGMOID_B);
#undef SIGMOID_B
  return TOCHA_OK;
}
