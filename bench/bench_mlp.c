/*
 * bench_mlp: the sgemm floor of an MLP training step, as a Lua module for
 * bench/bench_mlp.lua (which times tocha's step in the same process, so
 * the two alternate within one run and see the same machine).
 *
 * The floor of a step of a network of Linear layers sizes[0] -> sizes[1]
 * -> ... on a batch of B rows (row-major float32, as tocha stores them) is
 * the time of its matrix products called straight through cblas_sgemm:
 *   forward, each layer l:   Y_l = X_l W_l^T          (B x out, k = in)
 *   backward, last to first: G_{l-1} = G_l W_l       (B x in, k = out)
 *                            dW_l += G_l^T X_l        (out x in, k = B)
 * Torch7's Sequential computes the first layer's gradInput too (tocha does
 * the same), so it is part of the floor unless `no_first_gradinput`.
 *
 *   local bench = require "bench_mlp"
 *   local f = bench.floor(B, {784, 1024, 1024, 10} [, no_first_gradinput])
 *   median, total = f:run(steps [, mode])   -- seconds per step, in all
 *   fwd, bwd = f:parts(steps)               -- medians of the two halves
 *   f:gemms(steps [, cpu])                  -- {median of each product}
 *   bench.floor_threads(n)                  -- OpenBLAS threads of the floor
 *   bench.clock()                           -- monotonic seconds
 *   bench.sleep(seconds)
 *   bench.cputime()                         -- CPU seconds of the process
 *   calls, frees = bench.alloc_counts()     -- nil without bench_mlp_alloc
 *
 * mode "openblas" (default): each product is one cblas_sgemm on
 * bench.floor_threads(n) OpenBLAS threads (tocha keeps OpenBLAS at one
 * thread and runs its own; the floor switches OpenBLAS to n threads for
 * its products and back afterwards).  mode "split": the
 * alternative to OpenBLAS's own threading, each product split in two
 * halves along its output columns (rows of dW), computed at the same time
 * by this thread and a helper thread, each a single-threaded cblas_sgemm.
 */
#define _GNU_SOURCE
#include <cblas.h>
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#define MAX_LAYERS 8
#define MAX_SAMPLES 4096

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, compare);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- one sgemm, or two halves of it on two threads ------------------------- */

typedef struct gemm_args {
  enum CBLAS_TRANSPOSE ta, tb;
  int m, n, k, lda, ldb, ldc;
  const float *a, *b;
  float beta;
  float *c;
} gemm_args;

static void run_gemm(const gemm_args *g) {
  cblas_sgemm(CblasRowMajor, g->ta, g->tb, g->m, g->n, g->k, 1.0f, g->a, g->lda, g->b, g->ldb, g->beta, g->c,
              g->ldc);
}

/* The helper thread of mode "split": after a product it spins a little
 * (the next one usually follows within microseconds), then sleeps on a
 * condition variable, so that on a busy machine it does not take a core
 * from the thread it waits for. */
#define SPIN_ROUNDS 20000

typedef struct helper {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  gemm_args task;
  int posted, done, quit; /* accessed atomically; wake/lock guard sleeping */
} helper;

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static void *helper_main(void *arg) {
  helper *h = arg;
  for (;;) {
    int spins = 0;
    while (!__atomic_load_n(&h->posted, __ATOMIC_ACQUIRE) && !__atomic_load_n(&h->quit, __ATOMIC_ACQUIRE)) {
      if (++spins < SPIN_ROUNDS) {
        cpu_relax();
        continue;
      }
      pthread_mutex_lock(&h->lock);
      while (!__atomic_load_n(&h->posted, __ATOMIC_ACQUIRE) && !__atomic_load_n(&h->quit, __ATOMIC_ACQUIRE))
        pthread_cond_wait(&h->wake, &h->lock);
      pthread_mutex_unlock(&h->lock);
    }
    if (!__atomic_load_n(&h->posted, __ATOMIC_ACQUIRE)) return NULL; /* quit */
    __atomic_store_n(&h->posted, 0, __ATOMIC_RELAXED);
    run_gemm(&h->task);
    __atomic_store_n(&h->done, 1, __ATOMIC_RELEASE);
  }
}

