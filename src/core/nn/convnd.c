/*
 * The general convolution core behind SpatialFullConvolution,
 * SpatialDilatedConvolution, SpatialDepthWiseConvolution and the
 * Volumetric(Full|Dilated)Convolution family (src/tocha_spatial.h,
 * tocha_convnd_*): 2-D images (C, H, W) are volumes of depth 1, so one
 * unfolding (vol2col, with stride, padding and dilation) and its inverse
 * (col2vol) serve every module.
 *
 * Let K = kT*kH*kW.  A convolution unfolds its input (the "volume") into
 * columns on the output's grid; a full (transposed) convolution unfolds
 * its output, the columns lying on the input's grid:
 *
 *   convolution, weight (nOut, nIn, k...), per group g of G:
 *     forward    out[g] (nOut/G, L) = W[g] (nOut/G, nIn/G*K) * col[g]
 *     gradInput  gcol[g] = W[g]^T * gradOutput[g], folded back (col2vol)
 *     gradWeight gW[g] += scale gradOutput[g] * col[g]^T
 *   full convolution, weight (nIn, nOut, k...):
 *     forward    col (nOut*K, Lin) = W^T * input (nIn, Lin), folded into the output
 *     gradInput  gradInput (nIn, Lin) = W * vol2col(gradOutput)
 *     gradWeight gW += scale input * vol2col(gradOutput)^T
 *
 * Images are split over the threads for the forward and gradInput passes,
 * each unfolding into its own slot of the workspace; the weight gradient
 * is summed over the images in order, in slot 0.
 */
#include <limits.h>
#include <string.h>

#include "../sizes.h"
#include "spatial.h"

/* ---- unfolding ---------------------------------------------------------------- */

/* The unfolded volume: c planes of size s[3], columns on the grid g[3]. */
typedef struct vol_geom {
  int64_t c, s[3], g[3], k[3], d[3], pad[3], dil[3];
} vol_geom;

#define DEFINE_VOL2COL(T, SUFFIX)                                                                             \
  static void vol2col_##SUFFIX(T *col, const T *vol, const vol_geom *v) {                                   \
    int64_t len = v->g[0] * v->g[1] * v->g[2];                                                              \
    for (int64_t p = 0; p < v->c; p++)                                                                      \
      for (int64_t a = 0; a < v->k[0]; a++)                                                                 \
        for (int64_t b = 0; b < v->k[1]; b++)                                                               \
          for (int64_t e = 0; e < v->k[2]; e++) {                                                           \
            T *row = col + (((p * v->k[0] + a) * v->k[1] + b) * v->k[2] + e) * len;                          \
            int64_t lo, hi;                                                                                 \
            tocha_valid_range(v->s[2], v->g[2], v->d[2], v->pad[2], e * v->dil[2], &lo, &hi);                \
            for (int64_t z = 0; z < v->g[0]; z++) {                                                         \
              int64_t iz = z * v->d[0] - v->pad[0] + a * v->dil[0];                                         \
              for (int64_t y = 0; y < v->g[1]; y++, row += v->g[2]) {                                       \
                int64_t iy = y * v->d[1] - v->pad[1] + b * v->dil[1];                                       \
                if (iz < 0 || iz >= v->s[0] || iy < 0 || iy >= v->s[1]) {                                   \
                  memset(row, 0, (size_t)v->g[2] * sizeof(T));                                              \
                  continue;                                                                                 \
                }                                                                                           \
                const T *src = vol + ((p * v->s[0] + iz) * v->s[1] + iy) * v->s[2] - v->pad[2] + e * v->dil[2]; \
                for (int64_t x = 0; x < lo; x++) row[x] = 0;                                                \
                for (int64_t x = lo; x < hi; x++) row[x] = src[x * v->d[2]];                                \
                for (int64_t x = hi; x < v->g[2]; x++) row[x] = 0;                                          \
              }                                                                                             \
            }                                                                                               \
          }                                                                                                 \
  }                                                                                                         \
  static void col2vol_##SUFFIX(T *vol, const T *col, const vol_geom *v) {                                   \
    int64_t len = v->g[0] * v->g[1] * v->g[2];                                                              \
    memset(vol, 0, (size_t)(v->c * v->s[0] * v->s[1] * v->s[2]) * sizeof(T));                               \
    for (int64_t p = 0; p < v->c; p++)                                                                      \
      for (int64_t a = 0; a < v->k[0]; a++)                                                                 \
        for (int64_t b = 0; b < v->k[1]; b++)                                                               \
          for (int64_t e = 0; e < v->k[2]; e++) {                                                           \
            const T *row = col + (((p * v->k[0] + a) * v->k[1] + b) * v->k[2] + e) * len;                    \
            int64_t lo, hi;                                                                                 \
            tocha_valid_range(v->s[2], v->g[2], v->d[2], v->pad[2], e * v->dil[2], &lo, &hi);                \
            for (int64_t z = 0; z < v->g[0]; z++) {                                                         \
              int64_t iz = z * v->d[0] - v->pad[0] + a * v->dil[0];                                         \
              for (int64_t y = 0; y < v->g[1]; y++, row += v->g[2]) {                                       \
                int64_t iy = y * v->d[1] - v->pad[1] + b * v->dil[1];                                       \
                if (iz < 0 || iz >= v->s[0] || iy < 0 || iy >= v->s[1]) continue;                           \
                T *dst = vol + ((p * v->s[0] + iz) * v->s[1] + iy) * v->s[2] - v->pad[2] + e * v->dil[2];   \
                for (int64_t x = lo; x < hi; x++) dst[x * v->d[2]] += row[x];                               \
              }                                                                                             \
            }                                                                                               \
          }                                                                                                 \
  }

