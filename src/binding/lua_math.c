/*
 * Pointwise math, comparisons and the arithmetic operators of tensors.
 *
 * Torch7's calling conventions: every function takes its operands, with an
 * optional result tensor first.  As a method, x:f(operands) writes into x
 * and, when the operands do not start with a tensor, x is also the first
 * operand (x:add(2), x:exp()); as a function, tocha.f(operands) returns a
 * new tensor.  Comparisons always return a new ByteTensor unless given a
 * result (x:lt(2) is a mask, res:lt(x, 2) fills res).
 *
 * Each function is registered twice, as a closure with upvalues
 *   1: whether the method form works in place, 2: the core op, 3: the name.
 */
#include <math.h>
#include <string.h>

#include "binding.h"

#define MAX_ARGS 8

static int in_place(lua_State *L) { return lua_toboolean(L, lua_upvalueindex(1)); }
static int op_of(lua_State *L) { return (int)lua_tointeger(L, lua_upvalueindex(2)); }
static const char *name_of(lua_State *L) { return lua_tostring(L, lua_upvalueindex(3)); }

/* ---- argument forms -------------------------------------------------------- */

/* A form lists the operands: 't' a tensor, 'n' a number.  Forms with a
 * tensor also accept a result tensor in front. */
typedef struct call {
  int form;  /* index of the matched form */
  int res;   /* Lua index of the result tensor; 0: make a new one */
  int first; /* Lua index of the first operand */
} call;

static char arg_kind(lua_State *L, int i) {
  if (tl_totensor(L, i)) return 't';
  if (lua_type(L, i) == LUA_TNUMBER) return 'n';
  return '?';
}

static size_t common_prefix(const char *a, const char *b) {
  size_t n = 0;
  while (a[n] && a[n] == b[n]) n++;
  return n;
}

/* Raises the error for arguments that match no form: the first argument
 * where every form fails is the bad one. */
static void bad_arguments(lua_State *L, const char *sig, const char *const *forms) {
  size_t best = 0;
  int want_t = 0, want_n = 0;
  char cand[MAX_ARGS + 2];
  for (int pass = 0; pass < 2; pass++) {
    for (int k = 0; forms[k]; k++) {
      for (int with_res = 0; with_res < 2; with_res++) {
        if (with_res && !strchr(forms[k], 't')) continue;
        cand[0] = 't';
        strcpy(cand + with_res, forms[k]);
        size_t p = common_prefix(sig, cand);
        if (pass == 0) {
          if (p > best) best = p;
        } else if (p == best && cand[p]) {
          want_t |= cand[p] == 't';
          want_n |= cand[p] == 'n';
        }
      }
    }
  }
  int arg = (int)best + 1;
  if (!want_t && !want_n) {
    const char *given = luaL_getmetafield(L, arg, "__name") == LUA_TSTRING ? lua_tostring(L, -1)
                                                                           : luaL_typename(L, arg);
    luaL_argerror(L, arg, lua_pushfstring(L, "no argument expected here, got %s", given));
  }
  luaL_typeerror(L, arg, want_t && want_n ? "number or tensor" : want_t ? "tensor" : "number");
}

static call match(lua_State *L, const char *const *forms) {
  int top = lua_gettop(L);
  char sig[MAX_ARGS + 1];
  if (top > MAX_ARGS) luaL_argerror(L, MAX_ARGS + 1, "too many arguments");
  for (int i = 0; i < top; i++) sig[i] = arg_kind(L, i + 1);
  sig[top] = '\0';
  if (sig[0] == 't')
    for (int k = 0; forms[k]; k++)
      if (strchr(forms[k], 't') && strcmp(sig + 1, forms[k]) == 0) return (call){k, 1, 2};
  for (int k = 0; forms[k]; k++)
    if (strcmp(sig, forms[k]) == 0) return (call){k, in_place(L) ? 1 : 0, 1};
  bad_arguments(L, sig, forms);
  return (call){0, 0, 0};
}

/* Checks that the tensor operands share one type and that a given result
 * has it too (or is a ByteTensor when byte_result); returns the type. */
