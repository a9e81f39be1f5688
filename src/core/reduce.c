/*
 * Reductions (sum, prod, mean, var, std, norm, logsumexp, max, min) and
 * scans (cumsum, cumprod); see tocha_reduce.h for the contract.
 *
 * Three ways through the data:
 *  - whole tensor: the dimensions are put in memory order (decreasing
 *    stride), so a transposed contiguous tensor is one contiguous run, and
 *    the runs are visited with tocha_iter;
 *  - along a dimension, "lanes": for each output element a strided lane of
 *    the input (contiguous when the dimension is the innermost one);
 *  - along a dimension whose lanes are not unit-stride while neighbouring
 *    outputs read neighbouring inputs (e.g. column sums of a contiguous
 *    matrix, or row sums of a transposed one), "rows": whole rows are
 *    accumulated into a block of accumulators, so the inner loops are
 *    unit-stride and vectorise instead of gathering a column at a time.
 */
#include <math.h>
#include <string.h>

#include "../tocha.h"
#include "iter.h"
#include "result.h"

#define BLOCK 256    /* accumulators per block of the row path */
#define PAIRWISE 256 /* leaf size of pairwise summation */

enum { R_SUM, R_PROD, R_MEAN, R_VAR, R_STD, R_NORM, R_LOGSUMEXP };

static const char *const op_names[] = {"sum", "prod", "mean", "var", "std", "norm", "logsumexp"};

/* ---- argument checks and results ------------------------------------------ */

static int is_float(tocha_dtype t) { return t == TOCHA_FLOAT || t == TOCHA_DOUBLE; }

/* Sums and products of Long and Byte tensors are Long. */
static tocha_dtype acc_dtype(tocha_dtype t) { return is_float(t) ? t : TOCHA_LONG; }

static tocha_status check_dtype(tocha_dtype dtype, const char *name) {
  if (dtype < 0 || dtype >= TOCHA_NTYPES)
    return tocha_fail(TOCHA_ETYPE, 1, "%s: unknown element type %d", name, (int)dtype);
  return TOCHA_OK;
}

static tocha_status check_float(const tocha_tensor *x, const char *name) {
  tocha_status st = check_dtype(x->dtype, name);
  if (st) return st;
  if (!is_float(x->dtype))
    return tocha_fail(TOCHA_ETYPE, 1, "%s needs a Float or Double tensor, got %s", name, tocha_dtype_name(x->dtype));
  return TOCHA_OK;
}

static tocha_status check_dim(const tocha_tensor *x, int dim, int arg) {
  if (x->ndim == 0)
    return tocha_fail(TOCHA_EARG, arg, "dimension %d out of range: the tensor is empty", dim + 1);
  if (dim < 0 || dim >= x->ndim)
    return tocha_fail(TOCHA_EARG, arg, "dimension %d out of range 1..%d for a %dD tensor", dim + 1, x->ndim,
                      x->ndim);
  return TOCHA_OK;
}

static tocha_status check_out(const tocha_tensor *out, tocha_dtype dtype, const char *what, const char *name) {
  if (out->dtype != dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "%s: %s must be a %s tensor, got %s", name, what, tocha_dtype_name(dtype),
                      tocha_dtype_name(out->dtype));
  return TOCHA_OK;
}

/* Results go through tocha_result (result.h): `out` itself when it can
 * be written while x is read (any strides: the walks below follow them),
 * else a temporary copied into `out` at the end. */
static tocha_status out_begin(tocha_result *o, tocha_tensor *out, const tocha_tensor *x, int ndim,
                              const int64_t *size) {
  return tocha_result_begin(o, out, ndim, size, 0, (const tocha_tensor *const[]){x}, 1);
}

/* The shape of x with `dim` reduced to size 1. */
static void reduced_shape(const tocha_tensor *x, int dim, int64_t *size) {
  memcpy(size, x->size, sizeof(int64_t) * (size_t)x->ndim);
  size[dim] = 1;
}

/* x's first slice along dim, kept as a size-1 dimension: iterating it
 * visits the first element of every lane. */
static void lane_starts(tocha_tensor *v, const tocha_tensor *x, int dim) {
  *v = *x;
  v->size[dim] = 1;
}

/* Iterates the output (and the lane starts of x) run by run.  A run whose
 * elements are adjacent both in the output and in x, while the reduced
 * dimension is not unit-stride, is reduced by whole rows (the row path);
 * otherwise each element of the run gets its own lane. */
typedef struct dim_walk {
  tocha_iter it;
  tocha_tensor starts, ostarts;
  int64_t n;  /* lane length */
  int64_t sd; /* lane stride in x */
  int64_t os; /* lane stride in the output (scans) */
  int rows;   /* use the row path */
} dim_walk;

/* ops: the output-shaped operands (1 or 2), then x's lane starts. */
static void walk_init(dim_walk *w, int nout, tocha_tensor *const *outs, const tocha_tensor *x, int dim, int scan) {
  const tocha_tensor *ops[3];
  w->n = x->size[dim];
  w->sd = x->stride[dim];
  lane_starts(&w->starts, x, dim);
  if (scan) {
    lane_starts(&w->ostarts, outs[0], dim);
    w->os = outs[0]->stride[dim];
    ops[0] = &w->ostarts;
  } else {
    w->os = 0;
    for (int k = 0; k < nout; k++) ops[k] = outs[k];
  }
  ops[nout] = &w->starts;
  tocha_iter_init(&w->it, nout + 1, ops);
  w->rows = w->n >= 2 && w->sd != 1 && w->it.inner_n > 1;
  for (int k = 0; k <= nout; k++)
    if (w->it.inner_stride[k] != 1) w->rows = 0;
}

/* ---- runs: a sequence of strided vectors ------------------------------------- */

typedef struct runs {
  int single;
  int done;
  const void *p; /* the single lane */
  int64_t n, s;
  tocha_tensor view; /* whole tensor, dimensions in memory order */
  tocha_iter it;
} runs;

static void runs_lane(runs *r, const void *p, int64_t n, int64_t s) {
  r->single = 1;
  r->done = 0;
  r->p = p;
  r->n = n;
  r->s = s;
}

