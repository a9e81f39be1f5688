/* Storages as Lua objects: t:storage(), tocha.FloatStorage(n), and
 * t:set(storage, offset, sizes, strides).  A storage object holds one
 * reference to the core's refcounted storage. */
#include <string.h>

#include "binding.h"

static const char *const storage_names[TOCHA_NTYPES] = {
    "tocha.FloatStorage", "tocha.DoubleStorage", "tocha.LongTensorStorage", "tocha.ByteStorage",
    "tocha.IntStorage",   "tocha.ShortStorage",  "tocha.CharStorage"};

typedef struct storage_box {
  tocha_storage *storage;
} storage_box;

static storage_box *to_storage(lua_State *L, int arg) {
  for (int d = 0; d < TOCHA_NTYPES; d++) {
    storage_box *box = luaL_testudata(L, arg, storage_names[d]);
    if (box) return box;
  }
  return NULL;
}

static tocha_storage *check_storage(lua_State *L, int arg) {
  storage_box *box = to_storage(L, arg);
  if (!box) luaL_typeerror(L, arg, "storage");
  if (!box->storage) luaL_argerror(L, arg, "storage has been closed");
  return box->storage;
}

static void push_storage(lua_State *L, tocha_storage *s) {
  storage_box *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->storage = NULL;
  luaL_setmetatable(L, storage_names[s->dtype]);
  tocha_storage_retain(s);
  box->storage = s;
}

/* A 1-D tensor header over the whole storage (borrowed, not retained). */
static tocha_tensor whole_view(tocha_storage *s) {
  tocha_tensor view;
  tocha_tensor_init(&view, s->dtype);
  view.storage = s;
  view.ndim = 1;
  view.size[0] = s->size;
  view.stride[0] = 1;
  return view;
}

static int64_t storage_index(lua_State *L, tocha_storage *s, int arg) {
  int isint;
  lua_Integer i = lua_tointegerx(L, arg, &isint);
  if (!isint) luaL_error(L, "storage index must be an integer, got %s", luaL_typename(L, arg));
  if (i < 1 || i > s->size) luaL_error(L, "storage index %I out of range 1..%I", i, (lua_Integer)s->size);
  return i - 1;
}

/* Stores the number at stack index `value` as element i of s: integers only
 * for Long and Byte storages (a Byte stores it modulo 256, as C converts to
 * unsigned char).  Returns 0 when the value is not such a number. */
static int integral_type(tocha_dtype dtype) { return dtype != TOCHA_FLOAT && dtype != TOCHA_DOUBLE; }

/* Stores the number at `value` into element i of s; 0 when it is not a
 * number (or, for the integer types, not an integer).  Integers wrap modulo
 * 2^bits in the narrow types, as C converts (and Torch7 stored them). */
static int storage_store(lua_State *L, tocha_storage *s, int64_t i, int value) {
  int ok;
  if (integral_type(s->dtype)) {
    lua_Integer b = lua_type(L, value) == LUA_TNUMBER ? lua_tointegerx(L, value, &ok) : (ok = 0);
    if (!ok) return 0;
    lua_Unsigned u = (lua_Unsigned)b;
    switch (s->dtype) {
      case TOCHA_LONG: ((int64_t *)s->data)[i] = b; break;
      case TOCHA_BYTE: ((uint8_t *)s->data)[i] = (uint8_t)(u & 0xffu); break;
      case TOCHA_INT: ((int32_t *)s->data)[i] = (int32_t)(uint32_t)(u & 0xffffffffu); break;
      case TOCHA_SHORT: ((int16_t *)s->data)[i] = (int16_t)(uint16_t)(u & 0xffffu); break;
      case TOCHA_CHAR: ((int8_t *)s->data)[i] = (int8_t)(uint8_t)(u & 0xffu); break;
      default: return 0;
    }
    return 1;
  }
  lua_Number v = lua_type(L, value) == LUA_TNUMBER ? lua_tonumberx(L, value, &ok) : (ok = 0);
  if (!ok) return 0;
  if (s->dtype == TOCHA_FLOAT)
    ((float *)s->data)[i] = (float)v;
  else
    ((double *)s->data)[i] = v;
  return 1;
}