static tocha_dtype check_types(lua_State *L, call c, int byte_result) {
  int top = lua_gettop(L), ref = 0;
  for (int i = c.first; i <= top; i++) {
    tocha_tensor *t = tl_totensor(L, i);
    if (!t) continue;
    if (!ref) {
      ref = i;
    } else if (t->dtype != tl_totensor(L, ref)->dtype) {
      luaL_argerror(L, i, lua_pushfstring(L, "%s given where %s is expected (tensor types cannot be mixed)",
                                          tl_type_names[t->dtype], tl_type_names[tl_totensor(L, ref)->dtype]));
    }
  }
  tocha_dtype dtype = tl_totensor(L, ref)->dtype;
  if (c.res && c.res != c.first) {
    tocha_dtype rd = tl_totensor(L, c.res)->dtype;
    if (rd != dtype && !(byte_result && rd == TOCHA_BYTE)) {
      if (byte_result)
        luaL_argerror(L, c.res, lua_pushfstring(L, "result must be a tocha.ByteTensor or a %s, got %s",
                                                tl_type_names[dtype], tl_type_names[rd]));
      luaL_argerror(L, c.res, lua_pushfstring(L, "result must be a %s like the operands, got %s",
                                              tl_type_names[dtype], tl_type_names[rd]));
    }
  }
  return dtype;
}

/* Pushes the result tensor (the given one, or a new one of `dtype`). */
static tocha_tensor *push_result(lua_State *L, call c, tocha_dtype dtype) {
  if (c.res) {
    lua_pushvalue(L, c.res);
    return tl_totensor(L, c.res);
  }
  return tl_pushtensor(L, dtype);
}

/* Raises a core error at the Lua argument map[core position]. */
static void check(lua_State *L, tocha_status st, const int *map, int n) {
  if (st == TOCHA_OK) return;
  const tocha_error *e = tocha_last_error();
  int pos = e->arg >= 0 && e->arg < n ? map[e->arg] : 0;
  if (pos > 0) luaL_argerror(L, pos, e->message);
  luaL_error(L, "%s: %s", name_of(L), e->message);
}

#define CHECK(st, ...)                       \
  do {                                       \
    const int map_[] = {__VA_ARGS__};        \
    check(L, (st), map_, (int)(sizeof map_ / sizeof map_[0])); \
  } while (0)

static tocha_tensor *arg_tensor(lua_State *L, int i) { return (tocha_tensor *)lua_touserdata(L, i); }

/* ---- one input --------------------------------------------------------------- */

static double unary_number(tocha_unary_op op, double x) {
  switch (op) {
    case TOCHA_UNARY_ABS: return fabs(x);
    case TOCHA_UNARY_SIGN: return x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x;
    case TOCHA_UNARY_NEG: return -x;
    case TOCHA_UNARY_EXP: return exp(x);
    case TOCHA_UNARY_LOG: return log(x);
    case TOCHA_UNARY_LOG1P: return log1p(x);
    case TOCHA_UNARY_SQRT: return sqrt(x);
    case TOCHA_UNARY_RSQRT: return 1 / sqrt(x);
    case TOCHA_UNARY_SIGMOID: return 1 / (1 + exp(-x));
    case TOCHA_UNARY_TANH: return tanh(x);
    case TOCHA_UNARY_SIN: return sin(x);
    case TOCHA_UNARY_COS: return cos(x);
    case TOCHA_UNARY_TAN: return tan(x);
    case TOCHA_UNARY_ASIN: return asin(x);
    case TOCHA_UNARY_ACOS: return acos(x);
    case TOCHA_UNARY_ATAN: return atan(x);
    case TOCHA_UNARY_SINH: return sinh(x);
    case TOCHA_UNARY_COSH: return cosh(x);
    case TOCHA_UNARY_FLOOR: return floor(x);
    case TOCHA_UNARY_CEIL: return ceil(x);
    case TOCHA_UNARY_ROUND: return round(x);
    case TOCHA_UNARY_TRUNC: return trunc(x);
    case TOCHA_UNARY_FRAC: return x - trunc(x);
    case TOCHA_UNARY_CINV: return 1 / x;
    default: return NAN;
  }
}

/* f([res,] x); tocha.f(number) returns a number. */
static int l_unary(lua_State *L) {
  static const char *const forms[] = {"t", "n", NULL};
  call c = match(L, forms);
  tocha_unary_op op = (tocha_unary_op)op_of(L);
  if (c.form == 1) {
    lua_pushnumber(L, unary_number(op, lua_tonumber(L, 1)));
    return 1;
  }
  tocha_tensor *r = push_result(L, c, check_types(L, c, 0));
  CHECK(tocha_unary(r, arg_tensor(L, c.first), op), c.res, c.first, 0);
  return 1;
}

