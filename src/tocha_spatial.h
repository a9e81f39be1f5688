/*
 * tocha_spatial.h: the kernels behind tocha.nn's convolutional family
 * (SpatialConvolution(MM), SpatialMaxPooling, SpatialAveragePooling,
 * (Spatial)BatchNormalization), forward and backward, THNN style.
 *
 * Images are (C, H, W) or batches (N, C, H, W), FloatTensor or
 * DoubleTensor, contiguous (the Lua modules make a strided input
 * contiguous first); every tensor of one call has one type.  Outputs
 * come first and are resized (tocha_tensor_resize) to the result's
 * shape; they must then be contiguous.  Error messages use Torch7's
 * names (input, gradOutput, weight, nInputPlane, ...).
 *
 * Work is split by image over tocha's pool (tocha_get_num_threads()):
 * each thread unfolds its own images into its own slot of the caller's
 * workspace tensor and makes single-threaded BLAS calls on them, so once
 * the workspace has grown to its size no step allocates.
 */
#ifndef TOCHA_SPATIAL_H
#define TOCHA_SPATIAL_H

#include "tocha.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Kernel (kW x kH), step (dW, dH) and zero padding (padW, padH) of a
 * convolution or pooling window; ceil_mode only for pooling. */
typedef struct tocha_window {
  int64_t kW, kH, dW, dH, padW, padH;
  int ceil_mode;
  int algorithm; /* convolution only: one of tocha_conv_algorithm */
} tocha_window;

/* How a convolution is computed: AUTO (0) takes Winograd's F(2x2, kxk)
 * where it pays (float, step 1, kernels 2..5, 16 planes or more in and
 * out), else im2col + GEMM; GEMM always unfolds; WINOGRAD takes Winograd
 * wherever the shape allows it (float, step 1, kernels 2..5, padding
 * below the kernel), whatever the plane counts. */
typedef enum tocha_conv_algorithm { TOCHA_CONV_AUTO = 0, TOCHA_CONV_GEMM, TOCHA_CONV_WINOGRAD } tocha_conv_algorithm;

/* ---- convolution: output[n, o] = bias[o] + sum_c weight[o, c] * input[n, c]
 * (cross-correlation, as Torch7), output size (H + 2 padH - kH) / dH + 1
 * (floor).  weight: (nOutputPlane, nInputPlane, kH, kW) or its 2-D form
 * (nOutputPlane, nInputPlane*kH*kW), contiguous; bias: NULL or
 * (nOutputPlane).  `work` is a scratch tensor of the weight's type kept
 * by the caller (Torch7's finput): it grows, never shrinks. */
tocha_status tocha_conv2d_forward(tocha_tensor *output, tocha_tensor *work, const tocha_tensor *input,
                                  const tocha_tensor *weight, const tocha_tensor *bias, tocha_window w);
/* Backward in one pass over the images, each unfolded once:
 *   grad_input (NULL: not wanted)  = the transposed convolution of gradOutput,
 *   grad_weight (NULL: not wanted) += scale * sum_n gradOutput[n] * unfold(input[n])^T,
 *   grad_bias (NULL: none)         += scale * sum over n, y, x of gradOutput.
 * grad_weight has the weight's shape, grad_bias the bias's. */
tocha_status tocha_conv2d_backward(tocha_tensor *grad_input, tocha_tensor *grad_weight, tocha_tensor *grad_bias,
                                   tocha_tensor *work, const tocha_tensor *input, const tocha_tensor *grad_output,
                                   const tocha_tensor *weight, tocha_window w, double scale);

/* ---- general convolutions (convnd.c): 2-D images (C, H, W) / (N, C, H, W)
 * (nd 2) or 3-D volumes (C, T, H, W) / (N, C, T, H, W) (nd 3), with
 * stride d, zero padding pad, dilation dil and, for a full (transposed)
 * convolution, the output adjustment adj (0 <= adj < d), per axis T, H, W
 * (for nd 2 the T entries must be k 1, d 1, pad 0, dil 1, adj 0).
 *   convolution:  out = floor((in + 2 pad - dil (k - 1) - 1) / d) + 1,
 *     weight (nOutputPlane, nInputPlane/groups, k...), output planes in
 *     `groups` blocks each seeing its block of input planes;
 *   full convolution (transposed): out = (in - 1) d - 2 pad + dil (k - 1) + 1 + adj,
 *     weight (nInputPlane, nOutputPlane, k...) (Torch7's), groups 1;
 * bias NULL or (nOutputPlane); `work` a scratch tensor of the weight's
 * type that only grows. */
