/* host.h: what the fuzz targets share: a Lua state with tocha loaded from
 * the instrumented, statically linked module, and the sanitizer defaults. */
#ifndef TOCHA_FUZZ_HOST_H
#define TOCHA_FUZZ_HOST_H

#include <lua.h>
#include <stddef.h>

/* A new Lua state (allocator f, or Lua's default when NULL) with the
 * standard libraries, tocha.core preloaded and package.path on the
 * checkout's lua/ and fuzz/; then `require(module)` left on the stack when
 * module is not NULL.  Aborts on failure: the harness itself is broken. */
lua_State *fuzz_lua_new(lua_Alloc f, void *ud, const char *module);

/* Calls the function at the top of the stack with a string argument (the
 * input) and returns its integer result (popped); an error in the call
 * aborts with its message when fatal is set, else returns -1. */
long long fuzz_lua_call(lua_State *L, const char *s, size_t n, int fatal);

/* Feeds the lines of Lua code that run to libFuzzer as coverage (extra
 * counters), so that readers written in Lua (tocha.load's) are explored as
 * C code is.  A line hook: slower, fuzz_load's only. */
void fuzz_lua_coverage(lua_State *L);

#endif