static void runs_whole(runs *r, const tocha_tensor *x) {
  r->single = 0;
  r->view = *x;
  /* insertion sort by decreasing stride; order does not matter to a whole
   * reduction, and memory order lets tocha_iter merge dimensions */
  tocha_tensor *v = &r->view;
  for (int i = 1; i < v->ndim; i++) {
    int64_t sz = v->size[i], st = v->stride[i];
    int j = i - 1;
    while (j >= 0 && v->stride[j] < st) {
      v->size[j + 1] = v->size[j];
      v->stride[j + 1] = v->stride[j];
      j--;
    }
    v->size[j + 1] = sz;
    v->stride[j + 1] = st;
  }
}

static void runs_rewind(runs *r) {
  if (r->single)
    r->done = 0;
  else
    tocha_iter_init(&r->it, 1, (const tocha_tensor *[]){&r->view});
}

static int runs_next(runs *r, const void **p, int64_t *n, int64_t *s) {
  if (r->single) {
    if (r->done) return 0;
    r->done = 1;
    *p = r->p;
    *n = r->n;
    *s = r->s;
    return 1;
  }
  if (!tocha_iter_next(&r->it)) return 0;
  *p = r->it.ptr[0];
  *n = r->it.inner_n;
  *s = r->it.inner_stride[0];
  return 1;
}

/* Loops over the runs of r with `p` (const T *), n and s set; `break` works. */
#define FOR_RUNS(r, T, p, n, s, ...)                                           \
  do {                                                                         \
    const void *p##_v;                                                         \
    while (runs_next(r, &p##_v, &n, &s)) {                                     \
      const T *p = (const T *)p##_v;                                           \
      __VA_ARGS__                                                              \
    }                                                                          \
  } while (0)

/* ---- element kernels ---------------------------------------------------------- */

/* Maps summed by the floating-point kernels (c is a parameter). */
static inline double m_id(double v, double c) { (void)c; return v; }
static inline double m_sqdev(double v, double c) { double d = v - c; return d * d; }
static inline double m_abs(double v, double c) { (void)c; return fabs(v); }
static inline double m_sq(double v, double c) { (void)c; return v * v; }
static inline double m_sqscaled(double v, double c) { double t = v / c; return t * t; }
static inline double m_pow(double v, double c) { return pow(fabs(v), c); }
static inline double m_nonzero(double v, double c) { (void)c; return v != 0; }
static inline double m_exp(double v, double c) { return exp(v - c); }

/* Pairwise sum of F(p[i*s], c) in double: leaves of up to PAIRWISE
 * elements use four accumulators. */
#define DEFINE_MAPSUM(T, N, F)                                                 \
  static inline double F##_leaf_##N(const T *p, int64_t n, int64_t s, double c) { \
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;                                     \
    int64_t i = 0;                                                             \
    if (s == 1) {                                                              \
      for (; i + 4 <= n; i += 4) {                                             \
        a0 += F(p[i], c);                                                      \
        a1 += F(p[i + 1], c);                                                  \
        a2 += F(p[i + 2], c);                                                  \
        a3 += F(p[i + 3], c);                                                  \
      }                                                                        \
    }                                                                          \
    for (; i < n; i++) a0 += F(p[i * s], c);                                   \
    return (a0 + a1) + (a2 + a3);                                              \
  }                                                                            \
  static double F##_tree_##N(const T *p, int64_t n, int64_t s, double c) {     \
    if (n <= PAIRWISE) return F##_leaf_##N(p, n, s, c);                        \
    int64_t h = n / 2;                                                         \
    return F##_tree_##N(p, h, s, c) + F##_tree_##N(p + h * s, n - h, s, c);    \
  }                                                                            \
  static inline double F##_##N(const T *p, int64_t n, int64_t s, double c) {   \
    return n <= PAIRWISE ? F##_leaf_##N(p, n, s, c) : F##_tree_##N(p, n, s, c); \
  }

#define DEFINE_FLOAT_KERNELS(T, N)                                             \
  DEFINE_MAPSUM(T, N, m_id)                                                    \
  DEFINE_MAPSUM(T, N, m_sqdev)                                                 \
  DEFINE_MAPSUM(T, N, m_abs)                                                   \
  DEFINE_MAPSUM(T, N, m_sq)                                                    \
  DEFINE_MAPSUM(T, N, m_sqscaled)                                              \
  DEFINE_MAPSUM(T, N, m_pow)                                                   \
  DEFINE_MAPSUM(T, N, m_nonzero)                                               \
  DEFINE_MAPSUM(T, N, m_exp)                                                   \
  /* A lane's sum along a dimension: in order, as Torch7 adds them, up to  \
   * PAIRWISE elements (so x:sum(d) equals adding the slices one by one);  \
   * pairwise beyond, for accuracy. */                                      \
  static double lane_sum_##N(const T *p, int64_t n, int64_t s) {             \
    if (n > PAIRWISE) return m_id_##N(p, n, s, 0);                           \
    double a = 0;                                                            \
    for (int64_t i = 0; i < n; i++) a += p[i * s];                           \
    return a;                                                                \
  }                                                                          \
  static double prod_##N(const T *p, int64_t n, int64_t s) {                   \
    double a = 1;                                                              \
    for (int64_t i = 0; i < n; i++) a *= p[i * s];                             \
    return a;                                                                  \
  }                                                                            \
  /* Largest |v|; NaN as soon as one is met. */                                \
  static double maxabs_##N(const T *p, int64_t n, int64_t s) {                 \
    double m = 0;                                                              \
    for (int64_t i = 0; i < n; i++) {                                          \
      double a = fabs((double)p[i * s]);                                       \
      if (!(a <= m)) {                                                         \
        m = a;                                                                 \
        if (isnan(a)) break;                                                   \
      }                                                                        \
    }                                                                          \
    return m;                                                                  \
  }                                                                            \
  static void cumsum_##N(T *o, int64_t os, const T *p, int64_t n, int64_t s) { \
    double a = 0;                                                              \
    for (int64_t i = 0; i < n; i++) {                                          \
      a += p[i * s];                                                           \
      o[i * os] = (T)a;                                                        \
    }                                                                          \
  }                                                                            \
  static void cumprod_##N(T *o, int64_t os, const T *p, int64_t n, int64_t s) { \
    double a = 1;                                                              \
    for (int64_t i = 0; i < n; i++) {                                          \
      a *= p[i * s];                                                           \
      o[i * os] = (T)a;                                                        \
    }                                                                          \
  }

