/* The dropout kernel against a plain scalar reference of the scheme in
 * src/tocha_dropout.h, on every instruction set this CPU has (generic, avx2,
 * avx512), many sizes (tile and byte tails), generator offsets (counter
 * carries across 2^32 and the wrap at 2^64), p, float and double, 1 to 3
 * threads, in place, strided, grouped, and misaligned (no streaming stores). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tocha.h"

/* ---- the reference ----------------------------------------------------- */

/* The 16-bit draw of group k for a generator at offset o (tocha_dropout.h). */
static unsigned ref_draw(uint64_t seed, uint64_t o, int64_t k) {
  int64_t t = k / 128, r = k % 128, lane = r / 32, j = (r % 32) / 2, half = r % 2;
  uint64_t block = o + 16 * (uint64_t)t + (uint64_t)j;
  const uint32_t ctr[4] = {(uint32_t)block, (uint32_t)(block >> 32), 0, 0};
  const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  uint32_t x[4];
  tocha_philox4x32(ctr, key, x);
  return (x[lane] >> (16 * half)) & 0xFFFFu;
}

static unsigned ref_threshold(double p) { return (unsigned)floor((1.0 - p) * 65536.0); }

/* Is group k, whose draw is 0xFFFF, kept?  x = (1 - p) * 2^16: kept with
 * probability x - floor(x), by the 64-bit extra draw of counter
 * {tile block lo, hi, 0, 1 + k % 128} against that fraction times 2^64
 * (never when x is an integer). */
static int ref_edge_keep(uint64_t seed, uint64_t o, int64_t k, double p) {
  double x = (1.0 - p) * 65536.0, f = x - floor(x);
  if (f == 0) return 0;
  uint64_t frac = (uint64_t)ldexp(f, 64);
  if (frac == 0) frac = 1;
  uint64_t block = o + 16 * (uint64_t)(k / 128);
  const uint32_t ctr[4] = {(uint32_t)block, (uint32_t)(block >> 32), 0, 1u + (uint32_t)(k % 128)};
  const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  uint32_t e[4];
  tocha_philox4x32(ctr, key, e);
  return ((uint64_t)e[0] | (uint64_t)e[1] << 32) < frac;
}

/* Expected mask bytes of n groups (bits past n zero). */
static uint8_t *ref_mask(uint64_t seed, uint64_t o, int64_t n, double p) {
  int64_t nbytes = n > 0 ? (n + 7) / 8 : 1;
  uint8_t *m = calloc((size_t)nbytes, 1);
  unsigned thr = ref_threshold(p);
  for (int64_t k = 0; k < n; k++) {
    unsigned u = ref_draw(seed, o, k);
    if (u < thr || (u == 0xFFFFu && ref_edge_keep(seed, o, k, p))) m[k / 8] |= (uint8_t)(1u << (k % 8));
  }
  return m;
}

static int bit(const uint8_t *m, int64_t k) { return (m[k / 8] >> (k % 8)) & 1; }

/* ---- helpers ----------------------------------------------------------- */

static tocha_tensor vec(tocha_dtype dtype, int64_t n) {
  tocha_tensor t;
  tocha_tensor_init(&t, dtype);
  tocha_tensor_new(&t, dtype, 1, &n);
  return t;
}

/* Values with both signs, zeros, and now and then inf and NaN (a dropped
 * unit must be +0 whatever it held; a kept one is x * scale). */
static void fill(tocha_tensor *t, int64_t n, int specials) {
  for (int64_t i = 0; i < n; i++) {
    double v = (double)((i * 7919) % 2001 - 1000) / 37.0;
    if (specials && i % 97 == 5) v = INFINITY;
    if (specials && i % 89 == 7) v = NAN;
    if (t->dtype == TOCHA_FLOAT)
      ((float *)tocha_tensor_data(t))[i] = (float)v;
    else
      ((double *)tocha_tensor_data(t))[i] = v;
  }
}

