/*
 * Sorting and order statistics along a dimension: sort, topk, kthvalue,
 * median, mode (see tocha_tensorlib.h for the contract).
 *
 * Every lane (the elements along `dim` for one position of the other
 * dimensions) is gathered into an array of order-preserving unsigned keys
 * with the positions 0..n-1 beside them, sorted stably, and the results
 * are read back from the input through the sorted positions.
 *
 * Keys: a float's bits with the sign flipped (positive numbers) or all
 * bits flipped (negative numbers) compare as unsigned integers in the
 * order of the numbers; -0 is made +0 (they are equal) and every NaN the
 * one largest key, so NaNs sort after +inf, in their original order.
 * Long: the sign bit flipped.  Byte: the value.  Descending order uses the
 * complemented key, which keeps equal elements in their original order.
 *
 * The sort is a least-significant-digit radix sort, 8 bits a pass, one
 * histogram pass for all digits, and passes whose digit is the same for
 * every element skipped (Byte keys and small ranges cost one or two
 * passes); lanes of up to 32 elements use insertion sort.  Both are stable.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../tocha.h"
#include "result.h"
#include "threads.h"

enum { O_SORT, O_TOPK, O_KTH, O_MODE };

#define SMALL_LANE 32

/* ---- keys ------------------------------------------------------------------------ */

static inline uint32_t key_float(float v) {
  uint32_t u;
  if (v != v) return 0xFFFFFFFFu; /* NaN: above +inf (0xFF800000 after the flip) */
  if (v == 0) v = 0;              /* -0 -> +0 */
  memcpy(&u, &v, sizeof u);
  return (u & 0x80000000u) ? ~u : (u ^ 0x80000000u);
}

static inline uint64_t key_double(double v) {
  uint64_t u;
  if (v != v) return UINT64_MAX;
  if (v == 0) v = 0;
  memcpy(&u, &v, sizeof u);
  return (u & 0x8000000000000000ull) ? ~u : (u ^ 0x8000000000000000ull);
}

static inline uint64_t key_long(int64_t v) { return (uint64_t)v ^ 0x8000000000000000ull; }
static inline uint32_t key_byte(uint8_t v) { return v; }
/* signed 32-, 16- and 8-bit: flip the sign bit of the 32-bit value */
static inline uint32_t key_int(int32_t v) { return (uint32_t)v ^ 0x80000000u; }
static inline uint32_t key_short(int16_t v) { return key_int(v); }
static inline uint32_t key_char(int8_t v) { return key_int(v); }

/* ---- stable sorts of (key, position) pairs ------------------------------------------ */

#define DEFINE_SORT(K, NAME)                                                             \
  static void insertion_##NAME(K *key, int64_t *pos, int64_t n) {                        \
    for (int64_t i = 1; i < n; i++) {                                                    \
      K k = key[i];                                                                      \
      int64_t p = pos[i], j = i;                                                         \
      while (j > 0 && key[j - 1] > k) {                                                  \
        key[j] = key[j - 1];                                                             \
        pos[j] = pos[j - 1];                                                             \
        j--;                                                                             \
      }                                                                                  \
      key[j] = k;                                                                        \
      pos[j] = p;                                                                        \
    }                                                                                    \
  }                                                                                      \
  /* Sorts key/pos (n pairs) using key2/pos2 as scratch; the result ends in key/pos. */  \
  static void radix_##NAME(K *key, int64_t *pos, K *key2, int64_t *pos2, int64_t n) {    \
    enum { NB = (int)sizeof(K) };                                                        \
    if (n <= SMALL_LANE) {                                                               \
      insertion_##NAME(key, pos, n);                                                     \
      return;                                                                            \
    }                                                                                    \
    int64_t count[NB][256];                                                              \
    memset(count, 0, sizeof count);                                                      \
    for (int64_t i = 0; i < n; i++) {                                                    \
      K k = key[i];                                                                      \
      for (int b = 0; b < NB; b++) count[b][(k >> (8 * b)) & 0xFF]++;                    \
    }                                                                                    \
    K *src = key, *dst = key2;                                                           \
    int64_t *psrc = pos, *pdst = pos2;                                                   \
    for (int b = 0; b < NB; b++) {                                                       \
      if (count[b][(src[0] >> (8 * b)) & 0xFF] == n) continue; /* one digit for all */   \
      int64_t start[256], sum = 0;                                                       \
      for (int d = 0; d < 256; d++) {                                                    \
        start[d] = sum;                                                                  \
        sum += count[b][d];                                                              \
      }                                                                                  \
      for (int64_t i = 0; i < n; i++) {                                                  \
        int64_t at = start[(src[i] >> (8 * b)) & 0xFF]++;                                \
        dst[at] = src[i];                                                                \
        pdst[at] = psrc[i];                                                              \
      }                                                                                  \
      K *t = src; src = dst; dst = t;                                                    \
      int64_t *pt = psrc; psrc = pdst; pdst = pt;                                        \
    }                                                                                    \
    if (src != key) {                                                                    \
      memcpy(key, src, sizeof(K) * (size_t)n);                                           \
      memcpy(pos, psrc, sizeof(int64_t) * (size_t)n);                                    \
    }                                                                                    \
  }

