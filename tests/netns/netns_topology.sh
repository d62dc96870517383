# The network-namespace cluster the netns tests run on; sourced, not run.
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
# Each host namespace has lo and eth0, a veth whose peer (pmgr, pd0, pd1, pd2, pdrv) is a
# port of br0. Each process binds to and advertises its own namespace's IP, as on
# separate machines.
#
# Needs root (ip netns, veth, bridge). When namespaces cannot be created the test says
# why and exits 77, which ctest reports as skipped.
#
# The sourcing script sets, before sourcing:
#   TEST_NAME         prefix of its log lines, e.g. "netns-test"
#   TEST_TIME_LIMIT   seconds after which the test stops itself (keep it under ctest's
#                     TIMEOUT: ctest kills an overrunning test without letting it clean up)
# and then calls, in order: netns_create_network, netns_make_secret, netns_start_manager
# [extra flags], netns_start_daemons [extra flags]; it sets FAILED=0 when it passes. On
# exit, whatever happens, every process it started is stopped, the namespaces are deleted
# and $TMP is removed; the logs are printed when it failed.
#
# Usage of the sourcing script: SCRIPT [BUILD_DIR]   (default: $CENTELLA_BUILD_DIR)

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
log() { echo "[$TEST_NAME +$((SECONDS - START_SECONDS))s] $*"; }

