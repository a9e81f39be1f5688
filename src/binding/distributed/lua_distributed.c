/* tocha.distributed_core: the Lua side of src/tocha_distributed.h (a module
 * of its own, so tocha.core never links MPI).  lua/tocha/distributed.lua
 * wraps it. */
#include <lauxlib.h>
#include <lua.h>

#include "../../tocha_distributed.h"

/* A tensor argument: tocha's tensor userdata (see tl_totensor). */
static tocha_tensor *check_tensor(lua_State *L, int arg) {
  void *p = lua_touserdata(L, arg);
  int ok = p && lua_type(L, arg) == LUA_TUSERDATA && lua_rawlen(L, arg) == sizeof(tocha_tensor) &&
           lua_getmetatable(L, arg);
  if (ok) {
    lua_getfield(L, -1, "__tocha_dtype");
    ok = lua_isinteger(L, -1);
    lua_pop(L, 2);
  }
  if (!ok) luaL_typeerror(L, arg, "tensor");
  return p;
}

static void check(lua_State *L, tocha_status st, const char *fname) {
  if (st == TOCHA_OK) return;
  const tocha_error *e = tocha_last_error();
  if (e->arg > 0) luaL_error(L, "bad argument #%d to '%s' (%s)", e->arg, fname, e->message);
  luaL_error(L, "%s: %s", fname, e->message);
}

static int l_init(lua_State *L) {
  check(L, tocha_dist_init(), "init");
  lua_pushinteger(L, tocha_dist_rank());
  lua_pushinteger(L, tocha_dist_size());
  return 2;
}
static int l_rank(lua_State *L) { lua_pushinteger(L, tocha_dist_rank()); return 1; }
static int l_size(lua_State *L) { lua_pushinteger(L, tocha_dist_size()); return 1; }
static int l_initialized(lua_State *L) { lua_pushboolean(L, tocha_dist_initialized()); return 1; }
static int l_barrier(lua_State *L) { check(L, tocha_dist_barrier(), "barrier"); return 0; }
static int l_wtime(lua_State *L) { lua_pushnumber(L, tocha_dist_wtime()); return 1; }
static int l_finalize(lua_State *L) { (void)L; tocha_dist_finalize(); return 0; }
static int l_abort(lua_State *L) {
  tocha_dist_abort(luaL_optstring(L, 1, "aborting"), (int)luaL_optinteger(L, 2, 1));
  return 0;
}

static int l_allreduce(lua_State *L) {
  tocha_tensor *t = check_tensor(L, 1);
  check(L, tocha_dist_allreduce(t, luaL_optstring(L, 2, "sum")), "allreduce");
  lua_settop(L, 1);
  return 1;
}
static int l_reduce(lua_State *L) {
  tocha_tensor *t = check_tensor(L, 1);
  const char *op = luaL_optstring(L, 2, "sum");
  check(L, tocha_dist_reduce(t, op, (int)luaL_optinteger(L, 3, 0)), "reduce");
  lua_settop(L, 1);
  return 1;
}
static int l_broadcast(lua_State *L) {
  tocha_tensor *t = check_tensor(L, 1);
  check(L, tocha_dist_broadcast(t, (int)luaL_optinteger(L, 2, 0)), "broadcast");
  lua_settop(L, 1);
  return 1;
}
/* allgather(out, input) -> out */
static int l_allgather(lua_State *L) {
  tocha_tensor *out = check_tensor(L, 1), *in = check_tensor(L, 2);
  check(L, tocha_dist_allgather(out, in), "allgather");
  lua_settop(L, 1);
  return 1;
}

#define REQUEST "tocha.distributed.Request"
typedef struct { tocha_dist_request *req; } request_ud;

/* iallreduce(t, op) -> request; request:wait() -> t */
static int l_iallreduce(lua_State *L) {
  tocha_tensor *t = check_tensor(L, 1);
  const char *op = luaL_optstring(L, 2, "sum");
  request_ud *ud = lua_newuserdatauv(L, sizeof *ud, 1);
  ud->req = NULL;
  luaL_setmetatable(L, REQUEST);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1); /* keeps t alive until wait */
  check(L, tocha_dist_iallreduce(t, op, &ud->req), "iallreduce");
  return 1;
}
static int l_wait(lua_State *L) {
  request_ud *ud = luaL_checkudata(L, 1, REQUEST);
  tocha_dist_request *r = ud->req;
  ud->req = NULL;
  lua_getiuservalue(L, 1, 1);
  check(L, tocha_dist_wait(r), "wait");
  return 1;
}
static int l_request_gc(lua_State *L) {
  request_ud *ud = luaL_checkudata(L, 1, REQUEST);
  if (ud->req && tocha_dist_initialized()) tocha_dist_wait(ud->req);
  ud->req = NULL;
  return 0;
}

int luaopen_tocha_distributed_core(lua_State *L);
__attribute__((visibility("default"))) int luaopen_tocha_distributed_core(lua_State *L) {
  static const luaL_Reg fns[] = {{"init", l_init},           {"rank", l_rank},         {"size", l_size},
                                 {"initialized", l_initialized}, {"barrier", l_barrier},
                                 {"finalize", l_finalize},   {"abort", l_abort},       {"allreduce", l_allreduce},
                                 {"reduce", l_reduce},       {"broadcast", l_broadcast}, {"allgather", l_allgather},
                                 {"iallreduce", l_iallreduce}, {"wtime", l_wtime}, {NULL, NULL}};
  if (luaL_newmetatable(L, REQUEST)) {
    lua_pushcfunction(L, l_wait);
    lua_setfield(L, -2, "wait");
    lua_pushcfunction(L, l_request_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  luaL_newlib(L, fns);
  return 1;
}
