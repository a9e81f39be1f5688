/*
 * tocha_conv.h: 2-D and 3-D convolutions and cross-correlations of tensors
 * (Torch7's torch.conv2, xcorr2, conv3, xcorr3), part of tocha's public C
 * API, included by tocha.h.
 *
 * nd = 2 or 3 spatial dimensions, mode 'V' (valid: output X - K + 1 along
 * each spatial dimension, X >= K required) or 'F' (full: X + K - 1).
 *   cross-correlation  out[o] = sum_a x[o - off + a] k[a]   (off = 0 valid, K - 1 full)
 *   convolution        the same with k flipped along its nd spatial dimensions
 * (terms outside x are absent in full mode).  Forms, as Torch7's:
 *   x nd-D,       k nd-D                  -> out nd-D
 *   x (nd+1)-D P, k (nd+1)-D P planes     -> out P planes: out[p] = x[p] (*) k[p]
 *   x (nd+1)-D I, k (nd+2)-D O x I        -> out O planes: out[o] = sum_i x[i] (*) k[o][i]
 * Float and Double (x, k and out of one type); sums are accumulated in
 * double, in the same order for both operations, so conv with k equals
 * xcorr with k flipped exactly.  out is shaped with tocha_tensor_resize
 * and may alias x or k.  Positions: x 1, k 2, mode 3.
 */
#ifndef TOCHA_CONV_H
#define TOCHA_CONV_H

#include "tocha.h"

#ifdef __cplusplus
extern "C" {
#endif

tocha_status tocha_conv(tocha_tensor *out, const tocha_tensor *x, const tocha_tensor *k, int nd, char mode,
                        int convolution);

#ifdef __cplusplus
}
#endif
#endif /* TOCHA_CONV_H */
