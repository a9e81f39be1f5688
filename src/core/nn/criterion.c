/*
 * Criterions, forward (the loss, accumulated in double) and backward (the
 * gradient of the loss with respect to the input) side by side:
 * ClassNLL, MSE, BCE.
 */
#include <math.h>
#include <stdio.h>

#include "../../tocha_nn.h"
#include "../iter.h"

/* ---- shared checks -------------------------------------------------------- */

static tocha_status check_real(const tocha_tensor *t, int arg, const char *name) {
  if (t->dtype != TOCHA_FLOAT && t->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, arg, "%s must be a FloatTensor or DoubleTensor, got a %sTensor", name,
                      tocha_dtype_name(t->dtype));
  if (tocha_tensor_nelement(t) == 0) return tocha_fail(TOCHA_ESIZE, arg, "%s has no elements", name);
  return TOCHA_OK;
}

static tocha_status check_same_type(const tocha_tensor *t, int arg, const char *name, const tocha_tensor *input) {
  if (t->dtype != input->dtype)
    return tocha_fail(TOCHA_ETYPE, arg, "%s is a %sTensor but input is a %sTensor", name,
                      tocha_dtype_name(t->dtype), tocha_dtype_name(input->dtype));
  return TOCHA_OK;
}

static tocha_status check_same_size(const tocha_tensor *t, int arg, const char *name, const tocha_tensor *input) {
  if (!tocha_tensor_same_size(t, input)) {
    char a[128], b[128];
    tocha_tensor_shape_string(t, a, sizeof a);
    tocha_tensor_shape_string(input, b, sizeof b);
    return tocha_fail(TOCHA_ESIZE, arg, "%s has size %s but input has size %s", name, a, b);
  }
  return TOCHA_OK;
}

static tocha_status prepare_grad_input(tocha_tensor *grad_input, const tocha_tensor *input) {
  if (grad_input->dtype != input->dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "input is a %sTensor but gradInput is a %sTensor",
                      tocha_dtype_name(input->dtype), tocha_dtype_name(grad_input->dtype));
  if (grad_input == input) return TOCHA_OK;
  return tocha_tensor_resize_as(grad_input, input);
}

/* Element k (0-based, logical order) of a 1-D tensor, as a double. */
static double element_1d(const tocha_tensor *t, int64_t k) {
  const char *p = (const char *)tocha_tensor_data(t) + k * t->stride[0] * (int64_t)tocha_dtype_size(t->dtype);
  switch (t->dtype) {
    case TOCHA_FLOAT: return *(const float *)p;
    case TOCHA_DOUBLE: return *(const double *)p;
    case TOCHA_LONG: return (double)*(const int64_t *)p;
    case TOCHA_BYTE: return *(const uint8_t *)p;
    case TOCHA_INT: return *(const int32_t *)p;
    case TOCHA_SHORT: return *(const int16_t *)p;
    case TOCHA_CHAR: return *(const int8_t *)p;
    default: return 0;
  }
}

/* ---- ClassNLL -------------------------------------------------------------- */

/* A (batch, n) view of the input: row r, class c at data[r * rs + c * cs];
 * the target read as a flat list of batch class indices. */
typedef struct nll_args {
  int64_t batch, nclasses, rs, cs;
  int batched; /* input is (batch, n) */
  const tocha_tensor *target; /* 1-D view of the target */
  tocha_tensor target_view;
} nll_args;

