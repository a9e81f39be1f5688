/*
 * nn.BatchNormalization's and nn.SpatialBatchNormalization's kernels
 * (THNN's BatchNormalization): per plane statistics over the batch and
 * the image, forward and backward side by side.  The input is seen as
 * (N, C, S) with S = H*W (D*H*W for 5-D input, 1 for 2-D); planes are split over tocha's
 * pool.  Sums are kept in double.
 */
#include <math.h>

#include "spatial.h"

typedef struct bn_shape {
  int64_t n, c, s;
} bn_shape;

/* (N, C), (C), (C, H, W), (N, C, H, W) or (N, C, D, H, W), contiguous, real.  Position 1. */
static tocha_status bn_shape_of(const tocha_tensor *input, bn_shape *b) {
  if (input->ndim == 1 || input->ndim == 2 || input->ndim == 5) { /* (C) is one sample, as Torch7 evaluates it */
    if (input->dtype != TOCHA_FLOAT && input->dtype != TOCHA_DOUBLE)
      return tocha_fail(TOCHA_ETYPE, 1, "input must be a FloatTensor or DoubleTensor, got a %sTensor",
                        tocha_dtype_name(input->dtype));
    if (!tocha_tensor_is_contiguous(input)) return tocha_fail(TOCHA_EARG, 1, "input must be contiguous");
    if (input->ndim == 5) { /* (N, C, D, H, W): VolumetricBatchNormalization */
      b->n = input->size[0];
      b->c = input->size[1];
      b->s = input->size[2] * input->size[3] * input->size[4]; /* a contiguous tensor's count: no overflow */
      return TOCHA_OK;
    }
    b->n = input->ndim == 2 ? input->size[0] : 1;
    b->c = input->size[input->ndim - 1];
    b->s = 1;
    return TOCHA_OK;
  }
  tocha_images im;
  tocha_status st = tocha_images_of(input, 1, "input", -1, &im);
  if (st) {
    char shape[128];
    tocha_tensor_shape_string(input, shape, sizeof shape);
    if (st == TOCHA_ESIZE)
      return tocha_fail(TOCHA_ESIZE, 1, "input must be 2D (batch x features), 3D (planes x height x width), 4D "
                        "(batch x planes x height x width) or 5D (batch x planes x depth x height x width), got size %s",
                        shape);
    return st;
  }
  b->n = im.n;
  b->c = im.c;
  b->s = im.h * im.w;
  return TOCHA_OK;
}

static tocha_status opt_vector(const tocha_tensor *t, int pos, const char *name, tocha_dtype dt, int64_t c) {
  return t ? tocha_plane_vector(t, pos, name, dt, c) : TOCHA_OK;
}

typedef struct bn_job {
  bn_shape b;
  tocha_dtype dt;
  const char *in, *gout, *w, *bias;
  char *out, *gin, *gw, *gb;
  char *rmean, *rvar, *smean, *sstd;
  const char *crmean, *crvar, *csmean, *csstd;
  int train;
  double momentum, eps, scale;
} bn_job;

static double get(tocha_dtype dt, const void *p, int64_t i) {
  return dt == TOCHA_FLOAT ? (double)((const float *)p)[i] : ((const double *)p)[i];
}

static void put(tocha_dtype dt, void *p, int64_t i, double v) {
  if (dt == TOCHA_FLOAT)
    ((float *)p)[i] = (float)v;
  else
    ((double *)p)[i] = v;
}

/* The inverse standard deviation for a variance (Torch7: 0 when both var and eps are 0). */
static double inv_std(double var, double eps) {
  return var + eps == 0 ? 0 : 1 / sqrt(var + eps);
}

