/* fuzz_idx: the IDX reader (tocha_read_idx), plain and gzip.
 * Input: one mode byte, then the file.  Mode bit 0 set: the rest is
 * gzip-compressed before it is written, so valid gzip streams of
 * malformed IDX data are reached; the raw bytes are tried too (corrupted
 * gzip streams, plain files). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "host.h"
#include "tocha.h"
#include "tocha_reduce.h"

static char path[4096];

static void cleanup(void) {
  if (path[0]) unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  const char *dir = getenv("TMPDIR");
  snprintf(path, sizeof path, "%s/tocha-fuzz-idx-XXXXXX", dir ? dir : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0) abort();
  close(fd);
  atexit(cleanup);
  return 0;
}

static int write_file(const uint8_t *data, size_t n, int gzip) {
  if (gzip) {
    gzFile g = gzopen(path, "wb");
    if (!g) return -1;
    int ok = n == 0 || gzwrite(g, data, (unsigned)n) == (int)n;
    return gzclose(g) == Z_OK && ok ? 0 : -1;
  }
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  int ok = fwrite(data, 1, n, f) == n;
  return fclose(f) == 0 && ok ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > (1u << 20)) return 0;
  if (write_file(data + 1, size - 1, data[0] & 1) != 0) abort();
  tocha_tensor t;
  tocha_tensor_init(&t, TOCHA_FLOAT);
  tocha_status st = tocha_read_idx(&t, path);
  if (st == TOCHA_OK) {
    /* What it read must be a consistent tensor: touch every element. */
    tocha_number sum;
    if (tocha_tensor_is_contiguous(&t) != 1 || tocha_sumall(&sum, &t) != TOCHA_OK) abort();
  } else if (!tocha_last_error()->message[0]) {
    abort(); /* an error without a message */
  }
  tocha_tensor_release(&t);
  return 0;
}
