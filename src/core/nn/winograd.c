/*
 * Convolution with step 1 by Winograd's minimal filtering F(2x2, kHxkW)
 * (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks",
 * 2016), float32, for kernels of 2 to 5 on a side.  Each 2x2 block of
 * output comes from an nH x nW input tile (nH = kH + 1, nW = kW + 1):
 *
 *   Y = A_H^T [ (G_H g G_W^T) (.) (B_H^T d B_W) ] A_W
 *
 * so a channel pair costs nH*nW products per block where im2col + GEMM
 * does 4*kH*kW: 36 against 100 for a 5x5 kernel.  Over a batch, the
 * products at one tile position xi (of nH*nW) are a GEMM over the tiles:
 *   forward     M_xi (nOut, P)  = U_xi (nOut, nIn) V_xi (nIn, P)
 *   gradInput   the forward of gradOutput with the kernel flipped and its
 *               planes swapped, padded by k - 1 - pad
 *   gradWeight  dU_xi (nOut, nIn) += Yh_xi (nOut, P) V_xi^T (P, nIn),
 *               Yh = A_H dY A_W^T, then dW = G_H^T dU G_W
 * with U the transformed kernels, V the transformed input tiles and P the
 * tiles.  The planes are first packed in blocks of WG_LANES, zero-padded
 * (n, planes/16, rows, cols, 16), so that the transforms work on one
 * vector of 16 planes per tile element with no bounds to check; V and M
 * keep the planes innermost, (P, planes) per position.  The tiles go in
 * chunks of WG_CHUNK, so that a chunk's V and M stay in the cache between
 * the transforms and their GEMMs; chunks are split over tocha's pool,
 * each thread with its own slot of the workspace (and its own dU, added in
 * slot order).
 *
 * The matrices are built for any kernel size from the points 0, 1, -1,
 * 2, -2 and infinity (Toom-Cook), in double, then rounded to float:
 *   A^T[i][j] = a_j^i, G[j][k] = a_j^k / prod_{l != j} (a_j - a_l),
 *   B^T[j] = the coefficients of prod_{l != j} (x - a_l),
 * and for the point at infinity A^T[1][n-1] = G[n-1][r-1] = 1, B^T[n-1] =
 * the coefficients of prod_l (x - a_l).  For these points the float
 * result differs from the direct sum by a few units of the output's
 * magnitude times 1e-6 (spec/winograd_spec.lua measures it).
 */
#include <string.h>

#include "../simd.h"
#include "spatial.h"

#define WG_MAXR 5              /* largest kernel side */
#define WG_MAXN (WG_MAXR + 1)  /* largest tile side */
#define WG_LANES 16            /* planes in a block: one vector of floats */
#define WG_CHUNK 256           /* tiles per GEMM, a multiple of WG_LANES */

/* A small matrix, rows x cols. */
typedef struct wg_mat {
  int rows, cols;
  float m[WG_MAXN][WG_MAXN];
} wg_mat;

/* One axis's transforms for a kernel side r (tile side n = r + 1). */
typedef struct wg_axis {
  int r, n;
  wg_mat bt; /* B^T, n x n: input tile -> products */
  wg_mat at; /* A^T, 2 x n: products -> output block */
  wg_mat a;  /* A, n x 2: output block's gradient -> products */
  wg_mat g;  /* G, n x r: kernel -> products */
  wg_mat gt; /* G^T, r x n: products -> kernel gradient */
} wg_axis;

/* c (degree *deg) *= (x - root). */
static void poly_mul(double *c, int *deg, double root) {
  c[*deg + 1] = 0;
  for (int i = *deg + 1; i > 0; i--) c[i] = c[i - 1] - root * c[i];
  c[0] = -root * c[0];
  (*deg)++;
}