static int storage_newindex(lua_State *L) {
  tocha_storage *s = check_storage(L, 1);
  int64_t i = storage_index(L, s, 2);
  if (!storage_store(L, s, i, 3))
    luaL_argerror(L, 3, lua_pushfstring(L, "%s expected, got %s", integral_type(s->dtype) ? "integer" : "number",
                                        luaL_typename(L, 3)));
  return 0;
}

/* tocha.FloatStorage(n) or tocha.FloatStorage({...}) */
static int storage_call(lua_State *L) {
  tocha_dtype dtype = (tocha_dtype)lua_tointeger(L, lua_upvalueindex(1));
  int64_t n;
  int from_table = lua_istable(L, 2);
  if (from_table) {
    n = (int64_t)luaL_len(L, 2);
  } else {
    lua_Integer given = luaL_optinteger(L, 2, 0);
    if (given < 0) luaL_argerror(L, 1, lua_pushfstring(L, "size must be >= 0, got %I", given));
    n = given;
  }
  storage_box *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->storage = NULL;
  luaL_setmetatable(L, storage_names[dtype]);
  box->storage = tocha_storage_new(dtype, n);
  if (!box->storage) tl_check(L, tocha_last_error()->status, 0);
  if (from_table) {
    /* Reading the table may raise (__index, a non-number): the storage is
     * already owned by the box on the stack, and nothing else holds it. */
    for (int64_t i = 0; i < n; i++) {
      lua_geti(L, 2, i + 1);
      if (!storage_store(L, box->storage, i, lua_gettop(L)))
        luaL_argerror(L, 1, lua_pushfstring(L, "entry %I must be %s, got %s", (lua_Integer)i + 1,
                                            integral_type(dtype) ? "an integer" : "a number",
                                            luaL_tolstring(L, -1, NULL)));
      lua_pop(L, 1);
    }
  }
  return 1;
}

static int storage_size(lua_State *L) {
  lua_pushinteger(L, check_storage(L, 1)->size);
  return 1;
}


static int storage_index_meta(lua_State *L) {
  if (lua_type(L, 2) == LUA_TSTRING) {
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
  }
  tocha_storage *s = check_storage(L, 1);
  int64_t i = storage_index(L, s, 2);
  tocha_tensor view = whole_view(s);
  tl_pushelement(L, &view, i);
  return 1;
}

static int storage_gc(lua_State *L) {
  storage_box *box = lua_touserdata(L, 1);
  tocha_storage_release(box->storage);
  box->storage = NULL;
  return 0;
}

static int storage_tostring(lua_State *L) {
  tocha_storage *s = check_storage(L, 1);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  tocha_tensor view = whole_view(s);
  for (int64_t i = 0; i < s->size; i++) {
    luaL_addchar(&b, ' ');
    tl_pushelement(L, &view, i);
    luaL_addvalue(&b);
    luaL_addchar(&b, '\n');
  }
  const char *name = storage_names[s->dtype] + strlen("tocha.");
  lua_pushfstring(L, "[%s.%s of size %I]\n", tl_torch_names(L) ? "torch" : "tocha", name, (lua_Integer)s->size);
  luaL_addvalue(&b);
  luaL_pushresult(&b);
  return 1;
}

/* Identity of a tensor's storage, for grouping tensors that share one. */
static int tensor_storage(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  if (!t->storage) {
    lua_pushnil(L);
    return 1;
  }
  push_storage(L, t->storage);
  return 1;
}

static int storage_pointer(lua_State *L) {
  lua_pushlightuserdata(L, check_storage(L, 1));
  return 1;
}

/* s1 == s2: the same storage (t:storage() makes a new Lua object each time;
 * Torch7 code compares them to ask whether two tensors share memory). */
static int storage_eq(lua_State *L) {
  storage_box *a = to_storage(L, 1), *b = to_storage(L, 2);
  lua_pushboolean(L, a && b && a->storage && a->storage == b->storage);
  return 1;
}

