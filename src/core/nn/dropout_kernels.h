/*
 * dropout_kernels.h: internal interface between the dropout front end
 * (dropout.c: checks, threads, instruction-set choice) and its kernels, one
 * set per instruction set: dropout_generic.c (portable C), dropout_avx2.c
 * and dropout_avx512.c (compiled with -mavx2 / -mavx512* for x86-64 only,
 * called only when the CPU has them).  Every set computes bit-for-bit the
 * same mask and values: the scheme is in src/tocha_dropout.h.
 *
 * Only static inline functions here: a non-static inline definition could
 * be emitted from an AVX-512 file and then picked by the linker for callers
 * on CPUs without AVX-512.
 */
#ifndef TOCHA_CORE_DROPOUT_KERNELS_H
#define TOCHA_CORE_DROPOUT_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../tocha.h" /* tocha_philox4x32 */

/* A tile: 128 consecutive elements (or groups), drawn from 16 consecutive
 * Philox blocks (4 lanes x 2 halves of 16 bits x 16 blocks), and stored as
 * 16 mask bytes.  Threads and batches split the work at tile boundaries. */
#define DROPOUT_TILE 128
#define DROPOUT_TILE_BLOCKS 16
#define DROPOUT_TILE_BYTES 16

/* How far ahead (bytes) the SIMD forward kernels prefetch their input. */
#define DROPOUT_PREFETCH 4096

#define DROPOUT_PHILOX_M0 UINT32_C(0xD2511F53)
#define DROPOUT_PHILOX_M1 UINT32_C(0xCD9E8D57)
#define DROPOUT_PHILOX_W0 UINT32_C(0x9E3779B9)
#define DROPOUT_PHILOX_W1 UINT32_C(0xBB67AE85)
#define DROPOUT_PHILOX_ROUNDS 10

/* The round keys of Philox4x32-10 for one seed: k[r] = (key0 + r*W0, key1 + r*W1). */
typedef struct dropout_keys {
  uint32_t k0[DROPOUT_PHILOX_ROUNDS], k1[DROPOUT_PHILOX_ROUNDS];
} dropout_keys;

static inline void dropout_keys_init(dropout_keys *keys, uint64_t seed) {
  uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
  for (int r = 0; r < DROPOUT_PHILOX_ROUNDS; r++) {
    keys->k0[r] = k0;
    keys->k1[r] = k1;
    k0 += DROPOUT_PHILOX_W0;
    k1 += DROPOUT_PHILOX_W1;
  }
}

/* One contiguous piece of work.  Element (or group) 0 of the piece is
 * element `first` of the whole call, a multiple of DROPOUT_TILE, so its
 * mask byte is bits[0] and its tile's first block is block0 =
 * offset + first / 8 (16 blocks per tile). */
typedef struct dropout_job {
  const dropout_keys *keys;
  uint64_t block0;
  uint32_t thr;   /* keep iff 16-bit draw < thr (SIMD kernels: thr >= 1), or see frac */
  uint64_t frac;  /* nonzero: a draw of 0xFFFF is kept iff its extra draw < frac */
  size_t n;       /* elements (groups) in this piece */
  uint8_t *bits;  /* ceil(n / 8) mask bytes; bits past n in the last byte are 0 */
  void *dst;      /* forward/backward output, n elements */
  const void *src;
  double scale;
  int stream;     /* 1: use non-temporal stores for dst (it is suitably aligned) */
} dropout_job;

typedef struct dropout_isa {
  const char *name;
  /* Stream alignment required of dst (bytes) for job->stream; 0: never streams. */
  size_t stream_align;
  void (*bits)(const dropout_job *job); /* the mask bits only */
  void (*forward_float)(const dropout_job *job);
  void (*forward_double)(const dropout_job *job);
  void (*backward_float)(const dropout_job *job); /* reads job->bits */
  void (*backward_double)(const dropout_job *job);
} dropout_isa;

/* Each returns NULL when the file was built without its instruction set
 * (another architecture or compiler). */
const dropout_isa *tocha_dropout_isa_generic(void);
const dropout_isa *tocha_dropout_isa_avx2(void);
const dropout_isa *tocha_dropout_isa_avx512(void);

/* The exact keep rate (tocha_dropout.h): element r (0..127) of the tile at
 * blocks b0.. whose 16-bit draw is 0xFFFF (above every threshold) is kept
 * iff the 64-bit extra draw, lanes 0 and 1 (low word first) of the block
 * with counter { b0 lo, b0 hi, 0, 1 + r }, is below frac.  Such draws come
 * once in 2^16, and 0xFFFF is the one value a maximum over registers finds
 * with a single comparison, so the kernels test a tile for them cheaply and
 * call dropout_patch_tile rarely. */
#define DROPOUT_EDGE 0xFFFFu

static inline int dropout_edge_keep(const dropout_keys *keys, uint64_t b0, unsigned r, uint64_t frac) {
  const uint32_t ctr[4] = {(uint32_t)b0, (uint32_t)(b0 >> 32), 0, 1u + r};
  const uint32_t key[2] = {keys->k0[0], keys->k1[0]};
  uint32_t out[4];
  tocha_philox4x32(ctr, key, out);
  return ((uint64_t)out[0] | (uint64_t)out[1] << 32) < frac;
}

/* For a tile (blocks b0 .. b0+15) with at least one draw of 0xFFFF: sets,
 * in keep[L] (bit 2*j + h = element 32*L + 2*j + h, 1 = kept), the bits of
 * those draws that their extra draw keeps.  The draws are computed again
 * here, in plain C: this runs for about one tile in 500 (when frac != 0),
 * and keeps the vector kernels free of the bookkeeping. */
static __attribute__((noinline, cold, unused)) void dropout_patch_tile(const dropout_keys *keys, uint64_t b0,
                                                                       uint64_t frac, uint32_t keep[4]) {
  const uint32_t key[2] = {keys->k0[0], keys->k1[0]};
  for (unsigned j = 0; j < DROPOUT_TILE_BLOCKS; j++) {
    uint64_t b = b0 + j;
    const uint32_t ctr[4] = {(uint32_t)b, (uint32_t)(b >> 32), 0, 0};
    uint32_t x[4];
    tocha_philox4x32(ctr, key, x);
    for (unsigned lane = 0; lane < 4; lane++)
      for (unsigned h = 0; h < 2; h++)
        if (((x[lane] >> (16 * h)) & 0xFFFFu) == DROPOUT_EDGE &&
            dropout_edge_keep(keys, b0, 32 * lane + 2 * j + h, frac))
          keep[lane] |= 1u << (2 * j + h);
  }
}

/* Writes the `len` (<= 16) low bytes of a tile's mask. */
static inline void dropout_put_bytes(uint8_t *bits, const uint8_t tile[DROPOUT_TILE_BYTES], size_t len) {
  memcpy(bits, tile, len);
}

/* The mask bytes a partial tile of `rem` elements (0 < rem <= 128) owns,
 * with the bits past rem cleared in tile[]. */
static inline size_t dropout_tail_bytes(uint8_t tile[DROPOUT_TILE_BYTES], size_t rem) {
  size_t nbytes = (rem + 7) / 8;
  for (size_t b = nbytes; b < DROPOUT_TILE_BYTES; b++) tile[b] = 0;
  if (rem % 8) tile[nbytes - 1] &= (uint8_t)((1u << (rem % 8)) - 1);
  return nbytes;
}

#endif
