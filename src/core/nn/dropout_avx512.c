/* The dropout kernels with AVX-512 (F + BW), built with -mavx512f
 * -mavx512bw and called only when the CPU has both (see dropout.c).
 *
 * One zmm register holds one Philox lane of the 16 blocks of a tile; one
 * unsigned 16-bit comparison of it with the threshold (vpcmpuw) gives the
 * mask bits of 32 consecutive elements at once, in order (tocha_dropout.h):
 * the 4 mask bytes to store, and the write masks of two masked multiplies.
 * Two tiles are computed together to hide the latency of the multiplies. */
#include "dropout_kernels.h"

#if defined(__AVX512F__) && defined(__AVX512BW__)
#include <immintrin.h>

/* hi and lo 32 bits of a * m (m a broadcast constant), lane by lane. */
static inline void mulhilo(__m512i a, __m512i m, __m512i *hi, __m512i *lo) {
  __m512i pe = _mm512_mul_epu32(a, m);                        /* even lanes' 64-bit products */
  __m512i po = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m); /* odd lanes' */
  *hi = _mm512_mask_shuffle_epi32(po, 0x5555, pe, _MM_PERM_CDAB);
  *lo = _mm512_mask_shuffle_epi32(pe, 0xAAAA, po, _MM_PERM_CDAB);
}

/* Counter words 0 and 1 of the 16 blocks b0 .. b0+15. */
static inline void counters(uint64_t b0, __m512i *c0, __m512i *c1) {
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m512i lo = _mm512_set1_epi32((int)(uint32_t)b0), hi = _mm512_set1_epi32((int)(uint32_t)(b0 >> 32));
  *c0 = _mm512_add_epi32(lo, iota);
  __mmask16 carry = _mm512_cmplt_epu32_mask(*c0, lo);
  *c1 = _mm512_mask_add_epi32(hi, carry, hi, _mm512_set1_epi32(1));
}

/* The rare tile pairs with a draw of 0xFFFF (dropout_patch_tile). */
static __attribute__((noinline, cold)) void patch_tiles2(const dropout_keys *keys, uint64_t b0, uint64_t frac,
                                                         __mmask32 m[8]) {
  for (int t = 0; t < 2; t++) {
    uint32_t keep[4];
    for (int L = 0; L < 4; L++) keep[L] = (uint32_t)m[4 * t + L];
    dropout_patch_tile(keys, b0 + (uint64_t)t * DROPOUT_TILE_BLOCKS, frac, keep);
    for (int L = 0; L < 4; L++) m[4 * t + L] = (__mmask32)keep[L];
  }
}

#define XOR3(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)

/* The mask words of the tiles at blocks b0 and b0 + 16: m[4*t + L] holds
 * the bits of elements 32*L .. 32*L+31 of tile t.  keep_max = T - 1 in
 * every 16-bit lane. */
