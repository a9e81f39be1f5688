/*
 * Tests of the random number generator (src/core/random.c).
 * A standalone program: returns 0 when every check passes, 1 otherwise,
 * printing each failed check.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tocha.h"
#include "tocha_random.h"

static int failures, checks;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    checks++;                                              \
    if (!(cond)) {                                         \
      failures++;                                          \
      printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      printf(__VA_ARGS__);                                 \
      printf("\n");                                        \
    }                                                      \
  } while (0)

#define N_STAT 1000000

/* ---- helpers ---------------------------------------------------------- */

static void new_tensor(tocha_tensor *t, tocha_dtype dtype, int ndim, const int64_t *size) {
  tocha_tensor_init(t, dtype);
  if (tocha_tensor_new(t, dtype, ndim, size) != TOCHA_OK) {
    printf("cannot create a tensor: %s\n", tocha_last_error()->message);
    exit(2);
  }
}

static void new_1d(tocha_tensor *t, tocha_dtype dtype, int64_t n) { new_tensor(t, dtype, 1, &n); }

/* The elements of t in logical row-major order. */
static double *values(const tocha_tensor *t, int64_t *count) {
  int64_t n = tocha_tensor_nelement(t), idx[TOCHA_MAX_DIMS] = {0};
  double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  if (!v) exit(2);
  for (int64_t i = 0; i < n; i++) {
    if (tocha_tensor_get(t, idx, &v[i]) != TOCHA_OK) {
      printf("get failed: %s\n", tocha_last_error()->message);
      exit(2);
    }
    for (int d = t->ndim - 1; d >= 0; d--) {
      if (++idx[d] < t->size[d]) break;
      idx[d] = 0;
    }
  }
  if (count) *count = n;
  return v;
}

static int same_values(const tocha_tensor *a, const tocha_tensor *b) {
  int64_t na, nb;
  double *va = values(a, &na), *vb = values(b, &nb);
  int same = na == nb;
  for (int64_t i = 0; same && i < na; i++) same = va[i] == vb[i] || (isnan(va[i]) && isnan(vb[i]));
  free(va);
  free(vb);
  return same;
}

/* ---- reference model of the stream (straight from the header's text) ---- */

static void ref_block(uint64_t seed, uint64_t block, uint32_t k, uint32_t x[4]) {
  uint32_t ctr[4] = {(uint32_t)block, (uint32_t)(block >> 32), k, 0};
  uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  tocha_philox4x32(ctr, key, x);
}

static uint32_t ref_u32(uint64_t seed, uint64_t off, uint64_t i) {
  uint32_t x[4];
  ref_block(seed, off + i / 4, 0, x);
  return x[i % 4];
}

static uint64_t ref_u64(uint64_t seed, uint64_t off, uint64_t i) {
  uint32_t x[4];
  ref_block(seed, off + i / 2, 0, x);
  return (uint64_t)x[2 * (i % 2)] | (uint64_t)x[2 * (i % 2) + 1] << 32;
}

static double ref_uniform_float(uint64_t seed, uint64_t off, uint64_t i, double a, double b) {
  double u = (double)(ref_u32(seed, off, i) >> 8) * 0x1p-24;
  return (float)(a + (b - a) * u);
}

static double ref_uniform_double(uint64_t seed, uint64_t off, uint64_t i, double a, double b) {
  double u = (double)(ref_u64(seed, off, i) >> 11) * 0x1p-53;
  return a + (b - a) * u;
}

static double ref_normal(uint64_t seed, uint64_t off, uint64_t i, double mean, double stdv) {
  uint32_t x[4];
  ref_block(seed, off + i / 2, 0, x);
  uint64_t b1 = (uint64_t)x[0] | (uint64_t)x[1] << 32, b2 = (uint64_t)x[2] | (uint64_t)x[3] << 32;
  double u1 = (double)((b1 >> 11) + 1) * 0x1p-53, u2 = (double)(b2 >> 11) * 0x1p-53;
  double r = sqrt(-2.0 * log(u1)), th = 6.283185307179586476925286766559 * u2;
  return mean + stdv * (i % 2 ? r * sin(th) : r * cos(th));
}

static double ref_bernoulli(uint64_t seed, uint64_t off, uint64_t i, double p) {
  return (double)ref_u32(seed, off, i) < p * 4294967296.0 ? 1.0 : 0.0;
}

/* Lemire with the counter-based retries, written independently. */
static uint64_t ref_bounded32(uint64_t seed, uint64_t off, uint64_t i, uint64_t r) {
  uint32_t x = ref_u32(seed, off, i);
  if (r == UINT64_C(1) << 32) return x;
  for (uint32_t k = 1;; k++) {
    uint64_t m = (uint64_t)x * r;
    if ((uint32_t)m >= (UINT64_C(1) << 32) % r) return m >> 32;
    uint32_t y[4];
    ref_block(seed, off + i / 4, k, y);
    x = y[i % 4];
  }
}

/* Double-precision-free 64x64->128 high/low through 32-bit pieces. */
static uint64_t ref_mulhi(uint64_t a, uint64_t b, uint64_t *lo) {
  uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32, b_lo = b & 0xffffffffu, b_hi = b >> 32;
  uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
  uint64_t carry = ((ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu)) >> 32;
  *lo = a * b;
  return hh + (lh >> 32) + (hl >> 32) + carry;
}

static uint64_t ref_bounded64(uint64_t seed, uint64_t off, uint64_t i, uint64_t r) {
  uint64_t x = ref_u64(seed, off, i);
  if (r == 0) return x;
  for (uint32_t k = 1;; k++) {
    uint64_t lo, hi = ref_mulhi(x, r, &lo);
    if (lo >= (0 - r) % r) return hi;
    uint32_t y[4];
    ref_block(seed, off + i / 2, k, y);
    x = (uint64_t)y[2 * (i % 2)] | (uint64_t)y[2 * (i % 2) + 1] << 32;
  }
}

/* ---- known-answer tests ------------------------------------------------- */

