/*
 * tocha_random.h: the random number generator of tocha's C core.
 * (Included by tocha.h; it can also be included on its own.)
 *
 * Generator
 * ---------
 * Counter-based Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC 2011), the generator of Random123, cuRAND
 * and JAX.  One evaluation maps a 128-bit counter and a 64-bit key to a
 * "block" of four 32-bit lanes.  A tocha_rng is just (seed, offset):
 *
 *   key     = { (uint32_t)seed, (uint32_t)(seed >> 32) }
 *   block b = philox4x32(counter = { (uint32_t)b, (uint32_t)(b >> 32), 0, 0 },
 *                        key)           -> lanes x0 x1 x2 x3
 *
 * and a call consumes the blocks offset, offset+1, ..., advancing offset
 * past them (block indices wrap modulo 2^64).  Because every block is
 * computed independently, the value written to an element depends only on
 * (seed, offset at the call, the element's logical index i), never on how
 * the work is split between loops or threads.
 *
 * Derived values (x0..x3 the lanes of one block; u64(xa, xb) = xa | xb << 32):
 *   32-bit uniform   u24 = (x >> 8) * 2^-24                      in [0, 1)
 *   53-bit uniform   u53 = (u64(xa, xb) >> 11) * 2^-53           in [0, 1)
 *
 * Per-element scheme of the tensor fills ("element i" is the i-th element of
 * the tensor in logical row-major order, i = 0 .. n-1, o = g->offset at entry):
 *
 *   32-bit draws, 4 elements per block: element i uses lane i%4 of block
 *   o + i/4; offset advances by ceil(n/4).
 *     - tocha_uniform on a Float tensor:  a + (b - a) * u24 (rounded to float,
 *       then clamped into [a, b)).
 *     - tocha_bernoulli (any dtype):      1 if x < p * 2^32, else 0, i.e. the
 *       probability is ceil(p * 2^32) / 2^32 (exact for p = 0 and p = 1).
 *     - tocha_random_int when hi - lo + 1 <= 2^32 (any dtype): Lemire's
 *       multiply-shift bounded integer on x (see "retries" below).
 *
 *   64-bit draws, 2 elements per block: element i uses lanes 2*(i%2) and
 *   2*(i%2)+1 of block o + i/2, i.e. u64(x0, x1) for even i and u64(x2, x3)
 *   for odd i; offset advances by ceil(n/2).
 *     - tocha_uniform on a Double tensor: a + (b - a) * u53, clamped into
 *       [a, b); when b - a overflows, 2 * (a/2 + (b/2 - a/2) * u53) instead.
 *     - tocha_random_int when hi - lo + 1 > 2^32: Lemire on the 64-bit value.
 *
 *   Normal draws, 2 elements per block (Box-Muller on the whole block): with
 *   U1 = ((u64(x0, x1) >> 11) + 1) * 2^-53  in (0, 1],
 *   U2 = (u64(x2, x3) >> 11) * 2^-53        in [0, 1),
 *   R = sqrt(-2 log U1), T = 2 pi U2, element i of block o + i/2 is
 *   mean + stdv * R cos T for even i and mean + stdv * R sin T for odd i.
 *   The value is computed in double; a Float tensor receives it rounded, so
 *   a Float fill equals the rounded Double fill from the same state.
 *   Offset advances by ceil(n/2).
 *
 *   Retries: Lemire's method rejects a draw with probability < range/2^32
 *   (resp. range/2^64).  A rejected draw of an element whose draw came from
 *   block b, lanes L, is replaced by the same lanes L of the block computed
 *   with counter { (uint32_t)b, (uint32_t)(b >> 32), k, 0 } for k = 1, 2, ...
 *   (counters the main stream never uses), so a retry does not shift any
 *   other element and the offset advance stays ceil(n/4) or ceil(n/2).
 *
 *   tocha_randperm: Fisher-Yates; step k = 0 .. n-2 swaps position n-1-k with
 *   a position drawn uniformly from [0, n-1-k] using draw k, which is the
 *   32-bit draw of "element k" above when n <= 2^32 (offset advances by
 *   ceil((n-1)/4)) and the 64-bit draw otherwise (ceil((n-1)/2)).
 *
 *   Empty tensors (no elements) are a no-op and do not advance the offset.
 *   Only the number of elements matters for the advance: a failing call
 *   changes neither the tensor nor the generator.
 *
 * Scalar draws each consume exactly one block (the one at offset):
 *   tocha_rng_u32 = x0, tocha_rng_u64 = u64(x0, x1),
 *   tocha_rng_double = u53 of (x0, x1), tocha_rng_normal = R cos T as above
 * (so each equals element 0 of the corresponding tensor fill).
 *
 * Argument positions in errors skip the leading `g` (and `out`), as in
 * tocha.h: for tocha_uniform(g, t, a, b), t is 1, a is 2, b is 3.
 * Parameters that are NaN or infinite are rejected with TOCHA_EARG.
 * Tensors may have any strides, including 0 (expanded): elements are written
 * in logical row-major order and for aliased elements the last write wins.
 *
 * A tocha_rng is a plain value: copy it to fork a stream; it has no hidden
 * state and needs no cleanup.  Use one generator per thread, or reserve
 * blocks by advancing offset and use tocha_philox4x32_batch from workers.
 */
#ifndef TOCHA_RANDOM_H
#define TOCHA_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "tocha.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tocha_rng {
  uint64_t seed;   /* the Philox key */
  uint64_t offset; /* index of the next unused block */
} tocha_rng;

/* seed, and offset = 0. */
void tocha_rng_seed(tocha_rng *g, uint64_t seed);
/* 64 bits from /dev/urandom, falling back to time and clock (for tocha.seed()). */
uint64_t tocha_entropy_seed(void);