/* ---- two inputs ------------------------------------------------------------------ */

/* add and csub: f([res,] x, value), f([res,] x, y), f([res,] x, value, y). */
static int l_add(lua_State *L) {
  static const char *const forms[] = {"tn", "tt", "tnt", NULL};
  call c = match(L, forms);
  tocha_binary_op op = (tocha_binary_op)op_of(L);
  double sign = op == TOCHA_BINARY_SUB ? -1 : 1;
  tocha_tensor *r = push_result(L, c, check_types(L, c, 0));
  tocha_tensor *a = arg_tensor(L, c.first);
  int f = c.first;
  switch (c.form) {
    case 0: CHECK(tocha_binary_scalar(r, a, lua_tonumber(L, f + 1), op), c.res, f, f + 1); break;
    case 1: CHECK(tocha_add(r, a, sign, arg_tensor(L, f + 1)), c.res, f, 0, f + 1); break;
    default:
      CHECK(tocha_add(r, a, sign * lua_tonumber(L, f + 1), arg_tensor(L, f + 2)), c.res, f, f + 1, f + 2);
  }
  return 1;
}

/* mul, div, fmod, remainder: f([res,] x, value). */
static int l_scalar_op(lua_State *L) {
  static const char *const forms[] = {"tn", NULL};
  call c = match(L, forms);
  tocha_tensor *r = push_result(L, c, check_types(L, c, 0));
  CHECK(tocha_binary_scalar(r, arg_tensor(L, c.first), lua_tonumber(L, c.first + 1), (tocha_binary_op)op_of(L)),
        c.res, c.first, c.first + 1);
  return 1;
}

/* cmul, cdiv, cpow, cfmod, cremainder, atan2: f([res,] x, y); cmax and
 * cmin also take f([res,] x, value); atan2 also takes two numbers. */
static int tensor_op(lua_State *L, const char *const *forms) {
  call c = match(L, forms);
  tocha_binary_op op = (tocha_binary_op)op_of(L);
  if (forms[c.form][0] == 'n') {
    lua_pushnumber(L, atan2(lua_tonumber(L, 1), lua_tonumber(L, 2)));
    return 1;
  }
  tocha_tensor *r = push_result(L, c, check_types(L, c, 0));
  tocha_tensor *a = arg_tensor(L, c.first);
  if (forms[c.form][1] == 'n')
    CHECK(tocha_binary_scalar(r, a, lua_tonumber(L, c.first + 1), op), c.res, c.first, c.first + 1);
  else
    CHECK(tocha_binary(r, a, arg_tensor(L, c.first + 1), op), c.res, c.first, c.first + 1);
  return 1;
}

static int l_tensor_op(lua_State *L) {
  static const char *const forms[] = {"tt", NULL};
  return tensor_op(L, forms);
}

static int l_atan2(lua_State *L) {
  static const char *const forms[] = {"tt", "nn", NULL};
  return tensor_op(L, forms);
}

static int l_cmaxmin(lua_State *L) {
  static const char *const forms[] = {"tt", "tn", NULL};
  return tensor_op(L, forms);
}

/* pow([res,] x, n): x^n; pow([res,] n, x): n^x; pow(a, b) on numbers. */
static int l_pow(lua_State *L) {
  static const char *const forms[] = {"tn", "nt", "nn", NULL};
  call c = match(L, forms);
  if (c.form == 2) {
    lua_pushnumber(L, pow(lua_tonumber(L, 1), lua_tonumber(L, 2)));
    return 1;
  }
  tocha_tensor *r = push_result(L, c, check_types(L, c, 0));
  int f = c.first;
  if (c.form == 0)
    CHECK(tocha_binary_scalar(r, arg_tensor(L, f), lua_tonumber(L, f + 1), TOCHA_BINARY_POW), c.res, f, f + 1);
  else
    CHECK(tocha_scalar_binary(r, lua_tonumber(L, f), arg_tensor(L, f + 1), TOCHA_BINARY_POW), c.res, f, f + 1);
  return 1;
}

