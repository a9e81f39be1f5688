/* The dropout kernels in portable C (the reference the SIMD files must match
 * bit for bit, and the path on CPUs without AVX2).  Written over fixed-size
 * arrays of 16 blocks so that the compiler can vectorise the rounds. */
#include "dropout_kernels.h"

/* The 16 blocks of the tile starting at block b0: lane L of block b0 + j in
 * x[L][j]. */
static void philox_tile(const dropout_keys *keys, uint64_t b0, uint32_t x[4][DROPOUT_TILE_BLOCKS]) {
  uint32_t c0[DROPOUT_TILE_BLOCKS], c1[DROPOUT_TILE_BLOCKS], c2[DROPOUT_TILE_BLOCKS], c3[DROPOUT_TILE_BLOCKS];
  for (int j = 0; j < DROPOUT_TILE_BLOCKS; j++) {
    uint64_t b = b0 + (uint64_t)j;
    c0[j] = (uint32_t)b;
    c1[j] = (uint32_t)(b >> 32);
    c2[j] = 0;
    c3[j] = 0;
  }
  for (int r = 0; r < DROPOUT_PHILOX_ROUNDS; r++) {
    uint32_t k0 = keys->k0[r], k1 = keys->k1[r];
    for (int j = 0; j < DROPOUT_TILE_BLOCKS; j++) {
      uint64_t p0 = (uint64_t)DROPOUT_PHILOX_M0 * c0[j];
      uint64_t p1 = (uint64_t)DROPOUT_PHILOX_M1 * c2[j];
      uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1[j] ^ k0;
      uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3[j] ^ k1;
      c1[j] = (uint32_t)p1;
      c3[j] = (uint32_t)p0;
      c0[j] = n0;
      c2[j] = n2;
    }
  }
  memcpy(x[0], c0, sizeof c0);
  memcpy(x[1], c1, sizeof c1);
  memcpy(x[2], c2, sizeof c2);
  memcpy(x[3], c3, sizeof c3);
}

/* The 16 mask bytes of the tile starting at block b0: lane L of block
 * b0 + j gives elements 32*L + 2*j (low half) and 32*L + 2*j + 1 (high half)
 * of the tile, i.e. bits 2*j and 2*j + 1 of the little-endian word L. */
static void mask_tile(const dropout_keys *keys, uint64_t b0, uint32_t thr, uint64_t frac,
                      uint8_t tile[DROPOUT_TILE_BYTES]) {
  uint32_t x[4][DROPOUT_TILE_BLOCKS];
  philox_tile(keys, b0, x);
  uint32_t words[4], at_edge = 0;
  for (int lane = 0; lane < 4; lane++) {
    uint32_t word = 0;
    for (int j = 0; j < DROPOUT_TILE_BLOCKS; j++) {
      uint32_t lo = x[lane][j] & 0xFFFFu, hi = x[lane][j] >> 16;
      word |= (uint32_t)(lo < thr) << (2 * j);
      word |= (uint32_t)(hi < thr) << (2 * j + 1);
      at_edge |= (uint32_t)(lo == DROPOUT_EDGE) | (uint32_t)(hi == DROPOUT_EDGE);
    }
    words[lane] = word;
  }
  if (frac && at_edge) dropout_patch_tile(keys, b0, frac, words);
  for (int lane = 0; lane < 4; lane++)
    for (int b = 0; b < 4; b++) tile[4 * lane + b] = (uint8_t)(words[lane] >> (8 * b));
}

static void bits_generic(const dropout_job *job) {
  uint8_t tile[DROPOUT_TILE_BYTES];
  uint64_t b0 = job->block0;
  for (size_t i = 0; i < job->n; i += DROPOUT_TILE, b0 += DROPOUT_TILE_BLOCKS) {
    mask_tile(job->keys, b0, job->thr, job->frac, tile);
    size_t rem = job->n - i;
    size_t len = rem < DROPOUT_TILE ? dropout_tail_bytes(tile, rem) : DROPOUT_TILE_BYTES;
    dropout_put_bytes(job->bits + i / 8, tile, len);
  }
}

/* dst[k] = bit k of bits ? src[k] * scale : +0 for k < n (dst may be src),
 * without branches (a random mask would defeat the branch predictor): the
 * product is ANDed with all ones or all zeros. */
#define APPLY(T, U)                                                                    \
  static inline T keep_or_zero_##T(T v, unsigned bit) {                                \
    U u;                                                                               \
    memcpy(&u, &v, sizeof u);                                                          \
    u &= (U)0 - (U)bit;                                                                \
    memcpy(&v, &u, sizeof v);                                                          \
    return v;                                                                          \
  }                                                                                    \
  static void apply_##T(T *dst, const T *src, const uint8_t *bits, size_t n, T scale) { \
    size_t full = n / 8;                                                               \
    for (size_t q = 0; q < full; q++) {                                                \
      unsigned m = bits[q];                                                            \
      for (int k = 0; k < 8; k++)                                                      \
        dst[8 * q + (size_t)k] = keep_or_zero_##T(src[8 * q + (size_t)k] * scale, (m >> k) & 1u); \
    }                                                                                  \
    for (size_t k = 8 * full; k < n; k++)                                              \
      dst[k] = keep_or_zero_##T(src[k] * scale, (bits[k / 8] >> (k % 8)) & 1u);        \
  }
APPLY(float, uint32_t)
APPLY(double, uint64_t)
#undef APPLY

#define FORWARD(T)                                                                     \
  static void forward_##T(const dropout_job *job) {                                    \
    uint8_t tile[DROPOUT_TILE_BYTES];                                                  \
    uint64_t b0 = job->block0;                                                         \
    T *dst = job->dst;                                                                 \
    const T *src = job->src;                                                           \
    const T scale = (T)job->scale;                                                     \
    for (size_t i = 0; i < job->n; i += DROPOUT_TILE, b0 += DROPOUT_TILE_BLOCKS) {    \
      mask_tile(job->keys, b0, job->thr, job->frac, tile);                                        \
      size_t rem = job->n - i, len = DROPOUT_TILE_BYTES;                               \
      if (rem < DROPOUT_TILE)                                                          \
        len = dropout_tail_bytes(tile, rem);                                           \
      else                                                                             \
        rem = DROPOUT_TILE;                                                            \
      dropout_put_bytes(job->bits + i / 8, tile, len);                                 \
      apply_##T(dst + i, src + i, tile, rem, scale);                                   \
    }                                                                                  \
  }
FORWARD(float)
FORWARD(double)
#undef FORWARD

static void backward_float(const dropout_job *job) {
  apply_float(job->dst, job->src, job->bits, job->n, (float)job->scale);
}

static void backward_double(const dropout_job *job) {
  apply_double(job->dst, job->src, job->bits, job->n, job->scale);
}

const dropout_isa *tocha_dropout_isa_generic(void) {
  static const dropout_isa isa = {"generic",      0,
                                  bits_generic,   forward_float, forward_double,
                                  backward_float, backward_double};
  return &isa;
}
