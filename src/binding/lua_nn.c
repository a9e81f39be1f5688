/*
 * The nn kernels for tocha.nn's Lua modules, in the private table
 * tocha._nn.  Every function takes the calling module (or criterion)
 * first, only to name it in error messages ("nn.ReLU: input must be a
 * tensor, got table"); the other arguments follow the C kernels, outputs
 * first.  Forward and backward functions return the tensor they wrote,
 * criterion forwards return the loss.
 */
#include <stdarg.h>

#include "binding.h"

/* The name of the module at index 1 ("nn.Linear"), for messages. */
static const char *who(lua_State *L) {
  if (luaL_getmetafield(L, 1, "__typename") == LUA_TSTRING) return lua_tostring(L, -1);
  if (lua_type(L, 1) == LUA_TSTRING) return lua_tostring(L, 1);
  return "nn";
}

/* Raises "<module>: <message>" (without a position, as the Lua modules do). */
static int nn_error(lua_State *L, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const char *msg = lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_pushfstring(L, "%s: %s", who(L), msg);
  return lua_error(L);
}

static void nn_check(lua_State *L, tocha_status st) {
  if (st == TOCHA_OK) return;
  nn_error(L, "%s", tocha_last_error()->message);
}

/* The tensor at `arg`, or an error "<module>: <what> must be a tensor". */
static tocha_tensor *nn_tensor(lua_State *L, int arg, const char *what) {
  tocha_tensor *t = tl_totensor(L, arg);
  if (!t) {
    const char *given = luaL_typename(L, arg);
    if (luaL_getmetafield(L, arg, "__typename") == LUA_TSTRING) given = lua_tostring(L, -1);
    nn_error(L, "%s must be a tensor, got %s", what, given);
  }
  return t;
}

static tocha_tensor *nn_opttensor(lua_State *L, int arg, const char *what) {
  return lua_isnoneornil(L, arg) ? NULL : nn_tensor(L, arg, what);
}

static int64_t nn_integer(lua_State *L, int arg, const char *what) {
  int isint;
  lua_Integer v = lua_tointegerx(L, arg, &isint);
  if (!isint) nn_error(L, "%s must be an integer, got %s", what, luaL_typename(L, arg));
  return (int64_t)v;
}

static double nn_number(lua_State *L, int arg, const char *what) {
  int isnum;
  lua_Number v = lua_tonumberx(L, arg, &isnum);
  if (!isnum) nn_error(L, "%s must be a number, got %s", what, luaL_typename(L, arg));
  return v;
}

/* ---- activations: f(self, output, input [, param]) / b(self, gradInput, gradOutput, ref [, param]) */

#define UNARY_FORWARD(name, kernel)                                     \
  static int l_##name##_forward(lua_State *L) {                         \
    tocha_tensor *out = nn_tensor(L, 2, "output");                      \
    tocha_tensor *in = nn_tensor(L, 3, "input");                        \
    nn_check(L, kernel(out, in));                                       \
    lua_settop(L, 2);                                                   \
    return 1;                                                           \
  }

#define UNARY_BACKWARD(name, kernel, ref)                               \
  static int l_##name##_backward(lua_State *L) {                        \
    tocha_tensor *gi = nn_tensor(L, 2, "gradInput");                    \
    tocha_tensor *go = nn_tensor(L, 3, "gradOutput");                   \
    tocha_tensor *r = nn_tensor(L, 4, ref);                             \
    nn_check(L, kernel(gi, go, r));                                     \
    lua_settop(L, 2);                                                   \
    return 1;                                                           \
  }

#define PARAM_FORWARD(name, kernel, pname)                              \
  static int l_##name##_forward(lua_State *L) {                         \
    tocha_tensor *out = nn_tensor(L, 2, "output");                      \
    tocha_tensor *in = nn_tensor(L, 3, "input");                        \
    double p = nn_number(L, 4, pname);                                  \
    nn_check(L, kernel(out, in, p));                                    \
    lua_settop(L, 2);                                                   \
    return 1;                                                           \
  }

#define PARAM_BACKWARD(name, kernel, ref, pname)                        \
  static int l_##name##_backward(lua_State *L) {                        \
    tocha_tensor *gi = nn_tensor(L, 2, "gradInput");                    \
    tocha_tensor *go = nn_tensor(L, 3, "gradOutput");                   \
    tocha_tensor *r = nn_tensor(L, 4, ref);                             \
    double p = nn_number(L, 5, pname);                                  \
    nn_check(L, kernel(gi, go, r, p));                                  \
    lua_settop(L, 2);                                                   \
    return 1;                                                           \
  }