static void test_kat(void) {
  static const struct {
    uint32_t ctr[4], key[2], out[4];
  } kat[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (size_t k = 0; k < sizeof kat / sizeof kat[0]; k++) {
    uint32_t out[4];
    tocha_philox4x32(kat[k].ctr, kat[k].key, out);
    CHECK(memcmp(out, kat[k].out, sizeof out) == 0,
          "vector %zu: got %08" PRIx32 " %08" PRIx32 " %08" PRIx32 " %08" PRIx32, k, out[0], out[1], out[2],
          out[3]);
  }

  /* The batch helper agrees with single evaluations, for sizes around the
   * internal batch and across a carry into the high counter word. */
  static const uint64_t starts[] = {0, 12345, UINT64_C(0xfffffffe) - 40, UINT64_MAX - 3};
  static const size_t counts[] = {1, 3, 8, 9, 63, 64, 65, 200};
  uint32_t *buf = malloc(4 * 200 * sizeof *buf);
  for (size_t s = 0; s < 4; s++) {
    for (size_t c = 0; c < 8; c++) {
      uint64_t seed = UINT64_C(0x0123456789abcdef) + s;
      memset(buf, 0, 4 * 200 * sizeof *buf);
      tocha_philox4x32_batch(seed, starts[s], counts[c], buf);
      int ok = 1;
      for (size_t j = 0; j < counts[c]; j++) {
        uint32_t x[4];
        ref_block(seed, starts[s] + j, 0, x);
        if (memcmp(x, buf + 4 * j, sizeof x) != 0) ok = 0;
      }
      CHECK(ok, "batch of %zu blocks from %" PRIu64 " differs from tocha_philox4x32", counts[c], starts[s]);
    }
  }
  /* Seed and block index split into (low, high) 32-bit words. */
  {
    uint32_t ctr[4] = {0x85a308d3, 0x243f6a88, 0, 0}, key[2] = {0x299f31d0, 0xa4093822}, want[4], got[4];
    tocha_philox4x32(ctr, key, want);
    tocha_philox4x32_batch(UINT64_C(0xa4093822299f31d0), UINT64_C(0x243f6a8885a308d3), 1, got);
    CHECK(memcmp(want, got, sizeof want) == 0, "seed/block halves are not mapped as documented");
  }
  free(buf);
}

/* ---- scalar draws and seeding ------------------------------------------ */

static void test_scalar(void) {
  tocha_rng g;
  uint32_t x[4];
  tocha_rng_seed(&g, 42);
  CHECK(g.seed == 42 && g.offset == 0, "seed/offset after seeding: %" PRIu64 "/%" PRIu64, g.seed, g.offset);
  g.offset = 7;
  tocha_rng_seed(&g, 42);
  CHECK(g.offset == 0, "tocha_rng_seed must reset the offset");

  ref_block(42, 0, 0, x);
  uint32_t a = tocha_rng_u32(&g);
  CHECK(a == x[0] && g.offset == 1, "u32 = lane 0 of block 0: got %08" PRIx32 ", offset %" PRIu64, a, g.offset);
  ref_block(42, 1, 0, x);
  uint64_t b = tocha_rng_u64(&g);
  CHECK(b == ((uint64_t)x[0] | (uint64_t)x[1] << 32) && g.offset == 2, "u64 = lanes 0,1 of block 1");
  double d = tocha_rng_double(&g);
  CHECK(d == ref_uniform_double(42, 2, 0, 0, 1) && g.offset == 3, "double = u53 of block 2");
  double z = tocha_rng_normal(&g);
  CHECK(fabs(z - ref_normal(42, 3, 0, 0, 1)) <= 1e-12 && g.offset == 4, "normal = R cos T of block 3");

  /* Range and moments of scalar doubles; normal moments. */
  double s = 0, s2 = 0, zs = 0, zs2 = 0, dmin = 1, dmax = 0;
  const int n = 200000;
  tocha_rng_seed(&g, 7);
  for (int i = 0; i < n; i++) {
    double u = tocha_rng_double(&g), v = tocha_rng_normal(&g);
    s += u;
    s2 += u * u;
    zs += v;
    zs2 += v * v;
    if (u < dmin) dmin = u;
    if (u > dmax) dmax = u;
  }
  CHECK(dmin >= 0 && dmax < 1, "scalar doubles outside [0,1): %g %g", dmin, dmax);
  CHECK(fabs(s / n - 0.5) < 5 * sqrt(1.0 / 12 / n), "scalar double mean %g", s / n);
  CHECK(fabs(s2 / n - 1.0 / 3) < 5 * sqrt(4.0 / 45 / n), "scalar double second moment %g", s2 / n);
  CHECK(fabs(zs / n) < 5 / sqrt((double)n), "scalar normal mean %g", zs / n);
  CHECK(fabs(sqrt(zs2 / n) - 1) < 5 / sqrt(2.0 * n), "scalar normal std %g", sqrt(zs2 / n));
  CHECK(g.offset == 2 * (uint64_t)n, "each scalar draw consumes one block");

  uint64_t e1 = tocha_entropy_seed(), e2 = tocha_entropy_seed();
  CHECK(e1 != e2, "two entropy seeds are equal: %" PRIx64, e1);
}

/* ---- each fill against the reference model ------------------------------ */

enum { K_UNIF_F, K_UNIF_D, K_NORM_F, K_NORM_D, K_BERN, K_INT32, K_INT64, K_COUNT };

static const char *kind_name[K_COUNT] = {"uniform Float", "uniform Double", "normal Float", "normal Double",
                                         "bernoulli", "random_int (32-bit)", "random_int (64-bit)"};

static tocha_dtype kind_dtype(int kind) {
  switch (kind) {
    case K_UNIF_F: case K_NORM_F: return TOCHA_FLOAT;
    case K_UNIF_D: case K_NORM_D: return TOCHA_DOUBLE;
    case K_BERN: return TOCHA_FLOAT;
    default: return TOCHA_LONG;
  }
}

/* Elements per block of each kind. */
static uint64_t kind_epb(int kind) {
  return kind == K_UNIF_F || kind == K_BERN || kind == K_INT32 ? 4 : 2;
}

#define INT32_LO (-1000)
#define INT32_HI (INT64_C(3) * (1 << 30) - 1001) /* range 3*2^30: a quarter of draws retried */
#define INT64_LO (-(INT64_C(1) << 62) - 12345)
#define INT64_HI (INT64_MAX - 6789) /* range 3*2^62 + 5556: a quarter of draws retried */

static tocha_status do_fill(int kind, tocha_rng *g, tocha_tensor *t) {
  switch (kind) {
    case K_UNIF_F: case K_UNIF_D: return tocha_uniform(g, t, -2.5, 4.0);
    case K_NORM_F: case K_NORM_D: return tocha_normal(g, t, 0.75, 3.0);
    case K_BERN: return tocha_bernoulli(g, t, 0.3);
    case K_INT32: return tocha_random_int(g, t, INT32_LO, INT32_HI);
    default: return tocha_random_int(g, t, INT64_LO, INT64_HI);
  }
}

static int64_t ref_int64(uint64_t seed, uint64_t off, uint64_t i) {
  uint64_t v = ref_bounded64(seed, off, i, (uint64_t)INT64_HI - (uint64_t)INT64_LO + 1);
  return (int64_t)((uint64_t)INT64_LO + v); /* fits: lo <= result <= hi */
}

static double ref_value(int kind, uint64_t seed, uint64_t off, uint64_t i) {
  switch (kind) {
    case K_UNIF_F: return ref_uniform_float(seed, off, i, -2.5, 4.0);
    case K_UNIF_D: return ref_uniform_double(seed, off, i, -2.5, 4.0);
    case K_NORM_F: return (float)ref_normal(seed, off, i, 0.75, 3.0);
    case K_NORM_D: return ref_normal(seed, off, i, 0.75, 3.0);
    case K_BERN: return ref_bernoulli(seed, off, i, 0.3);
    case K_INT32: return (double)(INT32_LO + (int64_t)ref_bounded32(seed, off, i, (uint64_t)(INT32_HI - INT32_LO) + 1));
    default: return (double)ref_int64(seed, off, i);
  }
}

/* Allowed difference from the model (libm and contraction may differ). */
static double tolerance(int kind, double v) {
  switch (kind) {
    case K_UNIF_F: case K_NORM_F: return 1e-6 * (1 + fabs(v));
    case K_UNIF_D: case K_NORM_D: return 1e-12 * (1 + fabs(v));
    default: return 0;
  }
}

static void test_reference(void) {
  const uint64_t seed = UINT64_C(0xdeadbeefcafef00d);
  const uint64_t offsets[] = {0, 5, UINT64_C(0xffffffff) - 100};
  for (int kind = 0; kind < K_COUNT; kind++) {
    for (int o = 0; o < 3; o++) {
      tocha_rng g = {seed, offsets[o]};
      tocha_tensor t;
      const int64_t n = 2003; /* not a multiple of 4: the last block is partial */
      new_1d(&t, kind_dtype(kind), n);
      CHECK(do_fill(kind, &g, &t) == TOCHA_OK, "%s: %s", kind_name[kind], tocha_last_error()->message);
      double *v = values(&t, NULL);
      int64_t bad = -1;
      for (int64_t i = 0; i < n && bad < 0; i++) {
        double want = ref_value(kind, seed, offsets[o], (uint64_t)i);
        if (!(fabs(v[i] - want) <= tolerance(kind, want))) bad = i;
      }
      CHECK(bad < 0, "%s at offset %" PRIu64 ": element %" PRId64 " is %.17g, model says %.17g", kind_name[kind],
            offsets[o], bad, bad >= 0 ? v[bad] : 0.0,
            bad >= 0 ? ref_value(kind, seed, offsets[o], (uint64_t)bad) : 0.0);
      if (kind == K_INT64) { /* exactly, not through doubles */
        const int64_t *p = tocha_tensor_data(&t);
        int ok = 1;
        for (int64_t i = 0; i < n; i++) ok &= p[i] == ref_int64(seed, offsets[o], (uint64_t)i);
        CHECK(ok, "random_int (64-bit) differs from the model in the low bits");
      }
      uint64_t epb = kind_epb(kind);
      CHECK(g.offset == offsets[o] + ((uint64_t)n + epb - 1) / epb, "%s: offset advanced to %" PRIu64,
            kind_name[kind], g.offset);
      free(v);
      tocha_tensor_release(&t);
    }
  }
}

/* ---- determinism and layout independence --------------------------------- */

static void test_determinism(void) {
  for (int kind = 0; kind < K_COUNT; kind++) {
    tocha_dtype dt = kind_dtype(kind);
    const char *name = kind_name[kind];
    uint64_t epb = kind_epb(kind);

    /* same seed, same tensor; another seed, another tensor */
    {
      tocha_tensor a, b, c;
      tocha_rng g1, g2, g3;
      new_1d(&a, dt, 1000);
      new_1d(&b, dt, 1000);
      new_1d(&c, dt, 1000);
      tocha_rng_seed(&g1, 123);
      tocha_rng_seed(&g2, 123);
      tocha_rng_seed(&g3, 124);
      do_fill(kind, &g1, &a);
      do_fill(kind, &g2, &b);
      do_fill(kind, &g3, &c);
      CHECK(same_values(&a, &b), "%s: same seed gave different tensors", name);
      CHECK(!same_values(&a, &c), "%s: seeds 123 and 124 gave the same tensor", name);
      /* the stream continues: a second fill differs from the first */
      do_fill(kind, &g2, &b);
      CHECK(!same_values(&a, &b), "%s: the second fill repeated the first", name);

      /* one call of 1000 = calls of 400 and 600 on narrowed views (aligned) */
      tocha_tensor whole, part;
      tocha_rng gw, gp;
      new_1d(&whole, dt, 1000);
      new_1d(&part, dt, 1000);
      tocha_rng_seed(&gw, 99);
      tocha_rng_seed(&gp, 99);
      do_fill(kind, &gw, &whole);
      tocha_tensor v1, v2;
      tocha_tensor_init(&v1, dt);
      tocha_tensor_init(&v2, dt);
      tocha_narrow(&v1, &part, 0, 0, 400);
      tocha_narrow(&v2, &part, 0, 400, 600);
      do_fill(kind, &gp, &v1);
      do_fill(kind, &gp, &v2);
      CHECK(same_values(&whole, &part), "%s: 400 + 600 differs from 1000 in one call", name);
      CHECK(gw.offset == gp.offset, "%s: offsets %" PRIu64 " vs %" PRIu64, name, gw.offset, gp.offset);

      /* prefix: the first 300 of a 1000-fill equal a 300-fill from the same state */
      tocha_tensor small;
      tocha_rng gs;
      new_1d(&small, dt, 300);
      tocha_rng_seed(&gs, 99);
      do_fill(kind, &gs, &small);
      tocha_narrow(&v1, &whole, 0, 0, 300);
      CHECK(same_values(&small, &v1), "%s: a 300-fill is not a prefix of the 1000-fill", name);
      CHECK(gs.offset == (300 + epb - 1) / epb, "%s: offset after 300 elements is %" PRIu64, name, gs.offset);

      tocha_tensor_release(&a);
      tocha_tensor_release(&b);
      tocha_tensor_release(&c);
      tocha_tensor_release(&whole);
      tocha_tensor_release(&part);
      tocha_tensor_release(&small);
      tocha_tensor_release(&v1);
      tocha_tensor_release(&v2);
    }

    /* a transposed (non-contiguous) target receives the same logical values */
    {
      const int64_t rows = 50, cols = 300; /* 15000 elements: several internal chunks */
      int64_t sz[2] = {cols, rows}, csz[2] = {rows, cols};
      tocha_tensor base, tr, ref;
      tocha_rng g1, g2;
      new_tensor(&base, dt, 2, sz);
      new_tensor(&ref, dt, 2, csz);
      tocha_tensor_init(&tr, dt);
      tocha_transpose(&tr, &base, 0, 1);
      tocha_rng_seed(&g1, 5);
      tocha_rng_seed(&g2, 5);
      do_fill(kind, &g1, &tr);
      do_fill(kind, &g2, &ref);
      CHECK(!tocha_tensor_is_contiguous(&tr), "transpose should not be contiguous");
      CHECK(same_values(&tr, &ref), "%s: transposed fill differs from the contiguous fill", name);
      CHECK(g1.offset == g2.offset, "%s: offsets differ after a transposed fill", name);
      tocha_tensor_release(&base);
      tocha_tensor_release(&tr);
      tocha_tensor_release(&ref);
    }

    /* a narrowed column block of a matrix: other elements stay untouched */
    {
      int64_t sz[2] = {6, 9}, vsz[2] = {6, 3};
      tocha_tensor m, view, ref;
      tocha_rng g1, g2;
      new_tensor(&m, dt, 2, sz);
      new_tensor(&ref, dt, 2, vsz);
      tocha_tensor_init(&view, dt);
      tocha_narrow(&view, &m, 1, 2, 3);
      tocha_rng_seed(&g1, 77);
      g1.offset = 3;
      g2 = g1;
      do_fill(kind, &g1, &view);
      do_fill(kind, &g2, &ref);
      CHECK(same_values(&view, &ref), "%s: narrowed-column fill differs from the contiguous fill", name);
      int untouched = 1;
      for (int64_t i = 0; i < 6; i++)
        for (int64_t j = 0; j < 9; j++) {
          double x;
          int64_t idx[2] = {i, j};
          tocha_tensor_get(&m, idx, &x);
          if ((j < 2 || j >= 5) && x != 0) untouched = 0;
        }
      CHECK(untouched, "%s: elements outside the view were written", name);
      tocha_tensor_release(&m);
      tocha_tensor_release(&view);
      tocha_tensor_release(&ref);
    }

    /* an expanded (0-stride) target: the last write wins */
    {
      int64_t rsz[2] = {1, 7}, esz[2] = {5, 7}, csz[2] = {5, 7};
      tocha_tensor row, ex, ref, last;
      tocha_rng g1, g2;
      new_tensor(&row, dt, 2, rsz);
      new_tensor(&ref, dt, 2, csz);
      tocha_tensor_init(&ex, dt);
      tocha_tensor_init(&last, dt);
      tocha_expand(&ex, &row, 2, esz);
      tocha_rng_seed(&g1, 8);
      tocha_rng_seed(&g2, 8);
      CHECK(do_fill(kind, &g1, &ex) == TOCHA_OK, "%s: fill of an expanded tensor failed", name);
      do_fill(kind, &g2, &ref);
      tocha_narrow(&last, &ref, 0, 4, 1);
      CHECK(same_values(&row, &last), "%s: expanded fill: the row is not the last logical row", name);
      CHECK(g1.offset == g2.offset, "%s: expanded fill advanced by %" PRIu64 " blocks", name, g1.offset);
      tocha_tensor_release(&row);
      tocha_tensor_release(&ex);
      tocha_tensor_release(&ref);
      tocha_tensor_release(&last);
    }

    /* an unaligned start in a 3-D strided view (every other element) */
    {
      int64_t sz[3] = {3, 4, 10}, vsz[3] = {3, 4, 5};
      tocha_tensor m, view, ref;
      tocha_rng g1, g2;
      new_tensor(&m, dt, 3, sz);
      new_tensor(&ref, dt, 3, vsz);
      tocha_tensor_init(&view, dt);
      int64_t st[3] = {40, 10, 2};
      tocha_tensor_set_storage(&view, m.storage, 1, 3, vsz, st);
      tocha_rng_seed(&g1, 31);
      g1.offset = 1001;
      g2 = g1;
      do_fill(kind, &g1, &view);
      do_fill(kind, &g2, &ref);
      CHECK(same_values(&view, &ref), "%s: strided 3-D fill differs from the contiguous fill", name);
      tocha_tensor_release(&m);
      tocha_tensor_release(&view);
      tocha_tensor_release(&ref);
    }
  }

  /* A Float normal fill is the rounded Double fill from the same state. */
  {
    tocha_tensor f, d;
    tocha_rng g1, g2;
    new_1d(&f, TOCHA_FLOAT, 999);
    new_1d(&d, TOCHA_DOUBLE, 999);
    tocha_rng_seed(&g1, 4);
    tocha_rng_seed(&g2, 4);
    tocha_normal(&g1, &f, -1, 0.5);
    tocha_normal(&g2, &d, -1, 0.5);
    const float *pf = tocha_tensor_data(&f);
    const double *pd = tocha_tensor_data(&d);
    int ok = 1;
    for (int i = 0; i < 999; i++) ok &= pf[i] == (float)pd[i];
    CHECK(ok && g1.offset == g2.offset, "normal Float is not the rounded normal Double");
    tocha_tensor_release(&f);
    tocha_tensor_release(&d);
  }

  /* Bernoulli gives the same 0/1 pattern in every dtype. */
  {
    tocha_tensor t[TOCHA_NTYPES];
    for (int dt = 0; dt < TOCHA_NTYPES; dt++) {
      tocha_rng g;
      tocha_rng_seed(&g, 11);
      new_1d(&t[dt], (tocha_dtype)dt, 517);
      tocha_bernoulli(&g, &t[dt], 0.4);
    }
    for (int dt = 1; dt < TOCHA_NTYPES; dt++)
      CHECK(same_values(&t[0], &t[dt]), "bernoulli: %s differs from Float", tocha_dtype_name((tocha_dtype)dt));
    for (int dt = 0; dt < TOCHA_NTYPES; dt++) tocha_tensor_release(&t[dt]);
  }
}

/* ---- statistics (fixed seeds, 1e6 samples) ----------------------------- */

static void moments(const double *v, int64_t n, double *mean, double *var) {
  double s = 0, s2 = 0;
  for (int64_t i = 0; i < n; i++) s += v[i];
  *mean = s / (double)n;
  for (int64_t i = 0; i < n; i++) s2 += (v[i] - *mean) * (v[i] - *mean);
  *var = s2 / (double)(n - 1);
}

static void test_uniform_stats(void) {
  for (int dt = TOCHA_FLOAT; dt <= TOCHA_DOUBLE; dt++) {
    const double a = dt == TOCHA_FLOAT ? 2 : -1, b = dt == TOCHA_FLOAT ? 5 : 1;
    tocha_tensor t;
    tocha_rng g;
    tocha_rng_seed(&g, 2024);
    new_1d(&t, (tocha_dtype)dt, N_STAT);
    CHECK(tocha_uniform(&g, &t, a, b) == TOCHA_OK, "uniform failed");
    int64_t n;
    double *v = values(&t, &n), mean, var, lo = INFINITY, hi = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
      if (v[i] < lo) lo = v[i];
      if (v[i] > hi) hi = v[i];
    }
    moments(v, n, &mean, &var);
    double w = b - a, se_mean = sqrt(w * w / 12 / n), se_var = sqrt(w * w * w * w * (1.0 / 80 - 1.0 / 144) / n);
    CHECK(lo >= a && hi < b, "uniform %s values outside [%g,%g): min %g max %.17g",
          tocha_dtype_name((tocha_dtype)dt), a, b, lo, hi);
    CHECK(fabs(mean - (a + b) / 2) < 5 * se_mean, "uniform %s mean %g", tocha_dtype_name((tocha_dtype)dt), mean);
    CHECK(fabs(var - w * w / 12) < 5 * se_var, "uniform %s variance %g", tocha_dtype_name((tocha_dtype)dt), var);
    free(v);
    tocha_tensor_release(&t);
  }

  /* Edge cases of the interval. */
  tocha_rng g;
  tocha_rng_seed(&g, 1);
  tocha_tensor t;
  new_1d(&t, TOCHA_FLOAT, 4096);
  tocha_uniform(&g, &t, 1.0, (double)nextafterf(1.0f, 2.0f));
  const float *pf = tocha_tensor_data(&t);
  int ok = 1;
  for (int i = 0; i < 4096; i++) ok &= pf[i] == 1.0f;
  CHECK(ok, "uniform on [1, next float after 1) must give 1");
  tocha_uniform(&g, &t, 0.25, 0.25);
  ok = 1;
  for (int i = 0; i < 4096; i++) ok &= pf[i] == 0.25f;
  CHECK(ok, "uniform with a == b must fill with a");
  tocha_uniform(&g, &t, -FLT_MAX, FLT_MAX);
  ok = 1;
  for (int i = 0; i < 4096; i++) ok &= isfinite(pf[i]);
  CHECK(ok, "uniform Float on the whole float range must stay finite");
  tocha_tensor_release(&t);

  new_1d(&t, TOCHA_DOUBLE, 4096);
  tocha_uniform(&g, &t, -DBL_MAX, DBL_MAX);
  const double *pd = tocha_tensor_data(&t);
  double s = 0;
  ok = 1;
  for (int i = 0; i < 4096; i++) {
    ok &= isfinite(pd[i]) && pd[i] < DBL_MAX;
    s += pd[i] / DBL_MAX;
  }
  CHECK(ok, "uniform Double on [-DBL_MAX, DBL_MAX) must stay finite and below b");
  CHECK(fabs(s / 4096) < 5 * sqrt(1.0 / 3 / 4096), "uniform on the whole double range: mean/DBL_MAX = %g", s / 4096);
  tocha_uniform(&g, &t, 3.0, nextafter(3.0, 4.0));
  ok = 1;
  for (int i = 0; i < 4096; i++) ok &= pd[i] == 3.0;
  CHECK(ok, "uniform Double on [3, next double after 3) must give 3");
  tocha_tensor_release(&t);
}