static void helper_post(helper *h, int *flag) {
  pthread_mutex_lock(&h->lock);
  __atomic_store_n(flag, 1, __ATOMIC_RELEASE);
  pthread_cond_signal(&h->wake);
  pthread_mutex_unlock(&h->lock);
}

/* C = A op B split by the columns of C: the helper takes the second half. */
static void split_gemm(helper *h, const gemm_args *g) {
  gemm_args first = *g, second = *g;
  first.n = g->n / 2;
  second.n = g->n - first.n;
  /* B's columns first.n.. : with tb = NoTrans B is k x n (columns at +j),
   * with Trans it is n x k (rows at +j * ldb). */
  second.b = g->b + (g->tb == CblasNoTrans ? (size_t)first.n : (size_t)first.n * (size_t)g->ldb);
  second.c = g->c + first.n;
  h->task = second;
  __atomic_store_n(&h->done, 0, __ATOMIC_RELAXED);
  helper_post(h, &h->posted);
  run_gemm(&first);
  int spins = 0;
  while (!__atomic_load_n(&h->done, __ATOMIC_ACQUIRE)) {
    if (++spins < SPIN_ROUNDS)
      cpu_relax();
    else
      sched_yield();
  }
}

/* ---- the floor object -------------------------------------------------------- */

typedef struct floor_t {
  int batch, nlayers, first_gradinput;
  int size[MAX_LAYERS + 1];
  float *w[MAX_LAYERS], *dw[MAX_LAYERS];    /* out x in */
  float *act[MAX_LAYERS + 1], *grad[MAX_LAYERS + 1]; /* batch x size */
  double samples[MAX_SAMPLES], fwd[MAX_SAMPLES], bwd[MAX_SAMPLES];
} floor_t;

/* The floor's arrays are allocated as tocha allocates its storages
 * (src/core/storage.c): from 4 MiB up, on a 2 MiB boundary with
 * transparent huge pages requested, so that both sides get the same TLB. */