/* ---- three inputs ---------------------------------------------------------------- */

static int l_clamp(lua_State *L) {
  static const char *const forms[] = {"tnn", NULL};
  call c = match(L, forms);
  tocha_tensor *r = push_result(L, c, check_types(L, c, 0));
  int f = c.first;
  CHECK(tocha_clamp(r, arg_tensor(L, f), lua_tonumber(L, f + 1), lua_tonumber(L, f + 2)), c.res, f, f + 1, f + 2);
  return 1;
}

/* addcmul and addcdiv: f([res,] x, [value,] a, b). */
static int l_addc(lua_State *L) {
  static const char *const forms[] = {"ttt", "tntt", NULL};
  call c = match(L, forms);
  tocha_tensor *r = push_result(L, c, check_types(L, c, 0));
  int f = c.first, v = c.form == 1;
  double value = v ? lua_tonumber(L, f + 1) : 1;
  tocha_tensor *x = arg_tensor(L, f), *a = arg_tensor(L, f + 1 + v), *b = arg_tensor(L, f + 2 + v);
  tocha_status st = op_of(L) ? tocha_addcdiv(r, x, value, a, b) : tocha_addcmul(r, x, value, a, b);
  CHECK(st, c.res, f, v ? f + 1 : 0, f + 1 + v, f + 2 + v);
  return 1;
}

/* lerp([res,] a, b, weight): a + weight * (b - a); also on three numbers. */
static int l_lerp(lua_State *L) {
  static const char *const forms[] = {"ttn", "nnn", NULL};
  call c = match(L, forms);
  if (c.form == 1) {
    double a = lua_tonumber(L, 1), b = lua_tonumber(L, 2), w = lua_tonumber(L, 3);
    lua_pushnumber(L, a + w * (b - a));
    return 1;
  }
  tocha_tensor *r = push_result(L, c, check_types(L, c, 0));
  int f = c.first;
  CHECK(tocha_lerp(r, arg_tensor(L, f), arg_tensor(L, f + 1), lua_tonumber(L, f + 2)), c.res, f, f + 1, f + 2);
  return 1;
}

/* ---- comparisons ------------------------------------------------------------------- */

/* lt([res,] x, y) and friends: a new ByteTensor unless res is given (a
 * ByteTensor or a tensor of x's type). */
static int l_compare(lua_State *L) {
  static const char *const forms[] = {"tn", "tt", NULL};
  call c = match(L, forms);
  check_types(L, c, 1);
  tocha_tensor *r = push_result(L, c, TOCHA_BYTE);
  tocha_tensor *a = arg_tensor(L, c.first);
  tocha_compare_op op = (tocha_compare_op)op_of(L);
  if (c.form == 0)
    CHECK(tocha_compare_scalar(r, a, lua_tonumber(L, c.first + 1), op), c.res, c.first, c.first + 1);
  else
    CHECK(tocha_compare(r, a, arg_tensor(L, c.first + 1), op), c.res, c.first, c.first + 1);
  return 1;
}

/* ---- operators ------------------------------------------------------------------------ */

static void op_check(lua_State *L, const char *sym, tocha_status st) {
  if (st != TOCHA_OK) luaL_error(L, "operator '%s': %s", sym, tocha_last_error()->message);
}

/* Sorts the operands of a binary operator: *a and *b are the tensors
 * (NULL for a number, stored in *n); raises an error for anything else. */
static void op_operands(lua_State *L, const char *sym, tocha_tensor **a, tocha_tensor **b, lua_Number *n) {
  *a = tl_totensor(L, 1);
  *b = tl_totensor(L, 2);
  for (int i = 1; i <= 2; i++) {
    if (!(i == 1 ? *a : *b) && lua_type(L, i) != LUA_TNUMBER)
      luaL_error(L, "operator '%s': expected tensors or numbers, got %s", sym, luaL_typename(L, i));
  }
  if (*a && *b && (*a)->dtype != (*b)->dtype)
    luaL_error(L, "operator '%s': cannot mix a %s and a %s", sym, tl_type_names[(*a)->dtype],
               tl_type_names[(*b)->dtype]);
  *n = *a ? (*b ? 0 : lua_tonumber(L, 2)) : lua_tonumber(L, 1);
}

