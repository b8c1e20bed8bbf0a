#!/usr/bin/env bash
# Runs every fuzz target for a bounded time; any crash, hang or OOM fails.
# Usage: fuzz/run.sh [SECONDS_PER_TARGET]   (default 20; longer on demand)
#        fuzz/run.sh 0    replays the committed corpus only (regressions; CI)
set -euo pipefail
# A crash makes cargo fuzz exit non-zero; pipefail carries it through tail.
cd "$(dirname "$0")"
secs=${1:-20}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
# cargo-fuzz passes sanitizer flags only nightly accepts; the stable
# toolchain ships the sanitizer runtimes, so let it take them.
export RUSTC_BOOTSTRAP=1
target_dir=${FUZZ_TARGET_DIR:-/var/cache/baosong/fuzz-target}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in toml_input body_text jpeg_header mp4_header docx_import; do
  mkdir -p "$work/$t"
  if [ "$secs" = 0 ]; then
    echo "replaying corpus/$t"
    cargo fuzz run -O --target-dir "$target_dir" "$t" "corpus/$t" -- -runs=0 -rss_limit_mb=2048 -timeout=10 2>&1 | tail -n 2
  else
    echo "fuzzing $t for ${secs}s"
    # New inputs go to the scratch folder; the committed seeds stay as they are.
    cargo fuzz run -O --target-dir "$target_dir" "$t" "$work/$t" "corpus/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 | tail -n 3
  fi
done
echo "fuzz: 5 targets without a crash"