DEFINE_SORT(uint32_t, u32)
DEFINE_SORT(uint64_t, u64)

/* 32-bit keys of lanes shorter than 2^32: key and position packed in one
 * word (key << 32 | position), so each radix pass moves one array instead
 * of two; only the key bytes (4..7) are passes. */
static void radix_packed(uint64_t *w, uint64_t *w2, int64_t n) {
  if (n <= SMALL_LANE) {
    for (int64_t i = 1; i < n; i++) {
      uint64_t k = w[i];
      int64_t j = i;
      while (j > 0 && w[j - 1] > k) {
        w[j] = w[j - 1];
        j--;
      }
      w[j] = k;
    }
    return;
  }
  int64_t count[4][256];
  memset(count, 0, sizeof count);
  for (int64_t i = 0; i < n; i++) {
    uint64_t k = w[i] >> 32;
    for (int b = 0; b < 4; b++) count[b][(k >> (8 * b)) & 0xFF]++;
  }
  uint64_t *src = w, *dst = w2;
  for (int b = 0; b < 4; b++) {
    int shift = 32 + 8 * b;
    if (count[b][(src[0] >> shift) & 0xFF] == n) continue;
    int64_t start[256], sum = 0;
    for (int d = 0; d < 256; d++) {
      start[d] = sum;
      sum += count[b][d];
    }
    for (int64_t i = 0; i < n; i++) dst[start[(src[i] >> shift) & 0xFF]++] = src[i];
    uint64_t *t = src;
    src = dst;
    dst = t;
  }
  if (src != w) memcpy(w, src, sizeof(uint64_t) * (size_t)n);
}

/* ---- lanes ------------------------------------------------------------------------- */

typedef struct order_job {
  const char *name;
  int op;
  int64_t n;    /* lane length */
  int64_t m;    /* results per lane along dim */
  int64_t k;    /* topk: count; kthvalue: rank (1-based) */
  int desc;     /* sort/topk: descending (largest first) */
  void *key, *key2;
  int64_t *pos, *pos2;
} order_job;

/* One lane of type T with key type K: x (n elements, stride xs) into values
 * (stride vs) and positions (stride is). */
