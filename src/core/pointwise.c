/*
 * Pointwise math: one-, two- and three-input element by element operations
 * and comparisons, for every element type where they make sense.
 *
 * Each public function checks its arguments, shapes `out` like the inputs,
 * replaces any input that overlaps `out` other than element for element by
 * a temporary copy, then runs a kernel over contiguous runs (see iter.h).
 * Kernels are plain loops over inline element functions; the contiguous
 * branch carries `ivdep` because out and each input are then either the
 * same elements or disjoint memory, so gcc vectorises it without alias
 * checks.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../tocha.h"
#include "iter.h"
#include "result.h"

#if defined(__GNUC__) && !defined(__clang__)
#define PW_IVDEP _Pragma("GCC ivdep")
#else
#define PW_IVDEP
#endif

/* ---- loops ----------------------------------------------------------------- */

#define PW_LOOP2(it, TO, o, TA, a, BODY)                                          \
  while (tocha_iter_next(it)) {                                                 \
    TO *o##_p = (TO *)(it)->ptr[0];                                             \
    TA *a##_p = (TA *)(it)->ptr[1];                                             \
    const int64_t o##_s = (it)->inner_stride[0], a##_s = (it)->inner_stride[1]; \
    const int64_t n_ = (it)->inner_n;                                           \
    if (o##_s == 1 && a##_s == 1) {                                             \
      PW_IVDEP for (int64_t i_ = 0; i_ < n_; i_++) {                            \
        TO *o = o##_p + i_;                                                     \
        TA *a = a##_p + i_;                                                     \
        BODY;                                                                   \
      }                                                                         \
    } else {                                                                    \
      for (int64_t i_ = 0; i_ < n_; i_++) {                                     \
        TO *o = o##_p + i_ * o##_s;                                             \
        TA *a = a##_p + i_ * a##_s;                                             \
        BODY;                                                                   \
      }                                                                         \
    }                                                                           \
  }

#define PW_LOOP3(it, TO, o, TA, a, TB, b, BODY)                                   \
  while (tocha_iter_next(it)) {                                                 \
    TO *o##_p = (TO *)(it)->ptr[0];                                             \
    TA *a##_p = (TA *)(it)->ptr[1];                                             \
    TB *b##_p = (TB *)(it)->ptr[2];                                             \
    const int64_t o##_s = (it)->inner_stride[0], a##_s = (it)->inner_stride[1]; \
    const int64_t b##_s = (it)->inner_stride[2], n_ = (it)->inner_n;            \
    if (o##_s == 1 && a##_s == 1 && b##_s == 1) {                               \
      PW_IVDEP for (int64_t i_ = 0; i_ < n_; i_++) {                            \
        TO *o = o##_p + i_;                                                     \
        TA *a = a##_p + i_;                                                     \
        TB *b = b##_p + i_;                                                     \
        BODY;                                                                   \
      }                                                                         \
    } else {                                                                    \
      for (int64_t i_ = 0; i_ < n_; i_++) {                                     \
        TO *o = o##_p + i_ * o##_s;                                             \
        TA *a = a##_p + i_ * a##_s;                                             \
        TB *b = b##_p + i_ * b##_s;                                             \
        BODY;                                                                   \
      }                                                                         \
    }                                                                           \
  }

typedef void (*kernel_1)(tocha_iter *it);           /* out, a */
typedef void (*kernel_2)(tocha_iter *it);           /* out, a, b */
typedef void (*kernel_s)(tocha_iter *it, double v); /* out, a and a scalar */

/* ---- element functions ------------------------------------------------------ */

/* Float (F) and Double (D): the math suffix MS picks expf or exp. */
#define DEFINE_FLOAT_OPS(ct, T, MS)                                                     \
  static inline ct T##_add(ct a, ct b) { return a + b; }                                \
  static inline ct T##_sub(ct a, ct b) { return a - b; }                                \
  static inline ct T##_mul(ct a, ct b) { return a * b; }                                \
  static inline ct T##_div(ct a, ct b) { return a / b; }                                \
  static inline ct T##_pow(ct a, ct b) { return pow##MS(a, b); }                        \
  static inline ct T##_max(ct a, ct b) { return (a > b || a != a) ? a : b; }            \
  static inline ct T##_min(ct a, ct b) { return (a < b || a != a) ? a : b; }            \
  static inline ct T##_fmod(ct a, ct b) { return fmod##MS(a, b); }                      \
  static inline ct T##_remainder(ct a, ct b) {                                          \
    ct r = fmod##MS(a, b);                                                              \
    if (r != 0 && ((r < 0) != (b < 0))) r += b;                                         \
    return r;                                                                           \
  }                                                                                     \
  static inline ct T##_atan2(ct a, ct b) { return atan2##MS(a, b); }                    \
  static inline ct T##_abs(ct a) { return fabs##MS(a); }                                \
  static inline ct T##_sign(ct a) { return a > 0 ? (ct)1 : a < 0 ? (ct)-1 : a == 0 ? (ct)0 : a; } \
  static inline ct T##_neg(ct a) { return -a; }                                         \
  static inline ct T##_exp(ct a) { return exp##MS(a); }                                 \
  static inline ct T##_log(ct a) { return log##MS(a); }                                 \
  static inline ct T##_log1p(ct a) { return log1p##MS(a); }                             \
  static inline ct T##_sqrt(ct a) { return sqrt##MS(a); }                               \
  static inline ct T##_rsqrt(ct a) { return (ct)1 / sqrt##MS(a); }                      \
  static inline ct T##_sigmoid(ct a) { return (ct)1 / ((ct)1 + exp##MS(-a)); }          \
  static inline ct T##_tanh(ct a) { return tanh##MS(a); }                               \
  static inline ct T##_sin(ct a) { return sin##MS(a); }                                 \
  static inline ct T##_cos(ct a) { return cos##MS(a); }                                 \
  static inline ct T##_tan(ct a) { return tan##MS(a); }                                 \
  static inline ct T##_asin(ct a) { return asin##MS(a); }                               \
  static inline ct T##_acos(ct a) { return acos##MS(a); }                               \
  static inline ct T##_atan(ct a) { return atan##MS(a); }                               \
  static inline ct T##_sinh(ct a) { return sinh##MS(a); }                               \
  static inline ct T##_cosh(ct a) { return cosh##MS(a); }                               \
  static inline ct T##_floor(ct a) { return floor##MS(a); }                             \
  static inline ct T##_ceil(ct a) { return ceil##MS(a); }                               \
  static inline ct T##_round(ct a) { return round##MS(a); }                             \
  static inline ct T##_trunc(ct a) { return trunc##MS(a); }                             \
  static inline ct T##_frac(ct a) { return a - trunc##MS(a); }                          \
  static inline ct T##_cinv(ct a) { return (ct)1 / a; }                                 \
  static inline ct T##_square(ct a) { return a * a; }

