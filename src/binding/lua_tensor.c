/* Tensor type, constructors, geometry, views, copies and indexing. */
#include <math.h>
#include <string.h>

#include "binding.h"

/* Registry field: the class objects (tocha.FloatTensor, ...) by dtype. */
static const char *const class_registry_key = "tocha.tensor_classes";

/* ---- constructors ------------------------------------------------------ */

/* Walks a nested Lua table to find its shape (following first elements). */
static int table_shape(lua_State *L, int arg, int64_t *size) {
  int ndim = 0;
  lua_pushvalue(L, arg);
  while (lua_istable(L, -1)) {
    if (ndim == TOCHA_MAX_DIMS)
      luaL_argerror(L, arg, lua_pushfstring(L, "table nests deeper than %d levels", TOCHA_MAX_DIMS));
    size[ndim++] = (int64_t)luaL_len(L, -1);
    if (size[ndim - 1] == 0) break;
    lua_geti(L, -1, 1);
    lua_remove(L, -2);
  }
  lua_pop(L, 1);
  return ndim;
}

/* Checks that the table at the top of the stack has the shape size[d..] and
 * stores its numbers in data, advancing *pos. */
static void table_fill(lua_State *L, int arg, const tocha_tensor *t, int d, int64_t *pos) {
  int64_t n = (int64_t)luaL_len(L, -1);
  if (n != t->size[d])
    luaL_argerror(L, arg,
                  lua_pushfstring(L, "rows differ in length: expected %I elements at depth %d, got %I",
                                  (lua_Integer)t->size[d], d + 1, (lua_Integer)n));
  for (int64_t i = 1; i <= n; i++) {
    lua_geti(L, -1, i);
    if (d + 1 < t->ndim) {
      if (!lua_istable(L, -1))
        luaL_argerror(L, arg, lua_pushfstring(L, "expected a table at depth %d, got %s", d + 2, luaL_typename(L, -1)));
      table_fill(L, arg, t, d + 1, pos);
    } else {
      int isnum;
      lua_Number v = lua_tonumberx(L, -1, &isnum);
      if (!isnum || lua_type(L, -1) != LUA_TNUMBER)
        luaL_argerror(L, arg, lua_pushfstring(L, "expected numbers in the table, got %s", luaL_typename(L, -1)));
      /* The tensor is new and contiguous: *pos is the storage offset. */
      switch (t->dtype) {
        case TOCHA_FLOAT: ((float *)t->storage->data)[*pos] = (float)v; break;
        case TOCHA_DOUBLE: ((double *)t->storage->data)[*pos] = v; break;
        case TOCHA_LONG: {
          lua_Integer iv;
          if (!lua_isinteger(L, -1) && !(lua_numbertointeger(v, &iv) && (lua_Number)iv == v))
            luaL_argerror(L, arg, lua_pushfstring(L, "expected integers for a LongTensor, got %f", v));
          ((int64_t *)t->storage->data)[*pos] = (int64_t)lua_tointeger(L, -1);
          break;
        }
        case TOCHA_BYTE: {
          int isint;
          lua_Integer iv = lua_tointegerx(L, -1, &isint);
          if (!isint || iv < 0 || iv > 255)
            luaL_argerror(L, arg, lua_pushfstring(L, "expected integers 0..255 for a ByteTensor, got %s",
                                                  lua_tostring(L, -1)));
          ((uint8_t *)t->storage->data)[*pos] = (uint8_t)iv;
          break;
        }
        default: { /* Int, Short, Char: integers of the type's range */
          int isint;
          lua_Integer iv = lua_tointegerx(L, -1, &isint);
          double lo = 0, hi = 0;
          tocha_dtype_integer_range(t->dtype, &lo, &hi);
          if (!isint || (double)iv < lo || (double)iv > hi)
            luaL_argerror(L, arg, lua_pushfstring(L, "expected integers %d..%d for a %s, got %s", (int)lo, (int)hi,
                                                  tl_type_names[t->dtype], lua_tostring(L, -1)));
          int64_t idx[1] = {0};
          tocha_tensor one = *t;
          one.ndim = 1;
          one.offset = *pos;
          one.size[0] = 1;
          one.stride[0] = 1;
          tocha_tensor_put(&one, idx, (double)iv);
          break;
        }
      }
      (*pos)++;
    }
    lua_pop(L, 1);
  }
}

/* tocha_tensor_new's shape is its argument 3: a shape error names the
 * caller's first size (or table) argument instead. */
#define SHAPE_ARG 3

