/*
 * nn.Linear's kernels: y = x W^T + b, its gradient with respect to x, and
 * the accumulation of the gradients of W and b.  Every product goes to
 * BLAS as it is (W^T is a transposed view on the stack, read with BLAS's
 * transpose flag), nothing is copied, and once the result tensors have
 * their shape no memory is allocated.
 */
#include <stdio.h>

#include "../../tocha_nn.h"
#include "../result.h"

/* ---- checks ---------------------------------------------------------------- */

static tocha_status check_real(const tocha_tensor *t, int arg, const char *name) {
  if (t->dtype == TOCHA_FLOAT || t->dtype == TOCHA_DOUBLE) return TOCHA_OK;
  return tocha_fail(TOCHA_ETYPE, arg, "%s must be a FloatTensor or DoubleTensor, got a %sTensor", name,
                    tocha_dtype_name(t->dtype));
}

/* weight: (outputSize, inputSize); bias: NULL or (outputSize), same type. */
static tocha_status check_parameters(const tocha_tensor *weight, int wpos, const char *wname,
                                     const tocha_tensor *bias, int bpos, const char *bname) {
  tocha_status st = check_real(weight, wpos, wname);
  if (st) return st;
  char s[128];
  if (weight->ndim != 2) {
    tocha_tensor_shape_string(weight, s, sizeof s);
    return tocha_fail(TOCHA_ESIZE, wpos, "%s must be a matrix (outputSize x inputSize), got size %s", wname, s);
  }
  if (!bias) return TOCHA_OK;
  if (bias->dtype != weight->dtype)
    return tocha_fail(TOCHA_ETYPE, bpos, "%s is a tocha.%sTensor but %s is a tocha.%sTensor", bname,
                      tocha_dtype_name(bias->dtype), wname, tocha_dtype_name(weight->dtype));
  if (bias->ndim != 1 || bias->size[0] != weight->size[0]) {
    tocha_tensor_shape_string(bias, s, sizeof s);
    return tocha_fail(TOCHA_ESIZE, bpos, "%s must be a vector of %lld elements, got size %s", bname,
                      (long long)weight->size[0], s);
  }
  return TOCHA_OK;
}

/* input: (inputSize) or (batch, inputSize), of the weights' type. */
static tocha_status check_input(const tocha_tensor *input, int pos, const tocha_tensor *weight) {
  if (input->dtype != weight->dtype)
    return tocha_fail(TOCHA_ETYPE, pos,
                      "input is a tocha.%sTensor but the weights are a tocha.%sTensor (convert one with :type())",
                      tocha_dtype_name(input->dtype), tocha_dtype_name(weight->dtype));
  int64_t n = weight->size[1];
  int d = input->ndim;
  if ((d == 1 || d == 2) && input->size[d - 1] == n) return TOCHA_OK;
  char s[128];
  tocha_tensor_shape_string(input, s, sizeof s);
  return tocha_fail(TOCHA_ESIZE, pos, "size mismatch: input must be a vector of %lld elements or a matrix (batch x %lld), got size %s",
                    (long long)n, (long long)n, s);
}

/* gradOutput: (outputSize) for a vector input, (batch, outputSize) for a batch. */
static tocha_status check_grad_output(const tocha_tensor *grad_output, int pos, const tocha_tensor *input,
                                      int64_t outputs, tocha_dtype dtype) {
  int ok;
  if (input->ndim == 1)
    ok = grad_output->ndim == 1 && grad_output->size[0] == outputs;
  else
    ok = grad_output->ndim == 2 && grad_output->size[0] == input->size[0] && grad_output->size[1] == outputs;
  if (!ok) {
    char want[64], got[128];
    if (input->ndim == 1)
      snprintf(want, sizeof want, "%lld", (long long)outputs);
    else
      snprintf(want, sizeof want, "%lldx%lld", (long long)input->size[0], (long long)outputs);
    tocha_tensor_shape_string(grad_output, got, sizeof got);
    return tocha_fail(TOCHA_ESIZE, pos, "gradOutput must have size %s, got %s", want, got);
  }
  if (grad_output->dtype != dtype)
    return tocha_fail(TOCHA_ETYPE, pos, "gradOutput is a tocha.%sTensor but the weights are a tocha.%sTensor",
                      tocha_dtype_name(grad_output->dtype), tocha_dtype_name(dtype));
  return TOCHA_OK;
}

/* ---- forward ----------------------------------------------------------------- */

