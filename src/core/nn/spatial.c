/*
 * What the spatial kernels share (spatial.h): shapes, window rules,
 * checks, GEMM and the per-image split over tocha's pool.
 */
#include <cblas.h>
#include <limits.h>

#include "../threads.h"
#include "spatial.h"

tocha_status tocha_images_of(const tocha_tensor *t, int pos, const char *name, int dtype, tocha_images *s) {
  int64_t size[3] = {0, 0, 0};
  tocha_status st = tocha_volume_of(t, pos, name, dtype, 2, &s->batched, &s->n, &s->c, size);
  s->h = size[1];
  s->w = size[2];
  return st;
}

tocha_status tocha_volume_of(const tocha_tensor *t, int pos, const char *name, int dtype, int nd, int *batched,
                             int64_t *n, int64_t *c, int64_t s[3]) {
  char shape[128];
  if (t->dtype != TOCHA_FLOAT && t->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, pos, "%s must be a FloatTensor or DoubleTensor, got a %sTensor", name,
                      tocha_dtype_name(t->dtype));
  if (dtype >= 0 && t->dtype != (tocha_dtype)dtype)
    return tocha_fail(TOCHA_ETYPE, pos, "%s is a tocha.%sTensor but the module's tensors are tocha.%sTensor", name,
                      tocha_dtype_name(t->dtype), tocha_dtype_name((tocha_dtype)dtype));
  if (t->ndim != nd + 1 && t->ndim != nd + 2) {
    tocha_tensor_shape_string(t, shape, sizeof shape);
    if (nd == 2)
      return tocha_fail(TOCHA_ESIZE, pos, "%s must be 3D (nInputPlane x height x width) or 4D (batch x nInputPlane x "
                        "height x width), got size %s", name, shape);
    return tocha_fail(TOCHA_ESIZE, pos, "%s must be 4D (nInputPlane x time x height x width) or 5D (batch x "
                      "nInputPlane x time x height x width), got size %s", name, shape);
  }
  if (!tocha_tensor_is_contiguous(t)) return tocha_fail(TOCHA_EARG, pos, "%s must be contiguous", name);
  int b = t->ndim == nd + 2;
  *batched = b;
  *n = b ? t->size[0] : 1;
  *c = t->size[b];
  s[0] = nd == 3 ? t->size[b + 1] : 1;
  s[1] = t->size[b + nd - 1];
  s[2] = t->size[b + nd];
  for (int i = 0; i < 3; i++)
    if (s[i] > INT_MAX) return tocha_fail(TOCHA_EOVERFLOW, pos, "%s too large", name);
  return TOCHA_OK;
}

tocha_status tocha_window_check(tocha_window w, int pool) {
  if (w.kW < 1 || w.kH < 1)
    return tocha_fail(TOCHA_EARG, 0, "kernel size must be positive, got kW=%lld kH=%lld", (long long)w.kW,
                      (long long)w.kH);
  if (w.dW < 1 || w.dH < 1)
    return tocha_fail(TOCHA_EARG, 0, "stride must be positive, got dW=%lld dH=%lld", (long long)w.dW,
                      (long long)w.dH);
  if (w.padW < 0 || w.padH < 0)
    return tocha_fail(TOCHA_EARG, 0, "padding must be non-negative, got padW=%lld padH=%lld", (long long)w.padW,
                      (long long)w.padH);
  /* bounds that keep every product below of the kernel's sizes in range */
  if (w.kW > INT_MAX || w.kH > INT_MAX || w.dW > INT_MAX || w.dH > INT_MAX || w.padW > INT_MAX / 4 ||
      w.padH > INT_MAX / 4)
    return tocha_fail(TOCHA_EOVERFLOW, 0, "kernel, stride or padding too large");
  if (pool && (w.padW > w.kW / 2 || w.padH > w.kH / 2))
    return tocha_fail(TOCHA_EARG, 0, "padding should be at most half the kernel size, got padW=%lld padH=%lld for "
                      "kW=%lld kH=%lld", (long long)w.padW, (long long)w.padH, (long long)w.kW, (long long)w.kH);
  return TOCHA_OK;
}

int64_t tocha_window_out(int64_t in, int64_t k, int64_t d, int64_t pad, int ceil_mode) {
  int64_t span = in + 2 * pad - k; /* no overflow: all below 2^62 after the checks */
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? (span + d - 1) / d : span / d) + 1;
  /* Torch7: the last window must start inside the image or its left padding */
  if (ceil_mode && pad > 0 && (out - 1) * d >= in + pad) out--;
  if (ceil_mode && pad == 0 && (out - 1) * d >= in) out--;
  return out;
}

tocha_status tocha_window_output(tocha_window w, const tocha_images *in, int64_t *oh, int64_t *ow) {
  if (in->h > INT_MAX || in->w > INT_MAX)
    return tocha_fail(TOCHA_EOVERFLOW, 1, "input image too large (%lldx%lld)", (long long)in->h, (long long)in->w);
  *oh = tocha_window_out(in->h, w.kH, w.dH, w.padH, w.ceil_mode);
  *ow = tocha_window_out(in->w, w.kW, w.dW, w.padW, w.ceil_mode);
  if (*oh < 1 || *ow < 1)
    return tocha_fail(TOCHA_ESIZE, 1, "input image (%lldx%lld, padded %lldx%lld) is smaller than the kernel "
                      "(%lldx%lld)", (long long)in->h, (long long)in->w, (long long)(in->h + 2 * w.padH),
                      (long long)(in->w + 2 * w.padW), (long long)w.kH, (long long)w.kW);
  return TOCHA_OK;
}