DEFINE_FLOAT_OPS(float, F, f)
DEFINE_FLOAT_OPS(double, D, )

/* Long (L): wrapping arithmetic through uint64_t; divisors are never 0
 * here (checked before) and x / -1 cannot overflow. */
static inline int64_t L_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static inline int64_t L_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static inline int64_t L_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static inline int64_t L_neg(int64_t a) { return (int64_t)(0 - (uint64_t)a); }
static inline int64_t L_div(int64_t a, int64_t b) { return b == -1 ? L_neg(a) : a / b; }
static inline int64_t L_fmod(int64_t a, int64_t b) { return b == -1 ? 0 : a % b; }
static inline int64_t L_remainder(int64_t a, int64_t b) {
  int64_t r = L_fmod(a, b);
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}
static inline int64_t L_max(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t L_min(int64_t a, int64_t b) { return a < b ? a : b; }
static inline int64_t L_abs(int64_t a) { return a < 0 ? L_neg(a) : a; }
static inline int64_t L_sign(int64_t a) { return (a > 0) - (a < 0); }

/* Byte (B): arithmetic modulo 256. */
static inline uint8_t B_add(uint8_t a, uint8_t b) { return (uint8_t)(a + b); }
static inline uint8_t B_sub(uint8_t a, uint8_t b) { return (uint8_t)(a - b); }
static inline uint8_t B_mul(uint8_t a, uint8_t b) { return (uint8_t)(a * b); }
static inline uint8_t B_div(uint8_t a, uint8_t b) { return (uint8_t)(a / b); }
static inline uint8_t B_fmod(uint8_t a, uint8_t b) { return (uint8_t)(a % b); }
static inline uint8_t B_remainder(uint8_t a, uint8_t b) { return (uint8_t)(a % b); }
static inline uint8_t B_max(uint8_t a, uint8_t b) { return a > b ? a : b; }
static inline uint8_t B_min(uint8_t a, uint8_t b) { return a < b ? a : b; }
static inline uint8_t B_abs(uint8_t a) { return a; }
static inline uint8_t B_sign(uint8_t a) { return a > 0; }

/* Int (I), Short (S), Char (C): two's complement arithmetic that wraps
 * around, computed in uint64_t (no signed overflow) and cut to the type. */
#define DEFINE_SINT_OPS(T, ct, uct)                                                               \
  static inline ct T##_wrap(uint64_t v) { return (ct)(uct)v; }                                    \
  static inline ct T##_add(ct a, ct b) { return T##_wrap((uint64_t)a + (uint64_t)b); }            \
  static inline ct T##_sub(ct a, ct b) { return T##_wrap((uint64_t)a - (uint64_t)b); }            \
  static inline ct T##_mul(ct a, ct b) { return T##_wrap((uint64_t)a * (uint64_t)b); }            \
  static inline ct T##_neg(ct a) { return T##_wrap(0 - (uint64_t)a); }                            \
  static inline ct T##_div(ct a, ct b) { return b == -1 ? T##_neg(a) : (ct)(a / b); }             \
  static inline ct T##_fmod(ct a, ct b) { return b == -1 ? 0 : (ct)(a % b); }                     \
  static inline ct T##_remainder(ct a, ct b) {                                                    \
    ct r = T##_fmod(a, b);                                                                        \
    if (r != 0 && ((r < 0) != (b < 0))) r = (ct)(r + b);                                          \
    return r;                                                                                     \
  }                                                                                               \
  static inline ct T##_max(ct a, ct b) { return a > b ? a : b; }                                  \
  static inline ct T##_min(ct a, ct b) { return a < b ? a : b; }                                  \
  static inline ct T##_abs(ct a) { return a < 0 ? T##_neg(a) : a; }                               \
  static inline ct T##_sign(ct a) { return (ct)((a > 0) - (a < 0)); }
DEFINE_SINT_OPS(I, int32_t, uint32_t)
DEFINE_SINT_OPS(S, int16_t, uint16_t)
DEFINE_SINT_OPS(C, int8_t, uint8_t)

/* A checked scalar as an element (integers: in range, or modulo 2^bits). */
#define CONV_F(v) ((float)(v))
#define CONV_D(v) (v)
#define CONV_L(v) ((int64_t)(v))
#define CONV_B(v) ((uint8_t)(int64_t)(v))
#define CONV_I(v) I_wrap((uint64_t)(int64_t)(v))
#define CONV_S(v) S_wrap((uint64_t)(int64_t)(v))
#define CONV_C(v) C_wrap((uint64_t)(int64_t)(v))

/* ---- kernels ----------------------------------------------------------------- */

#define DEF_BINARY(T, ct, name)                                                    \
  static void k_##T##_##name##_tt(tocha_iter *it) {                                \
    PW_LOOP3(it, ct, o, const ct, x, const ct, y, *o = T##_##name(*x, *y))         \
  }                                                                                \
  static void k_##T##_##name##_ts(tocha_iter *it, double v) {                      \
    const ct s = CONV_##T(v);                                                      \
    PW_LOOP2(it, ct, o, const ct, x, *o = T##_##name(*x, s))                       \
  }                                                                                \
  static void k_##T##_##name##_st(tocha_iter *it, double v) {                      \
    const ct s = CONV_##T(v);                                                      \
    PW_LOOP2(it, ct, o, const ct, y, *o = T##_##name(s, *y))                       \
  }

