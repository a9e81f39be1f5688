/*
 * Reductions: sum, prod, mean, max, min, var, std, norm, logsumexp,
 * cumsum, cumprod.  Each is both a tensor method and a tocha.* function
 * with Torch7's forms:
 *   x:sum()                 -> a number (an integer for Long/Byte tensors)
 *   x:sum(d)                -> a new tensor, dimension d kept with size 1
 *   res:sum(x, d)           -> res (tocha.sum(res, x, d) alike)
 *   x:max(d)                -> values, indices (1-based LongTensor)
 *   tocha.max(vals, x, d), tocha.max(vals, idx, x, d)
 * The core returns 0-based indices; this file adds 1.
 */
#include "binding.h"

typedef tocha_status (*all_fn)(tocha_number *, const tocha_tensor *);
typedef tocha_status (*dim_fn)(tocha_tensor *, const tocha_tensor *, int);

static int is_float(tocha_dtype t) { return t == TOCHA_FLOAT || t == TOCHA_DOUBLE; }

/* The type of a sum, product or scan of a `t` tensor. */
static tocha_dtype acc_dtype(tocha_dtype t) { return is_float(t) ? t : TOCHA_LONG; }

static void push_number(lua_State *L, const tocha_number *v) {
  if (v->is_integer)
    lua_pushinteger(L, v->integer);
  else
    lua_pushnumber(L, v->number);
}

/* Position of the input tensor: 2 when a result tensor comes first. */
static int input_arg(lua_State *L) { return tl_totensor(L, 2) ? 2 : 1; }

static void check_no_more(lua_State *L, int last) {
  if (lua_gettop(L) > last) luaL_argerror(L, last + 1, "no more arguments expected");
}

/* Float/Double only, with the function's name in the message. */
static void check_float(lua_State *L, int arg, const tocha_tensor *x, const char *name) {
  if (!is_float(x->dtype))
    luaL_argerror(L, arg,
                  lua_pushfstring(L, "%s needs a tocha.FloatTensor or tocha.DoubleTensor, got %s", name,
                                  tl_type_names[x->dtype]));
}

/* The result tensor at `arg` (must be of type `want`), pushed; or a new one. */
static tocha_tensor *result_tensor(lua_State *L, int arg, tocha_dtype want, const char *what) {
  if (arg == 0) return tl_pushtensor(L, want);
  tocha_tensor *r = tl_checktensor(L, arg);
  if (r->dtype != want)
    luaL_argerror(L, arg,
                  lua_pushfstring(L, "%s must be a %s, got %s", what, tl_type_names[want], tl_type_names[r->dtype]));
  lua_pushvalue(L, arg);
  return r;
}

/* sum, prod: (x) -> number; (x, d) -> tensor; (res, x, d) -> res. */
static int sum_like(lua_State *L, all_fn all, dim_fn along) {
  int a = input_arg(L);
  tocha_tensor *x = tl_checktensor(L, a);
  if (a == 1 && lua_isnoneornil(L, 2)) {
    check_no_more(L, 2);
    tocha_number v;
    tl_check(L, all(&v, x), 0);
    push_number(L, &v);
    return 1;
  }
  int dim = tl_checkdim(L, x, a + 1);
  check_no_more(L, a + 1);
  tocha_tensor *out = result_tensor(L, a == 2 ? 1 : 0, acc_dtype(x->dtype), "result");
  tl_check(L, along(out, x, dim), a - 1);
  return 1;
}

static int l_sum(lua_State *L) { return sum_like(L, tocha_sumall, tocha_sum); }
static int l_prod(lua_State *L) { return sum_like(L, tocha_prodall, tocha_prod); }

/* mean, logsumexp: like sum, Float/Double only. */
static int float_like(lua_State *L, const char *name, tocha_status (*all)(double *, const tocha_tensor *),
                      dim_fn along) {
  int a = input_arg(L);
  tocha_tensor *x = tl_checktensor(L, a);
  check_float(L, a, x, name);
  if (a == 1 && lua_isnoneornil(L, 2)) {
    check_no_more(L, 2);
    double v;
    tl_check(L, all(&v, x), 0);
    lua_pushnumber(L, v);
    return 1;
  }
  int dim = tl_checkdim(L, x, a + 1);
  check_no_more(L, a + 1);
  tocha_tensor *out = result_tensor(L, a == 2 ? 1 : 0, x->dtype, "result");
  tl_check(L, along(out, x, dim), a - 1);
  return 1;
}

static int l_mean(lua_State *L) { return float_like(L, "mean", tocha_meanall, tocha_mean); }
static int l_logsumexp(lua_State *L) { return float_like(L, "logsumexp", tocha_logsumexpall, tocha_logsumexp); }

static int opt_flag(lua_State *L, int arg) {
  if (lua_isnoneornil(L, arg)) return 0;
  luaL_checktype(L, arg, LUA_TBOOLEAN);
  return lua_toboolean(L, arg);
}

/* var, std: (x [, biased]) -> number; (x, d [, biased]) -> tensor;
 * (res, x, d [, biased]) -> res.  biased = true normalises by n. */