DEFINE_VOL2COL(float, f)
DEFINE_VOL2COL(double, d)

static void vol2col(tocha_dtype dt, void *col, const void *vol, const vol_geom *v) {
  if (dt == TOCHA_FLOAT)
    vol2col_f(col, vol, v);
  else
    vol2col_d(col, vol, v);
}

static void col2vol(tocha_dtype dt, void *vol, const void *col, const vol_geom *v) {
  if (dt == TOCHA_FLOAT)
    col2vol_f(vol, col, v);
  else
    col2vol_d(vol, col, v);
}

/* ---- geometry and checks -------------------------------------------------------- */

typedef struct vol_plan {
  tocha_dtype dt;
  size_t es;
  const tocha_volwindow *w;
  int batched;
  int64_t n, cin, cout, groups;
  int64_t in[3], out[3];   /* spatial sizes (T, H, W; T = 1 for images) */
  int64_t lin, lout;       /* their element counts per plane */
  int64_t rows, cols;      /* the column matrix of one image: rows x cols */
  vol_geom v;              /* what is unfolded */
} vol_plan;

static const char *const axis_name[3] = {"T", "H", "W"};

static tocha_status check_geometry(const tocha_volwindow *w) {
  if (w->nd != 2 && w->nd != 3) return tocha_fail(TOCHA_EARG, 0, "convolutions are 2-D or 3-D, got %d-D", w->nd);
  if (w->groups < 1) return tocha_fail(TOCHA_EARG, 0, "groups must be positive, got %lld", (long long)w->groups);
  if (w->transposed && w->groups != 1)
    return tocha_fail(TOCHA_EARG, 0, "full convolutions take no groups, got %lld", (long long)w->groups);
  for (int i = 3 - w->nd; i < 3; i++) {
    const char *a = axis_name[i];
    if (w->k[i] < 1 || w->k[i] > INT_MAX)
      return tocha_fail(TOCHA_EARG, 0, "kernel size k%s must be positive, got %lld", a, (long long)w->k[i]);
    if (w->d[i] < 1 || w->d[i] > INT_MAX)
      return tocha_fail(TOCHA_EARG, 0, "stride d%s must be positive, got %lld", a, (long long)w->d[i]);
    if (w->pad[i] < 0 || w->pad[i] > INT_MAX / 4)
      return tocha_fail(TOCHA_EARG, 0, "padding pad%s must be non-negative, got %lld", a, (long long)w->pad[i]);
    if (w->dil[i] < 1 || w->dil[i] > INT_MAX)
      return tocha_fail(TOCHA_EARG, 0, "dilation%s must be positive, got %lld", a, (long long)w->dil[i]);
    if (w->adj[i] < 0 || (w->adj[i] > 0 && !w->transposed) || (w->transposed && w->adj[i] >= w->d[i]))
      return tocha_fail(TOCHA_EARG, 0, "adj%s must be at least 0 and smaller than the stride d%s (%lld), got %lld", a,
                        a, (long long)w->d[i], (long long)w->adj[i]);
  }
  return TOCHA_OK;
}