#define DEF_UNARY(T, ct, name) \
  static void k_##T##_##name(tocha_iter *it) { PW_LOOP2(it, ct, o, const ct, x, *o = T##_##name(*x)) }

#define INT_BINARY(X, T, ct) \
  X(T, ct, add) X(T, ct, sub) X(T, ct, mul) X(T, ct, div) X(T, ct, max) X(T, ct, min) X(T, ct, fmod) \
  X(T, ct, remainder)
#define FLOAT_BINARY(X, T, ct) INT_BINARY(X, T, ct) X(T, ct, pow) X(T, ct, atan2)
#define FLOAT_UNARY(X, T, ct)                                                                          \
  X(T, ct, abs) X(T, ct, sign) X(T, ct, neg) X(T, ct, exp) X(T, ct, log) X(T, ct, log1p) X(T, ct, sqrt) \
  X(T, ct, rsqrt) X(T, ct, sigmoid) X(T, ct, tanh) X(T, ct, sin) X(T, ct, cos) X(T, ct, tan)            \
  X(T, ct, asin) X(T, ct, acos) X(T, ct, atan) X(T, ct, sinh) X(T, ct, cosh) X(T, ct, floor)            \
  X(T, ct, ceil) X(T, ct, round) X(T, ct, trunc) X(T, ct, frac) X(T, ct, cinv) X(T, ct, square)

FLOAT_BINARY(DEF_BINARY, F, float)
FLOAT_BINARY(DEF_BINARY, D, double)
INT_BINARY(DEF_BINARY, L, int64_t)
INT_BINARY(DEF_BINARY, B, uint8_t)
INT_BINARY(DEF_BINARY, I, int32_t)
INT_BINARY(DEF_BINARY, S, int16_t)
INT_BINARY(DEF_BINARY, C, int8_t)
FLOAT_UNARY(DEF_UNARY, F, float)
FLOAT_UNARY(DEF_UNARY, D, double)
DEF_UNARY(L, int64_t, abs)
DEF_UNARY(L, int64_t, sign)
DEF_UNARY(L, int64_t, neg)
DEF_UNARY(B, uint8_t, abs)
DEF_UNARY(B, uint8_t, sign)
#define SINT_UNARY(T, ct) DEF_UNARY(T, ct, abs) DEF_UNARY(T, ct, sign) DEF_UNARY(T, ct, neg)
SINT_UNARY(I, int32_t)
SINT_UNARY(S, int16_t)
SINT_UNARY(C, int8_t)

/* Kernel tables in enum order; NULL: not defined for that element type. */
#define BINARY_ROW(T, sfx)                                                                         \
  {k_##T##_add_##sfx, k_##T##_sub_##sfx, k_##T##_mul_##sfx, k_##T##_div_##sfx, k_##T##_pow_##sfx, \
   k_##T##_max_##sfx, k_##T##_min_##sfx, k_##T##_fmod_##sfx, k_##T##_remainder_##sfx, k_##T##_atan2_##sfx}
#define INT_BINARY_ROW(T, sfx)                                                             \
  {k_##T##_add_##sfx, k_##T##_sub_##sfx, k_##T##_mul_##sfx, k_##T##_div_##sfx, NULL,       \
   k_##T##_max_##sfx, k_##T##_min_##sfx, k_##T##_fmod_##sfx, k_##T##_remainder_##sfx, NULL}

static const kernel_2 binary_tt[TOCHA_NTYPES][TOCHA_BINARY_COUNT] = {
    BINARY_ROW(F, tt), BINARY_ROW(D, tt), INT_BINARY_ROW(L, tt), INT_BINARY_ROW(B, tt),
    INT_BINARY_ROW(I, tt), INT_BINARY_ROW(S, tt), INT_BINARY_ROW(C, tt)};
static const kernel_s binary_ts[TOCHA_NTYPES][TOCHA_BINARY_COUNT] = {
    BINARY_ROW(F, ts), BINARY_ROW(D, ts), INT_BINARY_ROW(L, ts), INT_BINARY_ROW(B, ts),
    INT_BINARY_ROW(I, ts), INT_BINARY_ROW(S, ts), INT_BINARY_ROW(C, ts)};
static const kernel_s binary_st[TOCHA_NTYPES][TOCHA_BINARY_COUNT] = {
    BINARY_ROW(F, st), BINARY_ROW(D, st), INT_BINARY_ROW(L, st), INT_BINARY_ROW(B, st),
    INT_BINARY_ROW(I, st), INT_BINARY_ROW(S, st), INT_BINARY_ROW(C, st)};

#define UNARY_ROW(T)                                                                              \
  {k_##T##_abs, k_##T##_sign, k_##T##_neg, k_##T##_exp, k_##T##_log, k_##T##_log1p, k_##T##_sqrt, \
   k_##T##_rsqrt, k_##T##_sigmoid, k_##T##_tanh, k_##T##_sin, k_##T##_cos, k_##T##_tan,          \
   k_##T##_asin, k_##T##_acos, k_##T##_atan, k_##T##_sinh, k_##T##_cosh, k_##T##_floor,          \
   k_##T##_ceil, k_##T##_round, k_##T##_trunc, k_##T##_frac, k_##T##_cinv}

static const kernel_1 unary_table[TOCHA_NTYPES][TOCHA_UNARY_COUNT] = {
    UNARY_ROW(F), UNARY_ROW(D), {k_L_abs, k_L_sign, k_L_neg}, {k_B_abs, k_B_sign},
    {k_I_abs, k_I_sign, k_I_neg}, {k_S_abs, k_S_sign, k_S_neg}, {k_C_abs, k_C_sign, k_C_neg}};

/* out = a + alpha * b */
static void k_F_axpy(tocha_iter *it, double alpha) {
  const float s = (float)alpha;
  PW_LOOP3(it, float, o, const float, x, const float, y, *o = *x + s * *y)
}
static void k_D_axpy(tocha_iter *it, double alpha) {
  PW_LOOP3(it, double, o, const double, x, const double, y, *o = *x + alpha * *y)
}
static void k_L_axpy(tocha_iter *it, double alpha) {
  const uint64_t s = (uint64_t)(int64_t)alpha;
  PW_LOOP3(it, int64_t, o, const int64_t, x, const int64_t, y,
           *o = (int64_t)((uint64_t)*x + s * (uint64_t)*y))
}
static void k_B_axpy(tocha_iter *it, double alpha) {
  const unsigned s = CONV_B(alpha);
  PW_LOOP3(it, uint8_t, o, const uint8_t, x, const uint8_t, y, *o = (uint8_t)(*x + s * *y))
}
#define DEF_SINT_AXPY(T, ct)                                                  \
  static void k_##T##_axpy(tocha_iter *it, double alpha) {                    \
    const uint64_t s = (uint64_t)(int64_t)alpha;                              \
    PW_LOOP3(it, ct, o, const ct, x, const ct, y,                             \
             *o = T##_wrap((uint64_t)*x + s * (uint64_t)*y))                  \
  }
DEF_SINT_AXPY(I, int32_t)
DEF_SINT_AXPY(S, int16_t)
DEF_SINT_AXPY(C, int8_t)
typedef void (*kernel_2s)(tocha_iter *it, double v);
static const kernel_2s axpy_table[TOCHA_NTYPES] = {k_F_axpy, k_D_axpy, k_L_axpy, k_B_axpy,
                                                   k_I_axpy, k_S_axpy, k_C_axpy};

/* out += value * a .* b and out += value * a ./ b (out already holds x) */
#define DEF_ADDC(T, ct)                                                                    \
  static void k_##T##_addcmul(tocha_iter *it, double value) {                              \
    const ct s = (ct)value;                                                                \
    PW_LOOP3(it, ct, o, const ct, x, const ct, y, *o = *o + s * *x * *y)                   \
  }                                                                                        \
  static void k_##T##_addcdiv(tocha_iter *it, double value) {                              \
    const ct s = (ct)value;                                                                \
    PW_LOOP3(it, ct, o, const ct, x, const ct, y, *o = *o + s * *x / *y)                   \
  }                                                                                        \
  static void k_##T##_lerp(tocha_iter *it, double weight) {                                \
    const ct w = (ct)weight;                                                               \
    PW_LOOP3(it, ct, o, const ct, x, const ct, y, *o = *x + w * (*y - *x))                 \
  }
