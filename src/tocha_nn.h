/*
 * tocha_nn.h: the kernels behind tocha.nn's layers and criterions
 * (activations, softmax, losses), forward and backward, THNN style.
 *
 * Element types: FloatTensor and DoubleTensor; every tensor of one call
 * has the same type (class-index targets may also be a LongTensor).
 * Conventions are those of tocha.h: output parameters come first and are
 * not counted in argument positions; `output` may be the same tensor as
 * `input` and `grad_input` the same as `grad_output` (Torch7's inplace);
 * other outputs are resized to the input's shape (tocha_tensor_resize: an
 * output that already has that shape keeps its geometry and is written
 * through its strides, else it is re-laid out contiguously).  Messages
 * use Torch7's names (input, gradOutput, target, weights).
 */
#ifndef TOCHA_NN_H
#define TOCHA_NN_H

#include "tocha.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- activations (elementwise, any shape) ------------------------------
 * Backward functions take the tensor the derivative is computed from:
 * the forward output when it suffices (so inplace forwards work), else
 * the input.  gradOutput must have that tensor's shape. */

/* y = max(x, 0) */
tocha_status tocha_nn_relu_forward(tocha_tensor *output, const tocha_tensor *input);
/* gi = go * (x > 0); `input` may as well be the output (both are
 * positive at the same places), e.g. the input after an inplace forward. */
tocha_status tocha_nn_relu_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                    const tocha_tensor *input);

/* y = x > 0 ? x : negval * x */
tocha_status tocha_nn_leaky_relu_forward(tocha_tensor *output, const tocha_tensor *input, double negval);
/* gi = go * (x > 0 ? 1 : negval); `input` may be the inplace output when
 * negval >= 0 (the sign is then preserved). */
tocha_status tocha_nn_leaky_relu_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                          const tocha_tensor *input, double negval);

/* y = x > 0 ? x : alpha * (exp(x) - 1) */
tocha_status tocha_nn_elu_forward(tocha_tensor *output, const tocha_tensor *input, double alpha);
/* gi = go * (y > 0 ? 1 : y + alpha); exact for alpha >= 0. */
tocha_status tocha_nn_elu_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                   const tocha_tensor *output, double alpha);

/* y = tanh(x); gi = go * (1 - y^2) */
tocha_status tocha_nn_tanh_forward(tocha_tensor *output, const tocha_tensor *input);
tocha_status tocha_nn_tanh_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                    const tocha_tensor *output);

/* y = 1 / (1 + exp(-x)); gi = go * y * (1 - y) */
tocha_status tocha_nn_sigmoid_forward(tocha_tensor *output, const tocha_tensor *input);
tocha_status tocha_nn_sigmoid_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                       const tocha_tensor *output);

/* ---- Linear: y = x W^T + b ------------------------------------------------
 * weight: (outputSize, inputSize); bias: NULL or (outputSize); input:
 * (inputSize) or (batch, inputSize); gradOutput: (outputSize) or (batch,
 * outputSize).  Products go to BLAS without copies (transposes are BLAS
 * flags); once the results have their shape nothing is allocated.
 * Messages name the types as Lua does ("tocha.FloatTensor"). */

/* output = input W^T + b (each row).  output may share memory with an
 * operand (it is then computed aside and copied).
 * Positions: input 1, weight 2, bias 3. */
tocha_status tocha_nn_linear_forward(tocha_tensor *output, const tocha_tensor *input, const tocha_tensor *weight,
                                     const tocha_tensor *bias);
/* grad_input = gradOutput W, shaped like input.
 * Positions: input 1, gradOutput 2, weight 3. */
tocha_status tocha_nn_linear_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                      const tocha_tensor *grad_output, const tocha_tensor *weight);
/* grad_weight += scale gradOutput^T input, grad_bias (NULL: none) +=
 * scale * the column sums of gradOutput.  For a batch with a bias, `ones`
 * is a vector of ones kept by the caller between calls (Torch7's
 * addBuffer): resized to the batch size and filled with 1 when its size
 * differs, then used as it is.  Positions: input 1, gradOutput 2. */