/* Does y hold x masked by m and scaled (bit-exact, in the tensor's type)? */
static int masked_ok(const tocha_tensor *y, const tocha_tensor *x, const uint8_t *m, int64_t n, double scale) {
  for (int64_t i = 0; i < n; i++) {
    if (y->dtype == TOCHA_FLOAT) {
      float xi = ((const float *)tocha_tensor_data(x))[i], yi = ((const float *)tocha_tensor_data(y))[i];
      float want = bit(m, i) ? xi * (float)scale : 0.0f;
      if (memcmp(&yi, &want, sizeof yi) != 0 && !(isnan(yi) && isnan(want))) return 0;
    } else {
      double xi = ((const double *)tocha_tensor_data(x))[i], yi = ((const double *)tocha_tensor_data(y))[i];
      double want = bit(m, i) ? xi * scale : 0.0;
      if (memcmp(&yi, &want, sizeof yi) != 0 && !(isnan(yi) && isnan(want))) return 0;
    }
  }
  return 1;
}

static int bytes_equal(const tocha_tensor *mask, const uint8_t *want, int64_t n) {
  int64_t nbytes = n > 0 ? (n + 7) / 8 : 1;
  return tocha_tensor_nelement(mask) == nbytes && memcmp(tocha_tensor_data(mask), want, (size_t)nbytes) == 0;
}

/* ---- tests ------------------------------------------------------------- */

static const char *isas[] = {"generic", "avx2", "avx512"};

/* Forward + backward of n elements on the current instruction set against
 * the reference; checks the offset's advance. */
static void check_case(tocha_dtype dtype, int64_t n, uint64_t seed, uint64_t offset, double p) {
  double scale = 1.0 / (1.0 - p);
  tocha_rng g = {seed, offset};
  tocha_tensor x = vec(dtype, n), y = vec(dtype, 0), mask = vec(TOCHA_BYTE, 0), gi = vec(dtype, 0);
  fill(&x, n, 1);
  uint8_t *want = ref_mask(seed, offset, n, p);
  CHECK(tocha_dropout_forward(&g, &y, &x, &mask, p, scale, 1) == TOCHA_OK);
  CHECK(bytes_equal(&mask, want, n));
  CHECK(masked_ok(&y, &x, want, n, scale));
  CHECK(g.seed == seed && g.offset == offset + 16 * (uint64_t)((n + 127) / 128));
  CHECK(tocha_dropout_backward(&gi, &x, &mask, scale, 1) == TOCHA_OK);
  CHECK(masked_ok(&gi, &x, want, n, scale));
  free(want);
  tocha_tensor_release(&x);
  tocha_tensor_release(&y);
  tocha_tensor_release(&gi);
  tocha_tensor_release(&mask);
}

static void test_against_reference(void) {
  static const int64_t sizes[] = {1, 7, 8, 9, 15, 16, 17, 100, 127, 128, 129, 200, 255, 256, 257, 383, 384, 385, 1000, 4099};
  static const uint64_t offsets[] = {0, 3, 0xFFFFFFF8u, 0xFFFFFFFFu, UINT64_MAX - 20};
  static const uint64_t seeds[] = {0, 0x0123456789ABCDEFu};
  static const double ps[] = {0.5, 0.3, 0.0, 0.99999, 1e-6};
  for (int a = 0; a < 3; a++) {
    if (tocha_dropout_set_isa(isas[a]) != TOCHA_OK) {
      printf("(%s: not available here)\n", isas[a]);
      continue;
    }
    CHECK(strcmp(tocha_dropout_isa(), isas[a]) == 0);
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
      for (size_t o = 0; o < sizeof offsets / sizeof *offsets; o++)
        check_case(s % 2 ? TOCHA_DOUBLE : TOCHA_FLOAT, sizes[s], seeds[(s + o) % 2], offsets[o], ps[(s + o) % 5]);
    for (int d = 0; d < 2; d++)
      for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
        check_case(d ? TOCHA_DOUBLE : TOCHA_FLOAT, 1337, 42, 17, ps[i]);
  }
  CHECK(tocha_dropout_set_isa(NULL) == TOCHA_OK);
}

/* Large inputs: several threads (>= 256K elements), and streaming stores
 * (outputs >= 1 MiB), for 1, 2, 3 threads and every instruction set, all
 * giving the reference. */