/* max/min of a lane (n >= 1) and the index of the first extremum; the
 * first NaN wins over everything. */
#define DEFINE_EXTREMA(T, N)                                                   \
  static T max_##N(const T *p, int64_t n, int64_t s, int64_t *idx) {           \
    T m = p[0];                                                                \
    int64_t at = 0;                                                            \
    if (!isnan((double)m)) {                                                   \
      for (int64_t i = 1; i < n; i++) {                                        \
        T v = p[i * s];                                                        \
        if (!(v <= m)) {                                                       \
          m = v;                                                               \
          at = i;                                                              \
          if (isnan((double)v)) break;                                         \
        }                                                                      \
      }                                                                        \
    }                                                                          \
    *idx = at;                                                                 \
    return m;                                                                  \
  }                                                                            \
  static T min_##N(const T *p, int64_t n, int64_t s, int64_t *idx) {           \
    T m = p[0];                                                                \
    int64_t at = 0;                                                            \
    if (!isnan((double)m)) {                                                   \
      for (int64_t i = 1; i < n; i++) {                                        \
        T v = p[i * s];                                                        \
        if (!(v >= m)) {                                                       \
          m = v;                                                               \
          at = i;                                                              \
          if (isnan((double)v)) break;                                         \
        }                                                                      \
      }                                                                        \
    }                                                                          \
    *idx = at;                                                                 \
    return m;                                                                  \
  }                                                                            \
  /* Whole tensor (n >= 1 elements). */                                        \
  static T extremumall_##N(runs *r, int want_max) {                            \
    int64_t n, s, idx;                                                         \
    int first = 1;                                                             \
    T m = 0;                                                                   \
    runs_rewind(r);                                                            \
    FOR_RUNS(r, T, p, n, s, {                                                  \
      T v = want_max ? max_##N(p, n, s, &idx) : min_##N(p, n, s, &idx);        \
      if (first || (want_max ? !(v <= m) : !(v >= m))) m = v;                  \
      first = 0;                                                               \
      if (isnan((double)m)) break;                                             \
    });                                                                        \
    return m;                                                                  \
  }                                                                            \
  /* Rows: B adjacent lanes of n >= 2 elements, row k at x + k * sd. */       \
  static void extremum_rows_##N(T *vals, int64_t *idx, const T *x, int64_t B,  \
                                int64_t n, int64_t sd, int want_max) {         \
    {                                                                         \
      for (int64_t jb = 0; jb < B; jb += BLOCK) {                              \
        int64_t w = B - jb < BLOCK ? B - jb : BLOCK;                           \
        const T *base = x + jb;                                                \
        T *vo = vals + jb;                                                     \
        int64_t *io = idx + jb;                                                \
        for (int64_t j = 0; j < w; j++) {                                      \
          vo[j] = base[j];                                                     \
          io[j] = 0;                                                           \
        }                                                                      \
        for (int64_t k = 1; k < n; k++) {                                      \
          const T *row = base + k * sd;                                         \
          if (want_max) {                                                      \
            for (int64_t j = 0; j < w; j++)                                    \
              if (!(row[j] <= vo[j]) && !isnan((double)vo[j])) {               \
                vo[j] = row[j];                                                \
                io[j] = k;                                                     \
              }                                                                \
          } else {                                                             \
            for (int64_t j = 0; j < w; j++)                                    \
              if (!(row[j] >= vo[j]) && !isnan((double)vo[j])) {               \
                vo[j] = row[j];                                                \
                io[j] = k;                                                     \
              }                                                                \
          }                                                                    \
        }                                                                      \
      }                                                                        \
    }                                                                          \
  }

/* Integer sums and products wrap modulo 2^64 (unsigned arithmetic). */
#define DEFINE_INT_KERNELS(T, N)                                               \
  static uint64_t isum_##N(const T *p, int64_t n, int64_t s) {                 \
    uint64_t a = 0;                                                            \
    if (s == 1)                                                                \
      for (int64_t i = 0; i < n; i++) a += (uint64_t)p[i];                     \
    else                                                                       \
      for (int64_t i = 0; i < n; i++) a += (uint64_t)p[i * s];                 \
    return a;                                                                  \
  }                                                                            \
  static uint64_t iprod_##N(const T *p, int64_t n, int64_t s) {                \
    uint64_t a = 1;                                                            \
    for (int64_t i = 0; i < n; i++) a *= (uint64_t)p[i * s];                   \
    return a;                                                                  \
  }                                                                            \
  static void icum_##N(int64_t *o, int64_t os, const T *p, int64_t n,          \
                       int64_t s, int prod) {                                  \
    uint64_t a = prod ? 1 : 0;                                                 \
    for (int64_t i = 0; i < n; i++) {                                          \
      if (prod)                                                                \
        a *= (uint64_t)p[i * s];                                               \
      else                                                                     \
        a += (uint64_t)p[i * s];                                               \
      o[i * os] = (int64_t)a;                                                  \
    }                                                                          \
  }                                                                            \
  static uint64_t iall_##N(runs *r, int prod) {                                \
    int64_t n, s;                                                              \
    uint64_t a = prod ? 1 : 0;                                                 \
    runs_rewind(r);                                                            \
    FOR_RUNS(r, T, p, n, s, {                                                  \
      if (prod)                                                                \
        a *= iprod_##N(p, n, s);                                               \
      else                                                                     \
        a += isum_##N(p, n, s);                                                \
    });                                                                        \
    return a;                                                                  \
  }                                                                            \
  /* B adjacent lanes, row k at x + k * sd; out (Long) gets B values. */      \
  static void irows_##N(int64_t *out, const T *x, int64_t B, int64_t n,        \
                        int64_t sd, int prod) {                                \
    uint64_t acc[BLOCK];                                                       \
    {                                                                         \
      for (int64_t jb = 0; jb < B; jb += BLOCK) {                              \
        int64_t w = B - jb < BLOCK ? B - jb : BLOCK;                           \
        const T *base = x + jb;                                                \
        for (int64_t j = 0; j < w; j++) acc[j] = prod ? 1 : 0;                 \
        for (int64_t k = 0; k < n; k++) {                                      \
          const T *row = base + k * sd;                                         \
          if (prod)                                                            \
            for (int64_t j = 0; j < w; j++) acc[j] *= (uint64_t)row[j];        \
          else                                                                 \
            for (int64_t j = 0; j < w; j++) acc[j] += (uint64_t)row[j];        \
        }                                                                      \
        for (int64_t j = 0; j < w; j++) out[jb + j]         = (int64_t)acc[j]; \
      }                                                                        \
    }                                                                          \
  }                                                                            \
  static void icumrows_##N(int64_t *out, int64_t os, const T *x, int64_t B,    \
                           int64_t n, int64_t sd, int prod) {                  \
    uint64_t acc[BLOCK];                                                       \
    {                                                                         \
      for (int64_t jb = 0; jb < B; jb += BLOCK) {                              \
        int64_t w = B - jb < BLOCK ? B - jb : BLOCK;                           \
        const T *base = x + jb;                                                \
        int64_t *obase = out + jb;                                             \
        for (int64_t j = 0; j < w; j++) acc[j] = prod ? 1 : 0;                 \
        for (int64_t k = 0; k < n; k++) {                                      \
          const T *row = base + k * sd;                                         \
          int64_t *orow = obase + k * os;                                       \
          if (prod)                                                            \
            for (int64_t j = 0; j < w; j++) acc[j] *= (uint64_t)row[j];        \
          else                                                                 \
            for (int64_t j = 0; j < w; j++) acc[j] += (uint64_t)row[j];        \
          for (int64_t j = 0; j < w; j++) orow[j] = (int64_t)acc[j];           \
        }                                                                      \
      }                                                                        \
    }                                                                          \
  }

