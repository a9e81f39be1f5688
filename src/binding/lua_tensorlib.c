/*
 * The rest of Torch7's tensor library, with Torch7's forms:
 *   sort, topk, kthvalue, median, mode   ([vals, idx,] x, ...) -> vals, idx
 *   diag, tril, triu, cross, histc, bhistc   ([res,] x, ...) -> res (x:f() gives a new tensor)
 *   renorm, bitand, bitor, bitxor, lshift, rshift and the c* forms:
 *     x:f(...) works in place, tocha.f(x, ...) gives a new tensor,
 *     res:f(x, ...) and tocha.f(res, x, ...) write into res
 *   trace, dist, equal, all, any -> numbers and booleans
 *   map, map2, apply (Lua callbacks), isSetTo
 * The core gives 0-based indices; this file adds 1.
 */
#include <string.h>

#include "binding.h"

/* ---- shared ---------------------------------------------------------------------- */

static void check_no_more(lua_State *L, int last) {
  if (lua_gettop(L) > last) luaL_argerror(L, last + 1, "no more arguments expected");
}

/* The result tensor at `arg` (of type `want`), pushed; or a new one (arg 0). */
static tocha_tensor *result_tensor(lua_State *L, int arg, tocha_dtype want, const char *what) {
  if (arg == 0) return tl_pushtensor(L, want);
  tocha_tensor *r = tl_checktensor(L, arg);
  if (r->dtype != want)
    luaL_argerror(L, arg,
                  lua_pushfstring(L, "%s must be a %s, got %s", what, tl_type_names[want], tl_type_names[r->dtype]));
  lua_pushvalue(L, arg);
  return r;
}

static int opt_bool(lua_State *L, int arg) {
  if (lua_isnoneornil(L, arg)) return 0;
  luaL_checktype(L, arg, LUA_TBOOLEAN);
  return lua_toboolean(L, arg);
}

/* ---- sort and order statistics ------------------------------------------------------- */

/* Position of x in ([vals, [idx,]] x, ...): 1, 2 or 3. */
static int order_input(lua_State *L) {
  if (!tl_totensor(L, 2)) return 1;
  return tl_totensor(L, 3) ? 3 : 2;
}

/* dim at `arg` if it is a number, else the last dimension; *next is the
 * argument after it. */
static int opt_last_dim(lua_State *L, const tocha_tensor *x, int arg, int *next) {
  if (lua_type(L, arg) == LUA_TNUMBER) {
    *next = arg + 1;
    return tl_checkdim(L, x, arg);
  }
  *next = arg;
  return x->ndim > 0 ? x->ndim - 1 : 0;
}

enum { K_SORT, K_TOPK, K_KTH, K_MEDIAN, K_MODE };

static int order(lua_State *L, int kind) {
  int a = order_input(L);
  tocha_tensor *x = tl_checktensor(L, a);
  int next = a + 1, dim, desc = 0, largest = 0;
  lua_Integer k = 0;
  if (kind == K_TOPK || kind == K_KTH) {
    k = luaL_checkinteger(L, next);
    next++;
  }
  dim = opt_last_dim(L, x, next, &next);
  if (kind == K_SORT || kind == K_TOPK) {
    desc = largest = opt_bool(L, next);
    next++;
  }
  if (kind == K_TOPK) {
    opt_bool(L, next); /* `sort`: the results are always sorted */
    next++;
  }
  check_no_more(L, next - 1);
  if (a == 3 && lua_rawequal(L, 1, 2)) luaL_argerror(L, 2, "values and indices must be different tensors");
  tocha_tensor *values = result_tensor(L, a >= 2 ? 1 : 0, x->dtype, "values");
  int at = lua_gettop(L);
  tocha_tensor *indices = result_tensor(L, a == 3 ? 2 : 0, TOCHA_LONG, "indices");
  if (values->storage && values->storage == indices->storage)
    luaL_argerror(L, 2, "values and indices must not share a storage");
  tocha_status st = TOCHA_OK;
  switch (kind) {
    case K_SORT: st = tocha_sort(values, indices, x, dim, desc); break;
    case K_TOPK: st = tocha_topk(values, indices, x, k, dim, largest); break;
    case K_KTH: st = tocha_kthvalue(values, indices, x, k, dim); break;
    case K_MEDIAN: st = tocha_median(values, indices, x, dim); break;
    default: st = tocha_mode(values, indices, x, dim); break;
  }
  /* core positions: x 1, then k (topk/kthvalue) or dim */
  tl_check(L, st, a - 1);
  if (indices->ndim > 0) tl_check(L, tocha_binary_scalar(indices, indices, 1, TOCHA_BINARY_ADD), 0);
  lua_pushvalue(L, at);
  lua_pushvalue(L, at + 1);
  return 2;
}

