#!/usr/bin/env python3
"""Benchmark `baosong check` on a city's submissions: 200 case stories with
600 distinct photos of about 2.5 MB each (bench/corpus.py's make_corpus:
every photo its own 2400×1600 JPEG, ≥ 2 MiB; generated once with Pillow and
cached under --corpus-cache).

Reports the median wall time and peak RSS of --runs runs, beside a baseline
measured in the same run: `cat` reading every byte of every photo, the
least any check that opens whole photos must do.

The corpus folder also holds collection.toml (for compile); `check` is run
on the region folders (县区NN), where the stories are, so that the volume's
description is not read as a material.

With --cold (root only) the page cache is dropped before every run of both
commands (`sync; echo 3 > /proc/sys/vm/drop_caches`), which slows anything
else running on the machine for a moment; otherwise the page cache is warm.

Run (never builds; --bin defaults to $CARGO_TARGET_DIR/release/baosong or
/var/cache/baosong/target/release/baosong):

    bench/check.py                       # 200 cases, 7 runs, warm
    bench/check.py --cases 1000 --cold --json check.json
"""
import argparse, os, pathlib, subprocess, sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import corpus  # noqa: E402
from corpus import md_table, measure  # noqa: E402


def cold_possible():
    return os.geteuid() == 0 and os.access("/proc/sys/vm/drop_caches", os.W_OK)


def drop_caches():
    subprocess.run(["sync"], check=True)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus.common_args(ap, runs=7)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--cold", action="store_true", help="also measure with the page cache dropped before each run (root)")
    a = ap.parse_args()
    binary = corpus.resolve_bin(a)
    env = dict(os.environ, BAOSONG_NO_SYSTEM_FONTS="1")
    data = {"bench": "check", "binary": corpus.binary_info(binary), "machine": corpus.machine_info(), "runs": a.runs,
            "results": {}}
    with corpus.workdir(a, "check") as work:
        info = corpus.make_corpus(work, a.cases, seed=a.seed, cache=a.corpus_cache)
        data["corpus"] = info
        print(f"corpus: {a.cases} cases, {info['photos']} distinct photos, {info['bytes'] / 2**30:.2f} GiB "
              f"(each {info['min_bytes'] / 1e6:.2f}–{info['max_bytes'] / 1e6:.2f} MB); ready in {info['seconds']} s", flush=True)
        regions = sorted(p.name for p in work.iterdir() if p.is_dir() and p.name.startswith("县区"))
        files = [str(p) for p in sorted(work.rglob("*.jpg"))]
        cat = ["sh", "-c", 'cat "$@" > /dev/null', "cat", *files]
        check = [binary, "check", *regions, "--date", "2020-11-10"]
        modes = [("warm", None)]
        if a.cold:
            if cold_possible():
                modes.append(("cold", drop_caches))
            else:
                print("(--cold needs root and a writable /proc/sys/vm/drop_caches: cold runs skipped)")
        for mode, before in modes:
            base = measure(cat, work, a.runs, before=before)
            ours = measure(check, work, a.runs, env, before=before)
            data["results"][mode] = {"cat": base.json(), "check": dict(ours.json(), vs_cat=round(ours[0] / base[0], 3))}
            what = "page cache warm" if mode == "warm" else "page cache dropped before each run"
            print(f"\n## baosong check: {a.cases} cases, {info['photos']} photos, median of {a.runs} ({what})\n")
            print(md_table(["measurement", "median s", "peak RSS MiB", "× baseline"], [
                ["baseline: cat every photo", f"{base[0]:.3f}", f"{base[1]:.1f}", "1.00"],
                ["baosong check", f"{ours[0]:.3f}", f"{ours[1]:.1f}", f"{ours[0] / base[0]:.2f}"],
            ]))
    corpus.write_json(a.json, data)


if __name__ == "__main__":
    main()
