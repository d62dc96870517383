#!/usr/bin/env bash
# A standalone cluster spread over separate network namespaces runs a shuffle job.
#
# Topology: everything lives in namespaces named centella-<pid>-<random>-*; nothing is
# added to the root namespace, so parallel runs and the host's own networks are untouched.
#
#   centella-<id>-sw    a "switch": one Linux bridge, br0
#   centella-<id>-mgr   10.231.N.2    centella-cluster-manager
#   centella-<id>-d0    10.231.N.10   centella-executor (daemon)
#   centella-<id>-d1    10.231.N.11   centella-executor (daemon)
#   centella-<id>-d2    10.231.N.12   centella-executor (daemon)
#   centella-<id>-drv   10.231.N.100  centella-submit (client mode: the driver runs here)
#
# Each host namespace has lo and eth0, a veth whose peer is a port of br0. Each process
# binds to and advertises its own namespace's IP, as on separate machines. Word count (a
# shuffle job) runs on this cluster with one executor per daemon and 46 map tasks; its
# output must equal local mode's, and every daemon must have run an executor and held map
# output, so that reduce tasks fetched shuffle blocks across the bridge.
#
# Needs root (ip netns, veth, bridge). When namespaces cannot be created the test says
# why and exits 77, which ctest reports as skipped.
#
# Usage: netns_shuffle_test.sh [BUILD_DIR]   (default: $CENTELLA_BUILD_DIR)
set -u -o pipefail

readonly SKIP=77
BUILD="${1:-${CENTELLA_BUILD_DIR:-}}"
if [[ -z "$BUILD" ]]; then
  echo "usage: $0 BUILD_DIR (or set CENTELLA_BUILD_DIR)" >&2
  exit 2
fi
MANAGER_BIN="$BUILD/bin/centella-cluster-manager"
DAEMON_BIN="$BUILD/bin/centella-executor"
SUBMIT_BIN="$BUILD/bin/centella-submit"
GEN_BIN="$BUILD/bin/centella-gen-corpus"
JOB_BIN="$BUILD/examples/word_count"
for b in "$MANAGER_BIN" "$DAEMON_BIN" "$SUBMIT_BIN" "$GEN_BIN" "$JOB_BIN"; do
  if [[ ! -x "$b" ]]; then
    echo "FAIL: missing binary $b (build it first)" >&2
    exit 1
  fi
done

START_SECONDS=$SECONDS
log() { echo "[netns-test +$((SECONDS - START_SECONDS))s] $*"; }

skip() {
  echo "SKIPPED: network namespaces are unavailable here: $*"
  exit "$SKIP"
}

if ! command -v ip > /dev/null 2>&1; then
  skip "the 'ip' command (iproute2) is not installed"
fi

