/*
 * Sampling categories and the remaining distributions, Torch7's forms
 * (categories are 1-based here; the core's are 0-based):
 *   torch.multinomial([res,] [gen,] prob, n [, replacement=false]) -> LongTensor
 *   torch.multinomialAliasSetup(probs [, state])  -> state = {J (Long, 1-based), q}
 *   torch.multinomialAlias([gen,] output, state)  -> output (Long, filled)
 *   x:exponential([gen,] lambda=1), x:cauchy([gen,] median=0, sigma=1),
 *   x:logNormal([gen,] mean=1, stdv=2), x:geometric([gen,] p)   -> x
 *   tocha.exponential([gen,] lambda) etc.: one draw (element 0 of the fill)
 */
#include "binding.h"

static void add_one(lua_State *L, tocha_tensor *t) {
  if (tocha_tensor_nelement(t) > 0) tl_check(L, tocha_binary_scalar(t, t, 1, TOCHA_BINARY_ADD), 0);
}

static int l_multinomial(lua_State *L) {
  int pos = 1, res = 0;
  if (tl_totensor(L, 1) && tl_totensor(L, 2)) res = pos++;
  if (res) tl_checktensortype(L, res, TOCHA_LONG);
  int skip;
  tocha_rng *g = tl_optgenerator(L, pos, &skip);
  pos += skip;
  int probpos = pos;
  tocha_tensor *prob = tl_checktensor(L, probpos);
  lua_Integer n = luaL_checkinteger(L, probpos + 1);
  int replacement = 0;
  if (!lua_isnoneornil(L, probpos + 2)) {
    luaL_checktype(L, probpos + 2, LUA_TBOOLEAN);
    replacement = lua_toboolean(L, probpos + 2);
  }
  if (lua_gettop(L) > probpos + 2) luaL_argerror(L, probpos + 3, "no further arguments expected");
  tocha_tensor *out;
  if (res) {
    lua_pushvalue(L, res);
    out = (tocha_tensor *)lua_touserdata(L, res);
  } else {
    out = tl_pushtensor(L, TOCHA_LONG);
  }
  tl_check(L, tocha_multinomial(g, out, prob, (int64_t)n, replacement), probpos - 1);
  add_one(L, out);
  return 1;
}

static int l_alias_setup(lua_State *L) {
  tocha_tensor *probs = tl_checktensor(L, 1);
  tocha_tensor *J, *q;
  if (!lua_isnoneornil(L, 2)) { /* reuse the state's tensors */
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_geti(L, 2, 1);
    lua_geti(L, 2, 2);
    J = tl_totensor(L, -2);
    q = tl_totensor(L, -1);
    if (!J || !q || J->dtype != TOCHA_LONG || q->dtype != probs->dtype)
      luaL_argerror(L, 2, "expected a state {LongTensor, Tensor} from multinomialAliasSetup");
    lua_pop(L, 2);
    lua_pushvalue(L, 2);
  } else {
    lua_createtable(L, 2, 0);
    J = tl_pushtensor(L, TOCHA_LONG);
    lua_rawseti(L, -2, 1);
    q = tl_pushtensor(L, probs->dtype);
    lua_rawseti(L, -2, 2);
  }
  tl_check(L, tocha_multinomial_alias_setup(J, q, probs), 0);
  add_one(L, J);
  return 1;
}

static int l_alias_draw(lua_State *L) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  int opos = 1 + skip, spos = 2 + skip;
  tocha_tensor *out = tl_checktensortype(L, opos, TOCHA_LONG);
  luaL_checktype(L, spos, LUA_TTABLE);
  lua_geti(L, spos, 1);
  lua_geti(L, spos, 2);
  tocha_tensor *J = tl_totensor(L, -2), *q = tl_totensor(L, -1);
  if (!J || !q || J->dtype != TOCHA_LONG)
    luaL_argerror(L, spos, "expected a state {LongTensor, Tensor} from multinomialAliasSetup");
  tocha_tensor *j0 = tl_pushtensor(L, TOCHA_LONG); /* the 0-based aliases */
  tl_check(L, tocha_binary_scalar(j0, J, -1, TOCHA_BINARY_ADD), 0);
  tocha_status st = tocha_multinomial_alias_draw(g, out, j0, q);
  if (st) {
    const tocha_error *e = tocha_last_error();
    luaL_argerror(L, e->arg == 0 ? opos : spos, e->message);
  }
  add_one(L, out);
  lua_pushvalue(L, opos);
  return 1;
}