#define DEFINE_BN(T, SUFFIX)                                                                                  \
  static void bn_forward_##SUFFIX(const bn_job *j, int64_t c) {                                              \
    int64_t n = j->b.n, s = j->b.s, cs = j->b.c * s;                                                          \
    const T *in = (const T *)j->in + c * s;                                                                   \
    T *out = (T *)j->out + c * s;                                                                             \
    double mean, invstd;                                                                                      \
    if (j->train) {                                                                                           \
      double sum = 0, ss = 0, count = (double)(n * s);                                                        \
      for (int64_t i = 0; i < n; i++)                                                                         \
        for (int64_t k = 0; k < s; k++) sum += in[i * cs + k];                                                \
      mean = sum / count;                                                                                     \
      for (int64_t i = 0; i < n; i++)                                                                         \
        for (int64_t k = 0; k < s; k++) {                                                                     \
          double d = in[i * cs + k] - mean;                                                                   \
          ss += d * d;                                                                                        \
        }                                                                                                     \
      invstd = inv_std(ss / count, j->eps);                                                                   \
      put(j->dt, j->smean, c, mean);                                                                          \
      put(j->dt, j->sstd, c, invstd);                                                                         \
      double unbiased = count > 1 ? ss / (count - 1) : ss;                                                    \
      put(j->dt, j->rmean, c, j->momentum * mean + (1 - j->momentum) * get(j->dt, j->rmean, c));              \
      put(j->dt, j->rvar, c, j->momentum * unbiased + (1 - j->momentum) * get(j->dt, j->rvar, c));            \
    } else {                                                                                                  \
      mean = get(j->dt, j->rmean, c);                                                                         \
      invstd = inv_std(get(j->dt, j->rvar, c), j->eps);                                                       \
    }                                                                                                         \
    double w = j->w ? get(j->dt, j->w, c) : 1, b = j->bias ? get(j->dt, j->bias, c) : 0;                      \
    T a = (T)(invstd * w), o = (T)(b - mean * invstd * w);                                                    \
    for (int64_t i = 0; i < n; i++)                                                                           \
      for (int64_t k = 0; k < s; k++) out[i * cs + k] = in[i * cs + k] * a + o;                               \
  }                                                                                                           \
  static void bn_backward_##SUFFIX(const bn_job *j, int64_t c) {                                             \
    int64_t n = j->b.n, s = j->b.s, cs = j->b.c * s;                                                          \
    const T *in = (const T *)j->in + c * s, *go = (const T *)j->gout + c * s;                                 \
    double mean, invstd, count = (double)(n * s);                                                             \
    if (j->train) {                                                                                           \
      mean = get(j->dt, j->csmean, c);                                                                        \
      invstd = get(j->dt, j->csstd, c);                                                                       \
    } else {                                                                                                  \
      mean = get(j->dt, j->crmean, c);                                                                        \
      invstd = inv_std(get(j->dt, j->crvar, c), j->eps);                                                      \
    }                                                                                                         \
    double sum = 0, dotp = 0;                                                                                 \
    for (int64_t i = 0; i < n; i++)                                                                           \
      for (int64_t k = 0; k < s; k++) {                                                                       \
        sum += go[i * cs + k];                                                                                \
        dotp += (in[i * cs + k] - mean) * go[i * cs + k];                                                     \
      }                                                                                                       \
    double w = j->w ? get(j->dt, j->w, c) : 1;                                                                \
    if (j->gin) {                                                                                             \
      T *gi = (T *)j->gin + c * s;                                                                            \
      if (j->train) {                                                                                         \
        double k2 = dotp * invstd * invstd / count, gmean = sum / count;                                      \
        for (int64_t i = 0; i < n; i++)                                                                       \
          for (int64_t k = 0; k < s; k++) {                                                                   \
            double x = in[i * cs + k] - mean;                                                                 \
            gi[i * cs + k] = (T)((go[i * cs + k] - gmean - x * k2) * invstd * w);                             \
          }                                                                                                   \
      } else {                                                                                                \
        T a = (T)(invstd * w);                                                                                \
        for (int64_t i = 0; i < n; i++)                                                                       \
          for (int64_t k = 0; k < s; k++) gi[i * cs + k] = go[i * cs + k] * a;                                \
      }                                                                                                       \
    }                                                                                                         \
    if (j->gw) put(j->dt, j->gw, c, get(j->dt, j->gw, c) + j->scale * dotp * invstd);                         \
    if (j->gb) put(j->dt, j->gb, c, get(j->dt, j->gb, c) + j->scale * sum);                                   \
  }

DEFINE_BN(float, f)
DEFINE_BN(double, d)

static void bn_forward_planes(void *arg, int slot, int64_t first, int64_t last) {
  (void)slot;
  const bn_job *j = arg;
  for (int64_t c = first; c < last; c++)
    if (j->dt == TOCHA_FLOAT)
      bn_forward_f(j, c);
    else
      bn_forward_d(j, c);
}

static void bn_backward_planes(void *arg, int slot, int64_t first, int64_t last) {
  (void)slot;
  const bn_job *j = arg;
  for (int64_t c = first; c < last; c++)
    if (j->dt == TOCHA_FLOAT)
      bn_backward_f(j, c);
    else
      bn_backward_d(j, c);
}

static void *data_or_null(const tocha_tensor *t) { return t ? tocha_tensor_data(t) : NULL; }