static int l_sort(lua_State *L) { return order(L, K_SORT); }
static int l_topk(lua_State *L) { return order(L, K_TOPK); }
static int l_kthvalue(lua_State *L) { return order(L, K_KTH); }
static int l_median(lua_State *L) { return order(L, K_MEDIAN); }
static int l_mode(lua_State *L) { return order(L, K_MODE); }

/* ---- matrices, cross, histograms ---------------------------------------------------------- */

/* ([res,] x, ...): position of x. */
static int input_arg(lua_State *L) { return tl_totensor(L, 2) ? 2 : 1; }

typedef tocha_status (*k_fn)(tocha_tensor *, const tocha_tensor *, int64_t);

static int with_k(lua_State *L, k_fn f) {
  int a = input_arg(L);
  tocha_tensor *x = tl_checktensor(L, a);
  lua_Integer k = luaL_optinteger(L, a + 1, 0);
  check_no_more(L, a + 1);
  tocha_tensor *out = result_tensor(L, a == 2 ? 1 : 0, x->dtype, "result");
  tl_check(L, f(out, x, k), a - 1);
  return 1;
}

static int l_diag(lua_State *L) { return with_k(L, tocha_diag); }
static int l_tril(lua_State *L) { return with_k(L, tocha_tril); }
static int l_triu(lua_State *L) { return with_k(L, tocha_triu); }

static int l_trace(lua_State *L) {
  tocha_tensor *x = tl_checktensor(L, 1);
  check_no_more(L, 1);
  tocha_number v;
  tl_check(L, tocha_trace(&v, x), 0);
  if (v.is_integer)
    lua_pushinteger(L, v.integer);
  else
    lua_pushnumber(L, v.number);
  return 1;
}

/* cross([res,] a, b [, dim]): dim defaults to the first of size 3. */
static int l_cross(lua_State *L) {
  int a = tl_totensor(L, 3) ? 2 : 1;
  tocha_tensor *x = tl_checktensor(L, a), *y = tl_checktensor(L, a + 1);
  int dim = -1;
  if (!lua_isnoneornil(L, a + 2)) {
    dim = tl_checkdim(L, x, a + 2);
  } else {
    for (int d = 0; d < x->ndim && dim < 0; d++)
      if (x->size[d] == 3) dim = d;
    if (dim < 0) luaL_argerror(L, a, "cross: no dimension of size 3");
  }
  check_no_more(L, a + 2);
  tocha_tensor *out = result_tensor(L, a == 2 ? 1 : 0, x->dtype, "result");
  tl_check(L, tocha_cross(out, x, y, dim), a - 1);
  return 1;
}

/* histc([res,] x [, nbins = 100 [, min = 0 [, max = 0]]]). */
static int hist(lua_State *L, int batch) {
  int a = input_arg(L);
  tocha_tensor *x = tl_checktensor(L, a);
  lua_Integer nbins = luaL_optinteger(L, a + 1, 100);
  lua_Number min = luaL_optnumber(L, a + 2, 0), max = luaL_optnumber(L, a + 3, 0);
  check_no_more(L, a + 3);
  tocha_tensor *out = result_tensor(L, a == 2 ? 1 : 0, x->dtype, "result");
  tl_check(L, batch ? tocha_bhistc(out, x, nbins, min, max) : tocha_histc(out, x, nbins, min, max), a - 1);
  return 1;
}