/* Sum of F over all runs. */
#define RUNS_SUM(r, T, F, N, c, acc)                                           \
  do {                                                                         \
    int64_t n_, s_;                                                            \
    runs_rewind(r);                                                            \
    FOR_RUNS(r, T, p_, n_, s_, acc += F##_##N(p_, n_, s_, c););                \
  } while (0)

/* The complete floating-point reductions over runs (count = elements). */
#define DEFINE_FREDUCE(T, N, RESCUE)                                           \
  static double norm_##N(runs *r, double p) {                                  \
    double acc = 0;                                                            \
    int64_t n, s;                                                              \
    if (p == 0) {                                                              \
      RUNS_SUM(r, T, m_nonzero, N, 0, acc);                                    \
      return acc;                                                              \
    }                                                                          \
    if (p == 1) {                                                              \
      RUNS_SUM(r, T, m_abs, N, 0, acc);                                        \
      return acc;                                                              \
    }                                                                          \
    if (isinf(p)) {                                                            \
      runs_rewind(r);                                                          \
      FOR_RUNS(r, T, q, n, s, {                                                \
        double m = maxabs_##N(q, n, s);                                        \
        if (!(m <= acc)) acc = m;                                              \
        if (isnan(acc)) break;                                                 \
      });                                                                      \
      return acc;                                                              \
    }                                                                          \
    if (p == 2) {                                                              \
      RUNS_SUM(r, T, m_sq, N, 0, acc);                                         \
      if (RESCUE && (isinf(acc) || acc < 0x1p-900)) {                          \
        /* overflow or underflow: scale by the largest |v| */                  \
        double m = norm_##N(r, INFINITY);                                      \
        if (m == 0 || isinf(m) || isnan(m)) return m;                          \
        acc = 0;                                                               \
        RUNS_SUM(r, T, m_sqscaled, N, m, acc);                                 \
        return m * sqrt(acc);                                                  \
      }                                                                        \
      return sqrt(acc);                                                        \
    }                                                                          \
    RUNS_SUM(r, T, m_pow, N, p, acc);                                          \
    return pow(acc, 1 / p);                                                    \
  }                                                                            \
  static double freduce_##N(int op, runs *r, int64_t count, double param) {    \
    double acc = 0;                                                            \
    int64_t n, s, idx;                                                         \
    switch (op) {                                                              \
      case R_SUM:                                                              \
      case R_MEAN:                                                             \
        RUNS_SUM(r, T, m_id, N, 0, acc);                                       \
        return op == R_SUM ? acc : acc / (double)count;                        \
      case R_PROD:                                                             \
        acc = 1;                                                               \
        runs_rewind(r);                                                        \
        FOR_RUNS(r, T, q, n, s, acc *= prod_##N(q, n, s););                    \
        return acc;                                                            \
      case R_VAR:                                                              \
      case R_STD: {                                                            \
        double mean = 0;                                                       \
        RUNS_SUM(r, T, m_id, N, 0, mean);                                      \
        mean /= (double)count;                                                 \
        RUNS_SUM(r, T, m_sqdev, N, mean, acc);                                 \
        double denom = (double)count - (param != 0 ? 0 : 1);                  \
        double v = denom > 0 ? acc / denom : NAN;                              \
        return op == R_STD ? sqrt(v) : v;                                      \
      }                                                                        \
      case R_NORM:                                                             \
        return norm_##N(r, param);                                             \
      case R_LOGSUMEXP: {                                                      \
        double m = -INFINITY;                                                  \
        runs_rewind(r);                                                        \
        FOR_RUNS(r, T, q, n, s, {                                              \
          double v = (double)max_##N(q, n, s, &idx);                           \
          if (!(v <= m)) m = v;                                                \
          if (isnan(m)) break;                                                 \
        });                                                                    \
        if (isnan(m) || isinf(m)) return m;                                    \
        RUNS_SUM(r, T, m_exp, N, m, acc);                                      \
        return m + log(acc);                                                   \
      }                                                                        \
      default:                                                                 \
        return NAN;                                                            \
    }                                                                          \
  }                                                                            \
  /* The same for B adjacent lanes, row k at x + k * sd (n >= 2). */          \
  static void frows_##N(int op, T *out, const T *x, int64_t B, int64_t n,      \
                        int64_t sd, double param) {                            \
    double acc[BLOCK], aux[BLOCK];                                             \
    {                                                                         \
      for (int64_t jb = 0; jb < B; jb += BLOCK) {                              \
        int64_t w = B - jb < BLOCK ? B - jb : BLOCK;                           \
        const T *base = x + jb;                                                \
        T *o = out + jb;                                                       \
        switch (op) {                                                          \
          case R_PROD:                                                         \
            for (int64_t j = 0; j < w; j++) acc[j] = 1;                        \
            for (int64_t k = 0; k < n; k++) {                                  \
              const T *row = base + k * sd;                                     \
              for (int64_t j = 0; j < w; j++) acc[j] *= row[j];                \
            }                                                                  \
            for (int64_t j = 0; j < w; j++) o[j] = (T)acc[j];                  \
            break;                                                             \
          case R_SUM:                                                          \
          case R_MEAN:                                                         \
          case R_VAR:                                                          \
          case R_STD:                                                          \
            for (int64_t j = 0; j < w; j++) acc[j] = 0;                        \
            for (int64_t k = 0; k < n; k++) {                                  \
              const T *row = base + k * sd;                                     \
              for (int64_t j = 0; j < w; j++) acc[j] += row[j];                \
            }                                                                  \
            if (op == R_SUM) {                                                 \
              for (int64_t j = 0; j < w; j++) o[j] = (T)acc[j];                \
              break;                                                           \
            }                                                                  \
            for (int64_t j = 0; j < w; j++) aux[j] = acc[j] / (double)n;       \
            if (op == R_MEAN) {                                                \
              for (int64_t j = 0; j < w; j++) o[j] = (T)aux[j];                \
              break;                                                           \
            }                                                                  \
            for (int64_t j = 0; j < w; j++) acc[j] = 0;                        \
            for (int64_t k = 0; k < n; k++) {                                  \
              const T *row = base + k * sd;                                     \
              for (int64_t j = 0; j < w; j++) {                                \
                double d = row[j] - aux[j];                                    \
                acc[j] += d * d;                                               \
              }                                                                \
            }                                                                  \
            {                                                                  \
              double denom = (double)n - (param != 0 ? 0 : 1);                 \
              for (int64_t j = 0; j < w; j++) {                                \
                double v = acc[j] / denom;                                     \
                o[j] = (T)(op == R_STD ? sqrt(v) : v);                         \
              }                                                                \
            }                                                                  \
            break;                                                             \
          case R_NORM:                                                         \
            for (int64_t j = 0; j < w; j++) acc[j] = 0;                        \
            for (int64_t k = 0; k < n; k++) {                                  \
              const T *row = base + k * sd;                                     \
              if (param == 0)                                                  \
                for (int64_t j = 0; j < w; j++) acc[j] += row[j] != 0;         \
              else if (param == 1)                                             \
                for (int64_t j = 0; j < w; j++) acc[j] += fabs((double)row[j]); \
              else if (param == 2)                                             \
                for (int64_t j = 0; j < w; j++) {                              \
                  double v = row[j];                                           \
                  acc[j] += v * v;                                             \
                }                                                              \
              else if (isinf(param))                                           \
                for (int64_t j = 0; j < w; j++) {                              \
                  double v = fabs((double)row[j]);                             \
                  if (!(v <= acc[j]) && !isnan(acc[j])) acc[j] = v;            \
                }                                                              \
              else                                                             \
                for (int64_t j = 0; j < w; j++) acc[j] += pow(fabs((double)row[j]), param); \
            }                                                                  \
            for (int64_t j = 0; j < w; j++) {                                  \
              double v = acc[j];                                               \
              if (param == 2) {                                                \
                if (RESCUE && (isinf(v) || v < 0x1p-900)) {                    \
                  runs lane;                                                   \
                  runs_lane(&lane, base + j, n, sd);                            \
                  v = norm_##N(&lane, 2);                                      \
                } else {                                                       \
                  v = sqrt(v);                                                 \
                }                                                              \
              } else if (param != 0 && param != 1 && !isinf(param)) {          \
                v = pow(v, 1 / param);                                         \
              }                                                                \
              o[j] = (T)v;                                                     \
            }                                                                  \
            break;                                                             \
          case R_LOGSUMEXP:                                                    \
            for (int64_t j = 0; j < w; j++) {                                  \
              aux[j] = -INFINITY;                                              \
              acc[j] = 0;                                                      \
            }                                                                  \
            for (int64_t k = 0; k < n; k++) {                                  \
              const T *row = base + k * sd;                                     \
              for (int64_t j = 0; j < w; j++) {                                \
                double v = row[j];                                             \
                if (!(v <= aux[j]) && !isnan(aux[j])) aux[j] = v;              \
              }                                                                \
            }                                                                  \
            for (int64_t k = 0; k < n; k++) {                                  \
              const T *row = base + k * sd;                                     \
              for (int64_t j = 0; j < w; j++)                                  \
                if (isfinite(aux[j])) acc[j] += exp(row[j] - aux[j]);          \
            }                                                                  \
            for (int64_t j = 0; j < w; j++)                                    \
              o[j] = (T)(isfinite(aux[j]) ? aux[j] + log(acc[j]) : aux[j]);    \
            break;                                                             \
          default:                                                             \
            break;                                                             \
        }                                                                      \
      }                                                                        \
    }                                                                          \
  }                                                                            \
  static void fcumrows_##N(T *out, int64_t os, const T *x, int64_t B,          \
                           int64_t n, int64_t sd, int prod) {                  \
    double acc[BLOCK];                                                         \
    {                                                                         \
      for (int64_t jb = 0; jb < B; jb += BLOCK) {                              \
        int64_t w = B - jb < BLOCK ? B - jb : BLOCK;                           \
        const T *base = x + jb;                                                \
        T *obase = out + jb;                                                   \
        for (int64_t j = 0; j < w; j++) acc[j] = prod ? 1 : 0;                 \
        for (int64_t k = 0; k < n; k++) {                                      \
          const T *row = base + k * sd;                                         \
          T *orow = obase + k * os;                                             \
          if (prod)                                                            \
            for (int64_t j = 0; j < w; j++) acc[j] *= row[j];                  \
          else                                                                 \
            for (int64_t j = 0; j < w; j++) acc[j] += row[j];                  \
          for (int64_t j = 0; j < w; j++) orow[j] = (T)acc[j];                 \
        }                                                                      \
      }                                                                        \
    }                                                                          \
  }

