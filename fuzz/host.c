/* host.c: the Lua state the fuzz targets run tocha in (host.h). */
#include "host.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int luaopen_tocha_core(lua_State *L);

/* Allocations beyond this return NULL (an error in tocha, not an abort):
 * the edge sizes the targets try must fail cleanly, and fast. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
  return "allocator_may_return_null=1:max_allocation_size_mb=64:detect_leaks=1";
}
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void) { return "print_stacktrace=1:halt_on_error=1"; }

lua_State *fuzz_lua_new(lua_Alloc f, void *ud, const char *module) {
  lua_State *L = f ? lua_newstate(f, ud) : luaL_newstate();
  if (!L) abort();
  luaL_openlibs(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_tocha_core);
  lua_setfield(L, -2, "tocha.core");
  lua_pop(L, 1);
  lua_getglobal(L, "package");
  lua_pushstring(L, TOCHA_FUZZ_LUA_DIR "/?.lua;" TOCHA_FUZZ_LUA_DIR "/?/init.lua;" TOCHA_FUZZ_DIR "/?.lua");
  lua_setfield(L, -2, "path");
  lua_pushstring(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pop(L, 1);
  if (module) {
    lua_getglobal(L, "require");
    lua_pushstring(L, module);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
      fprintf(stderr, "fuzz: require '%s' failed: %s\n", module, lua_tostring(L, -1));
      abort();
    }
  }
  return L;
}

long long fuzz_lua_call(lua_State *L, const char *s, size_t n, int fatal) {
  lua_pushvalue(L, -1);
  lua_pushlstring(L, s, n);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    if (fatal) {
      fprintf(stderr, "fuzz: %s\n", lua_tostring(L, -1));
      abort();
    }
    lua_pop(L, 1);
    return -1;
  }
  long long r = (long long)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return r;
}

/* libFuzzer reads the counters in this section as coverage. */
#define LINE_COUNTERS (1 << 16)
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t line_counters[LINE_COUNTERS];

static void line_hook(lua_State *L, lua_Debug *ar) {
  if (!lua_getinfo(L, "S", ar)) return;
  /* A source string is interned, so its address names the chunk. */
  uintptr_t h = (uintptr_t)ar->source * 0x9E3779B97F4A7C15u ^ (uintptr_t)ar->currentline * 0xC2B2AE3D27D4EB4Fu;
  uint8_t *c = &line_counters[(h >> 20) % LINE_COUNTERS];
  if (*c < 255) (*c)++;
}

void fuzz_lua_coverage(lua_State *L) { lua_sethook(L, line_hook, LUA_MASKLINE, 0); }