/* Builds a tensor of `dtype` from the arguments first..top. */
static int construct(lua_State *L, tocha_dtype dtype, int first) {
  int top = lua_gettop(L);
  int64_t size[TOCHA_MAX_DIMS];
  if (first > top) {
    tl_pushtensor(L, dtype);
    return 1;
  }
  tocha_tensor *src = tl_totensor(L, first);
  if (src) {
    if (src->dtype != dtype)
      luaL_argerror(L, first,
                    lua_pushfstring(L, "cannot share the storage of a %s as a %s (use :type() to convert)",
                                    tl_type_names[src->dtype], tl_type_names[dtype]));
    tl_pushview(L, src);
    return 1;
  }
  if (lua_istable(L, first)) {
    int is_size = 0;
    if (lua_getmetatable(L, first)) {
      luaL_getmetatable(L, TL_SIZE_CLASS);
      is_size = lua_rawequal(L, -1, -2);
      lua_pop(L, 2);
    }
    if (!is_size) {
      if (top > first) luaL_argerror(L, first + 1, "no arguments expected after a table of values");
      int ndim = table_shape(L, first, size);
      tocha_tensor *t = tl_pushtensor(L, dtype);
      tl_check(L, tocha_tensor_new(t, dtype, ndim, size), first - SHAPE_ARG);
      if (tocha_tensor_nelement(t) > 0) {
        int64_t pos = 0;
        lua_pushvalue(L, first);
        table_fill(L, first, t, 0, &pos);
        lua_pop(L, 1);
      }
      return 1;
    }
  }
  int ndim = tl_checksizes(L, first, top, size);
  tocha_tensor *t = tl_pushtensor(L, dtype);
  tl_check(L, tocha_tensor_new(t, dtype, ndim, size), first - SHAPE_ARG);
  return 1;
}

/* tocha.FloatTensor(...): the class object itself is argument 1 of __call;
 * dropped, so that errors number the arguments as the caller wrote them. */
static int class_call(lua_State *L) {
  lua_remove(L, 1);
  return construct(L, (tocha_dtype)lua_tointeger(L, lua_upvalueindex(1)), 1);
}

/* zeros/ones as functions make a tensor of the default type; as methods
 * (t:zeros(2, 3)) they resize and fill t. */
static int fill_constructor(lua_State *L, double value) {
  int64_t size[TOCHA_MAX_DIMS];
  tocha_tensor *t = tl_totensor(L, 1);
  int first = t ? 2 : 1;
  int ndim = tl_checksizes(L, first, lua_gettop(L), size);
  if (t) {
    lua_pushvalue(L, 1);
    tl_check(L, tocha_tensor_resize(t, ndim, size), first - 1);
  } else {
    t = tl_pushtensor(L, tl_default_dtype(L));
    tl_check(L, tocha_tensor_new(t, t->dtype, ndim, size), first - 1);
  }
  tl_check(L, tocha_fill(t, value), 0);
  return 1;
}

static int l_zeros(lua_State *L) { return fill_constructor(L, 0); }
static int l_ones(lua_State *L) { return fill_constructor(L, 1); }

/* Functions such as tocha.range(a, b) make a tensor of the default type;
 * given a tensor first (tocha.range(res, a, b) or res:range(a, b)) they
 * fill that one.  Returns the index of the first other argument. */
static int result_arg(lua_State *L) { return tl_totensor(L, 1) ? 2 : 1; }

/* Pushes the result tensor once the arguments have been read. */
static tocha_tensor *push_result(lua_State *L, int first) {
  if (first == 2) {
    lua_pushvalue(L, 1);
    return (tocha_tensor *)lua_touserdata(L, 1);
  }
  return tl_pushtensor(L, tl_default_dtype(L));
}

static void check_finite(lua_State *L, int arg, lua_Number v) {
  if (!isfinite(v)) luaL_argerror(L, arg, lua_pushfstring(L, "expected a finite number, got %f", v));
}

static int l_range(lua_State *L) {
  int a = result_arg(L);
  lua_Number from = luaL_checknumber(L, a), to = luaL_checknumber(L, a + 1);
  lua_Number step = luaL_optnumber(L, a + 2, 1);
  check_finite(L, a, from);
  check_finite(L, a + 1, to);
  check_finite(L, a + 2, step);
  if (step == 0) luaL_argerror(L, a + 2, "step must not be zero");
  if ((to - from) / step < 0)
    luaL_argerror(L, a + 2, lua_pushfstring(L, "step %f cannot go from %f to %f", step, from, to));
  double count = floor((to - from) / step + 1e-9) + 1;
  if (count > 1e15) luaL_argerror(L, a + 1, "range has too many elements");
  int64_t n = (int64_t)count;
  tocha_tensor *t = push_result(L, a);
  tl_check(L, tocha_tensor_resize(t, 1, &n), 0);
  for (int64_t i = 0; i < n; i++) tl_check(L, tocha_tensor_put(t, &i, from + (double)i * step), 0);
  return 1;
}

static int l_linspace(lua_State *L) {
  int a = result_arg(L);
  lua_Number from = luaL_checknumber(L, a), to = luaL_checknumber(L, a + 1);
  lua_Integer n = luaL_optinteger(L, a + 2, 100);
  check_finite(L, a, from);
  check_finite(L, a + 1, to);
  if (n < 1) luaL_argerror(L, a + 2, lua_pushfstring(L, "number of points must be >= 1, got %I", n));
  int64_t size = n;
  tocha_tensor *t = push_result(L, a);
  tl_check(L, tocha_tensor_resize(t, 1, &size), 0);
  for (int64_t i = 0; i < n; i++)
    tl_check(L, tocha_tensor_put(t, &i, n == 1 ? from : from + (to - from) * (double)i / (double)(n - 1)), 0);
  return 1;
}

