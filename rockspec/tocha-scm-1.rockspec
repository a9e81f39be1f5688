rockspec_format = "3.0"
package = "tocha"
version = "scm-1"
-- The project's repository. `bash .ci/pack` packs a source rock from any
-- checkout (it points this at the checkout); `luarocks pack tocha` packs the
-- installed binary rock.
source = {
  url = "git+file:///work/main",
  branch = "main",
}
description = {
  summary = "Torch-style tensors and neural networks for Lua 5.4, in C",
  detailed = [[
tocha gives Lua 5.4 C tensors (float32, float64, int64, uint8 views over
refcounted storage, BLAS-backed math) with Torch7's names and meanings,
Torch7's nn and optim, and the `tocha` command (a REPL, like Torch7's th).
Builds with CMake against OpenBLAS, LAPACKE and zlib (Debian:
libopenblas-dev liblapacke-dev zlib1g-dev).
]],
  homepage = "file:///work/main/README.md",
  license = "MIT",
  labels = { "torch", "tensor", "neural-networks", "deep-learning" },
}
dependencies = {
  "lua >= 5.4, < 5.5",
}
-- Checked by LuaRocks before the build; when one is missing it says which
-- (e.g. "Could not find library file for OPENBLAS"): install the Debian
-- package named in the comment, or pass OPENBLAS_DIR=... to luarocks.
external_dependencies = {
  OPENBLAS = { library = "openblas" }, -- libopenblas-dev
  LAPACKE = { library = "lapacke" },   -- liblapacke-dev
  ZLIB = { header = "zlib.h", library = "z" }, -- zlib1g-dev
}
-- cblas.h and cairo (libcairo2-dev, for tocha.plot) are found by
-- CMakeLists.txt (Debian keeps cblas.h in a multiarch
-- directory LuaRocks' header search does not look in), which stops with a
-- clear message when it is missing.
build = {
  type = "cmake",
  variables = {
    CMAKE_BUILD_TYPE = "Release",
    TOCHA_TESTS = "OFF",
    TOCHA_BENCH = "OFF",
    TOCHA_INSTALL_C_LIBRARY = "OFF",
    OPENBLAS_LIBDIR = "$(OPENBLAS_LIBDIR)",
    TOCHA_FUZZ = "OFF",
    LUA_INCDIR = "$(LUA_INCDIR)",
    LUA_LIBDIR = "$(LIBDIR)",
    LUADIR = "$(LUADIR)",
    CMAKE_INSTALL_PREFIX = "$(PREFIX)",
  },
  -- the `tocha` command (REPL and script runner, lua/tocha/repl.lua)
  install = {
    bin = { tocha = "bin/tocha" },
  },
}
-- `luarocks test` (from the checkout, after `luarocks make`): the busted
-- specs under lua5.4 against build.luarocks/ (see .busted). A "command" test
-- rather than type "busted", which insists on busted installed as a rock
-- and would fetch it from luarocks.org although Debian's lua-busted is there.
test = {
  type = "command",
  command = "busted --lua=lua5.4",
}
