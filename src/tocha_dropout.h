/*
 * tocha_dropout.h: the dropout kernel (part of tocha's public C API,
 * included by tocha.h).
 *
 * Training-mode dropout keeps each unit with probability 1 - p and scales
 * kept units by `scale` (1/(1-p) for "inverted" dropout, 1 for Torch7's v1).
 * The mask is stored as bits: one bit per group of `group` consecutive
 * elements (group = 1 for nn.Dropout; the feature-map size for
 * nn.SpatialDropout), least significant bit first, in a ByteTensor of
 * ceil(ngroups / 8) bytes.
 *
 * Randomness (the mask depends only on the seed, g->offset at the call,
 * the group's index k and p - never on the thread count, the chunking or
 * the instruction set used):
 *
 *   Groups come in tiles of 128: group k is entry r = k % 128 of tile
 *   t = k / 128, and r = 32*L + 2*j + h (L = r / 32 in 0..3, j = (r % 32) / 2
 *   in 0..15, h = r % 2).  Its 16-bit draw is
 *
 *     u = (x_L >> (16*h)) & 0xFFFF,  x_L = lane L of the Philox4x32-10 block
 *                                    o + 16*t + j  (o = g->offset at entry),
 *
 *   blocks and lanes exactly as in tocha_random.h (key = seed, counter
 *   { block lo, block hi, 0, 0 }, tocha_philox4x32_batch), and the group is
 *   kept iff u < T, with x = (1 - p) * 2^16 (exact in double) and
 *   T = floor(x) (0 <= T <= 2^16), or, when x is not an integer, iff
 *   u = 0xFFFF and its extra draw e < F = floor((x - T) * 2^64), e being
 *   the 64-bit word lane 0 + 2^32 lane 1 of the Philox block with counter
 *   { (uint32_t)b, (uint32_t)(b >> 32), 0, 1 + r }, b = o + 16*t the tile's
 *   first block (counters no other draw uses: the main stream's words 2
 *   and 3 are 0, and retries in tocha_random.h leave word 3 at 0).
 *   So each 32-bit lane gives two consecutive groups (low half first), a
 *   tile uses 16 consecutive blocks, and lane L of those 16 blocks gives the
 *   32 consecutive groups 32*L .. 32*L+31 - which is what lets one 16-bit
 *   vector comparison of a register of lanes yield 32 mask bits in order.
 *   g->offset advances by 16 * ceil(ngroups / 128); an empty input does not
 *   advance it.
 *
 *   Keep rate: T / 2^16 + F / 2^80, which is 1 - p to within 2^-80
 *   (relative error below 2^-27 for every p < 1 a double can hold), so the
 *   output's expected value is input * scale * (1 - p) for every p in
 *   [0, 1), to that precision: at p = 0.9999999 one unit in 10^7 is kept,
 *   not one in 2^16.  The extra draw is made only for the draws of 0xFFFF
 *   (one in 2^16): the kernels find them with one comparison of the
 *   lane-wise maximum of a tile's draws and patch the few tiles that have
 *   one, so the speed stays close to the 16-bit scheme's (callgrind, AVX2
 *   path, 1M floats: 4% more instructions than that scheme when x is not an
 *   integer, as for p = 0.3; 2% when it is, as for p = 0.5, where no test
 *   runs).  p = 0 keeps everything.
 *
 * The kernels: one fused pass per tile (draw, store 16 mask bytes, write
 * the scaled or zeroed outputs), with AVX-512 or AVX2 when the CPU has them
 * (all paths give bit-identical results); contiguous tensors of at least
 * 128K elements are split at tile boundaries over tocha_get_num_threads()
 * threads (tocha's own pool, src/core/threads.h); outputs
 * of 1 MiB and more are written with non-temporal stores.  Non-contiguous
 * tensors and group > 1 draw the bits the same way, then apply them in a
 * strided loop.
 */
#ifndef TOCHA_DROPOUT_H
#define TOCHA_DROPOUT_H

#include "tocha.h"
#include "tocha_random.h"

#ifdef __cplusplus
extern "C" {
#endif

/* output = input * mask * scale, with a fresh mask.  input: Float or Double,
 * any shape and strides, nElement divisible by group; output (same dtype)
 * is resized to input's shape (a right-sized view keeps its geometry) and
 * may be input itself (in place), or overlap it; mask (Byte) is resized to
 * hold the bits as a contiguous array (a non-contiguous mask is replaced by
 * a new tensor).  0 <= p < 1, scale finite.
 * Errors: input 1, mask 2, p 3, scale 4, group 5 (output is not counted). */
tocha_status tocha_dropout_forward(tocha_rng *g, tocha_tensor *output, const tocha_tensor *input,
                                   tocha_tensor *mask, double p, double scale, int64_t group);

/* The same for a shard of a larger call: input's groups are groups first ..
 * first + ngroups - 1 of a forward over `total` groups, and get exactly the
 * mask bits that forward would give them; g->offset advances as that whole
 * forward would (16 * ceil(total / 128)), so N processes that each hold
 * some rows of a batch draw the single-process masks of their rows and keep
 * their generators in step (an empty shard still advances).
 * Errors: as tocha_dropout_forward, and first/total 6. */
tocha_status tocha_dropout_forward_shard(tocha_rng *g, tocha_tensor *output, const tocha_tensor *input,
                                         tocha_tensor *mask, double p, double scale, int64_t group, int64_t first,
                                         int64_t total);

/* grad_input = grad_output * mask * scale, reusing the mask of the last
 * forward.  grad_output must have as many elements as that forward's
 * input; grad_input is resized like grad_output and may be it (in place).
 * Errors: grad_output 1, mask 2, scale 3, group 4. */
tocha_status tocha_dropout_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                    const tocha_tensor *mask, double scale, int64_t group);

/* The instruction set the kernels use: "avx512" (AVX-512 F+BW), "avx2" or
 * "generic" (portable C).  Chosen at the first dropout call: the best the
 * CPU supports, capped by the environment variable TOCHA_SIMD (one of those
 * names) when it is set; an unknown TOCHA_SIMD name makes every dropout
 * call fail with TOCHA_EARG (argument 0) saying so. */
const char *tocha_dropout_isa(void);
/* Forces an instruction set by name, or the automatic choice with NULL
 * (ignoring TOCHA_SIMD), for tests and benchmarks.  Errors: unknown name, or
 * one this CPU or build lacks (TOCHA_EARG 1).  Not thread-safe: call it
 * while no dropout call runs. */
tocha_status tocha_dropout_set_isa(const char *name);

/* out (Byte) = the mask as 0/1 per element, in the given shape.
 * Errors: mask 1, shape 2, group 3. */
tocha_status tocha_dropout_mask_expand(tocha_tensor *out, const tocha_tensor *mask, int ndim,
                                       const int64_t *size, int64_t group);

#ifdef __cplusplus
}
#endif
#endif