UNARY_FORWARD(relu, tocha_nn_relu_forward)
UNARY_BACKWARD(relu, tocha_nn_relu_backward, "input")
PARAM_FORWARD(leaky_relu, tocha_nn_leaky_relu_forward, "negval")
PARAM_BACKWARD(leaky_relu, tocha_nn_leaky_relu_backward, "input", "negval")
PARAM_FORWARD(elu, tocha_nn_elu_forward, "alpha")
PARAM_BACKWARD(elu, tocha_nn_elu_backward, "output", "alpha")
UNARY_FORWARD(tanh, tocha_nn_tanh_forward)
UNARY_BACKWARD(tanh, tocha_nn_tanh_backward, "output")
UNARY_FORWARD(sigmoid, tocha_nn_sigmoid_forward)
UNARY_BACKWARD(sigmoid, tocha_nn_sigmoid_backward, "output")
UNARY_FORWARD(softmax, tocha_nn_softmax_forward)
UNARY_BACKWARD(softmax, tocha_nn_softmax_backward, "output")
UNARY_FORWARD(log_softmax, tocha_nn_log_softmax_forward)
UNARY_BACKWARD(log_softmax, tocha_nn_log_softmax_backward, "output")

/* ---- Linear ---------------------------------------------------------------- */

/* linear_forward(self, output, input, weight, bias|nil) -> output */
static int l_linear_forward(lua_State *L) {
  tocha_tensor *out = nn_tensor(L, 2, "output");
  tocha_tensor *in = nn_tensor(L, 3, "input");
  tocha_tensor *w = nn_tensor(L, 4, "weight"), *b = nn_opttensor(L, 5, "bias");
  nn_check(L, tocha_nn_linear_forward(out, in, w, b));
  lua_settop(L, 2);
  return 1;
}

/* linear_backward(self, gradInput, input, gradOutput, weight) -> gradInput */
static int l_linear_backward(lua_State *L) {
  tocha_tensor *gi = nn_tensor(L, 2, "gradInput");
  tocha_tensor *in = nn_tensor(L, 3, "input");
  tocha_tensor *go = nn_tensor(L, 4, "gradOutput");
  tocha_tensor *w = nn_tensor(L, 5, "weight");
  nn_check(L, tocha_nn_linear_backward(gi, in, go, w));
  lua_settop(L, 2);
  return 1;
}

/* linear_acc_grad(self, gradWeight, gradBias|nil, ones, input, gradOutput, scale) */
static int l_linear_acc_grad(lua_State *L) {
  tocha_tensor *gw = nn_tensor(L, 2, "gradWeight"), *gb = nn_opttensor(L, 3, "gradBias");
  tocha_tensor *ones = nn_tensor(L, 4, "addBuffer");
  tocha_tensor *in = nn_tensor(L, 5, "input");
  tocha_tensor *go = nn_tensor(L, 6, "gradOutput");
  double scale = nn_number(L, 7, "scale");
  nn_check(L, tocha_nn_linear_acc_grad_parameters(gw, gb, ones, in, go, scale));
  return 0;
}

/* ---- criterions ------------------------------------------------------------ */

/* class_nll_forward(self, input, target, weights|nil, sizeAverage, ignoreIndex) -> loss */
static int l_class_nll_forward(lua_State *L) {
  tocha_tensor *in = nn_tensor(L, 2, "input"), *target = nn_tensor(L, 3, "target");
  tocha_tensor *w = nn_opttensor(L, 4, "weights");
  int avg = lua_toboolean(L, 5);
  int64_t ignore = nn_integer(L, 6, "ignoreIndex");
  double loss = 0;
  nn_check(L, tocha_nn_class_nll_forward(&loss, in, target, w, avg, ignore));
  lua_pushnumber(L, loss);
  return 1;
}

/* class_nll_backward(self, gradInput, input, target, weights|nil, sizeAverage, ignoreIndex) -> gradInput */
static int l_class_nll_backward(lua_State *L) {
  tocha_tensor *gi = nn_tensor(L, 2, "gradInput");
  tocha_tensor *in = nn_tensor(L, 3, "input"), *target = nn_tensor(L, 4, "target");
  tocha_tensor *w = nn_opttensor(L, 5, "weights");
  int avg = lua_toboolean(L, 6);
  int64_t ignore = nn_integer(L, 7, "ignoreIndex");
  nn_check(L, tocha_nn_class_nll_backward(gi, in, target, w, avg, ignore));
  lua_settop(L, 2);
  return 1;
}