static int tensor_add(lua_State *L) {
  tocha_tensor *a, *b;
  lua_Number n;
  op_operands(L, "+", &a, &b, &n);
  tocha_tensor *t = a ? a : b;
  tocha_tensor *r = tl_pushtensor(L, t->dtype);
  op_check(L, "+", a && b ? tocha_add(r, a, 1, b) : tocha_binary_scalar(r, t, n, TOCHA_BINARY_ADD));
  return 1;
}

static int tensor_sub(lua_State *L) {
  tocha_tensor *a, *b;
  lua_Number n;
  op_operands(L, "-", &a, &b, &n);
  tocha_tensor *r = tl_pushtensor(L, (a ? a : b)->dtype);
  tocha_status st;
  if (a && b)
    st = tocha_binary(r, a, b, TOCHA_BINARY_SUB);
  else if (a)
    st = tocha_binary_scalar(r, a, n, TOCHA_BINARY_SUB);
  else
    st = tocha_scalar_binary(r, n, b, TOCHA_BINARY_SUB);
  op_check(L, "-", st);
  return 1;
}

static int tensor_unm(lua_State *L) {
  tocha_tensor *a = tl_checktensor(L, 1);
  tocha_tensor *r = tl_pushtensor(L, a->dtype);
  op_check(L, "-", tocha_unary(r, a, TOCHA_UNARY_NEG));
  return 1;
}

/* tensor * tensor: Torch7's dot (1D.1D), mv (2D*1D) or mm (2D*2D), found
 * among the tensor methods at run time. */
static int tensor_product(lua_State *L, const tocha_tensor *a, const tocha_tensor *b) {
  const char *method = NULL;
  if (a->ndim == 1 && b->ndim == 1) method = "dot";
  if (a->ndim == 2 && b->ndim == 1) method = "mv";
  if (a->ndim == 2 && b->ndim == 2) method = "mm";
  if (!method)
    return luaL_error(L,
                      "operator '*': cannot multiply a %dD tensor by a %dD tensor "
                      "(tensor * tensor is dot for 1D*1D, mv for 2D*1D and mm for 2D*2D)",
                      a->ndim, b->ndim);
  if (a->size[a->ndim - 1] != b->size[0]) {
    char sa[64], sb[64];
    tocha_tensor_shape_string(a, sa, sizeof sa);
    tocha_tensor_shape_string(b, sb, sizeof sb);
    return luaL_error(L, "operator '*': sizes %s and %s do not match for %s (%s)", sa, sb, method,
                      a->ndim == 1 ? "vectors of different lengths" : "columns of the first differ from rows of the second");
  }
  lua_settop(L, 2);
  lua_getfield(L, 1, method);
  if (!lua_isfunction(L, -1))
    return luaL_error(L, "operator '*': the tensor method '%s' it needs is not available", method);
  if (a->ndim == 1) {
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
    return 1;
  }
  tl_pushtensor(L, a->dtype); /* res:mv(a, b) / res:mm(a, b) fill res */
  lua_insert(L, 3);           /* a, b, res, method */
  lua_pushvalue(L, 3);
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_call(L, 3, 0);
  return 1;
}

static int tensor_mul(lua_State *L) {
  tocha_tensor *a, *b;
  lua_Number n;
  op_operands(L, "*", &a, &b, &n);
  if (a && b) return tensor_product(L, a, b);
  tocha_tensor *t = a ? a : b;
  tocha_tensor *r = tl_pushtensor(L, t->dtype);
  op_check(L, "*", tocha_binary_scalar(r, t, n, TOCHA_BINARY_MUL));
  return 1;
}

static int tensor_div(lua_State *L) {
  tocha_tensor *a, *b;
  lua_Number n;
  op_operands(L, "/", &a, &b, &n);
  if (!a)
    return luaL_error(L, "operator '/': a number cannot be divided by a tensor (only tensor / number is "
                         "defined; use x:cinv():mul(n))");
  if (b)
    return luaL_error(L, "operator '/': tensor / tensor is not defined (use tocha.cdiv for element-wise "
                         "division)");
  tocha_tensor *r = tl_pushtensor(L, a->dtype);
  op_check(L, "/", tocha_binary_scalar(r, a, n, TOCHA_BINARY_DIV));
  return 1;
}

