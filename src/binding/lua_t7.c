/* Element bytes of Torch7 files (lua/tocha/t7.lua holds the format; this
 * file only converts raw elements fast):
 *   tocha._t7_elements(kind, s, pos, n, typename) -> tensor, next_pos
 * A new 1-D contiguous tensor of `typename` ("tocha.FloatTensor", ...)
 * with the n elements stored natively (Torch7 files are native-endian) in
 * s from the 1-based position pos.  kind names the stored element type:
 * "f4" float, "f8" double, "f2" IEEE half, "i8" int64, "i4" int32,
 * "i2" int16, "i1" int8, "u1" uint8.  The byte range is checked against
 * #s before anything is allocated; integers going into a ByteTensor must
 * be 0..255. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "binding.h"

typedef struct elem_kind {
  const char *name;
  size_t size;
} elem_kind;

static const elem_kind kinds[] = {{"f4", 4}, {"f8", 8}, {"f2", 2}, {"i8", 8},
                                  {"i4", 4}, {"i2", 2}, {"i1", 1}, {"u1", 1}};
enum { K_F4, K_F8, K_F2, K_I8, K_I4, K_I2, K_I1, K_U1, K_COUNT };

static float half_to_float(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0)
    v = ldexpf((float)mant, -24); /* subnormal or zero */
  else if (exp == 31)
    v = mant ? NAN : INFINITY;
  else
    v = ldexpf((float)(mant | 0x400), exp - 25);
  return sign ? -v : v;
}

/* Element i of the stored array at p, as a double (is_int: an integer, in *iv). */
static double load_elem(int kind, const char *p, int64_t i, int64_t *iv, int *is_int) {
  *is_int = 1;
  switch (kind) {
    case K_F4: { float f; memcpy(&f, p + 4 * i, 4); *is_int = 0; return f; }
    case K_F8: { double d; memcpy(&d, p + 8 * i, 8); *is_int = 0; return d; }
    case K_F2: { uint16_t h; memcpy(&h, p + 2 * i, 2); *is_int = 0; return half_to_float(h); }
    case K_I8: { int64_t v; memcpy(&v, p + 8 * i, 8); *iv = v; return (double)v; }
    case K_I4: { int32_t v; memcpy(&v, p + 4 * i, 4); *iv = v; return (double)v; }
    case K_I2: { int16_t v; memcpy(&v, p + 2 * i, 2); *iv = v; return (double)v; }
    case K_I1: { int8_t v; memcpy(&v, p + i, 1); *iv = v; return (double)v; }
    default: { uint8_t v; memcpy(&v, p + i, 1); *iv = v; return (double)v; }
  }
}

static int l_t7_elements(lua_State *L) {
  const char *kname = luaL_checkstring(L, 1);
  int kind = -1;
  for (int k = 0; k < K_COUNT; k++)
    if (strcmp(kname, kinds[k].name) == 0) kind = k;
  if (kind < 0) luaL_argerror(L, 1, lua_pushfstring(L, "element kind such as 'f4' expected, got '%s'", kname));
  size_t len;
  const char *s = luaL_checklstring(L, 2, &len);
  lua_Integer pos = luaL_checkinteger(L, 3);
  if (pos < 1 || (lua_Unsigned)pos > (lua_Unsigned)len + 1)
    luaL_argerror(L, 3, lua_pushfstring(L, "position %I out of range 1..%I", pos, (lua_Integer)len + 1));
  lua_Integer n = luaL_checkinteger(L, 4);
  const char *tname = luaL_checkstring(L, 5);
  int dtype = -1;
  for (int d = 0; d < TOCHA_NTYPES; d++)
    if (strcmp(tname, tl_type_names[d]) == 0) dtype = d;
  if (dtype < 0)
    luaL_argerror(L, 5, lua_pushfstring(L, "tensor type name such as 'tocha.FloatTensor' expected, got '%s'", tname));
  size_t esize = kinds[kind].size;
  lua_Integer left = (lua_Integer)(len - (size_t)(pos - 1));
  if (n < 0 || n > left / (lua_Integer)esize)
    luaL_argerror(L, 4, lua_pushfstring(L, "%I elements of %d bytes need more than the %I bytes left", n, (int)esize,
                                        left));
  tocha_tensor *t = tl_pushtensor(L, (tocha_dtype)dtype);
  int64_t size = n;
  tl_check(L, tocha_tensor_new(t, (tocha_dtype)dtype, 1, &size), 0);
  const char *p = s + pos - 1;
  void *out = tocha_tensor_data(t);
  int same = (kind == K_F4 && dtype == TOCHA_FLOAT) || (kind == K_F8 && dtype == TOCHA_DOUBLE) ||
             (kind == K_I8 && dtype == TOCHA_LONG) || (kind == K_U1 && dtype == TOCHA_BYTE) ||
             (kind == K_I4 && dtype == TOCHA_INT) || (kind == K_I2 && dtype == TOCHA_SHORT) ||
             (kind == K_I1 && dtype == TOCHA_CHAR);
  if (same) {
    if (n > 0) memcpy(out, p, (size_t)n * esize);
  } else {
    for (int64_t i = 0; i < n; i++) {
      int64_t iv = 0;
      int is_int;
      double v = load_elem(kind, p, i, &iv, &is_int);
      switch (dtype) {
        case TOCHA_FLOAT: ((float *)out)[i] = (float)v; break;
        case TOCHA_DOUBLE: ((double *)out)[i] = v; break;
        case TOCHA_LONG:
          if (!is_int) luaL_argerror(L, 1, "floating-point elements cannot go into a LongTensor");
          ((int64_t *)out)[i] = iv;
          break;
        case TOCHA_BYTE:
          if (!is_int || iv < 0 || iv > 255)
            luaL_argerror(L, 1, lua_pushfstring(L, "element %I does not fit in a ByteTensor", (lua_Integer)i + 1));
          ((uint8_t *)out)[i] = (uint8_t)iv;
          break;
        case TOCHA_INT:
        case TOCHA_SHORT:
        case TOCHA_CHAR: {
          /* the narrow integer types take elements that fit them */
          int64_t lo = dtype == TOCHA_INT ? INT32_MIN : dtype == TOCHA_SHORT ? INT16_MIN : INT8_MIN;
          int64_t hi = dtype == TOCHA_INT ? INT32_MAX : dtype == TOCHA_SHORT ? INT16_MAX : INT8_MAX;
          if (!is_int || iv < lo || iv > hi)
            luaL_argerror(L, 1, lua_pushfstring(L, "element %I does not fit in a %s", (lua_Integer)i + 1,
                                                tl_type_names[dtype]));
          if (dtype == TOCHA_INT)
            ((int32_t *)out)[i] = (int32_t)iv;
          else if (dtype == TOCHA_SHORT)
            ((int16_t *)out)[i] = (int16_t)iv;
          else
            ((int8_t *)out)[i] = (int8_t)iv;
          break;
        }
        default: luaL_argerror(L, 5, "no conversion into this tensor type"); break;
      }
    }
  }
  lua_pushinteger(L, pos + (lua_Integer)((size_t)n * esize));
  return 2;
}

void tl_open_t7(lua_State *L, int module, int methods) {
  static const luaL_Reg module_funcs[] = {{"_t7_elements", l_t7_elements}, {NULL, NULL}};
  (void)methods;
  tl_register(L, module, 0, module_funcs);
}
