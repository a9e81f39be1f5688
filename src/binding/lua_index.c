/* Masks, index tensors, gather/scatter, nonzero and cat (Torch7 forms).
 *
 * Index tensors are LongTensors of 1-based indices (the core is called with
 * base 1, so its messages count from 1 too); masks are ByteTensors of the
 * tensor's size holding 0 and 1.  Result-producing functions follow
 * Torch7's pattern: x:index(dim, idx) and tocha.index(x, dim, idx) return a
 * new tensor, res:index(x, dim, idx) and tocha.index(res, x, dim, idx) write
 * into res; the others work in place and return the tensor. */
#include "binding.h"

/* The tensor at `arg` of the same type as `like`. */
static tocha_tensor *check_sametype(lua_State *L, int arg, const tocha_tensor *like, const char *what) {
  tocha_tensor *t = tl_checktensor(L, arg);
  if (t->dtype != like->dtype)
    luaL_argerror(L, arg,
                  lua_pushfstring(L, "%s expected (the type of the %s), got %s", tl_type_names[like->dtype], what,
                                  tl_type_names[t->dtype]));
  return t;
}

/* For res-forms: pushes the result tensor, either res (at `res_arg`, checked
 * to have `dtype`) or a new one. */
static tocha_tensor *push_result(lua_State *L, int res_arg, tocha_dtype dtype) {
  if (res_arg) {
    tocha_tensor *res = tl_checktensor(L, res_arg);
    if (res->dtype != dtype)
      luaL_argerror(L, res_arg,
                    lua_pushfstring(L, "result must be a %s, got %s", tl_type_names[dtype], tl_type_names[res->dtype]));
    lua_pushvalue(L, res_arg);
    return res;
  }
  return tl_pushtensor(L, dtype);
}

/* ---- masks ------------------------------------------------------------------ */

/* x:maskedSelect(mask) / res:maskedSelect(x, mask) */
static int l_maskedselect(lua_State *L) {
  int shift = tl_totensor(L, 3) ? 1 : 0;
  tocha_tensor *src = tl_checktensor(L, 1 + shift);
  tocha_tensor *mask = tl_checktensortype(L, 2 + shift, TOCHA_BYTE);
  tocha_tensor *out = push_result(L, shift, src->dtype);
  tl_check(L, tocha_masked_select(out, src, mask), shift);
  return 1;
}

/* x:maskedFill(mask, value) */
static int l_maskedfill(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  tocha_tensor *mask = tl_checktensortype(L, 2, TOCHA_BYTE);
  double v = tl_checkvalue(L, 3, t->dtype);
  lua_settop(L, 1);
  tl_check(L, tocha_masked_fill(t, mask, v), 0);
  return 1;
}

/* x:maskedCopy(mask, src) */
static int l_maskedcopy(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  tocha_tensor *mask = tl_checktensortype(L, 2, TOCHA_BYTE);
  tocha_tensor *src = check_sametype(L, 3, t, "tensor written");
  lua_settop(L, 1);
  tl_check(L, tocha_masked_copy(t, mask, src), 0);
  return 1;
}

/* ---- index tensors ------------------------------------------------------------- */

/* x:index(dim, idx) / res:index(x, dim, idx); gather has the same forms. */
static int select_like(lua_State *L, int gather) {
  int shift = tl_totensor(L, 2) ? 1 : 0;
  tocha_tensor *src = tl_checktensor(L, 1 + shift);
  int dim = tl_checkdim(L, src, 2 + shift);
  tocha_tensor *idx = tl_checktensortype(L, 3 + shift, TOCHA_LONG);
  tocha_tensor *out = push_result(L, shift, src->dtype);
  tl_check(L, gather ? tocha_gather(out, src, dim, idx, 1) : tocha_index_select(out, src, dim, idx, 1), shift);
  return 1;
}

static int l_index(lua_State *L) { return select_like(L, 0); }
static int l_gather(lua_State *L) { return select_like(L, 1); }

/* x:indexCopy(dim, idx, src) and x:indexAdd(dim, idx, src) */
static int index_source(lua_State *L, int add) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int dim = tl_checkdim(L, t, 2);
  tocha_tensor *idx = tl_checktensortype(L, 3, TOCHA_LONG);
  tocha_tensor *src = check_sametype(L, 4, t, "tensor written");
  lua_settop(L, 1);
  tl_check(L, add ? tocha_index_add(t, dim, idx, src, 1) : tocha_index_copy(t, dim, idx, src, 1), 0);
  return 1;
}

static int l_indexcopy(lua_State *L) { return index_source(L, 0); }
static int l_indexadd(lua_State *L) { return index_source(L, 1); }

/* x:indexFill(dim, idx, value) */
static int l_indexfill(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int dim = tl_checkdim(L, t, 2);
  tocha_tensor *idx = tl_checktensortype(L, 3, TOCHA_LONG);
  double v = tl_checkvalue(L, 4, t->dtype);
  lua_settop(L, 1);
  tl_check(L, tocha_index_fill(t, dim, idx, v, 1), 0);
  return 1;
}

