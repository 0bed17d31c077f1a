#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The project's test command (README, .ci/run).
#
#   scripts/test.sh           all stages below
#   scripts/test.sh --quick   stage a only: build + every meson test
#
# Stages
#   a  meson setup build, ninja, meson test (all suites)
#   b  the unit suite again under ASan + UBSan (gcc), leaks fatal
#   c  each libFuzzer harness test/fuzz/fuzz_*.c for FUZZ_SECONDS (default
#      30) with clang, seeded from test/fuzz/corpus/<harness>/, with
#      test/fuzz/<harness>.dict if present; known reproducers in
#      test/fuzz/crashes/<harness>/ are replayed first
#
# The last line is always "N passed, N failed".  How cases are counted:
#   a  each cmocka test case, from "[  PASSED  ] N test(s)." and
#      "[  FAILED  ] N test(s)" in the stdout/stderr that
#      build/meson-logs/testlog.json keeps per test (a program that died
#      before its summary: its "[       OK ]" lines); our own runners
#      (test/integration) count their "N passed, N failed" line; any other
#      meson test counts as one case; a program that failed without
#      reporting a failed case (crash, leak, timeout) adds one failed case;
#   b  each unit test program is one case (its cases were counted in a);
#   c  each fuzz harness run is one case;
#   a setup or build failure of a stage counts as one failed case.
# Exit status is non-zero when anything failed or when nothing ran.
#
# Build directories default to build, build-asan and build-fuzz; override
# with MCASTFWD_BUILD, MCASTFWD_BUILD_ASAN, MCASTFWD_BUILD_FUZZ (to keep a
# developer's own build/ untouched).
set -euo pipefail

cd "$(dirname "$0")/.."

quick=0
for arg in "$@"; do
	case "$arg" in
	--quick) quick=1 ;;
	-h | --help)
		sed -n '4,29p' "$0"
		exit 0
		;;
	*)
		echo "test.sh: unknown option $arg" >&2
		exit 2
		;;
	esac
done

build=${MCASTFWD_BUILD:-build}
build_asan=${MCASTFWD_BUILD_ASAN:-build-asan}
build_fuzz=${MCASTFWD_BUILD_FUZZ:-build-fuzz}
fuzz_seconds=${FUZZ_SECONDS:-30}

passed=0
failed=0
failures=()

note_fail() {
	failed=$((failed + 1))
	failures+=("$1")
	echo "test.sh: FAILED: $1" >&2
}

# meson setup, or reconfigure when the directory is already configured.
setup() {
	local dir=$1
	shift
	if [[ -d $dir/meson-private ]]; then
		meson setup --reconfigure "$dir" "$@"
	else
		meson setup "$dir" "$@"
	fi
}

# The ninja targets (paths relative to the build dir) of the unit suite.
unit_targets() {
	meson introspect --tests "$1" | python3 -c '
import json, os, sys
build = os.path.realpath(sys.argv[1])
for t in json.load(sys.stdin):
	if any(s == "unit" or s.endswith(":unit") for s in t.get("suite", [])):
		print(os.path.relpath(os.path.realpath(t["cmd"][0]), build))
' "$1"
}

# Print "<passed> <failed>" for the tests of a meson testlog.json.
# Mode "cases" counts cmocka cases, mode "programs" one case per test.
count_testlog() {
	python3 - "$1" "$2" <<'PY'
import json, re, sys

path, mode = sys.argv[1], sys.argv[2]
ok_results = {"OK", "EXPECTEDFAIL", "SKIP"}
passed = failed = 0
try:
	lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
except OSError:
	lines = []
for line in lines:
	if not line.strip():
		continue
	t = json.loads(line)
	ok = t.get("result") in ok_results
	if mode == "programs":
		if t.get("result") != "SKIP":
			passed, failed = passed + ok, failed + (not ok)
		continue
	# cmocka 1.1 prints its summary on stderr whatever the message output.
	out = (t.get("stdout") or "") + (t.get("stderr") or "")
	p = sum(int(n) for n in re.findall(r"\[\s*PASSED\s*\]\s+(\d+) test", out))
	f = sum(int(n) for n in re.findall(r"\[\s*FAILED\s*\]\s+(\d+) test", out))
	if p == 0 and f == 0 and "[ RUN      ]" in out:
		p = out.count("[       OK ]")  # died before its summary
	if p == 0 and f == 0:
		# Our own runners (test/integration) end with "N passed, N failed".
		m = re.findall(r"^(\d+) passed, (\d+) failed$", out, re.M)
		if m:
			p, f = int(m[-1][0]), int(m[-1][1])
	if p == 0 and f == 0:
		if t.get("result") != "SKIP":
			passed, failed = passed + ok, failed + (not ok)
		continue
	if not ok and f == 0:
		f = 1  # crashed, leaked or timed out after its cases passed
	passed, failed = passed + p, failed + f
print(passed, failed)
PY
}

# add_counts <stage> <testlog> <mode>: a log that cannot be read is a failure.
add_counts() {
	local p=0 f=0 out
	if out=$(count_testlog "$2" "$3") && read -r p f <<<"$out"; then
		passed=$((passed + p))
		failed=$((failed + f))
	else
		note_fail "$1:testlog"
	fi
}

