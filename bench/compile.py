#!/usr/bin/env python3
"""Benchmark `baosong compile` on a generated volume: 200 case stories
(the example story, 3 photos of about 2.5 MB, 2400x1600 JPEG each).

Reports medians of N runs: wall time and peak memory cold (no photo cache)
and warm (cache kept), and the output sizes; beside, in the same run, the
Typst CLI compiling the same content written as one plain Typst file with
the original photos (needs `typst` on PATH), and LibreOffice converting the
generated .docx volume to PDF (once; it is slow).

Usage: bench/compile.py [--runs N] [--cases 200]
"""
import argparse, os, pathlib, shutil, statistics, subprocess, sys, tempfile, time, tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run import measure  # noqa: E402
from check import corpus  # noqa: E402


def plain_typst(work, cases):
    esc = lambda s: s.replace("\\", "\\\\").replace('"', '\\"')
    out = [
        '#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, inside: 28mm, outside: 26mm), numbering: "— 1 —")',
        '#set text(font: "FandolFang", size: 16pt, lang: "zh", tracking: -0.25pt)',
        '#set par(justify: true, leading: 12.95pt, spacing: 12.95pt, first-line-indent: (amount: 31.5pt, all: true))',
        '#outline()',
    ]
    for toml in sorted(work.rglob("story.toml")):
        doc = tomllib.loads(toml.read_text(encoding="utf-8"))
        out.append('#pagebreak(to: "odd")')
        out.append(f'#heading(text(font: "Noto Serif CJK SC", weight: 700, size: 22pt, "{esc(doc["title"])}"))')
        out.append(f'#align(center, text(font: "FandolKai", "{esc(doc["unit"])}"))')
        for p in [p.strip().replace("\n", "") for p in doc["body"].split("\n\n") if p.strip()]:
            out.append(f'#par("{esc(p)}")')
        for ph in doc["photos"]:
            rel = (toml.parent / ph["path"]).relative_to(work)
            out.append(f'#align(center, image("{rel}", width: 156mm))')
            out.append(f'#align(center, text(size: 14pt, "{esc(ph["caption"])}"))')
    (work / "plain.typ").write_text("\n".join(out), encoding="utf-8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cases", type=int, default=200)
    a = ap.parse_args()
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = str(target / "release" / "baosong")
    subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    env = dict(os.environ, BAOSONG_NO_SYSTEM_FONTS="1")
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        corpus(work / "submissions", a.cases)
        (work / "collection.toml").write_text(
            'title = "2020年典型案例汇编"\nissuer = "南昌市教育局"\ndate = 2020-11-30\n'
            'sources = ["submissions/**/*.toml"]\ngroup_by = "region"\nduplex = true\nphoto_dpi = 200\n',
            encoding="utf-8")
        cmd = [binary, "compile", "collection.toml", "-o", "out"]
        cold = []
        for _ in range(a.runs):
            shutil.rmtree(work / "out", ignore_errors=True)
            cold.append(measure(cmd, work, 1, env))
        warm = measure(cmd, work, a.runs, env)
        pdf = next((work / "out").glob("*.pdf"))
        docx = next((work / "out").glob("*.docx"))
        rows = [
            ("compile, cold (no photo cache)", statistics.median(t for t, _ in cold), statistics.median(m for _, m in cold)),
            ("compile, warm (photo cache)", warm[0], warm[1]),
        ]
        typst = shutil.which("typst")
        if typst:
            plain_typst(work / "submissions", a.cases)
            t, m = measure([typst, "compile", "--font-path", str(ROOT / "fonts"), "--ignore-system-fonts",
                            "plain.typ", "plain.pdf"], work / "submissions", a.runs)
            rows.append(("typst CLI, same content, originals", t, m))
        soffice = shutil.which("soffice")
        if soffice:
            lo = work / "lo"
            lo.mkdir()
            t0 = time.perf_counter()
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(lo), str(docx)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            rows.append(("LibreOffice: our .docx to PDF (1 run)", time.perf_counter() - t0, float("nan")))
        base = rows[2][1] if typst else None
        print(f"{a.cases} cases, {a.cases * 3} photos; PDF {pdf.stat().st_size / 2**20:.1f} MiB, "
              f".docx {docx.stat().st_size / 2**20:.1f} MiB")
        print(f"{'what':<40}{'median s':>10}{'peak MiB':>10}{'× typst':>10}")
        for name, t, m in rows:
            ratio = f"{t / base:.2f}" if base else "n/a"
            print(f"{name:<40}{t:>10.2f}{m:>10.0f}{ratio:>10}")


if __name__ == "__main__":
    main()