DEFINE_FLOAT_KERNELS(float, f)
DEFINE_FLOAT_KERNELS(double, d)
DEFINE_EXTREMA(float, f)
DEFINE_EXTREMA(double, d)
DEFINE_EXTREMA(int64_t, l)
DEFINE_EXTREMA(uint8_t, b)
DEFINE_EXTREMA(int32_t, i)
DEFINE_EXTREMA(int16_t, s)
DEFINE_EXTREMA(int8_t, c)
DEFINE_INT_KERNELS(int64_t, l)
DEFINE_INT_KERNELS(uint8_t, b)
DEFINE_INT_KERNELS(int32_t, i)
DEFINE_INT_KERNELS(int16_t, s)
DEFINE_INT_KERNELS(int8_t, c)
DEFINE_FREDUCE(float, f, 0)
DEFINE_FREDUCE(double, d, 1)

/* ---- whole tensor ----------------------------------------------------------- */

static void set_float(tocha_number *r, double v) {
  r->is_integer = 0;
  r->integer = 0;
  r->number = v;
}

static void set_integer(tocha_number *r, int64_t v) {
  r->is_integer = 1;
  r->integer = v;
  r->number = (double)v;
}

static tocha_status float_all(double *result, const tocha_tensor *x, int op, double param) {
  tocha_status st = check_float(x, op_names[op]);
  if (st) return st;
  int64_t count = tocha_tensor_nelement(x);
  if (count == 0 && (op == R_MEAN || op == R_VAR || op == R_STD))
    return tocha_fail(TOCHA_EARG, 1, "%s of an empty tensor", op_names[op]);
  runs r;
  runs_whole(&r, x);
  *result = x->dtype == TOCHA_FLOAT ? freduce_f(op, &r, count, param) : freduce_d(op, &r, count, param);
  return TOCHA_OK;
}