static void test_threads(void) {
  int saved = tocha_get_num_threads();
  const int64_t sizes[] = {300001, 1100003};
  for (int s = 0; s < 2; s++) {
    int64_t n = sizes[s];
    uint64_t seed = 77, offset = 5;
    double p = 0.4, scale = 1 / 0.6;
    uint8_t *want = ref_mask(seed, offset, n, p);
    for (int d = 0; d < 2; d++) {
      tocha_dtype dtype = d ? TOCHA_DOUBLE : TOCHA_FLOAT;
      tocha_tensor x = vec(dtype, n), y = vec(dtype, 0), mask = vec(TOCHA_BYTE, 0), gi = vec(dtype, 0);
      fill(&x, n, 1);
      for (int a = 0; a < 3; a++) {
        if (tocha_dropout_set_isa(isas[a]) != TOCHA_OK) continue;
        for (int threads = 1; threads <= 3; threads++) {
          tocha_rng g = {seed, offset};
          CHECK(tocha_set_num_threads(threads) == TOCHA_OK);
          CHECK(tocha_dropout_forward(&g, &y, &x, &mask, p, scale, 1) == TOCHA_OK);
          CHECK(bytes_equal(&mask, want, n));
          CHECK(masked_ok(&y, &x, want, n, scale));
          CHECK(tocha_dropout_backward(&gi, &y, &mask, scale, 1) == TOCHA_OK);
          CHECK(masked_ok(&gi, &y, want, n, scale));
        }
      }
      tocha_tensor_release(&x);
      tocha_tensor_release(&y);
      tocha_tensor_release(&gi);
      tocha_tensor_release(&mask);
    }
    free(want);
  }
  CHECK(tocha_dropout_set_isa(NULL) == TOCHA_OK);
  tocha_set_num_threads(saved);
}

/* In place, misaligned (a view starting one element in: no streaming
 * stores, unaligned vectors), strided, and grouped inputs. */
static void test_layouts(void) {
  const int64_t n = 1100003; /* >= 1 MiB of floats: streaming when aligned */
  uint64_t seed = 9, offset = 1000;
  double p = 0.5, scale = 2;
  uint8_t *want = ref_mask(seed, offset, n, p);
  for (int a = 0; a < 3; a++) {
    if (tocha_dropout_set_isa(isas[a]) != TOCHA_OK) continue;
    /* in place */
    tocha_tensor x = vec(TOCHA_FLOAT, n), x0 = vec(TOCHA_FLOAT, n), mask = vec(TOCHA_BYTE, 0);
    fill(&x, n, 0);
    fill(&x0, n, 0);
    tocha_rng g = {seed, offset};
    CHECK(tocha_dropout_forward(&g, &x, &x, &mask, p, scale, 1) == TOCHA_OK);
    CHECK(bytes_equal(&mask, want, n) && masked_ok(&x, &x0, want, n, scale));
    CHECK(tocha_dropout_backward(&x, &x, &mask, scale, 1) == TOCHA_OK); /* masked twice: x0 * mask * 4 */
    CHECK(masked_ok(&x, &x0, want, n, scale * scale));
    /* misaligned input and output: views one element into larger tensors */
    tocha_tensor big_in = vec(TOCHA_FLOAT, n + 1), big_out = vec(TOCHA_FLOAT, n + 1), in, out;
    tocha_tensor_init(&in, TOCHA_FLOAT);
    tocha_tensor_init(&out, TOCHA_FLOAT);
    fill(&big_in, n + 1, 1);
    CHECK(tocha_narrow(&in, &big_in, 0, 1, n) == TOCHA_OK && tocha_narrow(&out, &big_out, 0, 1, n) == TOCHA_OK);
    g = (tocha_rng){seed, offset};
    CHECK(tocha_dropout_forward(&g, &out, &in, &mask, p, scale, 1) == TOCHA_OK);
    CHECK(out.offset == 1 && bytes_equal(&mask, want, n) && masked_ok(&out, &in, want, n, scale));
    CHECK(tocha_dropout_backward(&out, &in, &mask, scale, 1) == TOCHA_OK);
    CHECK(out.offset == 1 && masked_ok(&out, &in, want, n, scale));
    tocha_tensor_release(&x);
    tocha_tensor_release(&x0);
    tocha_tensor_release(&mask);
    tocha_tensor_release(&big_in);
    tocha_tensor_release(&big_out);
    tocha_tensor_release(&in);
    tocha_tensor_release(&out);
  }
  free(want);

  /* transposed input (300 x 7 viewed as 7 x 300): element k in logical
   * order is masked by bit k; groups of 3 (SpatialDropout) by bit k / 3 */
  for (int a = 0; a < 3; a++) {
    if (tocha_dropout_set_isa(isas[a]) != TOCHA_OK) continue;
    for (int64_t group = 1; group <= 3; group += 2) {
      int64_t shape[2] = {300, 7}, n2 = 2100;
      tocha_tensor base, xt, y, mask;
      tocha_tensor_init(&base, TOCHA_DOUBLE);
      tocha_tensor_init(&xt, TOCHA_DOUBLE);
      tocha_tensor_init(&y, TOCHA_DOUBLE);
      tocha_tensor_init(&mask, TOCHA_BYTE);
      tocha_tensor_new(&base, TOCHA_DOUBLE, 2, shape);
      fill(&base, n2, 0);
      CHECK(tocha_transpose(&xt, &base, 0, 1) == TOCHA_OK);
      tocha_rng g = {seed, offset};
      CHECK(tocha_dropout_forward(&g, &y, &xt, &mask, 0.3, 2, group) == TOCHA_OK);
      CHECK(g.offset == offset + 16 * (uint64_t)((n2 / group + 127) / 128));
      uint8_t *wg = ref_mask(seed, offset, n2 / group, 0.3);
      CHECK(bytes_equal(&mask, wg, n2 / group));
      int ok = 1;
      for (int64_t i = 0; i < 7; i++)
        for (int64_t j = 0; j < 300; j++) {
          int64_t k = i * 300 + j;
          double xv = ((double *)tocha_tensor_data(&base))[j * 7 + i], yv = ((double *)tocha_tensor_data(&y))[k];
          if (yv != (bit(wg, k / group) ? xv * 2 : 0.0)) ok = 0;
        }
      CHECK(ok);
      free(wg);
      tocha_tensor_release(&base);
      tocha_tensor_release(&xt);
      tocha_tensor_release(&y);
      tocha_tensor_release(&mask);
    }
  }
  CHECK(tocha_dropout_set_isa(NULL) == TOCHA_OK);
}