#define DEFINE_LANE(T, N, K, KN, KEYFN)                                                     \
  static void lane_##N(const order_job *j, const T *x, int64_t xs, T *v, int64_t vs,        \
                       int64_t *ix, int64_t is) {                                           \
    K *key = (K *)j->key;                                                                   \
    int64_t *pos = j->pos, n = j->n;                                                        \
    K flip = j->desc ? (K)~(K)0 : 0;                                                        \
    if (sizeof(K) == 4 && n <= (int64_t)UINT32_MAX) {                                       \
      uint64_t *w = (uint64_t *)j->pos, *w2 = (uint64_t *)j->pos2;                          \
      for (int64_t i = 0; i < n; i++) w[i] = (uint64_t)(KEYFN(x[i * xs]) ^ flip) << 32 | (uint64_t)i; \
      radix_packed(w, w2, n);                                                               \
      for (int64_t i = 0; i < n; i++) {                                                     \
        key[i] = (K)(w[i] >> 32);                                                           \
        pos[i] = (int64_t)(w[i] & 0xFFFFFFFFu);                                             \
      }                                                                                     \
    } else {                                                                                \
      for (int64_t i = 0; i < n; i++) {                                                     \
        key[i] = KEYFN(x[i * xs]) ^ flip;                                                   \
        pos[i] = i;                                                                         \
      }                                                                                     \
      radix_##KN(key, pos, (K *)j->key2, j->pos2, n);                                       \
    }                                                                                       \
    if (j->op == O_SORT || j->op == O_TOPK) {                                               \
      for (int64_t i = 0; i < j->m; i++) {                                                  \
        v[i * vs] = x[pos[i] * xs];                                                         \
        ix[i * is] = pos[i];                                                                \
      }                                                                                     \
    } else if (j->op == O_KTH) {                                                            \
      *v = x[pos[j->k - 1] * xs];                                                           \
      *ix = pos[j->k - 1];                                                                  \
    } else { /* mode: the longest run of equal keys, the smallest value on ties; */         \
      /* its position is that of its last element (Torch7's). */                            \
      int64_t best = 0, best_len = 0, run = 0;                                              \
      for (int64_t i = 0; i < n; i++) {                                                     \
        run++;                                                                              \
        if (i == n - 1 || key[i] != key[i + 1]) {                                           \
          if (run > best_len) {                                                             \
            best_len = run;                                                                 \
            best = i;                                                                       \
          }                                                                                 \
          run = 0;                                                                          \
        }                                                                                   \
      }                                                                                     \
      *v = x[pos[best] * xs];                                                               \
      *ix = pos[best];                                                                      \
    }                                                                                       \
  }

DEFINE_LANE(float, f, uint32_t, u32, key_float)
DEFINE_LANE(double, d, uint64_t, u64, key_double)
DEFINE_LANE(int64_t, l, uint64_t, u64, key_long)
DEFINE_LANE(uint8_t, b, uint32_t, u32, key_byte)
DEFINE_LANE(int32_t, i, uint32_t, u32, key_int)
DEFINE_LANE(int16_t, s, uint32_t, u32, key_short)
DEFINE_LANE(int8_t, c, uint32_t, u32, key_char)

/* ---- lanes in parallel -------------------------------------------------------------------- */

#define PARALLEL_MIN (INT64_C(1) << 16) /* elements: below this, one thread */

typedef struct order_run {
  order_job job; /* scratch pointers unset: each piece has its own */
  const tocha_tensor *v, *i, *x;
  int dim;
  int64_t lanes;
  size_t ksize;
  int pieces;
  int failed;
} order_run;

/* Lanes [lo, hi): each lane's start found from its number (row-major over
 * the dimensions other than dim). */
