/* IDX reading: every element type, plain and gzip files, and every way a
 * file can be wrong (the reader must fail cleanly, never crash or leak). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "tocha.h"

static char dir[64];

static const char *path_of(const char *name) {
  static char buf[8][256];
  static int next;
  char *p = buf[next++ % 8];
  snprintf(p, 256, "%s/%s", dir, name);
  return p;
}

static void write_plain(const char *name, const void *bytes, size_t n) {
  FILE *f = fopen(path_of(name), "wb");
  if (!f) return;
  fwrite(bytes, 1, n, f);
  fclose(f);
}

static void write_gz(const char *name, const void *bytes, size_t n) {
  gzFile gz = gzopen(path_of(name), "wb");
  if (!gz) return;
  if (n) gzwrite(gz, bytes, (unsigned)n);
  gzclose(gz);
}

/* The whole content of a file, for cutting and corrupting it. */
static unsigned char *slurp(const char *name, size_t *n) {
  FILE *f = fopen(path_of(name), "rb");
  if (!f) return NULL;
  unsigned char *b = malloc(1 << 16);
  *n = b ? fread(b, 1, 1 << 16, f) : 0;
  fclose(f);
  return b;
}

/* header: 00 00 type ndim, then big-endian sizes; returns its length */
static size_t header(unsigned char *h, int type, int ndim, const uint32_t *size) {
  h[0] = 0, h[1] = 0, h[2] = (unsigned char)type, h[3] = (unsigned char)ndim;
  for (int d = 0; d < ndim; d++)
    for (int k = 0; k < 4; k++) h[4 + 4 * d + k] = (unsigned char)(size[d] >> (24 - 8 * k));
  return 4 + 4 * (size_t)ndim;
}

static int message_has(const char *s) { return strstr(tocha_last_error()->message, s) != NULL; }

static double at(const tocha_tensor *t, int64_t i0, int64_t i1) {
  int64_t idx[2] = {i0, i1};
  double v = NAN;
  tocha_tensor_get(t, idx, &v);
  return v;
}

/* A 2x3 file of each type, plain and gzip, with known values. */
static void test_types(void) {
  static const struct {
    int code;
    tocha_dtype dtype;
    int width;
    double values[6];
  } cases[] = {
      {0x08, TOCHA_BYTE, 1, {0, 1, 127, 128, 200, 255}},
      {0x09, TOCHA_LONG, 1, {0, 1, -1, 127, -128, -5}},
      {0x0B, TOCHA_LONG, 2, {0, 300, -300, 32767, -32768, -1}},
      {0x0C, TOCHA_LONG, 4, {0, 70000, -70000, 2147483647.0, -2147483648.0, -1}},
      {0x0D, TOCHA_FLOAT, 4, {0, 1.5, -2.25, 1e30, -1e-30, 3.0e38}},
      {0x0E, TOCHA_DOUBLE, 8, {0, 1.5, -1.0 / 3, 1e300, -1e-300, 4.9e-324}},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    unsigned char buf[128];
    size_t n = header(buf, cases[c].code, 2, (const uint32_t[]){2, 3});
    for (int i = 0; i < 6; i++) {
      double v = cases[c].values[i];
      uint64_t bits = 0;
      switch (cases[c].code) {
        case 0x08: bits = (uint8_t)v; break;
        case 0x09: bits = (uint8_t)(int8_t)v; break;
        case 0x0B: bits = (uint16_t)(int16_t)v; break;
        case 0x0C: bits = (uint32_t)(int32_t)v; break;
        case 0x0D: {
          float f = (float)v;
          uint32_t u;
          memcpy(&u, &f, 4);
          bits = u;
          break;
        }
        case 0x0E: memcpy(&bits, &v, 8); break;
      }
      for (int k = 0; k < cases[c].width; k++) buf[n++] = (unsigned char)(bits >> (8 * (cases[c].width - 1 - k)));
    }
    write_plain("t.idx", buf, n);
    write_gz("t.idx.gz", buf, n);
    for (int gz = 0; gz < 2; gz++) {
      tocha_tensor t;
      tocha_tensor_init(&t, TOCHA_FLOAT);
      CHECK(tocha_read_idx(&t, path_of(gz ? "t.idx.gz" : "t.idx")) == TOCHA_OK);
      CHECK(t.dtype == cases[c].dtype);
      CHECK(t.ndim == 2 && t.size[0] == 2 && t.size[1] == 3 && tocha_tensor_is_contiguous(&t));
      for (int i = 0; i < 6; i++) {
        double want = cases[c].dtype == TOCHA_FLOAT ? (double)(float)cases[c].values[i] : cases[c].values[i];
        CHECK(at(&t, i / 3, i % 3) == want);
      }
      tocha_tensor_release(&t);
    }
  }
}