# --- names and addresses ---------------------------------------------------------------
PREFIX="centella-$$-$RANDOM"  # random part: never meet a stale namespace of an old run
NS_SW="$PREFIX-sw"
NS_MGR="$PREFIX-mgr"
NS_DRV="$PREFIX-drv"
DAEMONS=(0 1 2)
ns_daemon() { echo "$PREFIX-d$1"; }
HOST_NAMESPACES=("$NS_MGR" "$(ns_daemon 0)" "$(ns_daemon 1)" "$(ns_daemon 2)" "$NS_DRV")
# The /24 is private to this run's switch (nothing routes to or from it), so it cannot
# collide with the host's networks; the PID only spreads runs over 10.231.1-250.0 anyway.
NET="10.231.$(($$ % 250 + 1))"
MGR_IP="$NET.2"
DRV_IP="$NET.100"
daemon_ip() { echo "$NET.$((10 + $1))"; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/centella-netns.XXXXXX")"
CREATED_NAMESPACES=()
PIDS=()
FAILED=1
WATCHDOG=""

print_logs() {
  local f
  for f in "$TMP"/*.log; do
    [[ -f "$f" ]] || continue
    echo "==================== $(basename "$f") ===================="
    cat "$f"
  done
  # Executor processes' own output, if their application's files still exist.
  while IFS= read -r f; do
    echo "==================== ${f#"$TMP"/} ===================="
    cat "$f"
  done < <(find "$TMP" -path '*/apps/*' \( -name stdout -o -name stderr \) -type f 2>/dev/null)
}

stop_pid() {  # SIGTERM, up to 5 s, then SIGKILL
  local pid=$1 i
  kill -0 "$pid" 2> /dev/null || return 0
  kill -TERM "$pid" 2> /dev/null
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$WATCHDOG" ]]; then  # the watchdog shell first, then its sleep
    kill "$WATCHDOG" 2> /dev/null
    [[ -s "$TMP/watchdog.pid" ]] && kill "$(cat "$TMP/watchdog.pid")" 2> /dev/null
  fi
  if [[ $FAILED -ne 0 && $rc -ne $SKIP ]]; then
    echo "---- logs (the test failed) ----"
    print_logs
  fi
  # Daemons first (they stop their executors), then the manager.
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
  # Anything still alive inside our namespaces (executor processes orphaned by a crash)
  # was started by this test: kill it by pid.
  local ns pid
  for ns in "${CREATED_NAMESPACES[@]}"; do
    for pid in $(ip netns pids "$ns" 2> /dev/null); do kill -KILL "$pid" 2> /dev/null; done
  done
  # Deleting a namespace destroys its veth end (and so the pair) and the bridge in it.
  for ns in "${CREATED_NAMESPACES[@]}"; do
    ip netns delete "$ns" 2> /dev/null || echo "warning: could not delete namespace $ns" >&2
  done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'echo "FAIL: interrupted (SIGTERM), or the test ran out of its time limit" >&2; exit 143' TERM
# An overall limit, well under ctest's TIMEOUT, so that cleanup always runs: ctest kills
# a test that overruns without giving it a chance to delete its namespaces.
(
  sleep 150 &
  echo $! > "$TMP/watchdog.pid"
  wait $! && kill -TERM $$
) > /dev/null 2>&1 &
WATCHDOG=$!

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# --- network ---------------------------------------------------------------------------
if ! err=$(ip netns add "$NS_SW" 2>&1); then
  skip "'ip netns add' failed ($(id -un 2>/dev/null || id -u)): $err"
fi
CREATED_NAMESPACES+=("$NS_SW")
for ns in "${HOST_NAMESPACES[@]}"; do
  if ! err=$(ip netns add "$ns" 2>&1); then skip "'ip netns add $ns' failed: $err"; fi
  CREATED_NAMESPACES+=("$ns")
done

if ! err=$(ip netns exec "$NS_SW" true 2>&1); then
  skip "cannot run a process in a namespace ('ip netns exec'): $err"
fi
if ! err=$(ip -n "$NS_SW" link add br0 type bridge 2>&1); then
  skip "cannot create a Linux bridge in a namespace: $err"
fi
ip -n "$NS_SW" link set lo up
ip -n "$NS_SW" link set br0 up

# connect NS IP PORT: a veth pair, eth0 in NS with IP/24, PORT on the bridge.
connect() {
  local ns=$1 addr=$2 port=$3 err
  if ! err=$(ip link add eth0 netns "$ns" type veth peer name "$port" netns "$NS_SW" 2>&1); then
    skip "cannot create a veth pair into namespace $ns: $err"
  fi
  ip -n "$NS_SW" link set "$port" master br0 up || fail "cannot attach $port to the bridge"
  ip -n "$ns" link set lo up || fail "cannot bring up lo in $ns"
  ip -n "$ns" addr add "$addr/24" dev eth0 || fail "cannot add $addr to $ns"
  ip -n "$ns" link set eth0 up || fail "cannot bring up eth0 in $ns"
}
connect "$NS_MGR" "$MGR_IP" pmgr
for i in "${DAEMONS[@]}"; do connect "$(ns_daemon "$i")" "$(daemon_ip "$i")" "pd$i"; done
connect "$NS_DRV" "$DRV_IP" pdrv
log "namespaces ${PREFIX}-{sw,mgr,d0,d1,d2,drv} on $NET.0/24"

# --- input and the expected output (local mode) ----------------------------------------
SECRET="$TMP/secret"
(umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$SECRET" && echo >> "$SECRET")
CORPUS="$TMP/corpus.txt"
"$GEN_BIN" --bytes 24000000 --seed 11 --quiet --out "$CORPUS" > "$TMP/gen-corpus.log" 2>&1 ||
  fail "centella-gen-corpus failed"
"$SUBMIT_BIN" --master 'local[2]' "$JOB_BIN" "$CORPUS" "$TMP/local-out" > "$TMP/local-run.log" 2>&1 ||
  fail "the local-mode run failed"
LC_ALL=C sort "$TMP"/local-out/part-* > "$TMP/want.txt"
[[ $(wc -l < "$TMP/want.txt") -gt 1000 ]] || fail "the local-mode output has too few words"
log "local mode: $(wc -l < "$TMP/want.txt") distinct words"

# --- cluster ---------------------------------------------------------------------------
# wait_for_file FILE PID WHAT: the file exists and is non-empty while PID lives (20 s at most).
wait_for_file() {
  local file=$1 pid=$2 what=$3 i
  for ((i = 0; i < 200; i++)); do
    [[ -s "$file" ]] && return 0
    kill -0 "$pid" 2> /dev/null || fail "$what exited before writing $file"
    sleep 0.1
  done
  fail "$what did not write $file within 20 s"
}

ip netns exec "$NS_MGR" "$MANAGER_BIN" --host "$MGR_IP" --bind "$MGR_IP" --port 0 \
  --address-file "$TMP/manager.address" --recovery-dir "$TMP/recovery" \
  --worker-timeout 10s --secret-file "$SECRET" > "$TMP/manager.log" 2>&1 &
PIDS+=($!)
wait_for_file "$TMP/manager.address" "${PIDS[-1]}" "the cluster manager"
MANAGER_ADDRESS=$(head -n1 "$TMP/manager.address")
[[ "$MANAGER_ADDRESS" == "$MGR_IP":* ]] ||
  fail "the manager advertises $MANAGER_ADDRESS, not its namespace IP $MGR_IP"
log "cluster manager at $MANAGER_ADDRESS"

for i in "${DAEMONS[@]}"; do
  ip netns exec "$(ns_daemon "$i")" "$DAEMON_BIN" --cluster-manager "$MANAGER_ADDRESS" \
    --cores 2 --memory 4g --host "$(daemon_ip "$i")" --bind "$(daemon_ip "$i")" --port 0 \
    --work-dir "$TMP/daemon$i-work" --address-file "$TMP/daemon$i.address" \
    --secret-file "$SECRET" > "$TMP/daemon$i.log" 2>&1 &
  PIDS+=($!)
done
for i in "${DAEMONS[@]}"; do
  pid=${PIDS[i + 1]}
  wait_for_file "$TMP/daemon$i.address" "$pid" "daemon $i"
  address=$(head -n1 "$TMP/daemon$i.address")
  [[ "$address" == "$(daemon_ip "$i")":* ]] ||
    fail "daemon $i advertises $address, not its namespace IP $(daemon_ip "$i")"
  # Registered with the manager across the bridge?
  for ((t = 0; t < 200; t++)); do
    grep -q "registered as" "$TMP/daemon$i.log" && break
    kill -0 "$pid" 2> /dev/null || fail "daemon $i exited"
    sleep 0.1
  done
  grep -q "registered as" "$TMP/daemon$i.log" ||
    fail "daemon $i at $address did not register with the manager at $MANAGER_ADDRESS within 20 s"
  log "daemon $i at $address registered"
done

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
for i in "${DAEMONS[@]}"; do
  for ((t = 0; t < 100; t++)); do
    [[ -n "$(ls -A "$TMP/daemon$i-work/binaries" 2> /dev/null)" ]] && break
    sleep 0.1
  done
done
log "warm-up job finished"

# Bytes through a namespace's eth0 (both directions): what that host sent and received
# over the "network", all peers together.
wire_bytes() {
  local ns=$1 rx tx
  rx=$(ip netns exec "$ns" cat /sys/class/net/eth0/statistics/rx_bytes) || return 1
  tx=$(ip netns exec "$ns" cat /sys/class/net/eth0/statistics/tx_bytes) || return 1
  echo $((rx + tx))
}
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
  # Map output that lived on this daemon: when the application ended the daemon deleted
  # its files (shuffle output included) and logged how much. A map task's output is
  # ~150 KiB; an executor's own stdout/stderr a few lines.
  freed=""
  for ((t = 0; t < 100; t++)); do
    freed=$(grep -o "cleaned up application $APP_ID: [0-9]* bytes freed" "$TMP/daemon$i.log" |
      awk '{print $5}')
    [[ -n "$freed" ]] && break
    sleep 0.1
  done
  [[ -n "$freed" ]] || fail "daemon $i ($ip) did not clean up $APP_ID within 10 s"
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