static void axis_init(wg_axis *ax, int r) {
  static const double pts[WG_MAXN - 1] = {0, 1, -1, 2, -2};
  int n = r + 1, f = n - 1; /* f finite points and infinity */
  memset(ax, 0, sizeof *ax);
  ax->r = r;
  ax->n = n;
  ax->bt.rows = ax->bt.cols = n;
  ax->at.rows = 2, ax->at.cols = n;
  ax->a.rows = n, ax->a.cols = 2;
  ax->g.rows = n, ax->g.cols = r;
  ax->gt.rows = r, ax->gt.cols = n;
  for (int j = 0; j < f; j++) {
    ax->at.m[0][j] = 1;
    ax->at.m[1][j] = (float)pts[j];
    double den = 1, c[WG_MAXN + 1] = {1};
    int deg = 0;
    for (int l = 0; l < f; l++)
      if (l != j) {
        den *= pts[j] - pts[l];
        poly_mul(c, &deg, pts[l]);
      }
    double power = 1;
    for (int k = 0; k < r; k++, power *= pts[j]) ax->g.m[j][k] = (float)(power / den);
    for (int i = 0; i < n; i++) ax->bt.m[j][i] = (float)(i <= deg ? c[i] : 0);
  }
  ax->at.m[1][f] = 1;
  ax->g.m[f][r - 1] = 1;
  double c[WG_MAXN + 1] = {1};
  int deg = 0;
  for (int l = 0; l < f; l++) poly_mul(c, &deg, pts[l]);
  for (int i = 0; i < n; i++) ax->bt.m[f][i] = (float)c[i];
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < n; j++) ax->a.m[j][i] = ax->at.m[i][j];
  for (int j = 0; j < n; j++)
    for (int k = 0; k < r; k++) ax->gt.m[k][j] = ax->g.m[j][k];
}

/* A vector of WG_LANES floats (GCC's and clang's vector extension: one
 * AVX-512 register, or several narrower ones), and its unaligned form for
 * loads and stores. */
typedef float wg_vec __attribute__((vector_size(WG_LANES * sizeof(float))));
typedef float wg_uvec __attribute__((vector_size(WG_LANES * sizeof(float)), aligned(sizeof(float))));
#define LOAD(p) (*(const wg_uvec *)(p))
#define STORE(p, v) (*(wg_uvec *)(p) = (v))

/* out(p, q) = sum_{u,v} L[p][u] in(u, v) R[q][v], each element a vector:
 * in(u, v) at in + u*irs + v*ics, out(p, q) at out + p*ors + q*ocs.  With
 * the sizes and matrices constant (below) the loops unroll, the zero
 * terms drop out and the vectors stay in registers. */
typedef float wg_rows[WG_MAXN];
static inline __attribute__((always_inline)) void sandwich_body(float *out, int64_t ors, int64_t ocs,
                                                                const float *in, int64_t irs, int64_t ics,
                                                                const wg_rows *L, const wg_rows *R, int lr, int lc,
                                                                int rr, int rc) {
  wg_vec d[WG_MAXN][WG_MAXN], t[WG_MAXN][WG_MAXN];
  for (int u = 0; u < lc; u++)
    for (int v = 0; v < rc; v++) d[u][v] = LOAD(in + u * irs + v * ics);
  for (int p = 0; p < lr; p++)
    for (int v = 0; v < rc; v++) {
      wg_vec acc = {0};
      for (int u = 0; u < lc; u++)
        if (L[p][u] != 0) acc += L[p][u] * d[u][v];
      t[p][v] = acc;
    }
  for (int p = 0; p < lr; p++)
    for (int q = 0; q < rr; q++) {
      wg_vec acc = {0};
      for (int v = 0; v < rc; v++)
        if (R[q][v] != 0) acc += R[q][v] * t[p][v];
      STORE(out + p * ors + q * ocs, acc);
    }
}

TOCHA_CLONES static void sandwich(float *out, int64_t ors, int64_t ocs, const float *in, int64_t irs, int64_t ics,
                                  const wg_mat *L, const wg_mat *R) {
  sandwich_body(out, ors, ocs, in, irs, ics, L->m, R->m, L->rows, L->cols, R->rows, R->cols);
}

/* The tiles' transforms of the square 5x5 and 3x3 kernels with their
 * matrices as constants: the values axis_init builds for r = 5 and r = 3
 * (spec/winograd_spec.lua checks both sizes against im2col + GEMM). */
static const wg_rows BT6[WG_MAXN] = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                                     {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
static const wg_rows AT6[WG_MAXN] = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 1}};
static const wg_rows A6[WG_MAXN] = {{1, 0}, {1, 1}, {1, -1}, {1, 2}, {1, -2}, {0, 1}};
static const wg_rows BT4[WG_MAXN] = {{-1, 0, 1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, -1, 0, 1}};
static const wg_rows AT4[WG_MAXN] = {{1, 1, 1, 0}, {0, 1, -1, 1}};
static const wg_rows A4[WG_MAXN] = {{1, 0}, {1, 1}, {1, -1}, {0, 1}};

