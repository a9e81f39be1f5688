/* luaopen_tocha_core and the helpers every binding file shares. */
#include <stdio.h>
#include <string.h>

#include "binding.h"

const char *const tl_type_names[TOCHA_NTYPES] = {
    "tocha.FloatTensor", "tocha.DoubleTensor", "tocha.LongTensor", "tocha.ByteTensor",
    "tocha.IntTensor",   "tocha.ShortTensor",  "tocha.CharTensor"};

static const char *const default_dtype_key = "tocha.default_dtype";

tocha_tensor *tl_totensor(lua_State *L, int arg) {
  void *p = lua_touserdata(L, arg);
  if (!p || lua_type(L, arg) != LUA_TUSERDATA || lua_rawlen(L, arg) != sizeof(tocha_tensor) ||
      !lua_getmetatable(L, arg))
    return NULL;
  lua_pushliteral(L, "__tocha_dtype");
  lua_rawget(L, -2);
  int is_tensor = lua_isinteger(L, -1);
  lua_pop(L, 2);
  return is_tensor ? (tocha_tensor *)p : NULL;
}

tocha_tensor *tl_checktensor(lua_State *L, int arg) {
  tocha_tensor *t = tl_totensor(L, arg);
  if (!t) luaL_typeerror(L, arg, "tensor");
  return t;
}

tocha_tensor *tl_checktensortype(lua_State *L, int arg, tocha_dtype dtype) {
  tocha_tensor *t = tl_checktensor(L, arg);
  if (t->dtype != dtype) {
    const char *msg = lua_pushfstring(L, "%s expected, got %s", tl_type_names[dtype], tl_type_names[t->dtype]);
    luaL_argerror(L, arg, msg);
  }
  return t;
}

tocha_tensor *tl_pushtensor(lua_State *L, tocha_dtype dtype) {
  tocha_tensor *t = lua_newuserdatauv(L, sizeof *t, 0);
  tocha_tensor_init(t, dtype);
  luaL_setmetatable(L, tl_type_names[dtype]);
  return t;
}

tocha_tensor *tl_pushview(lua_State *L, const tocha_tensor *src) {
  tocha_tensor *t = tl_pushtensor(L, src->dtype);
  tocha_tensor_set(t, src);
  return t;
}

void tl_check(lua_State *L, tocha_status st, int argshift) {
  if (st == TOCHA_OK) return;
  const tocha_error *e = tocha_last_error();
  if (e->arg > 0) luaL_argerror(L, e->arg + argshift, e->message);
  lua_Debug ar;
  const char *name = NULL;
  if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar)) name = ar.name;
  luaL_error(L, "%s: %s", name ? name : "tocha", e->message);
}

int tl_checkdim(lua_State *L, const tocha_tensor *t, int arg) {
  lua_Integer d = luaL_checkinteger(L, arg);
  if (t->ndim == 0) luaL_argerror(L, arg, lua_pushfstring(L, "dimension %I out of range (tensor is empty)", d));
  if (d < 0) d += t->ndim + 1;
  if (d < 1 || d > t->ndim) {
    luaL_argerror(L, arg,
                  lua_pushfstring(L, "dimension %I out of range for a %dD tensor", luaL_checkinteger(L, arg),
                                  t->ndim));
  }
  return (int)d - 1;
}

int64_t tl_checkindex(lua_State *L, int arg, int64_t size, int dim) {
  lua_Integer given = luaL_checkinteger(L, arg), i = given;
  if (i < 0) i += size + 1;
  if (i < 1 || i > size) {
    luaL_argerror(L, arg,
                  lua_pushfstring(L, "index %I out of range for dimension %d of size %I", given, dim + 1,
                                  (lua_Integer)size));
  }
  return i - 1;
}

int tl_tointeger(lua_State *L, int idx, lua_Integer *out) {
  int isint = 0;
  if (lua_type(L, idx) != LUA_TNUMBER) return 0;
  lua_Integer v = lua_tointegerx(L, idx, &isint);
  if (isint) *out = v;
  return isint;
}

int tl_torch_names(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_getfield(L, -1, "tocha.compat");
  int on = lua_toboolean(L, -1);
  lua_pop(L, 2);
  return on;
}

static int64_t checksize_value(lua_State *L, int arg, int isnum, lua_Integer v, int pos) {
  if (!isnum) {
    luaL_argerror(L, arg, lua_pushfstring(L, "size %d must be an integer", pos));
  }
  if (v < 0) luaL_argerror(L, arg, lua_pushfstring(L, "size %d must be >= 0, got %I", pos, v));
  return v;
}

int tl_checksizes(lua_State *L, int first, int last, int64_t *sizes) {
  if (lua_istable(L, first)) {
    lua_Integer n = luaL_len(L, first);
    if (n > TOCHA_MAX_DIMS)
      luaL_argerror(L, first, lua_pushfstring(L, "at most %d sizes allowed, got %I", TOCHA_MAX_DIMS, n));
    for (int i = 1; i <= n; i++) {
      int isnum;
      lua_geti(L, first, i);
      lua_Integer v = lua_tointegerx(L, -1, &isnum);
      lua_pop(L, 1);
      sizes[i - 1] = checksize_value(L, first, isnum, v, i);
    }
    return (int)n;
  }
  int n = last - first + 1;
  if (n > TOCHA_MAX_DIMS)
    luaL_argerror(L, first + TOCHA_MAX_DIMS, lua_pushfstring(L, "at most %d sizes allowed, got %d", TOCHA_MAX_DIMS, n));
  for (int i = 0; i < n; i++) {
    int isnum;
    lua_Integer v = lua_tointegerx(L, first + i, &isnum);
    if (!isnum) luaL_typeerror(L, first + i, "integer size");
    sizes[i] = checksize_value(L, first + i, isnum, v, i + 1);
  }
  return n;
}

