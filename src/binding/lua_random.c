/* Random numbers: generators, seeding, tensor fills and scalar draws.
 * Every function takes an optional tocha.Generator before its other
 * arguments (Torch7's convention); without one it uses the default
 * generator, which tocha.manualSeed seeds. */
#include <math.h>

#include "binding.h"

static const char *const default_generator_key = "tocha.default_generator";

static tocha_rng *default_generator(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, default_generator_key);
  tocha_rng *g = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return g;
}

tocha_rng *tl_optgenerator(lua_State *L, int arg, int *consumed) {
  tocha_rng *g = luaL_testudata(L, arg, TL_GENERATOR_CLASS);
  *consumed = g != NULL;
  return g ? g : default_generator(L);
}

static tocha_rng *push_generator(lua_State *L, uint64_t seed) {
  tocha_rng *g = lua_newuserdatauv(L, sizeof *g, 0);
  tocha_rng_seed(g, seed);
  luaL_setmetatable(L, TL_GENERATOR_CLASS);
  return g;
}

/* Lua integers are signed: seeds round-trip through their bit pattern. */
static uint64_t check_seed(lua_State *L, int arg) {
  int isint;
  lua_Integer s = lua_tointegerx(L, arg, &isint);
  if (!isint) luaL_typeerror(L, arg, "integer seed");
  return (uint64_t)s;
}

/* ---- generators and seeding -------------------------------------------- */

static int l_generator(lua_State *L) {
  push_generator(L, tocha_entropy_seed());
  return 1;
}

static int l_manualseed(lua_State *L) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  tocha_rng_seed(g, check_seed(L, 1 + skip));
  return 0;
}

static int l_seed(lua_State *L) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  uint64_t s = tocha_entropy_seed() & 0x7fffffffffffffffULL; /* positive in Lua */
  tocha_rng_seed(g, s);
  lua_pushinteger(L, (lua_Integer)s);
  return 1;
}

static int l_initialseed(lua_State *L) {
  int skip;
  lua_pushinteger(L, (lua_Integer)tl_optgenerator(L, 1, &skip)->seed);
  return 1;
}

/* State as {seed, offset}: enough to replay a stream exactly. */
static int l_getrngstate(lua_State *L) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  lua_createtable(L, 2, 0);
  lua_pushinteger(L, (lua_Integer)g->seed);
  lua_rawseti(L, -2, 1);
  lua_pushinteger(L, (lua_Integer)g->offset);
  lua_rawseti(L, -2, 2);
  return 1;
}

static int l_setrngstate(lua_State *L) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  int arg = 1 + skip;
  luaL_checktype(L, arg, LUA_TTABLE);
  lua_geti(L, arg, 1);
  lua_geti(L, arg, 2);
  int ok1, ok2;
  lua_Integer seed = lua_tointegerx(L, -2, &ok1), offset = lua_tointegerx(L, -1, &ok2);
  if (!ok1 || !ok2) luaL_argerror(L, arg, "expected a state {seed, offset} from getRNGState");
  g->seed = (uint64_t)seed;
  g->offset = (uint64_t)offset;
  return 0;
}

/* ---- tensor fills: x:uniform([gen,] a, b) etc. --------------------------- */

static int l_fill_uniform(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int skip;
  tocha_rng *g = tl_optgenerator(L, 2, &skip);
  double a = luaL_optnumber(L, 2 + skip, 0), b = luaL_optnumber(L, 3 + skip, 1);
  lua_settop(L, 1);
  tl_check(L, tocha_uniform(g, t, a, b), skip);
  return 1;
}

static int l_fill_normal(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int skip;
  tocha_rng *g = tl_optgenerator(L, 2, &skip);
  double mean = luaL_optnumber(L, 2 + skip, 0), stdv = luaL_optnumber(L, 3 + skip, 1);
  lua_settop(L, 1);
  tl_check(L, tocha_normal(g, t, mean, stdv), skip);
  return 1;
}

/* x:bernoulli([gen,] probs), Torch7's form with a Float or Double tensor of
 * probabilities with as many elements as x: element i of x (logical order)
 * is 1 when u_i < p_i, u being one Double uniform fill [0, 1) of n elements
 * from the generator (so P(1) = p_i, exactly 0 for p_i = 0, 1 for p_i = 1). */
