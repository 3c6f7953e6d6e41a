#!/usr/bin/env bash
# index_bench.sh -- the search index at scale: ingest pages/s, index bytes
# per page, and p50/p95/p99 latency per query class next to a plain FTS5
# MATCH on the same tables (the floor), as a ratio.
#   bench/index_bench.sh [PAGES] [QUERIES_PER_CLASS]   (default 1000000 200)
# The database goes to ${SOHOA_BENCH_DIR:-/tmp}/sohoa-index-bench/ (about
# 1.7 KB per page) and is removed afterwards unless SOHOA_BENCH_KEEP=1.
set -eu
cd "$(dirname "$0")/.."
N=${1:-1000000}
Q=${2:-200}
BENCH=${SOHOA_INDEX_BENCH:-build/bench/index_bench}
[ -x "$BENCH" ] || { echo "build first: cmake --build build" >&2; exit 3; }
DIR=${SOHOA_BENCH_DIR:-/tmp}/sohoa-index-bench
mkdir -p "$DIR"
[ "${SOHOA_BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$DIR"' EXIT
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# sqlite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1), $N pages, $Q queries per class"
"$BENCH" "$DIR/index.sqlite" "$N" "$Q"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
