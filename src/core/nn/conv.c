/*
 * nn.SpatialConvolution(MM)'s kernels: forward, and gradInput with the
 * weight and bias gradients in one backward pass.  Each image is unfolded
 * (im2col) into a (nInputPlane*kH*kW, oH*oW) matrix in its thread's slot
 * of the workspace, so a convolution is one GEMM per image:
 *   forward      output[n]  (nOut, L) = weight (nOut, K) * col (K, L)
 *   gradInput    gcol       (K, L)    = weight^T (K, nOut) * gradOutput[n] (nOut, L), folded back (col2im)
 *   gradWeight   gradW      (nOut, K) += scale gradOutput[n] (nOut, L) * col^T (L, K)
 * with K = nInputPlane*kH*kW and L = oH*oW.  A slot (about 0.6 MB for a
 * 32-plane 14x14 image and a 5x5 kernel) stays in the core's cache between
 * the unfolding and its GEMM.  A 1x1 kernel with step 1 and no padding
 * uses the image itself as its column matrix.
 */
#include <limits.h>
#include <string.h>

#include "spatial.h"

/* ---- unfolding ---------------------------------------------------------------- */

/* col (c*kH*kW, oh*ow) of image (c, h, w); fold: image += col folded back. */
#define DEFINE_UNFOLD(T, SUFFIX)                                                                              \
  static void im2col_##SUFFIX(T *col, const T *img, int64_t c, int64_t h, int64_t w, tocha_window win,      \
                              int64_t oh, int64_t ow) {                                                    \
    for (int64_t p = 0; p < c; p++)                                                                         \
      for (int64_t ki = 0; ki < win.kH; ki++)                                                               \
        for (int64_t kj = 0; kj < win.kW; kj++) {                                                           \
          T *row = col + ((p * win.kH + ki) * win.kW + kj) * oh * ow;                                       \
          int64_t lo, hi;                                                                                   \
          tocha_valid_range(w, ow, win.dW, win.padW, kj, &lo, &hi);                                               \
          for (int64_t y = 0; y < oh; y++, row += ow) {                                                     \
            int64_t iy = y * win.dH - win.padH + ki;                                                        \
            if (iy < 0 || iy >= h) {                                                                        \
              memset(row, 0, (size_t)ow * sizeof(T));                                                       \
              continue;                                                                                     \
            }                                                                                               \
            const T *src = img + (p * h + iy) * w - win.padW + kj;                                          \
            for (int64_t x = 0; x < lo; x++) row[x] = 0;                                                    \
            if (win.dW == 1)                                                                                \
              memcpy(row + lo, src + lo, (size_t)(hi - lo) * sizeof(T));                                    \
            else                                                                                            \
              for (int64_t x = lo; x < hi; x++) row[x] = src[x * win.dW];                                   \
            for (int64_t x = hi; x < ow; x++) row[x] = 0;                                                   \
          }                                                                                                 \
        }                                                                                                   \
  }                                                                                                         \
  static void col2im_##SUFFIX(T *img, const T *col, int64_t c, int64_t h, int64_t w, tocha_window win,      \
                              int64_t oh, int64_t ow) {                                                    \
    memset(img, 0, (size_t)(c * h * w) * sizeof(T));                                                        \
    for (int64_t p = 0; p < c; p++)                                                                         \
      for (int64_t ki = 0; ki < win.kH; ki++)                                                               \
        for (int64_t kj = 0; kj < win.kW; kj++) {                                                           \
          const T *row = col + ((p * win.kH + ki) * win.kW + kj) * oh * ow;                                 \
          int64_t lo, hi;                                                                                   \
          tocha_valid_range(w, ow, win.dW, win.padW, kj, &lo, &hi);                                               \
          for (int64_t y = 0; y < oh; y++, row += ow) {                                                     \
            int64_t iy = y * win.dH - win.padH + ki;                                                        \
            if (iy < 0 || iy >= h) continue;                                                                \
            T *dst = img + (p * h + iy) * w - win.padW + kj;                                                \
            if (win.dW == 1)                                                                                \
              for (int64_t x = lo; x < hi; x++) dst[x] += row[x];                                           \
            else                                                                                            \
              for (int64_t x = lo; x < hi; x++) dst[x * win.dW] += row[x];                                  \
          }                                                                                                 \
        }                                                                                                   \
  }