/* weight: (nOut, nIn/groups, k...) for a convolution, (nIn, nOut, k...) for a full one. */
static tocha_status check_weight(const tocha_tensor *weight, const tocha_volwindow *w, int64_t *a, int64_t *b) {
  char shape[128];
  if (weight->dtype != TOCHA_FLOAT && weight->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, 2, "weight must be a FloatTensor or DoubleTensor, got a %sTensor",
                      tocha_dtype_name(weight->dtype));
  int ok = weight->ndim == w->nd + 2 && weight->size[0] >= 1 && weight->size[1] >= 1;
  for (int i = 0; ok && i < w->nd; i++) ok = weight->size[2 + i] == w->k[3 - w->nd + i];
  if (!ok) {
    tocha_tensor_shape_string(weight, shape, sizeof shape);
    const char *first = w->transposed ? "nInputPlane x nOutputPlane" : "nOutputPlane x nInputPlane";
    if (w->nd == 2)
      return tocha_fail(TOCHA_ESIZE, 2, "weight must be %s x %lld x %lld, got size %s", first, (long long)w->k[1],
                        (long long)w->k[2], shape);
    return tocha_fail(TOCHA_ESIZE, 2, "weight must be %s x %lld x %lld x %lld, got size %s", first,
                      (long long)w->k[0], (long long)w->k[1], (long long)w->k[2], shape);
  }
  if (!tocha_tensor_is_contiguous(weight)) return tocha_fail(TOCHA_EARG, 2, "weight must be contiguous");
  *a = weight->size[0];
  *b = weight->size[1];
  return TOCHA_OK;
}

static tocha_status plan_vol(vol_plan *p, const tocha_tensor *input, const tocha_tensor *weight,
                             const tocha_volwindow *w) {
  tocha_status st = check_geometry(w);
  if (st) return st;
  int64_t a = 0, b = 0;
  if ((st = check_weight(weight, w, &a, &b))) return st;
  if ((st = tocha_volume_of(input, 1, "input", weight->dtype, w->nd, &p->batched, &p->n, &p->cin, p->in))) return st;
  p->dt = weight->dtype;
  p->es = tocha_dtype_size(p->dt);
  p->w = w;
  p->groups = w->groups;
  int64_t want_in = w->transposed ? a : b * w->groups;
  p->cout = w->transposed ? b : a;
  if (p->cin != want_in)
    return tocha_fail(TOCHA_ESIZE, 1, "input has %lld planes but the weight expects nInputPlane = %lld",
                      (long long)p->cin, (long long)want_in);
  if (p->cout % p->groups != 0)
    return tocha_fail(TOCHA_ESIZE, 2, "nOutputPlane (%lld) must be a multiple of groups (%lld)", (long long)p->cout,
                      (long long)p->groups);
  for (int i = 0; i < 3; i++) {
    int64_t span = w->dil[i] * (w->k[i] - 1) + 1; /* < 2^62 after the checks */
    if (w->transposed)
      p->out[i] = (p->in[i] - 1) * w->d[i] - 2 * w->pad[i] + span + w->adj[i];
    else
      p->out[i] = p->in[i] + 2 * w->pad[i] < span ? 0 : (p->in[i] + 2 * w->pad[i] - span) / w->d[i] + 1;
  }
  for (int i = 0; i < 3; i++) {
    if (p->in[i] < 1 || p->out[i] < 1 || p->out[i] > INT_MAX) {
      if (w->nd == 2)
        return tocha_fail(TOCHA_ESIZE, 1, "input image (%lldx%lld) is too small for the kernel (%lldx%lld, "
                          "dilation %lldx%lld, padding %lldx%lld): output would be %lldx%lld", (long long)p->in[1],
                          (long long)p->in[2], (long long)w->k[1], (long long)w->k[2], (long long)w->dil[1],
                          (long long)w->dil[2], (long long)w->pad[1], (long long)w->pad[2], (long long)p->out[1],
                          (long long)p->out[2]);
      return tocha_fail(TOCHA_ESIZE, 1, "input volume (%lldx%lldx%lld) is too small for the kernel (%lldx%lldx%lld, "
                        "dilation %lldx%lldx%lld, padding %lldx%lldx%lld)", (long long)p->in[0], (long long)p->in[1],
                        (long long)p->in[2], (long long)w->k[0], (long long)w->k[1], (long long)w->k[2],
                        (long long)w->dil[0], (long long)w->dil[1], (long long)w->dil[2], (long long)w->pad[0],
                        (long long)w->pad[1], (long long)w->pad[2]);
    }
  }
  int64_t kk = w->k[0] * w->k[1] * w->k[2];
  p->lin = p->in[0] * p->in[1] * p->in[2];
  p->lout = p->out[0] * p->out[1] * p->out[2];
  /* the unfolded volume: the input for a convolution, the output for a full one */
  vol_geom *v = &p->v;
  v->c = w->transposed ? p->cout : p->cin;
  for (int i = 0; i < 3; i++) {
    v->s[i] = w->transposed ? p->out[i] : p->in[i];
    v->g[i] = w->transposed ? p->in[i] : p->out[i];
    v->k[i] = w->k[i];
    v->d[i] = w->d[i];
    v->pad[i] = w->pad[i];
    v->dil[i] = w->dil[i];
  }
  int ok = tocha_mul_ok(v->c, kk, &p->rows);
  p->cols = w->transposed ? p->lin : p->lout;
  int64_t slot, per_image;
  ok = ok && tocha_mul_ok(p->rows, p->cols, &slot) && slot <= TOCHA_SIZE_LIMIT;
  ok = ok && tocha_mul_ok(p->cout, p->lout, &per_image) && per_image <= TOCHA_SIZE_LIMIT;
  if (!ok || p->rows > INT_MAX || p->cols > INT_MAX || p->cin > INT_MAX || p->cout > INT_MAX || p->lout > INT_MAX)
    return tocha_fail(TOCHA_EOVERFLOW, 1, "convolution too large (%lld x %lld unfolded elements per image)",
                      (long long)p->rows, (long long)p->cols);
  return TOCHA_OK;
}

