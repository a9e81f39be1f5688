/*
 * Volumetric max pooling (VolumetricMaxPooling, VolumetricDilatedMaxPooling;
 * src/tocha_spatial.h, tocha_maxpool3d_*): the maximum of each kT x kH x kW
 * window of taps dilation apart, over (C, T, H, W) volumes or batches.
 * Output size per axis: tocha_window_out over the dilated extent
 * dilation (k - 1) + 1 (Torch7's ceil rule included).  indices keep each
 * maximum's tap in its window, (a kH + b) kW + c (0-based; padding never
 * wins, a NaN does and stays; ties keep the first tap).  Backward adds
 * each gradient to its maximum.  Planes are split over the threads.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spatial.h"

typedef struct pool3d_plan {
  tocha_dtype dt;
  int batched;
  int64_t n, c, in[3], out[3], k[3], d[3], pad[3], dil[3];
} pool3d_plan;

static tocha_status plan_pool3d(pool3d_plan *p, const tocha_tensor *input, const tocha_volwindow *w, int ceil_mode) {
  if (w->nd != 3) return tocha_fail(TOCHA_EARG, 0, "volumetric pooling is 3-D, got %d-D", w->nd);
  static const char *const axis[3] = {"T", "H", "W"};
  for (int i = 0; i < 3; i++) {
    if (w->k[i] < 1 || w->k[i] > INT_MAX || w->d[i] < 1 || w->d[i] > INT_MAX || w->dil[i] < 1 ||
        w->dil[i] > INT_MAX)
      return tocha_fail(TOCHA_EARG, 0, "k%s, d%s and dilation%s must be positive, got %lld, %lld, %lld", axis[i],
                        axis[i], axis[i], (long long)w->k[i], (long long)w->d[i], (long long)w->dil[i]);
    if (w->pad[i] < 0 || w->pad[i] > w->k[i] / 2)
      return tocha_fail(TOCHA_EARG, 0, "pad%s should be at least 0 and at most half the kernel size, got %lld for "
                        "k%s = %lld", axis[i], (long long)w->pad[i], axis[i], (long long)w->k[i]);
  }
  tocha_status st = tocha_volume_of(input, 1, "input", -1, 3, &p->batched, &p->n, &p->c, p->in);
  if (st) return st;
  p->dt = input->dtype;
  for (int i = 0; i < 3; i++) {
    p->k[i] = w->k[i];
    p->d[i] = w->d[i];
    p->pad[i] = w->pad[i];
    p->dil[i] = w->dil[i];
    int64_t span = w->dil[i] * (w->k[i] - 1) + 1;
    p->out[i] = tocha_window_out(p->in[i], span, w->d[i], w->pad[i], ceil_mode);
    if (p->out[i] < 1)
      return tocha_fail(TOCHA_ESIZE, 1, "input volume (%lldx%lldx%lld) is smaller than the dilated kernel "
                        "(%lldx%lldx%lld, padding %lldx%lldx%lld)", (long long)p->in[0], (long long)p->in[1],
                        (long long)p->in[2], (long long)(w->dil[0] * (w->k[0] - 1) + 1),
                        (long long)(w->dil[1] * (w->k[1] - 1) + 1), (long long)(w->dil[2] * (w->k[2] - 1) + 1),
                        (long long)w->pad[0], (long long)w->pad[1], (long long)w->pad[2]);
  }
  return TOCHA_OK;
}

static tocha_status resize_like(tocha_tensor *t, const char *name, const pool3d_plan *p, const int64_t *s,
                                tocha_dtype dt) {
  if (t->dtype != dt)
    return tocha_fail(TOCHA_ETYPE, 0, "%s is a tocha.%sTensor, expected a tocha.%sTensor", name,
                      tocha_dtype_name(t->dtype), tocha_dtype_name(dt));
  int64_t size[5] = {p->n, p->c, s[0], s[1], s[2]};
  tocha_status st = p->batched ? tocha_tensor_resize(t, 5, size) : tocha_tensor_resize(t, 4, size + 1);
  if (st) return st;
  if (!tocha_tensor_is_contiguous(t)) return tocha_fail(TOCHA_EARG, 0, "%s must be contiguous", name);
  return TOCHA_OK;
}

typedef struct pool3d_job {
  const pool3d_plan *p;
  char *out, *gin;
  const char *in, *gout;
  int64_t *idx;
  const int64_t *cidx;
} pool3d_job;

/* One plane: every output voxel's window, taps in (a, b, c) order. */
#define DEFINE_POOL3D(T, SUFFIX)                                                                             \
  static void forward_plane_##SUFFIX(const pool3d_plan *p, const T *in, T *out, int64_t *idx) {             \
    for (int64_t z = 0; z < p->out[0]; z++)                                                                 \
      for (int64_t y = 0; y < p->out[1]; y++)                                                               \
        for (int64_t x = 0; x < p->out[2]; x++) {                                                           \
          T m = 0;                                                                                          \
          int64_t best = -1;                                                                                \
          for (int64_t a = 0; a < p->k[0]; a++) {                                                           \
            int64_t iz = z * p->d[0] - p->pad[0] + a * p->dil[0];                                           \
            if (iz < 0 || iz >= p->in[0]) continue;                                                         \
            for (int64_t b = 0; b < p->k[1]; b++) {                                                         \
              int64_t iy = y * p->d[1] - p->pad[1] + b * p->dil[1];                                         \
              if (iy < 0 || iy >= p->in[1]) continue;                                                       \
              for (int64_t c = 0; c < p->k[2]; c++) {                                                       \
                int64_t ix = x * p->d[2] - p->pad[2] + c * p->dil[2];                                       \
                if (ix < 0 || ix >= p->in[2]) continue;                                                     \
                T v = in[(iz * p->in[1] + iy) * p->in[2] + ix];                                             \
                if (best < 0 || (!isnan(m) && (v > m || isnan(v)))) {                                       \
                  m = v;                                                                                    \
                  best = (a * p->k[1] + b) * p->k[2] + c;                                                   \
                }                                                                                           \
              }                                                                                             \
            }                                                                                               \
          }                                                                                                 \
          *out++ = m;                                                                                       \
          *idx++ = best;                                                                                    \
        }                                                                                                   \
  }                                                                                                         \
  static void backward_plane_##SUFFIX(const pool3d_plan *p, const T *gout, T *gin, const int64_t *idx) {    \
    memset(gin, 0, (size_t)(p->in[0] * p->in[1] * p->in[2]) * sizeof(T));                                   \
    for (int64_t z = 0; z < p->out[0]; z++)                                                                 \
      for (int64_t y = 0; y < p->out[1]; y++)                                                               \
        for (int64_t x = 0; x < p->out[2]; x++) {                                                           \
          int64_t t = *idx++;                                                                               \
          T g = *gout++;                                                                                    \
          if (t < 0) continue;                                                                              \
          int64_t a = t / (p->k[1] * p->k[2]), b = t / p->k[2] % p->k[1], c = t % p->k[2];                  \
          int64_t iz = z * p->d[0] - p->pad[0] + a * p->dil[0];                                             \
          int64_t iy = y * p->d[1] - p->pad[1] + b * p->dil[1];                                             \
          int64_t ix = x * p->d[2] - p->pad[2] + c * p->dil[2];                                             \
          if (iz < 0 || iz >= p->in[0] || iy < 0 || iy >= p->in[1] || ix < 0 || ix >= p->in[2])             \
            continue; /* a tap in the padding: never a maximum */                                           \
          gin[(iz * p->in[1] + iy) * p->in[2] + ix] += g;                                                   \
        }                                                                                                   \
  }