static void order_lanes(const order_run *r, order_job *j, int64_t lo, int64_t hi) {
  const tocha_tensor *x = r->x, *v = r->v, *ix = r->i;
  int dim = r->dim;
  size_t xe = tocha_dtype_size(x->dtype);
  for (int64_t lane = lo; lane < hi; lane++) {
    int64_t rest = lane, ox = x->offset, ov = v->offset, oi = ix->offset;
    for (int d = x->ndim - 1; d >= 0; d--) {
      if (d == dim) continue;
      int64_t c = rest % x->size[d];
      rest /= x->size[d];
      ox += c * x->stride[d];
      ov += c * v->stride[d];
      oi += c * ix->stride[d];
    }
    const char *xp = (const char *)x->storage->data + ox * (int64_t)xe;
    char *vp = (char *)v->storage->data + ov * (int64_t)xe;
    int64_t *ip = (int64_t *)ix->storage->data + oi;
    int64_t xs = x->stride[dim], vs = v->stride[dim], is = ix->stride[dim];
    switch (x->dtype) {
      case TOCHA_FLOAT: lane_f(j, (const float *)xp, xs, (float *)vp, vs, ip, is); break;
      case TOCHA_DOUBLE: lane_d(j, (const double *)xp, xs, (double *)vp, vs, ip, is); break;
      case TOCHA_LONG: lane_l(j, (const int64_t *)xp, xs, (int64_t *)vp, vs, ip, is); break;
      case TOCHA_BYTE: lane_b(j, (const uint8_t *)xp, xs, (uint8_t *)vp, vs, ip, is); break;
      case TOCHA_INT: lane_i(j, (const int32_t *)xp, xs, (int32_t *)vp, vs, ip, is); break;
      case TOCHA_SHORT: lane_s(j, (const int16_t *)xp, xs, (int16_t *)vp, vs, ip, is); break;
      case TOCHA_CHAR: lane_c(j, (const int8_t *)xp, xs, (int8_t *)vp, vs, ip, is); break;
      default: break;
    }
  }
}

static void order_piece(void *arg, int piece, int npieces) {
  order_run *r = arg;
  int64_t lo = r->lanes * piece / npieces, hi = r->lanes * (piece + 1) / npieces;
  if (lo == hi) return;
  int64_t n = r->job.n;
  char *scratch = malloc((size_t)n * 2 * (r->ksize + 8) + 1);
  if (!scratch) {
    __atomic_store_n(&r->failed, 1, __ATOMIC_RELAXED);
    return;
  }
  order_job j = r->job;
  j.pos = (int64_t *)scratch;
  j.pos2 = j.pos + n;
  j.key = scratch + (size_t)n * 16;
  j.key2 = scratch + (size_t)n * (16 + r->ksize);
  order_lanes(r, &j, lo, hi);
  free(scratch);
}

/* ---- the driver ----------------------------------------------------------------------- */