DEFINE_UNFOLD(float, f)
DEFINE_UNFOLD(double, d)

static void im2col(tocha_dtype dt, void *col, const void *img, int64_t c, int64_t h, int64_t w, tocha_window win,
                   int64_t oh, int64_t ow) {
  if (dt == TOCHA_FLOAT)
    im2col_f(col, img, c, h, w, win, oh, ow);
  else
    im2col_d(col, img, c, h, w, win, oh, ow);
}

static void col2im(tocha_dtype dt, void *img, const void *col, int64_t c, int64_t h, int64_t w, tocha_window win,
                   int64_t oh, int64_t ow) {
  if (dt == TOCHA_FLOAT)
    col2im_f(img, col, c, h, w, win, oh, ow);
  else
    col2im_d(img, col, c, h, w, win, oh, ow);
}

/* ---- geometry and checks -------------------------------------------------------- */

typedef struct conv_plan {
  tocha_dtype dt;
  size_t es;
  tocha_images in;
  int64_t nout, oh, ow, K, L;
  tocha_window win;
  int identity_unfold; /* 1x1 kernel, step 1, no padding: col is the image */
  int winograd;        /* computed by winograd.c */
} conv_plan;

/* weight: (nOut, nIn, kH, kW) or (nOut, nIn*kH*kW), contiguous, real. */
static tocha_status check_weight(const tocha_tensor *weight, int pos, const char *name, tocha_window win,
                                 int64_t *nout, int64_t *nin) {
  char shape[128];
  if (weight->dtype != TOCHA_FLOAT && weight->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, pos, "%s must be a FloatTensor or DoubleTensor, got a %sTensor", name,
                      tocha_dtype_name(weight->dtype));
  int64_t kk = win.kW * win.kH;
  int ok = 0;
  if (weight->ndim == 4 && weight->size[2] == win.kH && weight->size[3] == win.kW) {
    *nout = weight->size[0];
    *nin = weight->size[1];
    ok = 1;
  } else if (weight->ndim == 2 && weight->size[1] % kk == 0) {
    *nout = weight->size[0];
    *nin = weight->size[1] / kk;
    ok = 1;
  }
  if (!ok || *nout < 1 || *nin < 1) {
    tocha_tensor_shape_string(weight, shape, sizeof shape);
    return tocha_fail(TOCHA_ESIZE, pos, "%s must be nOutputPlane x nInputPlane x %lld x %lld (or its 2D form "
                      "nOutputPlane x nInputPlane*%lld), got size %s", name, (long long)win.kH, (long long)win.kW,
                      (long long)kk, shape);
  }
  if (!tocha_tensor_is_contiguous(weight)) return tocha_fail(TOCHA_EARG, pos, "%s must be contiguous", name);
  return TOCHA_OK;
}

/* Positions: input 1, weight 2 (gradOutput, when given, 3). */
static tocha_status plan_conv(conv_plan *p, const tocha_tensor *input, const tocha_tensor *weight,
                              tocha_window win) {
  tocha_status st = tocha_window_check(win, 0);
  if (st) return st;
  int64_t nin = 0;
  if ((st = check_weight(weight, 2, "weight", win, &p->nout, &nin))) return st;
  if ((st = tocha_images_of(input, 1, "input", weight->dtype, &p->in))) return st;
  if (p->in.c != nin)
    return tocha_fail(TOCHA_ESIZE, 1, "input has %lld planes but the weight expects nInputPlane = %lld",
                      (long long)p->in.c, (long long)nin);
  win.ceil_mode = 0;
  if ((st = tocha_window_output(win, &p->in, &p->oh, &p->ow))) return st;
  p->dt = weight->dtype;
  p->es = tocha_dtype_size(p->dt);
  p->win = win;
  p->K = nin * win.kH * win.kW;
  p->L = p->oh * p->ow;
  /* BLAS takes int sizes; a slot holds K*L elements */
  if (p->K > INT_MAX || p->L > INT_MAX || p->nout > INT_MAX || p->K > INT64_MAX / p->L / 2)
    return tocha_fail(TOCHA_EOVERFLOW, 1, "convolution too large (%lld x %lld unfolded elements per image)",
                      (long long)p->K, (long long)p->L);
  p->identity_unfold = win.kW == 1 && win.kH == 1 && win.dW == 1 && win.dH == 1 && win.padW == 0 && win.padH == 0;
  p->winograd = tocha_winograd_suits(p->dt, win, nin, p->nout, p->oh, p->ow);
  return TOCHA_OK;
}