/* More than the first read buffer (1 MiB): exercises the growing buffer. */
static void test_large_gzip(void) {
  const uint32_t size[3] = {3, 1000, 1000};
  size_t n = 3000000;
  unsigned char *buf = malloc(16 + n);
  size_t h = header(buf, 0x08, 3, size);
  for (size_t i = 0; i < n; i++) buf[h + i] = (unsigned char)(i * 7 + i / 1000);
  write_gz("big.idx.gz", buf, h + n);
  tocha_tensor t;
  tocha_tensor_init(&t, TOCHA_BYTE);
  CHECK(tocha_read_idx(&t, path_of("big.idx.gz")) == TOCHA_OK);
  CHECK(t.ndim == 3 && t.size[0] == 3 && t.size[1] == 1000 && t.size[2] == 1000);
  CHECK(t.storage && memcmp(tocha_tensor_data(&t), buf + h, n) == 0);
  /* The same stream, cut short inside the data (a valid gzip file). */
  write_gz("short.idx.gz", buf, h + 2500000);
  tocha_tensor s;
  tocha_tensor_init(&s, TOCHA_BYTE);
  CHECK(tocha_read_idx(&s, path_of("short.idx.gz")) == TOCHA_EFORMAT);
  CHECK(message_has("short.idx.gz: truncated: 2500000 of the 3000000 data bytes declared by its header (3x1000x1000 ubyte)"));
  CHECK(s.ndim == 0 && s.storage == NULL);
  tocha_tensor_release(&t);
  free(buf);
}

static void expect_fail(const char *name, tocha_status status, const char *text) {
  /* out holds a tensor already: a failure must leave it as it was. */
  tocha_tensor t;
  tocha_tensor_init(&t, TOCHA_FLOAT);
  tocha_tensor_new(&t, TOCHA_FLOAT, 1, (const int64_t[]){4});
  tocha_storage *before = t.storage;
  tocha_status st = tocha_read_idx(&t, path_of(name));
  CHECK(st == status);
  CHECK(message_has(path_of(name)));
  CHECK(message_has(text));
  if (st != status || !message_has(text)) fprintf(stderr, "  %s: got '%s'\n", name, tocha_last_error()->message);
  CHECK(t.storage == before && t.dtype == TOCHA_FLOAT && t.ndim == 1 && t.size[0] == 4);
  tocha_tensor_release(&t);
}