static int l_eye(lua_State *L) {
  int a = result_arg(L);
  lua_Integer n = luaL_checkinteger(L, a), m = luaL_optinteger(L, a + 1, n);
  if (n < 1) luaL_argerror(L, a, lua_pushfstring(L, "size must be >= 1, got %I", n));
  if (m < 1) luaL_argerror(L, a + 1, lua_pushfstring(L, "size must be >= 1, got %I", m));
  int64_t size[2] = {n, m};
  tocha_tensor *t = push_result(L, a);
  tl_check(L, tocha_tensor_resize(t, 2, size), a - 1);
  tl_check(L, tocha_fill(t, 0), 0);
  for (int64_t i = 0; i < n && i < m; i++) tocha_tensor_put(t, (int64_t[]){i, i}, 1);
  return 1;
}

/* ---- geometry ---------------------------------------------------------- */

static int l_size(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  if (lua_isnoneornil(L, 2)) {
    tl_pushsizes(L, t->ndim, t->size);
  } else {
    lua_pushinteger(L, t->size[tl_checkdim(L, t, 2)]);
  }
  return 1;
}

/* #t: Lua passes the operand twice, so this cannot share l_size. */
static int tensor_len(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  tl_pushsizes(L, t->ndim, t->size);
  return 1;
}

static int l_stride(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  if (lua_isnoneornil(L, 2)) {
    tl_pushsizes(L, t->ndim, t->stride);
  } else {
    lua_pushinteger(L, t->stride[tl_checkdim(L, t, 2)]);
  }
  return 1;
}

static int l_dim(lua_State *L) {
  lua_pushinteger(L, tl_checktensor(L, 1)->ndim);
  return 1;
}

static int l_nelement(lua_State *L) {
  lua_pushinteger(L, tocha_tensor_nelement(tl_checktensor(L, 1)));
  return 1;
}

static int l_iscontiguous(lua_State *L) {
  lua_pushboolean(L, tocha_tensor_is_contiguous(tl_checktensor(L, 1)));
  return 1;
}

static int l_issamesizeas(lua_State *L) {
  lua_pushboolean(L, tocha_tensor_same_size(tl_checktensor(L, 1), tl_checktensor(L, 2)));
  return 1;
}

static int l_storageoffset(lua_State *L) {
  lua_pushinteger(L, tl_checktensor(L, 1)->offset + 1);
  return 1;
}

/* ---- views ------------------------------------------------------------- */

/* Makes the view into res (Torch7's result form res:view(x, ...), no
 * allocation) or into a new tensor. */
static int push_view(lua_State *L, tocha_tensor *res, const tocha_tensor *t, int ndim, const int64_t *size) {
  if (!res) {
    tocha_tensor *out = tl_pushtensor(L, t->dtype);
    tl_check(L, tocha_view(out, t, ndim, size), 0);
    return 1;
  }
  if (res->dtype != t->dtype)
    luaL_argerror(L, 1, lua_pushfstring(L, "result must be a %s, got %s", tl_type_names[t->dtype],
                                        tl_type_names[res->dtype]));
  tocha_tensor view;
  tocha_tensor_init(&view, t->dtype);
  tocha_status st = tocha_view(&view, t, ndim, size);
  if (st == TOCHA_OK) tocha_tensor_set(res, &view);
  tocha_tensor_release(&view);
  tl_check(L, st, 1);
  lua_settop(L, 1);
  return 1;
}

/* t:view(sizes...) or res:view(t, sizes...) */
static int l_view(lua_State *L) {
  int first = tl_totensor(L, 1) && tl_totensor(L, 2) ? 2 : 1;
  tocha_tensor *t = tl_checktensor(L, first);
  int64_t size[TOCHA_MAX_DIMS];
  int top = lua_gettop(L), ndim;
  if (top < first + 1) return luaL_argerror(L, first + 1, "sizes expected");
  if (lua_istable(L, first + 1)) {
    ndim = tl_checksizes(L, first + 1, top, size);
  } else {
    ndim = top - first;
    if (ndim > TOCHA_MAX_DIMS) luaL_argerror(L, first + 1, "too many sizes");
    for (int i = 0; i < ndim; i++) size[i] = luaL_checkinteger(L, first + 1 + i);
  }
  return push_view(L, first == 2 ? tl_totensor(L, 1) : NULL, t, ndim, size);
}

/* t:viewAs(template) or res:viewAs(t, template) */
static int l_viewas(lua_State *L) {
  int first = tl_totensor(L, 1) && tl_totensor(L, 2) && tl_totensor(L, 3) ? 2 : 1;
  tocha_tensor *t = tl_checktensor(L, first), *like = tl_checktensor(L, first + 1);
  return push_view(L, first == 2 ? tl_totensor(L, 1) : NULL, t, like->ndim, like->size);
}