/* The keep probability is T / 2^16 with T = ceil((1 - p) 2^16): over
 * 2^20 draws the kept fraction is within 5 sd of it for several p. */
static void test_statistics(void) {
  const int64_t n = 1 << 20;
  const double ps[] = {0.2, 0.5, 0.8, 0.1234};
  tocha_tensor x = vec(TOCHA_FLOAT, n), y = vec(TOCHA_FLOAT, 0), mask = vec(TOCHA_BYTE, 0);
  fill(&x, n, 0);
  for (int i = 0; i < 4; i++) {
    tocha_rng g = {1234 + (uint64_t)i, 0};
    CHECK(tocha_dropout_forward(&g, &y, &x, &mask, ps[i], 1, 1) == TOCHA_OK);
    const uint8_t *m = tocha_tensor_data(&mask);
    int64_t kept = 0;
    for (int64_t b = 0; b < n / 8; b++) kept += __builtin_popcount(m[b]);
    double q = ref_threshold(ps[i]) / 65536.0;
    CHECK(fabs(q - (1 - ps[i])) <= 1.0 / 65536);
    CHECK(fabs((double)kept - n * q) < 5 * sqrt(n * q * (1 - q)));
  }
  tocha_tensor_release(&x);
  tocha_tensor_release(&y);
  tocha_tensor_release(&mask);
}

static void test_isa_errors(void) {
  CHECK(tocha_dropout_set_isa("sse9") == TOCHA_EARG);
  CHECK(strstr(tocha_last_error()->message, "unknown instruction set 'sse9'") != NULL);
  CHECK(tocha_dropout_set_isa(NULL) == TOCHA_OK);
  const char *best = tocha_dropout_isa();
  CHECK(strcmp(best, "avx512") == 0 || strcmp(best, "avx2") == 0 || strcmp(best, "generic") == 0);
  printf("automatic instruction set: %s\n", best);
}

/* TOCHA_SIMD, read at the first use, caps the choice. */
static void test_env_cap(void) {
  setenv("TOCHA_SIMD", "avx2", 1);
  const char *isa = tocha_dropout_isa();
  CHECK(strcmp(isa, "avx2") == 0 || strcmp(isa, "generic") == 0);
  printf("TOCHA_SIMD=avx2: %s\n", isa);
  unsetenv("TOCHA_SIMD");
}

int main(void) {
  test_env_cap();
  test_isa_errors();
  test_against_reference();
  test_threads();
  test_layouts();
  test_statistics();
  return CHECK_REPORT();
}