static void test_normal_stats(void) {
  for (int dt = TOCHA_FLOAT; dt <= TOCHA_DOUBLE; dt++) {
    const double mu = 1.5, sd = 2.0;
    tocha_tensor t;
    tocha_rng g;
    tocha_rng_seed(&g, 31337);
    new_1d(&t, (tocha_dtype)dt, N_STAT);
    CHECK(tocha_normal(&g, &t, mu, sd) == TOCHA_OK, "normal failed");
    int64_t n, in1 = 0, in2 = 0;
    double *v = values(&t, &n), mean, var;
    moments(v, n, &mean, &var);
    for (int64_t i = 0; i < n; i++) {
      in1 += fabs(v[i] - mu) < sd;
      in2 += fabs(v[i] - mu) < 2 * sd;
    }
    const double p1 = 0.6826894921370859, p2 = 0.9544997361036416;
    double f1 = (double)in1 / n, f2 = (double)in2 / n;
    const char *name = tocha_dtype_name((tocha_dtype)dt);
    CHECK(fabs(mean - mu) < 5 * sd / sqrt((double)n), "normal %s mean %g", name, mean);
    CHECK(fabs(sqrt(var) - sd) < 5 * sd / sqrt(2.0 * n), "normal %s std %g", name, sqrt(var));
    CHECK(fabs(f1 - p1) < 5 * sqrt(p1 * (1 - p1) / n), "normal %s fraction within 1 sigma %g", name, f1);
    CHECK(fabs(f2 - p2) < 5 * sqrt(p2 * (1 - p2) / n), "normal %s fraction within 2 sigma %g", name, f2);
    free(v);
    tocha_tensor_release(&t);
  }
  tocha_rng g;
  tocha_tensor t;
  tocha_rng_seed(&g, 3);
  new_1d(&t, TOCHA_DOUBLE, 100);
  tocha_normal(&g, &t, -7.25, 0);
  const double *pd = tocha_tensor_data(&t);
  int ok = 1;
  for (int i = 0; i < 100; i++) ok &= pd[i] == -7.25;
  CHECK(ok && g.offset == 50, "normal with stdv 0 must fill with the mean and still advance");
  tocha_tensor_release(&t);
}