static void test_errors(void) {
  unsigned char buf[256] = {0};
  size_t h = header(buf, 0x08, 2, (const uint32_t[]){2, 4});
  for (int i = 0; i < 8; i++) buf[h + i] = (unsigned char)i;

  write_plain("trunc.idx", buf, h + 5);
  expect_fail("trunc.idx", TOCHA_EFORMAT, "truncated: 5 of the 8 data bytes declared by its header (2x4 ubyte)");
  write_gz("trunc.idx.gz", buf, h + 5);
  expect_fail("trunc.idx.gz", TOCHA_EFORMAT, "truncated: 5 of the 8 data bytes declared by its header (2x4 ubyte)");
  write_plain("trail.idx", buf, h + 8);
  {
    FILE *f = fopen(path_of("trail.idx"), "ab");
    fputs("xyz", f);
    fclose(f);
  }
  expect_fail("trail.idx", TOCHA_EFORMAT, "trailing data: 3 bytes after the 8 data bytes");
  buf[h + 8] = 9;
  write_gz("trail.idx.gz", buf, h + 9);
  expect_fail("trail.idx.gz", TOCHA_EFORMAT, "trailing data after the elements its header declares");

  /* Cut gzip streams: in the middle, and just the trailer. */
  write_gz("ok.idx.gz", buf, h + 8);
  size_t n = 0;
  unsigned char *gz = slurp("ok.idx.gz", &n);
  CHECK(gz != NULL && n > 20);
  if (!gz) return;
  write_plain("cut.idx.gz", gz, n / 2);
  expect_fail("cut.idx.gz", TOCHA_EFORMAT, "truncated gzip stream");
  write_plain("cut2.idx.gz", gz, n - 3);
  expect_fail("cut2.idx.gz", TOCHA_EFORMAT, "truncated gzip stream");
  /* A wrong CRC (the trailer's first 4 bytes). */
  gz[n - 8] ^= 0xff;
  write_plain("crc.idx.gz", gz, n);
  expect_fail("crc.idx.gz", TOCHA_EFORMAT, "corrupted gzip data (incorrect data check)");
  /* A corrupted deflate stream (a reserved block type). */
  gz[n - 8] ^= 0xff;
  gz[10] = 0xff;
  write_plain("bad.idx.gz", gz, n);
  expect_fail("bad.idx.gz", TOCHA_EFORMAT, "corrupted gzip data");
  free(gz);

  /* Headers. */
  write_plain("empty.idx", buf, 0);
  expect_fail("empty.idx", TOCHA_EFORMAT, "empty file, not an IDX file");
  write_plain("text.idx", "hello world", 11);
  expect_fail("text.idx", TOCHA_EFORMAT, "not an IDX file (it starts with bytes 68 65 6c 6c;");
  write_plain("short.idx", "\0\0", 2);
  expect_fail("short.idx", TOCHA_EFORMAT, "not an IDX file (it starts with bytes 00 00;");
  write_plain("type.idx", "\0\0\x0a\x01\0\0\0\x01x", 9);
  expect_fail("type.idx", TOCHA_EFORMAT, "unknown IDX element type code 0x0A");
  write_plain("nodims.idx", "\0\0\x08\0", 4);
  expect_fail("nodims.idx", TOCHA_EFORMAT, "the header declares 0 dimensions (1 to 16 supported)");
  write_plain("manydims.idx", "\0\0\x08\x11", 4);
  expect_fail("manydims.idx", TOCHA_EFORMAT, "the header declares 17 dimensions (1 to 16 supported)");
  write_plain("cuthead.idx", buf, 9);
  expect_fail("cuthead.idx", TOCHA_EFORMAT, "truncated header: it ends after 5 of the 8 bytes of sizes");

  /* Declared sizes beyond the limit, and large ones the file does not hold:
   * refused without allocating what the header claims. */
  h = header(buf, 0x08, 3, (const uint32_t[]){0xffffffffu, 0xffffffffu, 0xffffffffu});
  write_plain("huge.idx", buf, h);
  expect_fail("huge.idx", TOCHA_EFORMAT, "the header declares 4294967295x4294967295x4294967295 ubyte elements");
  h = header(buf, 0x0C, 2, (const uint32_t[]){65536, 65536}); /* 2^32 ints = 2^35 bytes as Long */
  write_gz("huge.idx.gz", buf, h);
  expect_fail("huge.idx.gz", TOCHA_EFORMAT, "as a Long tensor, more than the limit of 17179869184 bytes");
  h = header(buf, 0x08, 2, (const uint32_t[]){100000, 100000}); /* 10 GB declared, none there */
  write_plain("liar.idx", buf, h + 10);
  expect_fail("liar.idx", TOCHA_EFORMAT, "truncated: 10 of the 10000000000 data bytes");
  write_gz("liar.idx.gz", buf, h + 10);
  expect_fail("liar.idx.gz", TOCHA_EFORMAT, "truncated: 10 of the 10000000000 data bytes");

  /* Files that are not there or not files. */
  expect_fail("missing.idx", TOCHA_EIO, "cannot open: No such file or directory");
  mkdir(path_of("subdir"), 0700);
  expect_fail("subdir", TOCHA_EIO, "is a directory");
  rmdir(path_of("subdir"));

  tocha_tensor t;
  tocha_tensor_init(&t, TOCHA_BYTE);
  CHECK(tocha_read_idx(&t, NULL) == TOCHA_EARG && tocha_last_error()->arg == 1);
}

