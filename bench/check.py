#!/usr/bin/env python3
"""Benchmark `baosong check` on a generated folder of 200 case stories with
600 photos of about 2.5 MB each (copies of the example photos, each made
distinct). Reports the median wall time and peak memory of N runs, beside a
baseline measured in the same run: `cat` reading every byte of the corpus,
which is the least any check that opens whole photos must do.

Usage: bench/check.py [--runs N] [--cases 200] [--keep DIR]
"""
import argparse, os, pathlib, shutil, statistics, subprocess, sys, tempfile, time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run import measure  # noqa: E402


def corpus(dst, cases):
    story = (ROOT / "examples/case/story.toml").read_text(encoding="utf-8")
    photos = [(ROOT / f"examples/case/photos/0{i}.jpg").read_bytes() for i in (1, 2, 3)]
    for n in range(cases):
        d = dst / f"县区{n % 10:02d}" / f"学校{n:03d}"
        (d / "photos").mkdir(parents=True)
        (d / "story.toml").write_text(story.replace("南昌市第一中等专业学校", f"第{n:03d}职业学校"), encoding="utf-8")
        for i, data in enumerate(photos, 1):
            # Distinct files: a few bytes after the end marker, as cameras pad.
            (d / "photos" / f"0{i}.jpg").write_bytes(data + n.to_bytes(4, "big"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--bin", default=os.environ.get("BAOSONG_BIN"))
    a = ap.parse_args()
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = a.bin or str(target / "release" / "baosong")
    if not a.bin:
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        t0 = time.perf_counter()
        corpus(work, a.cases)
        size = sum(p.stat().st_size for p in work.rglob("*.jpg"))
        print(f"corpus: {a.cases} cases, {a.cases * 3} photos, {size / 2**30:.2f} GiB, made in {time.perf_counter() - t0:.1f} s")
        files = [str(p) for p in sorted(work.rglob("*.jpg"))]
        base = measure(["sh", "-c", 'cat "$@" > /dev/null', "cat", *files], work, a.runs)
        ours = measure([binary, "check", ".", "--date", "2020-11-10"], work, a.runs)
        print(f"{'what (warm page cache)':<36}{'median s':>10}{'peak MiB':>10}{'× baseline':>12}")
        print(f"{'cat every photo (baseline)':<36}{base[0]:>10.3f}{base[1]:>10.1f}{1:>12.2f}")
        print(f"{'baosong check':<36}{ours[0]:>10.3f}{ours[1]:>10.1f}{ours[0] / base[0]:>12.2f}")
        if cold_possible():
            base = measure_cold(["sh", "-c", 'cat "$@" > /dev/null', "cat", *files], work, a.runs)
            ours = measure_cold([binary, "check", ".", "--date", "2020-11-10"], work, a.runs)
            print(f"{'what (cold: caches dropped each run)':<36}{'median s':>10}{'peak MiB':>10}{'× baseline':>12}")
            print(f"{'cat every photo (baseline)':<36}{base[0]:>10.3f}{base[1]:>10.1f}{1:>12.2f}")
            print(f"{'baosong check':<36}{ours[0]:>10.3f}{ours[1]:>10.1f}{ours[0] / base[0]:>12.2f}")


def cold_possible():
    return os.geteuid() == 0 and os.access("/proc/sys/vm/drop_caches", os.W_OK)


def drop_caches():
    subprocess.run(["sync"], check=True)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def measure_cold(cmd, cwd, runs):
    times, peaks = [], []
    for _ in range(runs):
        drop_caches()
        t, m = measure(cmd, cwd, 1)
        times.append(t)
        peaks.append(m)
    return statistics.median(times), statistics.median(peaks)


if __name__ == "__main__":
    main()
