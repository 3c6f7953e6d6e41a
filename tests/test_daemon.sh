#!/usr/bin/env bash
# test_daemon.sh -- sohoad's staged pipeline end to end, through the real
# binaries: SANE's pnm and test backends (project-local SANE_CONFIG_DIR),
# real Tesseract, real bundles and a real SQLite index.  The front desk
# (scan -> bundle -> search without diacritics), pipelining (a page
# recognized while the feeder runs), cancel, status, and kill -9 of sohoad
# inside each stage (capture, OCR, packing, indexing) followed by a
# restart: every page once, bundles verify, search agrees with a reindex.
#
# SOHOA_TEST_STALL (test-only, see cli_test_stall) makes a stage sleep at
# a fixed point so the kill lands inside it.
set -u
BIN=${SOHOA_BIN:?set SOHOA_BIN to the sohoa binary}
SOHOAD=$(dirname "$BIN")/sohoad
DATA=$(cd "$(dirname "$0")/data" && pwd)
: "${SANE_CONFIG_DIR:=$DATA/sane}"
export SANE_CONFIG_DIR
unset SOHOA_CONFIG SOHOA_TEST_STALL
T=$(mktemp -d /tmp/sohoa-test-daemon-XXXXXX)
. "$(dirname "$0")/lib.sh"
dpid=
cleanup() {
	[ -n "$dpid" ] && kill -9 "$dpid" 2>/dev/null
	# scan children of a killed sohoad: only ours, by pid
	for p in $(cat "$T/children" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	[ "$fail" -gt 0 ] && sed 's/^/    log: /' "$T/sohoad.log" | tail -60
	rm -rf "$T"
}
trap cleanup EXIT

data_conf "$T/sohoa.conf"
cat >>"$T/sohoa.conf" <<CONF
[station]
name = test-station
operator = tester
[hotfolder]
stable_seconds = 1
poll_seconds = 1
[server]
socket = data/ctl.sock
[review]
path = data/review
[batch]
reports = data/reports
CONF
C=(--config "$T/sohoa.conf")
mkdir -p "$T/data/hot"
pngtopnm "$DATA/text_vi.png" >"$T/page.pgm" 2>/dev/null

start_daemon() { # [ENV=VALUE...]
	env "$@" "$SOHOAD" --config "$T/sohoa.conf" -v 2>>"$T/sohoad.log" >/dev/null &
	dpid=$!
	for _ in $(seq 100); do [ -S "$T/data/ctl.sock" ] && break; sleep 0.1; done
}
stop_daemon() {
	kill -TERM "$dpid"
	wait "$dpid"
	drc=$?
	dpid=
}
kill9_daemon() {
	# remember the scan children: they outlive sohoad by design
	"$BIN" "${C[@]}" status --json 2>/dev/null |
		jq -r '.scans.list[] | select(.state=="running") | .pid' >>"$T/children"
	kill -9 "$dpid"
	wait "$dpid" 2>/dev/null
	dpid=
}
status_json() { "$BIN" "${C[@]}" status --json 2>/dev/null; }
wait_idle() { # SECONDS
	for _ in $(seq $(($1 * 4))); do
		[ "$(status_json | jq -r .idle)" = true ] && return 0
		sleep 0.25
	done
	return 1
}
wait_log() { # PATTERN SECONDS
	for _ in $(seq $(($2 * 10))); do
		grep -qF -- "$1" "$T/sohoad.log" && return 0
		sleep 0.1
	done
	return 1
}
bundle() { echo "$T/data/archive/$1.zip"; }
npages() { unzip -p "$(bundle "$1")" "$1/data/metadata.json" 2>/dev/null | jq '.pages | length'; }
cases() { jq -s -c '[.[] | .. | .case_number? // empty] | unique'; }
journaled() { cat "$T"/data/spool/*/journal.jsonl 2>/dev/null | grep -c '"rec":"page"'; }

# --- no daemon: status says so and shows the spool, exit 3 ----------------
run "$BIN" "${C[@]}" status
expect_rc "status without sohoad is an environment failure" 3
expect_in "it says sohoad is not running" "$err" "sohoad is not running"
expect_in "it says how to fix it" "$err" "start sohoad"
run "$BIN" "${C[@]}" status --json
expect_rc "status --json without sohoad exits 3 too" 3
expect_eq "status --json says daemon false" "$(printf '%s' "$out" | jq -r .daemon)" false

# --- front desk: scan through sohoad, find the case without diacritics ----
CASE1=000.00.22.H27-250801-0001
start_daemon
run "$BIN" "${C[@]}" scan --daemon --case "$CASE1" --device pnm:0 --set filename="$T/page.pgm"
expect_rc "scan --daemon queues the front-desk scan" 0
expect_in "it names the request" "$out" "queued as r1"
wait_idle 120 && ok "sohoad goes idle after the scan" || not_ok "sohoad goes idle after the scan ($(tail -5 "$T/sohoad.log"))"
[ -s "$(bundle "$CASE1")" ] && ok "the scan is filed in its case's bundle" ||
	not_ok "the scan is filed in its case's bundle ($(tail -5 "$T/sohoad.log"))"
expect_absent "the filed job leaves the spool" "$T/data/spool"
run "$BIN" "${C[@]}" search nguyen thi lien
expect_rc "search exits 0" 0
expect_in "search without diacritics finds the case" "$out" "$CASE1"
run "$BIN" "${C[@]}" verify "$(bundle "$CASE1")"
expect_rc "the bundle verifies" 0
expect_in "the scan child ran capture-only" "$(cat "$T/sohoad.log")" "[r1] case $CASE1: 1 page captured in job"
s=$(status_json)
for k in queues.ocr.depth queues.ocr.capacity queues.spool_pages_waiting queues.pack queues.index \
	workers.busy workers.total scans.queued scans.running \
	'pages_per_minute.recognized["1min"]' 'pages_per_minute.filed["10min"]' totals.filed_pages; do
	v=$(printf '%s' "$s" | jq -r ".$k")
	[ "$v" != null ] && [ -n "$v" ] && ok "status --json has $k" || not_ok "status --json has $k ($s)"
done
expect_eq "status counts the filed page" "$(printf '%s' "$s" | jq -r .totals.filed_pages)" 1
expect_eq "status shows 2 OCR workers" "$(printf '%s' "$s" | jq -r .workers.total)" 2
run "$BIN" "${C[@]}" status
expect_rc "status exits 0 with sohoad running" 0
expect_in "status prints the queues" "$out" "queues: OCR 0/4"
expect_in "status prints pages per minute" "$out" "pages per minute: recognized"

# --- pipelining: pages recognized while the feeder still runs -------------
CASE2=000.00.22.H27-250801-0002
SLOW=(--set read-limit=yes --set read-limit-size=2000 --set read-delay=yes --set read-delay-duration=30000)
run "$BIN" "${C[@]}" scan --daemon --case "$CASE2" --device test:0 --source adf --dpi 50 --mode gray "${SLOW[@]}"
expect_rc "an ADF scan is queued" 0
wait_idle 180 && ok "the ADF scan is filed" || not_ok "the ADF scan is filed ($(tail -5 "$T/sohoad.log"))"
expect_eq "all 10 sheets are in the bundle" "$(npages "$CASE2")" 10
w=$(status_json | jq -r .totals.recognized_while_capturing)
[ "${w:-0}" -ge 1 ] && ok "pages were recognized while capture ran ($w)" ||
	not_ok "pages were recognized while capture ran ($w)"
first_ocr=$(grep -n "recognized.*while capturing" "$T/sohoad.log" | head -1 | cut -d: -f1)
captured=$(grep -n "\[r2\] case $CASE2: 10 pages captured" "$T/sohoad.log" | head -1 | cut -d: -f1)
[ -n "$first_ocr" ] && [ -n "$captured" ] && [ "$first_ocr" -lt "$captured" ] &&
	ok "the log shows a page recognized before capture ended" ||
	not_ok "the log shows a page recognized before capture ended ($first_ocr, $captured)"

# --- cancel: a queued scan is dropped, a running one stops at a page --------
CASE3=000.00.22.H27-250801-0003
CASE4=000.00.22.H27-250801-0004
VSLOW=(--set read-limit=yes --set read-limit-size=1000 --set read-delay=yes --set read-delay-duration=100000)
run "$BIN" "${C[@]}" scan --daemon --case "$CASE3" --device test:0 --source adf --dpi 50 --mode gray "${VSLOW[@]}"
r3=$(printf '%s' "$out" | sed -n 's/queued as \(r[0-9]*\).*/\1/p')
run "$BIN" "${C[@]}" scan --daemon --case "$CASE4" --device test:0 --source adf --dpi 50 --mode gray
r4=$(printf '%s' "$out" | sed -n 's/queued as \(r[0-9]*\).*/\1/p')
cancel() { printf '{"cmd":"cancel","id":"%s"}\n' "$1" | python3 -c '
import socket,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())
print(s.recv(65536).decode().strip())' "$T/data/ctl.sock"; }
reply=$(cancel "$r4")
expect_eq "cancel of a queued scan drops it" "$(printf '%s' "$reply" | jq -r .state)" cancelled
for _ in $(seq 300); do [ "$(journaled)" -ge 1 ] && break; sleep 0.1; done
reply=$(cancel "$r3")
expect_eq "cancel of a running scan stops it at a page" "$(printf '%s' "$reply" | jq -r .state)" stopping
reply=$(cancel r999)
expect_eq "cancel of an unknown request is refused" "$(printf '%s' "$reply" | jq -r .ok)" false
wait_idle 120 && ok "sohoad is idle after the cancels" || not_ok "sohoad is idle after the cancels"
n3=$(npages "$CASE3")
[ "${n3:-0}" -ge 1 ] && [ "${n3:-0}" -lt 10 ] && ok "the cancelled scan files what it scanned ($n3 pages)" ||
	not_ok "the cancelled scan files what it scanned (${n3:-none})"
[ ! -e "$(bundle "$CASE4")" ] && ok "the cancelled queued scan never ran" || not_ok "the cancelled queued scan never ran"
run "$BIN" "${C[@]}" jobs
expect_in "jobs shows the queued scan cancelled" "$out" "$r4	done"
stop_daemon
[ "$drc" -eq 0 ] && ok "SIGTERM stops sohoad cleanly" || not_ok "SIGTERM stops sohoad cleanly (exit $drc)"

# --- kill -9 inside each stage, then restart --------------------------------
# capture: the scan child and sohoad both die mid-feed; the restarted
# sohoad resumes the job on its device (an ADF feeds 10 more sheets)
CASE5=000.00.22.H27-250801-0005
start_daemon
run "$BIN" "${C[@]}" scan --daemon --case "$CASE5" --device test:0 --source adf --dpi 50 --mode gray "${VSLOW[@]}"
for _ in $(seq 300); do [ "$(journaled)" -ge 2 ] && break; sleep 0.1; done
child=$(status_json | jq -r '.scans.list[] | select(.state=="running") | .pid')
kill -9 "$child" "$dpid"
wait "$dpid" 2>/dev/null
dpid=
sleep 0.3
k=$(journaled)
[ "$k" -ge 2 ] && ok "capture was cut short after $k pages" || not_ok "capture was cut short ($k pages)"
start_daemon
wait_log "interrupted scan of case $CASE5" 20 && ok "the restarted sohoad resumes the interrupted scan" ||
	not_ok "the restarted sohoad resumes the interrupted scan ($(tail -5 "$T/sohoad.log"))"
wait_idle 180 && ok "the resumed scan is filed" || not_ok "the resumed scan is filed"
expect_eq "every captured page once: $k before the kill + 10 after" "$(npages "$CASE5")" $((k + 10))

# capture again, but only sohoad dies: its scan child ignores SIGPIPE and
# feeds to the end; the restarted sohoad recognizes its pages meanwhile
# and files the job once the child lets go of it
CASE6=000.00.22.H27-250801-0006
run "$BIN" "${C[@]}" scan --daemon --case "$CASE6" --device test:0 --source adf --dpi 50 --mode gray "${VSLOW[@]}"
for _ in $(seq 300); do [ "$(journaled)" -ge 2 ] && break; sleep 0.1; done
kill9_daemon
start_daemon
wait_idle 180 && ok "the scan that outlived sohoad is filed" || not_ok "the scan that outlived sohoad is filed"
expect_eq "all 10 sheets of it, once" "$(npages "$CASE6")" 10

# OCR, packing, indexing: distinct pages from the hot folder, each killed
# inside one stage; the masters in the bundle must be the files dropped,
# each exactly once
i=0
for stage in ocr pack index; do
	i=$((i + 1))
	CASE=000.00.22.H27-250802-000$i
	stop_daemon
	start_daemon SOHOA_TEST_STALL=$stage:30
	src="$T/src-$stage"
	mkdir -p "$src"
	# distinct content per stage (the hot folder stores a file once)
	pngtopnm "$DATA/text_vi.png" | pnmpad -white -left $i | pnmtopng >"$src/${CASE}__Đơn.png" 2>/dev/null
	pngtopnm "$DATA/one_line.png" | pnmpad -white -top $i | pnmtopng >"$src/${CASE}__Tờ khai.png" 2>/dev/null
	cp "$src"/* "$T/data/hot/"
	wait_log "test stall: $stage" 60 && ok "a job reached the $stage stage" ||
		not_ok "a job reached the $stage stage ($(tail -5 "$T/sohoad.log"))"
	kill9_daemon
	start_daemon
	wait_idle 180 && ok "after kill -9 in $stage, the restarted sohoad finishes" ||
		not_ok "after kill -9 in $stage, the restarted sohoad finishes ($(tail -5 "$T/sohoad.log"))"
	expect_eq "kill -9 in $stage: every page exactly once" "$(npages "$CASE")" 2
	want=$(sha256sum "$src"/* | cut -d' ' -f1 | sort | tr '\n' ' ')
	got=$(for e in $(unzip -Z1 "$(bundle "$CASE")" | grep -E '^[^/]+/data/[^/]+/[0-9]{4}\.png$'); do
		unzip -p "$(bundle "$CASE")" "$e" | sha256sum | cut -d' ' -f1; done | sort | tr '\n' ' ')
	expect_eq "kill -9 in $stage: the masters are the pages dropped" "$got" "$want"
	expect_absent "kill -9 in $stage: nothing left in the spool" "$T/data/spool"
done
stop_daemon

# --- [server] drain_seconds: SIGTERM waits that long for the work in hand,
# then stops; what is left stays in the spool and is filed at the next start
CASE8=000.00.22.H27-250803-0008
cp "$T/sohoa.conf" "$T/undrained.conf"
sed -i 's|^socket = data/ctl.sock$|socket = data/ctl.sock\ndrain_seconds = 1|' "$T/sohoa.conf"
stalls=$(grep -c "test stall: ocr" "$T/sohoad.log") # the log holds earlier runs
start_daemon SOHOA_TEST_STALL=ocr:6
pngtopnm "$DATA/text_vi.png" | pnmpad -white -left 8 | pnmtopng >"$T/data/hot/$CASE8.png" 2>/dev/null
for _ in $(seq 600); do [ "$(grep -c "test stall: ocr" "$T/sohoad.log")" -gt "$stalls" ] && break; sleep 0.1; done
[ "$(grep -c "test stall: ocr" "$T/sohoad.log")" -gt "$stalls" ] && ok "drain_seconds = 1: a page is in OCR at SIGTERM" ||
	not_ok "drain_seconds = 1: a page is in OCR at SIGTERM ($(tail -5 "$T/sohoad.log"))"
t0=$(date +%s)
stop_daemon
t1=$(date +%s)
[ "$drc" -eq 0 ] && ok "drain_seconds = 1: SIGTERM stops sohoad cleanly" ||
	not_ok "drain_seconds = 1: SIGTERM stops sohoad cleanly (exit $drc)"
expect_in "drain_seconds = 1: it stops with the page unfiled and says so" "$(cat "$T/sohoad.log")" \
	"stopping with work left in the spool"
[ $((t1 - t0)) -le 20 ] && ok "drain_seconds = 1: it stops without waiting for the job ($((t1 - t0)) s)" ||
	not_ok "drain_seconds = 1: it stops without waiting for the job ($((t1 - t0)) s)"
[ -n "$(ls "$T/data/spool" 2>/dev/null)" ] && ok "drain_seconds = 1: the job stays in the spool" ||
	not_ok "drain_seconds = 1: the job stays in the spool"
[ ! -e "$(bundle "$CASE8")" ] && ok "drain_seconds = 1: nothing filed yet" || not_ok "drain_seconds = 1: nothing filed yet"
cp "$T/undrained.conf" "$T/sohoa.conf"
start_daemon
wait_idle 120 && ok "the next start files the job left by the drain" || not_ok "the next start files the job left by the drain"
expect_eq "the job left by the drain is filed once" "$(npages "$CASE8")" 1
stop_daemon

# --- an OCR failure: logged with job and page, shown by status, the daemon
# keeps serving; after the fix a reload (SIGHUP) files the job -----------
CASE9=000.00.22.H27-250804-0009
cp "$T/sohoa.conf" "$T/good.conf"
sed -i 's|^workers = 2$|workers = 2\nlanguages = xyz|' "$T/sohoa.conf"
start_daemon
cp "$DATA/one_line.png" "$T/data/hot/$CASE9.png"
for _ in $(seq 120); do
	e=$(status_json | jq -r '.errors[-1].message // empty')
	[ -n "$e" ] && break
	sleep 0.25
done
expect_in "status shows the OCR failure among the last errors" "$e" "page 1 ("
expect_in "the message names the missing traineddata" "$e" "xyz.traineddata"
j=$(status_json | jq -r '.errors[-1].job')
expect_in "the error carries the job id" "$j" "import-"
expect_eq "the job is set aside as faulted" "$(status_json | jq -r '.jobs[0].stage')" faulted
expect_eq "the daemon keeps serving (idle: nothing it can do)" "$(status_json | jq -r .idle)" true
expect_eq "status --json: the fault is kept in the spool (stage)" "$(status_json | jq -r '.jobs[0].fault.stage')" ocr
# the fault outlives sohoad: jobs and status read it from the spool
stop_daemon
expect_eq "sohoad stops (exit 0) with a faulted job in the spool" "$drc" 0
run "$BIN" "${C[@]}" jobs
expect_rc "jobs without sohoad" 0
expect_in "jobs without sohoad: the job is faulted" "$(grep "$CASE9" "$T/out")" "	faulted	1	$CASE9"
expect_in "jobs without sohoad: the OCR fault and its message" "$(grep "$CASE9" "$T/out")" "ocr fault at "
expect_in "jobs without sohoad: the message names the missing traineddata" "$(grep "$CASE9" "$T/out")" "xyz.traineddata"
run "$BIN" "${C[@]}" status
expect_rc "status without sohoad exits 3" 3
expect_in "status without sohoad lists the job with its fault" "$(cat "$T/out")" "ocr fault at "
f=$("$BIN" "${C[@]}" status --json 2>/dev/null | jq -c --arg c "$CASE9" '.spool[] | select(.case == $c) | .fault')
expect_eq "status --json without sohoad: the fault's stage" "$(jq -r .stage <<<"$f")" ocr
expect_in "status --json without sohoad: the fault's message" "$(jq -r .message <<<"$f")" "xyz.traineddata"
expect_in "status --json without sohoad: the fault's time" "$(jq -r .time <<<"$f")" "T"
# a restart tries the job again (same fault: the configuration is still
# wrong); status shows the kept fault meanwhile
start_daemon SOHOA_TEST_STALL=index:4
for _ in $(seq 120); do
	[ "$(status_json | jq -r '.jobs[0].stage')" = faulted ] && break
	sleep 0.25
done
expect_eq "after a restart the job faults again" "$(status_json | jq -r '.jobs[0].stage')" faulted
expect_in "after a restart status shows the kept fault" "$(status_json | jq -r '.jobs[0].fault.message')" "xyz.traineddata"
cp "$T/good.conf" "$T/sohoa.conf"
stalls=$(grep -c "test stall: index" "$T/sohoad.log")
kill -HUP "$dpid"
wait_log "configuration reloaded" 10
# packed, held in the index stage: the fault is gone with the bundle write
for _ in $(seq 1200); do
	[ "$(grep -c "test stall: index" "$T/sohoad.log")" -gt "$stalls" ] && break
	sleep 0.1
done
run "$BIN" "${C[@]}" jobs
expect_eq "once in the bundle the job is being indexed" \
	"$(status_json | jq -r --arg c "$CASE9" '.jobs[] | select(.case == $c) | .stage')" indexing
expect_in "jobs lists it (held by sohoad's indexer)" "$(grep "$CASE9" "$T/out")" "	running	1	$CASE9"
expect_eq "once in the bundle the fault is cleared (jobs)" "$(grep "$CASE9" "$T/out" | grep -c 'fault at')" 0
expect_eq "once in the bundle the fault is cleared (status)" \
	"$(status_json | jq -r --arg c "$CASE9" '[.jobs[] | select(.case == $c) | .fault] | map(select(. != null)) | length')" 0
sleep 1
wait_idle 120 && ok "after the fix and a reload the job is filed" || not_ok "after the fix and a reload the job is filed"
expect_eq "the faulted job's page is filed once" "$(npages "$CASE9")" 1
expect_absent "the spool is empty once filed" "$T/data/spool"
stop_daemon

# --- a result stack dropped in the batch folder: sohoad runs it as a batch
BA=H27.151-251008-090123
pages=()
for f in "$DATA"/batch/*.png; do
	pngtopnm "$f" 2>/dev/null | pnmtotiff -g4 >"$T/b-$(basename "$f" .png).tif" 2>/dev/null
	pages+=("$T/b-$(basename "$f" .png).tif")
done
tiffcp "${pages[@]}" "$T/stack.tif" 2>/dev/null
start_daemon
mkdir -p "$T/data/hot/ket-qua"
cp "$T/stack.tif" "$T/data/hot/ket-qua/.part" && mv "$T/data/hot/ket-qua/.part" "$T/data/hot/ket-qua/stack.tif"
wait_log "batch folder: stack.tif" 180 && ok "sohoad runs a stack dropped in the batch folder" ||
	not_ok "sohoad runs a stack dropped in the batch folder ($(tail -5 "$T/sohoad.log"))"
[ ! -e "$T/data/hot/ket-qua/stack.tif" ] && ok "the stack leaves the batch folder once filed" ||
	not_ok "the stack leaves the batch folder once filed"
expect_eq "its result for case $BA is in the bundle" \
	"$(unzip -p "$(bundle "$BA")" "$BA/data/metadata.json" 2>/dev/null | jq '[.pages[] | select(.kind == "result")] | length')" 2
[ "$(ls "$T/data/review" | grep -vc '\.why$')" -ge 1 ] && ok "its page before the first code waits in review" ||
	not_ok "its page before the first code waits in review"
stop_daemon

# --- consistency: every bundle verifies, the index agrees with a reindex ---
run "$BIN" "${C[@]}" verify --all
expect_rc "verify --all passes" 0
sed -e 's|^path = data/index.sqlite$|path = data/fresh.sqlite|' "$T/sohoa.conf" >"$T/fresh.conf"
run "$BIN" --config "$T/fresh.conf" reindex
expect_rc "a reindex into a fresh index works" 0
for q in "nguyen thi lien" "thach ha" "giay chung nhan"; do
	a=$("$BIN" "${C[@]}" search --json $q 2>/dev/null | cases)
	b=$("$BIN" --config "$T/fresh.conf" search --json $q 2>/dev/null | cases)
	[ -n "$a" ] && [ "$a" = "$b" ] && ok "search '$q' agrees with a fresh reindex" ||
		not_ok "search '$q' agrees with a fresh reindex ($a vs $b)"
done
n=$("$BIN" "${C[@]}" search --json nguyen thi lien 2>/dev/null | cases | jq length)
[ "${n:-0}" -ge 4 ] && ok "every case holding the name is findable ($n)" || not_ok "every case holding the name is findable ($n)"

# under ASan/UBSan a sohoad report would land in its log
grep -qE "Sanitizer|runtime error" "$T/sohoad.log" && not_ok "sohoad's log holds no sanitizer report" ||
	ok "sohoad's log holds no sanitizer report"

finish
