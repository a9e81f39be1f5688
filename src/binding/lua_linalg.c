/*
 * Linear algebra: dot, mv, mm, ger, bmm, the add* forms, BLAS threads.
 *
 * Torch7's calling forms:
 *   tocha.mm([res,] mat1, mat2)       res:mm(mat1, mat2)     (also mv, ger, bmm)
 *   tocha.addmm([res,] [beta,] M, [alpha,] mat1, mat2)    -> res or a new tensor
 *   res:addmm([beta,] M, [alpha,] mat1, mat2)             -> res = beta*M + alpha*mat1*mat2
 *   M:addmm([beta,] [alpha,] mat1, mat2)                  -> M = beta*M + alpha*mat1*mat2
 *     (with one number and M omitted, the number is alpha: M:addmm(alpha, mat1, mat2))
 *   and the same for addmv, addr, baddbmm, addbmm.
 * The method and function forms of the add* family differ (M:addmm(a, b)
 * works in place, tocha.addmm(M, a, b) returns a new tensor), so they are
 * registered as two C functions.
 */
#include "binding.h"

/* Raises the core's last error; core argument k is Lua argument argmap[k]
 * (0: none, then a plain error). */
static void check_core(lua_State *L, tocha_status st, const int *argmap, int nmap) {
  if (st == TOCHA_OK) return;
  const tocha_error *e = tocha_last_error();
  int pos = e->arg >= 0 && e->arg < nmap ? argmap[e->arg] : 0;
  if (pos > 0) luaL_argerror(L, pos, e->message);
  luaL_error(L, "%s", e->message);
}

static void no_more_args(lua_State *L, int pos) {
  if (lua_gettop(L) >= pos) luaL_argerror(L, pos, "no further arguments expected");
}

static int l_dot(lua_State *L) {
  tocha_tensor *a = tl_checktensor(L, 1), *b = tl_checktensor(L, 2);
  no_more_args(L, 3);
  double r;
  check_core(L, tocha_dot(&r, a, b), (const int[]){0, 1, 2}, 3);
  lua_pushnumber(L, r);
  return 1;
}

/* ---- [res,] x, y products ---------------------------------------------------- */

typedef tocha_status (*product_fn)(tocha_tensor *, const tocha_tensor *, const tocha_tensor *);

/* tocha.f([res,] x, y) and res:f(x, y) (x:f(y) gives a new tensor). */
static int product(lua_State *L, product_fn f) {
  int res = tl_totensor(L, 3) ? 1 : 0, x = res + 1;
  if (res) tl_checktensor(L, res);
  tocha_tensor *a = tl_checktensor(L, x), *b = tl_checktensor(L, x + 1);
  no_more_args(L, x + 2);
  tocha_tensor *out;
  if (res) {
    lua_pushvalue(L, res);
    out = (tocha_tensor *)lua_touserdata(L, res);
  } else {
    out = tl_pushtensor(L, a->dtype);
  }
  check_core(L, f(out, a, b), (const int[]){res, x, x + 1}, 3);
  return 1;
}

static int l_mv(lua_State *L) { return product(L, tocha_mv); }
static int l_mm(lua_State *L) { return product(L, tocha_mm); }
static int l_ger(lua_State *L) { return product(L, tocha_ger); }
static int l_bmm(lua_State *L) { return product(L, tocha_bmm); }

/* ---- the add* family ------------------------------------------------------------ */

typedef tocha_status (*add_fn)(tocha_tensor *, double, const tocha_tensor *, double, const tocha_tensor *,
                               const tocha_tensor *);

/* Lua stack positions of the arguments; 0 when absent. */
typedef struct add_args {
  int res, beta, M, alpha, x, y;
} add_args;

static int is_number(lua_State *L, int arg) { return lua_type(L, arg) == LUA_TNUMBER; }

static int count_tensors(lua_State *L, int from) {
  int n = 0;
  for (int i = from; i <= lua_gettop(L); i++) n += tl_totensor(L, i) != NULL;
  return n;
}

