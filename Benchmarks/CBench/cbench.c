#include "cbench.h"

#include <lmdb.h>
#include <sqlite3.h>
#include <yaml.h>
#include <stdio.h>
#include <stdlib.h>

struct cbench_lmdb {
    MDB_env *env;
    MDB_dbi dbi;
};

cbench_lmdb *cbench_lmdb_open(const char *dir, size_t map_size, char *error, size_t error_size) {
    cbench_lmdb *bench = calloc(1, sizeof *bench);
    if (!bench) return NULL;
    int rc = mdb_env_create(&bench->env);
    if (rc == 0) rc = mdb_env_set_mapsize(bench->env, map_size);
    if (rc == 0) rc = mdb_env_open(bench->env, dir, MDB_NOTLS, 0644);
    if (rc == 0) {
        MDB_txn *txn;
        rc = mdb_txn_begin(bench->env, NULL, 0, &txn);
        if (rc == 0) rc = mdb_dbi_open(txn, NULL, 0, &bench->dbi);
        if (rc == 0) rc = mdb_txn_commit(txn);
    }
    if (rc != 0) {
        snprintf(error, error_size, "%s", mdb_strerror(rc));
        if (bench->env) mdb_env_close(bench->env);
        free(bench);
        return NULL;
    }
    return bench;
}

int cbench_lmdb_append(cbench_lmdb *bench, uint64_t first_key, const uint8_t *data, const size_t *offsets, size_t count) {
    MDB_txn *txn;
    int rc = mdb_txn_begin(bench->env, NULL, 0, &txn);
    if (rc != 0) return rc;
    for (size_t i = 0; i < count; i++) {
        uint64_t key = first_key + i;
        uint8_t key_bytes[8];
        for (int b = 0; b < 8; b++) key_bytes[b] = (uint8_t)(key >> (56 - 8 * b));
        MDB_val k = {8, key_bytes};
        MDB_val v = {offsets[i + 1] - offsets[i], (void *)(data + offsets[i])};
        rc = mdb_put(txn, bench->dbi, &k, &v, MDB_APPEND);
        if (rc != 0) {
            mdb_txn_abort(txn);
            return rc;
        }
    }
    return mdb_txn_commit(txn);
}

void cbench_lmdb_close(cbench_lmdb *bench) {
    if (!bench) return;
    mdb_env_close(bench->env);
    free(bench);
}

struct cbench_sqlite {
    sqlite3 *db;
    sqlite3_stmt *insert;
};

static int exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL); }

cbench_sqlite *cbench_sqlite_open(const char *path, char *error, size_t error_size) {
    cbench_sqlite *bench = calloc(1, sizeof *bench);
    if (!bench) return NULL;
    int rc = sqlite3_open(path, &bench->db);
    if (rc == SQLITE_OK) rc = exec(bench->db, "PRAGMA journal_mode=WAL");
    if (rc == SQLITE_OK) rc = exec(bench->db, "PRAGMA synchronous=FULL");
    if (rc == SQLITE_OK)
        rc = exec(bench->db,
                  "CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, track TEXT NOT NULL, "
                  "day INTEGER NOT NULL, payload BLOB NOT NULL)");
    if (rc == SQLITE_OK) rc = exec(bench->db, "CREATE INDEX IF NOT EXISTS events_track_day ON events(track, day)");
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(bench->db, "INSERT INTO events(id, track, day, payload) VALUES (?, ?, ?, ?)", -1,
                                &bench->insert, NULL);
    if (rc != SQLITE_OK) {
        snprintf(error, error_size, "%s", bench->db ? sqlite3_errmsg(bench->db) : "cannot open");
        sqlite3_close(bench->db);
        free(bench);
        return NULL;
    }
    return bench;
}

int cbench_sqlite_insert(cbench_sqlite *bench, const char *ids, const size_t *id_offsets, const char *tracks,
                         const size_t *track_offsets, const int32_t *days, const uint8_t *data, const size_t *offsets,
                         size_t count) {
    int rc = exec(bench->db, "BEGIN");
    if (rc != SQLITE_OK) return rc;
    for (size_t i = 0; i < count; i++) {
        sqlite3_bind_text(bench->insert, 1, ids + id_offsets[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(bench->insert, 2, tracks + track_offsets[i], -1, SQLITE_STATIC);
        sqlite3_bind_int(bench->insert, 3, days[i]);
        sqlite3_bind_blob(bench->insert, 4, data + offsets[i], (int)(offsets[i + 1] - offsets[i]), SQLITE_STATIC);
        rc = sqlite3_step(bench->insert);
        sqlite3_reset(bench->insert);
        if (rc != SQLITE_DONE) {
            exec(bench->db, "ROLLBACK");
            return rc;
        }
    }
    return exec(bench->db, "COMMIT");
}

void cbench_sqlite_close(cbench_sqlite *bench) {
    if (!bench) return;
    sqlite3_finalize(bench->insert);
    sqlite3_close(bench->db);
    free(bench);
}

long cbench_yaml_events(const unsigned char *text, size_t length) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return -1;
    yaml_parser_set_input_string(&parser, text, length);
    long events = 0;
    int done = 0;
    while (!done) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            events = -1;
            break;
        }
        events += 1;
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    return events;
}