/* Gives `work` at least `pieces * slot` elements of the plan's type (it
 * only grows: a warm workspace is never reallocated). */
static tocha_status workspace(tocha_tensor *work, const conv_plan *p, int pieces, int64_t slot, char **base) {
  if (slot > INT64_MAX / pieces) return tocha_fail(TOCHA_EOVERFLOW, 0, "convolution workspace too large");
  return tocha_workspace(work, p->dt, slot * pieces, base);
}

/* ---- forward ------------------------------------------------------------------- */

typedef struct forward_job {
  const conv_plan *p;
  char *out, *work;
  const char *in, *weight, *bias;
} forward_job;

static void forward_images(void *arg, int slot, int64_t first, int64_t last) {
  const forward_job *j = arg;
  const conv_plan *p = j->p;
  char *col = j->work + (size_t)slot * (size_t)(p->K * p->L) * p->es;
  for (int64_t n = first; n < last; n++) {
    const char *img = j->in + (size_t)(n * p->in.c * p->in.h * p->in.w) * p->es;
    char *out = j->out + (size_t)(n * p->nout * p->L) * p->es;
    const char *cols = img;
    if (!p->identity_unfold) {
      im2col(p->dt, col, img, p->in.c, p->in.h, p->in.w, p->win, p->oh, p->ow);
      cols = col;
    }
    double beta = 0;
    if (j->bias) { /* each output plane starts as its bias, the product is added */
      for (int64_t o = 0; o < p->nout; o++) {
        if (p->dt == TOCHA_FLOAT) {
          float b = ((const float *)j->bias)[o], *row = (float *)out + o * p->L;
          for (int64_t l = 0; l < p->L; l++) row[l] = b;
        } else {
          double b = ((const double *)j->bias)[o], *row = (double *)out + o * p->L;
          for (int64_t l = 0; l < p->L; l++) row[l] = b;
        }
      }
      beta = 1;
    }
    tocha_gemm_rm(p->dt, 0, 0, (int)p->nout, (int)p->L, (int)p->K, 1, j->weight, (int)p->K, cols, (int)p->L, beta,
                  out, (int)p->L);
  }
}

tocha_status tocha_conv2d_forward(tocha_tensor *output, tocha_tensor *work, const tocha_tensor *input,
                                  const tocha_tensor *weight, const tocha_tensor *bias, tocha_window win) {
  conv_plan p;
  tocha_status st = plan_conv(&p, input, weight, win);
  if (st) return st;
  if (bias && (st = tocha_plane_vector(bias, 3, "bias", p.dt, p.nout))) return st;
  if (output == input || output == weight || output == work)
    return tocha_fail(TOCHA_EARG, 0, "output must be a tensor of its own");
  if ((st = tocha_images_result(output, "output", p.dt, p.in.batched, p.in.n, p.nout, p.oh, p.ow))) return st;
  if (p.winograd)
    return tocha_winograd_forward(work, tocha_tensor_data(output), tocha_tensor_data(input), tocha_tensor_data(weight),
                                  bias ? tocha_tensor_data(bias) : NULL, p.in.n, p.in.c, p.in.h, p.in.w, p.nout,
                                  p.win, p.oh, p.ow);
  int pieces = tocha_image_pieces(p.in.n, (double)p.nout * (double)p.K * (double)p.L);
  char *base = NULL;
  if ((st = workspace(work, &p, pieces, p.identity_unfold ? 0 : p.K * p.L, &base))) return st;
  forward_job j = {&p, tocha_tensor_data(output), base, tocha_tensor_data(input), tocha_tensor_data(weight),
                   bias ? tocha_tensor_data(bias) : NULL};
  tocha_images_parallel(pieces, p.in.n, forward_images, &j);
  return TOCHA_OK;
}