static inline __attribute__((always_inline)) void mask_tiles2(const dropout_keys *keys, uint64_t b0,
                                                              __m512i keep_max, uint64_t frac,
                                                              __mmask32 m[8]) {
  const __m512i M0 = _mm512_set1_epi32((int)DROPOUT_PHILOX_M0), M1 = _mm512_set1_epi32((int)DROPOUT_PHILOX_M1);
  __m512i a0, a1, a2, a3, b0v, b1, b2, b3;
  counters(b0, &a0, &a1);
  counters(b0 + DROPOUT_TILE_BLOCKS, &b0v, &b1);
  a2 = a3 = b2 = b3 = _mm512_setzero_si512();
  for (int r = 0; r < DROPOUT_PHILOX_ROUNDS; r++) {
    __m512i k0 = _mm512_set1_epi32((int)keys->k0[r]), k1 = _mm512_set1_epi32((int)keys->k1[r]);
    __m512i ah0, al0, ah1, al1, bh0, bl0, bh1, bl1;
    mulhilo(a0, M0, &ah0, &al0);
    mulhilo(a2, M1, &ah1, &al1);
    mulhilo(b0v, M0, &bh0, &bl0);
    mulhilo(b2, M1, &bh1, &bl1);
    a0 = XOR3(ah1, a1, k0);
    a2 = XOR3(ah0, a3, k1);
    a1 = al1;
    a3 = al0;
    b0v = XOR3(bh1, b1, k0);
    b2 = XOR3(bh0, b3, k1);
    b1 = bl1;
    b3 = bl0;
  }
  m[0] = _mm512_cmple_epu16_mask(a0, keep_max);
  m[1] = _mm512_cmple_epu16_mask(a1, keep_max);
  m[2] = _mm512_cmple_epu16_mask(a2, keep_max);
  m[3] = _mm512_cmple_epu16_mask(a3, keep_max);
  m[4] = _mm512_cmple_epu16_mask(b0v, keep_max);
  m[5] = _mm512_cmple_epu16_mask(b1, keep_max);
  m[6] = _mm512_cmple_epu16_mask(b2, keep_max);
  m[7] = _mm512_cmple_epu16_mask(b3, keep_max);
  if (frac) {
    /* a draw of 0xFFFF anywhere <=> the lane-wise maximum has one: one
     * comparison for the 256 draws (vpmaxuw also runs on port 0, which
     * Philox's shuffles leave free) */
    __m512i top = _mm512_max_epu16(_mm512_max_epu16(_mm512_max_epu16(a0, a1), _mm512_max_epu16(a2, a3)),
                                   _mm512_max_epu16(_mm512_max_epu16(b0v, b1), _mm512_max_epu16(b2, b3)));
    if (__builtin_expect(_mm512_cmpeq_epu16_mask(top, _mm512_set1_epi16(-1)) != 0, 0)) {
      /* a copy: m's own address never escapes, so it can stay in registers */
      __mmask32 copy[8];
      for (int w = 0; w < 8; w++) copy[w] = m[w];
      patch_tiles2(keys, b0, frac, copy);
      for (int w = 0; w < 8; w++) m[w] = copy[w];
    }
  }
}

static inline __m512i keep_max_vector(uint32_t thr) { return _mm512_set1_epi16((short)(uint16_t)(thr - 1)); }

static inline void store_words(uint8_t *bits, const __mmask32 *m, int count) {
  for (int w = 0; w < count; w++) {
    uint32_t v = (uint32_t)m[w];
    memcpy(bits + 4 * w, &v, 4);
  }
}

/* A partial tile of rem < 128 elements: stores its mask bytes (bits past
 * rem cleared) and clears those bits in m[0..3] too. */
static inline void store_tail_words(uint8_t *bits, __mmask32 *m, size_t rem) {
  uint8_t tile[DROPOUT_TILE_BYTES];
  store_words(tile, m, 4);
  dropout_put_bytes(bits, tile, dropout_tail_bytes(tile, rem));
  for (int w = 0; w < 4; w++) {
    uint32_t v;
    memcpy(&v, tile + 4 * w, 4);
    m[w] = (__mmask32)v;
  }
}

static void bits_avx512(const dropout_job *job) {
  const __m512i keep_max = keep_max_vector(job->thr);
  __mmask32 m[8];
  size_t n = job->n, i = 0;
  uint64_t b0 = job->block0;
  for (; i + 2 * DROPOUT_TILE <= n; i += 2 * DROPOUT_TILE, b0 += 2 * DROPOUT_TILE_BLOCKS) {
    mask_tiles2(job->keys, b0, keep_max, job->frac, m);
    store_words(job->bits + i / 8, m, 8);
  }
  if (i < n) {
    mask_tiles2(job->keys, b0, keep_max, job->frac, m);
    if (n - i >= DROPOUT_TILE) {
      store_words(job->bits + i / 8, m, 4);
      i += DROPOUT_TILE;
      if (i < n) store_tail_words(job->bits + i / 8, m + 4, n - i);
    } else {
      store_tail_words(job->bits + i / 8, m, n - i);
    }
  }
}