skip() {
  echo "SKIPPED: network namespaces are unavailable here: $*"
  exit "$SKIP"
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
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
PIDS=()           # every background process, in start order; stopped in reverse order
MANAGER_PID=""
DAEMON_PIDS=()    # by daemon index
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

netns_cleanup() {
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
trap netns_cleanup EXIT
trap 'exit 130' INT
trap 'echo "FAIL: interrupted (SIGTERM), or the test ran out of its time limit" >&2; exit 143' TERM
# The overall limit, so that cleanup always runs (see TEST_TIME_LIMIT above).
(
  sleep "$TEST_TIME_LIMIT" &
  echo $! > "$TMP/watchdog.pid"
  wait $! && kill -TERM $$
) > /dev/null 2>&1 &
WATCHDOG=$!

# --- network ---------------------------------------------------------------------------
# connect NS IP PORT: a veth pair, eth0 in NS with IP/24, PORT on the bridge.
netns_connect() {
  local ns=$1 addr=$2 port=$3 err
  if ! err=$(ip link add eth0 netns "$ns" type veth peer name "$port" netns "$NS_SW" 2>&1); then
    skip "cannot create a veth pair into namespace $ns: $err"
  fi
  ip -n "$NS_SW" link set "$port" master br0 up || fail "cannot attach $port to the bridge"
  ip -n "$ns" link set lo up || fail "cannot bring up lo in $ns"
  ip -n "$ns" addr add "$addr/24" dev eth0 || fail "cannot add $addr to $ns"
  ip -n "$ns" link set eth0 up || fail "cannot bring up eth0 in $ns"
}

netns_create_network() {
  local err ns i
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
  netns_connect "$NS_MGR" "$MGR_IP" pmgr
  for i in "${DAEMONS[@]}"; do netns_connect "$(ns_daemon "$i")" "$(daemon_ip "$i")" "pd$i"; done
  netns_connect "$NS_DRV" "$DRV_IP" pdrv
  log "namespaces ${PREFIX}-{sw,mgr,d0,d1,d2,drv} on $NET.0/24"
}

# --- cluster ---------------------------------------------------------------------------
SECRET="$TMP/secret"
netns_make_secret() {
  (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$SECRET" && echo >> "$SECRET")
}

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

# netns_start_manager [FLAG...]: the manager in its namespace, logging to manager.log;
# sets MANAGER_ADDRESS.
netns_start_manager() {
  ip netns exec "$NS_MGR" "$MANAGER_BIN" --host "$MGR_IP" --bind "$MGR_IP" --port 0 \
    --address-file "$TMP/manager.address" --recovery-dir "$TMP/recovery" \
    --secret-file "$SECRET" "$@" > "$TMP/manager.log" 2>&1 &
  MANAGER_PID=$!
  PIDS+=("$MANAGER_PID")
  wait_for_file "$TMP/manager.address" "$MANAGER_PID" "the cluster manager"
  MANAGER_ADDRESS=$(head -n1 "$TMP/manager.address")
  [[ "$MANAGER_ADDRESS" == "$MGR_IP":* ]] ||
    fail "the manager advertises $MANAGER_ADDRESS, not its namespace IP $MGR_IP"
  log "cluster manager at $MANAGER_ADDRESS"
}

# netns_start_daemons [FLAG...]: one 2-core daemon per daemon namespace, logging to
# daemon<i>.log; returns once each registered with the manager across the bridge. Sets
# DAEMON_ADDRESS[i] and DAEMON_ID[i].
declare -A DAEMON_ADDRESS DAEMON_ID
netns_start_daemons() {
  local i t pid address
  for i in "${DAEMONS[@]}"; do
    ip netns exec "$(ns_daemon "$i")" "$DAEMON_BIN" --cluster-manager "$MANAGER_ADDRESS" \
      --cores 2 --memory 4g --host "$(daemon_ip "$i")" --bind "$(daemon_ip "$i")" --port 0 \
      --work-dir "$TMP/daemon$i-work" --address-file "$TMP/daemon$i.address" \
      --secret-file "$SECRET" "$@" > "$TMP/daemon$i.log" 2>&1 &
    DAEMON_PIDS[i]=$!
    PIDS+=($!)
  done
  for i in "${DAEMONS[@]}"; do
    pid=${DAEMON_PIDS[i]}
    wait_for_file "$TMP/daemon$i.address" "$pid" "daemon $i"
    address=$(head -n1 "$TMP/daemon$i.address")
    [[ "$address" == "$(daemon_ip "$i")":* ]] ||
      fail "daemon $i advertises $address, not its namespace IP $(daemon_ip "$i")"
    for ((t = 0; t < 200; t++)); do
      grep -q "registered as" "$TMP/daemon$i.log" && break
      kill -0 "$pid" 2> /dev/null || fail "daemon $i exited"
      sleep 0.1
    done
    grep -q "registered as" "$TMP/daemon$i.log" ||
      fail "daemon $i at $address did not register with the manager at $MANAGER_ADDRESS within 20 s"
    DAEMON_ADDRESS[$i]=$address
    DAEMON_ID[$i]=$(grep -o "registered as [^ ]*" "$TMP/daemon$i.log" | head -n1 | awk '{print $3}')
    log "daemon $i at $address registered as ${DAEMON_ID[$i]}"
  done
}

# netns_wait_for_binaries: every daemon has fetched and cached a job binary (after a
# first job), so that later executors start at about the same time.
netns_wait_for_binaries() {
  local i t
  for i in "${DAEMONS[@]}"; do
    for ((t = 0; t < 100; t++)); do
      [[ -n "$(ls -A "$TMP/daemon$i-work/binaries" 2> /dev/null)" ]] && break
      sleep 0.1
    done
  done
}

# Bytes through a namespace's eth0 (both directions): what that host sent and received
# over the "network", all peers together.
wire_bytes() {
  local ns=$1 rx tx
  rx=$(ip netns exec "$ns" cat /sys/class/net/eth0/statistics/rx_bytes) || return 1
  tx=$(ip netns exec "$ns" cat /sys/class/net/eth0/statistics/tx_bytes) || return 1
  echo $((rx + tx))
}

# netns_expect_same_output WANT_DIR GOT_DIR WHAT: the part files hold the same lines.
netns_expect_same_output() {
  local want=$1 got=$2 what=$3
  LC_ALL=C sort "$want"/part-* > "$TMP/want.sorted"
  LC_ALL=C sort "$got"/part-* > "$TMP/got.sorted"
  if ! cmp -s "$TMP/want.sorted" "$TMP/got.sorted"; then
    echo "first differences (< local mode, > cluster):"
    diff "$TMP/want.sorted" "$TMP/got.sorted" | head -n 20
    fail "$what: the cluster output differs from local mode's"
  fi
}
