#!/usr/bin/env bash
# A daemon cut off from the network while a job runs is detected as lost within 10 s, the
# job still finishes with the exact answer, and when the link comes back the daemon
# registers again cleanly and runs executors of a new job.
#
# The topology is netns_topology.sh's: a manager, three daemons and a driver, each in its
# own namespace behind one bridge. The manager runs with its default worker timeout.
#
#   1. Warm-up jobs cache the job binaries on every daemon.
#   2. examples/slow_job (tasks of known duration, a shuffle, a known answer) runs with
#      one executor per daemon. In the middle of the first wave of its reduce tasks (which
#      fetched map output from every daemon, so connections to daemon 0 are open),
#      daemon 0's link goes down (`ip link set eth0 down` in its namespace): a host that
#      vanishes without closing anything, as when a cable is pulled. The second wave's
#      fetches from daemon 0 then go into connections nobody answers any more.
#   3. The manager must declare daemon 0 lost within 10 s of the cut (measured from the
#      manager's log timestamp). The job must finish, in bounded time, with output equal
#      to local mode's: tasks and map output lost with daemon 0 run again elsewhere, and
#      reduce tasks fetching from daemon 0 fail (and are retried) instead of hanging.
#   4. The link comes back. Daemon 0 must register again: the manager then lists it
#      ALIVE exactly once with all of its resources free (nothing booked twice), no
#      process of the old application survives on it (the manager had already reported
#      its executor removed to the driver, so it must not be adopted back), and the
#      application's files on it are cleaned up.
#   5. A new job (word count: real shuffle data through daemon 0) gets an executor on
#      daemon 0 and gives the exact answer.
#
# Prints the measured detection and re-registration latencies.
#
# Needs root (ip netns, veth, bridge); skipped (exit 77) otherwise.
#
# Usage: netns_link_down_test.sh [BUILD_DIR]   (default: $CENTELLA_BUILD_DIR)
set -u -o pipefail

TEST_NAME=netns-link-down
TEST_TIME_LIMIT=330
# shellcheck source=netns_topology.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_topology.sh"

# The issue's bound: a daemon cut off is treated as lost within this many seconds.
readonly MAX_DETECTION_S=10
# The cut daemon must be registered again this soon after its link is back.
readonly MAX_REREGISTRATION_S=15
# A job must finish this soon; without keepalive, a fetch from the cut host would wait
# for its 5-minute deadline instead.
readonly JOB_TIMEOUT_S=120

CUT=0  # the daemon whose link goes down

netns_create_network
netns_make_secret

SLOW_JOB_BIN="$BUILD/examples/slow_job"
[[ -x "$SLOW_JOB_BIN" ]] || fail "missing binary $SLOW_JOB_BIN (build it first)"

# --- the jobs and their expected outputs (local mode) ----------------------------------
# The job during the cut: 6 map tasks of 300 ms, then 6 reduce tasks of 2 s, on three
# 1-core executors: two waves of each, about 5 s without a cut. Its answer does not depend
# on the times.
readonly PARTITIONS=6 MAP_MS=300 REDUCE_MS=2000
"$SUBMIT_BIN" --master 'local[2]' "$SLOW_JOB_BIN" "$PARTITIONS" 0 "$TMP/local-during" 0 \
  > "$TMP/local-during.log" 2>&1 || fail "the local-mode run of slow_job failed"
# The job after the cut: word count of 6 MB.
"$GEN_BIN" --bytes 6000000 --seed 23 --quiet --out "$TMP/after.txt" > "$TMP/gen-corpus.log" 2>&1 ||
  fail "centella-gen-corpus failed"
head -c 1000000 "$TMP/after.txt" > "$TMP/warmup.txt"
"$SUBMIT_BIN" --master 'local[2]' "$JOB_BIN" "$TMP/after.txt" "$TMP/local-after" \
  > "$TMP/local-after.log" 2>&1 || fail "the local-mode word count failed"
log "local mode: $(cat "$TMP"/local-after/part-* | wc -l) distinct words"

# --- cluster ---------------------------------------------------------------------------
netns_start_manager --ui-port 0
# Line 2 of the address file: the status UI (the file appears once both servers listen).
MANAGER_UI=$(sed -n 2p "$TMP/manager.address")
[[ -n "$MANAGER_UI" ]] || fail "no status UI address on line 2 of $TMP/manager.address"
netns_start_daemons
CUT_NS=$(ns_daemon "$CUT")
CUT_IP=$(daemon_ip "$CUT")
CUT_ID=${DAEMON_ID[$CUT]}
CUT_ADDRESS=${DAEMON_ADDRESS[$CUT]}