DEF_ADDC(F, float)
DEF_ADDC(D, double)

#define DEF_CLAMP(T, ct)                                                                   \
  static void k_##T##_clamp(tocha_iter *it, double lo, double hi) {                        \
    const ct l = CONV_##T(lo), h = CONV_##T(hi);                                           \
    PW_LOOP2(it, ct, o, const ct, x, *o = *x < l ? l : *x > h ? h : *x)                    \
  }
DEF_CLAMP(F, float)
DEF_CLAMP(D, double)
DEF_CLAMP(L, int64_t)
DEF_CLAMP(B, uint8_t)
DEF_CLAMP(I, int32_t)
DEF_CLAMP(S, int16_t)
DEF_CLAMP(C, int8_t)
typedef void (*kernel_clamp)(tocha_iter *it, double lo, double hi);
static const kernel_clamp clamp_table[TOCHA_NTYPES] = {k_F_clamp, k_D_clamp, k_L_clamp, k_B_clamp,
                                                       k_I_clamp, k_S_clamp, k_C_clamp};

/* Comparisons: into a Byte tensor (_b) or one of the input type (_s).
 * Integer tensors against a number they cannot hold compare in double (_d). */
#define DEF_COMPARE(T, ct, name, OP)                                                               \
  static void c_##T##_##name##_tt_b(tocha_iter *it) {                                              \
    PW_LOOP3(it, uint8_t, o, const ct, x, const ct, y, *o = (uint8_t)(*x OP *y))                   \
  }                                                                                                \
  static void c_##T##_##name##_tt_s(tocha_iter *it) {                                              \
    PW_LOOP3(it, ct, o, const ct, x, const ct, y, *o = (ct)(*x OP *y))                             \
  }                                                                                                \
  static void c_##T##_##name##_ts_b(tocha_iter *it, double v) {                                    \
    const ct s = CONV_##T(v);                                                                      \
    PW_LOOP2(it, uint8_t, o, const ct, x, *o = (uint8_t)(*x OP s))                                 \
  }                                                                                                \
  static void c_##T##_##name##_ts_s(tocha_iter *it, double v) {                                    \
    const ct s = CONV_##T(v);                                                                      \
    PW_LOOP2(it, ct, o, const ct, x, *o = (ct)(*x OP s))                                           \
  }
#define DEF_COMPARE_D(T, ct, name, OP)                                                             \
  static void c_##T##_##name##_td_b(tocha_iter *it, double v) {                                    \
    PW_LOOP2(it, uint8_t, o, const ct, x, *o = (uint8_t)((double)*x OP v))                         \
  }                                                                                                \
  static void c_##T##_##name##_td_s(tocha_iter *it, double v) {                                    \
    PW_LOOP2(it, ct, o, const ct, x, *o = (ct)((double)*x OP v))                                   \
  }
#define ALL_COMPARES(X, T, ct) \
  X(T, ct, lt, <) X(T, ct, le, <=) X(T, ct, gt, >) X(T, ct, ge, >=) X(T, ct, eq, ==) X(T, ct, ne, !=)

ALL_COMPARES(DEF_COMPARE, F, float)
ALL_COMPARES(DEF_COMPARE, D, double)
ALL_COMPARES(DEF_COMPARE, L, int64_t)
ALL_COMPARES(DEF_COMPARE, B, uint8_t)
ALL_COMPARES(DEF_COMPARE_D, L, int64_t)
ALL_COMPARES(DEF_COMPARE_D, B, uint8_t)
ALL_COMPARES(DEF_COMPARE, I, int32_t)
ALL_COMPARES(DEF_COMPARE, S, int16_t)
ALL_COMPARES(DEF_COMPARE, C, int8_t)
ALL_COMPARES(DEF_COMPARE_D, I, int32_t)
ALL_COMPARES(DEF_COMPARE_D, S, int16_t)
ALL_COMPARES(DEF_COMPARE_D, C, int8_t)

