// glibc's malloc tuning (mallopt), which Glibc's Swift module leaves out. Empty elsewhere.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