tocha_status tocha_nn_linear_forward(tocha_tensor *output, const tocha_tensor *input, const tocha_tensor *weight,
                                     const tocha_tensor *bias) {
  tocha_status st;
  if ((st = check_parameters(weight, 2, "weight", bias, 3, "bias")) || (st = check_input(input, 1, weight)))
    return st;
  if (output->dtype != weight->dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "output is a tocha.%sTensor but the weights are a tocha.%sTensor",
                      tocha_dtype_name(output->dtype), tocha_dtype_name(weight->dtype));
  int batched = input->ndim == 2, ndim = batched ? 2 : 1;
  int64_t shape[2] = {input->size[0], weight->size[0]}; /* (batch, outputSize) */
  if (!batched) shape[0] = weight->size[0];             /* (outputSize) */

  /* dst: output, or a temporary when output shares memory with an operand
   * (the bias goes into dst before the product reads the input). */
  tocha_result r;
  tocha_tensor wt, bx;
  tocha_tensor_init(&wt, weight->dtype);
  tocha_tensor_init(&bx, weight->dtype);
  const tocha_tensor *inputs[3] = {input, weight, bias};
  if ((st = tocha_result_begin(&r, output, ndim, shape, 0, inputs, 3))) goto done;
  tocha_tensor *dst = r.dst;
  if (!batched) {
    /* y = b + W x */
    if (bias) {
      if (!(st = tocha_copy(dst, bias))) st = tocha_addmv(dst, 1, dst, 1, weight, input);
    } else {
      st = tocha_mv(dst, weight, input);
    }
  } else {
    /* Y = X W^T (+ b in every row: written first, then BLAS adds the
     * product with beta = 1, so the bias costs no pass of its own over Y
     * once BLAS has it in cache). */
    if ((st = tocha_transpose(&wt, weight, 0, 1))) goto done;
    if (bias) {
      if (!(st = tocha_expand(&bx, bias, 2, shape)) && !(st = tocha_copy(dst, &bx)))
        st = tocha_addmm(dst, 1, dst, 1, input, &wt);
    } else {
      st = tocha_mm(dst, input, &wt);
    }
  }
done:
  st = tocha_result_end(&r, st);
  tocha_tensor_release(&wt);
  tocha_tensor_release(&bx);
  return st;
}

/* ---- backward ---------------------------------------------------------------- */

tocha_status tocha_nn_linear_backward(tocha_tensor *grad_input, const tocha_tensor *input,
                                      const tocha_tensor *grad_output, const tocha_tensor *weight) {
  tocha_status st;
  if ((st = check_parameters(weight, 3, "weight", NULL, 0, NULL)) || (st = check_input(input, 1, weight)) ||
      (st = check_grad_output(grad_output, 2, input, weight->size[0], weight->dtype)))
    return st;
  if (grad_input->dtype != weight->dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "gradInput is a tocha.%sTensor but the weights are a tocha.%sTensor",
                      tocha_dtype_name(grad_input->dtype), tocha_dtype_name(weight->dtype));
  if (input->ndim == 2) return tocha_mm(grad_input, grad_output, weight); /* (batch, out) x (out, in) */
  tocha_tensor wt;
  tocha_tensor_init(&wt, weight->dtype);
  st = tocha_transpose(&wt, weight, 0, 1);
  if (!st) st = tocha_mv(grad_input, &wt, grad_output);
  tocha_tensor_release(&wt);
  return st;
}

/* ---- gradients of the parameters ------------------------------------------- */

tocha_status tocha_nn_linear_acc_grad_parameters(tocha_tensor *grad_weight, tocha_tensor *grad_bias,
                                                 tocha_tensor *ones, const tocha_tensor *input,
                                                 const tocha_tensor *grad_output, double scale) {
  tocha_status st;
  if ((st = check_parameters(grad_weight, 0, "gradWeight", grad_bias, 0, "gradBias")) ||
      (st = check_input(input, 1, grad_weight)) ||
      (st = check_grad_output(grad_output, 2, input, grad_weight->size[0], grad_weight->dtype)))
    return st;
  int batched = input->ndim == 2;
  if (grad_bias && batched && !ones)
    return tocha_fail(TOCHA_EARG, 0, "gradBias of a batch needs a buffer for the vector of ones");
  if (grad_bias && batched && ones->dtype != grad_weight->dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "the ones buffer is a tocha.%sTensor but the weights are a tocha.%sTensor",
                      tocha_dtype_name(ones->dtype), tocha_dtype_name(grad_weight->dtype));
  if (!batched) {
    /* gW += scale go x^T, gb += scale go */
    if ((st = tocha_addr(grad_weight, 1, grad_weight, scale, grad_output, input))) return st;
    return grad_bias ? tocha_add(grad_bias, grad_bias, scale, grad_output) : TOCHA_OK;
  }
  /* gW += scale Go^T X (Go^T a transposed view: BLAS reads Go as it is) */
  tocha_tensor got;
  tocha_tensor_init(&got, grad_output->dtype);
  if ((st = tocha_transpose(&got, grad_output, 0, 1))) goto done;
  if ((st = tocha_addmm(grad_weight, 1, grad_weight, scale, &got, input))) goto done;
  if (grad_bias) {
    /* gb += scale Go^T 1: the column sums, by BLAS's gemv */
    int64_t batch = input->size[0];
    if (ones->ndim != 1 || ones->size[0] != batch) {
      if ((st = tocha_tensor_resize(ones, 1, &batch)) || (st = tocha_fill(ones, 1))) goto done;
    }
    st = tocha_addmv(grad_bias, 1, grad_bias, scale, &got, ones);
  }
done:
  tocha_tensor_release(&got);
  return st;
}