/* x:scatter(dim, idx, src | value) and x:scatterAdd(dim, idx, src) */
static int scatter_like(lua_State *L, int add) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int dim = tl_checkdim(L, t, 2);
  tocha_tensor *idx = tl_checktensortype(L, 3, TOCHA_LONG);
  tocha_status st;
  if (add || tl_totensor(L, 4)) {
    tocha_tensor *src = check_sametype(L, 4, t, "tensor written");
    st = add ? tocha_scatter_add(t, dim, idx, src, 1) : tocha_scatter(t, dim, idx, src, 1);
  } else {
    if (lua_type(L, 4) != LUA_TNUMBER) luaL_typeerror(L, 4, "tensor or number");
    st = tocha_scatter_fill(t, dim, idx, tl_checkvalue(L, 4, t->dtype), 1);
  }
  lua_settop(L, 1);
  tl_check(L, st, 0);
  return 1;
}

static int l_scatter(lua_State *L) { return scatter_like(L, 0); }
static int l_scatteradd(lua_State *L) { return scatter_like(L, 1); }

/* x:nonzero() / tocha.nonzero(x) / tocha.nonzero(res, x) */
static int l_nonzero(lua_State *L) {
  int shift = tl_totensor(L, 2) ? 1 : 0;
  tocha_tensor *src = tl_checktensor(L, 1 + shift);
  tocha_tensor *out = push_result(L, shift, TOCHA_LONG);
  tl_check(L, tocha_nonzero(out, src, 1), shift);
  return 1;
}

/* ---- cat ----------------------------------------------------------------------- */

/* tocha.cat([res,] a, b [, dim]) and tocha.cat([res,] {a, b, ...} [, dim]);
 * x:cat(y [, dim]) is tocha.cat(x, y [, dim]).  The default dimension is
 * the last one; empty tensors are skipped. */
static int l_cat(lua_State *L) {
  int shift = 0, list, count;
  if (tl_totensor(L, 1) && lua_istable(L, 2) && !tl_totensor(L, 2)) {
    shift = 1; /* res, {...} */
  } else if (tl_totensor(L, 1) && tl_totensor(L, 2) && tl_totensor(L, 3)) {
    shift = 1; /* res, a, b */
  }
  list = lua_istable(L, 1 + shift) && !tl_totensor(L, 1 + shift);
  int dim_arg = list ? 2 + shift : 3 + shift;
  if (lua_gettop(L) > dim_arg)
    luaL_argerror(L, dim_arg + 1, "no arguments expected after the dimension");
  lua_settop(L, dim_arg); /* the scratch array below goes above the arguments */

  /* Collect the inputs in a Lua-owned userdata array (no leak on errors). */
  if (list) {
    count = (int)luaL_len(L, 1 + shift);
    if (count < 1) luaL_argerror(L, 1 + shift, "expected a non-empty list of tensors");
  } else {
    tl_checktensor(L, 1 + shift);
    tl_checktensor(L, 2 + shift);
    count = 2;
  }
  const tocha_tensor **inputs = lua_newuserdatauv(L, sizeof *inputs * (size_t)count, 0);
  /* The entries are anchored in a table of our own: the list's may come from
   * __index (a fresh object each time), or the list may change while we read it. */
  lua_createtable(L, list ? count : 0, 0);
  int anchor = lua_gettop(L);
  for (int k = 0; k < count; k++) {
    if (list) {
      lua_geti(L, 1 + shift, k + 1);
      inputs[k] = tl_totensor(L, -1);
      if (!inputs[k])
        luaL_argerror(L, 1 + shift,
                      lua_pushfstring(L, "entry %d of the list must be a tensor, got %s", k + 1, luaL_typename(L, -1)));
      lua_rawseti(L, anchor, k + 1);
    } else {
      inputs[k] = tl_totensor(L, 1 + shift + k);
    }
  }

  /* The dimension, from the first tensor with elements (Lua's negative
   * dimensions, the default last one); types and shapes are the core's. */
  const tocha_tensor *first = NULL;
  for (int k = 0; k < count && !first; k++)
    if (inputs[k]->ndim > 0) first = inputs[k];
  int dim = 0;
  if (first) {
    dim = lua_isnoneornil(L, dim_arg) ? first->ndim - 1 : tl_checkdim(L, first, dim_arg);
  } else if (!lua_isnoneornil(L, dim_arg)) {
    luaL_checkinteger(L, dim_arg);
  }
  tocha_tensor *out = push_result(L, shift, inputs[0]->dtype);
  tocha_status st = tocha_cat(out, inputs, count, dim);
  /* The core names the tensor at fault: given as separate arguments, it is
   * that argument; in a list, the list. */
  const tocha_error *e = tocha_last_error();
  if (st && !list && e->item > 0) luaL_argerror(L, shift + e->item, e->message);
  tl_check(L, st, shift);
  return 1;
}

static const luaL_Reg index_functions[] = {
    {"maskedSelect", l_maskedselect}, {"maskedFill", l_maskedfill}, {"maskedCopy", l_maskedcopy},
    {"index", l_index},               {"indexCopy", l_indexcopy},   {"indexAdd", l_indexadd},
    {"indexFill", l_indexfill},       {"gather", l_gather},         {"scatter", l_scatter},
    {"scatterAdd", l_scatteradd},     {"nonzero", l_nonzero},       {"cat", l_cat},
    {NULL, NULL}};

void tl_open_index(lua_State *L, int module, int methods) {
  tl_register(L, module, methods, index_functions);
}