static tocha_status sumprod_all(tocha_number *result, const tocha_tensor *x, int prod) {
  tocha_status st = check_dtype(x->dtype, prod ? "prod" : "sum");
  if (st) return st;
  runs r;
  runs_whole(&r, x);
  int64_t count = tocha_tensor_nelement(x);
  int op = prod ? R_PROD : R_SUM;
  switch (x->dtype) {
    case TOCHA_FLOAT: set_float(result, freduce_f(op, &r, count, 0)); break;
    case TOCHA_DOUBLE: set_float(result, freduce_d(op, &r, count, 0)); break;
    case TOCHA_LONG: set_integer(result, (int64_t)iall_l(&r, prod)); break;
    case TOCHA_BYTE: set_integer(result, (int64_t)iall_b(&r, prod)); break;
    case TOCHA_INT: set_integer(result, (int64_t)iall_i(&r, prod)); break;
    case TOCHA_SHORT: set_integer(result, (int64_t)iall_s(&r, prod)); break;
    case TOCHA_CHAR: set_integer(result, (int64_t)iall_c(&r, prod)); break;
    default: break;
  }
  return TOCHA_OK;
}

static tocha_status extremum_all(tocha_number *result, const tocha_tensor *x, int want_max) {
  const char *name = want_max ? "max" : "min";
  tocha_status st = check_dtype(x->dtype, name);
  if (st) return st;
  if (tocha_tensor_nelement(x) == 0) return tocha_fail(TOCHA_EARG, 1, "%s of an empty tensor", name);
  runs r;
  runs_whole(&r, x);
  switch (x->dtype) {
    case TOCHA_FLOAT: set_float(result, extremumall_f(&r, want_max)); break;
    case TOCHA_DOUBLE: set_float(result, extremumall_d(&r, want_max)); break;
    case TOCHA_LONG: set_integer(result, extremumall_l(&r, want_max)); break;
    case TOCHA_BYTE: set_integer(result, extremumall_b(&r, want_max)); break;
    case TOCHA_INT: set_integer(result, extremumall_i(&r, want_max)); break;
    case TOCHA_SHORT: set_integer(result, extremumall_s(&r, want_max)); break;
    case TOCHA_CHAR: set_integer(result, extremumall_c(&r, want_max)); break;
    default: break;
  }
  return TOCHA_OK;
}

tocha_status tocha_sumall(tocha_number *result, const tocha_tensor *x) { return sumprod_all(result, x, 0); }
tocha_status tocha_prodall(tocha_number *result, const tocha_tensor *x) { return sumprod_all(result, x, 1); }
tocha_status tocha_maxall(tocha_number *result, const tocha_tensor *x) { return extremum_all(result, x, 1); }
tocha_status tocha_minall(tocha_number *result, const tocha_tensor *x) { return extremum_all(result, x, 0); }
tocha_status tocha_meanall(double *result, const tocha_tensor *x) { return float_all(result, x, R_MEAN, 0); }

tocha_status tocha_varall(double *result, const tocha_tensor *x, int biased) {
  return float_all(result, x, R_VAR, biased != 0);
}

tocha_status tocha_stdall(double *result, const tocha_tensor *x, int biased) {
  return float_all(result, x, R_STD, biased != 0);
}

static tocha_status check_p(double p, int arg) {
  if (!(p >= 0)) return tocha_fail(TOCHA_EARG, arg, "norm: p must be >= 0 (or inf), got %g", p);
  return TOCHA_OK;
}

tocha_status tocha_normall(double *result, const tocha_tensor *x, double p) {
  tocha_status st = check_float(x, "norm");
  if (!st) st = check_p(p, 2);
  if (st) return st;
  return float_all(result, x, R_NORM, p);
}

tocha_status tocha_logsumexpall(double *result, const tocha_tensor *x) {
  return float_all(result, x, R_LOGSUMEXP, 0);
}

/* ---- along a dimension -------------------------------------------------------- */