static int fill_bernoulli_tensor(lua_State *L, tocha_tensor *t, tocha_rng *g, int arg, int skip) {
  tocha_tensor *p = tl_totensor(L, arg);
  if (p->dtype != TOCHA_FLOAT && p->dtype != TOCHA_DOUBLE)
    luaL_argerror(L, arg, lua_pushfstring(L, "probabilities must be a Float or Double tensor, got %s",
                                          tl_type_names[p->dtype]));
  int64_t n = tocha_tensor_nelement(t);
  if (tocha_tensor_nelement(p) != n)
    luaL_argerror(L, arg, lua_pushfstring(L, "%I probabilities for a tensor of %I elements",
                                          (lua_Integer)tocha_tensor_nelement(p), (lua_Integer)n));
  lua_settop(L, 1);
  if (n == 0) return 1;
  tocha_tensor pd, u;
  tocha_tensor_init(&pd, TOCHA_DOUBLE);
  tocha_tensor_init(&u, TOCHA_DOUBLE);
  tocha_status st = tocha_clone(&pd, p, TOCHA_DOUBLE); /* contiguous */
  int in_range = 1;
  if (!st) {
    const double *pv = tocha_tensor_data(&pd);
    for (int64_t i = 0; i < n; i++) in_range &= pv[i] >= 0 && pv[i] <= 1; /* NaN fails */
  }
  if (!st && in_range) st = tocha_tensor_new(&u, TOCHA_DOUBLE, 1, &n);
  if (!st && in_range) st = tocha_uniform(g, &u, 0, 1);
  if (!st && in_range) {
    double *uv = tocha_tensor_data(&u);
    const double *pv = tocha_tensor_data(&pd);
    for (int64_t i = 0; i < n; i++) uv[i] = uv[i] < pv[i] ? 1 : 0;
    st = tocha_copy(t, &u);
  }
  tocha_tensor_release(&pd);
  tocha_tensor_release(&u);
  if (!in_range) luaL_argerror(L, arg, "probabilities must be in [0, 1]");
  tl_check(L, st, skip);
  return 1;
}

static int l_fill_bernoulli(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int skip;
  tocha_rng *g = tl_optgenerator(L, 2, &skip);
  if (tl_totensor(L, 2 + skip)) return fill_bernoulli_tensor(L, t, g, 2 + skip, skip);
  double p = luaL_optnumber(L, 2 + skip, 0.5);
  lua_settop(L, 1);
  tl_check(L, tocha_bernoulli(g, t, p), skip);
  return 1;
}

/* x:random([gen,] [a,] [b]): integers in [a, b], [1, b], or [1, 2^32]. */
static void random_range(lua_State *L, int arg, int64_t *lo, int64_t *hi) {
  if (lua_isnoneornil(L, arg)) {
    *lo = 1;
    *hi = (int64_t)1 << 32;
  } else if (lua_isnoneornil(L, arg + 1)) {
    *lo = 1;
    *hi = luaL_checkinteger(L, arg);
  } else {
    *lo = luaL_checkinteger(L, arg);
    *hi = luaL_checkinteger(L, arg + 1);
  }
  if (*lo > *hi)
    luaL_argerror(L, arg, lua_pushfstring(L, "empty range [%I, %I]", (lua_Integer)*lo, (lua_Integer)*hi));
}

static int l_fill_random(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  int skip;
  tocha_rng *g = tl_optgenerator(L, 2, &skip);
  int64_t lo, hi;
  random_range(L, 2 + skip, &lo, &hi);
  lua_settop(L, 1);
  tl_check(L, tocha_random_int(g, t, lo, hi), skip);
  return 1;
}

/* ---- new tensors: tocha.rand([res,] [gen,] sizes...) ---------------------- */

static int new_random_tensor(lua_State *L, int normal) {
  tocha_tensor *res = tl_totensor(L, 1);
  int arg = res ? 2 : 1, skip;
  tocha_rng *g = tl_optgenerator(L, arg, &skip);
  arg += skip;
  int64_t size[TOCHA_MAX_DIMS];
  int ndim = tl_checksizes(L, arg, lua_gettop(L), size);
  if (res) {
    lua_pushvalue(L, 1);
    tl_check(L, tocha_tensor_resize(res, ndim, size), arg - 1);
  } else {
    res = tl_pushtensor(L, tl_default_dtype(L));
    tl_check(L, tocha_tensor_new(res, res->dtype, ndim, size), arg - 1);
  }
  tl_check(L, normal ? tocha_normal(g, res, 0, 1) : tocha_uniform(g, res, 0, 1), 0);
  return 1;
}

static int l_rand(lua_State *L) { return new_random_tensor(L, 0); }
static int l_randn(lua_State *L) { return new_random_tensor(L, 1); }

static int l_randperm(lua_State *L) {
  tocha_tensor *res = tl_totensor(L, 1);
  int arg = res ? 2 : 1, skip;
  tocha_rng *g = tl_optgenerator(L, arg, &skip);
  arg += skip;
  lua_Integer n = luaL_checkinteger(L, arg);
  if (n < 1) luaL_argerror(L, arg, lua_pushfstring(L, "n must be >= 1, got %I", n));
  if (res)
    lua_pushvalue(L, 1);
  else
    res = tl_pushtensor(L, tl_default_dtype(L));
  tl_check(L, tocha_randperm(g, res, n, res->dtype), arg - 1);
  /* Torch7's permutations are of 1..n. */
  for (int64_t i = 0; i < n; i++) {
    double v;
    tocha_tensor_get(res, &i, &v);
    tocha_tensor_put(res, &i, v + 1);
  }
  return 1;
}

