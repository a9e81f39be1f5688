/*
 * Linear algebra on LAPACK (src/tocha_lapack.h), with Torch7's forms: the
 * result tensors come first when given, then the inputs, then the options
 * (single-character strings, Torch7's defaults):
 *
 *   torch.gesv([rb, ra,] b, a)                      -> rb, ra
 *   torch.trtrs([rb, ra,] b, a [, uplo, trans, diag]) -> rb, ra
 *   torch.gels([rb, ra,] b, a)                      -> rb, ra
 *   torch.inverse([res,] a)                         -> res
 *   torch.potrf([res,] a [, uplo])                  -> res
 *   torch.potrs([res,] b, chol [, uplo])            -> res
 *   torch.potri([res,] chol [, uplo])               -> res
 *   torch.pstrf([res, piv,] a [, uplo [, tol]])     -> res, piv (1-based, Long)
 *   torch.qr([q, r,] a)                             -> q, r
 *   torch.geqrf([m, tau,] a)                        -> m, tau
 *   torch.orgqr([q,] m, tau)                        -> q
 *   torch.ormqr([res,] m, tau, c [, side, trans])   -> res
 *   torch.svd([u, s, v,] a [, jobu]) (= gesvd)      -> u, s, v
 *   torch.eig([e, v,] a [, job])                    -> e, v
 *   torch.symeig([e, v,] a [, job, uplo])           -> e, v
 *
 * The same functions are methods (x:potrf() is torch.potrf(x)).
 */
#include <string.h>

#include "binding.h"

typedef struct largs {
  int top;    /* the arguments' count */
  int nres, nin;
  int res[3]; /* stack positions of the results (given, or pushed new) */
  int in[3];  /* stack positions of the inputs */
  int given;  /* 1 when the results were passed */
  int next;   /* first position after the inputs */
  int opt[3]; /* positions of the options given, 0 for defaults */
} largs;

/* Finds results and inputs; pushes new result tensors when none were given
 * (of the last input's type, or Long for the result numbered `long_res`). */
static void parse(lua_State *L, largs *p, int nres, int nin, int long_res) {
  int t = 0;
  p->top = lua_gettop(L);
  while (t < p->top && tl_totensor(L, t + 1)) t++;
  p->nres = nres;
  p->nin = nin;
  p->given = t >= nres + nin;
  if (!p->given && t != nin) {
    if (t < nin) tl_checktensor(L, t + 1); /* raises: a tensor expected there */
    luaL_error(L, "expected %d input tensors, or %d result tensors followed by them, got %d tensors", nin,
               nres, t);
  }
  int first_in = p->given ? nres + 1 : 1;
  for (int i = 0; i < nin; i++) p->in[i] = first_in + i;
  p->next = first_in + nin;
  tocha_dtype dt = ((tocha_tensor *)lua_touserdata(L, p->in[nin - 1]))->dtype;
  for (int i = 0; i < nres; i++) {
    if (p->given) {
      p->res[i] = i + 1;
    } else {
      tl_pushtensor(L, i == long_res ? TOCHA_LONG : dt);
      p->res[i] = lua_gettop(L);
    }
  }
  for (int i = 0; i < 3; i++) p->opt[i] = 0;
}

static tocha_tensor *res(lua_State *L, const largs *p, int i) { return (tocha_tensor *)lua_touserdata(L, p->res[i]); }
static const tocha_tensor *in(lua_State *L, const largs *p, int i) {
  return (const tocha_tensor *)lua_touserdata(L, p->in[i]);
}

/* The option number `k` (0-based) after the inputs: one character, or `def`
 * when absent or nil. */
static char option(lua_State *L, largs *p, int k, char def) {
  int pos = p->next + k;
  if (pos > p->top || lua_isnil(L, pos)) return def;
  size_t len;
  const char *s = luaL_checklstring(L, pos, &len);
  if (len != 1)
    luaL_argerror(L, pos, lua_pushfstring(L, "expected a one-character option such as '%c', got '%s'", def, s));
  p->opt[k] = pos;
  return s[0];
}

/* Nothing after the inputs and `nopt` options. */
static void no_more(lua_State *L, const largs *p, int nopt) {
  if (p->top >= p->next + nopt) luaL_argerror(L, p->next + nopt, "no further arguments expected");
}

/* Raises the core's error: positions 1..nin are the inputs, then the options. */
static void check(lua_State *L, tocha_status st, const largs *p) {
  if (st == TOCHA_OK) return;
  const tocha_error *e = tocha_last_error();
  int pos = 0;
  if (e->arg == 0 && p->given) pos = 1;
  if (e->arg >= 1 && e->arg <= p->nin) pos = p->in[e->arg - 1];
  if (e->arg > p->nin && e->arg <= p->nin + 3) pos = p->opt[e->arg - p->nin - 1];
  if (pos > 0) luaL_argerror(L, pos, e->message);
  luaL_error(L, "%s", e->message);
}

static int results(lua_State *L, const largs *p) {
  for (int i = 0; i < p->nres; i++) lua_pushvalue(L, p->res[i]);
  return p->nres;
}

/* ---- the functions ---------------------------------------------------------- */

static int l_gesv(lua_State *L) {
  largs p;
  parse(L, &p, 2, 2, -1);
  no_more(L, &p, 0);
  check(L, tocha_gesv(res(L, &p, 0), res(L, &p, 1), in(L, &p, 0), in(L, &p, 1)), &p);
  return results(L, &p);
}

static int l_trtrs(lua_State *L) {
  largs p;
  parse(L, &p, 2, 2, -1);
  char uplo = option(L, &p, 0, 'U'), trans = option(L, &p, 1, 'N'), diag = option(L, &p, 2, 'N');
  no_more(L, &p, 3);
  check(L, tocha_trtrs(res(L, &p, 0), res(L, &p, 1), in(L, &p, 0), in(L, &p, 1), uplo, trans, diag), &p);
  return results(L, &p);
}