# The manager's daemon list (GET /api/v1/daemons), one JSON object per line.
daemons_json() {
  ip netns exec "$NS_MGR" curl -sf --max-time 5 "http://$MANAGER_UI/api/v1/daemons" |
    grep -o '{[^{}]*}'
}
# json_field OBJECT NAME: the value of a string or number field of a flat JSON object.
json_field() {
  grep -o "\"$2\":[^,}]*" <<< "$1" | head -n1 | cut -d: -f2- | tr -d '"'
}
# Seconds since the epoch of a log line's "[YYYY-mm-dd HH:MM:SS.mmm]" timestamp.
log_time() {
  date -d "$(sed -E 's/^\[([0-9-]+ [0-9:.]+)\].*/\1/' <<< "$1")" +%s.%N
}
now() { date +%s.%N; }
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# start_job NAME JOB ARG...: a job in client mode from the driver's namespace, in the
# background (sets JOB_PID). One 1-core executor per daemon (the manager spreads
# executors out by default); small input partitions, so that there are many tasks.
start_job() {
  local name=$1
  shift
  ip netns exec "$NS_DRV" timeout "$JOB_TIMEOUT_S" "$SUBMIT_BIN" \
    --master "centella://$MANAGER_ADDRESS" \
    --secret-file "$SECRET" --conf "centella.driver.host=$DRV_IP" \
    --total-executor-cores 3 --executor-cores 1 --executor-memory 1g \
    --conf centella.files.maxPartitionBytes=512k \
    "$@" > "$TMP/$name.log" 2>&1 &
  JOB_PID=$!
}
# finish_job NAME OUTPUT: waits for the job started last; it must have succeeded.
finish_job() {
  local name=$1 output=$2 rc
  wait "$JOB_PID"
  rc=$?
  [[ $rc -ne 124 ]] || fail "$name: the job did not finish within $JOB_TIMEOUT_S s (it hangs)"
  [[ $rc -eq 0 ]] || fail "$name: the job failed (centella-submit exit code $rc)"
  [[ -f "$output/_SUCCESS" ]] || fail "$name: no _SUCCESS in $output"
}
app_id_of() {
  grep -o "registered application app-[0-9-]*" "$TMP/$1.log" | head -n1 | awk '{print $3}'
}

log "submitting warm-up jobs from $NS_DRV"
start_job warmup "$JOB_BIN" "$TMP/warmup.txt" "$TMP/warmup-out"
finish_job warmup "$TMP/warmup-out"
start_job warmup-slow "$SLOW_JOB_BIN" 6 0 "$TMP/warmup-slow-out" 0
finish_job warmup-slow "$TMP/warmup-slow-out"
netns_wait_for_binaries
log "warm-up jobs finished"

# --- the cut ---------------------------------------------------------------------------
log "submitting slow_job ($PARTITIONS map tasks of $MAP_MS ms, $PARTITIONS reduce tasks of" \
  "$REDUCE_MS ms) from $NS_DRV"
JOB_START=$(now)
start_job during "$SLOW_JOB_BIN" "$PARTITIONS" "$MAP_MS" "$TMP/during-out" "$REDUCE_MS"
# Cut 1 s into the reduce stage: map output is on every daemon, and the first reduce tasks
# have fetched from all of them and are sleeping.
for ((t = 0; t < 600; t++)); do
  grep -q "finished: reduce_by_key (map side)" "$TMP/during.log" && break
  kill -0 "$JOB_PID" 2> /dev/null || fail "the job ended before its map stage finished"
  sleep 0.05
done
grep -q "finished: reduce_by_key (map side)" "$TMP/during.log" ||
  fail "the job's map stage did not finish within 30 s"
grep -q "executor [0-9]* on $CUT_IP ready" "$TMP/during.log" ||
  fail "no executor on daemon $CUT ($CUT_IP) took part in the job"
sleep 1
kill -0 "$JOB_PID" 2> /dev/null || fail "the job finished before the cut: make it longer"
APP_ID=$(app_id_of during)
[[ -n "$APP_ID" ]] || fail "no application id in the driver's log"
LOST_BEFORE=$(grep -c "daemon $CUT_ID at [^ ]* lost" "$TMP/manager.log")
CUT_TIME=$(now)
ip -n "$CUT_NS" link set eth0 down || fail "cannot take eth0 down in $CUT_NS"
log "link of daemon $CUT ($CUT_ADDRESS, $CUT_ID) is down," \
  "$(seconds_between "$JOB_START" "$CUT_TIME") s into the job"