/* ---- scalar draws: tocha.uniform([gen,] a, b) etc. ------------------------ */

static int l_scalar_uniform(lua_State *L) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  double a = luaL_optnumber(L, 1 + skip, 0), b = luaL_optnumber(L, 2 + skip, 1);
  if (!(a <= b) || !isfinite(a) || !isfinite(b))
    luaL_argerror(L, 1 + skip, lua_pushfstring(L, "expected finite a <= b, got a=%f b=%f", a, b));
  double v = a + (b - a) * tocha_rng_double(g);
  lua_pushnumber(L, v < b ? v : a);
  return 1;
}

static int l_scalar_normal(lua_State *L) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  double mean = luaL_optnumber(L, 1 + skip, 0), stdv = luaL_optnumber(L, 2 + skip, 1);
  if (!(stdv >= 0) || !isfinite(stdv) || !isfinite(mean))
    luaL_argerror(L, 2 + skip, lua_pushfstring(L, "expected a finite mean and stdv >= 0, got %f and %f", mean, stdv));
  lua_pushnumber(L, mean + stdv * tocha_rng_normal(g));
  return 1;
}

static int l_scalar_bernoulli(lua_State *L) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  double p = luaL_optnumber(L, 1 + skip, 0.5);
  if (!(p >= 0 && p <= 1)) luaL_argerror(L, 1 + skip, lua_pushfstring(L, "expected 0 <= p <= 1, got %f", p));
  lua_pushinteger(L, tocha_rng_double(g) < p);
  return 1;
}

static int l_scalar_random(lua_State *L) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  int64_t lo, hi;
  random_range(L, 1 + skip, &lo, &hi);
  /* Through a one-element tensor, so the draw is exactly the fill's. */
  int64_t v = 0;
  tocha_storage storage = {&v, 1, TOCHA_LONG, 1};
  tocha_tensor t;
  tocha_tensor_init(&t, TOCHA_LONG);
  t.storage = &storage;
  t.ndim = 1;
  t.size[0] = 1;
  t.stride[0] = 1;
  tl_check(L, tocha_random_int(g, &t, lo, hi), skip);
  lua_pushinteger(L, v);
  return 1;
}

static int generator_tostring(lua_State *L) {
  tocha_rng *g = luaL_checkudata(L, 1, TL_GENERATOR_CLASS);
  lua_pushfstring(L, "tocha.Generator(seed %I, offset %I)", (lua_Integer)g->seed, (lua_Integer)g->offset);
  return 1;
}

void tl_open_random(lua_State *L, int module, int methods) {
  static const luaL_Reg fills[] = {{"uniform", l_fill_uniform},     {"normal", l_fill_normal},
                                   {"bernoulli", l_fill_bernoulli}, {"random", l_fill_random},
                                   {NULL, NULL}};
  static const luaL_Reg functions[] = {
      {"Generator", l_generator},         {"manualSeed", l_manualseed},
      {"seed", l_seed},                   {"initialSeed", l_initialseed},
      {"getRNGState", l_getrngstate},     {"setRNGState", l_setrngstate},
      {"rand", l_rand},                   {"randn", l_randn},
      {"randperm", l_randperm},           {"uniform", l_scalar_uniform},
      {"normal", l_scalar_normal},        {"bernoulli", l_scalar_bernoulli},
      {"random", l_scalar_random},        {NULL, NULL}};
  static const luaL_Reg generator_methods[] = {{"manualSeed", l_manualseed},
                                               {"seed", l_seed},
                                               {"initialSeed", l_initialseed},
                                               {"getState", l_getrngstate},
                                               {"setState", l_setrngstate},
                                               {NULL, NULL}};
  tl_register(L, 0, methods, fills);
  tl_register(L, module, 0, functions);
  tl_register(L, 0, methods, (const luaL_Reg[]){{"rand", l_rand}, {"randn", l_randn}, {NULL, NULL}});

  luaL_newmetatable(L, TL_GENERATOR_CLASS);
  lua_newtable(L);
  luaL_setfuncs(L, generator_methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, generator_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);

  /* The default generator starts from a fixed seed, so runs repeat until
   * tocha.seed() asks for entropy (Torch7's default seed was also fixed). */
  push_generator(L, 0x2545F4914F6CDD1DULL);
  lua_setfield(L, LUA_REGISTRYINDEX, default_generator_key);
}