static void test_bernoulli_stats(void) {
  const double ps[] = {0.1, 0.5, 0.9};
  for (int k = 0; k < 3; k++) {
    for (int dt = 0; dt < TOCHA_NTYPES; dt += 3) { /* Float and Byte */
      tocha_tensor t;
      tocha_rng g;
      tocha_rng_seed(&g, 100 + (uint64_t)k);
      new_1d(&t, (tocha_dtype)dt, N_STAT);
      CHECK(tocha_bernoulli(&g, &t, ps[k]) == TOCHA_OK, "bernoulli failed");
      int64_t n, ones = 0, other = 0;
      double *v = values(&t, &n);
      for (int64_t i = 0; i < n; i++) {
        ones += v[i] == 1;
        other += v[i] != 0 && v[i] != 1;
      }
      double f = (double)ones / n;
      CHECK(other == 0, "bernoulli gave values other than 0 and 1");
      CHECK(fabs(f - ps[k]) < 5 * sqrt(ps[k] * (1 - ps[k]) / n), "bernoulli(%g) %s: fraction %g", ps[k],
            tocha_dtype_name((tocha_dtype)dt), f);
      free(v);
      tocha_tensor_release(&t);
    }
  }
  for (int k = 0; k <= 1; k++) {
    tocha_tensor t;
    tocha_rng g;
    tocha_rng_seed(&g, 5);
    new_1d(&t, TOCHA_BYTE, 100000);
    tocha_bernoulli(&g, &t, k);
    const uint8_t *p = tocha_tensor_data(&t);
    int ok = 1;
    for (int i = 0; i < 100000; i++) ok &= p[i] == k;
    CHECK(ok, "bernoulli(%d) must give only %d", k, k);
    tocha_tensor_release(&t);
  }
}

