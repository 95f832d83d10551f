// What glibc has and Swift's Glibc module leaves out. Empty elsewhere.
#if __has_include(<malloc.h>)
// malloc's tuning (mallopt).
#include <malloc.h>
#endif

#if defined(__linux__)
#include <sys/types.h>

// fallocate(2) is declared only under _GNU_SOURCE, which the Glibc module is built without.
extern int fallocate(int fd, int mode, off_t offset, off_t len);

/// Frees the file's blocks in [offset, offset + length), its size unchanged (the range reads
/// back as zeros): FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE. 0, or -1 with errno set
/// (EOPNOTSUPP where the file system cannot).
static inline int parley_punch_hole(int fd, off_t offset, off_t length) {
    return fallocate(fd, 0x02 | 0x01, offset, length);
}
#endif