static tocha_status nll_check(nll_args *a, const tocha_tensor *input, const tocha_tensor *target,
                              const tocha_tensor *weights) {
  tocha_status st = check_real(input, 1, "input");
  if (st) return st;
  char s[128];
  if (input->ndim != 1 && input->ndim != 2) {
    tocha_tensor_shape_string(input, s, sizeof s);
    return tocha_fail(TOCHA_ESIZE, 1, "input must be a vector (n) or a matrix (batch, n), got size %s", s);
  }
  if (target->dtype == TOCHA_BYTE)
    return tocha_fail(TOCHA_ETYPE, 2, "target must be a Float, Double, Long or IntTensor of class indices, got a %sTensor",
                      tocha_dtype_name(target->dtype));
  a->batched = input->ndim == 2;
  if (input->ndim == 1) {
    a->batch = 1;
    a->nclasses = input->size[0];
    a->rs = 0;
    a->cs = input->stride[0];
    if (tocha_tensor_nelement(target) != 1)
      return tocha_tensor_shape_string(target, s, sizeof s),
             tocha_fail(TOCHA_ESIZE, 2, "target must hold one class index for a vector input, got size %s", s);
  } else {
    a->batch = input->size[0];
    a->nclasses = input->size[1];
    a->rs = input->stride[0];
    a->cs = input->stride[1];
    if (target->ndim != 1 || target->size[0] != a->batch) {
      char is[128];
      tocha_tensor_shape_string(input, is, sizeof is);
      tocha_tensor_shape_string(target, s, sizeof s);
      return tocha_fail(TOCHA_ESIZE, 2, "target must be a vector of %lld class indices for input of size %s, got size %s",
                        (long long)a->batch, is, s);
    }
  }
  /* A single-element target of any shape is read as a vector. */
  a->target_view = *target;
  if (target->ndim != 1) {
    int64_t step = 0;
    for (int d = 0; d < target->ndim; d++) step += target->stride[d]; /* all sizes are 1 */
    a->target_view.ndim = 1;
    a->target_view.size[0] = 1;
    a->target_view.stride[0] = step;
  }
  a->target = &a->target_view;
  if (weights) {
    if ((st = check_same_type(weights, 3, "weights", input))) return st;
    if (weights->ndim != 1 || weights->size[0] != a->nclasses) {
      tocha_tensor_shape_string(weights, s, sizeof s);
      return tocha_fail(TOCHA_ESIZE, 3, "weights must be a vector of %lld class weights, got size %s",
                        (long long)a->nclasses, s);
    }
  }
  return TOCHA_OK;
}

/* Reads the class of row r into *cls (0-based), or -1 when ignored. */
static tocha_status nll_class(const nll_args *a, int64_t r, int64_t ignore_index, int64_t *cls) {
  *cls = -1;
  double v = element_1d(a->target, r);
  if (v == (double)ignore_index) {
    *cls = -1;
    return TOCHA_OK;
  }
  char where[64] = "";
  if (a->batched) snprintf(where, sizeof where, " at row %lld", (long long)r + 1);
  if (!(v == floor(v)))
    return tocha_fail(TOCHA_EARG, 2, "target %g%s is not an integer class index", v, where);
  if (v < 1 || v > (double)a->nclasses)
    return tocha_fail(TOCHA_EARG, 2, "target %.0f%s out of range 1..%lld", v, where, (long long)a->nclasses);
  *cls = (int64_t)v - 1;
  return TOCHA_OK;
}

static double nll_weight(const tocha_tensor *weights, int64_t cls) {
  return weights ? element_1d(weights, cls) : 1.0;
}

/* (n) or (batch, n) with target (1) or (batch) -> scalar */
tocha_status tocha_nn_class_nll_forward(double *loss, const tocha_tensor *input, const tocha_tensor *target,
                                        const tocha_tensor *weights, int size_average, int64_t ignore_index) {
  nll_args a;
  tocha_status st = nll_check(&a, input, target, weights);
  if (st) return st;
  const char *base = tocha_tensor_data(input);
  size_t es = tocha_dtype_size(input->dtype);
  double sum = 0, total_weight = 0;
  for (int64_t r = 0; r < a.batch; r++) {
    int64_t c;
    if ((st = nll_class(&a, r, ignore_index, &c))) return st;
    if (c < 0) continue;
    const char *p = base + (r * a.rs + c * a.cs) * (int64_t)es;
    double x = input->dtype == TOCHA_FLOAT ? *(const float *)p : *(const double *)p;
    double w = nll_weight(weights, c);
    sum -= w * x;
    total_weight += w;
  }
  if (size_average && total_weight != 0) sum /= total_weight;
  *loss = sum;
  return TOCHA_OK;
}