static int l_narrow(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int dim = tl_checkdim(L, t, 2);
  int64_t first = tl_checkindex(L, 3, t->size[dim], dim);
  lua_Integer len = luaL_checkinteger(L, 4); /* the core checks it (without overflow) */
  tocha_tensor *out = tl_pushtensor(L, t->dtype);
  tl_check(L, tocha_narrow(out, t, dim, first, len), 0);
  return 1;
}

static int l_select(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  if (t->ndim == 1) {
    /* Torch7 returns the number itself when selecting from a vector, and
     * its dimension argument is not looked at then (Torch7 code selects
     * dimension 2 of a 1-element row: t:narrow(2, 1, 1):select(1, i):select(2, 1)). */
    luaL_checkinteger(L, 2);
    int64_t index = tl_checkindex(L, 3, t->size[0], 0);
    tl_pushelement(L, t, t->offset + index * t->stride[0]);
    return 1;
  }
  int dim = tl_checkdim(L, t, 2);
  int64_t index = tl_checkindex(L, 3, t->size[dim], dim);
  tocha_tensor *out = tl_pushtensor(L, t->dtype);
  tl_check(L, tocha_select(out, t, dim, index), 0);
  return 1;
}

/* t:sub(d1start, d1end [, d2start, d2end ...]): inclusive ranges. */
static int l_sub(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int nargs = lua_gettop(L) - 1;
  if (nargs < 2 || nargs % 2 != 0 || nargs / 2 > t->ndim)
    luaL_argerror(L, 2,
                  lua_pushfstring(L, "expected pairs of start and end indices for up to %d dimensions, got %d numbers",
                                  t->ndim, nargs));
  tocha_tensor *out = tl_pushview(L, t);
  for (int d = 0; d < nargs / 2; d++) {
    int64_t from = tl_checkindex(L, 2 + 2 * d, t->size[d], d);
    int64_t to = tl_checkindex(L, 3 + 2 * d, t->size[d], d);
    if (to < from)
      luaL_argerror(L, 3 + 2 * d,
                    lua_pushfstring(L, "end index %I is before start index %I in dimension %d",
                                    (lua_Integer)to + 1, (lua_Integer)from + 1, d + 1));
    tl_check(L, tocha_narrow(out, out, d, from, to - from + 1), 0);
  }
  return 1;
}

static int l_transpose(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int d1 = tl_checkdim(L, t, 2), d2 = tl_checkdim(L, t, 3);
  tocha_tensor *out = tl_pushtensor(L, t->dtype);
  tl_check(L, tocha_transpose(out, t, d1, d2), 0);
  return 1;
}

static int l_t(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  if (t->ndim != 2) luaL_argerror(L, 1, lua_pushfstring(L, "t() expects a 2D tensor, got %dD", t->ndim));
  tocha_tensor *out = tl_pushtensor(L, t->dtype);
  tl_check(L, tocha_transpose(out, t, 0, 1), 0);
  return 1;
}

static int l_expand(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int64_t size[TOCHA_MAX_DIMS];
  int ndim = tl_checksizes(L, 2, lua_gettop(L), size);
  tocha_tensor *out = tl_pushtensor(L, t->dtype);
  tl_check(L, tocha_expand(out, t, ndim, size), 0);
  return 1;
}

static int l_expandas(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1), *like = tl_checktensor(L, 2);
  tocha_tensor *out = tl_pushtensor(L, t->dtype);
  tl_check(L, tocha_expand(out, t, like->ndim, like->size), 0);
  return 1;
}

static int l_unfold(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int dim = tl_checkdim(L, t, 2);
  lua_Integer size = luaL_checkinteger(L, 3), step = luaL_checkinteger(L, 4);
  tocha_tensor *out = tl_pushtensor(L, t->dtype);
  tl_check(L, tocha_unfold(out, t, dim, size, step), 0);
  return 1;
}

static int l_squeeze(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  if (lua_isnoneornil(L, 2)) {
    tocha_tensor *out = tl_pushtensor(L, t->dtype);
    tl_check(L, tocha_squeeze(out, t), 0);
    /* Torch7 (so under tocha.compat): squeezed to one element, the number itself */
    if (tl_torch_names(L) && out->ndim == 1 && out->size[0] == 1) tl_pushelement(L, out, out->offset);
  } else {
    int dim = tl_checkdim(L, t, 2);
    tocha_tensor *out = tl_pushtensor(L, t->dtype);
    tl_check(L, tocha_squeeze_dim(out, t, dim), 0);
  }
  return 1;
}

static int l_unsqueeze(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  lua_Integer d = luaL_checkinteger(L, 2);
  if (d < 0) d += t->ndim + 2;
  if (d < 1 || d > t->ndim + 1)
    luaL_argerror(L, 2, lua_pushfstring(L, "dimension %I out of range 1..%d", luaL_checkinteger(L, 2), t->ndim + 1));
  tocha_tensor *out = tl_pushtensor(L, t->dtype);
  tl_check(L, tocha_unsqueeze(out, t, (int)d - 1), 0);
  return 1;
}

/* ---- copies and contents ------------------------------------------------ */

