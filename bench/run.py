#!/usr/bin/env python3
"""Benchmark `baosong build` on the example case story.

Reports the median wall time and peak memory (RSS) of building the PDF,
the .docx and both, beside a baseline measured in the same run: the Typst
CLI compiling an equivalent plain Typst file (if `typst` is on PATH;
install it with `cargo install typst-cli --locked`). Figures are medians
of N runs; ratios are against the baseline.

Usage: bench/run.py [--runs N] [--bin PATH]
"""
import argparse, json, os, pathlib, shutil, statistics, subprocess, sys, tempfile, time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def measure(cmd, cwd, runs, env=None):
    times, peaks = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
        times.append(dt)
        peaks.append(int(p.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(times), statistics.median(peaks)


def plain_typst(case_dir, work):
    """The example as one plain Typst file with the same page, faces and photos."""
    import tomllib
    doc = tomllib.loads((case_dir / "story.toml").read_text(encoding="utf-8"))
    paras = [p.strip().replace("\n", "") for p in doc["body"].split("\n\n") if p.strip()]
    esc = lambda s: s.replace("\\", "\\\\").replace('"', '\\"')
    lines = [
        '#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm), numbering: "— 1 —")',
        '#set text(font: "FandolFang", size: 16pt, lang: "zh", tracking: -0.25pt)',
        '#set par(justify: true, leading: 12.95pt, spacing: 12.95pt, first-line-indent: (amount: 31.5pt, all: true))',
        f'#align(center, text(font: "Noto Serif CJK SC", weight: 700, size: 22pt, "{esc(doc["title"])}"))',
        f'#align(center, text(font: "FandolKai", "{esc(doc["unit"])}"))',
    ]
    lines += [f'#par("{esc(p)}")' for p in paras]
    for ph in doc.get("photos", []):
        shutil.copy(case_dir / ph["path"], work / pathlib.Path(ph["path"]).name)
        lines.append(f'#align(center, image("{pathlib.Path(ph["path"]).name}", width: 156mm))')
        lines.append(f'#align(center, text(size: 14pt, "{esc(ph["caption"])}"))')
    (work / "plain.typ").write_text("\n".join(lines), encoding="utf-8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--bin", default=os.environ.get("BAOSONG_BIN"))
    a = ap.parse_args()
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = a.bin or str(target / "release" / "baosong")
    if not a.bin:
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    case_dir = ROOT / "examples" / "case"
    env = dict(os.environ, BAOSONG_NO_SYSTEM_FONTS="1")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        for fmt in ["pdf", "docx", "all"]:
            results[fmt] = measure([binary, "build", str(case_dir / "story.toml"), "-o", str(work), "--format", fmt],
                                   ROOT, a.runs, env)
        typst = shutil.which("typst")
        if typst:
            plain_typst(case_dir, work)
            results["typst-cli pdf (baseline)"] = measure(
                [typst, "compile", "--font-path", str(ROOT / "fonts"), "--ignore-system-fonts", "plain.typ"], work, a.runs)
    base = results.get("typst-cli pdf (baseline)")
    print(f"{'what':<28}{'median s':>10}{'peak MiB':>10}{'× baseline':>12}")
    for k, (t, m) in results.items():
        ratio = f"{t / base[0]:.2f}" if base else "n/a"
        print(f"{k:<28}{t:>10.3f}{m:>10.1f}{ratio:>12}")
    if not base:
        print("\n(no `typst` on PATH: baseline not measured; `cargo install typst-cli --locked`)")
    print(json.dumps({k: {"median_s": round(t, 4), "peak_mib": round(m, 1)} for k, (t, m) in results.items()}))


if __name__ == "__main__":
    main()