/* Asks for the input lines DROPOUT_PREFETCH bytes ahead of [p, p + bytes):
 * the random numbers keep the core busy between loads, and the hardware
 * prefetcher alone does not keep enough reads in flight then. */
static inline void prefetch(const void *p, size_t bytes) {
  for (size_t l = 0; l < bytes; l += 64) _mm_prefetch((const char *)p + DROPOUT_PREFETCH + l, _MM_HINT_T0);
}

/* Elements 32*w .. 32*w+31 for w < nw (whole words): dst = keep ? src * s : +0. */
static inline void apply_float(float *dst, const float *src, const __mmask32 *m, int nw, __m512 s, int stream) {
  for (int w = 0; w < nw; w++) {
    __m512 lo = _mm512_maskz_mul_ps((__mmask16)m[w], _mm512_loadu_ps(src + 32 * w), s);
    __m512 hi = _mm512_maskz_mul_ps((__mmask16)(m[w] >> 16), _mm512_loadu_ps(src + 32 * w + 16), s);
    if (stream) {
      _mm512_stream_ps(dst + 32 * w, lo);
      _mm512_stream_ps(dst + 32 * w + 16, hi);
    } else {
      _mm512_storeu_ps(dst + 32 * w, lo);
      _mm512_storeu_ps(dst + 32 * w + 16, hi);
    }
  }
}

static inline void apply_double(double *dst, const double *src, const __mmask32 *m, int nw, __m512d s, int stream) {
  for (int w = 0; w < nw; w++)
    for (int q = 0; q < 4; q++) {
      __m512d v = _mm512_maskz_mul_pd((__mmask8)(m[w] >> (8 * q)), _mm512_loadu_pd(src + 32 * w + 8 * q), s);
      if (stream)
        _mm512_stream_pd(dst + 32 * w + 8 * q, v);
      else
        _mm512_storeu_pd(dst + 32 * w + 8 * q, v);
    }
}

/* The last rem < 128 elements, with masked loads and stores. */
static inline void apply_tail_float(float *dst, const float *src, const __mmask32 *m, size_t rem, __m512 s) {
  for (size_t v = 0; 16 * v < rem; v++) {
    size_t left = rem - 16 * v;
    __mmask16 valid = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
    __mmask16 keep = (__mmask16)(m[v / 2] >> (16 * (v % 2)));
    __m512 x = _mm512_maskz_loadu_ps(valid, src + 16 * v);
    _mm512_mask_storeu_ps(dst + 16 * v, valid, _mm512_maskz_mul_ps(keep, x, s));
  }
}

static inline void apply_tail_double(double *dst, const double *src, const __mmask32 *m, size_t rem, __m512d s) {
  for (size_t v = 0; 8 * v < rem; v++) {
    size_t left = rem - 8 * v;
    __mmask8 valid = left >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << left) - 1);
    __mmask8 keep = (__mmask8)(m[v / 4] >> (8 * (v % 4)));
    __m512d x = _mm512_maskz_loadu_pd(valid, src + 8 * v);
    _mm512_mask_storeu_pd(dst + 8 * v, valid, _mm512_maskz_mul_pd(keep, x, s));
  }
}