/* ---- backward ------------------------------------------------------------------- */

/* A slot holds the image's col and gcol (K*L each) and, for slots other
 * than 0, private gradWeight (nOut*K) and gradBias (nOut) sums. */
typedef struct backward_job {
  const conv_plan *p;
  char *work, *gin, *gw, *gb;
  const char *in, *gout, *weight;
  double scale;
  int64_t slot; /* elements per slot */
  int want_col;
} backward_job;

static void backward_images(void *arg, int slot, int64_t first, int64_t last) {
  const backward_job *j = arg;
  const conv_plan *p = j->p;
  size_t es = p->es, kl = (size_t)(p->K * p->L);
  char *col = j->work + (size_t)slot * (size_t)j->slot * es;
  char *gcol = col + kl * es;
  /* slot 0 adds into the caller's gradients, the others into their own sums */
  char *gw = j->gw, *gb = j->gb;
  if (slot > 0 && gw) {
    gw = gcol + kl * es;
    gb = j->gb ? gw + (size_t)(p->nout * p->K) * es : NULL;
  }
  for (int64_t n = first; n < last; n++) {
    const char *img = j->in + (size_t)(n * p->in.c * p->in.h * p->in.w) * es;
    const char *gout = j->gout + (size_t)(n * p->nout * p->L) * es;
    const char *cols = img;
    if (j->want_col && !p->identity_unfold) {
      im2col(p->dt, col, img, p->in.c, p->in.h, p->in.w, p->win, p->oh, p->ow);
      cols = col;
    }
    if (gw) {
      int fresh = slot > 0 && n == first;
      tocha_gemm_rm(p->dt, 0, 1, (int)p->nout, (int)p->K, (int)p->L, j->scale, gout, (int)p->L, cols, (int)p->L,
                    fresh ? 0 : 1, gw, (int)p->K);
      if (gb) tocha_add_row_sums(p->dt, gb, gout, p->nout, p->L, j->scale, fresh);
    }
    if (j->gin) {
      char *gimg = j->gin + (size_t)(n * p->in.c * p->in.h * p->in.w) * es;
      char *dst = p->identity_unfold ? gimg : gcol;
      tocha_gemm_rm(p->dt, 1, 0, (int)p->K, (int)p->L, (int)p->nout, 1, j->weight, (int)p->K, gout, (int)p->L, 0,
                    dst, (int)p->L);
      if (!p->identity_unfold) col2im(p->dt, gimg, gcol, p->in.c, p->in.h, p->in.w, p->win, p->oh, p->ow);
    }
  }
}

/* dst += src, n elements. */
static void add_into(tocha_dtype dt, void *dst, const void *src, int64_t n) {
  if (dt == TOCHA_FLOAT)
    for (int64_t i = 0; i < n; i++) ((float *)dst)[i] += ((const float *)src)[i];
  else
    for (int64_t i = 0; i < n; i++) ((double *)dst)[i] += ((const double *)src)[i];
}

