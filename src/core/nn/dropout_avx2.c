/* The dropout kernels with AVX2, built with -mavx2 and called only when the
 * CPU has it (see dropout.c).
 *
 * A tile's 16 blocks are two sets of 8 (one ymm register per Philox lane
 * and set).  A comparison of a register's low (high) 16-bit halves with the
 * threshold gives the lane mask of 8 consecutive elements, used as is by the
 * forward pass (an AND after the multiply) and stored as one mask byte. */
#include "dropout_kernels.h"

#if defined(__AVX2__)
#include <immintrin.h>

static inline void mulhilo(__m256i a, __m256i m, __m256i *hi, __m256i *lo) {
  __m256i pe = _mm256_mul_epu32(a, m);
  __m256i po = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  *hi = _mm256_blend_epi32(_mm256_shuffle_epi32(pe, 0xB1), po, 0xAA);
  *lo = _mm256_blend_epi32(pe, _mm256_shuffle_epi32(po, 0xB1), 0xAA);
}

static inline void counters(uint64_t b0, __m256i *c0, __m256i *c1) {
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i sign = _mm256_set1_epi32((int)0x80000000u);
  __m256i lo = _mm256_set1_epi32((int)(uint32_t)b0), hi = _mm256_set1_epi32((int)(uint32_t)(b0 >> 32));
  *c0 = _mm256_add_epi32(lo, iota);
  /* carry where c0 < lo as unsigned: -1 in those lanes */
  __m256i carry = _mm256_cmpgt_epi32(_mm256_xor_si256(lo, sign), _mm256_xor_si256(*c0, sign));
  *c1 = _mm256_sub_epi32(hi, carry);
}

/* The rare tiles with a draw of 0xFFFF (dropout_patch_tile): 16-bit lane l
 * of drop[q] is tile element 16 * q + l. */
static __attribute__((noinline, cold)) void patch_tile(const dropout_keys *keys, uint64_t b0, uint64_t frac,
                                                       __m256i drop[8]) {
  uint16_t d[8][16];
  uint32_t keep[4] = {0, 0, 0, 0};
  for (int q = 0; q < 8; q++) {
    _mm256_storeu_si256((__m256i *)d[q], drop[q]);
    for (int l = 0; l < 16; l++)
      if (!d[q][l]) keep[q / 2] |= 1u << (16 * (q % 2) + l);
  }
  dropout_patch_tile(keys, b0, frac, keep);
  for (int q = 0; q < 8; q++) {
    for (int l = 0; l < 16; l++) d[q][l] = (keep[q / 2] >> (16 * (q % 2) + l)) & 1u ? 0 : 0xFFFF;
    drop[q] = _mm256_loadu_si256((const __m256i *)d[q]);
  }
}

/* drop[2*L + set] = 16-bit lane masks (all ones = dropped) of tile elements
 * 32*L + 16*set + (0..15): lane L of block j (set 0: j = 0..7, set 1:
 * j = 8..15) gives elements 32*L + 2*j and 32*L + 2*j + 1 (its low and high
 * halves), which are the 16-bit lanes 2*(j % 8) and 2*(j % 8) + 1 of the
 * register.  keep_max = (T - 1) ^ 0x8000 in every 16-bit lane. */
static inline void mask_tile(const dropout_keys *keys, uint64_t b0, __m256i keep_max, uint64_t frac,
                             __m256i drop[8]) {
  const __m256i M0 = _mm256_set1_epi32((int)DROPOUT_PHILOX_M0), M1 = _mm256_set1_epi32((int)DROPOUT_PHILOX_M1);
  __m256i a0, a1, a2, a3, c0, c1, c2, c3;
  counters(b0, &a0, &a1);
  counters(b0 + 8, &c0, &c1);
  a2 = a3 = c2 = c3 = _mm256_setzero_si256();
  for (int r = 0; r < DROPOUT_PHILOX_ROUNDS; r++) {
    __m256i k0 = _mm256_set1_epi32((int)keys->k0[r]), k1 = _mm256_set1_epi32((int)keys->k1[r]);
    __m256i ah0, al0, ah1, al1, ch0, cl0, ch1, cl1;
    mulhilo(a0, M0, &ah0, &al0);
    mulhilo(a2, M1, &ah1, &al1);
    mulhilo(c0, M0, &ch0, &cl0);
    mulhilo(c2, M1, &ch1, &cl1);
    a0 = _mm256_xor_si256(_mm256_xor_si256(ah1, a1), k0);
    a2 = _mm256_xor_si256(_mm256_xor_si256(ah0, a3), k1);
    a1 = al1;
    a3 = al0;
    c0 = _mm256_xor_si256(_mm256_xor_si256(ch1, c1), k0);
    c2 = _mm256_xor_si256(_mm256_xor_si256(ch0, c3), k1);
    c1 = cl1;
    c3 = cl0;
  }
  /* unsigned u <= T - 1 as a signed comparison of u ^ 0x8000 */
  const __m256i flip = _mm256_set1_epi16((short)0x8000);
  __m256i x[8] = {a0, c0, a1, c1, a2, c2, a3, c3};
  for (int q = 0; q < 8; q++) drop[q] = _mm256_cmpgt_epi16(_mm256_xor_si256(x[q], flip), keep_max);
  if (frac) {
    /* a draw of 0xFFFF anywhere <=> the lane-wise maximum has one */
    __m256i top = _mm256_max_epu16(_mm256_max_epu16(_mm256_max_epu16(x[0], x[1]), _mm256_max_epu16(x[2], x[3])),
                                   _mm256_max_epu16(_mm256_max_epu16(x[4], x[5]), _mm256_max_epu16(x[6], x[7])));
    __m256i hit = _mm256_cmpeq_epi16(top, _mm256_set1_epi16(-1));
    if (!_mm256_testz_si256(hit, hit)) patch_tile(keys, b0, frac, drop);
  }
}