/* x:f([gen,] a [, b]) for the distributions with defaults */
typedef enum { D_EXPONENTIAL, D_CAUCHY, D_LOGNORMAL, D_GEOMETRIC } dist;

/* Fills t from distribution d with the parameters at a, a + 1 (Torch7's defaults). */
static tocha_status draw(lua_State *L, dist d, tocha_rng *g, tocha_tensor *t, int a) {
  switch (d) {
    case D_EXPONENTIAL: return tocha_exponential(g, t, luaL_optnumber(L, a, 1));
    case D_CAUCHY: return tocha_cauchy(g, t, luaL_optnumber(L, a, 0), luaL_optnumber(L, a + 1, 1));
    case D_LOGNORMAL: return tocha_log_normal(g, t, luaL_optnumber(L, a, 1), luaL_optnumber(L, a + 1, 2));
    default: return tocha_geometric(g, t, luaL_checknumber(L, a));
  }
}

static int fill(lua_State *L, dist d) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int skip;
  tocha_rng *g = tl_optgenerator(L, 2, &skip);
  tl_check(L, draw(L, d, g, t, 2 + skip), skip);
  lua_settop(L, 1);
  return 1;
}

/* tocha.f([gen,] a [, b]): one draw, element 0 of the fill from the same state. */
static int scalar(lua_State *L, dist d) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  int a = 1 + skip;
  double v = 0;
  tocha_storage storage = {&v, 1, TOCHA_DOUBLE, 1};
  tocha_tensor t;
  tocha_tensor_init(&t, TOCHA_DOUBLE);
  t.storage = &storage;
  t.ndim = 1;
  t.size[0] = 1;
  t.stride[0] = 1;
  tl_check(L, draw(L, d, g, &t, a), skip - 1);
  if (d == D_GEOMETRIC)
    lua_pushinteger(L, (lua_Integer)v);
  else
    lua_pushnumber(L, v);
  return 1;
}

static int s_exponential(lua_State *L) { return scalar(L, D_EXPONENTIAL); }
static int s_cauchy(lua_State *L) { return scalar(L, D_CAUCHY); }
static int s_lognormal(lua_State *L) { return scalar(L, D_LOGNORMAL); }
static int s_geometric(lua_State *L) { return scalar(L, D_GEOMETRIC); }

static int l_exponential(lua_State *L) { return fill(L, D_EXPONENTIAL); }
static int l_cauchy(lua_State *L) { return fill(L, D_CAUCHY); }
static int l_lognormal(lua_State *L) { return fill(L, D_LOGNORMAL); }
static int l_geometric(lua_State *L) { return fill(L, D_GEOMETRIC); }

void tl_open_sampling(lua_State *L, int module, int methods) {
  static const luaL_Reg funcs[] = {{"multinomial", l_multinomial}, {NULL, NULL}};
  static const luaL_Reg module_only[] = {
      {"multinomialAliasSetup", l_alias_setup}, {"multinomialAlias", l_alias_draw},
      {"exponential", s_exponential},           {"cauchy", s_cauchy},
      {"logNormal", s_lognormal},               {"geometric", s_geometric},
      {NULL, NULL}};
  static const luaL_Reg fills[] = {{"exponential", l_exponential},
                                   {"cauchy", l_cauchy},
                                   {"logNormal", l_lognormal},
                                   {"geometric", l_geometric},
                                   {NULL, NULL}};
  tl_register(L, module, methods, funcs);
  tl_register(L, module, 0, module_only);
  tl_register(L, 0, methods, fills);
}