tocha_status tocha_conv2d_backward(tocha_tensor *grad_input, tocha_tensor *grad_weight, tocha_tensor *grad_bias,
                                   tocha_tensor *work, const tocha_tensor *input, const tocha_tensor *grad_output,
                                   const tocha_tensor *weight, tocha_window win, double scale) {
  conv_plan p;
  tocha_status st = plan_conv(&p, input, weight, win);
  if (st) return st;
  tocha_images go;
  if ((st = tocha_images_of(grad_output, 3, "gradOutput", p.dt, &go))) return st;
  if (go.batched != p.in.batched || go.n != p.in.n || go.c != p.nout || go.h != p.oh || go.w != p.ow) {
    char shape[128];
    tocha_tensor_shape_string(grad_output, shape, sizeof shape);
    return tocha_fail(TOCHA_ESIZE, 3, "gradOutput must have the output's size (%s%lldx%lldx%lld), got %s",
                      p.in.batched ? "" : "no batch, ", (long long)p.nout, (long long)p.oh, (long long)p.ow, shape);
  }
  if (!grad_weight) grad_bias = NULL;
  if (grad_weight) {
    if (grad_weight->dtype != p.dt || !tocha_tensor_same_size(grad_weight, weight) ||
        !tocha_tensor_is_contiguous(grad_weight))
      return tocha_fail(TOCHA_ESIZE, 0, "gradWeight must be a contiguous tensor of the weight's type and size");
    if (grad_bias && (st = tocha_plane_vector(grad_bias, 0, "gradBias", p.dt, p.nout))) return st;
  }
  if (grad_input) {
    if (grad_input == input || grad_input == grad_output || grad_input == work)
      return tocha_fail(TOCHA_EARG, 0, "gradInput must be a tensor of its own");
    if ((st = tocha_images_result(grad_input, "gradInput", p.dt, p.in.batched, p.in.n, p.in.c, p.in.h, p.in.w)))
      return st;
  }
  if (!grad_input && !grad_weight) return TOCHA_OK;
  if (p.winograd) {
    st = tocha_winograd_backward(work, grad_input ? tocha_tensor_data(grad_input) : NULL,
                                 grad_weight ? tocha_tensor_data(grad_weight) : NULL, tocha_tensor_data(input),
                                 tocha_tensor_data(grad_output), tocha_tensor_data(weight), scale, p.in.n, p.in.c,
                                 p.in.h, p.in.w, p.nout, p.win, p.oh, p.ow);
    for (int64_t n = 0; grad_bias && !st && n < p.in.n; n++)
      tocha_add_row_sums(p.dt, tocha_tensor_data(grad_bias), (const char *)tocha_tensor_data(grad_output) +
                   (size_t)(n * p.nout * p.L) * p.es, p.nout, p.L, scale, 0);
    return st;
  }
  int64_t kl = p.identity_unfold ? 0 : p.K * p.L;
  int64_t sums = grad_weight ? p.nout * p.K + p.nout : 0;
  int pieces = tocha_image_pieces(p.in.n, (double)p.nout * (double)p.K * (double)p.L * 2);
  int64_t slot = 2 * kl + (pieces > 1 ? sums : 0);
  char *base = NULL;
  if ((st = workspace(work, &p, pieces, slot, &base))) return st;
  backward_job j = {&p,
                    base,
                    grad_input ? tocha_tensor_data(grad_input) : NULL,
                    grad_weight ? tocha_tensor_data(grad_weight) : NULL,
                    grad_bias ? tocha_tensor_data(grad_bias) : NULL,
                    tocha_tensor_data(input),
                    tocha_tensor_data(grad_output),
                    tocha_tensor_data(weight),
                    scale,
                    slot,
                    grad_weight != NULL};
  tocha_images_parallel(pieces, p.in.n, backward_images, &j);
  /* the other slots' sums, added in slot order: the result does not depend
   * on which thread ran which piece */
  for (int s = 1; grad_weight && s < pieces; s++) {
    if (p.in.n * (s + 1) / pieces == p.in.n * s / pieces) continue; /* no images */
    const char *sw = base + ((size_t)s * (size_t)slot + (size_t)(2 * kl)) * p.es;
    add_into(p.dt, j.gw, sw, p.nout * p.K);
    if (grad_bias) add_into(p.dt, j.gb, sw + (size_t)(p.nout * p.K) * p.es, p.nout);
  }
  return TOCHA_OK;
}