static inline __m256i keep_max_vector(uint32_t thr) {
  return _mm256_set1_epi16((short)(uint16_t)((thr - 1) ^ 0x8000u));
}

static inline void tile_bytes(const __m256i drop[8], uint8_t tile[DROPOUT_TILE_BYTES]) {
  for (int lane = 0; lane < 4; lane++) {
    /* bytes of set 0 then set 1, in element order */
    __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi16(drop[2 * lane], drop[2 * lane + 1]), 0xD8);
    uint32_t word = ~(uint32_t)_mm256_movemask_epi8(packed);
    memcpy(tile + 4 * lane, &word, 4);
  }
}

/* Writes the tile's mask bytes; returns how many elements of it are in the
 * piece (tile[] then has the bits past them cleared). */
static inline size_t put_tile(uint8_t *bits, uint8_t tile[DROPOUT_TILE_BYTES], size_t rem) {
  if (rem >= DROPOUT_TILE) {
    dropout_put_bytes(bits, tile, DROPOUT_TILE_BYTES);
    return DROPOUT_TILE;
  }
  dropout_put_bytes(bits, tile, dropout_tail_bytes(tile, rem));
  return rem;
}

static void bits_avx2(const dropout_job *job) {
  const __m256i keep_max = keep_max_vector(job->thr);
  __m256i drop[8];
  uint8_t tile[DROPOUT_TILE_BYTES];
  uint64_t b0 = job->block0;
  for (size_t i = 0; i < job->n; i += DROPOUT_TILE, b0 += DROPOUT_TILE_BLOCKS) {
    mask_tile(job->keys, b0, keep_max, job->frac, drop);
    tile_bytes(drop, tile);
    put_tile(job->bits + i / 8, tile, job->n - i);
  }
}

/* Scalar tail of a partial tile: elements from..rem-1. */
#define TAIL(T)                                                                                 \
  static inline void tail_##T(T *dst, const T *src, const uint8_t *tile, size_t from, size_t rem, \
                              T scale) {                                                        \
    for (size_t e = from; e < rem; e++) dst[e] = ((tile[e / 8] >> (e % 8)) & 1u) ? src[e] * scale : (T)0; \
  }
TAIL(float)
TAIL(double)
#undef TAIL

/* See dropout_avx512.c. */
static inline void prefetch(const void *p, size_t bytes) {
  for (size_t l = 0; l < bytes; l += 64) _mm_prefetch((const char *)p + DROPOUT_PREFETCH + l, _MM_HINT_T0);
}

/* The 32-bit lane masks (all ones = dropped) of tile elements 8*q .. 8*q+7
 * from the 16-bit ones. */
static inline __m256 drop_ps(const __m256i drop[8], int q) {
  __m256i d = drop[q / 2];
  __m128i half = q % 2 ? _mm256_extracti128_si256(d, 1) : _mm256_castsi256_si128(d);
  return _mm256_castsi256_ps(_mm256_cvtepi16_epi32(half));
}

/* ... and of elements 4*q .. 4*q+3, as 64-bit lane masks. */
static inline __m256d drop_pd(const __m256i drop[8], int q) {
  __m256i d = drop[q / 4];
  __m128i half = (q / 2) % 2 ? _mm256_extracti128_si256(d, 1) : _mm256_castsi256_si128(d);
  if (q % 2) half = _mm_srli_si128(half, 8);
  return _mm256_castsi256_pd(_mm256_cvtepi16_epi64(half));
}