/* counts[v - lo] over a fill; returns the chi-square statistic and checks range. */
static double int_chi2(tocha_dtype dt, int64_t lo, int64_t hi, uint64_t seed, int *in_range, int *all_seen) {
  int64_t k = hi - lo + 1, n;
  int64_t *count = calloc((size_t)k, sizeof *count);
  tocha_tensor t;
  tocha_rng g;
  tocha_rng_seed(&g, seed);
  new_1d(&t, dt, N_STAT);
  CHECK(tocha_random_int(&g, &t, lo, hi) == TOCHA_OK, "random_int failed: %s", tocha_last_error()->message);
  double *v = values(&t, &n), chi2 = 0, expect = (double)n / (double)k;
  *in_range = 1;
  for (int64_t i = 0; i < n; i++) {
    if (v[i] < (double)lo || v[i] > (double)hi || v[i] != floor(v[i])) {
      *in_range = 0;
      continue;
    }
    count[(int64_t)v[i] - lo]++;
  }
  *all_seen = 1;
  for (int64_t j = 0; j < k; j++) {
    chi2 += (count[j] - expect) * (count[j] - expect) / expect;
    if (count[j] == 0) *all_seen = 0;
  }
  free(v);
  free(count);
  tocha_tensor_release(&t);
  return chi2;
}