DEFINE_POOL3D(float, f)
DEFINE_POOL3D(double, d)

/* Planes [first, last): the forward when j->out is set, else the backward. */
static void pool_planes(void *arg, int slot, int64_t first, int64_t last) {
  (void)slot;
  const pool3d_job *j = arg;
  const pool3d_plan *p = j->p;
  int64_t lin = p->in[0] * p->in[1] * p->in[2], lout = p->out[0] * p->out[1] * p->out[2];
  size_t es = tocha_dtype_size(p->dt);
  for (int64_t q = first; q < last; q++) {
    size_t at_in = (size_t)(q * lin) * es, at_out = (size_t)(q * lout) * es;
    if (j->out && p->dt == TOCHA_FLOAT)
      forward_plane_f(p, (const float *)(j->in + at_in), (float *)(j->out + at_out), j->idx + q * lout);
    else if (j->out)
      forward_plane_d(p, (const double *)(j->in + at_in), (double *)(j->out + at_out), j->idx + q * lout);
    else if (p->dt == TOCHA_FLOAT)
      backward_plane_f(p, (const float *)(j->gout + at_out), (float *)(j->gin + at_in), j->cidx + q * lout);
    else
      backward_plane_d(p, (const double *)(j->gout + at_out), (double *)(j->gin + at_in), j->cidx + q * lout);
  }
}

