/*
 * bench_dropout: tocha's dropout kernel (the C core) against the machine's
 * own limit for the same memory traffic, measured in the same run by a
 * small stream kernel; and tocha's threads next to OpenBLAS's.
 *
 *   bench_dropout [repetitions]
 *   bench_dropout --stream-samples n repetitions threads
 *
 * The stream kernels do the dropout's memory traffic with no random numbers
 * (AVX-512 where the CPU has it, else SSE2):
 *   forward:  read n float32 x, write y = x * 2 and a mask of n bits (x > 0);
 *   backward: read n float32 g and n mask bits, write y = bit ? g * 2 : 0;
 * with ordinary stores and with non-temporal (streaming) stores, over 1 or
 * 2 threads (contiguous halves, a barrier around each call).  The limit of
 * a shape is the faster of the two store kinds.
 *
 * First form: for 1M and 16M float32 elements and 1 and 2 threads, the
 * limit kernels and tocha_dropout_forward / tocha_dropout_backward (p = 0.5,
 * training, preallocated output and mask) alternate in one loop (both
 * orders in turn); every timed call is the second of two identical calls
 * (the steady state of repeated calls); figures are medians over pairs of
 * repetitions, one in each order.  Prints markdown table rows: "STREAM | ..." (the limits),
 * "ROW | ..." (tocha as a fraction of the limit), "SPEEDUP | ..." (2
 * threads / 1), and "PLAY | ..." (see interplay()).
 * Second form: only the limit kernels, in the pattern bench_dropout.lua
 * uses: "SAMPLE stream_fwd <ms>" and "SAMPLE stream_bwd <ms>" per
 * repetition, for bench/run_dropout.sh to alternate with the Lua benchmark.
 * With BENCH_DROPOUT_SAMPLES set, the first form also prints every sample
 * on stderr.
 */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tocha.h"
#include "core/threads.h"

#ifdef BENCH_OPENMP
#include <omp.h>
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BENCH_X86 1
#endif

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(const double *v, int n) {
  double *s = malloc(sizeof *s * (size_t)n);
  if (!s) exit(1);
  memcpy(s, v, sizeof *s * (size_t)n);
  qsort(s, (size_t)n, sizeof *s, compare);
  double m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  free(s);
  return m;
}

static void die(const char *what) {
  fprintf(stderr, "bench_dropout: %s: %s\n", what, tocha_last_error()->message);
  exit(1);
}

#define MAX_REPS 1000

/* ---- the stream kernels --------------------------------------------------- */

/* Elements [0, n) of one thread's part; n a multiple of 16, arrays 64-byte
 * aligned, bits 2 bytes per 16 elements. */
typedef void (*stream_fn)(float *y, const float *x, uint8_t *bits, size_t n, int nt);

#ifdef BENCH_X86
__attribute__((target("avx512f,avx512bw"))) static void fwd_avx512(float *y, const float *x, uint8_t *bits,
                                                                    size_t n, int nt) {
  const __m512 two = _mm512_set1_ps(2), zero = _mm512_setzero_ps();
  for (size_t i = 0; i < n; i += 16) {
    __m512 v = _mm512_load_ps(x + i);
    uint16_t k = (uint16_t)_mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ);
    memcpy(bits + i / 8, &k, 2);
    if (nt)
      _mm512_stream_ps(y + i, _mm512_mul_ps(v, two));
    else
      _mm512_store_ps(y + i, _mm512_mul_ps(v, two));
  }
  if (nt) _mm_sfence();
}

__attribute__((target("avx512f,avx512bw"))) static void bwd_avx512(float *y, const float *x, uint8_t *bits,
                                                                    size_t n, int nt) {
  const __m512 two = _mm512_set1_ps(2);
  for (size_t i = 0; i < n; i += 16) {
    uint16_t k;
    memcpy(&k, bits + i / 8, 2);
    __m512 v = _mm512_maskz_mul_ps((__mmask16)k, _mm512_load_ps(x + i), two);
    if (nt)
      _mm512_stream_ps(y + i, v);
    else
      _mm512_store_ps(y + i, v);
  }
  if (nt) _mm_sfence();
}