tocha_status tocha_nn_linear_acc_grad_parameters(tocha_tensor *grad_weight, tocha_tensor *grad_bias,
                                                 tocha_tensor *ones, const tocha_tensor *input,
                                                 const tocha_tensor *grad_output, double scale);

/* ---- softmax over the last dimension of a 1-D (n) or 2-D (batch, n) input
 * (the row maximum is subtracted first, so large inputs do not overflow) */

/* y = exp(x) / sum(exp(x)) */
tocha_status tocha_nn_softmax_forward(tocha_tensor *output, const tocha_tensor *input);
/* gi = y * (go - sum(go * y)) per row */
tocha_status tocha_nn_softmax_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                       const tocha_tensor *output);
/* y = x - log(sum(exp(x))) */
tocha_status tocha_nn_log_softmax_forward(tocha_tensor *output, const tocha_tensor *input);
/* gi = go - exp(y) * sum(go) per row */
tocha_status tocha_nn_log_softmax_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                           const tocha_tensor *output);

/* ---- criterions: forward stores the loss in *loss, backward writes
 * gradInput = d loss / d input.  With size_average the loss is a mean. */

/* Negative log likelihood of class indices.  input: (n) log-probabilities
 * with a one-element target, or (batch, n) with a target of (batch).
 * Targets are 1-based class indices (Float, Double or Long tensor); a
 * target equal to ignore_index contributes nothing.  weights: NULL or (n),
 * the weight of each class; the mean divides by the sum of the weights of
 * the targets seen.  loss = -sum_i w[t_i] x[i, t_i] (/ sum_i w[t_i]).
 * Positions: input 1, target 2, weights 3. */
tocha_status tocha_nn_class_nll_forward(double *loss, const tocha_tensor *input, const tocha_tensor *target,
                                        const tocha_tensor *weights, int size_average, int64_t ignore_index);
tocha_status tocha_nn_class_nll_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                         const tocha_tensor *target, const tocha_tensor *weights,
                                         int size_average, int64_t ignore_index);

/* Mean squared error: loss = sum (x - t)^2 (/ nElement); input and target
 * of the same shape.  Positions: input 1, target 2. */
tocha_status tocha_nn_mse_forward(double *loss, const tocha_tensor *input, const tocha_tensor *target,
                                  int size_average);
tocha_status tocha_nn_mse_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                   const tocha_tensor *target, int size_average);

/* Binary cross entropy of probabilities x in [0, 1] against targets t:
 * loss = -sum w (t log(x + eps) + (1 - t) log(1 - x + eps)) (/ nElement),
 * eps = 1e-12 as in Torch7.  weights: NULL, input's shape, or (n) for a
 * (batch, n) input (the same weights for every row).
 * Positions: input 1, target 2, weights 3. */
#define TOCHA_NN_BCE_EPS 1e-12
tocha_status tocha_nn_bce_forward(double *loss, const tocha_tensor *input, const tocha_tensor *target,
                                  const tocha_tensor *weights, int size_average);
tocha_status tocha_nn_bce_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                   const tocha_tensor *target, const tocha_tensor *weights, int size_average);

/* ---- optimizers -------------------------------------------------------------
 * The update of optim.sgd (Torch7's) in one pass over the parameters x,
 * their gradient dfdx (positions 1, 2) and the momentum buffer (3; NULL
 * without momentum), all of one type (Float, Double) and size:
 *   dfdx += weight_decay * x                        (when weight_decay != 0)
 *   buffer = fresh ? dfdx : momentum * buffer + (1 - dampening) * dfdx
 *   dfdx += momentum * buffer                       (nesterov)
 *   x -= lr * (momentum == 0 || nesterov ? dfdx : buffer)
 * (dfdx is changed in place by weight decay and Nesterov, as in Torch7).
 * Each element gets the same operations, rounded the same way, as that
 * sequence of tensor operations.  Contiguous tensors are split among
 * tocha_get_num_threads() threads; tensors that share memory get the
 * separate passes. */
tocha_status tocha_optim_sgd_update(tocha_tensor *x, tocha_tensor *dfdx, tocha_tensor *buffer, double lr,
                                    double weight_decay, double momentum, double dampening, int nesterov,
                                    int fresh);

#ifdef __cplusplus
}
#endif
#endif /* TOCHA_NN_H */