#define SANDWICH(NAME, M, LR, LC, N)                                                                          \
  TOCHA_CLONES static void NAME(float *out, int64_t ors, int64_t ocs, const float *in, int64_t irs,          \
                                int64_t ics) {                                                               \
    sandwich_body(out, ors, ocs, in, irs, ics, M, M, LR, LC, LR, LC);                                        \
  }
SANDWICH(input6, BT6, 6, 6, 6)
SANDWICH(output6, AT6, 2, 6, 6)
SANDWICH(grad6, A6, 6, 2, 6)
SANDWICH(input4, BT4, 4, 4, 4)
SANDWICH(output4, AT4, 2, 4, 4)
SANDWICH(grad4, A4, 4, 2, 4)

/* Which transform of a tile: input (B^T d B), output (A^T m A) or gradient (A g A^T). */
enum { WG_INPUT, WG_OUTPUT, WG_GRAD };
static void tile_transform(int kind, const wg_axis *ah, const wg_axis *aw, float *out, int64_t ors, int64_t ocs,
                           const float *in, int64_t irs, int64_t ics) {
  int r = ah->r == aw->r ? ah->r : 0;
  if (r == 5 || r == 3) {
    void (*fn)(float *, int64_t, int64_t, const float *, int64_t, int64_t) =
        kind == WG_INPUT ? (r == 5 ? input6 : input4) : kind == WG_OUTPUT ? (r == 5 ? output6 : output4)
                                                                          : (r == 5 ? grad6 : grad4);
    fn(out, ors, ocs, in, irs, ics);
    return;
  }
  const wg_mat *l = kind == WG_INPUT ? &ah->bt : kind == WG_OUTPUT ? &ah->at : &ah->a;
  const wg_mat *rm = kind == WG_INPUT ? &aw->bt : kind == WG_OUTPUT ? &aw->at : &aw->a;
  sandwich(out, ors, ocs, in, irs, ics, l, rm);
}

static int64_t round_lanes(int64_t n) { return (n + WG_LANES - 1) / WG_LANES * WG_LANES; }

/* ---- the problem --------------------------------------------------------------- */

/* A convolution from `cin` planes of h x w to `cout` planes of oh x ow
 * (kernel sides ah->r, aw->r, padding padh, padw), in 2x2 output blocks:
 * th x tw tiles per image, P = n*th*tw in all.  Plane counts are rounded
 * up to whole blocks (cinp, coutp); the packed input has ph x pw pixels a
 * plane, its padding included. */
typedef struct wg_conv {
  int64_t n, cin, h, w, cout, oh, ow, padh, padw, th, tw, P, cinp, coutp, ph, pw;
  const wg_axis *ah, *aw;
  int nn; /* tile positions: nH*nW */
} wg_conv;

static void conv_init(wg_conv *c, int64_t n, int64_t cin, int64_t h, int64_t w, int64_t cout, int64_t oh,
                      int64_t ow, int64_t padh, int64_t padw, const wg_axis *ah, const wg_axis *aw) {
  c->n = n, c->cin = cin, c->h = h, c->w = w, c->cout = cout, c->oh = oh, c->ow = ow;
  c->padh = padh, c->padw = padw;
  c->th = (oh + 1) / 2, c->tw = (ow + 1) / 2;
  c->P = n * c->th * c->tw;
  c->cinp = round_lanes(cin), c->coutp = round_lanes(cout);
  c->ph = 2 * c->th + ah->r - 1, c->pw = 2 * c->tw + aw->r - 1;
  c->ah = ah, c->aw = aw;
  c->nn = ah->n * aw->n;
}

static int64_t packed_size(const wg_conv *c) { return c->n * c->cinp * c->ph * c->pw; }

/* ---- packing: (n, c, h, w) -> (n, c/16, ph, pw, 16), padded with zeros ---------- */

typedef struct pack_job {
  const wg_conv *c;
  const float *src;
  float *dst;
  int64_t top, left; /* where the source's (0, 0) goes */
} pack_job;

