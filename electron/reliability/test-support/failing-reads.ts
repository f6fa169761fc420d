import { spawnSync } from 'node:child_process';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../engine/test-support/fixtures';

// A disk that fails reads (or fsync), for one file (or the files whose names end alike), from one byte on: a small library preloaded into a
// process (LD_PRELOAD) answers EIO to every read of that file reaching past the byte, as a failing
// sector would, while every other file and the start of this one read normally. Built with the
// machine's C compiler; null where there is none (the tests that need it say they were skipped).

const SOURCE = String.raw`
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* WARDEN_EIO_THIS_PROCESS_ONLY: the reads fail in the process started with it and in none it starts
   (a disk that failed for a moment: read again from another process, the file reads whole). The
   settings are kept here and taken out of the environment before the program runs. */
static char *onlyPath, *onlySuffix, *onlyFrom;
static int thisProcessOnly = 0;
static char *kept(const char *name) { const char *v = getenv(name); return v ? strdup(v) : NULL; }
__attribute__((constructor)) static void keepForThisProcess(void) {
  if (!getenv("WARDEN_EIO_THIS_PROCESS_ONLY")) return;
  thisProcessOnly = 1;
  onlyPath = kept("WARDEN_EIO_PATH"); onlySuffix = kept("WARDEN_EIO_SUFFIX"); onlyFrom = kept("WARDEN_EIO_FROM");
  unsetenv("WARDEN_EIO_PATH"); unsetenv("WARDEN_EIO_SUFFIX"); unsetenv("WARDEN_EIO_FROM"); unsetenv("WARDEN_EIO_THIS_PROCESS_ONLY");
}

static int failing(int fd, off_t offset, size_t count) {
  const char *path = thisProcessOnly ? onlyPath : getenv("WARDEN_EIO_PATH");
  const char *suffix = thisProcessOnly ? onlySuffix : getenv("WARDEN_EIO_SUFFIX");
  const char *from = thisProcessOnly ? onlyFrom : getenv("WARDEN_EIO_FROM");
  if (!path && !suffix) return 0;
  /* Only a read that would return bytes past the failing one: the file may be shorter than the read asks. */
  struct stat st;
  off_t end = offset + (off_t)count;
  if (!from || fstat(fd, &st) != 0 || (st.st_size < end ? st.st_size : end) <= (off_t)atoll(from)) return 0;
  char link[64], target[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n < 0) return 0;
  target[n] = 0;
  if (path) return strcmp(target, path) == 0;
  size_t length = strlen(target), ending = strlen(suffix);
  return length >= ending && strcmp(target + length - ending, suffix) == 0;
}

static size_t total(const struct iovec *iov, int n) {
  size_t sum = 0;
  for (int i = 0; i < n; i++) sum += iov[i].iov_len;
  return sum;
}

#define REAL(name) static __typeof__(name) *real; if (!real) real = dlsym(RTLD_NEXT, #name)
#define EIO_IF(condition) if (condition) { errno = EIO; return -1; }

ssize_t pread(int fd, void *buf, size_t count, off_t offset) { REAL(pread); EIO_IF(failing(fd, offset, count)); return real(fd, buf, count, offset); }
ssize_t pread64(int fd, void *buf, size_t count, off_t offset) { REAL(pread64); EIO_IF(failing(fd, offset, count)); return real(fd, buf, count, offset); }
ssize_t preadv(int fd, const struct iovec *iov, int n, off_t offset) { REAL(preadv); EIO_IF(failing(fd, offset, total(iov, n))); return real(fd, iov, n, offset); }
ssize_t preadv64(int fd, const struct iovec *iov, int n, off_t offset) { REAL(preadv64); EIO_IF(failing(fd, offset, total(iov, n))); return real(fd, iov, n, offset); }
ssize_t read(int fd, void *buf, size_t count) { REAL(read); EIO_IF(failing(fd, lseek(fd, 0, SEEK_CUR), count)); return real(fd, buf, count); }

/* A disk that takes writes but fails to make them durable: fsync of the file named WARDEN_EIO_FSYNC_PATH
   answers EIO (only the first WARDEN_EIO_FSYNC_TIMES times, where that is set: a passing fault). */
static int syncsFailed = 0;
static int failingSync(int fd) {
  const char *path = getenv("WARDEN_EIO_FSYNC_PATH");
  const char *times = getenv("WARDEN_EIO_FSYNC_TIMES");
  if (!path || (times && syncsFailed >= atoi(times))) return 0;
  char link[64], target[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n < 0) return 0;
  target[n] = 0;
  if (strcmp(target, path) != 0) return 0;
  syncsFailed++;
  return 1;
}

int fsync(int fd) { REAL(fsync); EIO_IF(failingSync(fd)); return real(fd); }
int fdatasync(int fd) { REAL(fdatasync); EIO_IF(failingSync(fd)); return real(fd); }
`;

/** Whether this machine has a C compiler to build the library with. */
export const canBuildFailingReads = spawnSync('cc', ['--version']).status === 0;

/** The compiled library, or null when this machine cannot build it. */
export function buildFailingReads(): string | null {
  const dir = tempDir();
  writeFileSync(join(dir, 'failing-reads.c'), SOURCE);
  const library = join(dir, 'failing-reads.so');
  const built = spawnSync('cc', ['-shared', '-fPIC', '-O1', '-o', library, join(dir, 'failing-reads.c'), '-ldl'], { encoding: 'utf8' });
  return built.status === 0 ? library : null;
}

/** The environment under which a process's fsync of `path` fails with EIO (its writes themselves succeed): always, or its first `times`. */
export function failingSyncEnv(library: string, path: string, times?: number): Record<string, string> {
  return { LD_PRELOAD: library, WARDEN_EIO_FSYNC_PATH: realpathSync(path), ...(times === undefined ? {} : { WARDEN_EIO_FSYNC_TIMES: String(times) }) };
}

/**
 * The environment under which a process's reads of `path` (or of every file whose name ends with `{ suffix }`) past byte `from` fail with EIO:
 * in every process it starts too (a failing disk), or, `{ thisProcessOnly: true }`, in that process alone (a disk that failed for a moment).
 */
export function failingReadsEnv(
  library: string,
  path: string | { suffix: string },
  from: number,
  options: { thisProcessOnly?: boolean } = {},
): Record<string, string> {
  const which: Record<string, string> = typeof path === 'string' ? { WARDEN_EIO_PATH: realpathSync(path) } : { WARDEN_EIO_SUFFIX: path.suffix };
  return { LD_PRELOAD: library, ...which, WARDEN_EIO_FROM: String(from), ...(options.thisProcessOnly ? { WARDEN_EIO_THIS_PROCESS_ONLY: '1' } : {}) };
}
