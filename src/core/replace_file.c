/* Crash-safe file replacement (tocha_replace_file in tocha.h).
 *
 * The new contents go to a temporary file in the target's own directory
 * (so the rename cannot cross file systems), which is fsynced, given the
 * target's permissions, renamed over the target, and the directory is
 * fsynced so that the rename itself is durable.  At every moment the
 * target's path names either the complete old file or the complete new
 * one: a failed write, a full disk or a killed process leaves the old file
 * (and at worst a stray temporary file, named ".NAME.tmp-...").
 *
 * Symbolic links are followed: the file they point at is replaced and the
 * links stay links.  A target that exists and is not a regular file (a
 * device, a FIFO, a directory) is an error: renaming over /dev/null would
 * replace the device node. */
#define _GNU_SOURCE /* realpath, O_DIRECTORY, O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "../tocha.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* The directory part of `path` ("." when it has none) into dir. */
static void dir_of(const char *path, char *dir, size_t len) {
  const char *slash = strrchr(path, '/');
  if (!slash) {
    snprintf(dir, len, ".");
  } else if (slash == path) {
    snprintf(dir, len, "/");
  } else {
    snprintf(dir, len, "%.*s", (int)(slash - path), path);
  }
}

static const char *base_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static const char *kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

/* Resolves symbolic links: *target gets the file to replace (existing or
 * not), *st its status when *exists. */
static tocha_status resolve_target(const char *path, char *target, size_t len, struct stat *st, int *exists) {
  char cur[PATH_MAX];
  if (strlen(path) >= sizeof cur) return tocha_fail(TOCHA_EIO, 1, "path too long");
  snprintf(cur, sizeof cur, "%s", path);
  for (int hops = 0; hops < 40; hops++) {
    if (lstat(cur, st) != 0) {
      if (errno != ENOENT)
        return tocha_fail(TOCHA_EIO, 1, "cannot look at %s (%s)", cur, strerror(errno));
      *exists = 0; /* a new file (possibly the missing target of a link) */
      snprintf(target, len, "%s", cur);
      return TOCHA_OK;
    }
    if (!S_ISLNK(st->st_mode)) {
      *exists = 1;
      snprintf(target, len, "%s", cur);
      return TOCHA_OK;
    }
    /* A link: the file it names, through every further link, when it exists. */
    char resolved[PATH_MAX];
    if (realpath(cur, resolved)) {
      snprintf(cur, sizeof cur, "%s", resolved);
      continue;
    }
    if (errno != ENOENT) return tocha_fail(TOCHA_EIO, 1, "cannot resolve the link %s (%s)", cur, strerror(errno));
    /* A dangling link: follow it by hand to the name it would create. */
    char link[PATH_MAX];
    ssize_t n = readlink(cur, link, sizeof link - 1);
    if (n < 0) return tocha_fail(TOCHA_EIO, 1, "cannot read the link %s (%s)", cur, strerror(errno));
    link[n] = '\0';
    if (link[0] == '/') {
      snprintf(cur, sizeof cur, "%s", link);
    } else {
      char dir[PATH_MAX], next[PATH_MAX];
      dir_of(cur, dir, sizeof dir);
      if ((size_t)snprintf(next, sizeof next, "%s/%s", dir, link) >= sizeof next)
        return tocha_fail(TOCHA_EIO, 1, "path too long");
      snprintf(cur, sizeof cur, "%s", next);
    }
  }
  return tocha_fail(TOCHA_EIO, 1, "too many levels of symbolic links");
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Opens a new temporary file next to `target`; the name goes to tmp. */
static int open_temp(const char *target, char *tmp, size_t len) {
  char dir[PATH_MAX];
  static unsigned counter = 0;
  dir_of(target, dir, sizeof dir);
  for (int attempt = 0; attempt < 100; attempt++) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long tag = (unsigned long)ts.tv_nsec ^ ((unsigned long)++counter << 20) ^ (unsigned long)attempt;
    if ((size_t)snprintf(tmp, len, "%s/.%s.tmp-%ld-%lx", dir, base_of(target), (long)getpid(), tag) >= len) {
      errno = ENAMETOOLONG;
      return -1;
    }
    /* 0666 minus the umask, as a file created by open would get. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

tocha_status tocha_replace_file(const char *path, const void *const *parts, const size_t *lengths, int n) {
  if (!path || !*path) return tocha_fail(TOCHA_EARG, 1, "empty file name");
  if (n < 0 || (n > 0 && (!parts || !lengths))) return tocha_fail(TOCHA_EARG, 2, "no contents given");
  char target[PATH_MAX], tmp[PATH_MAX + 64], dir[PATH_MAX];
  struct stat st;
  int exists;
  tocha_status s = resolve_target(path, target, sizeof target, &st, &exists);
  if (s) return s;
  if (exists && !S_ISREG(st.st_mode))
    return tocha_fail(TOCHA_EIO, 1, "%s is %s, not a regular file: it is left as it is", target, kind_of(st.st_mode));
  /* A save succeeds where writing the file in place would: a file we may
   * not write (mode 0444, another user's) is refused, not replaced. */
  if (exists && access(target, W_OK) != 0)
    return tocha_fail(TOCHA_EIO, 1, "%s is not writable (%s): it is left as it was", target, strerror(errno));
  dir_of(target, dir, sizeof dir);

  /* What a failure message says about the target. */
  char kept[PATH_MAX + 32] = "";
  if (exists) snprintf(kept, sizeof kept, "; %s is left as it was", target);
  int fd = open_temp(target, tmp, sizeof tmp);
  if (fd < 0)
    return tocha_fail(TOCHA_EIO, 1, "cannot create a temporary file in %s (%s)%s", dir, strerror(errno), kept);
  const char *step = "write";
  int err = 0;
  if (exists) {
    /* The target's permissions, and its owner when we may set it (root). */
    if (fchmod(fd, st.st_mode & 07777) != 0) {
      step = "set the permissions of";
      err = errno;
    } else if (fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM) {
      step = "set the owner of";
      err = errno;
    }
  }
  for (int i = 0; !err && i < n; i++)
    if (lengths[i] > 0 && write_all(fd, parts[i], lengths[i]) != 0) err = errno;
  if (!err && fsync(fd) != 0) {
    step = "flush";
    err = errno;
  }
  if (close(fd) != 0 && !err) {
    step = "close";
    err = errno;
  }
  if (!err && rename(tmp, target) != 0) {
    step = "rename over the target";
    err = errno;
  }
  if (err) {
    unlink(tmp);
    return tocha_fail(TOCHA_EIO, 1, "cannot %s the temporary file %s (%s)%s", step, tmp, strerror(err), kept);
  }
  /* The rename is durable once the directory is synced.  File systems that
   * cannot sync a directory say EINVAL (or the like): nothing to do there. */
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    int r = fsync(dfd);
    int e = errno;
    close(dfd);
    if (r != 0 && e != EINVAL && e != ENOTSUP && e != EBADF && e != EROFS)
      return tocha_fail(TOCHA_EIO, 1, "%s was replaced, but syncing its directory %s failed (%s)", target, dir,
                        strerror(e));
  }
  return TOCHA_OK;
}