/* A chi-square bound: mean + 7 standard deviations (p < 1e-6 or so). */
static double chi2_bound(double dof) { return dof + 7 * sqrt(2 * dof) + 10; }

/* Fraction test over `buckets` equal buckets of a wide range, by v -> bucket. */
static void bucket_test(tocha_dtype dt, int64_t lo, int64_t hi, int shift, int buckets, uint64_t seed,
                        const char *what) {
  tocha_tensor t;
  tocha_rng g;
  tocha_rng_seed(&g, seed);
  new_1d(&t, dt, N_STAT);
  CHECK(tocha_random_int(&g, &t, lo, hi) == TOCHA_OK, "%s: %s", what, tocha_last_error()->message);
  const int64_t *p = tocha_tensor_data(&t);
  int64_t count[64] = {0}, bad = 0;
  for (int64_t i = 0; i < N_STAT; i++) {
    if (p[i] < lo || p[i] > hi) {
      bad++;
      continue;
    }
    uint64_t u = (uint64_t)p[i] - (uint64_t)lo;
    count[u >> shift]++;
  }
  double chi2 = 0, e = (double)N_STAT / buckets;
  for (int j = 0; j < buckets; j++) chi2 += (count[j] - e) * (count[j] - e) / e;
  CHECK(bad == 0, "%s: %" PRId64 " values out of range", what, bad);
  CHECK(chi2 < chi2_bound(buckets - 1), "%s: chi-square %g over %d buckets", what, chi2, buckets);
  tocha_tensor_release(&t);
}

static void test_random_int_stats(void) {
  int in_range, all_seen;
  double chi2 = int_chi2(TOCHA_LONG, -3, 6, 1, &in_range, &all_seen);
  CHECK(in_range && all_seen, "random_int [-3,6] Long: range or coverage");
  CHECK(chi2 < chi2_bound(9), "random_int [-3,6] Long: chi-square %g", chi2);
  chi2 = int_chi2(TOCHA_BYTE, 0, 255, 2, &in_range, &all_seen);
  CHECK(in_range && all_seen, "random_int [0,255] Byte: range or coverage");
  CHECK(chi2 < chi2_bound(255), "random_int [0,255] Byte: chi-square %g", chi2);
  chi2 = int_chi2(TOCHA_FLOAT, -50, 49, 3, &in_range, &all_seen);
  CHECK(in_range && all_seen, "random_int [-50,49] Float: range or coverage");
  CHECK(chi2 < chi2_bound(99), "random_int [-50,49] Float: chi-square %g", chi2);
  chi2 = int_chi2(TOCHA_DOUBLE, 1000, 1006, 4, &in_range, &all_seen);
  CHECK(in_range && all_seen, "random_int [1000,1006] Double: range or coverage");
  CHECK(chi2 < chi2_bound(6), "random_int [1000,1006] Double: chi-square %g", chi2);
  chi2 = int_chi2(TOCHA_LONG, 7, 7, 5, &in_range, &all_seen);
  CHECK(in_range && all_seen && chi2 == 0, "random_int [7,7] must give 7");

  /* Ranges where Lemire rejects often (3*2^30: 1/4 of 32-bit draws; 3*2^62:
   * 1/4 of 64-bit draws): the twelve buckets stay equally likely. */
  bucket_test(TOCHA_LONG, 0, INT64_C(3) * (1 << 30) - 1, 28, 12, 6, "random_int range 3*2^30");
  bucket_test(TOCHA_LONG, -(INT64_C(1) << 62), INT64_MAX, 60, 12, 7, "random_int range 3*2^62");
  bucket_test(TOCHA_LONG, INT64_MIN, INT64_MAX, 60, 16, 8, "random_int over all of int64");
  bucket_test(TOCHA_LONG, -(INT64_C(1) << 32), (INT64_C(1) << 32) - 1, 29, 16, 9, "random_int range 2^33");
  bucket_test(TOCHA_LONG, 10, 10 + (INT64_C(1) << 32) - 1, 28, 16, 10, "random_int range exactly 2^32");

  /* Double at its limits (64-bit path): integral, in range, mean near 0. */
  {
    const int64_t lim = INT64_C(1) << 53;
    tocha_tensor t;
    tocha_rng g;
    tocha_rng_seed(&g, 12);
    new_1d(&t, TOCHA_DOUBLE, N_STAT);
    CHECK(tocha_random_int(&g, &t, -lim, lim) == TOCHA_OK, "random_int Double +-2^53");
    const double *p = tocha_tensor_data(&t);
    double s = 0;
    int ok = 1;
    for (int i = 0; i < N_STAT; i++) {
      ok &= p[i] >= -(double)lim && p[i] <= (double)lim && p[i] == floor(p[i]);
      s += p[i] / (double)lim;
    }
    CHECK(ok, "random_int Double +-2^53: out of range or not integral");
    CHECK(fabs(s / N_STAT) < 5 * sqrt(1.0 / 3 / N_STAT), "random_int Double +-2^53: mean/2^53 = %g", s / N_STAT);
    CHECK(g.offset == N_STAT / 2, "random_int with a range > 2^32 uses 2 elements per block");
    tocha_tensor_release(&t);
  }
  /* Float at its limits (32-bit path). */
  {
    const int64_t lim = INT64_C(1) << 24;
    tocha_tensor t;
    tocha_rng g;
    tocha_rng_seed(&g, 13);
    new_1d(&t, TOCHA_FLOAT, 100000);
    CHECK(tocha_random_int(&g, &t, -lim, lim) == TOCHA_OK, "random_int Float +-2^24");
    const float *p = tocha_tensor_data(&t);
    int ok = 1;
    for (int i = 0; i < 100000; i++) ok &= p[i] >= -(float)lim && p[i] <= (float)lim;
    CHECK(ok, "random_int Float +-2^24 out of range");
    CHECK(g.offset == 25000, "random_int with a range <= 2^32 uses 4 elements per block");
    tocha_tensor_release(&t);
  }
}