static tocha_status order_dim(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim,
                              order_job *j) {
  const char *name = j->name;
  if (x->dtype < 0 || x->dtype >= TOCHA_NTYPES)
    return tocha_fail(TOCHA_ETYPE, 1, "%s: unknown element type %d", name, (int)x->dtype);
  if (values->dtype != x->dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "%s: values must be a %s tensor like the input, got %s", name,
                      tocha_dtype_name(x->dtype), tocha_dtype_name(values->dtype));
  if (indices->dtype != TOCHA_LONG)
    return tocha_fail(TOCHA_ETYPE, 0, "%s: indices must be a Long tensor, got %s", name,
                      tocha_dtype_name(indices->dtype));
  if (values == indices || (values->storage && values->storage == indices->storage))
    return tocha_fail(TOCHA_EARG, 0, "%s: values and indices must be different tensors with separate storages",
                      name);
  if (x->ndim == 0) {
    if (j->op == O_SORT) { /* nothing to sort */
      tocha_status st = tocha_tensor_resize(values, 0, NULL);
      return st ? st : tocha_tensor_resize(indices, 0, NULL);
    }
    return tocha_fail(TOCHA_EARG, 1, "%s of an empty tensor", name);
  }
  if (dim < 0 || dim >= x->ndim)
    return tocha_fail(TOCHA_EARG, 2, "%s: dimension %d out of range 1..%d for a %dD tensor", name, dim + 1,
                      x->ndim, x->ndim);
  int64_t n = x->size[dim];
  j->n = n;
  if (j->op == O_SORT) j->m = n;
  else if (j->op == O_TOPK) {
    if (j->k < 0 || j->k > n)
      return tocha_fail(TOCHA_EARG, 3, "topk: k = %lld out of range 0..%lld (the size of dimension %d)",
                        (long long)j->k, (long long)n, dim + 1);
    j->m = j->k;
  } else {
    if (n == 0) return tocha_fail(TOCHA_EARG, 2, "%s over a dimension of size 0", name);
    if (j->op == O_KTH && (j->k < 1 || j->k > n))
      return tocha_fail(TOCHA_EARG, 3, "%s: k = %lld out of range 1..%lld (the size of dimension %d)",
                        name, (long long)j->k, (long long)n, dim + 1);
    j->m = 1;
  }
  int64_t size[TOCHA_MAX_DIMS];
  memcpy(size, x->size, sizeof(int64_t) * (size_t)x->ndim);
  size[dim] = j->m;
  int64_t lanes = 1, elements = 1;
  for (int d = 0; d < x->ndim; d++) {
    elements *= size[d];
    if (d != dim) lanes *= x->size[d];
  }
  int result_ndim = x->ndim;
  if (elements == 0) result_ndim = 0; /* Torch7: no elements, no dimensions */
  /* scratch: two key arrays and two position arrays of n entries */
  size_t ksize = (x->dtype == TOCHA_DOUBLE || x->dtype == TOCHA_LONG) ? 8 : 4;
  if ((uint64_t)n > SIZE_MAX / (2 * (ksize + 8)))
    return tocha_fail(TOCHA_EOVERFLOW, 1, "%s: a lane of %lld elements is too long", name, (long long)n);
  tocha_result ov, oi;
  tocha_status st = tocha_result_begin(&ov, values, result_ndim, size, 0, (const tocha_tensor *const[]){x}, 1);
  if (st) {
    tocha_result_end(&ov, st);
    return st;
  }
  st = tocha_result_begin(&oi, indices, result_ndim, size, 0, (const tocha_tensor *const[]){x}, 1);
  if (st || elements == 0 || lanes == 0) {
    tocha_result_end(&ov, st);
    return tocha_result_end(&oi, st);
  }
  order_run run = {.job = *j, .v = ov.dst, .i = oi.dst, .x = x, .dim = dim, .lanes = lanes, .ksize = ksize};
  int threads = elements >= PARALLEL_MIN && lanes > 1 ? tocha_get_num_threads() : 1;
  int pieces = threads > 1 ? (int)(lanes < 4 * (int64_t)threads ? lanes : 4 * (int64_t)threads) : 1;
  run.pieces = pieces;
  tocha_parallel(threads, pieces, order_piece, &run);
  if (__atomic_load_n(&run.failed, __ATOMIC_RELAXED)) {
    st = tocha_fail(TOCHA_ENOMEM, 0, "%s: not enough memory for a lane of %lld elements", name, (long long)n);
    tocha_result_end(&ov, st);
    return tocha_result_end(&oi, st);
  }
  st = tocha_result_end(&ov, TOCHA_OK);
  tocha_status st2 = tocha_result_end(&oi, TOCHA_OK);
  return st ? st : st2;
}

tocha_status tocha_sort(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim, int descending) {
  order_job j = {.name = "sort", .op = O_SORT, .desc = descending != 0};
  return order_dim(values, indices, x, dim, &j);
}

tocha_status tocha_topk(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int64_t k, int dim,
                        int largest) {
  order_job j = {.name = "topk", .op = O_TOPK, .k = k, .desc = largest != 0};
  return order_dim(values, indices, x, dim, &j);
}

tocha_status tocha_kthvalue(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int64_t k, int dim) {
  order_job j = {.name = "kthvalue", .op = O_KTH, .k = k};
  return order_dim(values, indices, x, dim, &j);
}

tocha_status tocha_median(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim) {
  /* the lower median: rank (n + 1) / 2, as Torch7 */
  order_job j = {.name = "median", .op = O_KTH, .k = 1};
  if (x->ndim > 0 && dim >= 0 && dim < x->ndim && x->size[dim] > 0) j.k = (x->size[dim] + 1) / 2;
  return order_dim(values, indices, x, dim, &j);
}

tocha_status tocha_mode(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim) {
  order_job j = {.name = "mode", .op = O_MODE};
  return order_dim(values, indices, x, dim, &j);
}