static void pack_images(void *arg, int slot, int64_t first, int64_t last) {
  (void)slot;
  const pack_job *j = arg;
  const wg_conv *c = j->c;
  int64_t plane = c->ph * c->pw * WG_LANES, blocks = c->cinp / WG_LANES;
  int64_t rows = c->h < c->ph - j->top ? c->h : c->ph - j->top, cols = c->w < c->pw - j->left ? c->w : c->pw - j->left;
  for (int64_t n = first; n < last; n++) {
    float *img = j->dst + n * blocks * plane;
    memset(img, 0, (size_t)(blocks * plane) * sizeof(float));
    for (int64_t i = 0; i < c->cin; i++) {
      const float *s = j->src + (n * c->cin + i) * c->h * c->w;
      float *d = img + (i / WG_LANES) * plane + i % WG_LANES;
      for (int64_t y = 0; y < rows; y++)
        for (int64_t x = 0; x < cols; x++) d[((y + j->top) * c->pw + x + j->left) * WG_LANES] = s[y * c->w + x];
    }
  }
}

static void pack(const wg_conv *c, float *dst, const float *src, int64_t top, int64_t left) {
  pack_job j = {c, src, dst, top, left};
  int pieces = tocha_image_pieces(c->n, (double)(c->cinp * c->ph * c->pw));
  tocha_images_parallel(pieces, c->n, pack_images, &j);
}

/* ---- the kernels' transforms ------------------------------------------------------ */

/* U[xi][i][o] (nn, cinp, coutp) = (G g G^T) for the kernel g from plane i to
 * plane o of the convolution, zero for the rounding planes.  The kernel is
 * weight[o][i] (weight (cout, cin, kh, kw)), or with `flip` weight[i][o]
 * turned by 180 degrees (weight (cin, cout, kh, kw): the gradInput
 * convolution's). */
static void kernel_transform(float *U, const float *weight, const wg_conv *c, int flip) {
  const wg_axis *ah = c->ah, *aw = c->aw;
  int kh = ah->r, kw = aw->r;
  float g[WG_MAXN * WG_MAXN * WG_LANES];
  for (int64_t i = 0; i < c->cinp; i++)
    for (int64_t o0 = 0; o0 < c->coutp; o0 += WG_LANES) {
      for (int l = 0; l < WG_LANES; l++) {
        int64_t o = o0 + l;
        const float *k = NULL;
        if (i < c->cin && o < c->cout) k = weight + (flip ? i * c->cout + o : o * c->cin + i) * kh * kw;
        for (int y = 0; y < kh; y++)
          for (int x = 0; x < kw; x++)
            g[(y * WG_MAXN + x) * WG_LANES + l] = !k ? 0.0f : flip ? k[(kh - 1 - y) * kw + (kw - 1 - x)] : k[y * kw + x];
      }
      int64_t pos = c->cinp * c->coutp;
      sandwich(U + i * c->coutp + o0, aw->n * pos, pos, g, WG_MAXN * WG_LANES, WG_LANES, &ah->g, &aw->g);
    }
}

/* ---- the passes ----------------------------------------------------------------- */

typedef struct wg_job {
  const wg_conv *c;
  const float *packed, *U, *bias, *gout;
  float *out, *work;
  int64_t slot; /* floats per slot */
} wg_job;

static int64_t chunk_tiles(const wg_conv *c, int64_t q, int64_t *p0) {
  *p0 = q * WG_CHUNK;
  return c->P - *p0 < WG_CHUNK ? c->P - *p0 : WG_CHUNK;
}

/* V[xi][p - p0][.] (nn, WG_CHUNK, cinp) of the chunk's tiles. */
static void input_tiles(const wg_conv *c, const float *packed, int64_t p0, int64_t pc, float *V) {
  int64_t per = c->th * c->tw, blocks = c->cinp / WG_LANES, plane = c->ph * c->pw * WG_LANES;
  int64_t pos = WG_CHUNK * c->cinp;
  for (int64_t p = p0; p < p0 + pc; p++) {
    int64_t img = p / per, t = p % per, y = 2 * (t / c->tw), x = 2 * (t % c->tw);
    for (int64_t b = 0; b < blocks; b++) {
      const float *tile = packed + (img * blocks + b) * plane + (y * c->pw + x) * WG_LANES;
      tile_transform(WG_INPUT, c->ah, c->aw, V + (p - p0) * c->cinp + b * WG_LANES, c->aw->n * pos, pos, tile,
                     c->pw * WG_LANES, WG_LANES);
    }
  }
}