/* ---- randperm ------------------------------------------------------------- */

static int is_permutation(const tocha_tensor *t, int64_t n) {
  if (n == 0) return t->ndim == 0;
  if (t->ndim != 1 || t->size[0] != n) return 0;
  char *seen = calloc((size_t)n, 1);
  double *v = values(t, NULL);
  int ok = 1;
  for (int64_t i = 0; i < n && ok; i++) {
    if (v[i] < 0 || v[i] >= (double)n || v[i] != floor(v[i]) || seen[(int64_t)v[i]]) ok = 0;
    else seen[(int64_t)v[i]] = 1;
  }
  free(seen);
  free(v);
  return ok;
}

static void test_randperm(void) {
  const int64_t sizes[] = {1, 2, 3, 1000, 65537};
  for (int dt = 0; dt < TOCHA_NTYPES; dt++) {
    for (int k = 0; k < 5; k++) {
      int64_t n = sizes[k];
      if (dt == TOCHA_BYTE && n > 256) n = 256;
      if (dt == TOCHA_CHAR && n > 128) n = 128;
      if (dt == TOCHA_SHORT && n > 32768) n = 32768;
      tocha_tensor t;
      tocha_rng g;
      tocha_rng_seed(&g, 55);
      tocha_tensor_init(&t, TOCHA_DOUBLE); /* out of another type: replaced */
      CHECK(tocha_randperm(&g, &t, n, (tocha_dtype)dt) == TOCHA_OK, "randperm(%" PRId64 ") failed: %s", n,
            tocha_last_error()->message);
      CHECK(t.dtype == (tocha_dtype)dt, "randperm: dtype %d", (int)t.dtype);
      CHECK(is_permutation(&t, n), "randperm(%" PRId64 ", %s) is not a permutation", n,
            tocha_dtype_name((tocha_dtype)dt));
      CHECK(g.offset == (uint64_t)(n - 1 + 3) / 4, "randperm(%" PRId64 "): offset %" PRIu64, n, g.offset);

      /* The documented Fisher-Yates over the 32-bit draws. */
      int64_t *ref = malloc((size_t)n * sizeof *ref);
      for (int64_t i = 0; i < n; i++) ref[i] = i;
      for (int64_t s = 0; s < n - 1; s++) {
        int64_t i = n - 1 - s, j = (int64_t)ref_bounded32(55, 0, (uint64_t)s, (uint64_t)i + 1), tmp = ref[i];
        ref[i] = ref[j];
        ref[j] = tmp;
      }
      double *v = values(&t, NULL);
      int same = 1;
      for (int64_t i = 0; i < n; i++) same &= v[i] == (double)ref[i];
      CHECK(same, "randperm(%" PRId64 ", %s) differs from the documented Fisher-Yates", n,
            tocha_dtype_name((tocha_dtype)dt));
      free(v);
      free(ref);

      /* same seed, same permutation; the stream moves on */
      tocha_tensor u;
      tocha_rng g2;
      tocha_rng_seed(&g2, 55);
      tocha_tensor_init(&u, (tocha_dtype)dt);
      tocha_randperm(&g2, &u, n, (tocha_dtype)dt);
      CHECK(same_values(&t, &u), "randperm is not deterministic");
      if (n >= 1000) {
        tocha_randperm(&g2, &u, n, (tocha_dtype)dt);
        CHECK(!same_values(&t, &u), "the second randperm repeated the first");
      }
      tocha_tensor_release(&t);
      tocha_tensor_release(&u);
    }
  }

  /* n = 0: an empty tensor, no draw. */
  {
    tocha_tensor t;
    tocha_rng g;
    tocha_rng_seed(&g, 1);
    new_1d(&t, TOCHA_FLOAT, 10);
    CHECK(tocha_randperm(&g, &t, 0, TOCHA_LONG) == TOCHA_OK, "randperm(0) failed");
    CHECK(t.ndim == 0 && t.dtype == TOCHA_LONG && g.offset == 0, "randperm(0): ndim %d offset %" PRIu64, t.ndim,
          g.offset);
    tocha_tensor_release(&t);
  }

  /* All 120 permutations of 5 are equally likely. */
  {
    int64_t count[3125] = {0};
    const int reps = 120000;
    tocha_rng g;
    tocha_tensor t;
    tocha_rng_seed(&g, 2);
    tocha_tensor_init(&t, TOCHA_LONG);
    for (int r = 0; r < reps; r++) {
      tocha_randperm(&g, &t, 5, TOCHA_LONG);
      const int64_t *p = tocha_tensor_data(&t);
      count[(((p[0] * 5 + p[1]) * 5 + p[2]) * 5 + p[3]) * 5 + p[4]]++;
    }
    double chi2 = 0, e = reps / 120.0;
    int kinds = 0;
    for (int c = 0; c < 3125; c++)
      if (count[c]) {
        kinds++;
        chi2 += (count[c] - e) * (count[c] - e) / e;
      }
    CHECK(kinds == 120, "randperm(5): %d distinct permutations seen", kinds);
    CHECK(chi2 < chi2_bound(119), "randperm(5): chi-square %g over 120 permutations", chi2);
    tocha_tensor_release(&t);
  }
}

/* ---- errors ------------------------------------------------------------- */

/* Checks status, argument position and a message fragment, and that neither
 * the tensor's bytes nor the generator changed. */