/* SSE2 (every x86-64) for CPUs without AVX-512. */
static void fwd_sse2(float *y, const float *x, uint8_t *bits, size_t n, int nt) {
  const __m128 two = _mm_set1_ps(2), zero = _mm_setzero_ps();
  for (size_t i = 0; i < n; i += 8) {
    __m128 a = _mm_load_ps(x + i), b = _mm_load_ps(x + i + 4);
    bits[i / 8] = (uint8_t)(_mm_movemask_ps(_mm_cmpgt_ps(a, zero)) | _mm_movemask_ps(_mm_cmpgt_ps(b, zero)) << 4);
    if (nt) {
      _mm_stream_ps(y + i, _mm_mul_ps(a, two));
      _mm_stream_ps(y + i + 4, _mm_mul_ps(b, two));
    } else {
      _mm_store_ps(y + i, _mm_mul_ps(a, two));
      _mm_store_ps(y + i + 4, _mm_mul_ps(b, two));
    }
  }
  if (nt) _mm_sfence();
}

static void bwd_sse2(float *y, const float *x, uint8_t *bits, size_t n, int nt) {
  const __m128 two = _mm_set1_ps(2);
  const __m128i sel = _mm_setr_epi32(1, 2, 4, 8);
  for (size_t i = 0; i < n; i += 4) {
    __m128i k = _mm_set1_epi32((bits[i / 8] >> (i % 8)) & 0xF);
    __m128 m = _mm_castsi128_ps(_mm_cmpeq_epi32(_mm_and_si128(k, sel), sel));
    __m128 v = _mm_and_ps(m, _mm_mul_ps(_mm_load_ps(x + i), two));
    if (nt)
      _mm_stream_ps(y + i, v);
    else
      _mm_store_ps(y + i, v);
  }
  if (nt) _mm_sfence();
}
#endif

/* Plain C (other architectures; ordinary stores only). */
static void fwd_c(float *y, const float *x, uint8_t *bits, size_t n, int nt) {
  (void)nt;
  for (size_t i = 0; i < n; i += 8) {
    unsigned b = 0;
    for (int k = 0; k < 8; k++) {
      y[i + (size_t)k] = x[i + (size_t)k] * 2;
      b |= (unsigned)(x[i + (size_t)k] > 0) << k;
    }
    bits[i / 8] = (uint8_t)b;
  }
}

static void bwd_c(float *y, const float *x, uint8_t *bits, size_t n, int nt) {
  (void)nt;
  for (size_t i = 0; i < n; i++) y[i] = (bits[i / 8] >> (i % 8)) & 1 ? x[i] * 2 : 0.0f;
}

static stream_fn stream_fwd = fwd_c, stream_bwd = bwd_c;
static const char *stream_isa = "C";
static int stream_has_nt;

static void pick_stream_kernels(void) {
#ifdef BENCH_X86
  __builtin_cpu_init();
  stream_has_nt = 1;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) {
    stream_fwd = fwd_avx512;
    stream_bwd = bwd_avx512;
    stream_isa = "AVX-512";
  } else {
    stream_fwd = fwd_sse2;
    stream_bwd = bwd_sse2;
    stream_isa = "SSE2";
  }
#endif
}

/* A team of `threads` threads that runs one stream call at a time, each
 * thread on its contiguous part: tocha's own pool (src/core/threads.h),
 * the threads tocha's kernel runs on, so that both sides pay the same
 * hand-over costs and no second set of threads competes with the first
 * for the cores. */
typedef struct team {
  int threads;
  stream_fn fn;
  float *y;
  const float *x;
  uint8_t *bits;
  size_t n;
  int nt;
} team;

static void team_part(void *arg, int k, int parts) {
  const team *t = arg;
  size_t per = (t->n / (size_t)parts + 127) / 128 * 128, first = per * (size_t)k;
  if (first >= t->n) return;
  size_t len = t->n - first < per ? t->n - first : per;
  t->fn(t->y + first, t->x + first, t->bits + first / 8, len, t->nt);
}

