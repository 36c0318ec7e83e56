// The physical reference of bench/store-speed: COUNT transactions, each a single-row INSERT of a vote_cast event
// and its COMMIT, in a tight loop through SQLite's C API, with the pragmas of metagovd's writer connection
// (WAL, synchronous = FULL, foreign keys on). Prints transactions/s and the latency of one transaction (p50, p99).
//
//   cc -O2 -o sqlite-commit-loop bench/sqlite-commit-loop.c -lsqlite3
//   sqlite-commit-loop DATABASE COUNT
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "sqlite-commit-loop: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 3 || atoi(argv[2]) <= 0) {
        fprintf(stderr, "usage: sqlite-commit-loop DATABASE COUNT\n");
        return 2;
    }
    int count = atoi(argv[2]);
    sqlite3 *db;
    check(sqlite3_open(argv[1], &db), db, "open");
    check(sqlite3_exec(db,
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;"
        "CREATE TABLE IF NOT EXISTS community (slug TEXT PRIMARY KEY NOT NULL, readable_name TEXT NOT NULL,"
        "  created_at REAL NOT NULL, updated_at REAL NOT NULL);"
        "CREATE TABLE IF NOT EXISTS event (cursor INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  community TEXT NOT NULL REFERENCES community(slug) ON DELETE CASCADE, source TEXT NOT NULL,"
        "  plugin_id INTEGER NOT NULL, event_type TEXT NOT NULL, timestamp REAL NOT NULL, data TEXT NOT NULL,"
        "  initiator TEXT NOT NULL);"
        "CREATE INDEX IF NOT EXISTS event_community ON event(community, cursor);"
        "INSERT OR IGNORE INTO community VALUES ('bench', 'Bench', 0, 0);",
        NULL, NULL, NULL), db, "schema");
    sqlite3_stmt *begin, *insert, *commit;
    check(sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL), db, "prepare BEGIN");
    check(sqlite3_prepare_v2(db,
        "INSERT INTO event (community, source, plugin_id, event_type, timestamp, data, initiator)"
        " VALUES ('bench', 'poll', 1, 'vote_cast', ?, ?, ?)", -1, &insert, NULL), db, "prepare INSERT");
    check(sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL), db, "prepare COMMIT");
    double *latencies = malloc(sizeof(double) * (size_t)count);
    char data[160], initiator[96];
    double start = now_seconds();
    for (int i = 0; i < count; i++) {
        double t0 = now_seconds();
        snprintf(data, sizeof data, "{\"process_id\":1,\"voter\":\"voter-%d\",\"option\":\"a\",\"previous_option\":null}", i);
        snprintf(initiator, sizeof initiator, "{\"user_id\":\"voter-%d\",\"provider\":\"poll\"}", i);
        check(sqlite3_step(begin), db, "BEGIN");
        sqlite3_reset(begin);
        sqlite3_bind_double(insert, 1, t0);
        sqlite3_bind_text(insert, 2, data, -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 3, initiator, -1, SQLITE_STATIC);
        check(sqlite3_step(insert), db, "INSERT");
        sqlite3_reset(insert);
        check(sqlite3_step(commit), db, "COMMIT");
        sqlite3_reset(commit);
        latencies[i] = now_seconds() - t0;
    }
    double elapsed = now_seconds() - start;
    qsort(latencies, (size_t)count, sizeof(double), by_value);
    // Nearest rank, in ms.
    double p50 = latencies[(count * 50 + 99) / 100 - 1] * 1000, p99 = latencies[(count * 99 + 99) / 100 - 1] * 1000;
    printf("{\"transactions\": %d, \"seconds\": %.3f, \"rps\": %.1f, \"p50\": %.4f, \"p99\": %.4f}\n", count, elapsed,
           count / elapsed, p50, p99);
    sqlite3_finalize(begin);
    sqlite3_finalize(insert);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    free(latencies);
    return 0;
}