#define EXPECT_ERROR(call, t, g, want_status, want_arg, fragment)                                         \
  do {                                                                                                    \
    tocha_rng g_before_ = *(g);                                                                           \
    size_t bytes_ = (size_t)(t)->storage->size * tocha_dtype_size((t)->dtype);                            \
    void *copy_ = malloc(bytes_);                                                                         \
    memcpy(copy_, (t)->storage->data, bytes_);                                                            \
    tocha_status st_ = (call);                                                                            \
    const tocha_error *e_ = tocha_last_error();                                                           \
    CHECK(st_ == (want_status) && e_->status == (want_status) && e_->arg == (want_arg) &&                 \
              strstr(e_->message, fragment) != NULL,                                                      \
          "%s: got status %d arg %d message \"%s\"", #call, (int)st_, e_->arg, e_->message);               \
    CHECK(memcmp(copy_, (t)->storage->data, bytes_) == 0, "%s changed the tensor", #call);                \
    CHECK((g)->seed == g_before_.seed && (g)->offset == g_before_.offset, "%s moved the generator", #call); \
    free(copy_);                                                                                          \
  } while (0)

static void test_errors(void) {
  tocha_rng g = {9, 17};
  tocha_tensor f, d, l, b;
  new_1d(&f, TOCHA_FLOAT, 10);
  new_1d(&d, TOCHA_DOUBLE, 10);
  new_1d(&l, TOCHA_LONG, 10);
  new_1d(&b, TOCHA_BYTE, 10);
  tocha_fill(&f, 0.5);
  tocha_fill(&d, 0.5);
  tocha_fill(&l, 3);
  tocha_fill(&b, 3);

  EXPECT_ERROR(tocha_uniform(&g, &f, 3, 1), &f, &g, TOCHA_EARG, 3, "expected a <= b, got a=3 b=1");
  EXPECT_ERROR(tocha_uniform(&g, &d, NAN, 1), &d, &g, TOCHA_EARG, 2, "a=nan");
  EXPECT_ERROR(tocha_uniform(&g, &d, 0, INFINITY), &d, &g, TOCHA_EARG, 3, "b=inf");
  EXPECT_ERROR(tocha_uniform(&g, &d, -INFINITY, 0), &d, &g, TOCHA_EARG, 2, "a=-inf");
  EXPECT_ERROR(tocha_uniform(&g, &l, 0, 1), &l, &g, TOCHA_ETYPE, 1, "Long");
  EXPECT_ERROR(tocha_uniform(&g, &b, 0, 1), &b, &g, TOCHA_ETYPE, 1, "Byte");
  EXPECT_ERROR(tocha_uniform(&g, &f, 0, 1e39), &f, &g, TOCHA_EARG, 3, "b=1e+39");
  EXPECT_ERROR(tocha_uniform(&g, &f, -1e39, 0), &f, &g, TOCHA_EARG, 2, "a=-1e+39");
  EXPECT_ERROR(tocha_uniform(&g, &f, 0.1, 0.05), &f, &g, TOCHA_EARG, 3, "a=0.1 b=0.05");

  EXPECT_ERROR(tocha_normal(&g, &f, 0, -1), &f, &g, TOCHA_EARG, 3, "expected stdv >= 0, got stdv=-1");
  EXPECT_ERROR(tocha_normal(&g, &d, NAN, 1), &d, &g, TOCHA_EARG, 2, "mean=nan");
  EXPECT_ERROR(tocha_normal(&g, &d, 0, INFINITY), &d, &g, TOCHA_EARG, 3, "stdv=inf");
  EXPECT_ERROR(tocha_normal(&g, &b, 0, 1), &b, &g, TOCHA_ETYPE, 1, "Byte");

  EXPECT_ERROR(tocha_bernoulli(&g, &b, 1.5), &b, &g, TOCHA_EARG, 2, "expected 0 <= p <= 1, got p=1.5");
  EXPECT_ERROR(tocha_bernoulli(&g, &l, -0.25), &l, &g, TOCHA_EARG, 2, "p=-0.25");
  EXPECT_ERROR(tocha_bernoulli(&g, &f, NAN), &f, &g, TOCHA_EARG, 2, "p=nan");

  EXPECT_ERROR(tocha_random_int(&g, &l, 5, 3), &l, &g, TOCHA_EARG, 3, "expected lo <= hi, got lo=5 hi=3");
  EXPECT_ERROR(tocha_random_int(&g, &b, -1, 3), &b, &g, TOCHA_EARG, 2, "lo=-1");
  EXPECT_ERROR(tocha_random_int(&g, &b, 0, 256), &b, &g, TOCHA_EARG, 3, "hi=256");
  EXPECT_ERROR(tocha_random_int(&g, &f, 0, (INT64_C(1) << 24) + 1), &f, &g, TOCHA_EARG, 3, "hi=16777217");
  EXPECT_ERROR(tocha_random_int(&g, &f, -(INT64_C(1) << 24) - 1, 0), &f, &g, TOCHA_EARG, 2, "lo=-16777217");
  EXPECT_ERROR(tocha_random_int(&g, &d, 0, (INT64_C(1) << 53) + 1), &d, &g, TOCHA_EARG, 3, "hi=9007199254740993");

  /* randperm: out untouched on failure */
  EXPECT_ERROR(tocha_randperm(&g, &f, -1, TOCHA_LONG), &f, &g, TOCHA_EARG, 1, "n=-1");
  EXPECT_ERROR(tocha_randperm(&g, &f, 257, TOCHA_BYTE), &f, &g, TOCHA_EARG, 1, "n=257");
  EXPECT_ERROR(tocha_randperm(&g, &f, (INT64_C(1) << 24) + 1, TOCHA_FLOAT), &f, &g, TOCHA_EARG, 1, "n=16777217");
  EXPECT_ERROR(tocha_randperm(&g, &f, 10, (tocha_dtype)42), &f, &g, TOCHA_ETYPE, 2, "42");
  CHECK(f.ndim == 1 && f.size[0] == 10 && f.dtype == TOCHA_FLOAT, "a failed randperm reshaped out");

  /* Empty tensors are a no-op and leave the generator alone; bad arguments
   * are still reported. */
  {
    tocha_tensor e, z;
    tocha_tensor_init(&e, TOCHA_FLOAT);
    new_1d(&z, TOCHA_DOUBLE, 0);
    tocha_rng before = g;
    CHECK(tocha_uniform(&g, &e, 0, 1) == TOCHA_OK && tocha_normal(&g, &e, 0, 1) == TOCHA_OK &&
              tocha_bernoulli(&g, &e, 0.5) == TOCHA_OK && tocha_random_int(&g, &e, 0, 9) == TOCHA_OK &&
              tocha_uniform(&g, &z, 0, 1) == TOCHA_OK && tocha_random_int(&g, &z, -5, 5) == TOCHA_OK,
          "fills of empty tensors must succeed: %s", tocha_last_error()->message);
    CHECK(g.offset == before.offset, "fills of empty tensors moved the generator");
    CHECK(tocha_uniform(&g, &e, 1, 0) == TOCHA_EARG, "an empty tensor must not hide a bad argument");
    tocha_tensor_release(&z);
  }

  tocha_tensor_release(&f);
  tocha_tensor_release(&d);
  tocha_tensor_release(&l);
  tocha_tensor_release(&b);
}

int main(void) {
  test_kat();
  test_scalar();
  test_reference();
  test_determinism();
  test_uniform_stats();
  test_normal_stats();
  test_bernoulli_stats();
  test_random_int_stats();
  test_randperm();
  test_errors();
  if (failures) {
    printf("test_random: %d of %d checks FAILED\n", failures, checks);
    return 1;
  }
  printf("test_random: all %d checks passed\n", checks);
  return 0;
}