/* out[img][o] blocks = A^T M A + bias for the chunk's tiles. */
static void output_tiles(const wg_conv *c, const float *M, int64_t p0, int64_t pc, const float *bias, float *out) {
  int64_t per = c->th * c->tw, pos = WG_CHUNK * c->coutp;
  float y[WG_MAXN * WG_MAXN * WG_LANES];
  for (int64_t p = p0; p < p0 + pc; p++) {
    int64_t img = p / per, t = p % per, y0 = 2 * (t / c->tw), x0 = 2 * (t % c->tw);
    int rows = y0 + 1 < c->oh ? 2 : 1, cols = x0 + 1 < c->ow ? 2 : 1;
    for (int64_t o0 = 0; o0 < c->coutp; o0 += WG_LANES) {
      tile_transform(WG_OUTPUT, c->ah, c->aw, y, 2 * WG_LANES, WG_LANES, M + (p - p0) * c->coutp + o0,
                     c->aw->n * pos, pos);
      int count = c->cout - o0 < WG_LANES ? (int)(c->cout - o0) : WG_LANES;
      for (int l = 0; l < count; l++) {
        float b = bias ? bias[o0 + l] : 0.0f, *o = out + ((img * c->cout + o0 + l) * c->oh + y0) * c->ow + x0;
        for (int i = 0; i < rows; i++)
          for (int j = 0; j < cols; j++) o[i * c->ow + j] = y[(i * 2 + j) * WG_LANES + l] + b;
      }
    }
  }
}

/* Yh[xi][p - p0][.] (nn, WG_CHUNK, coutp) = A dY A^T of the chunk's blocks
 * of gradOutput, packed (n, coutp/16, 2 th, 2 tw, 16). */
static void grad_tiles(const wg_conv *c, const float *gpacked, int64_t p0, int64_t pc, float *Yh) {
  int64_t per = c->th * c->tw, blocks = c->coutp / WG_LANES, gw = 2 * c->tw, plane = 2 * c->th * gw * WG_LANES;
  int64_t pos = WG_CHUNK * c->coutp;
  for (int64_t p = p0; p < p0 + pc; p++) {
    int64_t img = p / per, t = p % per, y = 2 * (t / c->tw), x = 2 * (t % c->tw);
    for (int64_t b = 0; b < blocks; b++) {
      const float *block = gpacked + (img * blocks + b) * plane + (y * gw + x) * WG_LANES;
      tile_transform(WG_GRAD, c->ah, c->aw, Yh + (p - p0) * c->coutp + b * WG_LANES, c->aw->n * pos, pos, block,
                     gw * WG_LANES, WG_LANES);
    }
  }
}

/* Slot: V (nn, WG_CHUNK, cinp) then M (nn, WG_CHUNK, coutp). */
static void forward_chunks(void *arg, int slot, int64_t first, int64_t last) {
  const wg_job *j = arg;
  const wg_conv *c = j->c;
  float *V = j->work + slot * j->slot, *M = V + (int64_t)c->nn * WG_CHUNK * c->cinp;
  for (int64_t q = first; q < last; q++) {
    int64_t p0, pc = chunk_tiles(c, q, &p0);
    input_tiles(c, j->packed, p0, pc, V);
    for (int xi = 0; xi < c->nn; xi++)
      tocha_gemm_rm(TOCHA_FLOAT, 0, 0, (int)pc, (int)c->coutp, (int)c->cinp, 1, V + xi * WG_CHUNK * c->cinp,
                    (int)c->cinp, j->U + xi * c->cinp * c->coutp, (int)c->coutp, 0, M + xi * WG_CHUNK * c->coutp,
                    (int)c->coutp);
    output_tiles(c, M, p0, pc, j->bias, j->out);
  }
}

/* Slot: V (nn, WG_CHUNK, cinp), Yh (nn, WG_CHUNK, coutp), dU (nn, cinp, coutp). */
static void grad_weight_chunks(void *arg, int slot, int64_t first, int64_t last) {
  const wg_job *j = arg;
  const wg_conv *c = j->c;
  float *V = j->work + slot * j->slot, *Yh = V + (int64_t)c->nn * WG_CHUNK * c->cinp;
  float *dU = Yh + (int64_t)c->nn * WG_CHUNK * c->coutp;
  for (int64_t q = first; q < last; q++) {
    int64_t p0, pc = chunk_tiles(c, q, &p0);
    input_tiles(c, j->packed, p0, pc, V);
    grad_tiles(c, j->gout, p0, pc, Yh);
    for (int xi = 0; xi < c->nn; xi++)
      tocha_gemm_rm(TOCHA_FLOAT, 1, 0, (int)c->cinp, (int)c->coutp, (int)pc, 1, V + xi * WG_CHUNK * c->cinp,
                    (int)c->cinp, Yh + xi * WG_CHUNK * c->coutp, (int)c->coutp, q == first ? 0 : 1,
                    dU + xi * c->cinp * c->coutp, (int)c->coutp);
  }
}