/* Floating-point reductions (also sum and prod of Float/Double). */
static tocha_status float_dim(tocha_tensor *out, const tocha_tensor *x, int dim, int op, double param) {
  const char *name = op_names[op];
  int64_t size[TOCHA_MAX_DIMS];
  tocha_status st = check_float(x, name);
  if (!st) st = check_dim(x, dim, op == R_NORM ? 3 : 2);
  if (!st) st = check_out(out, x->dtype, "the result", name);
  if (st) return st;
  int64_t n = x->size[dim];
  if (n == 0 && (op == R_MEAN || op == R_VAR || op == R_STD))
    return tocha_fail(TOCHA_EARG, 2, "%s over a dimension of size 0", name);
  reduced_shape(x, dim, size);
  tocha_result o;
  st = out_begin(&o, out, x, x->ndim, size);
  if (st) {
    tocha_result_end(&o, st);
    return st;
  }
  if (n == 0) {
    double empty = op == R_PROD ? 1 : op == R_LOGSUMEXP ? -INFINITY : 0;
    tocha_fill(o.dst, empty);
    return tocha_result_end(&o, TOCHA_OK);
  }
  dim_walk w;
  runs r;
  walk_init(&w, 1, (tocha_tensor *[]){o.dst}, x, dim, 0);
#define FLOAT_WALK(T, N)                                                       \
  while (tocha_iter_next(&w.it)) {                                             \
    T *op_ = (T *)w.it.ptr[0];                                                 \
    const T *xp = (const T *)w.it.ptr[1];                                      \
    int64_t len = w.it.inner_n, ost = w.it.inner_stride[0], xst = w.it.inner_stride[1]; \
    if (w.rows) {                                                              \
      frows_##N(op, op_, xp, len, n, w.sd, param);                             \
    } else {                                                                   \
      for (int64_t j = 0; j < len; j++) {                                      \
        const T *lane = xp + j * xst;                                          \
        double v;                                                              \
        if (op == R_SUM) {                                                     \
          v = lane_sum_##N(lane, n, w.sd);                                     \
        } else if (op == R_MEAN) {                                             \
          v = lane_sum_##N(lane, n, w.sd) / (double)n;                         \
        } else {                                                               \
          runs_lane(&r, lane, n, w.sd);                                        \
          v = freduce_##N(op, &r, n, param);                                   \
        }                                                                      \
        op_[j * ost] = (T)v;                                                   \
      }                                                                        \
    }                                                                          \
  }
  if (x->dtype == TOCHA_FLOAT) {
    FLOAT_WALK(float, f)
  } else {
    FLOAT_WALK(double, d)
  }
#undef FLOAT_WALK
  return tocha_result_end(&o, TOCHA_OK);
}

