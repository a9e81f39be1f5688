/*
 * tocha.cpu: loaded before tocha.core, and deliberately not linked with
 * OpenBLAS.  OpenBLAS picks its kernels once, when it is loaded; versions
 * that do not know a recent CPU fall back to generic SSE3 ("Prescott")
 * kernels, three to four times slower than the AVX-512 or AVX2 ones the
 * CPU runs fine.  When the user has not chosen (OPENBLAS_CORETYPE unset),
 * this module names the kernel family the CPU supports, so that the
 * OpenBLAS that tocha.core then loads uses it.  It also starts OpenBLAS
 * with one thread (quiet_blas_threads).
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

/* The OpenBLAS core type matching this CPU's vector extensions, or NULL. */
static const char *suggested_coretype(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return NULL;
}

/* tocha.cpu.choose_blas_kernels() -> the core type set, or nil and why not */
static int choose_blas_kernels(lua_State *L) {
  const char *current = getenv("OPENBLAS_CORETYPE");
  if (current && *current) {
    lua_pushnil(L);
    lua_pushfstring(L, "OPENBLAS_CORETYPE is already set to %s", current);
    return 2;
  }
  const char *opt_out = getenv("TOCHA_BLAS_CORETYPE");
  if (opt_out && strcmp(opt_out, "auto") != 0) {
    if (strcmp(opt_out, "default") == 0) {
      lua_pushnil(L);
      lua_pushliteral(L, "TOCHA_BLAS_CORETYPE=default leaves the choice to OpenBLAS");
      return 2;
    }
    setenv("OPENBLAS_CORETYPE", opt_out, 1);
    lua_pushstring(L, opt_out);
    return 1;
  }
  const char *coretype = suggested_coretype();
  if (!coretype) {
    lua_pushnil(L);
    lua_pushliteral(L, "no AVX2 or AVX-512 on this CPU");
    return 2;
  }
  setenv("OPENBLAS_CORETYPE", coretype, 1);
  lua_pushstring(L, coretype);
  return 1;
}

/* tocha.cpu.quiet_blas_threads() -> true when it set OPENBLAS_NUM_THREADS=1.
 * tocha keeps OpenBLAS at one thread and runs its own (src/core/threads.h);
 * OpenBLAS started with more would still make its idle workers poll the
 * cores for 0.1 s after it loads.  A value the user set is left alone. */
static int quiet_blas_threads(lua_State *L) {
  const char *current = getenv("OPENBLAS_NUM_THREADS");
  int set = !(current && *current);
  if (set) setenv("OPENBLAS_NUM_THREADS", "1", 1);
  lua_pushboolean(L, set);
  return 1;
}

#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
int luaopen_tocha_cpu(lua_State *L);

int luaopen_tocha_cpu(lua_State *L) {
  lua_newtable(L);
  lua_pushcfunction(L, choose_blas_kernels);
  lua_setfield(L, -2, "choose_blas_kernels");
  lua_pushcfunction(L, quiet_blas_threads);
  lua_setfield(L, -2, "quiet_blas_threads");
  return 1;
}
