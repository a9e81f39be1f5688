/*
 * The update of optim.sgd in one pass: weight decay, momentum (dampened or
 * Nesterov) and the step read x, df/dx and the momentum buffer once and
 * write them once, instead of the three to four passes of separate tensor
 * operations.  The parameters of a network are megabytes (7.5 MB for a
 * 784-1024-1024-10 MLP), so this is a memory-bound loop: contiguous
 * tensors are split among tocha's threads (src/core/threads.h).
 */
#include "../../tocha_nn.h"
#include "../iter.h"
#include "../result.h"
#include "../simd.h"
#include "../threads.h"

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

/* Elements per thread at least (a smaller update runs on the calling
 * thread), and the granule pieces are cut at (a multiple of a cache line). */
#define SGD_PARALLEL_MIN (1 << 16)
#define SGD_GRANULE 1024

typedef struct sgd_args {
  double lr, wd, mom, damp;
  int nesterov, fresh;
} sgd_args;

/* One element; the operations and their rounding are those of the
 * separate tensor operations Torch7's optim.sgd performs:
 *   g += wd x;  v = fresh ? g : mom v + (1 - damp) g;  g += mom v (Nesterov);
 *   x += -lr d  (d = g without momentum or with Nesterov, else v). */
#define SGD_ELEMENT(T, xp, gp, vp)                \
  do {                                            \
    T g_ = *(gp);                                 \
    if (use_wd) {                                 \
      g_ = g_ + wd * *(xp);                       \
      *(gp) = g_;                                 \
    }                                             \
    T d_ = g_;                                    \
    if (use_mom) {                                \
      T v_ = fresh ? g_ : *(vp) * mom + keep * g_; \
      *(vp) = v_;                                 \
      if (nesterov) {                             \
        g_ = g_ + mom * v_;                       \
        *(gp) = g_;                               \
        d_ = g_;                                  \
      } else {                                    \
        d_ = v_;                                  \
      }                                           \
    }                                             \
    *(xp) = *(xp) + step * d_;                    \
  } while (0)

#define SGD_CONSTANTS(T, a)                                                                    \
  const T wd = (T)(a)->wd, mom = (T)(a)->mom, keep = (T)(1 - (a)->damp), step = (T)(-(a)->lr); \
  const int use_wd = (a)->wd != 0, use_mom = (a)->mom != 0;                                    \
  const int nesterov = (a)->nesterov, fresh = (a)->fresh

/* Contiguous arrays: the common case (momentum, no weight decay, no
 * Nesterov) gets a loop of its own, the others the general one. */
#define SGD_CONTIGUOUS(T)                                                                         \
  TOCHA_CLONES static void sgd_run_##T(T *restrict x, T *restrict g, T *restrict v, int64_t n, const sgd_args *a) { \
    SGD_CONSTANTS(T, a);                                                                           \
    if (use_mom && !use_wd && !nesterov && !fresh) {                                               \
      for (int64_t i = 0; i < n; i++) {                                                            \
        const T v_ = v[i] * mom + keep * g[i];                                                     \
        v[i] = v_;                                                                                 \
        x[i] = x[i] + step * v_;                                                                   \
      }                                                                                            \
    } else if (!use_mom && !use_wd) {                                                              \
      for (int64_t i = 0; i < n; i++) x[i] = x[i] + step * g[i];                                   \
    } else {                                                                                       \
      for (int64_t i = 0; i < n; i++) SGD_ELEMENT(T, x + i, g + i, v ? v + i : v);                   \
    }                                                                                              \
  }
SGD_CONTIGUOUS(float)
SGD_CONTIGUOUS(double)

typedef struct sgd_job {
  char *x, *g, *v; /* v: NULL without momentum */
  tocha_dtype dtype;
  const sgd_args *args;
} sgd_job;

/* Momentum buffers of parameters whose gradient stays 0 (a dead unit, an
 * input pixel that is always 0) decay by `momentum` every step and reach
 * the subnormal range after about 800 steps at 0.9; x86 cores then take
 * a microcode assist per operation, and the update became 7 times slower
 * (measured: 3.3 ms instead of 0.45 ms) for the rest of the training.  So
 * the update flushes subnormal inputs and results to zero (the SSE control
 * register is per thread: set and restored around each piece).  Values
 * below 1.2e-38 (float) or 2.2e-308 (double) are the only ones affected. */
static unsigned flush_subnormals(void) {
#if defined(__SSE2__)
  unsigned saved = _mm_getcsr();
  _mm_setcsr(saved | 0x8040u); /* FTZ | DAZ */
  return saved;
#else
  return 0;
#endif
}

static void restore_subnormals(unsigned saved) {
#if defined(__SSE2__)
  _mm_setcsr(saved);
#else
  (void)saved;
#endif
}

static void sgd_range(void *arg, int64_t lo, int64_t hi) {
  const sgd_job *job = arg;
  size_t es = tocha_dtype_size(job->dtype), off = (size_t)lo * es;
  char *v = job->v ? job->v + off : NULL;
  unsigned csr = flush_subnormals();
  if (job->dtype == TOCHA_FLOAT)
    sgd_run_float((float *)(job->x + off), (float *)(job->g + off), (float *)v, hi - lo, job->args);
  else
    sgd_run_double((double *)(job->x + off), (double *)(job->g + off), (double *)v, hi - lo, job->args);
  restore_subnormals(csr);
}

