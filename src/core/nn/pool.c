/*
 * nn.SpatialMaxPooling's and nn.SpatialAveragePooling's kernels, forward
 * and backward side by side.  Planes (one image's one channel) are
 * independent: they are split over tocha's pool.  Window rows are clipped
 * to the image once per output row, not tested per element.
 */
#include <math.h>
#include <string.h>

#include "spatial.h"

typedef struct pool_plan {
  tocha_dtype dt;
  size_t es;
  tocha_images in;
  int64_t oh, ow;
  tocha_window win;
} pool_plan;

/* Positions: input 1 (gradOutput 2). */
static tocha_status plan_pool(pool_plan *p, const tocha_tensor *input, tocha_window win) {
  tocha_status st = tocha_window_check(win, 1);
  if (st) return st;
  if ((st = tocha_images_of(input, 1, "input", -1, &p->in))) return st;
  if ((st = tocha_window_output(win, &p->in, &p->oh, &p->ow))) return st;
  p->dt = input->dtype;
  p->es = tocha_dtype_size(p->dt);
  p->win = win;
  return TOCHA_OK;
}

static tocha_status check_grad_output(const pool_plan *p, const tocha_tensor *grad_output) {
  tocha_images go;
  tocha_status st = tocha_images_of(grad_output, 2, "gradOutput", p->dt, &go);
  if (st) return st;
  if (go.batched != p->in.batched || go.n != p->in.n || go.c != p->in.c || go.h != p->oh || go.w != p->ow) {
    char shape[128];
    tocha_tensor_shape_string(grad_output, shape, sizeof shape);
    return tocha_fail(TOCHA_ESIZE, 2, "gradOutput must have the output's size (%lld planes of %lldx%lld), got %s",
                      (long long)p->in.c, (long long)p->oh, (long long)p->ow, shape);
  }
  return TOCHA_OK;
}

/* The window of output (y, x) clipped to the image: rows [*y0, *y1), columns [*x0, *x1). */
static void window_at(const pool_plan *p, int64_t y, int64_t x, int64_t *y0, int64_t *y1, int64_t *x0,
                      int64_t *x1) {
  int64_t a = y * p->win.dH - p->win.padH, b = x * p->win.dW - p->win.padW;
  *y1 = a + p->win.kH < p->in.h ? a + p->win.kH : p->in.h;
  *x1 = b + p->win.kW < p->in.w ? b + p->win.kW : p->in.w;
  *y0 = a > 0 ? a : 0;
  *x0 = b > 0 ? b : 0;
}

/* ---- max pooling --------------------------------------------------------------- */

typedef struct pool_job {
  const pool_plan *p;
  const char *in, *gout;
  char *out, *gin;
  int64_t *idx;
  const int64_t *cidx;
  int count_include_pad;
} pool_job;

/* THNN's rule: a larger value or a NaN takes the window (a NaN then stays,
 * as nothing is larger than it); ties keep the first in row-major order.
 * Windows that lie inside the image's columns are done a window offset at
 * a time across the whole output row: independent selects the compiler
 * can vectorise, where one window at a time is a chain of dependent
 * compares (and, with branches, a coin toss for the predictor). */