static int l_histc(lua_State *L) { return hist(L, 0); }
static int l_bhistc(lua_State *L) { return hist(L, 1); }

/* ---- in-place forms: renorm and the bit operations ------------------------------------------ */

/* x:f(args) in place (method); tocha.f(x, args) new; res:f(x, args) and
 * tocha.f(res, x, args) into res.  `nargs` numbers or tensors follow x.
 * Returns the Lua index of x; *res is that of the result (0: new). */
static int inplace_forms(lua_State *L, int method, int nargs, int *res) {
  int top = lua_gettop(L);
  int a = 1;
  if (tl_totensor(L, 1) && tl_totensor(L, 2) && top >= nargs + 2) a = 2;
  *res = a == 2 ? 1 : (method ? 1 : 0);
  return a;
}

static int renorm(lua_State *L, int method) {
  int res, a = inplace_forms(L, method, 3, &res);
  tocha_tensor *x = tl_checktensor(L, a);
  lua_Number p = luaL_checknumber(L, a + 1);
  int dim = tl_checkdim(L, x, a + 2);
  lua_Number maxnorm = luaL_checknumber(L, a + 3);
  check_no_more(L, a + 3);
  tocha_tensor *out = result_tensor(L, res, x->dtype, "result");
  tl_check(L, tocha_renorm(out, x, p, dim, maxnorm), a - 1);
  return 1;
}

static int l_renorm_method(lua_State *L) { return renorm(L, 1); }
static int l_renorm(lua_State *L) { return renorm(L, 0); }

static int bitop(lua_State *L, int method) {
  tocha_bit_op op = (tocha_bit_op)lua_tointeger(L, lua_upvalueindex(1));
  int tensor_form = lua_toboolean(L, lua_upvalueindex(2));
  int res, a = inplace_forms(L, method, 1, &res);
  tocha_tensor *x = tl_checktensor(L, a);
  check_no_more(L, a + 1);
  tocha_tensor *out = result_tensor(L, res, x->dtype, "result");
  if (tensor_form) {
    tocha_tensor *y = tl_checktensor(L, a + 1);
    tl_check(L, tocha_bit(out, x, y, op), a - 1);
  } else {
    lua_Integer v = luaL_checkinteger(L, a + 1);
    tl_check(L, tocha_bit_scalar(out, x, v, op), a - 1);
  }
  return 1;
}

static int l_bit_method(lua_State *L) { return bitop(L, 1); }
static int l_bit_function(lua_State *L) { return bitop(L, 0); }

/* ---- whole-tensor tests ------------------------------------------------------------------ */

static int l_equal(lua_State *L) {
  tocha_tensor *a = tl_checktensor(L, 1), *b = tl_checktensor(L, 2);
  check_no_more(L, 2);
  int r;
  tl_check(L, tocha_equal(&r, a, b), 0);
  lua_pushboolean(L, r);
  return 1;
}

/* dist(x, y [, p = 2]) -> number. */
static int l_dist(lua_State *L) {
  tocha_tensor *a = tl_checktensor(L, 1), *b = tl_checktensor(L, 2);
  lua_Number p = luaL_optnumber(L, 3, 2);
  check_no_more(L, 3);
  double r;
  tl_check(L, tocha_dist(&r, a, b, p), 0);
  lua_pushnumber(L, r);
  return 1;
}

static int l_all(lua_State *L) {
  tocha_tensor *x = tl_checktensor(L, 1);
  check_no_more(L, 1);
  int r;
  tl_check(L, tocha_all(&r, x), 0);
  lua_pushboolean(L, r);
  return 1;
}

static int l_any(lua_State *L) {
  tocha_tensor *x = tl_checktensor(L, 1);
  check_no_more(L, 1);
  int r;
  tl_check(L, tocha_any(&r, x), 0);
  lua_pushboolean(L, r);
  return 1;
}

/* x:isSetTo(y): the same elements of the same storage in the same geometry
 * (tensors without elements are set to nothing). */