summary() {
	echo
	if ((${#failures[@]} > 0)); then
		echo "failed: ${failures[*]}"
	fi
	echo "$passed passed, $failed failed"
	if ((failed > 0 || passed == 0)); then
		exit 1
	fi
	exit 0
}

# --- a: build and every meson test --------------------------------------
stage_a() {
	echo "=== a: build + meson test ($build)"
	if ! setup "$build" || ! ninja -C "$build"; then
		note_fail "a:build"
		return
	fi
	rm -f "$build/meson-logs/testlog.json"
	meson test -C "$build" --print-errorlogs || true
	add_counts a "$build/meson-logs/testlog.json" cases
}

# --- b: unit suite under ASan + UBSan -----------------------------------
stage_b() {
	echo "=== b: unit suite under ASan+UBSan ($build_asan)"
	local targets
	if ! setup "$build_asan" -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbench=false; then
		note_fail "b:build"
		return
	fi
	# Only the unit programs: stage a already built everything else.
	targets=$(unit_targets "$build_asan") || targets=
	# shellcheck disable=SC2086 # one word per target
	if ! ninja -C "$build_asan" $targets; then
		note_fail "b:build"
		return
	fi
	rm -f "$build_asan/meson-logs/testlog.json"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C "$build_asan" --suite unit --no-rebuild \
		--print-errorlogs || true
	add_counts b "$build_asan/meson-logs/testlog.json" programs
}

# --- c: libFuzzer harnesses ---------------------------------------------
stage_c() {
	echo "=== c: fuzz ($build_fuzz, ${fuzz_seconds}s per harness)"
	local root=$PWD src name bin tmp seeds crashes rc dict known
	local targets=()
	if ! CC=clang setup "$build_fuzz" -Dfuzz=true -Dtests=false \
		-Dbench=false; then
		note_fail "c:build"
		return
	fi
	# Only the harnesses meson knows (they compile the libraries in
	# themselves); a harness it does not build fails below, alone.
	known=$(meson introspect --targets "$build_fuzz" | python3 -c '
import json, sys
print(" ".join(t["name"] for t in json.load(sys.stdin)))') || known=
	for src in test/fuzz/fuzz_*.c; do
		name=$(basename "$src" .c)
		[[ " $known " == *" $name "* ]] && targets+=("test/fuzz/$name")
	done
	if ((${#targets[@]} > 0)) && ! ninja -C "$build_fuzz" "${targets[@]}"; then
		note_fail "c:build"
		return
	fi
	for src in test/fuzz/fuzz_*.c; do
		[[ -e $src ]] || continue
		name=$(basename "$src" .c)
		bin=$build_fuzz/test/fuzz/$name
		[[ $bin == /* ]] || bin=$root/$bin
		if [[ " $known " != *" $name "* || ! -x $bin ]]; then
			note_fail "c:$name (not built by test/fuzz/meson.build)"
			continue
		fi
		tmp=$(mktemp -d)
		mkdir -p "$tmp/corpus"
		seeds=()
		[[ -d test/fuzz/corpus/$name ]] && seeds+=("$root/test/fuzz/corpus/$name")
		crashes=$root/test/fuzz/crashes/$name
		dict=()
		[[ -f test/fuzz/$name.dict ]] && dict=("-dict=$root/test/fuzz/$name.dict")
		rc=0
		# Known reproducers first: a fixed bug must stay fixed.
		if [[ -d $crashes ]] && compgen -G "$crashes/*" >/dev/null; then
			"$bin" "$crashes"/* >"$tmp/replay.log" 2>&1 || rc=$?
			if ((rc != 0)); then
				tail -n 40 "$tmp/replay.log" >&2
				note_fail "c:$name (reproducer in $crashes)"
				rm -rf "$tmp"
				continue
			fi
		fi
		# New inputs go to the temp corpus (first directory); the
		# seeds stay untouched.
		(cd "$tmp" && ASAN_OPTIONS=detect_leaks=1 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			"$bin" -max_total_time="$fuzz_seconds" \
			-rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
			-artifact_prefix="$tmp/" "${dict[@]}" corpus "${seeds[@]}") \
			>"$tmp/fuzz.log" 2>&1 || rc=$?
		grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units)' \
			"$tmp/fuzz.log" || true
		if ((rc != 0)); then
			tail -n 60 "$tmp/fuzz.log" >&2
			mkdir -p "$build_fuzz/artifacts"
			cp "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* \
				"$tmp"/oom-* "$build_fuzz/artifacts/" 2>/dev/null || true
			note_fail "c:$name (artifacts in $build_fuzz/artifacts)"
		else
			passed=$((passed + 1))
		fi
		rm -rf "$tmp"
	done
}

timed() {
	local t0=$SECONDS
	"$@" || note_fail "$1"
	echo "--- $1: $((SECONDS - t0)) s"
}

timed stage_a
if [[ $quick == 0 ]]; then
	timed stage_b
	timed stage_c
fi
summary