#define DEFINE_MAX(T, BITS, SUFFIX)                                                                              \
  static void max_window_##SUFFIX(const pool_plan *p, const T *in, int64_t y0, int64_t y1, int64_t x,       \
                                  T *out, int64_t *idx) {                                                    \
    const int64_t W = p->in.w, a = x * p->win.dW - p->win.padW;                                              \
    const int64_t x0 = a > 0 ? a : 0, x1 = a + p->win.kW < W ? a + p->win.kW : W;                            \
    int64_t best = y0 * W + x0;                                                                              \
    T m = in[best];                                                                                          \
    for (int64_t r = y0; r < y1; r++)                                                                        \
      for (int64_t c = x0; c < x1; c++) {                                                                    \
        T v = in[r * W + c];                                                                                 \
        if (v > m || v != v) {                                                                               \
          m = v;                                                                                             \
          best = r * W + c;                                                                                  \
        }                                                                                                    \
      }                                                                                                      \
    *out = m;                                                                                                \
    *idx = best + 1;                                                                                         \
  }                                                                                                          \
  static void max_forward_##SUFFIX(const pool_job *j, int64_t plane) {                                      \
    const pool_plan *p = j->p;                                                                               \
    const int64_t W = p->in.w, ow = p->ow, dW = p->win.dW, padW = p->win.padW, kW = p->win.kW;               \
    const T *in = (const T *)j->in + plane * p->in.h * W;                                                    \
    /* interior outputs [xlo, xhi): the window's columns are all inside */                                   \
    int64_t xlo = (padW + dW - 1) / dW, xhi = W >= kW - padW ? (W - kW + padW) / dW + 1 : 0;                 \
    if (xhi > ow) xhi = ow;                                                                                  \
    if (xlo > xhi) xlo = xhi;                                                                                \
    for (int64_t y = 0; y < p->oh; y++) {                                                                    \
      int64_t y0, y1, x0, x1;                                                                                \
      window_at(p, y, 0, &y0, &y1, &x0, &x1);                                                                \
      T *out = (T *)j->out + (plane * p->oh + y) * ow;                                                       \
      int64_t *idx = j->idx + (plane * p->oh + y) * ow;                                                      \
      for (int64_t x = 0; x < xlo; x++) max_window_##SUFFIX(p, in, y0, y1, x, out + x, idx + x);            \
      for (int64_t x = xhi; x < ow; x++) max_window_##SUFFIX(p, in, y0, y1, x, out + x, idx + x);           \
      if (xlo == xhi) continue;                                                                              \
      const T *first = in + y0 * W - padW;                                                                   \
      for (int64_t x = xlo; x < xhi; x++) {                                                                  \
        out[x] = first[x * dW];                                                                              \
        idx[x] = y0 * W - padW + x * dW;                                                                     \
      }                                                                                                      \
      for (int64_t r = y0; r < y1; r++)                                                                      \
        for (int64_t kj = r == y0 ? 1 : 0; kj < kW; kj++) {                                                  \
          const T *src = in + r * W - padW + kj;                                                             \
          const int64_t base = r * W - padW + kj;                                                            \
          for (int64_t x = xlo; x < xhi; x++) {                                                              \
            T v = src[x * dW], m = out[x];                                                                   \
            /* all ones when v takes the window: selects by masks, no branch */                              \
            BITS take = (BITS)0 - (BITS)((v > m) | (v != v)), vb, mb;                                        \
            memcpy(&vb, &v, sizeof v);                                                                       \
            memcpy(&mb, &m, sizeof m);                                                                       \
            mb = (mb & ~take) | (vb & take);                                                                 \
            memcpy(&out[x], &mb, sizeof mb);                                                                 \
            idx[x] = (idx[x] & ~(int64_t)take) | ((base + x * dW) & (int64_t)take);                          \
          }                                                                                                  \
        }                                                                                                    \
      for (int64_t x = xlo; x < xhi; x++) idx[x] += 1;                                                       \
    }                                                                                                        \
  }                                                                                                          \
  static void max_backward_##SUFFIX(const pool_job *j, int64_t plane) {                                     \
    const pool_plan *p = j->p;                                                                               \
    T *gin = (T *)j->gin + plane * p->in.h * p->in.w;                                                        \
    const T *gout = (const T *)j->gout + plane * p->oh * p->ow;                                              \
    const int64_t *idx = j->cidx + plane * p->oh * p->ow;                                                    \
    memset(gin, 0, (size_t)(p->in.h * p->in.w) * sizeof(T));                                                 \
    for (int64_t k = 0; k < p->oh * p->ow; k++) gin[idx[k] - 1] += gout[k];                                  \
  }

DEFINE_MAX(float, int32_t, f)
DEFINE_MAX(double, int64_t, d)

static void max_forward_planes(void *arg, int slot, int64_t first, int64_t last) {
  (void)slot;
  const pool_job *j = arg;
  for (int64_t q = first; q < last; q++)
    if (j->p->dt == TOCHA_FLOAT)
      max_forward_f(j, q);
    else
      max_forward_d(j, q);
}

static void max_backward_planes(void *arg, int slot, int64_t first, int64_t last) {
  (void)slot;
  const pool_job *j = arg;
  for (int64_t q = first; q < last; q++)
    if (j->p->dt == TOCHA_FLOAT)
      max_backward_f(j, q);
    else
      max_backward_d(j, q);
}