/* mse_forward(self, input, target, sizeAverage) -> loss */
static int l_mse_forward(lua_State *L) {
  tocha_tensor *in = nn_tensor(L, 2, "input"), *target = nn_tensor(L, 3, "target");
  double loss = 0;
  nn_check(L, tocha_nn_mse_forward(&loss, in, target, lua_toboolean(L, 4)));
  lua_pushnumber(L, loss);
  return 1;
}

/* mse_backward(self, gradInput, input, target, sizeAverage) -> gradInput */
static int l_mse_backward(lua_State *L) {
  tocha_tensor *gi = nn_tensor(L, 2, "gradInput");
  tocha_tensor *in = nn_tensor(L, 3, "input"), *target = nn_tensor(L, 4, "target");
  nn_check(L, tocha_nn_mse_backward(gi, in, target, lua_toboolean(L, 5)));
  lua_settop(L, 2);
  return 1;
}

/* bce_forward(self, input, target, weights|nil, sizeAverage) -> loss */
static int l_bce_forward(lua_State *L) {
  tocha_tensor *in = nn_tensor(L, 2, "input"), *target = nn_tensor(L, 3, "target");
  tocha_tensor *w = nn_opttensor(L, 4, "weights");
  double loss = 0;
  nn_check(L, tocha_nn_bce_forward(&loss, in, target, w, lua_toboolean(L, 5)));
  lua_pushnumber(L, loss);
  return 1;
}

/* bce_backward(self, gradInput, input, target, weights|nil, sizeAverage) -> gradInput */
static int l_bce_backward(lua_State *L) {
  tocha_tensor *gi = nn_tensor(L, 2, "gradInput");
  tocha_tensor *in = nn_tensor(L, 3, "input"), *target = nn_tensor(L, 4, "target");
  tocha_tensor *w = nn_opttensor(L, 5, "weights");
  nn_check(L, tocha_nn_bce_backward(gi, in, target, w, lua_toboolean(L, 6)));
  lua_settop(L, 2);
  return 1;
}

/* ---- optimizers -------------------------------------------------------------- */

/* sgd_update(name, x, dfdx, buffer|nil, lr, weightDecay, momentum, dampening, nesterov, fresh) */
static int l_sgd_update(lua_State *L) {
  tocha_tensor *x = nn_tensor(L, 2, "x"), *g = nn_tensor(L, 3, "dfdx"), *v = nn_opttensor(L, 4, "buffer");
  double lr = nn_number(L, 5, "learningRate"), wd = nn_number(L, 6, "weightDecay");
  double mom = nn_number(L, 7, "momentum"), damp = nn_number(L, 8, "dampening");
  nn_check(L, tocha_optim_sgd_update(x, g, v, lr, wd, mom, damp, lua_toboolean(L, 9), lua_toboolean(L, 10)));
  return 0;
}

static const luaL_Reg nn_functions[] = {
    {"relu_forward", l_relu_forward},
    {"relu_backward", l_relu_backward},
    {"leaky_relu_forward", l_leaky_relu_forward},
    {"leaky_relu_backward", l_leaky_relu_backward},
    {"elu_forward", l_elu_forward},
    {"elu_backward", l_elu_backward},
    {"tanh_forward", l_tanh_forward},
    {"tanh_backward", l_tanh_backward},
    {"sigmoid_forward", l_sigmoid_forward},
    {"sigmoid_backward", l_sigmoid_backward},
    {"softmax_forward", l_softmax_forward},
    {"softmax_backward", l_softmax_backward},
    {"log_softmax_forward", l_log_softmax_forward},
    {"log_softmax_backward", l_log_softmax_backward},
    {"linear_forward", l_linear_forward},
    {"linear_backward", l_linear_backward},
    {"linear_acc_grad", l_linear_acc_grad},
    {"class_nll_forward", l_class_nll_forward},
    {"class_nll_backward", l_class_nll_backward},
    {"mse_forward", l_mse_forward},
    {"mse_backward", l_mse_backward},
    {"bce_forward", l_bce_forward},
    {"bce_backward", l_bce_backward},
    {"sgd_update", l_sgd_update},
    {NULL, NULL}};

void tl_open_nn(lua_State *L, int module, int methods) {
  (void)methods;
  lua_newtable(L);
  luaL_setfuncs(L, nn_functions, 0);
  lua_setfield(L, module, "_nn");
}