static int l_issetto(lua_State *L) {
  tocha_tensor *x = tl_checktensor(L, 1), *y = tl_checktensor(L, 2);
  check_no_more(L, 2);
  int r = x->storage != NULL && x->storage == y->storage && x->offset == y->offset && x->ndim == y->ndim;
  for (int d = 0; r && d < x->ndim; d++) r = x->size[d] == y->size[d] && x->stride[d] == y->stride[d];
  lua_pushboolean(L, r);
  return 1;
}

/* ---- map, map2, apply -------------------------------------------------------------------- */
/* The callback may do anything to the tensors (resize them, drop them):
 * the walk runs over private views made here, which hold the storages, so
 * the elements visited stay valid whatever the callback does.  A callback
 * returning a number sets the element of x; nil leaves it. */

typedef struct walker {
  const tocha_tensor *t;
  int64_t counter[TOCHA_MAX_DIMS];
  int64_t off; /* storage offset of the current element */
} walker;

static void walker_init(walker *w, const tocha_tensor *t) {
  w->t = t;
  memset(w->counter, 0, sizeof w->counter);
  w->off = t->offset;
}

static void walker_next(walker *w) {
  const tocha_tensor *t = w->t;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (++w->counter[d] < t->size[d]) {
      w->off += t->stride[d];
      return;
    }
    w->off -= t->stride[d] * (t->size[d] - 1);
    w->counter[d] = 0;
  }
}

static void store_value(lua_State *L, tocha_tensor *t, int64_t off, int value) {
  void *data = t->storage->data;
  if (t->dtype == TOCHA_LONG && lua_isinteger(L, value)) {
    ((int64_t *)data)[off] = lua_tointeger(L, value);
    return;
  }
  double v = tl_checkvalue(L, value, t->dtype);
  switch (t->dtype) {
    case TOCHA_FLOAT: ((float *)data)[off] = (float)v; break;
    case TOCHA_DOUBLE: ((double *)data)[off] = v; break;
    case TOCHA_LONG: ((int64_t *)data)[off] = (int64_t)v; break;
    case TOCHA_BYTE: ((uint8_t *)data)[off] = (uint8_t)v; break;
    case TOCHA_INT: ((int32_t *)data)[off] = (int32_t)v; break;
    case TOCHA_SHORT: ((int16_t *)data)[off] = (int16_t)v; break;
    case TOCHA_CHAR: ((int8_t *)data)[off] = (int8_t)v; break;
    default: break;
  }
}

/* x:map(y, f) / x:map2(y, z, f) / x:apply(f): `ntensors` tensors from 1. */
static int map_like(lua_State *L, int ntensors, const char *name) {
  tocha_tensor *src[3];
  for (int k = 0; k < ntensors; k++) src[k] = tl_checktensor(L, k + 1);
  luaL_checktype(L, ntensors + 1, LUA_TFUNCTION);
  check_no_more(L, ntensors + 1);
  int64_t n = tocha_tensor_nelement(src[0]);
  for (int k = 1; k < ntensors; k++)
    if (tocha_tensor_nelement(src[k]) != n)
      luaL_argerror(L, k + 1,
                    lua_pushfstring(L, "%s: %I elements given where %I are expected", name,
                                    (lua_Integer)tocha_tensor_nelement(src[k]), (lua_Integer)n));
  int fn = ntensors + 1;
  tocha_tensor *view[3];
  walker w[3];
  for (int k = 0; k < ntensors; k++) { /* anchors: private views on the stack */
    view[k] = tl_pushview(L, src[k]);
    walker_init(&w[k], view[k]);
  }
  for (int64_t i = 0; i < n; i++) {
    lua_pushvalue(L, fn);
    for (int k = 0; k < ntensors; k++) tl_pushelement(L, view[k], w[k].off);
    lua_call(L, ntensors, 1);
    if (lua_type(L, -1) == LUA_TNUMBER)
      store_value(L, view[0], w[0].off, lua_gettop(L));
    else if (!lua_isnil(L, -1))
      luaL_error(L, "%s: the function must return a number or nothing, got %s (element %I)", name,
                 luaL_typename(L, -1), (lua_Integer)(i + 1));
    lua_pop(L, 1);
    for (int k = 0; k < ntensors; k++) walker_next(&w[k]);
  }
  lua_pushvalue(L, 1);
  return 1;
}