#define COMPARE_ROW(T, sfx) \
  {c_##T##_lt_##sfx, c_##T##_le_##sfx, c_##T##_gt_##sfx, c_##T##_ge_##sfx, c_##T##_eq_##sfx, c_##T##_ne_##sfx}
/* [input type][out is Byte ? 0 : 1][op] */
static const kernel_2 compare_tt[TOCHA_NTYPES][2][TOCHA_CMP_COUNT] = {
    {COMPARE_ROW(F, tt_b), COMPARE_ROW(F, tt_s)},
    {COMPARE_ROW(D, tt_b), COMPARE_ROW(D, tt_s)},
    {COMPARE_ROW(L, tt_b), COMPARE_ROW(L, tt_s)},
    {COMPARE_ROW(B, tt_b), COMPARE_ROW(B, tt_s)},
    {COMPARE_ROW(I, tt_b), COMPARE_ROW(I, tt_s)},
    {COMPARE_ROW(S, tt_b), COMPARE_ROW(S, tt_s)},
    {COMPARE_ROW(C, tt_b), COMPARE_ROW(C, tt_s)}};
static const kernel_s compare_ts[TOCHA_NTYPES][2][TOCHA_CMP_COUNT] = {
    {COMPARE_ROW(F, ts_b), COMPARE_ROW(F, ts_s)},
    {COMPARE_ROW(D, ts_b), COMPARE_ROW(D, ts_s)},
    {COMPARE_ROW(L, ts_b), COMPARE_ROW(L, ts_s)},
    {COMPARE_ROW(B, ts_b), COMPARE_ROW(B, ts_s)},
    {COMPARE_ROW(I, ts_b), COMPARE_ROW(I, ts_s)},
    {COMPARE_ROW(S, ts_b), COMPARE_ROW(S, ts_s)},
    {COMPARE_ROW(C, ts_b), COMPARE_ROW(C, ts_s)}};
static const kernel_s compare_td[TOCHA_NTYPES][2][TOCHA_CMP_COUNT] = {
    {{NULL}}, {{NULL}},
    {COMPARE_ROW(L, td_b), COMPARE_ROW(L, td_s)},
    {COMPARE_ROW(B, td_b), COMPARE_ROW(B, td_s)},
    {COMPARE_ROW(I, td_b), COMPARE_ROW(I, td_s)},
    {COMPARE_ROW(S, td_b), COMPARE_ROW(S, td_s)},
    {COMPARE_ROW(C, td_b), COMPARE_ROW(C, td_s)}};

/* ---- names ------------------------------------------------------------------- */

static const char *const unary_names[TOCHA_UNARY_COUNT] = {
    "abs", "sign", "neg", "exp", "log", "log1p", "sqrt", "rsqrt", "sigmoid", "tanh", "sin", "cos",
    "tan", "asin", "acos", "atan", "sinh", "cosh", "floor", "ceil", "round", "trunc", "frac", "cinv"};
static const char *const binary_names[TOCHA_BINARY_COUNT] = {
    "add", "sub", "mul", "div", "pow", "max", "min", "fmod", "remainder", "atan2"};
static const char *const compare_names[TOCHA_CMP_COUNT] = {"lt", "le", "gt", "ge", "eq", "ne"};

const char *tocha_unary_name(tocha_unary_op op) {
  return (unsigned)op < TOCHA_UNARY_COUNT ? unary_names[op] : "?";
}
const char *tocha_binary_name(tocha_binary_op op) {
  return (unsigned)op < TOCHA_BINARY_COUNT ? binary_names[op] : "?";
}
const char *tocha_compare_name(tocha_compare_op op) {
  return (unsigned)op < TOCHA_CMP_COUNT ? compare_names[op] : "?";
}

/* ---- argument checks ------------------------------------------------------------- */

static int valid_dtype(tocha_dtype d) { return (unsigned)d < TOCHA_NTYPES; }
static int is_float(tocha_dtype d) { return d == TOCHA_FLOAT || d == TOCHA_DOUBLE; }

static tocha_status check_tensor(const tocha_tensor *t, int pos) {
  if (!t) return tocha_fail(TOCHA_EARG, pos, "tensor expected, got NULL");
  if (!valid_dtype(t->dtype)) return tocha_fail(TOCHA_ETYPE, pos, "unknown element type %d", (int)t->dtype);
  return TOCHA_OK;
}

/* t must have ref's element type and number of elements (Torch7's rule:
 * operands of other shapes combine element by element, each in its own
 * logical order; the result takes the first operand's shape). */
static tocha_status check_like(const tocha_tensor *ref, const tocha_tensor *t, int pos) {
  tocha_status st = check_tensor(t, pos);
  if (st) return st;
  if (t->dtype != ref->dtype)
    return tocha_fail(TOCHA_ETYPE, pos, "got a %s tensor where a %s tensor is expected (types cannot be mixed)",
                      tocha_dtype_name(t->dtype), tocha_dtype_name(ref->dtype));
  int64_t n = tocha_tensor_nelement(ref), m = tocha_tensor_nelement(t);
  if (n != m) {
    char a[128], b[128];
    tocha_tensor_shape_string(ref, a, sizeof a);
    tocha_tensor_shape_string(t, b, sizeof b);
    return tocha_fail(TOCHA_ESIZE, pos, "sizes %s and %s do not match", a, b);
  }
  return TOCHA_OK;
}

static tocha_status check_out(const tocha_tensor *out, tocha_dtype dtype, int byte_allowed) {
  if (!out) return tocha_fail(TOCHA_EARG, 0, "result tensor expected, got NULL");
  if (out->dtype == dtype || (byte_allowed && out->dtype == TOCHA_BYTE)) return TOCHA_OK;
  if (byte_allowed)
    return tocha_fail(TOCHA_ETYPE, 0, "the result must be a Byte or %s tensor, got %s", tocha_dtype_name(dtype),
                      tocha_dtype_name(out->dtype));
  return tocha_fail(TOCHA_ETYPE, 0, "the result must be a %s tensor like the inputs, got %s",
                    tocha_dtype_name(dtype), tocha_dtype_name(out->dtype));
}

/* "Float or Double", "Float, Double or Long", ...: the types with a kernel. */
static void supported_types(char *buf, size_t len, const int *has) {
  int n = 0, total = 0;
  for (int d = 0; d < TOCHA_NTYPES; d++) total += has[d] != 0;
  buf[0] = '\0';
  for (int d = 0; d < TOCHA_NTYPES; d++) {
    if (!has[d]) continue;
    size_t used = strlen(buf);
    const char *sep = n == 0 ? "" : n == total - 1 ? " or " : ", ";
    snprintf(buf + used, len - used, "%s%s", sep, tocha_dtype_name((tocha_dtype)d));
    n++;
  }
}

static tocha_status unsupported(const char *name, tocha_dtype dtype, int pos, const int *has) {
  char types[64];
  supported_types(types, sizeof types, has);
  return tocha_fail(TOCHA_ETYPE, pos, "%s is not defined for %s tensors (%s expected)", name,
                    tocha_dtype_name(dtype), types);
}

static tocha_status float_only(const char *name, tocha_dtype dtype, int pos) {
  static const int has[TOCHA_NTYPES] = {1, 1, 0, 0};
  return unsupported(name, dtype, pos, has);
}

/* A scalar for an element type: integer types need an integer that the
 * type holds (Byte arithmetic that wraps anyway takes any int64). */
static tocha_status check_scalar(tocha_dtype dtype, double v, int pos, const char *what, int modular) {
  if (is_float(dtype)) return TOCHA_OK;
  if (!(v == floor(v)) || !(v >= -9223372036854775808.0 && v < 9223372036854775808.0))
    return tocha_fail(TOCHA_EARG, pos, "%s must be an integer for a %s tensor, got %.17g", what,
                      tocha_dtype_name(dtype), v);
  double lo, hi;
  if (dtype != TOCHA_LONG && !modular && tocha_dtype_integer_range(dtype, &lo, &hi) && (v < lo || v > hi))
    return tocha_fail(TOCHA_EARG, pos, "%s must be in %.0f..%.0f for a %s tensor, got %.17g", what, lo, hi,
                      tocha_dtype_name(dtype), v);
  return TOCHA_OK;
}

static int is_division(tocha_binary_op op) {
  return op == TOCHA_BINARY_DIV || op == TOCHA_BINARY_FMOD || op == TOCHA_BINARY_REMAINDER;
}

static int has_zero(const tocha_tensor *t) {
  tocha_iter it;
  int zero = 0;
  tocha_iter_init(&it, 1, (const tocha_tensor *[]){t});
#define HAS_ZERO(ct, T) TOCHA_ITER_LOOP1(&it, const ct, p, zero |= *p == 0)
  TOCHA_DISPATCH_ALL(t->dtype, HAS_ZERO)
#undef HAS_ZERO
  return zero;
}

/* Private copies of inputs (owned), and headers that read an input in
 * another shape (borrowed: never released). Each input gets at most one copy. */
typedef struct scratch {
  tocha_tensor copy[4];
  tocha_tensor shaped[3];
  int used, nshaped;
} scratch;

static void scratch_init(scratch *s) {
  for (int k = 0; k < 4; k++) tocha_tensor_init(&s->copy[k], TOCHA_FLOAT);
  s->used = s->nshaped = 0;
}

static void scratch_release(scratch *s) {
  for (int k = 0; k < 4; k++) tocha_tensor_release(&s->copy[k]);
}

/* Torch7's element-count rule: an input with as many elements as `shape`
 * but another shape is read in its own logical (row-major) order, through a
 * contiguous header in shape's sizes (over a contiguous copy when it is not
 * contiguous itself). */
static tocha_status reshape_input(scratch *s, const tocha_tensor *shape, const tocha_tensor **in) {
  if (tocha_tensor_same_size(shape, *in) || tocha_tensor_nelement(shape) == 0) return TOCHA_OK;
  if (!tocha_tensor_is_contiguous(*in)) {
    tocha_tensor *c = &s->copy[s->used++];
    tocha_tensor_init(c, (*in)->dtype);
    tocha_status st = tocha_clone(c, *in, (*in)->dtype);
    if (st) return st;
    *in = c;
  }
  tocha_tensor *h = &s->shaped[s->nshaped++];
  *h = **in;
  h->ndim = shape->ndim;
  int64_t stride = 1;
  for (int d = shape->ndim - 1; d >= 0; d--) {
    h->size[d] = shape->size[d];
    h->stride[d] = stride;
    stride *= shape->size[d];
  }
  *in = h;
  return TOCHA_OK;
}

/* Replaces *in by a private copy when it overlaps out. */
static tocha_status detach(scratch *s, const tocha_tensor *out, const tocha_tensor **in) {
  tocha_tensor *c = &s->copy[s->used];
  tocha_status st = tocha_detach_input(out, in, c);
  if (*in == c) s->used++;
  return st;
}

/* Shapes out like in[0], detaches the inputs, and initialises `it` over
 * out and the inputs.  On error the scratch is released. */
static tocha_status prepare(tocha_iter *it, scratch *s, tocha_tensor *out, const tocha_tensor **in, int nin) {
  scratch_init(s);
  tocha_status st = tocha_tensor_resize_as(out, in[0]); /* a right-sized view stays one */
  for (int k = 0; st == TOCHA_OK && k < nin; k++) st = detach(s, out, &in[k]);
  for (int k = 1; st == TOCHA_OK && k < nin; k++) st = reshape_input(s, out, &in[k]);
  if (st) {
    scratch_release(s);
    return st;
  }
  const tocha_tensor *ops[3] = {out, in[0], nin > 1 ? in[1] : NULL};
  tocha_iter_init(it, nin + 1, ops);
  return TOCHA_OK;
}

/* ---- one input ----------------------------------------------------------------------- */

tocha_status tocha_unary(tocha_tensor *out, const tocha_tensor *src, tocha_unary_op op) {
  tocha_status st = check_tensor(src, 1);
  if (st) return st;
  if ((unsigned)op >= TOCHA_UNARY_COUNT) return tocha_fail(TOCHA_EARG, 2, "unknown unary operation %d", (int)op);
  kernel_1 k = unary_table[src->dtype][op];
  if (!k) {
    int has[TOCHA_NTYPES];
    for (int d = 0; d < TOCHA_NTYPES; d++) has[d] = unary_table[d][op] != NULL;
    return unsupported(unary_names[op], src->dtype, 1, has);
  }
  if ((st = check_out(out, src->dtype, 0))) return st;
  tocha_iter it;
  scratch s;
  const tocha_tensor *in[1] = {src};
  if ((st = prepare(&it, &s, out, in, 1))) return st;
  k(&it);
  scratch_release(&s);
  return TOCHA_OK;
}

/* ---- two inputs ------------------------------------------------------------------------ */

/* The three binary tables define the same ops for each type. */
static tocha_status binary_kernel_check(tocha_dtype dtype, tocha_binary_op op, int oppos, int tpos) {
  if ((unsigned)op >= TOCHA_BINARY_COUNT)
    return tocha_fail(TOCHA_EARG, oppos, "unknown binary operation %d", (int)op);
  if (!binary_tt[dtype][op]) {
    int has[TOCHA_NTYPES];
    for (int d = 0; d < TOCHA_NTYPES; d++) has[d] = binary_tt[d][op] != NULL;
    return unsupported(binary_names[op], dtype, tpos, has);
  }
  return TOCHA_OK;
}

tocha_status tocha_binary(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b, tocha_binary_op op) {
  tocha_status st;
  if ((st = check_tensor(a, 1)) || (st = check_like(a, b, 2))) return st;
  if ((st = binary_kernel_check(a->dtype, op, 3, 1))) return st;
  if (!is_float(a->dtype) && is_division(op) && has_zero(b))
    return tocha_fail(TOCHA_EARG, 2, "%s by zero: the divisor has a 0 element", binary_names[op]);
  if ((st = check_out(out, a->dtype, 0))) return st;
  tocha_iter it;
  scratch s;
  const tocha_tensor *in[2] = {a, b};
  if ((st = prepare(&it, &s, out, in, 2))) return st;
  binary_tt[a->dtype][op](&it);
  scratch_release(&s);
  return TOCHA_OK;
}

static tocha_status check_binary_scalar(const tocha_tensor *t, int tpos, double value, int vpos, tocha_binary_op op) {
  tocha_status st;
  if ((st = check_tensor(t, tpos))) return st;
  if ((st = binary_kernel_check(t->dtype, op, 3, tpos))) return st;
  int modular = op == TOCHA_BINARY_ADD || op == TOCHA_BINARY_SUB || op == TOCHA_BINARY_MUL;
  if ((st = check_scalar(t->dtype, value, vpos, "the value", modular))) return st;
  return TOCHA_OK;
}

tocha_status tocha_binary_scalar(tocha_tensor *out, const tocha_tensor *a, double value, tocha_binary_op op) {
  tocha_status st;
  if ((st = check_binary_scalar(a, 1, value, 2, op))) return st;
  if (!is_float(a->dtype) && is_division(op) && value == 0)
    return tocha_fail(TOCHA_EARG, 2, "%s by zero", binary_names[op]);
  if ((st = check_out(out, a->dtype, 0))) return st;
  tocha_iter it;
  scratch s;
  const tocha_tensor *in[1] = {a};
  if ((st = prepare(&it, &s, out, in, 1))) return st;
  if (op == TOCHA_BINARY_POW && value == 2)
    a->dtype == TOCHA_FLOAT ? k_F_square(&it) : k_D_square(&it); /* exact and vectorised */
  else
    binary_ts[a->dtype][op](&it, value);
  scratch_release(&s);
  return TOCHA_OK;
}

tocha_status tocha_scalar_binary(tocha_tensor *out, double value, const tocha_tensor *b, tocha_binary_op op) {
  tocha_status st;
  if ((st = check_binary_scalar(b, 2, value, 1, op))) return st;
  if (!is_float(b->dtype) && is_division(op) && has_zero(b))
    return tocha_fail(TOCHA_EARG, 2, "%s by zero: the divisor has a 0 element", binary_names[op]);
  if ((st = check_out(out, b->dtype, 0))) return st;
  tocha_iter it;
  scratch s;
  const tocha_tensor *in[1] = {b};
  if ((st = prepare(&it, &s, out, in, 1))) return st;
  binary_st[b->dtype][op](&it, value);
  scratch_release(&s);
  return TOCHA_OK;
}

tocha_status tocha_add(tocha_tensor *out, const tocha_tensor *a, double alpha, const tocha_tensor *b) {
  tocha_status st;
  if ((st = check_tensor(a, 1)) || (st = check_like(a, b, 3))) return st;
  if ((st = check_scalar(a->dtype, alpha, 2, "the multiplier", 1))) return st;
  if ((st = check_out(out, a->dtype, 0))) return st;
  tocha_iter it;
  scratch s;
  const tocha_tensor *in[2] = {a, b};
  if ((st = prepare(&it, &s, out, in, 2))) return st;
  if (alpha == 1)
    binary_tt[a->dtype][TOCHA_BINARY_ADD](&it);
  else if (alpha == -1)
    binary_tt[a->dtype][TOCHA_BINARY_SUB](&it);
  else
    axpy_table[a->dtype](&it, alpha);
  scratch_release(&s);
  return TOCHA_OK;
}

/* ---- three inputs ----------------------------------------------------------------------- */

/* out = x + value * (a op b), op being the kernel given; out is first
 * given x's values unless it already is x. */
static tocha_status addc(tocha_tensor *out, const tocha_tensor *x, double value, const tocha_tensor *a,
                         const tocha_tensor *b, const char *name, kernel_2s fk, kernel_2s dk) {
  tocha_status st;
  if ((st = check_tensor(x, 1)) || (st = check_like(x, a, 3)) || (st = check_like(x, b, 4))) return st;
  if (!is_float(x->dtype)) return float_only(name, x->dtype, 1);
  if ((st = check_out(out, x->dtype, 0))) return st;
  scratch s;
  scratch_init(&s);
  if ((st = tocha_tensor_resize_as(out, x)) || (st = detach(&s, out, &x))) goto done;
  /* a and b are read after x has been copied into out: unless out is x,
   * they may not share out's elements at all. */
  int in_place = tocha_same_view(out, x) && tocha_distinct_elements(out);
  const tocha_tensor *ab[2] = {a, b};
  for (int k = 0; k < 2; k++) {
    if (!in_place && ab[k]->storage == out->storage && tocha_tensor_nelement(out) > 0) {
      tocha_tensor *c = &s.copy[s.used++];
      tocha_tensor_init(c, ab[k]->dtype);
      if ((st = tocha_clone(c, ab[k], ab[k]->dtype))) goto done;
      ab[k] = c;
    } else if ((st = detach(&s, out, &ab[k]))) {
      goto done;
    }
  }
  for (int k = 0; st == TOCHA_OK && k < 2; k++) st = reshape_input(&s, out, &ab[k]);
  if (st) goto done;
  if (!in_place && (st = tocha_copy(out, x))) goto done;
  tocha_iter it;
  tocha_iter_init(&it, 3, (const tocha_tensor *[]){out, ab[0], ab[1]});
  (x->dtype == TOCHA_FLOAT ? fk : dk)(&it, value);
done:
  scratch_release(&s);
  return st;
}

tocha_status tocha_addcmul(tocha_tensor *out, const tocha_tensor *x, double value, const tocha_tensor *a,
                           const tocha_tensor *b) {
  return addc(out, x, value, a, b, "addcmul", k_F_addcmul, k_D_addcmul);
}

tocha_status tocha_addcdiv(tocha_tensor *out, const tocha_tensor *x, double value, const tocha_tensor *a,
                           const tocha_tensor *b) {
  return addc(out, x, value, a, b, "addcdiv", k_F_addcdiv, k_D_addcdiv);
}

tocha_status tocha_lerp(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b, double weight) {
  tocha_status st;
  if ((st = check_tensor(a, 1)) || (st = check_like(a, b, 2))) return st;
  if (!is_float(a->dtype)) return float_only("lerp", a->dtype, 1);
  if ((st = check_out(out, a->dtype, 0))) return st;
  tocha_iter it;
  scratch s;
  const tocha_tensor *in[2] = {a, b};
  if ((st = prepare(&it, &s, out, in, 2))) return st;
  (a->dtype == TOCHA_FLOAT ? k_F_lerp : k_D_lerp)(&it, weight);
  scratch_release(&s);
  return TOCHA_OK;
}

tocha_status tocha_clamp(tocha_tensor *out, const tocha_tensor *src, double min, double max) {
  tocha_status st;
  if ((st = check_tensor(src, 1))) return st;
  if (isnan(min)) return tocha_fail(TOCHA_EARG, 2, "min must not be nan");
  if (isnan(max)) return tocha_fail(TOCHA_EARG, 3, "max must not be nan");
  if ((st = check_scalar(src->dtype, min, 2, "min", 0)) || (st = check_scalar(src->dtype, max, 3, "max", 0)))
    return st;
  if (min > max) return tocha_fail(TOCHA_EARG, 3, "max (%.17g) must not be less than min (%.17g)", max, min);
  if ((st = check_out(out, src->dtype, 0))) return st;
  tocha_iter it;
  scratch s;
  const tocha_tensor *in[1] = {src};
  if ((st = prepare(&it, &s, out, in, 1))) return st;
  clamp_table[src->dtype](&it, min, max);
  scratch_release(&s);
  return TOCHA_OK;
}

/* ---- comparisons -------------------------------------------------------------------------- */

tocha_status tocha_compare(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b, tocha_compare_op op) {
  tocha_status st;
  if ((st = check_tensor(a, 1)) || (st = check_like(a, b, 2))) return st;
  if ((unsigned)op >= TOCHA_CMP_COUNT) return tocha_fail(TOCHA_EARG, 3, "unknown comparison %d", (int)op);
  if ((st = check_out(out, a->dtype, 1))) return st;
  int same = out->dtype != TOCHA_BYTE;
  tocha_iter it;
  scratch s;
  const tocha_tensor *in[2] = {a, b};
  if ((st = prepare(&it, &s, out, in, 2))) return st;
  compare_tt[a->dtype][same][op](&it);
  scratch_release(&s);
  return TOCHA_OK;
}

tocha_status tocha_compare_scalar(tocha_tensor *out, const tocha_tensor *a, double value, tocha_compare_op op) {
  tocha_status st;
  if ((st = check_tensor(a, 1))) return st;
  if ((unsigned)op >= TOCHA_CMP_COUNT) return tocha_fail(TOCHA_EARG, 3, "unknown comparison %d", (int)op);
  if ((st = check_out(out, a->dtype, 1))) return st;
  int same = out->dtype != TOCHA_BYTE;
  kernel_s k = compare_ts[a->dtype][same][op];
  if (!is_float(a->dtype)) {
    /* A number the type cannot hold is compared in double, which is exact
     * here: a fraction is below 2^52, where the rounding of large integers
     * cannot cross it, and numbers beyond the int64 range act as infinities. */
    const double two63 = 9223372036854775808.0;
    double lo, hi;
    tocha_dtype_integer_range(a->dtype, &lo, &hi);
    int holds = value == floor(value) &&
                (a->dtype != TOCHA_LONG ? value >= lo && value <= hi : value >= -two63 && value < two63);
    if (!holds) {
      k = compare_td[a->dtype][same][op];
      if (a->dtype == TOCHA_LONG && value >= two63) value = INFINITY;
      if (a->dtype == TOCHA_LONG && value < -two63) value = -INFINITY;
    }
  }
  tocha_iter it;
  scratch s;
  const tocha_tensor *in[1] = {a};
  if ((st = prepare(&it, &s, out, in, 1))) return st;
  k(&it, value);
  scratch_release(&s);
  return TOCHA_OK;
}
