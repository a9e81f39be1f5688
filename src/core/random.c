/*
 * The random number generator: Philox4x32-10 and the tensor fills built on
 * it.  See src/tocha_random.h for the stream layout (which block and lane
 * feeds which element); everything here must keep to it.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tocha.h"
#include "../tocha_random.h"
#include "iter.h"
#include "result.h"

/* ---- Philox4x32-10 --------------------------------------------------- */

#define PHILOX_M0 UINT32_C(0xD2511F53)
#define PHILOX_M1 UINT32_C(0xCD9E8D57)
#define PHILOX_W0 UINT32_C(0x9E3779B9)
#define PHILOX_W1 UINT32_C(0xBB67AE85)
#define PHILOX_ROUNDS 10

void tocha_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
  uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
  uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < PHILOX_ROUNDS; r++) {
    if (r > 0) {
      k0 += PHILOX_W0;
      k1 += PHILOX_W1;
    }
    uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
    uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
    uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    c1 = (uint32_t)p1;
    c3 = (uint32_t)p0;
    c0 = n0;
    c2 = n2;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/* Blocks per batch: 64 blocks = 256 lanes = 1 KiB, comfortably in L1. */
#define BATCH 64

/* BATCH blocks block0 .. block0+BATCH-1 with counter word 2 = ctr2 into
 * out[4*j + lane].  Written lane-wise over fixed-size arrays so that the
 * rounds vectorise (32x32->64 multiplies) even under gcc -O2's cheap cost
 * model. */
static inline void philox_batch_full(uint64_t seed, uint64_t block0, uint32_t ctr2, uint32_t *out) {
  uint32_t c0[BATCH], c1[BATCH], c2[BATCH], c3[BATCH];
  uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
  for (int j = 0; j < BATCH; j++) {
    uint64_t b = block0 + (uint64_t)j;
    c0[j] = (uint32_t)b;
    c1[j] = (uint32_t)(b >> 32);
    c2[j] = ctr2;
    c3[j] = 0;
  }
  for (int r = 0; r < PHILOX_ROUNDS; r++) {
    if (r > 0) {
      k0 += PHILOX_W0;
      k1 += PHILOX_W1;
    }
    for (int j = 0; j < BATCH; j++) {
      uint64_t p0 = (uint64_t)PHILOX_M0 * c0[j];
      uint64_t p1 = (uint64_t)PHILOX_M1 * c2[j];
      uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1[j] ^ k0;
      uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3[j] ^ k1;
      c1[j] = (uint32_t)p1;
      c3[j] = (uint32_t)p0;
      c0[j] = n0;
      c2[j] = n2;
    }
  }
  for (int j = 0; j < BATCH; j++) {
    out[4 * j + 0] = c0[j];
    out[4 * j + 1] = c1[j];
    out[4 * j + 2] = c2[j];
    out[4 * j + 3] = c3[j];
  }
}

static void philox_block(uint64_t seed, uint64_t block, uint32_t ctr2, uint32_t out[4]);

/* Few blocks are cheaper one at a time than as a full batch. */
#define SMALL_BATCH 8

/* nb <= BATCH blocks of the main stream from block0 into out[4*j + lane];
 * out must hold 4 * BATCH values (the lanes past 4 * nb are scratch). */
static inline void philox_batch(uint64_t seed, uint64_t block0, int nb, uint32_t *out) {
  if (nb <= SMALL_BATCH) {
    for (int j = 0; j < nb; j++) philox_block(seed, block0 + (uint64_t)j, 0, out + 4 * j);
  } else {
    philox_batch_full(seed, block0, 0, out);
  }
}

void tocha_philox4x32_batch(uint64_t seed, uint64_t first_block, size_t nblocks, uint32_t *out) {
  uint32_t tail[4 * BATCH];
  for (; nblocks >= BATCH; nblocks -= BATCH, first_block += BATCH, out += 4 * BATCH)
    philox_batch_full(seed, first_block, 0, out);
  if (nblocks > 0) {
    philox_batch(seed, first_block, (int)nblocks, tail);
    memcpy(out, tail, 4 * nblocks * sizeof *out);
  }
}

/* One block, with counter word 2 = ctr2 (0 for the main stream, k for the
 * k-th retry). */
static void philox_block(uint64_t seed, uint64_t block, uint32_t ctr2, uint32_t out[4]) {
  const uint32_t ctr[4] = {(uint32_t)block, (uint32_t)(block >> 32), ctr2, 0};
  const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  tocha_philox4x32(ctr, key, out);
}

/* ---- seeding and scalar draws --------------------------------------- */

void tocha_rng_seed(tocha_rng *g, uint64_t seed) {
  g->seed = seed;
  g->offset = 0;
}

static uint64_t splitmix64(uint64_t x) {
  x += UINT64_C(0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
  return x ^ (x >> 31);
}

uint64_t tocha_entropy_seed(void) {
  uint64_t seed = 0;
  FILE *f = fopen("/dev/urandom", "rb");
  if (f) {
    unsigned char bytes[8];
    size_t got = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    if (got == sizeof bytes) {
      for (int k = 0; k < 8; k++) seed = seed << 8 | bytes[k];
      return seed;
    }
  }
  /* Fallback: wall clock, processor time, an address (ASLR) and a counter
   * so that successive calls differ. */
  static uint64_t calls;
  int local = 0;
  seed = splitmix64((uint64_t)time(NULL));
  seed = splitmix64(seed ^ (uint64_t)clock());
  seed = splitmix64(seed ^ (uint64_t)(uintptr_t)&local);
  seed = splitmix64(seed ^ ++calls);
  return seed;
}

static inline uint64_t u64_of(uint32_t lo, uint32_t hi) { return (uint64_t)lo | (uint64_t)hi << 32; }

/* [0, 1) from 53 bits */
static inline double u53_of(uint32_t lo, uint32_t hi) { return (double)(u64_of(lo, hi) >> 11) * 0x1p-53; }

static const double TWO_PI = 6.283185307179586476925286766559;

/* Box-Muller radius and angle of one block. */
static inline void box_muller(const uint32_t *x, double *r, double *theta) {
  double u1 = (double)((u64_of(x[0], x[1]) >> 11) + 1) * 0x1p-53; /* (0, 1] */
  *r = sqrt(-2.0 * log(u1));
  *theta = TWO_PI * u53_of(x[2], x[3]);
}

static void next_block(tocha_rng *g, uint32_t x[4]) {
  philox_block(g->seed, g->offset, 0, x);
  g->offset++;
}

uint32_t tocha_rng_u32(tocha_rng *g) {
  uint32_t x[4];
  next_block(g, x);
  return x[0];
}

uint64_t tocha_rng_u64(tocha_rng *g) {
  uint32_t x[4];
  next_block(g, x);
  return u64_of(x[0], x[1]);
}

double tocha_rng_double(tocha_rng *g) {
  uint32_t x[4];
  next_block(g, x);
  return u53_of(x[0], x[1]);
}

double tocha_rng_normal(tocha_rng *g) {
  uint32_t x[4];
  double r, theta;
  next_block(g, x);
  box_muller(x, &r, &theta);
  return r * cos(theta);
}

/* ---- bounded integers (Lemire, with counter-based retries) ----------- */

/* Uniform on [0, r) from the 32-bit draw x taken from lane `lane` of block
 * `block`; 1 <= r <= 2^32.  Retries use counter word 2 = 1, 2, ... */
static uint64_t bounded32(uint32_t x, uint64_t r, uint64_t seed, uint64_t block, unsigned lane) {
  if (r == UINT64_C(1) << 32) return x;
  uint32_t r32 = (uint32_t)r;
  uint64_t m = (uint64_t)x * r32;
  uint32_t l = (uint32_t)m;
  if (l < r32) {
    uint32_t t = (uint32_t)(0u - r32) % r32; /* 2^32 mod r */
    uint32_t k = 1;
    while (l < t) {
      uint32_t y[4];
      philox_block(seed, block, k++, y);
      m = (uint64_t)y[lane] * r32;
      l = (uint32_t)m;
    }
  }
  return m >> 32;
}

/* 64x64 -> 128 multiply: returns the high half, *lo the low half. */
static inline uint64_t mulhilo64(uint64_t a, uint64_t b, uint64_t *lo) {
  uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
  *lo = (mid << 32) | (uint32_t)p00;
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* Uniform on [0, r) from the 64-bit draw x = u64(lane, lane+1) of block
 * `block`; r == 0 stands for 2^64. */
static uint64_t bounded64(uint64_t x, uint64_t r, uint64_t seed, uint64_t block, unsigned lane) {
  if (r == 0) return x;
  uint64_t l, h = mulhilo64(x, r, &l);
  if (l < r) {
    uint64_t t = (0 - r) % r; /* 2^64 mod r */
    uint32_t k = 1;
    while (l < t) {
      uint32_t y[4];
      philox_block(seed, block, k++, y);
      h = mulhilo64(u64_of(y[lane], y[lane + 1]), r, &l);
    }
  }
  return h;
}

/* lo + v without signed overflow (the result is known to fit). */
static inline int64_t add_offset(int64_t lo, uint64_t v) {
  uint64_t u = (uint64_t)lo + v;
  return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(UINT64_MAX - u) - 1;
}

/* ---- fills ------------------------------------------------------------ */

typedef enum fill_kind {
  FILL_UNIFORM,
  FILL_NORMAL,
  FILL_BERNOULLI,
  FILL_INT32,
  FILL_INT64,
  FILL_EXPONENTIAL, /* -log(1 - u) / a                    (u = u53 of two lanes) */
  FILL_CAUCHY,      /* a + w tan(pi (u - 1/2)) */
  FILL_GEOMETRIC    /* floor(log(1 - u) / log p) + 1, capped at dhi */
} fill_kind;

typedef struct fill_params {
  fill_kind kind;
  tocha_dtype dtype;
  uint64_t seed;
  /* uniform: value = a + w * u, or 2 * (a/2 + w * u) when halve (b - a overflows) */
  double a, w;
  int halve;
  double dlo, dhi; /* Double clamp */
  float flo, fhi;  /* Float clamp */
  /* normal (and log-normal: exp of it) */
  double mean, stdv;
  int lognormal;
  /* bernoulli: x < thr32, or always when all */
  uint32_t thr32;
  uint32_t all;
  /* random_int: lo + uniform on [0, range); range 0 means 2^64 (FILL_INT64) */
  int64_t lo;
  uint64_t range;
} fill_params;

/* Elements per block. */
static int elems_per_block(const fill_params *p) {
  switch (p->kind) {
    case FILL_UNIFORM: return p->dtype == TOCHA_FLOAT ? 4 : 2;
    case FILL_NORMAL: return 2;
    case FILL_INT64: return 2;
    case FILL_EXPONENTIAL:
    case FILL_CAUCHY:
    case FILL_GEOMETRIC: return 2;
    default: return 4;
  }
}

/* A loop over the m elements; a full batch (m == FULL) gets a constant trip
 * count so that gcc -O2 vectorises it. */
#define LOOP_M(FULL, BODY)                                            \
  do {                                                                \
    if (m == (FULL)) {                                                \
      for (int64_t j = 0; j < (FULL); j++) { BODY; }                  \
    } else {                                                          \
      for (int64_t j = 0; j < m; j++) { BODY; }                       \
    }                                                                 \
  } while (0)

/* Converts m elements.  lanes[] holds whole blocks, lanes[0] being lane 0 of
 * block `block0`; the first element's draw starts at lanes[first]. */
static void convert(const fill_params *p, const uint32_t *lanes, unsigned first, int64_t m, void *out,
                    uint64_t block0) {
  const uint32_t *x = lanes + first;
  switch (p->kind) {
    case FILL_UNIFORM:
      if (p->dtype == TOCHA_FLOAT) {
        float *o = out;
        const double a = p->a, w = p->w;
        const float flo = p->flo, fhi = p->fhi;
        LOOP_M(4 * BATCH, {
          double u = (double)(int32_t)(x[j] >> 8) * 0x1p-24;
          float v = (float)(a + w * u);
          v = v < flo ? flo : v;
          o[j] = v > fhi ? fhi : v;
        });
      } else {
        double *o = out;
        const double a = p->a, w = p->w, dlo = p->dlo, dhi = p->dhi;
        if (!p->halve) {
          LOOP_M(2 * BATCH, {
            double v = a + w * u53_of(x[2 * j], x[2 * j + 1]);
            v = v < dlo ? dlo : v;
            o[j] = v > dhi ? dhi : v;
          });
        } else {
          const double ha = 0.5 * a;
          for (int64_t j = 0; j < m; j++) {
            double v = 2.0 * (ha + w * u53_of(x[2 * j], x[2 * j + 1]));
            v = v < dlo ? dlo : v;
            o[j] = v > dhi ? dhi : v;
          }
        }
      }
      break;

    case FILL_NORMAL: {
      /* element j sits in block (first + 2j) / 4, odd half if (first + 2j) & 2 */
      const double mean = p->mean, stdv = p->stdv;
      const uint32_t *blk = lanes + (first & ~3u);
      int64_t j = 0;
      double r, th;
#define NV(v) (p->lognormal ? exp(v) : (v))
#define PUT_NORMAL(T)                                                  \
  do {                                                                 \
    T *o = out;                                                        \
    if ((first & 2) && m > 0) { /* starts on the odd (sin) element */  \
      box_muller(blk, &r, &th);                                        \
      o[j++] = (T)NV(mean + stdv * (r * sin(th)));                     \
      blk += 4;                                                        \
    }                                                                  \
    for (; j + 1 < m; j += 2, blk += 4) {                              \
      box_muller(blk, &r, &th);                                        \
      o[j] = (T)NV(mean + stdv * (r * cos(th)));                       \
      o[j + 1] = (T)NV(mean + stdv * (r * sin(th)));                   \
    }                                                                  \
    if (j < m) {                                                       \
      box_muller(blk, &r, &th);                                        \
      o[j] = (T)NV(mean + stdv * (r * cos(th)));                       \
    }                                                                  \
  } while (0)
      if (p->dtype == TOCHA_FLOAT)
        PUT_NORMAL(float);
      else
        PUT_NORMAL(double);
#undef PUT_NORMAL
#undef NV
      break;
    }

    case FILL_EXPONENTIAL:
    case FILL_CAUCHY:
    case FILL_GEOMETRIC: {
      const double a = p->a, w = p->w, cap = p->dhi;
      const fill_kind kind = p->kind;
#define PUT_CONTINUOUS(T, TT)                                                      \
  do {                                                                             \
    T *o = out;                                                                    \
    for (int64_t j = 0; j < m; j++) {                                              \
      double u = u53_of(x[2 * j], x[2 * j + 1]), v;                                \
      if (kind == FILL_EXPONENTIAL) {                                              \
        v = -log1p(-u) / a;                                                        \
      } else if (kind == FILL_CAUCHY) {                                            \
        v = a + w * tan(3.14159265358979323846 * (u - 0.5));                       \
      } else {                                                                     \
        v = floor(log1p(-u) / w) + 1;                                              \
        v = v < cap ? v : cap;                                                     \
      }                                                                            \
      o[j] = (T)v;                                                                 \
    }                                                                              \
  } while (0);
      TOCHA_DISPATCH_ALL(p->dtype, PUT_CONTINUOUS)
#undef PUT_CONTINUOUS
      break;
    }

    case FILL_BERNOULLI: {
      const uint32_t thr = p->thr32, all = p->all;
#define PUT_BERNOULLI(T, TT)                                                    \
  do {                                                                          \
    T *o = out;                                                                 \
    LOOP_M(4 * BATCH, o[j] = (T)((uint32_t)(x[j] < thr) | all));                \
  } while (0);
      TOCHA_DISPATCH_ALL(p->dtype, PUT_BERNOULLI)
#undef PUT_BERNOULLI
      break;
    }

    case FILL_INT32: {
      const uint64_t r = p->range, seed = p->seed;
      const int64_t lo = p->lo;
#define PUT_INT32(T, TT)                                                        \
  do {                                                                          \
    T *o = out;                                                                 \
    for (int64_t j = 0; j < m; j++) {                                           \
      unsigned idx = first + (unsigned)j;                                       \
      uint64_t v = bounded32(x[j], r, seed, block0 + idx / 4, idx % 4);         \
      o[j] = (T)add_offset(lo, v);                                              \
    }                                                                           \
  } while (0);
      TOCHA_DISPATCH_ALL(p->dtype, PUT_INT32)
#undef PUT_INT32
      break;
    }

    case FILL_INT64: {
      const uint64_t r = p->range, seed = p->seed;
      const int64_t lo = p->lo;
#define PUT_INT64(T, TT)                                                        \
  do {                                                                          \
    T *o = out;                                                                 \
    for (int64_t j = 0; j < m; j++) {                                           \
      unsigned idx = first + 2 * (unsigned)j;                                   \
      uint64_t v = bounded64(u64_of(x[2 * j], x[2 * j + 1]), r, seed,           \
                             block0 + idx / 4, idx % 4);                        \
      o[j] = (T)add_offset(lo, v);                                              \
    }                                                                           \
  } while (0);
      TOCHA_DISPATCH_ALL(p->dtype, PUT_INT64)
#undef PUT_INT64
      break;
    }
  }
}

/* Writes elements e .. e+count-1 of the fill (stream starting at block
 * `offset`) contiguously into out.  Any e works (a start inside a block
 * skips its first lanes); run_fill only passes multiples of CHUNK. */
static void generate(const fill_params *p, uint64_t offset, uint64_t e, int64_t count, char *out) {
  const unsigned epb = (unsigned)elems_per_block(p), lpe = 4 / epb; /* lanes per element */
  const size_t esz = tocha_dtype_size(p->dtype);
  uint64_t block = offset + e / epb;
  unsigned first = (unsigned)(e % epb) * lpe;
  uint32_t lanes[4 * BATCH];
  while (count > 0) {
    uint64_t need = ((uint64_t)first + (uint64_t)count * lpe + 3) / 4; /* blocks */
    int nb = need < BATCH ? (int)need : BATCH;
    int64_t m = (int64_t)((4u * (unsigned)nb - first) / lpe);
    if (m > count) m = count;
    philox_batch(p->seed, block, nb, lanes);
    convert(p, lanes, first, m, out, block);
    out += (size_t)m * esz;
    count -= m;
    block += (uint64_t)nb;
    first = 0;
  }
}

/* Elements generated at a time for a non-contiguous tensor. */
#define CHUNK 1024

/* Runs the fill described by p over t and advances g. */
static void run_fill(tocha_rng *g, tocha_tensor *t, fill_params *p) {
  int64_t n = tocha_tensor_nelement(t);
  if (n <= 0) return;
  const uint64_t epb = (uint64_t)elems_per_block(p);
  p->seed = g->seed;
  if (tocha_tensor_is_contiguous(t)) {
    generate(p, g->offset, 0, n, tocha_tensor_data(t));
  } else {
    /* Generate logical chunks and scatter them along the strided runs. */
    union { double d; int64_t l; float f; uint8_t b; } buf[CHUNK];
    const size_t esz = tocha_dtype_size(t->dtype);
    tocha_iter it;
    const tocha_tensor *ops[1] = {t};
    uint64_t e = 0;
    int64_t have = 0, pos = 0;
    tocha_iter_init(&it, 1, ops);
    while (tocha_iter_next(&it)) {
      char *dst = it.ptr[0];
      const int64_t st = it.inner_stride[0] * (int64_t)esz;
      int64_t left = it.inner_n;
      while (left > 0) {
        if (pos == have) {
          have = (int64_t)((uint64_t)n - e) < CHUNK ? (int64_t)((uint64_t)n - e) : CHUNK;
          generate(p, g->offset, e, have, (char *)buf);
          e += (uint64_t)have;
          pos = 0;
        }
        int64_t k = have - pos < left ? have - pos : left;
        const char *src = (const char *)buf + (size_t)pos * esz;
        switch (esz) {
          case 1:
            for (int64_t j = 0; j < k; j++) dst[j * st] = src[j];
            break;
          case 2:
            for (int64_t j = 0; j < k; j++) memcpy(dst + j * st, src + 2 * j, 2);
            break;
          case 4:
            for (int64_t j = 0; j < k; j++) memcpy(dst + j * st, src + 4 * j, 4);
            break;
          default:
            for (int64_t j = 0; j < k; j++) memcpy(dst + j * st, src + 8 * j, 8);
            break;
        }
        dst += k * st;
        pos += k;
        left -= k;
      }
    }
  }
  g->offset += ((uint64_t)n + epb - 1) / epb;
}

/* ---- argument checks ------------------------------------------------- */

/* Shortest "%g" form that reads back as x. */
static const char *num(char *buf, size_t len, double x) {
  if (isnan(x)) {
    snprintf(buf, len, "nan");
    return buf;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, len, "%.*g", prec, x);
    if (prec == 17 || strtod(buf, NULL) == x) break;
  }
  return buf;
}

static tocha_status check_finite(const char *name, double x, int arg) {
  char s[40];
  if (!isfinite(x)) return tocha_fail(TOCHA_EARG, arg, "expected a finite %s, got %s=%s", name, name, num(s, sizeof s, x));
  return TOCHA_OK;
}

static tocha_status check_dtype(const tocha_tensor *t, int floating_only) {
  if ((int)t->dtype < 0 || t->dtype >= TOCHA_NTYPES)
    return tocha_fail(TOCHA_ETYPE, 1, "unknown element type %d", (int)t->dtype);
  if (floating_only && t->dtype != TOCHA_FLOAT && t->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, 1, "expected a Float or Double tensor, got a %s tensor",
                      tocha_dtype_name(t->dtype));
  return TOCHA_OK;
}

/* ---- public fills ------------------------------------------------------ */

tocha_status tocha_uniform(tocha_rng *g, tocha_tensor *t, double a, double b) {
  char sa[40], sb[40];
  tocha_status st = check_dtype(t, 1);
  if (!st) st = check_finite("a", a, 2);
  if (!st) st = check_finite("b", b, 3);
  if (st) return st;
  if (a > b)
    return tocha_fail(TOCHA_EARG, 3, "expected a <= b, got a=%s b=%s", num(sa, sizeof sa, a), num(sb, sizeof sb, b));
  fill_params p;
  memset(&p, 0, sizeof p);
  p.kind = FILL_UNIFORM;
  p.dtype = t->dtype;
  p.a = a;
  p.w = b - a;
  if (t->dtype == TOCHA_FLOAT) {
    if (fabs(a) > FLT_MAX)
      return tocha_fail(TOCHA_EARG, 2, "a=%s is beyond the range of a Float tensor", num(sa, sizeof sa, a));
    if (fabs(b) > FLT_MAX)
      return tocha_fail(TOCHA_EARG, 3, "b=%s is beyond the range of a Float tensor", num(sb, sizeof sb, b));
    /* The floats in [a, b): from the least float >= a to the greatest < b. */
    float flo = (float)a, fhi = (float)b;
    if ((double)flo < a) flo = nextafterf(flo, INFINITY);
    if ((double)fhi >= b) fhi = nextafterf(fhi, -INFINITY);
    if (flo > fhi) flo = fhi = (float)a; /* none (a == b, or a tiny interval) */
    p.flo = flo;
    p.fhi = fhi;
  } else {
    if (!isfinite(p.w)) { /* b - a overflows: work on halves */
      p.halve = 1;
      p.w = 0.5 * b - 0.5 * a;
    }
    p.dlo = a;
    p.dhi = a < b ? nextafter(b, -INFINITY) : a;
  }
  run_fill(g, t, &p);
  return TOCHA_OK;
}

tocha_status tocha_normal(tocha_rng *g, tocha_tensor *t, double mean, double stdv) {
  char s[40];
  tocha_status st = check_dtype(t, 1);
  if (!st) st = check_finite("mean", mean, 2);
  if (!st) st = check_finite("stdv", stdv, 3);
  if (st) return st;
  if (stdv < 0) return tocha_fail(TOCHA_EARG, 3, "expected stdv >= 0, got stdv=%s", num(s, sizeof s, stdv));
  fill_params p;
  memset(&p, 0, sizeof p);
  p.kind = FILL_NORMAL;
  p.dtype = t->dtype;
  p.mean = mean;
  p.stdv = stdv;
  run_fill(g, t, &p);
  return TOCHA_OK;
}

tocha_status tocha_bernoulli(tocha_rng *g, tocha_tensor *t, double p_) {
  char s[40];
  tocha_status st = check_dtype(t, 0);
  if (st) return st;
  if (!(p_ >= 0 && p_ <= 1)) /* also NaN */
    return tocha_fail(TOCHA_EARG, 2, "expected 0 <= p <= 1, got p=%s", num(s, sizeof s, p_));
  fill_params p;
  memset(&p, 0, sizeof p);
  p.kind = FILL_BERNOULLI;
  p.dtype = t->dtype;
  double thr = ceil(p_ * 0x1p32); /* exact: p_ * 2^32 only rescales */
  if (thr >= 0x1p32) {
    p.all = 1;
  } else {
    p.thr32 = (uint32_t)thr;
  }
  run_fill(g, t, &p);
  return TOCHA_OK;
}

tocha_status tocha_random_int(tocha_rng *g, tocha_tensor *t, int64_t lo, int64_t hi) {
  tocha_status st = check_dtype(t, 0);
  if (st) return st;
  if (lo > hi)
    return tocha_fail(TOCHA_EARG, 3, "expected lo <= hi, got lo=%lld hi=%lld", (long long)lo, (long long)hi);
  int64_t min = INT64_MIN, max = INT64_MAX;
  switch (t->dtype) {
    case TOCHA_BYTE: min = 0; max = 255; break;
    case TOCHA_INT: min = INT32_MIN; max = INT32_MAX; break;
    case TOCHA_SHORT: min = INT16_MIN; max = INT16_MAX; break;
    case TOCHA_CHAR: min = INT8_MIN; max = INT8_MAX; break;
    case TOCHA_FLOAT: max = INT64_C(1) << 24; min = -max; break;
    case TOCHA_DOUBLE: max = INT64_C(1) << 53; min = -max; break;
    default: break;
  }
  if (lo < min || lo > max)
    return tocha_fail(TOCHA_EARG, 2, "lo=%lld is out of range for a %s tensor (%lld..%lld)", (long long)lo,
                      tocha_dtype_name(t->dtype), (long long)min, (long long)max);
  if (hi < min || hi > max)
    return tocha_fail(TOCHA_EARG, 3, "hi=%lld is out of range for a %s tensor (%lld..%lld)", (long long)hi,
                      tocha_dtype_name(t->dtype), (long long)min, (long long)max);
  fill_params p;
  memset(&p, 0, sizeof p);
  p.dtype = t->dtype;
  p.lo = lo;
  p.range = (uint64_t)hi - (uint64_t)lo + 1; /* 0 means 2^64 */
  p.kind = p.range != 0 && p.range <= UINT64_C(1) << 32 ? FILL_INT32 : FILL_INT64;
  run_fill(g, t, &p);
  return TOCHA_OK;
}

tocha_status tocha_exponential(tocha_rng *g, tocha_tensor *t, double lambda) {
  char s[40];
  tocha_status st = check_dtype(t, 1);
  if (!st) st = check_finite("lambda", lambda, 2);
  if (st) return st;
  if (!(lambda > 0)) return tocha_fail(TOCHA_EARG, 2, "expected lambda > 0, got lambda=%s", num(s, sizeof s, lambda));
  fill_params p;
  memset(&p, 0, sizeof p);
  p.kind = FILL_EXPONENTIAL;
  p.dtype = t->dtype;
  p.a = lambda;
  run_fill(g, t, &p);
  return TOCHA_OK;
}

tocha_status tocha_cauchy(tocha_rng *g, tocha_tensor *t, double median, double sigma) {
  char s[40];
  tocha_status st = check_dtype(t, 1);
  if (!st) st = check_finite("median", median, 2);
  if (!st) st = check_finite("sigma", sigma, 3);
  if (st) return st;
  if (!(sigma > 0)) return tocha_fail(TOCHA_EARG, 3, "expected sigma > 0, got sigma=%s", num(s, sizeof s, sigma));
  fill_params p;
  memset(&p, 0, sizeof p);
  p.kind = FILL_CAUCHY;
  p.dtype = t->dtype;
  p.a = median;
  p.w = sigma;
  run_fill(g, t, &p);
  return TOCHA_OK;
}

tocha_status tocha_log_normal(tocha_rng *g, tocha_tensor *t, double mean, double stdv) {
  char s[40];
  tocha_status st = check_dtype(t, 1);
  if (!st) st = check_finite("mean", mean, 2);
  if (!st) st = check_finite("stdv", stdv, 3);
  if (st) return st;
  if (!(stdv > 0)) return tocha_fail(TOCHA_EARG, 3, "expected stdv > 0, got stdv=%s", num(s, sizeof s, stdv));
  fill_params p;
  memset(&p, 0, sizeof p);
  p.kind = FILL_NORMAL;
  p.lognormal = 1;
  p.dtype = t->dtype;
  p.mean = mean;
  p.stdv = stdv;
  run_fill(g, t, &p);
  return TOCHA_OK;
}

tocha_status tocha_geometric(tocha_rng *g, tocha_tensor *t, double p_) {
  char s[40];
  tocha_status st = check_dtype(t, 0);
  if (st) return st;
  if (t->dtype != TOCHA_FLOAT && t->dtype != TOCHA_DOUBLE && t->dtype != TOCHA_LONG)
    return tocha_fail(TOCHA_ETYPE, 1, "expected a Float, Double or Long tensor, got a %s tensor",
                      tocha_dtype_name(t->dtype));
  if (!(p_ > 0 && p_ < 1)) return tocha_fail(TOCHA_EARG, 2, "expected 0 < p < 1, got p=%s", num(s, sizeof s, p_));
  fill_params p;
  memset(&p, 0, sizeof p);
  p.kind = FILL_GEOMETRIC;
  p.dtype = t->dtype;
  p.w = log(p_);
  /* the largest value the type holds exactly (2^62 for Long: any value of
   * 53-bit uniforms fits far below it) */
  p.dhi = t->dtype == TOCHA_FLOAT ? 0x1p24 : t->dtype == TOCHA_DOUBLE ? 0x1p53 : 0x1p62;
  run_fill(g, t, &p);
  return TOCHA_OK;
}

/* ---- randperm ---------------------------------------------------------- */

tocha_status tocha_randperm(tocha_rng *g, tocha_tensor *out, int64_t n, tocha_dtype dtype) {
  if (n < 0) return tocha_fail(TOCHA_EARG, 1, "expected n >= 0, got n=%lld", (long long)n);
  if ((int)dtype < 0 || dtype >= TOCHA_NTYPES)
    return tocha_fail(TOCHA_ETYPE, 2, "unknown element type %d", (int)dtype);
  int64_t max = INT64_MAX;
  switch (dtype) {
    case TOCHA_BYTE: max = 256; break;
    case TOCHA_INT: max = INT64_C(1) << 31; break;
    case TOCHA_SHORT: max = INT64_C(1) << 15; break;
    case TOCHA_CHAR: max = INT64_C(1) << 7; break;
    case TOCHA_FLOAT: max = INT64_C(1) << 24; break;
    case TOCHA_DOUBLE: max = INT64_C(1) << 53; break;
    default: break;
  }
  if (n > max)
    return tocha_fail(TOCHA_EARG, 1, "n=%lld is too large for a %s tensor (at most %lld)", (long long)n,
                      tocha_dtype_name(dtype), (long long)max);
  if (n == 0) {
    tocha_tensor_release(out);
    tocha_tensor_init(out, dtype);
    return TOCHA_OK;
  }
  /* The shuffle works on a contiguous array: out itself when it is one of
   * type dtype (a right-sized view keeps its geometry: the permutation
   * lands in its elements), else a temporary.  Another type: a new tensor
   * that replaces out at the end. */
  tocha_tensor other;
  tocha_tensor_init(&other, dtype);
  tocha_tensor *target = out->dtype == dtype ? out : &other;
  tocha_result res;
  tocha_status st = tocha_result_begin(&res, target, 1, &n, TOCHA_RESULT_CONTIGUOUS, NULL, 0);
  if (st) return tocha_result_end(&res, st);
  void *data = tocha_tensor_data(res.dst);
  const uint64_t seed = g->seed, offset = g->offset;
  const int wide = (uint64_t)n > UINT64_C(1) << 32; /* 64-bit draws */
  const uint64_t epb = wide ? 2 : 4, steps = (uint64_t)n - 1;
#define SHUFFLE(T, TT)                                                                 \
  do {                                                                                 \
    T *a = data;                                                                       \
    uint32_t lanes[4 * BATCH];                                                         \
    for (int64_t i = 0; i < n; i++) a[i] = (T)i;                                       \
    for (uint64_t k0 = 0; k0 < steps; k0 += epb * BATCH) {                             \
      uint64_t blk = offset + k0 / epb;                                                \
      uint64_t kn = steps - k0 < epb * BATCH ? steps - k0 : epb * BATCH;               \
      philox_batch(seed, blk, (int)((kn + epb - 1) / epb), lanes);                  \
      for (uint64_t k = 0; k < kn; k++) {                                              \
        uint64_t i = (uint64_t)n - 1 - (k0 + k), j;                                    \
        if (wide) {                                                                    \
          unsigned idx = 2 * (unsigned)k;                                              \
          j = bounded64(u64_of(lanes[idx], lanes[idx + 1]), i + 1, seed, blk + idx / 4, \
                        idx % 4);                                                      \
        } else {                                                                       \
          j = bounded32(lanes[k], i + 1, seed, blk + k / 4, (unsigned)(k % 4));        \
        }                                                                              \
        T tmp = a[i];                                                                  \
        a[i] = a[j];                                                                   \
        a[j] = tmp;                                                                    \
      }                                                                                \
    }                                                                                  \
  } while (0);
  TOCHA_DISPATCH_ALL(dtype, SHUFFLE)
#undef SHUFFLE
  g->offset = offset + (steps + epb - 1) / epb;
  st = tocha_result_end(&res, TOCHA_OK); /* same size: cannot fail */
  if (target == &other) {
    tocha_tensor_release(out);
    *out = other;
  }
  return st;
}