/* ---- entry points ----------------------------------------------------------------- */

int tocha_winograd_suits(tocha_dtype dt, tocha_window w, int64_t nin, int64_t nout, int64_t oh, int64_t ow) {
  if (w.algorithm == TOCHA_CONV_GEMM) return 0;
  int shape = dt == TOCHA_FLOAT && w.dW == 1 && w.dH == 1 && w.kH >= 2 && w.kH <= WG_MAXR && w.kW >= 2 &&
              w.kW <= WG_MAXR && w.padH < w.kH && w.padW < w.kW && oh >= 1 && ow >= 1;
  if (!shape) return 0;
  if (w.algorithm == TOCHA_CONV_WINOGRAD) return 1;
  /* below these the GEMMs are too thin to beat one im2col GEMM */
  return nin >= 16 && nout >= 16 && oh * ow >= 64;
}

/* Element counts of a workspace layout, overflow-checked: the sum of
 * `count` parts. */
static tocha_status wg_workspace(tocha_tensor *work, const int64_t *parts, int count, float **base) {
  int64_t need = 0;
  for (int i = 0; i < count; i++) {
    if (parts[i] < 0 || parts[i] > INT64_MAX / 4 - need)
      return tocha_fail(TOCHA_EOVERFLOW, 0, "convolution workspace too large");
    need += parts[i];
  }
  char *b = NULL;
  tocha_status st = tocha_workspace(work, TOCHA_FLOAT, need, &b);
  *base = (float *)b;
  return st;
}

static int64_t chunks_of(const wg_conv *c) { return (c->P + WG_CHUNK - 1) / WG_CHUNK; }

static int chunk_pieces(const wg_conv *c) {
  return tocha_image_pieces(chunks_of(c), (double)c->nn * (double)c->cinp * (double)c->coutp * WG_CHUNK);
}

static int64_t forward_slot(const wg_conv *c) { return (int64_t)c->nn * (c->cinp + c->coutp) * WG_CHUNK; }

/* The layout of a forward (or gradInput) pass: U, the packed input, the slots. */
static void forward_parts(const wg_conv *c, int pieces, int64_t *parts) {
  parts[0] = (int64_t)c->nn * c->cinp * c->coutp;
  parts[1] = packed_size(c);
  parts[2] = forward_slot(c) * pieces;
}

static void run_forward(const wg_conv *c, float *base, const float *weight, int flip, const float *in,
                        const float *bias, float *out, int pieces) {
  int64_t parts[3];
  forward_parts(c, pieces, parts);
  float *U = base, *packed = U + parts[0], *slots = packed + parts[1];
  kernel_transform(U, weight, c, flip);
  pack(c, packed, in, c->padh, c->padw);
  wg_job j = {c, packed, U, bias, NULL, out, slots, forward_slot(c)};
  tocha_images_parallel(pieces, chunks_of(c), forward_chunks, &j);
}

static void init_axes(wg_axis *ah, wg_axis *aw, tocha_window win) {
  axis_init(ah, (int)win.kH);
  axis_init(aw, (int)win.kW);
}

tocha_status tocha_winograd_forward(tocha_tensor *work, float *out, const float *in, const float *weight,
                                    const float *bias, int64_t n, int64_t cin, int64_t h, int64_t w, int64_t cout,
                                    tocha_window win, int64_t oh, int64_t ow) {
  wg_axis ah, aw;
  init_axes(&ah, &aw, win);
  wg_conv c;
  conv_init(&c, n, cin, h, w, cout, oh, ow, win.padH, win.padW, &ah, &aw);
  int pieces = chunk_pieces(&c);
  int64_t parts[3];
  forward_parts(&c, pieces, parts);
  float *base = NULL;
  tocha_status st = wg_workspace(work, parts, 3, &base);
  if (st) return st;
  run_forward(&c, base, weight, 0, in, bias, out, pieces);
  return TOCHA_OK;
}