static int var_like(lua_State *L, const char *name, int want_std) {
  int a = input_arg(L);
  tocha_tensor *x = tl_checktensor(L, a);
  check_float(L, a, x, name);
  if (a == 1 && (lua_isnoneornil(L, 2) || lua_isboolean(L, 2))) {
    int biased = lua_toboolean(L, 2);
    check_no_more(L, 2);
    double v;
    tl_check(L, want_std ? tocha_stdall(&v, x, biased) : tocha_varall(&v, x, biased), 0);
    lua_pushnumber(L, v);
    return 1;
  }
  int dim = tl_checkdim(L, x, a + 1);
  int biased = opt_flag(L, a + 2);
  check_no_more(L, a + 2);
  tocha_tensor *out = result_tensor(L, a == 2 ? 1 : 0, x->dtype, "result");
  tl_check(L, want_std ? tocha_std(out, x, dim, biased) : tocha_var(out, x, dim, biased), a - 1);
  return 1;
}

static int l_var(lua_State *L) { return var_like(L, "var", 0); }
static int l_std(lua_State *L) { return var_like(L, "std", 1); }

/* norm: (x [, p]) -> number; (x, p, d) -> tensor; (res, x, p, d) -> res. */
static int l_norm(lua_State *L) {
  int a = input_arg(L);
  tocha_tensor *x = tl_checktensor(L, a);
  check_float(L, a, x, "norm");
  if (a == 1 && lua_isnoneornil(L, 3)) {
    lua_Number p = luaL_optnumber(L, 2, 2);
    check_no_more(L, 2);
    double v;
    tl_check(L, tocha_normall(&v, x, p), 0);
    lua_pushnumber(L, v);
    return 1;
  }
  lua_Number p = luaL_checknumber(L, a + 1);
  int dim = tl_checkdim(L, x, a + 2);
  check_no_more(L, a + 2);
  tocha_tensor *out = result_tensor(L, a == 2 ? 1 : 0, x->dtype, "result");
  tl_check(L, tocha_norm(out, x, p, dim), a - 1);
  return 1;
}

/* max, min: (x) -> number; (x, d) -> values, indices;
 * (vals, x, d) and (vals, idx, x, d) fill the given tensors. */
static int extremum(lua_State *L, int want_max) {
  int a = 1;
  if (tl_totensor(L, 2)) a = tl_totensor(L, 3) ? 3 : 2;
  tocha_tensor *x = tl_checktensor(L, a);
  if (a == 1 && lua_isnoneornil(L, 2)) {
    check_no_more(L, 2);
    tocha_number v;
    tl_check(L, want_max ? tocha_maxall(&v, x) : tocha_minall(&v, x), 0);
    push_number(L, &v);
    return 1;
  }
  int dim = tl_checkdim(L, x, a + 1);
  check_no_more(L, a + 1);
  if (a == 3 && lua_rawequal(L, 1, 2)) luaL_argerror(L, 2, "values and indices must be different tensors");
  tocha_tensor *values = result_tensor(L, a >= 2 ? 1 : 0, x->dtype, "values");
  int values_at = lua_gettop(L);
  tocha_tensor *indices = result_tensor(L, a == 3 ? 2 : 0, TOCHA_LONG, "indices");
  if (values->storage && values->storage == indices->storage)
    luaL_argerror(L, 2, "values and indices must not share a storage");
  tl_check(L, want_max ? tocha_max(values, indices, x, dim) : tocha_min(values, indices, x, dim), a - 1);
  /* 0-based from the core -> 1-based, through indices' own strides (a
   * right-sized view given as the result keeps its geometry). */
  tl_check(L, tocha_binary_scalar(indices, indices, 1, TOCHA_BINARY_ADD), 0);
  lua_pushvalue(L, values_at);
  lua_pushvalue(L, values_at + 1);
  return 2;
}

static int l_max(lua_State *L) { return extremum(L, 1); }
static int l_min(lua_State *L) { return extremum(L, 0); }

/* cumsum, cumprod: (x [, d]) -> tensor; (res, x [, d]) -> res; d defaults
 * to 1 as in Torch7.  The scan of an empty tensor is empty. */
static int scan(lua_State *L, dim_fn along) {
  int a = input_arg(L);
  tocha_tensor *x = tl_checktensor(L, a);
  int dim = 0;
  if (!lua_isnoneornil(L, a + 1)) dim = tl_checkdim(L, x, a + 1);
  check_no_more(L, a + 1);
  tocha_tensor *out = result_tensor(L, a == 2 ? 1 : 0, acc_dtype(x->dtype), "result");
  if (x->ndim == 0) {
    tl_check(L, tocha_tensor_resize(out, 0, NULL), 0);
    return 1;
  }
  tl_check(L, along(out, x, dim), a - 1);
  return 1;
}

static int l_cumsum(lua_State *L) { return scan(L, tocha_cumsum); }
static int l_cumprod(lua_State *L) { return scan(L, tocha_cumprod); }

static const luaL_Reg reduce_functions[] = {
    {"sum", l_sum},   {"prod", l_prod},     {"mean", l_mean},       {"max", l_max},
    {"min", l_min},   {"var", l_var},       {"std", l_std},         {"norm", l_norm},
    {"logsumexp", l_logsumexp}, {"cumsum", l_cumsum}, {"cumprod", l_cumprod}, {NULL, NULL}};

void tl_open_reduce(lua_State *L, int module, int methods) { tl_register(L, module, methods, reduce_functions); }