/* Zero sizes give a tensor with no elements of that shape. */
static void test_zero_size(void) {
  unsigned char buf[32];
  size_t h = header(buf, 0x0D, 2, (const uint32_t[]){0, 784});
  write_plain("zero.idx", buf, h);
  tocha_tensor t;
  tocha_tensor_init(&t, TOCHA_BYTE);
  CHECK(tocha_read_idx(&t, path_of("zero.idx")) == TOCHA_OK);
  CHECK(t.dtype == TOCHA_FLOAT && t.ndim == 2 && t.size[0] == 0 && t.size[1] == 784);
  CHECK(tocha_tensor_nelement(&t) == 0);
  tocha_tensor_release(&t);
}

/* A plain file read from a pipe (no size known in advance). */
static void test_fifo(void) {
  const char *fifo = path_of("fifo");
  if (mkfifo(fifo, 0600) != 0) return;
  unsigned char buf[64];
  size_t h = header(buf, 0x0B, 1, (const uint32_t[]){3});
  const unsigned char data[6] = {0x00, 0x05, 0xff, 0xfe, 0x80, 0x00};
  memcpy(buf + h, data, 6);
  pid_t pid = fork();
  if (pid == 0) {
    FILE *f = fopen(fifo, "wb");
    if (f) {
      fwrite(buf, 1, h + 6, f);
      fclose(f);
    }
    _exit(0);
  }
  tocha_tensor t;
  tocha_tensor_init(&t, TOCHA_BYTE);
  CHECK(tocha_read_idx(&t, fifo) == TOCHA_OK);
  CHECK(t.dtype == TOCHA_LONG && t.ndim == 1 && t.size[0] == 3);
  CHECK(at(&t, 0, 0) == 5);
  int64_t i1 = 1, i2 = 2;
  double v1 = 0, v2 = 0;
  tocha_tensor_get(&t, &i1, &v1);
  tocha_tensor_get(&t, &i2, &v2);
  CHECK(v1 == -2 && v2 == -32768);
  tocha_tensor_release(&t);
  waitpid(pid, NULL, 0);
  unlink(fifo);
}

static void cleanup(void) {
  static const char *names[] = {"t.idx", "t.idx.gz", "big.idx.gz", "short.idx.gz", "trunc.idx", "trunc.idx.gz",
                                "trail.idx", "trail.idx.gz", "ok.idx.gz", "cut.idx.gz", "cut2.idx.gz",
                                "crc.idx.gz", "bad.idx.gz", "empty.idx", "text.idx", "short.idx", "type.idx",
                                "nodims.idx", "manydims.idx", "cuthead.idx", "huge.idx", "huge.idx.gz",
                                "liar.idx", "liar.idx.gz", "zero.idx"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlink(path_of(names[i]));
  rmdir(dir);
}

int main(void) {
  snprintf(dir, sizeof dir, "/tmp/tocha_test_idx_XXXXXX");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_types();
  test_large_gzip();
  test_errors();
  test_zero_size();
  test_fifo();
  cleanup();
  return CHECK_REPORT();
}