/* One raw Philox4x32-10 evaluation. */
void tocha_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);
/* Blocks first_block .. first_block + nblocks - 1 of the stream keyed by seed
 * (counter { block lo, block hi, 0, 0 }): out[4*j + lane] is lane `lane` of
 * block first_block + j.  out holds 4 * nblocks values. */
void tocha_philox4x32_batch(uint64_t seed, uint64_t first_block, size_t nblocks, uint32_t *out);

/* Scalar draws; each consumes one block. */
uint32_t tocha_rng_u32(tocha_rng *g);
uint64_t tocha_rng_u64(tocha_rng *g);
double tocha_rng_double(tocha_rng *g); /* [0, 1), 53 bits */
double tocha_rng_normal(tocha_rng *g); /* standard normal */

/* Fills t (Float or Double) uniformly on [a, b); a == b fills with a.
 * Errors: t not Float/Double (ETYPE 1); a or b not finite (EARG 2 / 3);
 * a > b (EARG 3); for a Float tensor a or b beyond the float range (EARG 2 / 3). */
tocha_status tocha_uniform(tocha_rng *g, tocha_tensor *t, double a, double b);
/* Fills t (Float or Double) with normal values; stdv >= 0 (0 fills with mean). */
tocha_status tocha_normal(tocha_rng *g, tocha_tensor *t, double mean, double stdv);
/* Fills t (any dtype) with 1 with probability p, else 0; 0 <= p <= 1. */
tocha_status tocha_bernoulli(tocha_rng *g, tocha_tensor *t, double p);
/* Fills t (any dtype) with integers uniform on [lo, hi] (inclusive, no
 * modulo bias); lo <= hi, and both representable exactly: Byte 0..255,
 * Float -2^24..2^24, Double -2^53..2^53, Long any int64. */
tocha_status tocha_random_int(tocha_rng *g, tocha_tensor *t, int64_t lo, int64_t hi);
/* More distributions, each element from one 64-bit draw u = u53 in [0, 1)
 * (2 elements per block, as the Double uniform fill; offset advances by
 * ceil(n/2)), computed in double and rounded to t's type:
 *   exponential  -log(1 - u) / lambda                 lambda > 0 (Float, Double)
 *   cauchy       median + sigma tan(pi (u - 1/2))      sigma > 0 (Float, Double)
 *   geometric    floor(log(1 - u) / log p) + 1, 0 < p < 1 (Float, Double, Long):
 *                Torch7's convention, P(k) = (1 - p) p^(k-1), k = 1, 2, ...
 *                (capped at 2^24 / 2^53 / 2^62 for Float / Double / Long)
 * and the log-normal fill is exp of the normal fill (same draws):
 *   log_normal   exp(mean + stdv z)                    stdv > 0 (Float, Double)
 * Parameters must be finite (EARG at their position). */
tocha_status tocha_exponential(tocha_rng *g, tocha_tensor *t, double lambda);
tocha_status tocha_cauchy(tocha_rng *g, tocha_tensor *t, double median, double sigma);
tocha_status tocha_geometric(tocha_rng *g, tocha_tensor *t, double p);
tocha_status tocha_log_normal(tocha_rng *g, tocha_tensor *t, double mean, double stdv);

/* out = a 1-D tensor of type dtype holding a random permutation of 0..n-1
 * (n == 0: an empty tensor).  n >= 0 (EARG 1), dtype must hold n-1 exactly:
 * Byte n <= 256, Float n <= 2^24, Double n <= 2^53 (EARG 1); an unknown
 * dtype is ETYPE 2.  On failure out is untouched.  An `out` of type dtype
 * is resized (tocha_tensor_resize): a view of n elements keeps its geometry
 * and receives the permutation in its own elements. */
tocha_status tocha_randperm(tocha_rng *g, tocha_tensor *out, int64_t n, tocha_dtype dtype);

/* ---- sampling categories (src/core/sampling.c) ---------------------------
 * Categories are 0-BASED here (the Lua binding adds 1).  Probabilities are
 * Float or Double, finite and >= 0, not necessarily normalised (each row is
 * divided by its sum, which must be > 0).  Draw j (j = 0, 1, ...) uses the
 * block o + j (o = g->offset at entry) and the offset advances by the
 * number of draws. */

/* prob: K categories (1-D) or R rows of K (2-D) -> out (Long): n draws per
 * row, shape n or R x n.  With `replacement` each draw is independent
 * (u53 of lanes 0, 1 against the row's cumulative sums); without it a
 * category is drawn at most once per row (it is then removed and the rest
 * renormalised), so n must not exceed the row's categories of non-zero
 * probability.  Positions: prob 1, n 2. */
tocha_status tocha_multinomial(tocha_rng *g, tocha_tensor *out, const tocha_tensor *prob, int64_t n,
                               int replacement);
/* Walker's alias tables for probs (1-D, K): q (probs' type, K) the
 * probability of keeping a bin, J (Long, K) its alias (0-based; J[i] = i
 * where q[i] = 1).  Position: probs 1. */
tocha_status tocha_multinomial_alias_setup(tocha_tensor *J, tocha_tensor *q, const tocha_tensor *probs);
/* Fills out (Long, any shape, logical order) with draws from the tables:
 * element i takes bin b = floor(u53(lanes 0, 1) * K) of block o + i and
 * keeps it when u53(lanes 2, 3) < q[b], else takes J[b].
 * Positions: J 1, q 2. */
tocha_status tocha_multinomial_alias_draw(tocha_rng *g, tocha_tensor *out, const tocha_tensor *J,
                                          const tocha_tensor *q);

#ifdef __cplusplus
}
#endif
#endif /* TOCHA_RANDOM_H */