static void team_init(team *t, int threads) {
  memset(t, 0, sizeof *t);
  t->threads = threads;
}

static void team_free(team *t) { (void)t; }

/* One timed stream call (seconds). */
static double team_run(team *t, stream_fn fn, float *y, const float *x, uint8_t *bits, size_t n, int nt) {
  double t0 = now();
  t->fn = fn;
  t->y = y;
  t->x = x;
  t->bits = bits;
  t->n = n;
  t->nt = nt;
  tocha_parallel(t->threads, t->threads, team_part, t);
  return now() - t0;
}

/* ---- tocha ---------------------------------------------------------------- */

typedef struct buffers {
  size_t n;
  tocha_tensor x, y, g, gi, mask;
  uint8_t *sbits; /* the stream kernels' mask */
} buffers;

static void buffers_init(buffers *b, size_t n) {
  int64_t len = (int64_t)n;
  b->n = n;
  tocha_tensor *f[4] = {&b->x, &b->y, &b->g, &b->gi};
  for (int k = 0; k < 4; k++) {
    tocha_tensor_init(f[k], TOCHA_FLOAT);
    if (tocha_tensor_new(f[k], TOCHA_FLOAT, 1, &len)) die("allocating");
  }
  tocha_tensor_init(&b->mask, TOCHA_BYTE);
  float *x = tocha_tensor_data(&b->x), *g = tocha_tensor_data(&b->g);
  for (size_t i = 0; i < n; i++) {
    x[i] = (float)((int)(i * 7919 % 2001) - 1000) / 37.0f;
    g[i] = (float)((int)(i * 104729 % 1999) - 999) / 41.0f;
  }
  b->sbits = aligned_alloc(64, (n / 8 + 63) / 64 * 64);
  if (!b->sbits) die("allocating");
  memset(b->sbits, 0x55, n / 8);
}

static void buffers_free(buffers *b) {
  tocha_tensor_release(&b->x);
  tocha_tensor_release(&b->y);
  tocha_tensor_release(&b->g);
  tocha_tensor_release(&b->gi);
  tocha_tensor_release(&b->mask);
  free(b->sbits);
}

enum { K_SFWD, K_SFWD_NT, K_TFWD, K_SBWD, K_SBWD_NT, K_TBWD, NKINDS };

/* One call of a kind (seconds). */
static double call_kind(int kind, team *tm, buffers *b, tocha_rng *g) {
  float *y = tocha_tensor_data(&b->y), *gi = tocha_tensor_data(&b->gi);
  const float *x = tocha_tensor_data(&b->x), *go = tocha_tensor_data(&b->g);
  double t0 = now(), dt = 0;
  switch (kind) {
  case K_SFWD: dt = team_run(tm, stream_fwd, y, x, b->sbits, b->n, 0); break;
  case K_SFWD_NT: dt = team_run(tm, stream_fwd, y, x, b->sbits, b->n, 1); break;
  case K_SBWD: dt = team_run(tm, stream_bwd, gi, go, b->sbits, b->n, 0); break;
  case K_SBWD_NT: dt = team_run(tm, stream_bwd, gi, go, b->sbits, b->n, 1); break;
  case K_TFWD:
    if (tocha_dropout_forward(g, &b->y, &b->x, &b->mask, 0.5, 2.0, 1)) die("tocha_dropout_forward");
    dt = now() - t0;
    break;
  default:
    if (tocha_dropout_backward(&b->gi, &b->g, &b->mask, 2.0, 1)) die("tocha_dropout_backward");
    dt = now() - t0;
  }
  return dt;
}

/* The steady state of repeated calls: every timed call is the second of
 * two identical calls, so that it starts from the state its own kind
 * leaves (its input as cached as that kernel leaves it, and, for ordinary
 * stores, its own dirty lines to write back), whatever ran before.  This
 * is also how bench_dropout.lua times nn.Dropout, which the Lua rows
 * compare with --stream-samples. */