static int l_gels(lua_State *L) {
  largs p;
  parse(L, &p, 2, 2, -1);
  no_more(L, &p, 0);
  check(L, tocha_gels(res(L, &p, 0), res(L, &p, 1), in(L, &p, 0), in(L, &p, 1)), &p);
  return results(L, &p);
}

static int l_inverse(lua_State *L) {
  largs p;
  parse(L, &p, 1, 1, -1);
  no_more(L, &p, 0);
  check(L, tocha_inverse(res(L, &p, 0), in(L, &p, 0)), &p);
  return results(L, &p);
}

static int l_potrf(lua_State *L) {
  largs p;
  parse(L, &p, 1, 1, -1);
  char uplo = option(L, &p, 0, 'U');
  no_more(L, &p, 1);
  check(L, tocha_potrf(res(L, &p, 0), in(L, &p, 0), uplo), &p);
  return results(L, &p);
}

static int l_potrs(lua_State *L) {
  largs p;
  parse(L, &p, 1, 2, -1);
  char uplo = option(L, &p, 0, 'U');
  no_more(L, &p, 1);
  check(L, tocha_potrs(res(L, &p, 0), in(L, &p, 0), in(L, &p, 1), uplo), &p);
  return results(L, &p);
}

static int l_potri(lua_State *L) {
  largs p;
  parse(L, &p, 1, 1, -1);
  char uplo = option(L, &p, 0, 'U');
  no_more(L, &p, 1);
  check(L, tocha_potri(res(L, &p, 0), in(L, &p, 0), uplo), &p);
  return results(L, &p);
}

static int l_pstrf(lua_State *L) {
  largs p;
  parse(L, &p, 2, 1, 1);
  char uplo = option(L, &p, 0, 'U');
  int tolpos = p.next + 1;
  double tol = -1;
  if (tolpos <= p.top && !lua_isnil(L, tolpos)) {
    tol = luaL_checknumber(L, tolpos);
    p.opt[1] = tolpos;
  }
  no_more(L, &p, 2);
  tocha_tensor *piv = res(L, &p, 1);
  check(L, tocha_pstrf(res(L, &p, 0), piv, in(L, &p, 0), uplo, tol), &p);
  if (piv->ndim > 0) tl_check(L, tocha_binary_scalar(piv, piv, 1, TOCHA_BINARY_ADD), 0);
  return results(L, &p);
}

static int l_qr(lua_State *L) {
  largs p;
  parse(L, &p, 2, 1, -1);
  no_more(L, &p, 0);
  check(L, tocha_qr(res(L, &p, 0), res(L, &p, 1), in(L, &p, 0)), &p);
  return results(L, &p);
}

static int l_geqrf(lua_State *L) {
  largs p;
  parse(L, &p, 2, 1, -1);
  no_more(L, &p, 0);
  check(L, tocha_geqrf(res(L, &p, 0), res(L, &p, 1), in(L, &p, 0)), &p);
  return results(L, &p);
}

static int l_orgqr(lua_State *L) {
  largs p;
  parse(L, &p, 1, 2, -1);
  no_more(L, &p, 0);
  check(L, tocha_orgqr(res(L, &p, 0), in(L, &p, 0), in(L, &p, 1)), &p);
  return results(L, &p);
}

static int l_ormqr(lua_State *L) {
  largs p;
  parse(L, &p, 1, 3, -1);
  char side = option(L, &p, 0, 'L'), trans = option(L, &p, 1, 'N');
  no_more(L, &p, 2);
  check(L, tocha_ormqr(res(L, &p, 0), in(L, &p, 0), in(L, &p, 1), in(L, &p, 2), side, trans), &p);
  return results(L, &p);
}

static int l_svd(lua_State *L) {
  largs p;
  parse(L, &p, 3, 1, -1);
  char jobu = option(L, &p, 0, 'S');
  no_more(L, &p, 1);
  check(L, tocha_svd(res(L, &p, 0), res(L, &p, 1), res(L, &p, 2), in(L, &p, 0), jobu), &p);
  return results(L, &p);
}

static int l_eig(lua_State *L) {
  largs p;
  parse(L, &p, 2, 1, -1);
  char job = option(L, &p, 0, 'N');
  no_more(L, &p, 1);
  check(L, tocha_eig(res(L, &p, 0), res(L, &p, 1), in(L, &p, 0), job), &p);
  return results(L, &p);
}

static int l_symeig(lua_State *L) {
  largs p;
  parse(L, &p, 2, 1, -1);
  char job = option(L, &p, 0, 'N'), uplo = option(L, &p, 1, 'U');
  no_more(L, &p, 2);
  check(L, tocha_symeig(res(L, &p, 0), res(L, &p, 1), in(L, &p, 0), job, uplo), &p);
  return results(L, &p);
}

static const luaL_Reg funcs[] = {{"gesv", l_gesv},   {"trtrs", l_trtrs},   {"gels", l_gels},     {"inverse", l_inverse},
                                 {"potrf", l_potrf}, {"potrs", l_potrs},   {"potri", l_potri},   {"pstrf", l_pstrf},
                                 {"qr", l_qr},       {"geqrf", l_geqrf},   {"orgqr", l_orgqr},   {"ormqr", l_ormqr},
                                 {"svd", l_svd},     {"gesvd", l_svd},     {"eig", l_eig},       {"symeig", l_symeig},
                                 {NULL, NULL}};

void tl_open_lapack(lua_State *L, int module, int methods) { tl_register(L, module, methods, funcs); }
