// Only includes LMDB's header: everything Parley needs imports into Swift as is.
#include <lmdb.h>