static int plane_pieces(const pool_plan *p) {
  double per_plane = (double)(p->oh * p->ow) * (double)(p->win.kH * p->win.kW) + (double)(p->in.h * p->in.w);
  return tocha_image_pieces(p->in.n * p->in.c, per_plane);
}

tocha_status tocha_maxpool2d_forward(tocha_tensor *output, tocha_tensor *indices, const tocha_tensor *input,
                                     tocha_window win) {
  pool_plan p;
  tocha_status st = plan_pool(&p, input, win);
  if (st) return st;
  if (output == input) return tocha_fail(TOCHA_EARG, 0, "output must be a tensor of its own");
  if ((st = tocha_images_result(output, "output", p.dt, p.in.batched, p.in.n, p.in.c, p.oh, p.ow))) return st;
  if ((st = tocha_images_result(indices, "indices", TOCHA_LONG, p.in.batched, p.in.n, p.in.c, p.oh, p.ow)))
    return st;
  pool_job j = {&p, tocha_tensor_data(input), NULL, tocha_tensor_data(output), NULL, tocha_tensor_data(indices),
                NULL, 0};
  tocha_images_parallel(plane_pieces(&p), p.in.n * p.in.c, max_forward_planes, &j);
  return TOCHA_OK;
}

tocha_status tocha_maxpool2d_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                      const tocha_tensor *grad_output, const tocha_tensor *indices,
                                      tocha_window win) {
  pool_plan p;
  tocha_status st = plan_pool(&p, input, win);
  if (st) return st;
  if ((st = check_grad_output(&p, grad_output))) return st;
  if (indices->dtype != TOCHA_LONG || !tocha_tensor_same_size(indices, grad_output) ||
      !tocha_tensor_is_contiguous(indices))
    return tocha_fail(TOCHA_EARG, 3, "indices must be the LongTensor of the last forward (the output's size)");
  /* the indices come from a forward, but a Lua user can change them */
  const int64_t *idx = tocha_tensor_data(indices);
  int64_t plane = p.in.h * p.in.w;
  for (int64_t k = 0, n = tocha_tensor_nelement(indices); k < n; k++)
    if (idx[k] < 1 || idx[k] > plane)
      return tocha_fail(TOCHA_EARG, 3, "indices hold %lld, outside the plane's 1..%lld", (long long)idx[k],
                        (long long)plane);
  if (grad_input == grad_output || grad_input == input)
    return tocha_fail(TOCHA_EARG, 0, "gradInput must be a tensor of its own");
  if ((st = tocha_images_result(grad_input, "gradInput", p.dt, p.in.batched, p.in.n, p.in.c, p.in.h, p.in.w)))
    return st;
  pool_job j = {&p, NULL, tocha_tensor_data(grad_output), NULL, tocha_tensor_data(grad_input), NULL, idx, 0};
  tocha_images_parallel(plane_pieces(&p), p.in.n * p.in.c, max_backward_planes, &j);
  return TOCHA_OK;
}

/* ---- average pooling ------------------------------------------------------------ */

/* The divisor of output (y, x): Torch7's rule. */
static int64_t pool_divisor(const pool_plan *p, int64_t y, int64_t x, int count_include_pad) {
  int64_t y0, y1, x0, x1;
  window_at(p, y, x, &y0, &y1, &x0, &x1);
  if (!count_include_pad) return (y1 - y0) * (x1 - x0);
  int64_t a = y * p->win.dH - p->win.padH, b = x * p->win.dW - p->win.padW;
  int64_t ye = a + p->win.kH < p->in.h + p->win.padH ? a + p->win.kH : p->in.h + p->win.padH;
  int64_t xe = b + p->win.kW < p->in.w + p->win.padW ? b + p->win.kW : p->in.w + p->win.padW;
  return (ye - a) * (xe - b);
}