static double run_kind(int kind, team *tm, buffers *b, tocha_rng *g) {
  call_kind(kind, tm, b, g);
  return call_kind(kind, tm, b, g);
}

/* The stream kernel the limit is timed with in the main loops: streaming
 * stores where the CPU has them (far faster here for these sizes); the
 * other store kind is timed apart (run_other_stores). */
static int limit_kind(int backward) {
  return backward ? (stream_has_nt ? K_SBWD_NT : K_SBWD) : (stream_has_nt ? K_SFWD_NT : K_SFWD);
}

/* --stream-samples: the limit kernels in the same pattern as the Lua
 * script: forward, forward (timed), backward, backward (timed), ... */
static int stream_samples(size_t n, int reps, int threads) {
  buffers b;
  buffers_init(&b, n);
  team tm;
  team_init(&tm, threads);
  tocha_rng g = {1, 0};
  for (int r = 0; r < 4; r++) { /* warm up, as bench_dropout.lua does */
    call_kind(limit_kind(0), &tm, &b, &g);
    call_kind(limit_kind(1), &tm, &b, &g);
  }
  for (int r = 0; r < reps; r++) {
    double f = run_kind(limit_kind(0), &tm, &b, &g), w = run_kind(limit_kind(1), &tm, &b, &g);
    printf("SAMPLE stream_fwd %.4f\nSAMPLE stream_bwd %.4f\n", f * 1e3, w * 1e3);
  }
  team_free(&tm);
  buffers_free(&b);
  return 0;
}

/* ---- threads next to OpenBLAS's ------------------------------------------- */

/* After a call, OpenBLAS's worker threads spin for a while before they
 * sleep, and so do an OpenMP runtime's (GNU OpenMP by default).  Measured
 * here, 2 threads, 1M float32 elements and a 512^3 cblas_sgemm: dropout
 * forward right after an sgemm and the reverse, with tocha's pool (workers
 * that poll for 0.1 ms, yielding, then sleep) and with the same kernel split over
 * an OpenMP parallel loop (8 pieces of 128K elements, each one
 * tocha_dropout_forward on 1 thread), each against a baseline. */
enum { P_POOL_AFTER_POOL, P_POOL_AFTER_SGEMM, P_SGEMM_AFTER_SGEMM, P_SGEMM_AFTER_POOL,
#ifdef BENCH_OPENMP
       P_OMP_AFTER_OMP, P_OMP_AFTER_SGEMM, P_SGEMM_AFTER_SGEMM_OMP, P_SGEMM_AFTER_OMP,
#endif
       NPLAY };

#define OMP_PIECES 8

typedef struct play {
  int n;  /* sgemm size */
  float *a, *b, *c;
  buffers *buf;
  tocha_tensor xs[OMP_PIECES], ys[OMP_PIECES], ms[OMP_PIECES];
  tocha_rng g;
} play;

static void play_sgemm(play *p) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, p->n, p->n, p->n, 1, p->a, p->n, p->b, p->n, 0, p->c, p->n);
}

static void play_pool(play *p) {
  if (tocha_dropout_forward(&p->g, &p->buf->y, &p->buf->x, &p->buf->mask, 0.5, 2.0, 1)) die("tocha_dropout_forward");
}

#ifdef BENCH_OPENMP
static void play_omp(play *p) {
  uint64_t offset = p->g.offset, blocks = (uint64_t)tocha_tensor_nelement(&p->xs[0]) / 8;
  int failed = 0;
#pragma omp parallel for num_threads(2) schedule(static) reduction(| : failed)
  for (int k = 0; k < OMP_PIECES; k++) {
    tocha_rng g = {p->g.seed, offset + (uint64_t)k * blocks};
    failed |= tocha_dropout_forward(&g, &p->ys[k], &p->xs[k], &p->ms[k], 0.5, 2.0, 1) != TOCHA_OK;
  }
  if (failed) die("tocha_dropout_forward (OpenMP)");
  p->g.offset += blocks * OMP_PIECES;
}
#endif

