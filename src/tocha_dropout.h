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
 * Randomness: group k is kept when lane k%4 of Philox block
 * (g->offset + k/4) is below ceil((1-p) * 2^32), exactly the draw
 * tocha_bernoulli(g, t, 1 - p) makes for element k; g->offset then advances
 * by ceil(ngroups/4).  The mask depends only on (seed, offset, k), never on
 * how the work is split.
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

/* grad_input = grad_output * mask * scale, reusing the mask of the last
 * forward.  grad_output must have as many elements as that forward's
 * input; grad_input is resized like grad_output and may be it (in place).
 * Errors: grad_output 1, mask 2, scale 3, group 4. */
tocha_status tocha_dropout_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                    const tocha_tensor *mask, double scale, int64_t group);

/* out (Byte) = the mask as 0/1 per element, in the given shape.
 * Errors: mask 1, shape 2, group 3. */
tocha_status tocha_dropout_mask_expand(tocha_tensor *out, const tocha_tensor *mask, int ndim,
                                       const int64_t *size, int64_t group);

#ifdef __cplusplus
}
#endif
#endif