tocha_status tocha_batchnorm_forward(tocha_tensor *output, const tocha_tensor *input, const tocha_tensor *weight,
                                     const tocha_tensor *bias, tocha_tensor *running_mean,
                                     tocha_tensor *running_var, tocha_tensor *save_mean, tocha_tensor *save_std,
                                     int train, double momentum, double eps) {
  bn_shape b;
  tocha_status st = bn_shape_of(input, &b);
  if (st) return st;
  tocha_dtype dt = input->dtype;
  if (running_mean->ndim == 1 && running_mean->size[0] != b.c)
    return tocha_fail(TOCHA_ESIZE, 1, "input has %lld features (planes) but the module normalizes %lld", (long long)b.c,
                      (long long)running_mean->size[0]);
  if ((st = opt_vector(weight, 2, "weight", dt, b.c)) || (st = opt_vector(bias, 3, "bias", dt, b.c)) ||
      (st = tocha_plane_vector(running_mean, 4, "running_mean", dt, b.c)) ||
      (st = tocha_plane_vector(running_var, 5, "running_var", dt, b.c)))
    return st;
  /* One value per plane trains as Torch7 does: the output is the bias, and
   * the running variance moves towards 0 (no n - 1 to divide by).  None
   * would make the running statistics NaN. */
  if (train && b.n * b.s == 0)
    return tocha_fail(TOCHA_ESIZE, 1, "training needs at least one value per plane (the input is empty)");
  if (!(eps >= 0)) return tocha_fail(TOCHA_EARG, 0, "eps must be non-negative, got %g", eps);
  if (output == input) return tocha_fail(TOCHA_EARG, 0, "output must be a tensor of its own");
  if (output->dtype != dt)
    return tocha_fail(TOCHA_ETYPE, 0, "output is a tocha.%sTensor but the input is a tocha.%sTensor",
                      tocha_dtype_name(output->dtype), tocha_dtype_name(dt));
  if ((st = tocha_tensor_resize_as(output, input))) return st;
  if (!tocha_tensor_is_contiguous(output)) return tocha_fail(TOCHA_EARG, 0, "output must be contiguous");
  if (train) {
    int64_t c = b.c;
    if (save_mean->dtype != dt || save_std->dtype != dt)
      return tocha_fail(TOCHA_ETYPE, 0, "save_mean and save_std must be of the input's type");
    if ((st = tocha_tensor_resize(save_mean, 1, &c)) || (st = tocha_tensor_resize(save_std, 1, &c))) return st;
    if (!tocha_tensor_is_contiguous(save_mean) || !tocha_tensor_is_contiguous(save_std))
      return tocha_fail(TOCHA_EARG, 0, "save_mean and save_std must be contiguous");
  }
  bn_job j = {b, dt, tocha_tensor_data(input), NULL, data_or_null(weight), data_or_null(bias),
              tocha_tensor_data(output), NULL, NULL, NULL, tocha_tensor_data(running_mean),
              tocha_tensor_data(running_var), train ? tocha_tensor_data(save_mean) : NULL,
              train ? tocha_tensor_data(save_std) : NULL, NULL, NULL, NULL, NULL, train, momentum, eps, 1};
  tocha_images_parallel(tocha_image_pieces(b.c, 3.0 * (double)(b.n * b.s)), b.c, bn_forward_planes, &j);
  return TOCHA_OK;
}

tocha_status tocha_batchnorm_backward(tocha_tensor *grad_input, tocha_tensor *grad_weight, tocha_tensor *grad_bias,
                                      const tocha_tensor *input, const tocha_tensor *grad_output,
                                      const tocha_tensor *weight, const tocha_tensor *running_mean,
                                      const tocha_tensor *running_var, const tocha_tensor *save_mean,
                                      const tocha_tensor *save_std, int train, double scale, double eps) {
  bn_shape b;
  tocha_status st = bn_shape_of(input, &b);
  if (st) return st;
  tocha_dtype dt = input->dtype;
  if (grad_output->dtype != dt || !tocha_tensor_same_size(grad_output, input) ||
      !tocha_tensor_is_contiguous(grad_output))
    return tocha_fail(TOCHA_ESIZE, 2, "gradOutput must be a contiguous tensor of the input's type and size");
  if ((st = opt_vector(weight, 3, "weight", dt, b.c)) || (st = opt_vector(grad_weight, 0, "gradWeight", dt, b.c)) ||
      (st = opt_vector(grad_bias, 0, "gradBias", dt, b.c)))
    return st;
  if (train) {
    if ((st = tocha_plane_vector(save_mean, 0, "save_mean", dt, b.c)) ||
        (st = tocha_plane_vector(save_std, 0, "save_std", dt, b.c)))
      return tocha_fail(st, 0, "backward in training needs the statistics of a training forward (%s)",
                        tocha_last_error()->message);
  } else if ((st = tocha_plane_vector(running_mean, 4, "running_mean", dt, b.c)) ||
             (st = tocha_plane_vector(running_var, 5, "running_var", dt, b.c))) {
    return st;
  }
  if (grad_input) {
    if (grad_input == input || grad_input == grad_output)
      return tocha_fail(TOCHA_EARG, 0, "gradInput must be a tensor of its own");
    if (grad_input->dtype != dt)
      return tocha_fail(TOCHA_ETYPE, 0, "gradInput must be of the input's type");
    if ((st = tocha_tensor_resize_as(grad_input, input))) return st;
    if (!tocha_tensor_is_contiguous(grad_input)) return tocha_fail(TOCHA_EARG, 0, "gradInput must be contiguous");
  }
  bn_job j = {b, dt, tocha_tensor_data(input), tocha_tensor_data(grad_output), data_or_null(weight), NULL, NULL,
              data_or_null(grad_input), data_or_null(grad_weight), data_or_null(grad_bias), NULL, NULL, NULL, NULL,
              train ? NULL : tocha_tensor_data(running_mean), train ? NULL : tocha_tensor_data(running_var),
              train ? tocha_tensor_data(save_mean) : NULL, train ? tocha_tensor_data(save_std) : NULL, train, 0, eps,
              scale};
  tocha_images_parallel(tocha_image_pieces(b.c, 4.0 * (double)(b.n * b.s)), b.c, bn_backward_planes, &j);
  return TOCHA_OK;
}