tocha_status tocha_images_result(tocha_tensor *out, const char *name, tocha_dtype dtype, int batched, int64_t n,
                                 int64_t c, int64_t h, int64_t w) {
  if (out->dtype != dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "%s is a tocha.%sTensor but the input is a tocha.%sTensor", name,
                      tocha_dtype_name(out->dtype), tocha_dtype_name(dtype));
  int64_t size[4] = {n, c, h, w};
  tocha_status st = batched ? tocha_tensor_resize(out, 4, size) : tocha_tensor_resize(out, 3, size + 1);
  if (st) return st;
  if (!tocha_tensor_is_contiguous(out)) return tocha_fail(TOCHA_EARG, 0, "%s must be contiguous", name);
  return TOCHA_OK;
}

tocha_status tocha_plane_vector(const tocha_tensor *t, int pos, const char *name, tocha_dtype dtype, int64_t n) {
  if (t->dtype != dtype)
    return tocha_fail(TOCHA_ETYPE, pos, "%s is a tocha.%sTensor but the input is a tocha.%sTensor", name,
                      tocha_dtype_name(t->dtype), tocha_dtype_name(dtype));
  if (t->ndim != 1 || t->size[0] != n) {
    char shape[128];
    tocha_tensor_shape_string(t, shape, sizeof shape);
    return tocha_fail(TOCHA_ESIZE, pos, "%s must be a vector of %lld elements, got size %s", name, (long long)n,
                      shape);
  }
  if (!tocha_tensor_is_contiguous(t)) return tocha_fail(TOCHA_EARG, pos, "%s must be contiguous", name);
  return TOCHA_OK;
}

tocha_status tocha_workspace(tocha_tensor *work, tocha_dtype dt, int64_t need, char **base) {
  if (work->dtype != dt)
    return tocha_fail(TOCHA_ETYPE, 0, "workspace is a tocha.%sTensor but the weight is a tocha.%sTensor",
                      tocha_dtype_name(work->dtype), tocha_dtype_name(dt));
  if (need < 1) need = 1;
  if (!tocha_tensor_is_contiguous(work) || tocha_tensor_nelement(work) < need) {
    tocha_status st = tocha_tensor_resize(work, 1, &need);
    if (st) return st;
  }
  *base = tocha_tensor_data(work);
  return TOCHA_OK;
}

void tocha_gemm_rm(tocha_dtype dtype, int trans_a, int trans_b, int m, int n, int k, double alpha, const void *a,
                   int lda, const void *b, int ldb, double beta, void *c, int ldc) {
  enum CBLAS_TRANSPOSE ta = trans_a ? CblasTrans : CblasNoTrans, tb = trans_b ? CblasTrans : CblasNoTrans;
  if (dtype == TOCHA_FLOAT)
    cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, (float)alpha, a, lda, b, ldb, (float)beta, c, ldc);
  else
    cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* Valid output columns [*lo, *hi) of kernel column kj: 0 <= ox*d - pad + kj < in. */
void tocha_valid_range(int64_t in, int64_t out, int64_t d, int64_t pad, int64_t kj, int64_t *lo, int64_t *hi) {
  int64_t a = pad - kj; /* ox*d >= a */
  int64_t l = a <= 0 ? 0 : (a + d - 1) / d;
  int64_t b = in - 1 + pad - kj; /* ox*d <= b */
  int64_t h = b < 0 ? 0 : b / d + 1;
  if (h > out) h = out;
  if (l > h) l = h;
  *lo = l;
  *hi = h;
}

void tocha_add_row_sums(tocha_dtype dt, void *gb, const void *gout, int64_t rows, int64_t len, double scale,
                         int first) {
  for (int64_t o = 0; o < rows; o++) {
    double s = 0;
    if (dt == TOCHA_FLOAT) { /* eight running sums: a loop the compiler vectorises */
      const float *r = (const float *)gout + o * len;
      float acc[8] = {0};
      int64_t l = 0;
      for (; l + 8 <= len; l += 8)
        for (int k = 0; k < 8; k++) acc[k] += r[l + k];
      for (; l < len; l++) acc[0] += r[l];
      for (int k = 0; k < 8; k++) s += acc[k];
    } else {
      const double *r = (const double *)gout + o * len;
      for (int64_t l = 0; l < len; l++) s += r[l];
    }
    if (dt == TOCHA_FLOAT)
      ((float *)gb)[o] = (float)((first ? 0 : ((float *)gb)[o]) + scale * s);
    else
      ((double *)gb)[o] = (first ? 0 : ((double *)gb)[o]) + scale * s;
  }
}

/* Pieces get at least this much work (multiply-adds or element visits):
 * below it the wake-up of a second thread costs more than it saves. */
#define PIECE_MIN_WORK 4e5

int tocha_image_pieces(int64_t n, double work_per_image) {
  int64_t p = tocha_get_num_threads();
  if (p > n) p = n;
  double most = work_per_image * (double)n / PIECE_MIN_WORK;
  if ((double)p > most) p = (int64_t)most;
  if (p > TOCHA_POOL_MAX + 1) p = TOCHA_POOL_MAX + 1;
  return p < 1 ? 1 : (int)p;
}

typedef struct images_job {
  tocha_images_fn fn;
  void *arg;
  int64_t n;
} images_job;

static void images_piece(void *arg, int piece, int npieces) {
  images_job *j = arg;
  int64_t first = j->n * piece / npieces, last = j->n * (piece + 1) / npieces;
  if (first < last) j->fn(j->arg, piece, first, last);
}

void tocha_images_parallel(int pieces, int64_t n, tocha_images_fn fn, void *arg) {
  if (pieces <= 1) {
    if (n > 0) fn(arg, 0, 0, n);
    return;
  }
  images_job j = {fn, arg, n};
  tocha_parallel(pieces, pieces, images_piece, &j);
}