static tocha_status result(tocha_tensor *out, const char *name, const vol_plan *p, int64_t c, const int64_t *s) {
  if (out->dtype != p->dt)
    return tocha_fail(TOCHA_ETYPE, 0, "%s is a tocha.%sTensor but the input is a tocha.%sTensor", name,
                      tocha_dtype_name(out->dtype), tocha_dtype_name(p->dt));
  int64_t size[5];
  int nd = p->w->nd, k = 0;
  if (p->batched) size[k++] = p->n;
  size[k++] = c;
  for (int i = 3 - nd; i < 3; i++) size[k++] = s[i];
  tocha_status st = tocha_tensor_resize(out, k, size);
  if (st) return st;
  if (!tocha_tensor_is_contiguous(out)) return tocha_fail(TOCHA_EARG, 0, "%s must be contiguous", name);
  return TOCHA_OK;
}

static tocha_status slots(tocha_tensor *work, const vol_plan *p, int pieces, char **base) {
  int64_t need;
  if (!tocha_mul_ok(p->rows * p->cols, pieces, &need)) return tocha_fail(TOCHA_EOVERFLOW, 0, "workspace too large");
  return tocha_workspace(work, p->dt, need, base);
}

/* Each row o of (rows, len) data += value[o] (float or double). */
static void add_per_row(tocha_dtype dt, void *data, const void *value, int64_t rows, int64_t len) {
  for (int64_t o = 0; o < rows; o++) {
    if (dt == TOCHA_FLOAT) {
      float b = ((const float *)value)[o], *r = (float *)data + o * len;
      for (int64_t l = 0; l < len; l++) r[l] += b;
    } else {
      double b = ((const double *)value)[o], *r = (double *)data + o * len;
      for (int64_t l = 0; l < len; l++) r[l] += b;
    }
  }
}

/* ---- forward and gradInput, image by image over the threads ------------------------- */

typedef struct vol_job {
  const vol_plan *p;
  char *dst, *work;
  const char *src, *weight, *bias;
} vol_job;