typedef struct tocha_volwindow {
  int nd, transposed;
  int64_t groups;
  int64_t k[3], d[3], pad[3], dil[3], adj[3];
} tocha_volwindow;
tocha_status tocha_convnd_forward(tocha_tensor *output, tocha_tensor *work, const tocha_tensor *input,
                                  const tocha_tensor *weight, const tocha_tensor *bias, const tocha_volwindow *w);
/* grad_input (NULL: not wanted) = the input's gradient; grad_weight (NULL:
 * not wanted) += scale * the weight's; grad_bias (NULL: none) += scale *
 * gradOutput summed over everything but the planes. */
tocha_status tocha_convnd_backward(tocha_tensor *grad_input, tocha_tensor *grad_weight, tocha_tensor *grad_bias,
                                   tocha_tensor *work, const tocha_tensor *input, const tocha_tensor *grad_output,
                                   const tocha_tensor *weight, const tocha_volwindow *w, double scale);

/* ---- volumetric max pooling (pool3d.c): windows w->k of taps w->dil apart,
 * step w->d, padding w->pad (at most half the kernel), nd 3; output size
 * tocha_window_out of the extent dil (k - 1) + 1 (ceil_mode: Torch7's
 * rounding up).  indices (LongTensor, the output's size) = the maximum's
 * tap (a kH + b) kW + c in its window, 0-based. */
tocha_status tocha_maxpool3d_forward(tocha_tensor *output, tocha_tensor *indices, const tocha_tensor *input,
                                     const tocha_volwindow *w, int ceil_mode);
tocha_status tocha_maxpool3d_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                      const tocha_tensor *grad_output, const tocha_tensor *indices,
                                      const tocha_volwindow *w, int ceil_mode);

/* ---- pooling: output size (H + 2 padH - kH) / dH + 1, rounded up with
 * ceil_mode, less one when the last window would start in the padding
 * (Torch7's rule); padding at most half the kernel. */

/* output = the maximum of each window; indices (LongTensor, the output's
 * shape) = 1-based position y * W + x + 1 of that maximum in its plane
 * (Torch7's).  Padding never wins; a NaN does. */
tocha_status tocha_maxpool2d_forward(tocha_tensor *output, tocha_tensor *indices, const tocha_tensor *input,
                                     tocha_window w);
/* grad_input (the input's shape) = gradOutput scattered to the indices. */
tocha_status tocha_maxpool2d_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                      const tocha_tensor *grad_output, const tocha_tensor *indices, tocha_window w);

/* output = the window's sum divided by its size: with count_include_pad
 * the window clipped to the padded image (Torch7's default), else clipped
 * to the image. */
tocha_status tocha_avgpool2d_forward(tocha_tensor *output, const tocha_tensor *input, tocha_window w,
                                     int count_include_pad);
tocha_status tocha_avgpool2d_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                      const tocha_tensor *grad_output, tocha_window w, int count_include_pad);

/* ---- batch normalization over the planes of (N, C) or (N, C, H, W) input
 * (3-D (C, H, W) is a batch of one), per plane c:
 *   training: mean and biased variance over n, y, x; save_mean = mean,
 *     save_std = 1 / sqrt(var + eps); running_mean = (1 - momentum)
 *     running_mean + momentum mean, running_var likewise with the unbiased
 *     variance (Torch7's);
 *   evaluation: running_mean and running_var in their place.
 *   output = (input - mean) * std * weight[c] + bias[c]  (weight, bias NULL: 1, 0).
 * running_mean, running_var, save_mean, save_std: (C) of the input's type. */
tocha_status tocha_batchnorm_forward(tocha_tensor *output, const tocha_tensor *input, const tocha_tensor *weight,
                                     const tocha_tensor *bias, tocha_tensor *running_mean,
                                     tocha_tensor *running_var, tocha_tensor *save_mean, tocha_tensor *save_std,
                                     int train, double momentum, double eps);
/* grad_input (NULL: not wanted), grad_weight and grad_bias (NULL: none,
 * accumulated with `scale`) from the statistics the forward used (the
 * batch's in training, the running ones in evaluation). */
tocha_status tocha_batchnorm_backward(tocha_tensor *grad_input, tocha_tensor *grad_weight, tocha_tensor *grad_bias,
                                      const tocha_tensor *input, const tocha_tensor *grad_output,
                                      const tocha_tensor *weight, const tocha_tensor *running_mean,
                                      const tocha_tensor *running_var, const tocha_tensor *save_mean,
                                      const tocha_tensor *save_std, int train, double scale, double eps);

#ifdef __cplusplus
}
#endif

#endif