/* ---- registration ---------------------------------------------------------------------- */

enum { NEW_RESULT = 0, IN_PLACE = 1 };

typedef struct math_reg {
  const char *name;
  lua_CFunction func;
  int op;
  int method_mode; /* IN_PLACE: x:f(...) writes x; NEW_RESULT: it returns a new tensor */
} math_reg;

static const math_reg math_functions[] = {
    {"add", l_add, TOCHA_BINARY_ADD, IN_PLACE},
    {"csub", l_add, TOCHA_BINARY_SUB, IN_PLACE},
    {"mul", l_scalar_op, TOCHA_BINARY_MUL, IN_PLACE},
    {"div", l_scalar_op, TOCHA_BINARY_DIV, IN_PLACE},
    {"fmod", l_scalar_op, TOCHA_BINARY_FMOD, IN_PLACE},
    {"mod", l_scalar_op, TOCHA_BINARY_FMOD, IN_PLACE},
    {"remainder", l_scalar_op, TOCHA_BINARY_REMAINDER, IN_PLACE},
    {"cmul", l_tensor_op, TOCHA_BINARY_MUL, IN_PLACE},
    {"cdiv", l_tensor_op, TOCHA_BINARY_DIV, IN_PLACE},
    {"cpow", l_tensor_op, TOCHA_BINARY_POW, IN_PLACE},
    {"cfmod", l_tensor_op, TOCHA_BINARY_FMOD, IN_PLACE},
    {"cmod", l_tensor_op, TOCHA_BINARY_FMOD, IN_PLACE},
    {"cremainder", l_tensor_op, TOCHA_BINARY_REMAINDER, IN_PLACE},
    {"atan2", l_atan2, TOCHA_BINARY_ATAN2, IN_PLACE},
    {"cmax", l_cmaxmin, TOCHA_BINARY_MAX, IN_PLACE},
    {"cmin", l_cmaxmin, TOCHA_BINARY_MIN, IN_PLACE},
    {"pow", l_pow, TOCHA_BINARY_POW, IN_PLACE},
    {"clamp", l_clamp, 0, IN_PLACE},
    {"addcmul", l_addc, 0, IN_PLACE},
    {"addcdiv", l_addc, 1, IN_PLACE},
    {"lerp", l_lerp, 0, IN_PLACE},
    {"lt", l_compare, TOCHA_CMP_LT, NEW_RESULT},
    {"le", l_compare, TOCHA_CMP_LE, NEW_RESULT},
    {"gt", l_compare, TOCHA_CMP_GT, NEW_RESULT},
    {"ge", l_compare, TOCHA_CMP_GE, NEW_RESULT},
    {"eq", l_compare, TOCHA_CMP_EQ, NEW_RESULT},
    {"ne", l_compare, TOCHA_CMP_NE, NEW_RESULT},
    {NULL, NULL, 0, 0}};

static void push_closure(lua_State *L, const char *name, lua_CFunction func, int op, int inplace) {
  lua_pushboolean(L, inplace);
  lua_pushinteger(L, op);
  lua_pushstring(L, name);
  lua_pushcclosure(L, func, 3);
}

static void register_one(lua_State *L, int module, int methods, const char *name, lua_CFunction func, int op,
                         int method_mode) {
  push_closure(L, name, func, op, method_mode == IN_PLACE);
  lua_setfield(L, methods, name);
  push_closure(L, name, func, op, 0);
  lua_setfield(L, module, name);
}

void tl_open_math(lua_State *L, int module, int methods) {
  for (const math_reg *r = math_functions; r->name; r++)
    register_one(L, module, methods, r->name, r->func, r->op, r->method_mode);
  for (int op = 0; op < TOCHA_UNARY_COUNT; op++)
    register_one(L, module, methods, tocha_unary_name((tocha_unary_op)op), l_unary, op, IN_PLACE);

  static const luaL_Reg operators[] = {{"__add", tensor_add}, {"__sub", tensor_sub}, {"__mul", tensor_mul},
                                       {"__div", tensor_div}, {"__unm", tensor_unm}, {NULL, NULL}};
  for (int d = 0; d < TOCHA_NTYPES; d++) {
    luaL_getmetatable(L, tl_type_names[d]);
    luaL_setfuncs(L, operators, 0);
    lua_pop(L, 1);
  }
}