/* Bytes per element (Torch7's Storage:elementSize and Tensor:elementSize). */
static int storage_element_size(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)tocha_dtype_size(check_storage(L, 1)->dtype));
  return 1;
}

static int tensor_element_size(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)tocha_dtype_size(tl_checktensor(L, 1)->dtype));
  return 1;
}

/* t:set(), t:set(tensor), t:set(storage [, offset [, sizes [, strides]]]) */
static int tensor_set(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  if (lua_isnoneornil(L, 2)) {
    tocha_tensor_release(t);
  } else if (tl_totensor(L, 2)) {
    tocha_tensor *src = tl_totensor(L, 2);
    if (src->dtype != t->dtype)
      luaL_argerror(L, 2, lua_pushfstring(L, "%s expected, got %s", tl_type_names[t->dtype], tl_type_names[src->dtype]));
    tocha_tensor_set(t, src);
  } else {
    tocha_storage *s = check_storage(L, 2);
    if (s->dtype != t->dtype)
      luaL_argerror(L, 2, lua_pushfstring(L, "%s expected, got %s", storage_names[t->dtype], storage_names[s->dtype]));
    /* 1-based here, 0-based in the core, which checks its range (the
     * smallest integer has no 0-based counterpart: out of range anyway). */
    lua_Integer given = luaL_optinteger(L, 3, 1);
    int64_t offset = given > LUA_MININTEGER ? given - 1 : LUA_MININTEGER;
    int64_t size[TOCHA_MAX_DIMS], stride[TOCHA_MAX_DIMS];
    int ndim;
    if (lua_isnoneornil(L, 4)) {
      ndim = 1;
      size[0] = offset >= 0 && offset <= s->size ? s->size - offset : 0;
    } else {
      ndim = tl_checksizes(L, 4, 4, size);
    }
    int has_stride = !lua_isnoneornil(L, 5);
    if (has_stride) {
      luaL_checktype(L, 5, LUA_TTABLE);
      if (luaL_len(L, 5) != ndim)
        luaL_argerror(L, 5, lua_pushfstring(L, "expected %d strides, got %I", ndim, (lua_Integer)luaL_len(L, 5)));
      for (int d = 0; d < ndim; d++) {
        lua_geti(L, 5, d + 1);
        stride[d] = luaL_checkinteger(L, -1);
        lua_pop(L, 1);
      }
    }
    tl_check(L, tocha_tensor_set_storage(t, s, offset, ndim, size, has_stride ? stride : NULL), 1);
  }
  lua_settop(L, 1);
  return 1;
}

void tl_open_storage(lua_State *L, int module, int methods) {
  static const luaL_Reg storage_methods[] = {
      {"size", storage_size}, {"pointer", storage_pointer}, {"elementSize", storage_element_size}, {NULL, NULL}};
  lua_pushcfunction(L, tensor_element_size);
  lua_setfield(L, methods, "elementSize");
  lua_pushcfunction(L, tensor_storage);
  lua_setfield(L, methods, "storage");
  lua_pushcfunction(L, tensor_set);
  lua_setfield(L, methods, "set");

  lua_newtable(L);
  luaL_setfuncs(L, storage_methods, 0);
  int storage_methods_index = lua_gettop(L);
  for (int d = 0; d < TOCHA_NTYPES; d++) {
    luaL_newmetatable(L, storage_names[d]);
    lua_pushvalue(L, storage_methods_index);
    lua_pushcclosure(L, storage_index_meta, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, storage_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, storage_size);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, storage_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, storage_gc);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, storage_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, storage_eq);
    lua_setfield(L, -2, "__eq");
    lua_pop(L, 1);
    if (d == TOCHA_LONG) continue; /* tocha.LongStorage is the size list (init.lua) */
    lua_newtable(L);
    lua_newtable(L);
    lua_pushinteger(L, d);
    lua_pushcclosure(L, storage_call, 1);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_setfield(L, module, storage_names[d] + strlen("tocha."));
  }
  lua_pop(L, 1);
}