/* tocha.f([res,] [beta,] M, [alpha,] x, y) */
static void parse_function(lua_State *L, add_args *p) {
  int pos = 1;
  p->res = 0;
  if (count_tensors(L, 1) >= 4) {
    tl_checktensor(L, 1);
    p->res = pos++;
  }
  p->beta = is_number(L, pos) ? pos++ : 0;
  p->M = pos++;
  p->alpha = is_number(L, pos) ? pos++ : 0;
  p->x = pos++;
  p->y = pos;
}

/* res:f([beta,] M, [alpha,] x, y) or M:f([beta,] [alpha,] x, y) */
static void parse_method(lua_State *L, add_args *p) {
  int pos = 2;
  p->res = 1;
  tl_checktensor(L, 1);
  if (count_tensors(L, 2) >= 3) {
    p->beta = is_number(L, pos) ? pos++ : 0;
    p->M = pos++;
    p->alpha = is_number(L, pos) ? pos++ : 0;
  } else {
    p->M = 1;
    p->beta = p->alpha = 0;
    if (is_number(L, pos) && is_number(L, pos + 1)) {
      p->beta = pos++;
      p->alpha = pos++;
    } else if (is_number(L, pos)) {
      p->alpha = pos++; /* Torch7: M:addmm(alpha, mat1, mat2) */
    }
  }
  p->x = pos++;
  p->y = pos;
}

static int add_family(lua_State *L, add_fn f, int method) {
  add_args p;
  if (method)
    parse_method(L, &p);
  else
    parse_function(L, &p);
  tocha_tensor *M = tl_checktensor(L, p.M), *x = tl_checktensor(L, p.x), *y = tl_checktensor(L, p.y);
  no_more_args(L, p.y + 1);
  double beta = p.beta ? lua_tonumber(L, p.beta) : 1, alpha = p.alpha ? lua_tonumber(L, p.alpha) : 1;
  tocha_tensor *out;
  if (p.res) {
    lua_pushvalue(L, p.res);
    out = (tocha_tensor *)lua_touserdata(L, p.res);
  } else {
    out = tl_pushtensor(L, M->dtype);
  }
  check_core(L, f(out, beta, M, alpha, x, y), (const int[]){p.res, p.beta, p.M, p.alpha, p.x, p.y}, 6);
  return 1;
}

#define ADD_FORMS(name)                                                   \
  static int l_##name(lua_State *L) { return add_family(L, tocha_##name, 0); } \
  static int m_##name(lua_State *L) { return add_family(L, tocha_##name, 1); }
ADD_FORMS(addmm)
ADD_FORMS(addmv)
ADD_FORMS(addr)
ADD_FORMS(baddbmm)
ADD_FORMS(addbmm)
#undef ADD_FORMS

/* ---- threads ---------------------------------------------------------------------- */

static int l_setnumthreads(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  if (n < 1 || n > 1 << 16)
    luaL_argerror(L, 1, lua_pushfstring(L, "number of threads must be 1..65536, got %I", n));
  check_core(L, tocha_set_num_threads((int)n), (const int[]){0, 1}, 2);
  return 0;
}

static int l_getnumthreads(lua_State *L) {
  lua_pushinteger(L, tocha_get_num_threads());
  return 1;
}

/* Same meaning as methods and as functions. */
static const luaL_Reg shared[] = {
    {"dot", l_dot}, {"mv", l_mv}, {"mm", l_mm}, {"ger", l_ger}, {"bmm", l_bmm}, {NULL, NULL}};

static const luaL_Reg add_functions[] = {{"addmm", l_addmm},     {"addmv", l_addmv},   {"addr", l_addr},
                                         {"baddbmm", l_baddbmm}, {"addbmm", l_addbmm}, {NULL, NULL}};

static const luaL_Reg add_methods[] = {{"addmm", m_addmm},     {"addmv", m_addmv},   {"addr", m_addr},
                                       {"baddbmm", m_baddbmm}, {"addbmm", m_addbmm}, {NULL, NULL}};

static const luaL_Reg module_only[] = {
    {"setnumthreads", l_setnumthreads}, {"getnumthreads", l_getnumthreads}, {NULL, NULL}};

void tl_open_linalg(lua_State *L, int module, int methods) {
  tl_register(L, module, methods, shared);
  tl_register(L, module, 0, add_functions);
  tl_register(L, 0, methods, add_methods);
  tl_register(L, module, 0, module_only);
}