/* gradInput (n) or (batch, n): -w[t] (/ total weight) at each target, 0 elsewhere */
tocha_status tocha_nn_class_nll_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                         const tocha_tensor *target, const tocha_tensor *weights,
                                         int size_average, int64_t ignore_index) {
  nll_args a;
  tocha_status st = nll_check(&a, input, target, weights);
  if (st) return st;
  /* Validate every target before writing anything. */
  double total_weight = 0;
  for (int64_t r = 0; r < a.batch; r++) {
    int64_t c;
    if ((st = nll_class(&a, r, ignore_index, &c))) return st;
    if (c >= 0) total_weight += nll_weight(weights, c);
  }
  if ((st = prepare_grad_input(grad_input, input))) return st;
  if ((st = tocha_fill(grad_input, 0))) return st;
  double scale = size_average ? (total_weight != 0 ? 1.0 / total_weight : 0.0) : 1.0;
  nll_args g = a; /* grad_input's strides */
  if (grad_input->ndim == 1) {
    g.rs = 0;
    g.cs = grad_input->stride[0];
  } else {
    g.rs = grad_input->stride[0];
    g.cs = grad_input->stride[1];
  }
  char *base = tocha_tensor_data(grad_input);
  size_t es = tocha_dtype_size(grad_input->dtype);
  for (int64_t r = 0; r < a.batch; r++) {
    int64_t c = -1;
    nll_class(&a, r, ignore_index, &c); /* validated above */
    if (c < 0) continue;
    char *p = base + (r * g.rs + c * g.cs) * (int64_t)es;
    double v = -nll_weight(weights, c) * scale;
    if (grad_input->dtype == TOCHA_FLOAT)
      *(float *)p = (float)v;
    else
      *(double *)p = v;
  }
  return TOCHA_OK;
}

/* ---- MSE ------------------------------------------------------------------- */

static tocha_status pair_check(const tocha_tensor *input, const tocha_tensor *target) {
  tocha_status st = check_real(input, 1, "input");
  if (st) return st;
  if ((st = check_same_type(target, 2, "target", input))) return st;
  return check_same_size(target, 2, "target", input);
}

/* (any) x (same) -> scalar */
tocha_status tocha_nn_mse_forward(double *loss, const tocha_tensor *input, const tocha_tensor *target,
                                  int size_average) {
  tocha_status st = pair_check(input, target);
  if (st) return st;
  double sum = 0;
  tocha_iter it;
  tocha_iter_init(&it, 2, (const tocha_tensor *[]){input, target});
#define MSE_F(T) TOCHA_ITER_LOOP2(&it, const T, x, const T, t, { double d = (double)*x - *t; sum += d * d; })
  if (input->dtype == TOCHA_FLOAT) MSE_F(float) else MSE_F(double)
#undef MSE_F
  if (size_average) sum /= (double)tocha_tensor_nelement(input);
  *loss = sum;
  return TOCHA_OK;
}

/* gradInput = 2 (x - t) (/ nElement) */
tocha_status tocha_nn_mse_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                   const tocha_tensor *target, int size_average) {
  tocha_status st = pair_check(input, target);
  if (st) return st;
  if ((st = prepare_grad_input(grad_input, input))) return st;
  double norm = size_average ? 2.0 / (double)tocha_tensor_nelement(input) : 2.0;
  tocha_iter it;
  tocha_iter_init(&it, 3, (const tocha_tensor *[]){grad_input, input, target});
#define MSE_B(T)                                                                   \
  {                                                                                \
    const T k = (T)norm;                                                           \
    TOCHA_ITER_LOOP3(&it, T, gi, const T, x, const T, t, *gi = k * (*x - *t))      \
  }
  if (input->dtype == TOCHA_FLOAT) MSE_B(float) else MSE_B(double)
#undef MSE_B
  return TOCHA_OK;
}

/* ---- BCE ------------------------------------------------------------------- */