static void forward_float(const dropout_job *job) {
  const __m256i keep_max = keep_max_vector(job->thr);
  const __m256 s = _mm256_set1_ps((float)job->scale);
  __m256i drop[8];
  uint8_t tile[DROPOUT_TILE_BYTES];
  float *dst = job->dst;
  const float *src = job->src;
  uint64_t b0 = job->block0;
  for (size_t i = 0; i < job->n; i += DROPOUT_TILE, b0 += DROPOUT_TILE_BLOCKS) {
    prefetch(src + i, DROPOUT_TILE * sizeof(float));
    mask_tile(job->keys, b0, keep_max, job->frac, drop);
    tile_bytes(drop, tile);
    size_t len = put_tile(job->bits + i / 8, tile, job->n - i);
    float *d = dst + i;
    const float *x = src + i;
    int full = (int)(len / 8);
    for (int q = 0; q < full; q++) {
      __m256 y = _mm256_andnot_ps(drop_ps(drop, q), _mm256_mul_ps(_mm256_loadu_ps(x + 8 * q), s));
      if (job->stream && len == DROPOUT_TILE)
        _mm256_stream_ps(d + 8 * q, y);
      else
        _mm256_storeu_ps(d + 8 * q, y);
    }
    tail_float(d, x, tile, 8 * (size_t)full, len, (float)job->scale);
  }
  if (job->stream) _mm_sfence();
}

static void forward_double(const dropout_job *job) {
  const __m256i keep_max = keep_max_vector(job->thr);
  const __m256d s = _mm256_set1_pd(job->scale);
  __m256i drop[8];
  uint8_t tile[DROPOUT_TILE_BYTES];
  double *dst = job->dst;
  const double *src = job->src;
  uint64_t b0 = job->block0;
  for (size_t i = 0; i < job->n; i += DROPOUT_TILE, b0 += DROPOUT_TILE_BLOCKS) {
    prefetch(src + i, DROPOUT_TILE * sizeof(double));
    mask_tile(job->keys, b0, keep_max, job->frac, drop);
    tile_bytes(drop, tile);
    size_t len = put_tile(job->bits + i / 8, tile, job->n - i);
    double *d = dst + i;
    const double *x = src + i;
    int full = (int)(len / 4);
    for (int q = 0; q < full; q++) {
      __m256d y = _mm256_andnot_pd(drop_pd(drop, q), _mm256_mul_pd(_mm256_loadu_pd(x + 4 * q), s));
      if (job->stream && len == DROPOUT_TILE)
        _mm256_stream_pd(d + 4 * q, y);
      else
        _mm256_storeu_pd(d + 4 * q, y);
    }
    tail_double(d, x, tile, 4 * (size_t)full, len, job->scale);
  }
  if (job->stream) _mm_sfence();
}

/* Backward: each mask byte expanded to a lane mask (bit q of the byte set
 * <=> lane q all ones). */
static void backward_float(const dropout_job *job) {
  const __m256 s = _mm256_set1_ps((float)job->scale);
  const __m256i sel = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  float *dst = job->dst;
  const float *src = job->src;
  const uint8_t *bits = job->bits;
  size_t n = job->n, full = n / 8;
  for (size_t q = 0; q < full; q++) {
    __m256i k = _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(bits[q]), sel), sel);
    __m256 y = _mm256_and_ps(_mm256_castsi256_ps(k), _mm256_mul_ps(_mm256_loadu_ps(src + 8 * q), s));
    if (job->stream)
      _mm256_stream_ps(dst + 8 * q, y);
    else
      _mm256_storeu_ps(dst + 8 * q, y);
  }
  if (job->stream) _mm_sfence();
  tail_float(dst, src, bits, 8 * full, n, (float)job->scale);
}

static void backward_double(const dropout_job *job) {
  const __m256d s = _mm256_set1_pd(job->scale);
  const __m256i sel = _mm256_setr_epi64x(1, 2, 4, 8);
  double *dst = job->dst;
  const double *src = job->src;
  const uint8_t *bits = job->bits;
  size_t n = job->n, full = n / 4;
  for (size_t q = 0; q < full; q++) {
    long long nib = (bits[q / 2] >> (4 * (q % 2))) & 0xF;
    __m256i k = _mm256_cmpeq_epi64(_mm256_and_si256(_mm256_set1_epi64x(nib), sel), sel);
    __m256d y = _mm256_and_pd(_mm256_castsi256_pd(k), _mm256_mul_pd(_mm256_loadu_pd(src + 4 * q), s));
    if (job->stream)
      _mm256_stream_pd(dst + 4 * q, y);
    else
      _mm256_storeu_pd(dst + 4 * q, y);
  }
  if (job->stream) _mm_sfence();
  tail_double(dst, src, bits, 4 * full, n, job->scale);
}

const dropout_isa *tocha_dropout_isa_avx2(void) {
  static const dropout_isa isa = {"avx2",         32,
                                  bits_avx2,      forward_float, forward_double,
                                  backward_float, backward_double};
  return &isa;
}

#else

const dropout_isa *tocha_dropout_isa_avx2(void) { return NULL; }

#endif
