// The two baselines parley-bench measures Parley's log against, in plain C: LMDB called
// directly (the limit) and a SQLite table (the peer). Both take the same payload bytes.
#ifndef CBENCH_H
#define CBENCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct cbench_lmdb cbench_lmdb;
typedef struct cbench_sqlite cbench_sqlite;

// Opens (creating) an LMDB environment in `dir` with one database; NULL on failure, with a
// message in `error`.
cbench_lmdb *cbench_lmdb_open(const char *dir, size_t map_size, char *error, size_t error_size);
// Appends `count` payloads, the i-th being data[offsets[i] ..< offsets[i + 1]], under 8-byte
// big-endian keys first_key, first_key + 1…, with MDB_APPEND, in one durable transaction.
// Returns 0 or an LMDB error code.
int cbench_lmdb_append(cbench_lmdb *bench, uint64_t first_key, const uint8_t *data, const size_t *offsets, size_t count);
void cbench_lmdb_close(cbench_lmdb *bench);

// Opens (creating) a SQLite database at `path` in WAL mode with synchronous=FULL and a table
// events(seq INTEGER PRIMARY KEY, id TEXT UNIQUE, track TEXT, day INTEGER, payload BLOB)
// indexed on (track, day). NULL on failure, with a message in `error`.
cbench_sqlite *cbench_sqlite_open(const char *path, char *error, size_t error_size);
// Inserts `count` rows in one transaction. Strings are NUL-terminated, the i-th id starting at
// ids[id_offsets[i]] (likewise tracks); payloads as for cbench_lmdb_append. Returns 0 or a
// SQLite error code.
int cbench_sqlite_insert(cbench_sqlite *bench, const char *ids, const size_t *id_offsets, const char *tracks,
                         const size_t *track_offsets, const int32_t *days, const uint8_t *data, const size_t *offsets,
                         size_t count);
void cbench_sqlite_close(cbench_sqlite *bench);

// Pulls every event libyaml's parser gives for the `length` bytes at `text`, freeing each:
// a fixed piece of work on one core, the largest part of an ingest's, timed around the ingest
// to show how fast the processor is at that moment. Returns the events pulled, or -1 when the
// text is not YAML.
long cbench_yaml_events(const unsigned char *text, size_t length);

#endif