static int l_contiguous(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  if (tocha_tensor_is_contiguous(t)) {
    lua_settop(L, 1);
    return 1;
  }
  tocha_tensor *out = tl_pushtensor(L, t->dtype);
  tl_check(L, tocha_clone(out, t, t->dtype), 0);
  return 1;
}

static int l_clone(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  tocha_tensor *out = tl_pushtensor(L, t->dtype);
  tl_check(L, tocha_clone(out, t, t->dtype), 0);
  return 1;
}

static int l_copy(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1), *src = tl_checktensor(L, 2);
  lua_settop(L, 1);
  tl_check(L, tocha_copy(t, src), 0);
  return 1;
}

static int l_resize(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int64_t size[TOCHA_MAX_DIMS];
  int ndim = tl_checksizes(L, 2, lua_gettop(L), size);
  lua_settop(L, 1);
  tl_check(L, tocha_tensor_resize(t, ndim, size), 1);
  return 1;
}

static int l_resizeas(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1), *like = tl_checktensor(L, 2);
  lua_settop(L, 1);
  tl_check(L, tocha_tensor_resize_as(t, like), 1);
  return 1;
}

static int l_fill(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  double v = tl_checkvalue(L, 2, t->dtype);
  lua_settop(L, 1);
  tl_check(L, tocha_fill(t, v), 0);
  return 1;
}

static int l_zero(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  lua_settop(L, 1);
  tl_check(L, tocha_fill(t, 0), 0);
  return 1;
}

static void push_table(lua_State *L, const tocha_tensor *t, int d, int64_t off) {
  lua_createtable(L, (int)t->size[d], 0);
  for (int64_t i = 0; i < t->size[d]; i++) {
    if (d + 1 < t->ndim)
      push_table(L, t, d + 1, off + i * t->stride[d]);
    else
      tl_pushelement(L, t, off + i * t->stride[d]);
    lua_rawseti(L, -2, i + 1);
  }
}

static int l_totable(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  luaL_checkstack(L, t->ndim + 4, "tensor too deep");
  if (t->ndim == 0)
    lua_newtable(L);
  else
    push_table(L, t, 0, t->offset);
  return 1;
}

/* ---- types ------------------------------------------------------------- */

static int lookup_type(const char *name) {
  for (int d = 0; d < TOCHA_NTYPES; d++)
    if (strcmp(name, tl_type_names[d]) == 0) return d;
  return -1;
}

static int convert(lua_State *L, tocha_tensor *t, tocha_dtype dtype) {
  if (t->dtype == dtype) {
    lua_settop(L, 1);
    return 1;
  }
  tocha_tensor *out = tl_pushtensor(L, dtype);
  tl_check(L, tocha_clone(out, t, dtype), 0);
  return 1;
}

/* Under tocha.compat t:type() answers Torch7's names ("torch.FloatTensor"),
 * which Torch7 code compares; tocha.type(t) keeps tocha's. */