/* Any strides, no shared elements: one fused pass on this thread. */
static void sgd_strided(tocha_tensor *x, tocha_tensor *g, tocha_tensor *v, const sgd_args *a) {
  tocha_iter it;
  if (x->dtype == TOCHA_FLOAT) {
    SGD_CONSTANTS(float, a);
    if (v) {
      tocha_iter_init(&it, 3, (const tocha_tensor *[]){x, g, v});
      TOCHA_ITER_LOOP3(&it, float, xp, float, gp, float, vp, SGD_ELEMENT(float, xp, gp, vp));
    } else {
      float unused = 0; /* no momentum buffer: SGD_ELEMENT never reads it */
      tocha_iter_init(&it, 2, (const tocha_tensor *[]){x, g});
      TOCHA_ITER_LOOP2(&it, float, xp, float, gp, SGD_ELEMENT(float, xp, gp, &unused));
    }
  } else {
    SGD_CONSTANTS(double, a);
    if (v) {
      tocha_iter_init(&it, 3, (const tocha_tensor *[]){x, g, v});
      TOCHA_ITER_LOOP3(&it, double, xp, double, gp, double, vp, SGD_ELEMENT(double, xp, gp, vp));
    } else {
      double unused = 0;
      tocha_iter_init(&it, 2, (const tocha_tensor *[]){x, g});
      TOCHA_ITER_LOOP2(&it, double, xp, double, gp, SGD_ELEMENT(double, xp, gp, &unused));
    }
  }
}

/* Tensors that share elements: the operations one after the other, each
 * over whole tensors, exactly as the separate tensor operations would. */
static tocha_status sgd_passes(tocha_tensor *x, tocha_tensor *g, tocha_tensor *v, const sgd_args *a) {
  tocha_status st = TOCHA_OK;
  if (a->wd != 0 && (st = tocha_add(g, g, a->wd, x))) return st;
  tocha_tensor *d = g;
  if (a->mom != 0) {
    if (a->fresh)
      st = tocha_copy(v, g);
    else if (!(st = tocha_binary_scalar(v, v, a->mom, TOCHA_BINARY_MUL)))
      st = tocha_add(v, v, 1 - a->damp, g);
    if (st) return st;
    if (a->nesterov) {
      if ((st = tocha_add(g, g, a->mom, v))) return st;
    } else {
      d = v;
    }
  }
  return tocha_add(x, x, -a->lr, d);
}

static tocha_status check_like(const tocha_tensor *t, int pos, const char *name, const tocha_tensor *x) {
  if (t->dtype != x->dtype)
    return tocha_fail(TOCHA_ETYPE, pos, "%s is a %sTensor but x is a %sTensor", name, tocha_dtype_name(t->dtype),
                      tocha_dtype_name(x->dtype));
  if (!tocha_tensor_same_size(t, x)) {
    char a[128], b[128];
    tocha_tensor_shape_string(t, a, sizeof a);
    tocha_tensor_shape_string(x, b, sizeof b);
    return tocha_fail(TOCHA_ESIZE, pos, "%s has size %s but x has size %s", name, a, b);
  }
  return TOCHA_OK;
}

tocha_status tocha_optim_sgd_update(tocha_tensor *x, tocha_tensor *dfdx, tocha_tensor *buffer, double lr,
                                    double weight_decay, double momentum, double dampening, int nesterov,
                                    int fresh) {
  tocha_status st;
  if (x->dtype != TOCHA_FLOAT && x->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, 1, "x must be a FloatTensor or DoubleTensor, got a %sTensor",
                      tocha_dtype_name(x->dtype));
  if ((st = check_like(dfdx, 2, "dfdx", x))) return st;
  if (momentum != 0 && !buffer)
    return tocha_fail(TOCHA_EARG, 3, "momentum needs a buffer");
  if (momentum == 0) buffer = NULL;
  if (buffer && (st = check_like(buffer, 3, "the momentum buffer", x))) return st;
  if (nesterov && momentum == 0) return tocha_fail(TOCHA_EARG, 7, "Nesterov momentum needs a momentum");
  sgd_args a = {lr, weight_decay, momentum, dampening, nesterov != 0, fresh != 0};
  int64_t n = tocha_tensor_nelement(x);
  if (n == 0) return TOCHA_OK;

  int shared = tocha_mem_overlap(x, dfdx) || (buffer && (tocha_mem_overlap(x, buffer) || tocha_mem_overlap(dfdx, buffer)));
  if (shared) return sgd_passes(x, dfdx, buffer, &a);
  int contiguous = tocha_tensor_is_contiguous(x) && tocha_tensor_is_contiguous(dfdx) &&
                   (!buffer || tocha_tensor_is_contiguous(buffer));
  if (!contiguous) {
    sgd_strided(x, dfdx, buffer, &a);
    return TOCHA_OK;
  }
  sgd_job job = {tocha_tensor_data(x), tocha_tensor_data(dfdx), buffer ? tocha_tensor_data(buffer) : NULL, x->dtype,
                 &a};
  tocha_parallel_range(n, SGD_PARALLEL_MIN, SGD_GRANULE, sgd_range, &job);
  return TOCHA_OK;
}
