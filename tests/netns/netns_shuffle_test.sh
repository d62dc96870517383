#!/usr/bin/env bash
# A standalone cluster spread over separate network namespaces runs a shuffle job.
#
# The topology is netns_topology.sh's: a manager, three daemons and a driver, each in its
# own namespace behind one bridge. Word count (a shuffle job) runs on this cluster with
# one executor per daemon and 46 map tasks; its output must equal local mode's, and every
# daemon must have run an executor and held map output, so that reduce tasks fetched
# shuffle blocks across the bridge.
#
# Needs root (ip netns, veth, bridge); skipped (exit 77) otherwise.
#
# Usage: netns_shuffle_test.sh [BUILD_DIR]   (default: $CENTELLA_BUILD_DIR)
set -u -o pipefail

TEST_NAME=netns-test
TEST_TIME_LIMIT=150
# shellcheck source=netns_topology.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_topology.sh"

netns_create_network
netns_make_secret

# --- input and the expected output (local mode) ----------------------------------------
CORPUS="$TMP/corpus.txt"
"$GEN_BIN" --bytes 24000000 --seed 11 --quiet --out "$CORPUS" > "$TMP/gen-corpus.log" 2>&1 ||
  fail "centella-gen-corpus failed"
"$SUBMIT_BIN" --master 'local[2]' "$JOB_BIN" "$CORPUS" "$TMP/local-out" > "$TMP/local-run.log" 2>&1 ||
  fail "the local-mode run failed"
LC_ALL=C sort "$TMP"/local-out/part-* > "$TMP/want.txt"
[[ $(wc -l < "$TMP/want.txt") -gt 1000 ]] || fail "the local-mode output has too few words"
log "local mode: $(wc -l < "$TMP/want.txt") distinct words"

# --- cluster ---------------------------------------------------------------------------
netns_start_manager --worker-timeout 10s
netns_start_daemons

# submit NAME INPUT OUTPUT: word count in client mode from the driver's namespace; the
# driver runs inside centella-submit, and executors in the daemon namespaces reach it at
# $DRV_IP. One 1-core executor per daemon (the manager spreads executors out by default).
submit() {
  local name=$1 input=$2 output=$3 rc
  ip netns exec "$NS_DRV" timeout 60 "$SUBMIT_BIN" --master "centella://$MANAGER_ADDRESS" \
    --secret-file "$SECRET" --conf "centella.driver.host=$DRV_IP" \
    --total-executor-cores 3 --executor-cores 1 --executor-memory 1g \
    --conf centella.files.maxPartitionBytes=512k \
    "$JOB_BIN" "$input" "$output" > "$TMP/$name.log" 2>&1
  rc=$?
  [[ $rc -ne 124 ]] || fail "$name: the job did not finish within 60 s on the namespaced cluster"
  [[ $rc -eq 0 ]] || fail "$name: the job failed on the namespaced cluster (centella-submit exit code $rc)"
  [[ -f "$output/_SUCCESS" ]] || fail "$name: no _SUCCESS in $output"
}

# A first, small job: besides being a job of its own, it makes every daemon fetch and
# cache the job binary, so the executors of the measured job start at about the same time
# instead of the nearest daemon's executor running every task while the others download.
head -c 1000000 "$CORPUS" > "$TMP/warmup.txt"
log "submitting a warm-up word count from $NS_DRV"
submit warmup-submit "$TMP/warmup.txt" "$TMP/warmup-out"
netns_wait_for_binaries
log "warm-up job finished"

declare -A WIRE_BEFORE
for i in "${DAEMONS[@]}"; do WIRE_BEFORE[$i]=$(wire_bytes "$(ns_daemon "$i")"); done

log "submitting word count from $NS_DRV"
submit submit "$CORPUS" "$TMP/cluster-out"
log "job finished"
declare -A WIRE_DURING
for i in "${DAEMONS[@]}"; do
  WIRE_DURING[$i]=$(($(wire_bytes "$(ns_daemon "$i")") - WIRE_BEFORE[$i]))
done

# --- checks ----------------------------------------------------------------------------
LC_ALL=C sort "$TMP"/cluster-out/part-* > "$TMP/got.txt"
if ! cmp -s "$TMP/want.txt" "$TMP/got.txt"; then
  echo "first differences (< local mode, > cluster):"
  diff "$TMP/want.txt" "$TMP/got.txt" | head -n 20
  fail "the cluster output differs from local mode's"
fi
log "output equals local mode's ($(wc -l < "$TMP/got.txt") words)"

APP_ID=$(grep -o "registered application app-[0-9-]*" "$TMP/submit.log" | head -n1 | awk '{print $3}')
[[ -n "$APP_ID" ]] || fail "no application id in the driver's log"
MAP_HOSTS=0
for i in "${DAEMONS[@]}"; do
  ip=$(daemon_ip "$i")
  grep -q "started executor $APP_ID/" "$TMP/daemon$i.log" ||
    fail "daemon $i ($ip) launched no executor of $APP_ID"
  # The executor registered with the driver from this daemon's IP, and the driver could
  # reach it there.
  grep -q "executor [0-9]* on $ip ready" "$TMP/submit.log" ||
    fail "no executor on daemon $i ($ip) became ready in the driver"
  # Shuffle data went through this host's link: map output served to reduce tasks on
  # the other hosts, and/or blocks fetched from them. Control traffic alone (executor
  # registration, task descriptors and results, heartbeats) stays well under 1 MiB here;
  # the job's shuffle output is several MiB. (The job binary was fetched during the
  # warm-up job, before this count began.)
  ((WIRE_DURING[$i] >= 1048576)) ||
    fail "daemon $i ($ip) moved only ${WIRE_DURING[$i]} bytes over its link during the job: it took no part in the shuffle"
  # Map output that lived on this daemon: the driver had it removed once the job's
  # shuffle could no longer be read (ShuffleService.RemoveShuffle), and when the
  # application ended the daemon deleted the rest of its files; both are logged with the
  # bytes freed. A map task's output is ~150 KiB; an executor's own stdout/stderr a few
  # lines.
  freed=""
  for ((t = 0; t < 100; t++)); do
    freed=$(grep -o "cleaned up application $APP_ID: [0-9]* bytes freed" "$TMP/daemon$i.log" |
      awk '{print $5}')
    [[ -n "$freed" ]] && break
    sleep 0.1
  done
  [[ -n "$freed" ]] || fail "daemon $i ($ip) did not clean up $APP_ID within 10 s"
  removed=$(grep -o "removed shuffle [0-9]* of application $APP_ID: [0-9]* files, [0-9]* bytes" \
    "$TMP/daemon$i.log" | awk '{s += $9} END {print s + 0}')
  freed=$((freed + removed))
  ((freed >= 65536)) && MAP_HOSTS=$((MAP_HOSTS + 1))
  log "daemon $i ($ip): executor ran; $((WIRE_DURING[$i] / 1024)) KiB over its link;" \
    "$((freed / 1024)) KiB of map output"
done
# A daemon whose executor registered late may get no map task (the earlier executors
# queue the short tasks); it still runs reduce tasks, which the link check above sees.
((MAP_HOSTS >= 2)) || fail "map output was on $MAP_HOSTS daemon(s) only: the shuffle did not cross hosts"
log "the shuffle ran across all 3 daemons (map output on $MAP_HOSTS of them)"

FAILED=0
log "PASS"