static double timed(void (*f)(play *), play *p) {
  double t0 = now();
  f(p);
  return now() - t0;
}

static void interplay(int reps) {
  const size_t n = (size_t)1 << 20;
  buffers b;
  buffers_init(&b, n);
  play p;
  memset(&p, 0, sizeof p);
  p.n = 512;
  p.buf = &b;
  p.g = (tocha_rng){7, 0};
  size_t nn = (size_t)p.n * (size_t)p.n;
  p.a = malloc(nn * sizeof(float));
  p.b = malloc(nn * sizeof(float));
  p.c = malloc(nn * sizeof(float));
  if (!p.a || !p.b || !p.c) die("allocating");
  for (size_t i = 0; i < nn; i++) {
    p.a[i] = (float)(i % 7) - 3;
    p.b[i] = (float)(i % 5) - 2;
  }
  for (int k = 0; k < OMP_PIECES; k++) {
    tocha_tensor_init(&p.xs[k], TOCHA_FLOAT);
    tocha_tensor_init(&p.ys[k], TOCHA_FLOAT);
    tocha_tensor_init(&p.ms[k], TOCHA_BYTE);
    int64_t len = (int64_t)(n / OMP_PIECES);
    if (tocha_narrow(&p.xs[k], &b.x, 0, k * len, len) || tocha_narrow(&p.ys[k], &b.y, 0, k * len, len))
      die("narrowing");
  }
  if (tocha_set_num_threads(2)) die("setting threads");
  /* the products on OpenBLAS's own two threads (tocha keeps OpenBLAS at one
   * thread for its own products): what this section measures is how the
   * two kinds of threads get along */
  openblas_set_num_threads(2);
  double *t[NPLAY];
  for (int k = 0; k < NPLAY; k++)
    if (!(t[k] = malloc(sizeof(double) * (size_t)reps))) die("allocating");
  /* Two phases: first without OpenMP at all, then with it (its threads,
   * once started, may spin after each parallel loop). */
  play_sgemm(&p);
  play_pool(&p);
  for (int r = 0; r < reps; r++) {
    play_pool(&p);
    t[P_POOL_AFTER_POOL][r] = timed(play_pool, &p);
    t[P_SGEMM_AFTER_POOL][r] = timed(play_sgemm, &p);
    t[P_POOL_AFTER_SGEMM][r] = timed(play_pool, &p);
    play_sgemm(&p);
    t[P_SGEMM_AFTER_SGEMM][r] = timed(play_sgemm, &p);
  }
#ifdef BENCH_OPENMP
  play_omp(&p);
  for (int r = 0; r < reps; r++) {
    play_omp(&p);
    t[P_OMP_AFTER_OMP][r] = timed(play_omp, &p);
    t[P_SGEMM_AFTER_OMP][r] = timed(play_sgemm, &p);
    t[P_OMP_AFTER_SGEMM][r] = timed(play_omp, &p);
    play_sgemm(&p);
    t[P_SGEMM_AFTER_SGEMM_OMP][r] = timed(play_sgemm, &p);
  }
#endif
  static const char *labels[NPLAY] = {
      "dropout (tocha's pool) after dropout (tocha's pool)", "dropout (tocha's pool) right after `cblas_sgemm`",
      "`cblas_sgemm` after `cblas_sgemm`", "`cblas_sgemm` right after dropout (tocha's pool)",
#ifdef BENCH_OPENMP
      "dropout (OpenMP) after dropout (OpenMP)", "dropout (OpenMP) right after `cblas_sgemm`",
      "`cblas_sgemm` after `cblas_sgemm` (OpenMP phase)", "`cblas_sgemm` right after dropout (OpenMP)",
#endif
  };
  for (int k = 0; k < NPLAY; k++) printf("PLAY | %s | %.3f |\n", labels[k], median(t[k], reps) * 1e3);
#ifdef BENCH_OPENMP
  const char *policy = getenv("OMP_WAIT_POLICY");
  printf("INFO OpenMP: %s, OMP_WAIT_POLICY %s\n", "GNU OpenMP", policy ? policy : "unset (the default)");
#else
  printf("INFO OpenMP: not built (no OpenMP found)\n");
#endif
  for (int k = 0; k < NPLAY; k++) free(t[k]);
  for (int k = 0; k < OMP_PIECES; k++) {
    tocha_tensor_release(&p.xs[k]);
    tocha_tensor_release(&p.ys[k]);
    tocha_tensor_release(&p.ms[k]);
  }
  free(p.a);
  free(p.b);
  free(p.c);
  buffers_free(&b);
}