/* Checks the arguments; *w becomes weights expanded to input's shape. */
static tocha_status bce_check(tocha_tensor *w, const tocha_tensor *input, const tocha_tensor *target,
                              const tocha_tensor *weights) {
  tocha_status st = pair_check(input, target);
  if (st) return st;
  /* Probabilities only: log(x) of anything else is meaningless. */
  int64_t bad = -1, k = 0;
  double bad_value = 0;
  tocha_iter it;
  tocha_iter_init(&it, 1, (const tocha_tensor *[]){input});
#define BCE_RANGE(T)                                                                 \
  TOCHA_ITER_LOOP1(&it, const T, x, {                                                \
    if (bad < 0 && !(*x >= 0 && *x <= 1)) { bad = k; bad_value = *x; }               \
    k++;                                                                             \
  })
  if (input->dtype == TOCHA_FLOAT) BCE_RANGE(float) else BCE_RANGE(double)
#undef BCE_RANGE
  if (bad >= 0)
    return tocha_fail(TOCHA_EARG, 1, "input must hold probabilities in [0, 1], got %g at element %lld", bad_value,
                      (long long)bad + 1);
  if (!weights) return TOCHA_OK;
  if ((st = check_same_type(weights, 3, "weights", input))) return st;
  int rowwise = input->ndim == 2 && weights->ndim == 1 && weights->size[0] == input->size[1];
  if (!rowwise && !tocha_tensor_same_size(weights, input)) {
    char a[128], b[128];
    tocha_tensor_shape_string(weights, a, sizeof a);
    tocha_tensor_shape_string(input, b, sizeof b);
    return tocha_fail(TOCHA_ESIZE, 3, "weights must have the input's size %s%s, got size %s", b,
                      input->ndim == 2 ? " or one weight per column" : "", a);
  }
  return tocha_expand(w, weights, input->ndim, input->size);
}

/* (any) x (same) [x weights] -> scalar */
tocha_status tocha_nn_bce_forward(double *loss, const tocha_tensor *input, const tocha_tensor *target,
                                  const tocha_tensor *weights, int size_average) {
  tocha_tensor w;
  tocha_tensor_init(&w, input->dtype);
  tocha_status st = bce_check(&w, input, target, weights);
  if (st) return st;
  double sum = 0;
  const double eps = TOCHA_NN_BCE_EPS;
  tocha_iter it;
#define BCE_TERM(x, t) ((double)*t * log((double)*x + eps) + (1.0 - (double)*t) * log(1.0 - (double)*x + eps))
  if (weights) {
    tocha_iter_init(&it, 3, (const tocha_tensor *[]){input, target, &w});
#define BCE_FW(T) TOCHA_ITER_LOOP3(&it, const T, x, const T, t, const T, wt, sum -= (double)*wt * BCE_TERM(x, t))
    if (input->dtype == TOCHA_FLOAT) BCE_FW(float) else BCE_FW(double)
#undef BCE_FW
  } else {
    tocha_iter_init(&it, 2, (const tocha_tensor *[]){input, target});
#define BCE_F(T) TOCHA_ITER_LOOP2(&it, const T, x, const T, t, sum -= BCE_TERM(x, t))
    if (input->dtype == TOCHA_FLOAT) BCE_F(float) else BCE_F(double)
#undef BCE_F
  }
#undef BCE_TERM
  tocha_tensor_release(&w);
  if (size_average) sum /= (double)tocha_tensor_nelement(input);
  *loss = sum;
  return TOCHA_OK;
}

/* gradInput = -w (t / (x + eps) - (1 - t) / (1 - x + eps)) (/ nElement) */
tocha_status tocha_nn_bce_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                   const tocha_tensor *target, const tocha_tensor *weights, int size_average) {
  tocha_tensor w;
  tocha_tensor_init(&w, input->dtype);
  tocha_status st = bce_check(&w, input, target, weights);
  if (!st) st = prepare_grad_input(grad_input, input);
  if (st) {
    tocha_tensor_release(&w);
    return st;
  }
  const double norm = size_average ? 1.0 / (double)tocha_tensor_nelement(input) : 1.0;
  tocha_iter it;
  tocha_iter_init(&it, 3, (const tocha_tensor *[]){grad_input, input, target});
#define BCE_B(T)                                                                                    \
  {                                                                                                 \
    const T e = (T)TOCHA_NN_BCE_EPS, k = (T)norm;                                                   \
    TOCHA_ITER_LOOP3(&it, T, gi, const T, x, const T, t, *gi = -k * (*t / (*x + e) - ((T)1 - *t) / ((T)1 - *x + e))) \
  }
  if (input->dtype == TOCHA_FLOAT) BCE_B(float) else BCE_B(double)
#undef BCE_B
  if (weights) {
    tocha_iter_init(&it, 2, (const tocha_tensor *[]){grad_input, &w});
#define BCE_W(T) TOCHA_ITER_LOOP2(&it, T, gi, const T, wt, *gi *= *wt)
    if (input->dtype == TOCHA_FLOAT) BCE_W(float) else BCE_W(double)
#undef BCE_W
  }
  tocha_tensor_release(&w);
  return TOCHA_OK;
}