# (a) Detection.
LOST_LINE=""
for ((t = 0; t < 300; t++)); do
  LOST_LINE=$(grep "daemon $CUT_ID at [^ ]* lost" "$TMP/manager.log" | sed -n "$((LOST_BEFORE + 1))p")
  [[ -n "$LOST_LINE" ]] && break
  sleep 0.1
done
[[ -n "$LOST_LINE" ]] || fail "the manager did not declare daemon $CUT lost within 30 s of the cut"
DETECTION_S=$(seconds_between "$CUT_TIME" "$(log_time "$LOST_LINE")")
log "MEASURED detection latency: ${DETECTION_S} s from the cut to the manager declaring" \
  "daemon $CUT lost (bound ${MAX_DETECTION_S} s)"
awk -v d="$DETECTION_S" -v m="$MAX_DETECTION_S" 'BEGIN { exit !(d <= m) }' ||
  fail "daemon $CUT was declared lost ${DETECTION_S} s after the cut, more than ${MAX_DETECTION_S} s"
awk -v d="$DETECTION_S" 'BEGIN { exit !(d > 0) }' ||
  fail "daemon $CUT was declared lost before its link went down: $LOST_LINE"

# (b) The job finishes, with the exact answer.
finish_job during "$TMP/during-out"
JOB_END=$(now)
log "MEASURED job: finished $(seconds_between "$CUT_TIME" "$JOB_END") s after the cut" \
  "($(seconds_between "$JOB_START" "$JOB_END") s in all)"
netns_expect_same_output "$TMP/local-during" "$TMP/during-out" "the job during the cut"
log "output equals local mode's ($(wc -l < "$TMP/got.sorted") keys)"
grep -q "executor [0-9]* lost" "$TMP/during.log" ||
  fail "the driver never lost its executor on daemon $CUT: the cut did not hit the job"
# How the driver coped, for the record: fetch failures, lost executors, lost map output.
grep -E "fetch failed|cannot reach|lost|will run again|failed [0-9]+ times" "$TMP/during.log" |
  sed -E 's/^\[[0-9-]+ ([0-9:.]+)\] \[[a-z-]+\] \[[a-z]+\]/  driver \1/' | cut -c1-200

# While cut off, daemon 0 is not ALIVE in the manager's books.
if daemons_json | grep -F "\"address\":\"$CUT_ADDRESS\"" | grep -q DAEMON_STATE_ALIVE; then
  fail "the manager still lists daemon $CUT ALIVE while its link is down"
fi

# --- the link comes back ---------------------------------------------------------------
REGISTERED_BEFORE=$(grep -c "registered as $CUT_ID" "$TMP/daemon$CUT.log")
MANAGER_REGISTRATIONS_BEFORE=$(grep -c "daemon $CUT_ID \(re-\)\?registered at" "$TMP/manager.log")
UP_TIME=$(now)
ip -n "$CUT_NS" link set eth0 up || fail "cannot bring eth0 up again in $CUT_NS"
log "link of daemon $CUT is up again"

# (c) Re-registration: the daemon's own log says when the manager accepted it.
REREG_LINE=""
for ((t = 0; t < 10 * MAX_REREGISTRATION_S + 100; t++)); do
  REREG_LINE=$(grep "registered as $CUT_ID" "$TMP/daemon$CUT.log" |
    sed -n "$((REGISTERED_BEFORE + 1))p")
  [[ -n "$REREG_LINE" ]] && break
  kill -0 "${DAEMON_PIDS[$CUT]}" 2> /dev/null || fail "daemon $CUT exited"
  sleep 0.1
done
[[ -n "$REREG_LINE" ]] || fail "daemon $CUT did not register again after its link came back"
REREG_S=$(seconds_between "$UP_TIME" "$(log_time "$REREG_LINE")")
log "MEASURED re-registration latency: ${REREG_S} s from the link coming back to daemon" \
  "$CUT registered again (bound ${MAX_REREGISTRATION_S} s)"
awk -v d="$REREG_S" -v m="$MAX_REREGISTRATION_S" 'BEGIN { exit !(d <= m) }' ||
  fail "daemon $CUT registered again ${REREG_S} s after its link came back"
(($(grep -c "daemon $CUT_ID \(re-\)\?registered at" "$TMP/manager.log") > \
  MANAGER_REGISTRATIONS_BEFORE)) || fail "the manager did not log daemon $CUT's new registration"