#define DEFINE_AVG(T, SUFFIX)                                                                                \
  static void avg_forward_##SUFFIX(const pool_job *j, int64_t plane) {                                      \
    const pool_plan *p = j->p;                                                                               \
    const T *in = (const T *)j->in + plane * p->in.h * p->in.w;                                              \
    T *out = (T *)j->out + plane * p->oh * p->ow;                                                            \
    for (int64_t y = 0; y < p->oh; y++)                                                                      \
      for (int64_t x = 0; x < p->ow; x++) {                                                                  \
        int64_t y0, y1, x0, x1;                                                                              \
        window_at(p, y, x, &y0, &y1, &x0, &x1);                                                              \
        T s = 0;                                                                                             \
        for (int64_t r = y0; r < y1; r++)                                                                    \
          for (int64_t c = x0; c < x1; c++) s += in[r * p->in.w + c];                                        \
        int64_t d = pool_divisor(p, y, x, j->count_include_pad);                                             \
        out[y * p->ow + x] = d > 0 ? s / (T)d : 0;                                                           \
      }                                                                                                      \
  }                                                                                                          \
  static void avg_backward_##SUFFIX(const pool_job *j, int64_t plane) {                                     \
    const pool_plan *p = j->p;                                                                               \
    T *gin = (T *)j->gin + plane * p->in.h * p->in.w;                                                        \
    const T *gout = (const T *)j->gout + plane * p->oh * p->ow;                                              \
    memset(gin, 0, (size_t)(p->in.h * p->in.w) * sizeof(T));                                                 \
    for (int64_t y = 0; y < p->oh; y++)                                                                      \
      for (int64_t x = 0; x < p->ow; x++) {                                                                  \
        int64_t y0, y1, x0, x1;                                                                              \
        window_at(p, y, x, &y0, &y1, &x0, &x1);                                                              \
        int64_t d = pool_divisor(p, y, x, j->count_include_pad);                                             \
        if (d <= 0) continue;                                                                                \
        T g = gout[y * p->ow + x] / (T)d;                                                                    \
        for (int64_t r = y0; r < y1; r++)                                                                    \
          for (int64_t c = x0; c < x1; c++) gin[r * p->in.w + c] += g;                                       \
      }                                                                                                      \
  }

DEFINE_AVG(float, f)
DEFINE_AVG(double, d)

static void avg_forward_planes(void *arg, int slot, int64_t first, int64_t last) {
  (void)slot;
  const pool_job *j = arg;
  for (int64_t q = first; q < last; q++)
    if (j->p->dt == TOCHA_FLOAT)
      avg_forward_f(j, q);
    else
      avg_forward_d(j, q);
}

static void avg_backward_planes(void *arg, int slot, int64_t first, int64_t last) {
  (void)slot;
  const pool_job *j = arg;
  for (int64_t q = first; q < last; q++)
    if (j->p->dt == TOCHA_FLOAT)
      avg_backward_f(j, q);
    else
      avg_backward_d(j, q);
}

tocha_status tocha_avgpool2d_forward(tocha_tensor *output, const tocha_tensor *input, tocha_window win,
                                     int count_include_pad) {
  pool_plan p;
  tocha_status st = plan_pool(&p, input, win);
  if (st) return st;
  if (output == input) return tocha_fail(TOCHA_EARG, 0, "output must be a tensor of its own");
  if ((st = tocha_images_result(output, "output", p.dt, p.in.batched, p.in.n, p.in.c, p.oh, p.ow))) return st;
  pool_job j = {&p, tocha_tensor_data(input), NULL, tocha_tensor_data(output), NULL, NULL, NULL, count_include_pad};
  tocha_images_parallel(plane_pieces(&p), p.in.n * p.in.c, avg_forward_planes, &j);
  return TOCHA_OK;
}

tocha_status tocha_avgpool2d_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                      const tocha_tensor *grad_output, tocha_window win, int count_include_pad) {
  pool_plan p;
  tocha_status st = plan_pool(&p, input, win);
  if (st) return st;
  if ((st = check_grad_output(&p, grad_output))) return st;
  if (grad_input == grad_output || grad_input == input)
    return tocha_fail(TOCHA_EARG, 0, "gradInput must be a tensor of its own");
  if ((st = tocha_images_result(grad_input, "gradInput", p.dt, p.in.batched, p.in.n, p.in.c, p.in.h, p.in.w)))
    return st;
  pool_job j = {&p, NULL, tocha_tensor_data(grad_output), NULL, tocha_tensor_data(grad_input), NULL, NULL,
                count_include_pad};
  tocha_images_parallel(plane_pieces(&p), p.in.n * p.in.c, avg_backward_planes, &j);
  return TOCHA_OK;
}