static int l_apply(lua_State *L) { return map_like(L, 1, "apply"); }
static int l_map(lua_State *L) { return map_like(L, 2, "map"); }
static int l_map2(lua_State *L) { return map_like(L, 3, "map2"); }

/* ---- result forms of the view methods: res:view(x, sizes...) ---------------------------------
 * Torch7's res:f(x, ...) makes res that view of x and returns res.  The
 * plain forms run the original C function in this frame, so its errors
 * keep their names and argument numbers.  Upvalues: the original, and how
 * many tensors the plain form starts with (viewAs(x, template): 2). */
static int l_result_form(lua_State *L) {
  lua_CFunction plain = lua_tocfunction(L, lua_upvalueindex(1));
  int ntensors = (int)lua_tointeger(L, lua_upvalueindex(2));
  int top = lua_gettop(L);
  tocha_tensor *res = tl_totensor(L, 1);
  if (!res || !tl_totensor(L, 2) || (ntensors == 2 && !tl_totensor(L, 3))) return plain(L);
  lua_pushcfunction(L, plain);
  for (int i = 2; i <= top; i++) lua_pushvalue(L, i);
  lua_call(L, top - 1, 1);
  tocha_tensor *view = tl_checktensor(L, -1);
  if (view->dtype != res->dtype)
    luaL_argerror(L, 1, lua_pushfstring(L, "result must be a %s, got %s", tl_type_names[view->dtype],
                                        tl_type_names[res->dtype]));
  tocha_tensor_set(res, view);
  lua_pushvalue(L, 1);
  return 1;
}

static void wrap_result_form(lua_State *L, int methods, const char *name, int ntensors) {
  lua_getfield(L, methods, name);
  if (!lua_iscfunction(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  lua_pushinteger(L, ntensors);
  lua_pushcclosure(L, l_result_form, 2);
  lua_setfield(L, methods, name);
}

/* ---- registration ------------------------------------------------------------------------- */

static const luaL_Reg both[] = {
    {"sort", l_sort},         {"topk", l_topk},   {"kthvalue", l_kthvalue}, {"median", l_median},
    {"mode", l_mode},         {"diag", l_diag},   {"tril", l_tril},         {"triu", l_triu},
    {"trace", l_trace},       {"cross", l_cross}, {"histc", l_histc},       {"bhistc", l_bhistc},
    {"equal", l_equal},       {"all", l_all},     {"any", l_any},           {"isSetTo", l_issetto},
    {"apply", l_apply},       {"map", l_map},     {"map2", l_map2},         {"dist", l_dist},
    {NULL, NULL}};

void tl_open_tensorlib(lua_State *L, int module, int methods) {
  tl_register(L, module, methods, both);
  wrap_result_form(L, methods, "expand", 1);
  wrap_result_form(L, methods, "expandAs", 2);
  lua_pushcfunction(L, l_renorm_method);
  lua_setfield(L, methods, "renorm");
  lua_pushcfunction(L, l_renorm);
  lua_setfield(L, module, "renorm");
  for (int op = 0; op < TOCHA_BIT_COUNT; op++) {
    for (int tensor_form = 0; tensor_form < 2; tensor_form++) {
      const char *name = tocha_bit_name((tocha_bit_op)op);
      if (tensor_form) name = lua_pushfstring(L, "c%s", name);
      else lua_pushstring(L, name);
      for (int method = 0; method < 2; method++) {
        lua_pushinteger(L, op);
        lua_pushboolean(L, tensor_form);
        lua_pushcclosure(L, method ? l_bit_method : l_bit_function, 2);
        lua_setfield(L, method ? methods : module, name);
      }
      lua_pop(L, 1);
    }
  }
}