/* Sums and products of Long and Byte tensors, into Long. */
static tocha_status int_dim(tocha_tensor *out, const tocha_tensor *x, int dim, int prod) {
  const char *name = prod ? "prod" : "sum";
  int64_t size[TOCHA_MAX_DIMS];
  tocha_status st = check_dim(x, dim, 2);
  if (!st) st = check_out(out, TOCHA_LONG, "the result", name);
  if (st) return st;
  int64_t n = x->size[dim];
  reduced_shape(x, dim, size);
  tocha_result o;
  st = out_begin(&o, out, x, x->ndim, size);
  if (st) {
    tocha_result_end(&o, st);
    return st;
  }
  if (n == 0) {
    tocha_fill(o.dst, prod ? 1 : 0);
    return tocha_result_end(&o, TOCHA_OK);
  }
  dim_walk w;
  walk_init(&w, 1, (tocha_tensor *[]){o.dst}, x, dim, 0);
#define INT_WALK(T, N)                                                         \
  while (tocha_iter_next(&w.it)) {                                             \
    int64_t *op_ = (int64_t *)w.it.ptr[0];                                     \
    const T *xp = (const T *)w.it.ptr[1];                                      \
    int64_t len = w.it.inner_n, ost = w.it.inner_stride[0], xst = w.it.inner_stride[1]; \
    if (w.rows) {                                                              \
      irows_##N(op_, xp, len, n, w.sd, prod);                                  \
    } else {                                                                   \
      for (int64_t j = 0; j < len; j++)                                        \
        op_[j * ost] = (int64_t)(prod ? iprod_##N(xp + j * xst, n, w.sd)       \
                                      : isum_##N(xp + j * xst, n, w.sd));      \
    }                                                                          \
  }
  switch (x->dtype) {
    case TOCHA_LONG: INT_WALK(int64_t, l) break;
    case TOCHA_BYTE: INT_WALK(uint8_t, b) break;
    case TOCHA_INT: INT_WALK(int32_t, i) break;
    case TOCHA_SHORT: INT_WALK(int16_t, s) break;
    case TOCHA_CHAR: INT_WALK(int8_t, c) break;
    default: break;
  }
#undef INT_WALK
  return tocha_result_end(&o, TOCHA_OK);
}

static tocha_status sumprod_dim(tocha_tensor *out, const tocha_tensor *x, int dim, int prod) {
  tocha_status st = check_dtype(x->dtype, prod ? "prod" : "sum");
  if (st) return st;
  if (is_float(x->dtype)) return float_dim(out, x, dim, prod ? R_PROD : R_SUM, 0);
  return int_dim(out, x, dim, prod);
}

tocha_status tocha_sum(tocha_tensor *out, const tocha_tensor *x, int dim) { return sumprod_dim(out, x, dim, 0); }
tocha_status tocha_prod(tocha_tensor *out, const tocha_tensor *x, int dim) { return sumprod_dim(out, x, dim, 1); }
tocha_status tocha_mean(tocha_tensor *out, const tocha_tensor *x, int dim) { return float_dim(out, x, dim, R_MEAN, 0); }

tocha_status tocha_var(tocha_tensor *out, const tocha_tensor *x, int dim, int biased) {
  return float_dim(out, x, dim, R_VAR, biased != 0);
}

tocha_status tocha_std(tocha_tensor *out, const tocha_tensor *x, int dim, int biased) {
  return float_dim(out, x, dim, R_STD, biased != 0);
}

tocha_status tocha_norm(tocha_tensor *out, const tocha_tensor *x, double p, int dim) {
  tocha_status st = check_float(x, "norm");
  if (!st) st = check_p(p, 2);
  if (st) return st;
  return float_dim(out, x, dim, R_NORM, p);
}

tocha_status tocha_logsumexp(tocha_tensor *out, const tocha_tensor *x, int dim) {
  return float_dim(out, x, dim, R_LOGSUMEXP, 0);
}

static tocha_status extremum_dim(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim,
                                 int want_max) {
  const char *name = want_max ? "max" : "min";
  int64_t size[TOCHA_MAX_DIMS];
  tocha_status st = check_dtype(x->dtype, name);
  if (!st) st = check_dim(x, dim, 2);
  if (!st) st = check_out(values, x->dtype, "values", name);
  if (!st) st = check_out(indices, TOCHA_LONG, "indices", name);
  if (st) return st;
  if (values == indices || (values->storage && values->storage == indices->storage))
    return tocha_fail(TOCHA_EARG, 0, "%s: values and indices must be different tensors with separate storages",
                      name);
  int64_t n = x->size[dim];
  if (n == 0) return tocha_fail(TOCHA_EARG, 2, "%s over a dimension of size 0", name);
  reduced_shape(x, dim, size);
  tocha_result ov, oi;
  st = out_begin(&ov, values, x, x->ndim, size);
  if (st) {
    tocha_result_end(&ov, st);
    return st;
  }
  st = out_begin(&oi, indices, x, x->ndim, size);
  if (st) {
    tocha_result_end(&ov, st);
    tocha_result_end(&oi, st);
    return st;
  }
  dim_walk w;
  walk_init(&w, 2, (tocha_tensor *[]){ov.dst, oi.dst}, x, dim, 0);
#define EXT_WALK(T, N)                                                         \
  while (tocha_iter_next(&w.it)) {                                             \
    T *vp = (T *)w.it.ptr[0];                                                  \
    int64_t *ip = (int64_t *)w.it.ptr[1];                                      \
    const T *xp = (const T *)w.it.ptr[2];                                      \
    int64_t len = w.it.inner_n, vst = w.it.inner_stride[0];                    \
    int64_t ist = w.it.inner_stride[1], xst = w.it.inner_stride[2];            \
    if (w.rows) {                                                              \
      extremum_rows_##N(vp, ip, xp, len, n, w.sd, want_max);                   \
    } else {                                                                   \
      for (int64_t j = 0; j < len; j++)                                        \
        vp[j * vst] = want_max ? max_##N(xp + j * xst, n, w.sd, ip + j * ist)  \
                               : min_##N(xp + j * xst, n, w.sd, ip + j * ist); \
    }                                                                          \
  }
  switch (x->dtype) {
    case TOCHA_FLOAT: EXT_WALK(float, f) break;
    case TOCHA_DOUBLE: EXT_WALK(double, d) break;
    case TOCHA_LONG: EXT_WALK(int64_t, l) break;
    case TOCHA_BYTE: EXT_WALK(uint8_t, b) break;
    case TOCHA_INT: EXT_WALK(int32_t, i) break;
    case TOCHA_SHORT: EXT_WALK(int16_t, s) break;
    case TOCHA_CHAR: EXT_WALK(int8_t, c) break;
    default: break;
  }
#undef EXT_WALK
  st = tocha_result_end(&ov, TOCHA_OK);
  tocha_status st2 = tocha_result_end(&oi, TOCHA_OK);
  return st ? st : st2;
}

tocha_status tocha_max(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim) {
  return extremum_dim(values, indices, x, dim, 1);
}

tocha_status tocha_min(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim) {
  return extremum_dim(values, indices, x, dim, 0);
}

/* ---- scans -------------------------------------------------------------------- */

static tocha_status cum_dim(tocha_tensor *out, const tocha_tensor *x, int dim, int prod) {
  const char *name = prod ? "cumprod" : "cumsum";
  tocha_status st = check_dtype(x->dtype, name);
  if (!st) st = check_dim(x, dim, 2);
  if (!st) st = check_out(out, acc_dtype(x->dtype), "the result", name);
  if (st) return st;
  int64_t n = x->size[dim];
  tocha_result o;
  st = out_begin(&o, out, x, x->ndim, x->size);
  if (st) {
    tocha_result_end(&o, st);
    return st;
  }
  if (tocha_tensor_nelement(x) == 0) return tocha_result_end(&o, TOCHA_OK);
  dim_walk w;
  walk_init(&w, 1, (tocha_tensor *[]){o.dst}, x, dim, 1);
#define CUM_WALK(T, R, ROWS, LANE)                                             \
  while (tocha_iter_next(&w.it)) {                                             \
    R *op_ = (R *)w.it.ptr[0];                                                 \
    const T *xp = (const T *)w.it.ptr[1];                                      \
    int64_t len = w.it.inner_n, ost = w.it.inner_stride[0], xst = w.it.inner_stride[1]; \
    if (w.rows) {                                                              \
      ROWS(op_, w.os, xp, len, n, w.sd, prod);                                 \
    } else {                                                                   \
      for (int64_t j = 0; j < len; j++) LANE(op_ + j * ost, w.os, xp + j * xst, n, w.sd); \
    }                                                                          \
  }
#define CUMF(N) (prod ? cumprod_##N : cumsum_##N)
#define CUMI(N, o_, os_, p_, n_, s_) icum_##N(o_, os_, p_, n_, s_, prod)
#define CUML(o_, os_, p_, n_, s_) CUMI(l, o_, os_, p_, n_, s_)
#define CUMB(o_, os_, p_, n_, s_) CUMI(b, o_, os_, p_, n_, s_)
#define CUMII(o_, os_, p_, n_, s_) CUMI(i, o_, os_, p_, n_, s_)
#define CUMIS(o_, os_, p_, n_, s_) CUMI(s, o_, os_, p_, n_, s_)
#define CUMIC(o_, os_, p_, n_, s_) CUMI(c, o_, os_, p_, n_, s_)
  switch (x->dtype) {
    case TOCHA_FLOAT: CUM_WALK(float, float, fcumrows_f, CUMF(f)) break;
    case TOCHA_DOUBLE: CUM_WALK(double, double, fcumrows_d, CUMF(d)) break;
    case TOCHA_LONG: CUM_WALK(int64_t, int64_t, icumrows_l, CUML) break;
    case TOCHA_BYTE: CUM_WALK(uint8_t, int64_t, icumrows_b, CUMB) break;
    case TOCHA_INT: CUM_WALK(int32_t, int64_t, icumrows_i, CUMII) break;
    case TOCHA_SHORT: CUM_WALK(int16_t, int64_t, icumrows_s, CUMIS) break;
    case TOCHA_CHAR: CUM_WALK(int8_t, int64_t, icumrows_c, CUMIC) break;
    default: break;
  }
#undef CUMF
#undef CUMI
#undef CUML
#undef CUMB
#undef CUMII
#undef CUMIS
#undef CUMIC
#undef CUM_WALK
  return tocha_result_end(&o, TOCHA_OK);
}

tocha_status tocha_cumsum(tocha_tensor *out, const tocha_tensor *x, int dim) { return cum_dim(out, x, dim, 0); }
tocha_status tocha_cumprod(tocha_tensor *out, const tocha_tensor *x, int dim) { return cum_dim(out, x, dim, 1); }