int main(int argc, char **argv) {
  pick_stream_kernels();
  if (argc > 1 && strcmp(argv[1], "--stream-samples") == 0) {
    long n = argc > 2 ? atol(argv[2]) : 0;
    int reps = argc > 3 ? atoi(argv[3]) : 0, threads = argc > 4 ? atoi(argv[4]) : 0;
    if (n < 128 || n % 128 || reps < 1 || threads < 1 || threads > 2) {
      fprintf(stderr, "usage: bench_dropout --stream-samples n (a multiple of 128) repetitions threads (1 or 2)\n");
      return 2;
    }
    return stream_samples((size_t)n, reps, threads);
  }
  int reps = argc > 1 ? atoi(argv[1]) : 21;
  reps += reps % 2; /* pairs of repetitions, one in each order */
  if (reps < 2 || reps > MAX_REPS) {
    fprintf(stderr, "usage: bench_dropout [repetitions, 1 to 1000]\n       bench_dropout --stream-samples n repetitions threads\n");
    return 2;
  }
  printf("INFO tocha kernels: %s; stream kernels: %s\n", tocha_dropout_isa(), stream_isa);
  const size_t sizes[2] = {(size_t)1 << 20, (size_t)1 << 24};
  const char *names[2] = {"1M", "16M"};
  int saved = tocha_get_num_threads();
  double *t[NKINDS];
  for (int k = 0; k < NKINDS; k++)
    if (!(t[k] = malloc(sizeof(double) * (size_t)reps))) return 1;
  double tocha_ms[2][2][2], limit_ms[2][2][2]; /* [size][threads - 1][forward, backward] */

  for (int s = 0; s < 2; s++) {
    buffers b;
    buffers_init(&b, sizes[s]);
    tocha_rng g = {2024, 0};
    for (int threads = 1; threads <= 2; threads++) {
      if (tocha_set_num_threads(threads)) die("setting threads");
      team tm;
      team_init(&tm, threads);
      for (int k = 0; k < NKINDS; k++) run_kind(k, &tm, &b, &g); /* warm up */
      /* The main loop: the limit and tocha, in both orders in turn.  The
       * other store kind is timed in a loop of its own: a call with
       * ordinary stores slows down the call after it (even after the reset
       * passes), which must not fall on tocha's or the limit's figures. */
      const int order[2][4] = {{limit_kind(0), K_TFWD, limit_kind(1), K_TBWD},
                               {K_TFWD, limit_kind(0), K_TBWD, limit_kind(1)}};
      for (int r = 0; r < reps; r++)
        for (int j = 0; j < 4; j++) t[order[r % 2][j]][r] = run_kind(order[r % 2][j], &tm, &b, &g);
      const int other[2] = {stream_has_nt ? K_SFWD : K_SFWD_NT, stream_has_nt ? K_SBWD : K_SBWD_NT};
      for (int r = 0; r < reps; r++)
        for (int j = 0; j < 2; j++) t[other[j]][r] = stream_has_nt ? run_kind(other[j], &tm, &b, &g) : 1e9;
      team_free(&tm);
      if (getenv("BENCH_DROPOUT_SAMPLES"))
        for (int k = 0; k < NKINDS; k++) {
          fprintf(stderr, "kind %d:", k);
          for (int r = 0; r < reps; r++) fprintf(stderr, " %.2f", t[k][r] * 1e3);
          fprintf(stderr, "\n");
        }
      /* A call's time still depends on what ran before it (the input is
       * more cached after several passes over it), so the figures come from
       * pairs of repetitions, one in each order: ms = median over the pairs
       * of the pair's mean; fraction = median over the pairs of (limit /
       * tocha), both summed over the pair. */
      double m[NKINDS], frac[2], pm[2][MAX_REPS / 2], pr[2][MAX_REPS / 2];
      int npairs = reps / 2;
      for (int k = 0; k < NKINDS; k++) m[k] = median(t[k], reps) * 1e3;
      for (int fb = 0; fb < 2; fb++) {
        int lk = limit_kind(fb), tk = fb ? K_TBWD : K_TFWD;
        for (int q = 0; q < npairs; q++) {
          double l = t[lk][2 * q] + t[lk][2 * q + 1], tt = t[tk][2 * q] + t[tk][2 * q + 1];
          pm[0][q] = l / 2;
          pm[1][q] = tt / 2;
          pr[fb][q] = l / tt;
        }
        m[lk] = median(pm[0], npairs) * 1e3;
        m[tk] = median(pm[1], npairs) * 1e3;
        frac[fb] = median(pr[fb], npairs);
      }
      double lim_f = fmin(m[K_SFWD], m[K_SFWD_NT]), lim_b = fmin(m[K_SBWD], m[K_SBWD_NT]);
      /* if the other store kind is the faster, scale the paired fraction */
      frac[0] *= lim_f / m[limit_kind(0)];
      frac[1] *= lim_b / m[limit_kind(1)];
      double bytes = (double)b.n * (4 + 4 + 0.125); /* both directions move 8.125 bytes per element */
      for (int fb = 0; fb < 2; fb++) {
        char nt[32] = "-";
        double lim = fb ? lim_b : lim_f;
        if (stream_has_nt) snprintf(nt, sizeof nt, "%.3f", m[fb ? K_SBWD_NT : K_SFWD_NT]);
        printf("STREAM | %s | %s | %d | %.3f | %s | %.1f |\n", fb ? "backward" : "forward", names[s], threads,
               m[fb ? K_SBWD : K_SFWD], nt, bytes / (lim * 1e-3) * 1e-9);
      }
      double mask_bytes = (double)tocha_tensor_nelement(&b.mask) / (double)b.n;
      printf("ROW | C `tocha_dropout_forward` | %s | %d | %.3f | %.3f | %.3f | %.2f | %.3f |\n", names[s], threads,
             m[K_TFWD], lim_f, frac[0], (double)b.n / (m[K_TFWD] * 1e-3) * 1e-9, mask_bytes);
      printf("ROW | C `tocha_dropout_backward` | %s | %d | %.3f | %.3f | %.3f | %.2f | %.3f |\n", names[s], threads,
             m[K_TBWD], lim_b, frac[1], (double)b.n / (m[K_TBWD] * 1e-3) * 1e-9, mask_bytes);
      tocha_ms[s][threads - 1][0] = m[K_TFWD];
      tocha_ms[s][threads - 1][1] = m[K_TBWD];
      limit_ms[s][threads - 1][0] = lim_f;
      limit_ms[s][threads - 1][1] = lim_b;
      fflush(stdout);
    }
    buffers_free(&b);
  }
  /* 2 threads against 1: the machine's (stream limit) and tocha's. */
  for (int s = 0; s < 2; s++)
    for (int fb = 0; fb < 2; fb++)
      printf("SPEEDUP | %s | %s | %.2f | %.2f |\n", fb ? "backward" : "forward", names[s],
             limit_ms[s][0][fb] / limit_ms[s][1][fb], tocha_ms[s][0][fb] / tocha_ms[s][1][fb]);
  tocha_set_num_threads(saved);
  for (int k = 0; k < NKINDS; k++) free(t[k]);
  interplay(reps);
  tocha_set_num_threads(saved);
  return 0;
}