tocha_status tocha_winograd_backward(tocha_tensor *work, float *gin, float *gw, const float *in, const float *gout,
                                     const float *weight, double scale, int64_t n, int64_t cin, int64_t h, int64_t w,
                                     int64_t cout, tocha_window win, int64_t oh, int64_t ow) {
  wg_axis ah, aw;
  init_axes(&ah, &aw, win);
  /* gradInput: gradOutput (cout planes) convolved to cin planes by the
   * flipped kernels, padded by k - 1 - pad */
  wg_conv gi;
  conv_init(&gi, n, cout, oh, ow, cin, h, w, win.kH - 1 - win.padH, win.kW - 1 - win.padW, &ah, &aw);
  /* gradWeight: over the forward's tiles */
  wg_conv fw;
  conv_init(&fw, n, cin, h, w, cout, oh, ow, win.padH, win.padW, &ah, &aw);
  int gi_pieces = chunk_pieces(&gi), gw_pieces = chunk_pieces(&fw);
  int64_t gi_parts[3], gw_parts[3];
  forward_parts(&gi, gi_pieces, gi_parts);
  int64_t du = (int64_t)fw.nn * fw.cinp * fw.coutp, gw_slot = forward_slot(&fw) + du;
  gw_parts[0] = packed_size(&fw);                           /* the input, packed */
  gw_parts[1] = fw.n * fw.coutp * 2 * fw.th * 2 * fw.tw;    /* gradOutput, packed */
  gw_parts[2] = gw_slot * gw_pieces;                        /* V, Yh, dU per slot */
  int64_t gi_need = gin ? gi_parts[0] + gi_parts[1] + gi_parts[2] : 0;
  int64_t gw_need = gw ? gw_parts[0] + gw_parts[1] + gw_parts[2] : 0;
  float *base = NULL;
  tocha_status st = wg_workspace(work, gi_need > gw_need ? gi_parts : gw_parts, 3, &base);
  if (st) return st;
  if (gin) run_forward(&gi, base, weight, 1, gout, NULL, gin, gi_pieces);
  if (!gw) return TOCHA_OK;
  float *packed = base, *gpacked = packed + gw_parts[0], *slots = gpacked + gw_parts[1];
  pack(&fw, packed, in, fw.padh, fw.padw);
  /* gradOutput packed as planes of cout, 2 th x 2 tw, no padding */
  wg_conv go;
  conv_init(&go, n, cout, oh, ow, cout, oh, ow, 0, 0, &ah, &aw);
  go.ph = 2 * fw.th, go.pw = 2 * fw.tw;
  pack(&go, gpacked, gout, 0, 0);
  wg_job j = {&fw, packed, NULL, NULL, gpacked, NULL, slots, gw_slot};
  int64_t chunks = chunks_of(&fw);
  tocha_images_parallel(gw_pieces, chunks, grad_weight_chunks, &j);
  /* the slots' dU added in slot order, into slot 0's */
  int64_t du_at = forward_slot(&fw);
  float *dU = slots + du_at;
  for (int s = 1; s < gw_pieces; s++) {
    if (chunks * (s + 1) / gw_pieces == chunks * s / gw_pieces) continue; /* no chunks */
    const float *other = slots + s * gw_slot + du_at;
    for (int64_t i = 0; i < du; i++) dU[i] += other[i];
  }
  /* gradWeight[o][i] += scale G_H^T dU G_W, 16 output planes at a time */
  int kh = ah.r, kw = aw.r;
  float k[WG_MAXN * WG_MAXN * WG_LANES];
  int64_t pos = fw.cinp * fw.coutp;
  for (int64_t i = 0; i < cin; i++)
    for (int64_t o0 = 0; o0 < fw.coutp; o0 += WG_LANES) {
      sandwich(k, WG_MAXN * WG_LANES, WG_LANES, dU + i * fw.coutp + o0, aw.n * pos, pos, &ah.gt, &aw.gt);
      int count = cout - o0 < WG_LANES ? (int)(cout - o0) : WG_LANES;
      for (int l = 0; l < count; l++)
        for (int y = 0; y < kh; y++)
          for (int x = 0; x < kw; x++)
            gw[((o0 + l) * cin + i) * kh * kw + y * kw + x] += (float)(scale * k[(y * WG_MAXN + x) * WG_LANES + l]);
    }
  return TOCHA_OK;
}