static double window_work(const pool3d_plan *p) {
  return (double)p->out[0] * (double)p->out[1] * (double)p->out[2] * (double)(p->k[0] * p->k[1] * p->k[2]);
}

tocha_status tocha_maxpool3d_forward(tocha_tensor *output, tocha_tensor *indices, const tocha_tensor *input,
                                     const tocha_volwindow *w, int ceil_mode) {
  pool3d_plan p;
  tocha_status st = plan_pool3d(&p, input, w, ceil_mode);
  if (st) return st;
  if (output == input || indices == input || output == indices)
    return tocha_fail(TOCHA_EARG, 0, "output and indices must be tensors of their own");
  if ((st = resize_like(output, "output", &p, p.out, p.dt))) return st;
  if ((st = resize_like(indices, "indices", &p, p.out, TOCHA_LONG))) return st;
  int64_t planes = p.n * p.c;
  pool3d_job j = {&p, tocha_tensor_data(output), NULL, tocha_tensor_data(input), NULL, tocha_tensor_data(indices),
                  NULL};
  tocha_images_parallel(tocha_image_pieces(planes, window_work(&p)), planes, pool_planes, &j);
  return TOCHA_OK;
}

tocha_status tocha_maxpool3d_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                      const tocha_tensor *grad_output, const tocha_tensor *indices,
                                      const tocha_volwindow *w, int ceil_mode) {
  pool3d_plan p;
  tocha_status st = plan_pool3d(&p, input, w, ceil_mode);
  if (st) return st;
  int gb = 0;
  int64_t gn = 0, gc = 0, gs[3] = {0, 0, 0};
  if ((st = tocha_volume_of(grad_output, 3, "gradOutput", p.dt, 3, &gb, &gn, &gc, gs))) return st;
  if (gb != p.batched || gn != p.n || gc != p.c || gs[0] != p.out[0] || gs[1] != p.out[1] || gs[2] != p.out[2]) {
    char want[96], got[128];
    if (p.batched)
      snprintf(want, sizeof want, "%lldx%lldx%lldx%lldx%lld", (long long)p.n, (long long)p.c, (long long)p.out[0],
               (long long)p.out[1], (long long)p.out[2]);
    else
      snprintf(want, sizeof want, "%lldx%lldx%lldx%lld", (long long)p.c, (long long)p.out[0], (long long)p.out[1],
               (long long)p.out[2]);
    tocha_tensor_shape_string(grad_output, got, sizeof got);
    return tocha_fail(TOCHA_ESIZE, 3, "gradOutput must have the output's size %s, got size %s", want, got);
  }
  if (indices->dtype != TOCHA_LONG || !tocha_tensor_same_size(indices, grad_output) ||
      !tocha_tensor_is_contiguous(indices))
    return tocha_fail(TOCHA_ESIZE, 4, "indices must be the contiguous LongTensor of the last forward on this input");
  int64_t taps = p.k[0] * p.k[1] * p.k[2], count = tocha_tensor_nelement(indices);
  const int64_t *ix = tocha_tensor_data(indices);
  for (int64_t i = 0; i < count; i++)
    if (ix[i] < -1 || ix[i] >= taps)
      return tocha_fail(TOCHA_EARG, 4, "indices hold %lld, outside the window's %lld taps", (long long)ix[i],
                        (long long)taps);
  if (grad_input == input || grad_input == grad_output || grad_input == indices)
    return tocha_fail(TOCHA_EARG, 0, "gradInput must be a tensor of its own");
  if ((st = resize_like(grad_input, "gradInput", &p, p.in, p.dt))) return st;
  int64_t planes = p.n * p.c;
  pool3d_job j = {&p, NULL, tocha_tensor_data(grad_input), NULL, tocha_tensor_data(grad_output), NULL, ix};
  tocha_images_parallel(tocha_image_pieces(planes, window_work(&p)), planes, pool_planes, &j);
  return TOCHA_OK;
}