#define FORWARD(T, V, SET1)                                                                   \
  static void forward_##T(const dropout_job *job) {                                          \
    const __m512i keep_max = keep_max_vector(job->thr);                                      \
    const V s = SET1((T)job->scale);                                                         \
    __mmask32 m[8];                                                                          \
    T *dst = job->dst;                                                                       \
    const T *src = job->src;                                                                 \
    size_t n = job->n, i = 0;                                                                \
    uint64_t b0 = job->block0;                                                               \
    for (; i + 2 * DROPOUT_TILE <= n; i += 2 * DROPOUT_TILE, b0 += 2 * DROPOUT_TILE_BLOCKS) { \
      prefetch(src + i, 2 * DROPOUT_TILE * sizeof(T));                                       \
      mask_tiles2(job->keys, b0, keep_max, job->frac, m);                                               \
      store_words(job->bits + i / 8, m, 8);                                                  \
      apply_##T(dst + i, src + i, m, 8, s, job->stream);                                     \
    }                                                                                        \
    if (i < n) {                                                                             \
      mask_tiles2(job->keys, b0, keep_max, job->frac, m);                                               \
      if (n - i >= DROPOUT_TILE) {                                                           \
        store_words(job->bits + i / 8, m, 4);                                                \
        apply_##T(dst + i, src + i, m, 4, s, 0);                                             \
        i += DROPOUT_TILE;                                                                   \
        if (i < n) {                                                                         \
          store_tail_words(job->bits + i / 8, m + 4, n - i);                                 \
          apply_tail_##T(dst + i, src + i, m + 4, n - i, s);                                 \
        }                                                                                    \
      } else {                                                                               \
        store_tail_words(job->bits + i / 8, m, n - i);                                       \
        apply_tail_##T(dst + i, src + i, m, n - i, s);                                       \
      }                                                                                      \
    }                                                                                        \
    if (job->stream) _mm_sfence();                                                           \
  }
FORWARD(float, __m512, _mm512_set1_ps)
FORWARD(double, __m512d, _mm512_set1_pd)
#undef FORWARD

/* Backward: 16 elements per 16-bit mask word, read straight into a mask
 * register.  The mask bytes need no alignment. */
static void backward_float(const dropout_job *job) {
  const __m512 s = _mm512_set1_ps((float)job->scale);
  float *dst = job->dst;
  const float *src = job->src;
  const uint8_t *bits = job->bits;
  size_t n = job->n, i = 0;
  if (job->stream) {
    for (; i + 16 <= n; i += 16) {
      uint16_t w;
      memcpy(&w, bits + i / 8, 2);
      _mm512_stream_ps(dst + i, _mm512_maskz_mul_ps((__mmask16)w, _mm512_loadu_ps(src + i), s));
    }
    _mm_sfence();
  } else {
    for (; i + 16 <= n; i += 16) {
      uint16_t w;
      memcpy(&w, bits + i / 8, 2);
      _mm512_storeu_ps(dst + i, _mm512_maskz_mul_ps((__mmask16)w, _mm512_loadu_ps(src + i), s));
    }
  }
  if (i < n) {
    size_t left = n - i;
    __mmask16 valid = (__mmask16)((1u << left) - 1);
    unsigned w = bits[i / 8] | (left > 8 ? (unsigned)bits[i / 8 + 1] << 8 : 0u);
    __m512 x = _mm512_maskz_loadu_ps(valid, src + i);
    _mm512_mask_storeu_ps(dst + i, valid, _mm512_maskz_mul_ps((__mmask16)w, x, s));
  }
}

static void backward_double(const dropout_job *job) {
  const __m512d s = _mm512_set1_pd(job->scale);
  double *dst = job->dst;
  const double *src = job->src;
  const uint8_t *bits = job->bits;
  size_t n = job->n, i = 0;
  if (job->stream) {
    for (; i + 8 <= n; i += 8)
      _mm512_stream_pd(dst + i, _mm512_maskz_mul_pd((__mmask8)bits[i / 8], _mm512_loadu_pd(src + i), s));
    _mm_sfence();
  } else {
    for (; i + 8 <= n; i += 8)
      _mm512_storeu_pd(dst + i, _mm512_maskz_mul_pd((__mmask8)bits[i / 8], _mm512_loadu_pd(src + i), s));
  }
  if (i < n) {
    __mmask8 valid = (__mmask8)((1u << (n - i)) - 1);
    __m512d x = _mm512_maskz_loadu_pd(valid, src + i);
    _mm512_mask_storeu_pd(dst + i, valid, _mm512_maskz_mul_pd((__mmask8)bits[i / 8], x, s));
  }
}

const dropout_isa *tocha_dropout_isa_avx512(void) {
  static const dropout_isa isa = {"avx512",       64,
                                  bits_avx512,    forward_float, forward_double,
                                  backward_float, backward_double};
  return &isa;
}

#else

const dropout_isa *tocha_dropout_isa_avx512(void) { return NULL; }

#endif