#define AT(base, index, p) ((base) + (size_t)(index) * (p)->es)

static void forward_images(void *arg, int slot, int64_t first, int64_t last) {
  const vol_job *j = arg;
  const vol_plan *p = j->p;
  char *col = AT(j->work, (int64_t)slot * p->rows * p->cols, p);
  for (int64_t n = first; n < last; n++) {
    const char *in = AT(j->src, n * p->cin * p->lin, p);
    char *out = AT(j->dst, n * p->cout * p->lout, p);
    if (p->w->transposed) {
      tocha_gemm_rm(p->dt, 1, 0, (int)p->rows, (int)p->cols, (int)p->cin, 1, j->weight, (int)p->rows, in,
                    (int)p->cols, 0, col, (int)p->cols);
      col2vol(p->dt, out, col, &p->v);
    } else {
      vol2col(p->dt, col, in, &p->v);
      int64_t og = p->cout / p->groups, kg = p->rows / p->groups;
      for (int64_t g = 0; g < p->groups; g++)
        tocha_gemm_rm(p->dt, 0, 0, (int)og, (int)p->cols, (int)kg, 1, AT(j->weight, g * og * kg, p), (int)kg,
                      AT(col, g * kg * p->cols, p), (int)p->cols, 0, AT(out, g * og * p->lout, p), (int)p->cols);
    }
    if (j->bias) add_per_row(p->dt, out, j->bias, p->cout, p->lout);
  }
}

static void grad_input_images(void *arg, int slot, int64_t first, int64_t last) {
  const vol_job *j = arg;
  const vol_plan *p = j->p;
  char *col = AT(j->work, (int64_t)slot * p->rows * p->cols, p);
  for (int64_t n = first; n < last; n++) {
    const char *gout = AT(j->src, n * p->cout * p->lout, p);
    char *gin = AT(j->dst, n * p->cin * p->lin, p);
    if (p->w->transposed) {
      vol2col(p->dt, col, gout, &p->v);
      tocha_gemm_rm(p->dt, 0, 0, (int)p->cin, (int)p->cols, (int)p->rows, 1, j->weight, (int)p->rows, col,
                    (int)p->cols, 0, gin, (int)p->cols);
    } else {
      int64_t og = p->cout / p->groups, kg = p->rows / p->groups;
      for (int64_t g = 0; g < p->groups; g++)
        tocha_gemm_rm(p->dt, 1, 0, (int)kg, (int)p->cols, (int)og, 1, AT(j->weight, g * og * kg, p), (int)kg,
                      AT(gout, g * og * p->lout, p), (int)p->cols, 0, AT(col, g * kg * p->cols, p), (int)p->cols);
      col2vol(p->dt, gin, col, &p->v);
    }
  }
}

tocha_status tocha_convnd_forward(tocha_tensor *output, tocha_tensor *work, const tocha_tensor *input,
                                  const tocha_tensor *weight, const tocha_tensor *bias, const tocha_volwindow *w) {
  vol_plan p;
  tocha_status st = plan_vol(&p, input, weight, w);
  if (st) return st;
  if (bias && (st = tocha_plane_vector(bias, 3, "bias", p.dt, p.cout))) return st;
  if (output == input || output == weight || output == work || work == input || work == weight)
    return tocha_fail(TOCHA_EARG, 0, "output and workspace must be tensors of their own");
  if ((st = result(output, "output", &p, p.cout, p.out))) return st;
  int pieces = tocha_image_pieces(p.n, (double)p.rows * (double)p.cols * (double)(w->transposed ? p.cin : p.cout));
  char *base = NULL;
  if ((st = slots(work, &p, pieces, &base))) return st;
  vol_job j = {&p, tocha_tensor_data(output), base, tocha_tensor_data(input), tocha_tensor_data(weight),
               bias ? tocha_tensor_data(bias) : NULL};
  tocha_images_parallel(pieces, p.n, forward_images, &j);
  return TOCHA_OK;
}