static float *filled(size_t n, unsigned seed) {
  size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
  float *p;
  if (bytes >= ((size_t)4 << 20)) {
    size_t huge = (size_t)2 << 20, rounded = (bytes + huge - 1) / huge * huge;
    p = aligned_alloc(huge, rounded);
#ifdef MADV_HUGEPAGE
    if (p) (void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
  } else {
    p = aligned_alloc(64, bytes);
  }
  if (!p) return NULL;
  for (size_t i = 0; i < n; i++) p[i] = (float)((i * 31 + seed) % 97) / 97.0f - 0.5f;
  return p;
}

/* The products of one step, in order: forward, then backward layer by layer. */
static int step_gemms(const floor_t *f, gemm_args *out, int *nforward) {
  int n = 0, B = f->batch;
  for (int l = 0; l < f->nlayers; l++) {
    int in = f->size[l], o = f->size[l + 1];
    out[n++] = (gemm_args){CblasNoTrans, CblasTrans, B, o, in, in, in, o, f->act[l], f->w[l], 0.0f, f->act[l + 1]};
  }
  *nforward = n;
  for (int l = f->nlayers - 1; l >= 0; l--) {
    int in = f->size[l], o = f->size[l + 1];
    if (l > 0 || f->first_gradinput)
      out[n++] = (gemm_args){CblasNoTrans, CblasNoTrans, B, in, o, o, in, in, f->grad[l + 1], f->w[l], 0.0f,
                             f->grad[l]};
    out[n++] = (gemm_args){CblasTrans, CblasNoTrans, o, in, B, o, in, in, f->grad[l + 1], f->act[l], 1.0f,
                           f->dw[l]};
  }
  return n;
}

/* OpenBLAS's thread count for the floor's products (0: leave it as it is). */
static int floor_blas_threads;

static int floor_enter(void) {
  int prev = openblas_get_num_threads();
  if (floor_blas_threads > 0 && floor_blas_threads != prev) openblas_set_num_threads(floor_blas_threads);
  return prev;
}

static void floor_leave(int prev) {
  if (openblas_get_num_threads() != prev) openblas_set_num_threads(prev);
}

static int l_floor_threads(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  luaL_argcheck(L, n >= 1 && n <= 64, 1, "thread count must be 1..64");
  floor_blas_threads = (int)n;
  return 0;
}

static floor_t *check_floor(lua_State *L) { return luaL_checkudata(L, 1, "bench_mlp.floor"); }

static int floor_gc(lua_State *L) {
  floor_t *f = check_floor(L);
  for (int l = 0; l < f->nlayers; l++) {
    free(f->w[l]);
    free(f->dw[l]);
    f->w[l] = f->dw[l] = NULL;
  }
  for (int l = 0; l <= f->nlayers; l++) {
    free(f->act[l]);
    free(f->grad[l]);
    f->act[l] = f->grad[l] = NULL;
  }
  f->nlayers = 0;
  return 0;
}

/* bench_mlp.floor(batch, sizes [, no_first_gradinput]) */
static int floor_new(lua_State *L) {
  int batch = (int)luaL_checkinteger(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  int nsizes = (int)luaL_len(L, 2);
  luaL_argcheck(L, batch >= 1, 1, "batch must be >= 1");
  luaL_argcheck(L, nsizes >= 2 && nsizes <= MAX_LAYERS + 1, 2, "2 to 9 layer sizes expected");
  int first_gradinput = !lua_toboolean(L, 3);
  floor_t *f = lua_newuserdatauv(L, sizeof *f, 0);
  memset(f, 0, sizeof *f);
  luaL_setmetatable(L, "bench_mlp.floor");
  f->batch = batch;
  f->first_gradinput = first_gradinput;
  for (int i = 0; i < nsizes; i++) {
    lua_geti(L, 2, i + 1);
    f->size[i] = (int)luaL_checkinteger(L, -1);
    lua_pop(L, 1);
    luaL_argcheck(L, f->size[i] >= 1, 2, "sizes must be >= 1");
  }
  f->nlayers = nsizes - 1;
  int ok = 1;
  for (int l = 0; l < f->nlayers; l++) {
    size_t nw = (size_t)f->size[l] * (size_t)f->size[l + 1];
    ok = ok && (f->w[l] = filled(nw, (unsigned)l)) && (f->dw[l] = filled(nw, 7u + (unsigned)l));
  }
  for (int l = 0; l <= f->nlayers; l++) {
    size_t na = (size_t)batch * (size_t)f->size[l];
    ok = ok && (f->act[l] = filled(na, 3u + (unsigned)l)) && (f->grad[l] = filled(na, 5u + (unsigned)l));
  }
  if (!ok) return luaL_error(L, "bench_mlp.floor: out of memory");
  return 1;
}

static int check_steps(lua_State *L, int arg) {
  lua_Integer steps = luaL_checkinteger(L, arg);
  luaL_argcheck(L, steps >= 1 && steps <= MAX_SAMPLES, arg, "steps must be in 1..4096");
  return (int)steps;
}

/* f:run(steps [, "openblas" | "split"]) -> median seconds per step, total seconds */
static int floor_run(lua_State *L) {
  static const char *const modes[] = {"openblas", "split", NULL};
  floor_t *f = check_floor(L);
  int steps = check_steps(L, 2);
  int split = luaL_checkoption(L, 3, "openblas", modes) == 1;
  gemm_args g[3 * MAX_LAYERS];
  int nforward, n = step_gemms(f, g, &nforward);
  helper h;
  int threads = floor_enter();
  if (split) {
    memset(&h, 0, sizeof h);
    pthread_mutex_init(&h.lock, NULL);
    pthread_cond_init(&h.wake, NULL);
    openblas_set_num_threads(1);
    if (pthread_create(&h.thread, NULL, helper_main, &h) != 0) {
      openblas_set_num_threads(threads);
      return luaL_error(L, "bench_mlp: cannot start a thread");
    }
  }
  double start = now();
  for (int s = 0; s < steps; s++) {
    double t0 = now();
    for (int i = 0; i < n; i++) {
      if (split)
        split_gemm(&h, &g[i]);
      else
        run_gemm(&g[i]);
    }
    f->samples[s] = now() - t0;
  }
  double total = now() - start;
  if (split) {
    helper_post(&h, &h.quit);
    pthread_join(h.thread, NULL);
    pthread_mutex_destroy(&h.lock);
    pthread_cond_destroy(&h.wake);
  }
  floor_leave(threads);
  lua_pushnumber(L, median(f->samples, steps));
  lua_pushnumber(L, total);
  return 2;
}

/* f:parts(steps) -> median seconds of the forward products, of the backward ones */
static int floor_parts(lua_State *L) {
  floor_t *f = check_floor(L);
  int steps = check_steps(L, 2);
  gemm_args g[3 * MAX_LAYERS];
  int nforward, n = step_gemms(f, g, &nforward);
  int prev = floor_enter();
  for (int s = 0; s < steps; s++) {
    double t0 = now();
    for (int i = 0; i < nforward; i++) run_gemm(&g[i]);
    double t1 = now();
    for (int i = nforward; i < n; i++) run_gemm(&g[i]);
    f->fwd[s] = t1 - t0;
    f->bwd[s] = now() - t1;
  }
  floor_leave(prev);
  lua_pushnumber(L, median(f->fwd, steps));
  lua_pushnumber(L, median(f->bwd, steps));
  return 2;
}

/* f:gemms(steps) -> {median seconds of each product, in step order}, with
 * the CPU time of the process (for profiling) when `cpu` is true */
static int floor_gemms(lua_State *L) {
  floor_t *f = check_floor(L);
  int steps = check_steps(L, 2);
  int cpu = lua_toboolean(L, 3);
  gemm_args g[3 * MAX_LAYERS];
  int nforward, n = step_gemms(f, g, &nforward);
  static double t[3 * MAX_LAYERS][MAX_SAMPLES];
  struct timespec a, b;
  int prev = floor_enter();
  for (int s = 0; s < steps; s++) {
    for (int i = 0; i < n; i++) {
      clock_gettime(cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &a);
      run_gemm(&g[i]);
      clock_gettime(cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &b);
      t[i][s] = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
    }
  }
  floor_leave(prev);
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushnumber(L, median(t[i], steps));
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* ---- clock and allocation counters --------------------------------------------- */

static int l_sleep(lua_State *L) {
  double s = luaL_checknumber(L, 1);
  luaL_argcheck(L, s >= 0 && s <= 10, 1, "0 to 10 seconds");
  struct timespec pause = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
  nanosleep(&pause, NULL);
  return 0;
}

static int l_clock(lua_State *L) {
  lua_pushnumber(L, now());
  return 1;
}

/* CPU time of the whole process (all threads), seconds: for profiling on a
 * busy machine, where time spent waiting for a core does not count. */
static int l_cputime(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  lua_pushnumber(L, (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9);
  return 1;
}

typedef void (*counts_fn)(unsigned long long *, unsigned long long *);

/* bench_mlp.alloc_counts() -> allocation calls, free calls (whole process),
 * or nil when bench_mlp_alloc is not preloaded. */
static int l_alloc_counts(lua_State *L) {
  static counts_fn counts;
  if (!counts) {
    void *sym = dlsym(RTLD_DEFAULT, "bench_mlp_alloc_counts");
    memcpy(&counts, &sym, sizeof counts); /* object to function pointer */
  }
  if (!counts) return 0;
  unsigned long long a = 0, fr = 0;
  counts(&a, &fr);
  lua_pushinteger(L, (lua_Integer)a);
  lua_pushinteger(L, (lua_Integer)fr);
  return 2;
}

static int l_openblas_config(lua_State *L) {
  lua_pushstring(L, openblas_get_config());
  lua_pushstring(L, openblas_get_corename());
  return 2;
}

#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
int luaopen_bench_mlp(lua_State *L);

int luaopen_bench_mlp(lua_State *L) {
  static const luaL_Reg floor_methods[] = {{"run", floor_run}, {"parts", floor_parts}, {"gemms", floor_gemms}, {NULL, NULL}};
  static const luaL_Reg functions[] = {{"floor", floor_new},
                                       {"floor_threads", l_floor_threads},
                                       {"clock", l_clock},
                                       {"sleep", l_sleep},
                                       {"cputime", l_cputime},
                                       {"alloc_counts", l_alloc_counts},
                                       {"openblas_config", l_openblas_config},
                                       {NULL, NULL}};
  luaL_newmetatable(L, "bench_mlp.floor");
  lua_pushcfunction(L, floor_gc);
  lua_setfield(L, -2, "__gc");
  luaL_newlib(L, floor_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_newlib(L, functions);
  return 1;
}
