/*
 * binding.h: shared helpers of the Lua binding, the only C in tocha that
 * includes lua.h.  Each lua_*.c file registers its functions through one
 * tl_open_* entry point called from luaopen_tocha_core.
 */
#ifndef TOCHA_BINDING_H
#define TOCHA_BINDING_H

#include <lauxlib.h>
#include <lua.h>

#include "../tocha.h"

/* Registry names of the four tensor metatables, indexed by tocha_dtype. */
extern const char *const tl_type_names[TOCHA_NTYPES];
#define TL_SIZE_CLASS "tocha.LongStorage"
#define TL_GENERATOR_CLASS "tocha.Generator"

/* The tensor at `arg`, or NULL when it is not a tensor. */
tocha_tensor *tl_totensor(lua_State *L, int arg);
/* The tensor at `arg`, or a Lua error naming what was given. */
tocha_tensor *tl_checktensor(lua_State *L, int arg);
/* A tensor of element type `dtype` only (e.g. a ByteTensor mask). */
tocha_tensor *tl_checktensortype(lua_State *L, int arg, tocha_dtype dtype);
/* Pushes a new empty tensor; it is owned by Lua from the start, so an
 * error raised afterwards cannot leak what is later stored in it. */
tocha_tensor *tl_pushtensor(lua_State *L, tocha_dtype dtype);
/* Pushes a view sharing `src`'s storage and geometry. */
tocha_tensor *tl_pushview(lua_State *L, const tocha_tensor *src);

/* Raises the core's last error when st != TOCHA_OK.  Core argument
 * positions are shifted by `argshift` to give Lua argument numbers. */
void tl_check(lua_State *L, tocha_status st, int argshift);

/* Integers from Lua, everywhere one is expected (index, size, dimension,
 * count, seed, ...): an integer or a float with an integral value (2.0, as
 * Torch7 code passes them), exactly as luaL_checkinteger takes numbers.
 * luaL_checkinteger / luaL_optinteger already follow this rule; where a
 * number is read without them (table entries, t[i]), use tl_tointeger:
 * 1 and *out when the value at `idx` is such a number (not a string), else 0. */
int tl_tointeger(lua_State *L, int idx, lua_Integer *out);
/* 1 once tocha.compat is loaded: names then read "torch.FloatTensor". */
int tl_torch_names(lua_State *L);
/* A Lua dimension (1-based, negative from the end) as a 0-based one. */
int tl_checkdim(lua_State *L, const tocha_tensor *t, int arg);
/* A Lua index into a dimension of `size` (1-based, negative from the end),
 * as a 0-based one; `dim` (0-based) only serves the message. */
int64_t tl_checkindex(lua_State *L, int arg, int64_t size, int dim);
/* Sizes given either as numbers at first..last or as one size table
 * (tocha.LongStorage or plain list) at `first`; returns ndim. */
int tl_checksizes(lua_State *L, int first, int last, int64_t *sizes);
/* Pushes a tocha.LongStorage (a Lua list of integers with a metatable). */
void tl_pushsizes(lua_State *L, int n, const int64_t *values);
/* A Lua number for storing into a tensor of `dtype`: integers only (and
 * 0..255) for Long and Byte tensors, else a clear argument error. */
double tl_checkvalue(lua_State *L, int arg, tocha_dtype dtype);
/* Pushes element `off` (from the storage start) of t as a Lua number. */
void tl_pushelement(lua_State *L, const tocha_tensor *t, int64_t off);

tocha_dtype tl_default_dtype(lua_State *L);
/* The generator at `arg` if it is one, else the default generator. */
struct tocha_rng *tl_optgenerator(lua_State *L, int arg, int *consumed);

/* The registry fields of the method and module tables during opening. */
/* For the nn kernels' bindings (lua_spatial.c), whose first argument is the
 * calling module: an error "<module's __typename>: <message>"; a raise on
 * a failed status; argument `arg` as a tensor (opt: nil gives NULL),
 * naming it `what`; the module's integer field `name` (dflt < 0: required). */
int tl_module_error(lua_State *L, const char *fmt, ...);
void tl_module_check(lua_State *L, tocha_status st);
tocha_tensor *tl_module_tensor(lua_State *L, int arg, const char *what);
tocha_tensor *tl_module_opttensor(lua_State *L, int arg, const char *what);
int64_t tl_module_integer(lua_State *L, const char *name, int64_t dflt);

void tl_open_tensor(lua_State *L, int module, int methods);
void tl_open_math(lua_State *L, int module, int methods);
void tl_open_random(lua_State *L, int module, int methods);
void tl_open_linalg(lua_State *L, int module, int methods);
void tl_open_reduce(lua_State *L, int module, int methods);
void tl_open_index(lua_State *L, int module, int methods);
void tl_open_storage(lua_State *L, int module, int methods);
void tl_open_dropout(lua_State *L, int module, int methods);
void tl_open_nn(lua_State *L, int module, int methods);
void tl_open_serialize(lua_State *L, int module, int methods);
void tl_open_data(lua_State *L, int module, int methods);
void tl_open_plot(lua_State *L, int module, int methods);
void tl_open_t7(lua_State *L, int module, int methods);
void tl_open_tensorlib(lua_State *L, int module, int methods);
void tl_open_spatial(lua_State *L, int module, int methods);
void tl_open_convnd(lua_State *L, int module, int methods);
void tl_open_clock(lua_State *L, int module, int methods);
void tl_open_lapack(lua_State *L, int module, int methods);
void tl_open_conv(lua_State *L, int module, int methods);
void tl_open_sampling(lua_State *L, int module, int methods);

/* Registers `funcs` into the method table (when methods != 0) and the
 * module table (when module != 0). */
void tl_register(lua_State *L, int module, int methods, const luaL_Reg *funcs);

#endif
