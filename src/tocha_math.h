/*
 * tocha_math.h: pointwise math and comparisons (part of tocha's public C
 * API, included by tocha.h).
 *
 * Every function writes its result into `out`, which is resized to the
 * shape of the inputs (left as it is when it already has that shape, so a
 * strided view can be written in place).  `out` may be the same object as
 * an input, or a view of the same storage: an input that overlaps `out`
 * other than element for element is copied first, so the answer is the one
 * the mathematical definition gives.
 *
 * Tensor operands must have the same element type (`out` too, except for
 * comparisons) and the same shape: same number of dimensions and sizes.
 *
 * Element types: Float and Double have everything.  Long and Byte have what
 * indices and masks need: add, sub, mul, div (truncating), fmod and
 * remainder, max and min, clamp, abs, sign, neg (Long only) and the
 * comparisons.  Integer arithmetic wraps around (two's complement for Long,
 * modulo 256 for Byte); division by zero is an error.  A scalar used with
 * an integer tensor must be an integer; for Byte tensors add, sub and mul
 * take any int64 (they work modulo 256) and the others need 0..255.
 * Comparisons take any number.
 *
 * Scalars are passed as double and converted to the element type: float
 * math is done in float (expf etc.), and a Float tensor compares with the
 * number rounded to float, so t:eq(0.1) finds the elements made from 0.1.
 * Being doubles, scalars for Long tensors are exact up to 2^53 in magnitude.
 */
#ifndef TOCHA_MATH_H
#define TOCHA_MATH_H

#ifdef __cplusplus
extern "C" {
#endif

/* ---- one input ---------------------------------------------------------- */

typedef enum tocha_unary_op {
  TOCHA_UNARY_ABS = 0, /* all types */
  TOCHA_UNARY_SIGN,    /* all types: -1, 0 or 1 (nan stays nan) */
  TOCHA_UNARY_NEG,     /* Float, Double, Long */
  /* Float and Double only: */
  TOCHA_UNARY_EXP,
  TOCHA_UNARY_LOG,
  TOCHA_UNARY_LOG1P,
  TOCHA_UNARY_SQRT,
  TOCHA_UNARY_RSQRT,   /* 1 / sqrt(x) */
  TOCHA_UNARY_SIGMOID, /* 1 / (1 + exp(-x)) */
  TOCHA_UNARY_TANH,
  TOCHA_UNARY_SIN,
  TOCHA_UNARY_COS,
  TOCHA_UNARY_TAN,
  TOCHA_UNARY_ASIN,
  TOCHA_UNARY_ACOS,
  TOCHA_UNARY_ATAN,
  TOCHA_UNARY_SINH,
  TOCHA_UNARY_COSH,
  TOCHA_UNARY_FLOOR,
  TOCHA_UNARY_CEIL,
  TOCHA_UNARY_ROUND, /* halfway cases away from zero, as C's round() */
  TOCHA_UNARY_TRUNC,
  TOCHA_UNARY_FRAC,  /* x - trunc(x) */
  TOCHA_UNARY_CINV,  /* 1 / x */
  TOCHA_UNARY_COUNT
} tocha_unary_op;

/* "abs", "exp", ... (the Lua names); "?" for an unknown op. */
const char *tocha_unary_name(tocha_unary_op op);

/* out = op(src).  Positions: src 1, op 2. */
tocha_status tocha_unary(tocha_tensor *out, const tocha_tensor *src, tocha_unary_op op);

/* ---- two inputs ---------------------------------------------------------- */

typedef enum tocha_binary_op {
  TOCHA_BINARY_ADD = 0,   /* a + b */
  TOCHA_BINARY_SUB,       /* a - b */
  TOCHA_BINARY_MUL,       /* a * b */
  TOCHA_BINARY_DIV,       /* a / b (integers: truncated toward zero) */
  TOCHA_BINARY_POW,       /* a ^ b (Float, Double) */
  TOCHA_BINARY_MAX,       /* max(a, b); nan if either is nan */
  TOCHA_BINARY_MIN,       /* min(a, b); nan if either is nan */
  TOCHA_BINARY_FMOD,      /* C fmod / %: the sign of a */
  TOCHA_BINARY_REMAINDER, /* a - b * floor(a / b): the sign of b */
  TOCHA_BINARY_ATAN2,     /* atan2(a, b) (Float, Double) */
  TOCHA_BINARY_COUNT
} tocha_binary_op;

/* "add", "sub", "mul", "div", "pow", "max", "min", "fmod", "remainder",
 * "atan2"; "?" for an unknown op. */
const char *tocha_binary_name(tocha_binary_op op);

/* out = a op b, element by element.  Positions: a 1, b 2, op 3. */
tocha_status tocha_binary(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b,
                          tocha_binary_op op);
/* out = a op value.  Positions: a 1, value 2, op 3. */
tocha_status tocha_binary_scalar(tocha_tensor *out, const tocha_tensor *a, double value,
                                 tocha_binary_op op);
/* out = value op b (e.g. 2 ^ b, 1 - b).  Positions: value 1, b 2, op 3. */
tocha_status tocha_scalar_binary(tocha_tensor *out, double value, const tocha_tensor *b,
                                 tocha_binary_op op);

/* out = a + alpha * b (Torch7's cadd; csub is alpha = -value).
 * Positions: a 1, alpha 2, b 3. */
tocha_status tocha_add(tocha_tensor *out, const tocha_tensor *a, double alpha, const tocha_tensor *b);

/* ---- three inputs (Float, Double) ----------------------------------------- */

/* out = x + value * a .* b.  Positions: x 1, value 2, a 3, b 4. */
tocha_status tocha_addcmul(tocha_tensor *out, const tocha_tensor *x, double value,
                           const tocha_tensor *a, const tocha_tensor *b);
/* out = x + value * a ./ b.  Positions: x 1, value 2, a 3, b 4. */
tocha_status tocha_addcdiv(tocha_tensor *out, const tocha_tensor *x, double value,
                           const tocha_tensor *a, const tocha_tensor *b);
/* out = a + weight * (b - a).  Positions: a 1, b 2, weight 3. */
tocha_status tocha_lerp(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b, double weight);

/* out = src limited to [min, max] (all types; nan stays nan).  min <= max
 * is required.  Positions: src 1, min 2, max 3. */
tocha_status tocha_clamp(tocha_tensor *out, const tocha_tensor *src, double min, double max);

/* ---- comparisons ---------------------------------------------------------- */

typedef enum tocha_compare_op {
  TOCHA_CMP_LT = 0,
  TOCHA_CMP_LE,
  TOCHA_CMP_GT,
  TOCHA_CMP_GE,
  TOCHA_CMP_EQ,
  TOCHA_CMP_NE,
  TOCHA_CMP_COUNT
} tocha_compare_op;

/* "lt", "le", "gt", "ge", "eq", "ne"; "?" for an unknown op. */
const char *tocha_compare_name(tocha_compare_op op);

/* out = (a op b) as 0/1, for all types.  `out` is a Byte tensor or has the
 * type of the inputs (Torch7's lt(res, a, b) with res of a's type).
 * Positions: a 1, b 2, op 3. */
tocha_status tocha_compare(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b,
                           tocha_compare_op op);
/* out = (a op value) as 0/1.  For Long and Byte tensors the value may be
 * any number (2.5, -1, nan) and the comparison is exact.  Positions: a 1,
 * value 2, op 3. */
tocha_status tocha_compare_scalar(tocha_tensor *out, const tocha_tensor *a, double value,
                                  tocha_compare_op op);

#ifdef __cplusplus
}
#endif

#endif