tocha_status tocha_convnd_backward(tocha_tensor *grad_input, tocha_tensor *grad_weight, tocha_tensor *grad_bias,
                                   tocha_tensor *work, const tocha_tensor *input, const tocha_tensor *grad_output,
                                   const tocha_tensor *weight, const tocha_volwindow *w, double scale) {
  vol_plan p;
  tocha_status st = plan_vol(&p, input, weight, w);
  if (st) return st;
  int gb = 0;
  int64_t gn = 0, gc = 0, gs[3] = {0, 0, 0};
  if ((st = tocha_volume_of(grad_output, 3, "gradOutput", p.dt, w->nd, &gb, &gn, &gc, gs))) return st;
  if (gb != p.batched || gn != p.n || gc != p.cout || gs[0] != p.out[0] || gs[1] != p.out[1] || gs[2] != p.out[2]) {
    char shape[128];
    tocha_tensor_shape_string(grad_output, shape, sizeof shape);
    if (w->nd == 2)
      return tocha_fail(TOCHA_ESIZE, 3, "gradOutput must have the output's size (%s%lldx%lldx%lld), got %s",
                        p.batched ? "" : "no batch, ", (long long)p.cout, (long long)p.out[1], (long long)p.out[2],
                        shape);
    return tocha_fail(TOCHA_ESIZE, 3, "gradOutput must have the output's size (%s%lldx%lldx%lldx%lld), got %s",
                      p.batched ? "" : "no batch, ", (long long)p.cout, (long long)p.out[0], (long long)p.out[1],
                      (long long)p.out[2], shape);
  }
  if (!grad_weight) grad_bias = NULL;
  if (grad_weight) {
    if (grad_weight->dtype != p.dt || !tocha_tensor_same_size(grad_weight, weight) ||
        !tocha_tensor_is_contiguous(grad_weight))
      return tocha_fail(TOCHA_ESIZE, 0, "gradWeight must be a contiguous tensor of the weight's type and size");
    if (grad_bias && (st = tocha_plane_vector(grad_bias, 0, "gradBias", p.dt, p.cout))) return st;
  }
  if (work == input || work == grad_output || work == weight || (grad_weight && work == grad_weight))
    return tocha_fail(TOCHA_EARG, 0, "the workspace must be a tensor of its own");
  if (grad_input) {
    if (grad_input == input || grad_input == grad_output || grad_input == work || grad_input == weight)
      return tocha_fail(TOCHA_EARG, 0, "gradInput must be a tensor of its own");
    if ((st = result(grad_input, "gradInput", &p, p.cin, p.in))) return st;
  }
  if (!grad_input && !grad_weight) return TOCHA_OK;
  int pieces = grad_input ? tocha_image_pieces(p.n, (double)p.rows * (double)p.cols * (double)p.cout) : 1;
  char *col = NULL;
  if ((st = slots(work, &p, pieces, &col))) return st;
  if (grad_input) {
    vol_job j = {&p, tocha_tensor_data(grad_input), col, tocha_tensor_data(grad_output), tocha_tensor_data(weight),
                 NULL};
    tocha_images_parallel(pieces, p.n, grad_input_images, &j);
  }
  if (!grad_weight) return TOCHA_OK;
  char *gw = tocha_tensor_data(grad_weight);
  const char *in = tocha_tensor_data(input), *go = tocha_tensor_data(grad_output);
  for (int64_t n = 0; n < p.n; n++) {
    const char *img = AT(in, n * p.cin * p.lin, &p), *gout = AT(go, n * p.cout * p.lout, &p);
    if (w->transposed) {
      vol2col(p.dt, col, gout, &p.v);
      tocha_gemm_rm(p.dt, 0, 1, (int)p.cin, (int)p.rows, (int)p.cols, scale, img, (int)p.cols, col, (int)p.cols, 1,
                    gw, (int)p.rows);
    } else {
      vol2col(p.dt, col, img, &p.v);
      int64_t og = p.cout / p.groups, kg = p.rows / p.groups;
      for (int64_t g = 0; g < p.groups; g++)
        tocha_gemm_rm(p.dt, 0, 1, (int)og, (int)kg, (int)p.cols, scale, AT(gout, g * og * p.lout, &p), (int)p.cols,
                      AT(col, g * kg * p.cols, &p), (int)p.cols, 1, AT(gw, g * og * kg, &p), (int)kg);
    }
    if (grad_bias) tocha_add_row_sums(p.dt, tocha_tensor_data(grad_bias), gout, p.cout, p.lout, scale, 0);
  }
  return TOCHA_OK;
}
