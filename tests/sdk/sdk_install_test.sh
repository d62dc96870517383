#!/usr/bin/env bash
# The SDK as a new user meets it: install the build into a prefix, move the prefix
# elsewhere (it must be relocatable), build examples/job-template — a project outside the
# repository whose CMakeLists.txt is find_package(Centella) + centella_add_job — against
# it, and run the job with the prefix's own centella-submit in local mode and on a
# cluster started from the prefix's daemons. Every result is checked against the input.
#
#   sdk_install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/centella-sdk-XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$TMP"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done >&2; exit 1; }

echo "== install into $TMP/installed, then move it to $TMP/moved"
cmake --install "$BUILD" --prefix "$TMP/installed" > "$TMP/install.log" 2>&1 || fail "cmake --install"
mv "$TMP/installed" "$TMP/moved"
SDK=$TMP/moved
for f in bin/centella-submit bin/centella-cluster-manager bin/centella-executor \
         include/centella/centella.h lib/cmake/Centella/CentellaConfig.cmake \
         lib/cmake/Centella/CentellaConfigVersion.cmake lib/cmake/Centella/CentellaTargets.cmake; do
  [ -e "$SDK/$f" ] || fail "the SDK has no $f"
done
if grep -rq "$TMP/installed" "$SDK/lib/cmake/Centella"; then
  fail "the CMake package names the install prefix: it cannot be moved"
fi

echo "== build the job template outside the tree"
cp -r "$SRC/examples/job-template" "$TMP/job"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$TMP/job" -B "$TMP/job/build" -G Ninja -DCMAKE_PREFIX_PATH="$SDK" \
  "${launcher[@]}" > "$TMP/configure.log" 2>&1 || fail "configuring the job template"
cmake --build "$TMP/job/build" > "$TMP/build.log" 2>&1 || fail "building the job template"
JOB=$TMP/job/build/my_job
[ -x "$JOB" ] || fail "no my_job binary"

# 3 ERROR, 2 WARN, 4 INFO, 1 OTHER
cat > "$TMP/app.log" <<'LOG'
2026-12-01 10:00:00 INFO started
2026-12-01 10:00:01 WARN slow disk
2026-12-01 10:00:02 ERROR cannot open /data
2026-12-01 10:00:03 INFO request served
2026-12-01 10:00:04 ERROR timeout
2026-12-01 10:00:05 INFO request served
this line has no level
2026-12-01 10:00:06 WARN retrying
2026-12-01 10:00:07 ERROR gave up
2026-12-01 10:00:08 INFO stopped
LOG
expected=$'ERROR\t3\nINFO\t4\nOTHER\t1\nWARN\t2'
check_output() {
  local out=$1 what=$2
  [ -f "$out/_SUCCESS" ] || fail "$what: no $out/_SUCCESS"
  local got
  got=$(cat "$out"/part-* | sort)
  [ "$got" = "$expected" ] || fail "$what: counts were '$got', expected '$expected'"
}

echo "== run it in local mode with the SDK's centella-submit"
"$SDK/bin/centella-submit" --master 'local[2]' "$JOB" "$TMP/app.log" "$TMP/out-local" \
  > "$TMP/local.out" 2> "$TMP/local.log" || fail "local run"
check_output "$TMP/out-local" "local[2]"
head -1 "$TMP/local.out" | grep -q $'^INFO\t4$' || fail "local run printed '$(head -1 "$TMP/local.out")'"

echo "== run it on a cluster of the SDK's daemons"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$TMP/secret"
chmod 600 "$TMP/secret"
wait_for_file() {
  for _ in $(seq 1 200); do
    [ -s "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || fail "$3 exited at start"
    sleep 0.05
  done
  fail "$3 did not write $1"
}
"$SDK/bin/centella-cluster-manager" --host 127.0.0.1 --port 0 --ui-port 0 \
  --address-file "$TMP/manager.address" --recovery-dir "$TMP/recovery" \
  --secret-file "$TMP/secret" > "$TMP/manager.log" 2>&1 &
PIDS+=($!)
wait_for_file "$TMP/manager.address" "$!" "the cluster manager"
MANAGER=$(head -n1 "$TMP/manager.address")
"$SDK/bin/centella-executor" --cluster-manager "$MANAGER" --host 127.0.0.1 --port 0 --ui-port 0 \
  --cores 2 --memory 2g --work-dir "$TMP/work" --address-file "$TMP/daemon.address" \
  --secret-file "$TMP/secret" > "$TMP/daemon.log" 2>&1 &
PIDS+=($!)
wait_for_file "$TMP/daemon.address" "$!" "the executor daemon"
timeout 120 "$SDK/bin/centella-submit" --master "centella://$MANAGER" --secret-file "$TMP/secret" \
  --executor-cores 1 --executor-memory 512m "$JOB" "$TMP/app.log" "$TMP/out-cluster" \
  > "$TMP/cluster.log" 2>&1 || fail "cluster run"
check_output "$TMP/out-cluster" "cluster"
echo "== centella-build-job rebuilds the project against the SDK it belongs to"
"$SDK/bin/centella-build-job" "$TMP/job" > "$TMP/build-job.log" 2>&1 || fail "centella-build-job"
echo "PASS: installed, moved, built outside the tree, ran in local mode and on a cluster"