static int l_tensortype(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  if (lua_isnoneornil(L, 2)) {
    if (tl_torch_names(L))
      lua_pushfstring(L, "torch.%s", tl_type_names[t->dtype] + strlen("tocha."));
    else
      lua_pushstring(L, tl_type_names[t->dtype]);
    return 1;
  }
  const char *name = luaL_checkstring(L, 2);
  int d = lookup_type(name);
  if (d < 0 && strncmp(name, "torch.", 6) == 0) {
    lua_pushfstring(L, "tocha.%s", name + 6);
    d = lookup_type(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  if (d < 0)
    luaL_argerror(L, 2, lua_pushfstring(L, "unknown tensor type '%s' (expected e.g. 'tocha.DoubleTensor')", name));
  return convert(L, t, (tocha_dtype)d);
}

static int l_float(lua_State *L) { return convert(L, tl_checktensor(L, 1), TOCHA_FLOAT); }
static int l_double(lua_State *L) { return convert(L, tl_checktensor(L, 1), TOCHA_DOUBLE); }
static int l_long(lua_State *L) { return convert(L, tl_checktensor(L, 1), TOCHA_LONG); }
static int l_byte(lua_State *L) { return convert(L, tl_checktensor(L, 1), TOCHA_BYTE); }
static int l_int(lua_State *L) { return convert(L, tl_checktensor(L, 1), TOCHA_INT); }
static int l_short(lua_State *L) { return convert(L, tl_checktensor(L, 1), TOCHA_SHORT); }
static int l_char(lua_State *L) { return convert(L, tl_checktensor(L, 1), TOCHA_CHAR); }

static int l_istensor(lua_State *L) {
  lua_pushboolean(L, tl_totensor(L, 1) != NULL);
  return 1;
}

/* tocha.type(x): the tensor type name, or Lua's type for anything else
 * (objects with a __typename field report it, as torch.type does). */
static int l_typename(lua_State *L) {
  luaL_checkany(L, 1);
  tocha_tensor *t = tl_totensor(L, 1);
  if (t) {
    lua_pushstring(L, tl_type_names[t->dtype]);
    return 1;
  }
  if (luaL_getmetafield(L, 1, "__typename") == LUA_TSTRING) return 1;
  if (lua_type(L, 1) == LUA_TUSERDATA && luaL_getmetafield(L, 1, "__name") == LUA_TSTRING) return 1;
  lua_pushstring(L, luaL_typename(L, 1));
  return 1;
}

/* ---- indexing ---------------------------------------------------------- */

/* Applies an index table {i, {a,b}, {}, ...} to a view of t.  Returns 1
 * and pushes the view, or, when every dimension was selected by a number,
 * returns 0 and leaves the element's storage offset in *element. */
static int index_view(lua_State *L, tocha_tensor *t, int key, int64_t *element) {
  lua_Integer n = luaL_len(L, key);
  if (n > t->ndim)
    luaL_error(L, "index: %I indices given for a %dD tensor", n, t->ndim);
  int all_numbers = 1;
  for (lua_Integer k = 1; k <= n; k++) {
    lua_Integer ignored;
    lua_geti(L, key, k);
    if (!tl_tointeger(L, -1, &ignored)) all_numbers = 0;
    lua_pop(L, 1);
  }
  if (all_numbers && n == t->ndim && n > 0) {
    int64_t off = t->offset;
    for (int d = 0; d < n; d++) {
      lua_Integer given = 0;
      lua_geti(L, key, d + 1);
      tl_tointeger(L, -1, &given);
      lua_Integer i = given < 0 ? given + t->size[d] + 1 : given;
      lua_pop(L, 1);
      if (i < 1 || i > t->size[d])
        luaL_error(L, "index: index %I out of range for dimension %d of size %I", given, d + 1, (lua_Integer)t->size[d]);
      off += (i - 1) * t->stride[d];
    }
    *element = off;
    return 0;
  }
  tocha_tensor *view = tl_pushview(L, t);
  int d = 0;
  for (lua_Integer k = 1; k <= n; k++) {
    int type = lua_geti(L, key, k);
    if (type == LUA_TNUMBER) {
      lua_Integer given;
      if (!tl_tointeger(L, -1, &given))
        luaL_error(L, "index: entry %I must be an integer, got %s", k, lua_tostring(L, -1));
      lua_Integer i = given < 0 ? given + view->size[d] + 1 : given;
      if (i < 1 || i > view->size[d])
        luaL_error(L, "index: index %I out of range for dimension %I of size %I", given, k, (lua_Integer)view->size[d]);
      if (view->ndim == 1) {
        /* Selecting the last dimension of a partly indexed tensor keeps a 1-element view. */
        tl_check(L, tocha_narrow(view, view, d, i - 1, 1), 0);
        d++;
      } else {
        tl_check(L, tocha_select(view, view, d, i - 1), 0);
      }
    } else if (type == LUA_TTABLE) {
      lua_Integer len = luaL_len(L, -1), from = 1, to = view->size[d];
      if (len > 2) luaL_error(L, "index: range at entry %I must be {}, {i} or {first, last}, got %I numbers", k, len);
      if (len >= 1) {
        lua_geti(L, -1, 1);
        if (!tl_tointeger(L, -1, &from))
          luaL_error(L, "index: range start at entry %I must be an integer, got %s", k, luaL_tolstring(L, -1, NULL));
        lua_pop(L, 1);
        to = from;
      }
      if (len == 2) {
        lua_geti(L, -1, 2);
        if (!tl_tointeger(L, -1, &to))
          luaL_error(L, "index: range end at entry %I must be an integer, got %s", k, luaL_tolstring(L, -1, NULL));
        lua_pop(L, 1);
      }
      lua_Integer size = view->size[d], f = from < 0 ? from + size + 1 : from, l = to < 0 ? to + size + 1 : to;
      if (f < 1 || f > size || l < f || l > size)
        luaL_error(L, "index: range {%I, %I} out of bounds for dimension %I of size %I", from, to, k, size);
      tl_check(L, tocha_narrow(view, view, d, f - 1, l - f + 1), 0);
      d++;
    } else {
      luaL_error(L, "index: entry %I must be a number or a table, got %s", k, luaL_typename(L, -1));
    }
    lua_pop(L, 1);
  }
  return 1;
}

/* Raises a core error from an indexing metamethod as "index: ...". */
static void index_check(lua_State *L, tocha_status st) {
  if (st != TOCHA_OK) luaL_error(L, "index: %s", tocha_last_error()->message);
}

/* The tensor key of t[key], which must be a ByteTensor mask or a LongTensor of indices. */
static tocha_tensor *check_tensor_key(lua_State *L, const tocha_tensor *t, int key) {
  tocha_tensor *k = tl_totensor(L, key);
  if (!k) luaL_error(L, "index: cannot index a tensor with a %s", luaL_typename(L, key));
  if (k->dtype != TOCHA_BYTE && k->dtype != TOCHA_LONG)
    luaL_error(L, "index: expected a tocha.ByteTensor mask or a tocha.LongTensor of indices, got %s",
               tl_type_names[k->dtype]);
  if (k->dtype == TOCHA_LONG && t->ndim == 0) luaL_error(L, "index: tensor is empty");
  return k;
}

/* t[mask]: the masked elements as a new 1D tensor; t[idx]: t:index(1, idx). */
static int index_by_tensor(lua_State *L, tocha_tensor *t, int key) {
  tocha_tensor *k = check_tensor_key(L, t, key);
  tocha_tensor *out = tl_pushtensor(L, t->dtype);
  if (k->dtype == TOCHA_BYTE)
    index_check(L, tocha_masked_select(out, t, k));
  else
    index_check(L, tocha_index_select(out, t, 0, k, 1));
  return 1;
}

static int tensor_index(lua_State *L) {
  tocha_tensor *t = (tocha_tensor *)lua_touserdata(L, 1);
  switch (lua_type(L, 2)) {
    case LUA_TSTRING:
      lua_pushvalue(L, 2);
      if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNIL && strcmp(lua_tostring(L, 2), "new") == 0) {
        /* Torch7's x.new(...): a constructor of x's own type. */
        lua_getfield(L, LUA_REGISTRYINDEX, class_registry_key);
        lua_rawgeti(L, -1, t->dtype);
      }
      return 1;
    case LUA_TNUMBER: {
      lua_Integer given;
      if (!tl_tointeger(L, 2, &given)) luaL_error(L, "index: integer expected, got %s", lua_tostring(L, 2));
      if (t->ndim == 0) luaL_error(L, "index: tensor is empty");
      lua_Integer i = given < 0 ? given + t->size[0] + 1 : given;
      if (i < 1 || i > t->size[0])
        luaL_error(L, "index: index %I out of range for dimension 1 of size %I", given, (lua_Integer)t->size[0]);
      if (t->ndim == 1) {
        tl_pushelement(L, t, t->offset + (i - 1) * t->stride[0]);
      } else {
        tocha_tensor *out = tl_pushtensor(L, t->dtype);
        tl_check(L, tocha_select(out, t, 0, i - 1), 0);
      }
      return 1;
    }
    case LUA_TTABLE: {
      int64_t element;
      if (!index_view(L, t, 2, &element)) tl_pushelement(L, t, element);
      return 1;
    }
    case LUA_TUSERDATA:
      if (tl_totensor(L, 2)) return index_by_tensor(L, t, 2);
      lua_pushnil(L);
      return 1;
    default:
      lua_pushnil(L);
      return 1;
  }
}

static void store_element(lua_State *L, tocha_tensor *t, int64_t off, int value) {
  double v = tl_checkvalue(L, value, t->dtype);
  void *data = t->storage->data;
  switch (t->dtype) {
    case TOCHA_FLOAT: ((float *)data)[off] = (float)v; break;
    case TOCHA_DOUBLE: ((double *)data)[off] = v; break;
    case TOCHA_LONG: ((int64_t *)data)[off] = lua_isinteger(L, value) ? lua_tointeger(L, value) : (int64_t)v; break;
    case TOCHA_BYTE: ((uint8_t *)data)[off] = (uint8_t)v; break;
    case TOCHA_INT: ((int32_t *)data)[off] = (int32_t)v; break;
    case TOCHA_SHORT: ((int16_t *)data)[off] = (int16_t)v; break;
    case TOCHA_CHAR: ((int8_t *)data)[off] = (int8_t)v; break;
    default: break;
  }
}

/* Fills or copies the value at `value` into the view at the top. */
static void assign_view_value(lua_State *L, int value) {
  tocha_tensor *view = (tocha_tensor *)lua_touserdata(L, -1);
  tocha_tensor *src = tl_totensor(L, value);
  if (src)
    tl_check(L, tocha_copy(view, src), 0);
  else
    tl_check(L, tocha_fill(view, tl_checkvalue(L, value, view->dtype)), 0);
}

/* t[mask] = value | tensor (maskedFill / maskedCopy);
 * t[idx] = value | tensor (indexFill / indexCopy along dimension 1). */
static void assign_by_tensor(lua_State *L, tocha_tensor *t, int key, int value) {
  tocha_tensor *k = check_tensor_key(L, t, key);
  tocha_tensor *src = tl_totensor(L, value);
  if (src && src->dtype != t->dtype)
    luaL_error(L, "index: cannot assign a %s to elements of a %s (convert it with :type())",
               tl_type_names[src->dtype], tl_type_names[t->dtype]);
  if (k->dtype == TOCHA_BYTE) {
    if (src)
      index_check(L, tocha_masked_copy(t, k, src));
    else
      index_check(L, tocha_masked_fill(t, k, tl_checkvalue(L, value, t->dtype)));
  } else {
    if (src)
      index_check(L, tocha_index_copy(t, 0, k, src, 1));
    else
      index_check(L, tocha_index_fill(t, 0, k, tl_checkvalue(L, value, t->dtype), 1));
  }
}

static int tensor_newindex(lua_State *L) {
  tocha_tensor *t = (tocha_tensor *)lua_touserdata(L, 1);
  switch (lua_type(L, 2)) {
    case LUA_TNUMBER: {
      lua_Integer given;
      if (!tl_tointeger(L, 2, &given)) luaL_error(L, "index: integer expected, got %s", lua_tostring(L, 2));
      if (t->ndim == 0) luaL_error(L, "index: tensor is empty");
      lua_Integer i = given < 0 ? given + t->size[0] + 1 : given;
      if (i < 1 || i > t->size[0])
        luaL_error(L, "index: index %I out of range for dimension 1 of size %I", given, (lua_Integer)t->size[0]);
      if (t->ndim == 1 && !tl_totensor(L, 3)) {
        store_element(L, t, t->offset + (i - 1) * t->stride[0], 3);
      } else {
        tl_pushtensor(L, t->dtype);
        tl_check(L, tocha_narrow(lua_touserdata(L, -1), t, 0, i - 1, 1), 0);
        if (t->ndim > 1) tl_check(L, tocha_select(lua_touserdata(L, -1), t, 0, i - 1), 0);
        assign_view_value(L, 3);
      }
      return 0;
    }
    case LUA_TTABLE: {
      int64_t element;
      if (index_view(L, t, 2, &element))
        assign_view_value(L, 3);
      else
        store_element(L, t, element, 3);
      return 0;
    }
    case LUA_TUSERDATA:
      assign_by_tensor(L, t, 2, 3);
      return 0;
    default:
      return luaL_error(L, "index: cannot assign to a tensor with a %s key (use a number, a table or a tensor)",
                        luaL_typename(L, 2));
  }
}

static int tensor_gc(lua_State *L) {
  tocha_tensor_release((tocha_tensor *)lua_touserdata(L, 1));
  return 0;
}

static int tensor_tostring_plain(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  char shape[256];
  tocha_tensor_shape_string(t, shape, sizeof shape);
  lua_pushfstring(L, "[%s of size %s]", tl_type_names[t->dtype], shape);
  return 1;
}

static const luaL_Reg tensor_methods[] = {
    {"size", l_size},          {"stride", l_stride},
    {"dim", l_dim},            {"nDimension", l_dim},
    {"nElement", l_nelement},  {"numel", l_nelement},
    {"isContiguous", l_iscontiguous}, {"isSameSizeAs", l_issamesizeas},
    {"storageOffset", l_storageoffset},
    {"view", l_view},          {"viewAs", l_viewas},
    {"narrow", l_narrow},      {"select", l_select},
    {"sub", l_sub},            {"transpose", l_transpose},
    {"t", l_t},                {"expand", l_expand},
    {"expandAs", l_expandas},  {"unfold", l_unfold},
    {"squeeze", l_squeeze},    {"unsqueeze", l_unsqueeze},
    {"contiguous", l_contiguous}, {"clone", l_clone},
    {"copy", l_copy},          {"resize", l_resize},
    {"resizeAs", l_resizeas},  {"fill", l_fill},
    {"zero", l_zero},
    {"totable", l_totable},    {"type", l_tensortype},
    {"float", l_float},        {"double", l_double},
    {"long", l_long},          {"byte", l_byte},
    {"int", l_int},            {"short", l_short},
    {"char", l_char},
    {"zeros", l_zeros},        {"ones", l_ones},
    {NULL, NULL}};

/* Also module functions: tocha.narrow(t, ...) etc. return new views. */
static const luaL_Reg module_functions[] = {
    {"range", l_range},   {"linspace", l_linspace}, {"eye", l_eye},
    {"isTensor", l_istensor}, {"type", l_typename},  {NULL, NULL}};

void tl_open_tensor(lua_State *L, int module, int methods) {
  tl_register(L, module, methods, tensor_methods);
  tl_register(L, module, 0, module_functions);
  lua_pushcfunction(L, l_typename);
  lua_setfield(L, module, "type"); /* tocha.type(x) differs from t:type() */

  luaL_newmetatable(L, TL_SIZE_CLASS);
  lua_pop(L, 1);

  lua_newtable(L); /* dtype -> class object, for x.new */
  int classes = lua_gettop(L);
  lua_pushvalue(L, classes);
  lua_setfield(L, LUA_REGISTRYINDEX, class_registry_key);
  for (int d = 0; d < TOCHA_NTYPES; d++) {
    luaL_newmetatable(L, tl_type_names[d]);
    lua_pushinteger(L, d);
    lua_setfield(L, -2, "__tocha_dtype");
    lua_pushvalue(L, methods);
    lua_pushcclosure(L, tensor_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, tensor_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, tensor_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, tensor_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, tensor_gc);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, tensor_tostring_plain);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    /* The class object, e.g. tocha.FloatTensor(2, 3). */
    lua_newtable(L);
    lua_newtable(L);
    lua_pushinteger(L, d);
    lua_pushcclosure(L, class_call, 1);
    lua_setfield(L, -2, "__call");
    lua_pushstring(L, tl_type_names[d]);
    lua_setfield(L, -2, "__name");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_rawseti(L, classes, d);
    lua_setfield(L, module, tl_type_names[d] + strlen("tocha."));
  }
  lua_pop(L, 1); /* classes */
}
