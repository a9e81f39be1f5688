/* allocfail: the allocation-failure test (issue 13, point 3).
 *
 * A Lua host whose allocations fail on demand: Lua's own (through the
 * lua_Alloc given to lua_newstate) and tocha's (the core and the binding
 * are linked with -Wl,--wrap=malloc,... so their malloc, calloc, realloc
 * and aligned_alloc come here).  fuzz/allocfail.lua drives it through the
 * module `allocfail`:
 *
 *   ok, err, n, failed = allocfail.run(f, k, sticky)
 *
 * calls f() with the k-th allocation from now failing (and, when sticky,
 * every one after it too), then turns failures off; n is the number of
 * allocations f asked for, failed how many were refused.  Built with ASan,
 * whose LeakSanitizer checks at exit that nothing leaked.
 *
 *   tocha_allocfail fuzz/allocfail.lua
 */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t m, size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t m, size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t a, size_t n);
int luaopen_tocha_core(lua_State *L);

static atomic_llong count, failed;
static long long fail_at = -1; /* < 0: never */
static int sticky;

static int refuse(void) {
  if (fail_at < 0) return 0;
  long long c = ++count;
  if (c == fail_at || (sticky && c > fail_at)) {
    ++failed;
    return 1;
  }
  return 0;
}

void *__wrap_malloc(size_t n) { return refuse() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t m, size_t n) { return refuse() ? NULL : __real_calloc(m, n); }
void *__wrap_realloc(void *p, size_t n) { return n > 0 && refuse() ? NULL : __real_realloc(p, n); }
void *__wrap_aligned_alloc(size_t a, size_t n) { return refuse() ? NULL : __real_aligned_alloc(a, n); }

/* Lua's allocator: shrinking must not fail (the manual says so). */
static void *lua_alloc(void *ud, void *p, size_t osize, size_t nsize) {
  (void)ud;
  if (nsize == 0) {
    free(p);
    return NULL;
  }
  if ((p == NULL || nsize > osize) && refuse()) return NULL;
  return __real_realloc(p, nsize);
}

static int l_run(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  long long k = (long long)luaL_checkinteger(L, 2);
  int s = lua_toboolean(L, 3);
  lua_settop(L, 1);
  count = 0;
  failed = 0;
  sticky = s;
  fail_at = k;
  int st = lua_pcall(L, 0, 0, 0);
  fail_at = -1;
  lua_pushboolean(L, st == LUA_OK);
  if (st == LUA_OK) lua_pushnil(L);
  else lua_insert(L, -2);
  lua_pushinteger(L, (lua_Integer)count);
  lua_pushinteger(L, (lua_Integer)failed);
  return 4;
}

static int open_allocfail(lua_State *L) {
  lua_newtable(L);
  lua_pushcfunction(L, l_run);
  lua_setfield(L, -2, "run");
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s script.lua\n", argv[0]);
    return 2;
  }
  lua_State *L = lua_newstate(lua_alloc, NULL);
  if (!L) return 1;
  luaL_openlibs(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_tocha_core);
  lua_setfield(L, -2, "tocha.core");
  lua_pushcfunction(L, open_allocfail);
  lua_setfield(L, -2, "allocfail");
  lua_pop(L, 1);
  lua_getglobal(L, "package");
  lua_pushstring(L, TOCHA_LUA_DIR "/?.lua;" TOCHA_LUA_DIR "/?/init.lua");
  lua_setfield(L, -2, "path");
  lua_pushstring(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pop(L, 1);
  int st = luaL_dofile(L, argv[1]);
  if (st != LUA_OK) fprintf(stderr, "allocfail: %s\n", lua_tostring(L, -1));
  lua_close(L);
  return st == LUA_OK ? 0 : 1;
}
