/*
 * bench_cnn: the sgemm floor of the CNN training step, as a Lua module for
 * bench/bench_cnn.lua (which times tocha's step in the same process).
 *
 * A floor is a list of products C (m x n) = op(A) (m x k) op(B) (k x n),
 * row-major float32, each called straight through cblas_sgemm on OpenBLAS
 * with `threads` threads:
 *
 *   local bench = require "bench_cnn"
 *   local f = bench.floor { {m, n, k, transA, transB}, ... }
 *   seconds = f:run(steps, threads)     -- median seconds for the whole list
 *   list = f:each(steps, threads)       -- median seconds of each product
 *   bench.clock()                       -- monotonic seconds
 */
#define _GNU_SOURCE
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#define MAX_PRODUCTS 64
#define MAX_STEPS 1024

typedef struct product {
  int m, n, k, ta, tb;
  float *a, *b, *c;
} product;

typedef struct floor_t {
  int count;
  product p[MAX_PRODUCTS];
  double samples[MAX_STEPS];
} floor_t;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, compare);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static float *filled(size_t n, unsigned seed) {
  float *p = aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64);
  if (p)
    for (size_t i = 0; i < n; i++) p[i] = (float)((i * 31 + seed) % 97) / 97.0f - 0.5f;
  return p;
}

static void run_product(const product *p) {
  int lda = p->ta ? p->m : p->k, ldb = p->tb ? p->k : p->n;
  cblas_sgemm(CblasRowMajor, p->ta ? CblasTrans : CblasNoTrans, p->tb ? CblasTrans : CblasNoTrans, p->m, p->n,
              p->k, 1.0f, p->a, lda, p->b, ldb, 0.0f, p->c, p->n);
}

static floor_t *check_floor(lua_State *L) { return luaL_checkudata(L, 1, "bench_cnn.floor"); }

static int floor_gc(lua_State *L) {
  floor_t *f = check_floor(L);
  for (int i = 0; i < f->count; i++) {
    free(f->p[i].a);
    free(f->p[i].b);
    free(f->p[i].c);
  }
  f->count = 0;
  return 0;
}

static int field(lua_State *L, int i) {
  lua_geti(L, -1, i);
  lua_Integer v = luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  return (int)v;
}

/* bench_cnn.floor({ {m, n, k, ta, tb}, ... }) */
static int floor_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int count = (int)luaL_len(L, 1);
  luaL_argcheck(L, count >= 1 && count <= MAX_PRODUCTS, 1, "1 to 64 products expected");
  floor_t *f = lua_newuserdatauv(L, sizeof *f, 0);
  memset(f, 0, sizeof *f);
  luaL_setmetatable(L, "bench_cnn.floor");
  for (int i = 0; i < count; i++) {
    lua_geti(L, 1, i + 1);
    luaL_checktype(L, -1, LUA_TTABLE);
    product *p = &f->p[i];
    p->m = field(L, 1);
    p->n = field(L, 2);
    p->k = field(L, 3);
    p->ta = field(L, 4);
    p->tb = field(L, 5);
    lua_pop(L, 1);
    luaL_argcheck(L, p->m > 0 && p->n > 0 && p->k > 0, 1, "sizes must be positive");
    f->count = i + 1;
    p->a = filled((size_t)p->m * (size_t)p->k, 1u + (unsigned)i);
    p->b = filled((size_t)p->k * (size_t)p->n, 2u + (unsigned)i);
    p->c = filled((size_t)p->m * (size_t)p->n, 3u + (unsigned)i);
    if (!p->a || !p->b || !p->c) return luaL_error(L, "bench_cnn.floor: out of memory");
  }
  return 1;
}

static int steps_threads(lua_State *L, int *threads) {
  lua_Integer steps = luaL_checkinteger(L, 2), t = luaL_checkinteger(L, 3);
  luaL_argcheck(L, steps >= 1 && steps <= MAX_STEPS, 2, "steps must be in 1..1024");
  luaL_argcheck(L, t >= 1 && t <= 64, 3, "threads must be in 1..64");
  *threads = (int)t;
  return (int)steps;
}

/* f:run(steps, threads) -> median seconds of one pass over every product */
static int floor_run(lua_State *L) {
  floor_t *f = check_floor(L);
  int threads, steps = steps_threads(L, &threads);
  int prev = openblas_get_num_threads();
  openblas_set_num_threads(threads);
  for (int s = 0; s < steps; s++) {
    double t0 = now();
    for (int i = 0; i < f->count; i++) run_product(&f->p[i]);
    f->samples[s] = now() - t0;
  }
  openblas_set_num_threads(prev);
  lua_pushnumber(L, median(f->samples, steps));
  return 1;
}

/* f:each(steps, threads) -> { median seconds of product 1, ... } */
static int floor_each(lua_State *L) {
  floor_t *f = check_floor(L);
  int threads, steps = steps_threads(L, &threads);
  int prev = openblas_get_num_threads();
  openblas_set_num_threads(threads);
  lua_createtable(L, f->count, 0);
  for (int i = 0; i < f->count; i++) {
    for (int s = 0; s < steps; s++) {
      double t0 = now();
      run_product(&f->p[i]);
      f->samples[s] = now() - t0;
    }
    lua_pushnumber(L, median(f->samples, steps));
    lua_rawseti(L, -2, i + 1);
  }
  openblas_set_num_threads(prev);
  return 1;
}

static int l_clock(lua_State *L) {
  lua_pushnumber(L, now());
  return 1;
}

#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
int luaopen_bench_cnn(lua_State *L);

int luaopen_bench_cnn(lua_State *L) {
  static const luaL_Reg methods[] = {{"run", floor_run}, {"each", floor_each}, {NULL, NULL}};
  luaL_newmetatable(L, "bench_cnn.floor");
  lua_pushcfunction(L, floor_gc);
  lua_setfield(L, -2, "__gc");
  luaL_newlib(L, methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  static const luaL_Reg functions[] = {{"floor", floor_new}, {"clock", l_clock}, {NULL, NULL}};
  luaL_newlib(L, functions);
  return 1;
}