void tl_pushsizes(lua_State *L, int n, const int64_t *values) {
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushinteger(L, values[i]);
    lua_rawseti(L, -2, i + 1);
  }
  luaL_setmetatable(L, TL_SIZE_CLASS);
}

void tl_pushelement(lua_State *L, const tocha_tensor *t, int64_t off) {
  const void *data = t->storage->data;
  switch (t->dtype) {
    case TOCHA_FLOAT: lua_pushnumber(L, ((const float *)data)[off]); break;
    case TOCHA_DOUBLE: lua_pushnumber(L, ((const double *)data)[off]); break;
    case TOCHA_LONG: lua_pushinteger(L, ((const int64_t *)data)[off]); break;
    case TOCHA_BYTE: lua_pushinteger(L, ((const uint8_t *)data)[off]); break;
    case TOCHA_INT: lua_pushinteger(L, ((const int32_t *)data)[off]); break;
    case TOCHA_SHORT: lua_pushinteger(L, ((const int16_t *)data)[off]); break;
    case TOCHA_CHAR: lua_pushinteger(L, ((const int8_t *)data)[off]); break;
    default: lua_pushnil(L);
  }
}

/* A number for storing into a tensor of `dtype` (integers for the integer
 * types).  Byte, Int, Short and Char tensors store an integer modulo 2^bits
 * (two's complement), as C's conversion does in Torch7 (b[i] = 200 + 100
 * stores 44 in a ByteTensor, c[i] = 200 stores -56 in a CharTensor). */
double tl_checkvalue(lua_State *L, int arg, tocha_dtype dtype) {
  lua_Number v = luaL_checknumber(L, arg);
  if (tocha_dtype_integer_range(dtype, NULL, NULL)) {
    int isint;
    lua_Integer iv = lua_tointegerx(L, arg, &isint);
    if (!isint)
      luaL_argerror(L, arg, lua_pushfstring(L, "expected an integer for a %s, got %s", tl_type_names[dtype],
                                            luaL_tolstring(L, arg, NULL)));
    switch (dtype) {
      case TOCHA_BYTE: return (double)(uint8_t)((lua_Unsigned)iv & 0xffu);
      case TOCHA_INT: return (double)(int32_t)(uint32_t)(lua_Unsigned)iv;
      case TOCHA_SHORT: return (double)(int16_t)(uint16_t)(lua_Unsigned)iv;
      case TOCHA_CHAR: return (double)(int8_t)(uint8_t)(lua_Unsigned)iv;
      default: return (double)iv;
    }
  }
  return v;
}

tocha_dtype tl_default_dtype(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, default_dtype_key);
  tocha_dtype d = (tocha_dtype)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return d;
}

void tl_register(lua_State *L, int module, int methods, const luaL_Reg *funcs) {
  for (; funcs->name; funcs++) {
    if (methods) {
      lua_pushcfunction(L, funcs->func);
      lua_setfield(L, methods, funcs->name);
    }
    if (module) {
      lua_pushcfunction(L, funcs->func);
      lua_setfield(L, module, funcs->name);
    }
  }
}

static int l_setdefaulttensortype(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  for (int d = 0; d < TOCHA_NTYPES; d++) {
    if (strcmp(name, tl_type_names[d]) == 0) {
      if (d != TOCHA_FLOAT && d != TOCHA_DOUBLE) break;
      lua_pushinteger(L, d);
      lua_setfield(L, LUA_REGISTRYINDEX, default_dtype_key);
      return 0;
    }
  }
  return luaL_argerror(L, 1,
                       lua_pushfstring(L, "expected 'tocha.FloatTensor' or 'tocha.DoubleTensor', got '%s'", name));
}

static int l_getdefaulttensortype(lua_State *L) {
  lua_pushstring(L, tl_type_names[tl_default_dtype(L)]);
  return 1;
}

/* The module's one exported symbol (everything else is static or hidden). */
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
int luaopen_tocha_core(lua_State *L);

int luaopen_tocha_core(lua_State *L) {
  lua_pushinteger(L, TOCHA_FLOAT);
  lua_setfield(L, LUA_REGISTRYINDEX, default_dtype_key);

  lua_newtable(L); /* module */
  int module = lua_gettop(L);
  lua_newtable(L); /* methods shared by every tensor type */
  int methods = lua_gettop(L);

  lua_pushcfunction(L, l_setdefaulttensortype);
  lua_setfield(L, module, "setdefaulttensortype");
  lua_pushcfunction(L, l_getdefaulttensortype);
  lua_setfield(L, module, "getdefaulttensortype");

  tl_open_tensor(L, module, methods);
  tl_open_math(L, module, methods);
  tl_open_random(L, module, methods);
  tl_open_linalg(L, module, methods);
  tl_open_reduce(L, module, methods);
  tl_open_index(L, module, methods);
  tl_open_storage(L, module, methods); /* after tensor: replaces its set */
  tl_open_dropout(L, module, methods);
  tl_open_nn(L, module, methods);
  tl_open_serialize(L, module, methods);
  tl_open_data(L, module, methods);
  tl_open_plot(L, module, methods);
  tl_open_t7(L, module, methods);
  tl_open_tensorlib(L, module, methods);
  tl_open_spatial(L, module, methods);
  tl_open_convnd(L, module, methods);
  tl_open_clock(L, module, methods);
  tl_open_lapack(L, module, methods);
  tl_open_conv(L, module, methods);
  tl_open_sampling(L, module, methods);

  lua_pushvalue(L, methods);
  lua_setfield(L, module, "_methods");
  lua_settop(L, module);
  return 1;
}