# Listed exactly once, ALIVE, with everything free: no application runs now, so any
# booking left on it would be a ghost executor or resources counted twice.
sleep 1
DAEMONS_NOW=$(daemons_json) || fail "cannot read the manager's /api/v1/daemons"
[[ $(grep -c . <<< "$DAEMONS_NOW") -eq ${#DAEMONS[@]} ]] ||
  fail "the manager lists $(grep -c . <<< "$DAEMONS_NOW") daemons, not ${#DAEMONS[@]}: $DAEMONS_NOW"
ENTRY=$(grep -F "\"address\":\"$CUT_ADDRESS\"" <<< "$DAEMONS_NOW")
[[ $(grep -c . <<< "$ENTRY") -eq 1 ]] ||
  fail "the manager lists $CUT_ADDRESS $(grep -c . <<< "$ENTRY") times: $DAEMONS_NOW"
for i in "${DAEMONS[@]}"; do
  e=$(grep -F "\"address\":\"${DAEMON_ADDRESS[$i]}\"" <<< "$DAEMONS_NOW")
  [[ $(json_field "$e" state) == DAEMON_STATE_ALIVE ]] || fail "daemon $i is not ALIVE: $e"
  [[ $(json_field "$e" id) == "${DAEMON_ID[$i]}" ]] || fail "daemon $i has another id: $e"
done
[[ $(json_field "$ENTRY" executor_count) == 0 ]] ||
  fail "executors are booked on daemon $CUT after it came back: $ENTRY"
[[ $(json_field "$ENTRY" cores_free) == "$(json_field "$ENTRY" cores_total)" &&
  $(json_field "$ENTRY" memory_free_bytes) == "$(json_field "$ENTRY" memory_total_bytes)" ]] ||
  fail "daemon $CUT's resources are not all free after it came back: $ENTRY"
log "the manager lists daemon $CUT once, ALIVE, $(json_field "$ENTRY" cores_free) cores free"

# No ghost: the executor the old application had on daemon 0 is gone (it ended when its
# driver became unreachable, or the manager had it killed on re-registration), and the
# application's files there are deleted.
grep -q "started executor $APP_ID/" "$TMP/daemon$CUT.log" ||
  fail "daemon $CUT never ran an executor of $APP_ID: the cut did not hit the job"
for ((t = 0; t < 100; t++)); do
  others=$(ip netns pids "$CUT_NS" | grep -vx "${DAEMON_PIDS[$CUT]}" |
    xargs -r ps -o pid=,args= -p 2> /dev/null)
  [[ -z "$others" ]] && break
  sleep 0.1
done
[[ -z "$others" ]] || fail "processes of the old application still run on daemon $CUT: $others"
for ((t = 0; t < 100; t++)); do
  grep -q "cleaned up application $APP_ID" "$TMP/daemon$CUT.log" && break
  sleep 0.1
done
grep -q "cleaned up application $APP_ID" "$TMP/daemon$CUT.log" ||
  fail "daemon $CUT did not clean up $APP_ID, which ended while it was cut off"
[[ ! -e "$TMP/daemon$CUT-work/apps/$APP_ID" ]] ||
  fail "$APP_ID's files are still on daemon $CUT"
log "no executor of $APP_ID survives on daemon $CUT; its files there are cleaned up"
# For the record: what daemon 0 and the manager said about it.
{
  grep -E "$APP_ID/|registered as|register again|heartbeat to the cluster manager" \
    "$TMP/daemon$CUT.log" | sed 's/^/  daemon: /'
  grep -E "daemon $CUT_ID (re-)?registered|daemon $CUT_ID at [^ ]* lost" "$TMP/manager.log" |
    sed 's/^/  manager: /'
} | sed -E 's/\[[0-9-]+ ([0-9:.]+)\] \[[a-z-]+\] \[[a-z]+\]/\1/' | cut -c1-220

# --- a new job uses the returned daemon ------------------------------------------------
log "submitting a new word count"
start_job after "$JOB_BIN" "$TMP/after.txt" "$TMP/after-out"
finish_job after "$TMP/after-out"
netns_expect_same_output "$TMP/local-after" "$TMP/after-out" "the job after the cut"
APP2_ID=$(app_id_of after)
grep -q "started executor $APP2_ID/" "$TMP/daemon$CUT.log" ||
  fail "daemon $CUT launched no executor of the new application $APP2_ID"
grep -q "executor [0-9]* on $CUT_IP ready" "$TMP/after.log" ||
  fail "the executor on daemon $CUT did not become ready in the new job's driver"
log "the new job ($APP2_ID) ran an executor on daemon $CUT; output equals local mode's"

FAILED=0
log "PASS (detection ${DETECTION_S} s, re-registration ${REREG_S} s)"
