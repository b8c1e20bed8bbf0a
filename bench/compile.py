#!/usr/bin/env python3
"""Benchmark `baosong compile`: a city's volume (200 cases × 3 photos) or a
province's (1,000 cases), against the Typst CLI in the same run.

Data: bench/corpus.py's make_corpus — N case stories (the example story,
each with its own title, unit, region, captions and a body made distinct at
the same 字数), 3 photos each, every photo its own 2400×1600 JPEG of about
2.5 MB (≥ 2 MiB). Photos are generated once (2 processes, ~0.12 s per
photo) and cached under --corpus-cache; re-runs only hard-link them.

Measured (median of --runs, wall time and peak RSS from /usr/bin/time):

* compile, cold: out/ deleted (with its .baosong-cache of resampled photos)
  before each run;
* compile, warm: photo cache kept, outputs deleted — all formats, then
  `--format pdf` and `--format docx`;
* the Typst CLI (`typst` 0.15.1 on PATH or in ~/.cargo/bin) compiling the
  same content written as one plain Typst file with the original photos:
  same page setup, fonts from fonts/ via --font-path, each case on an odd
  page, photos 156 mm wide. Skipped, with a message, when typst is missing.
* the sizes of the PDF and the .docx.

The page cache is warm (the corpus was just written or read); caches are not
dropped. BAOSONG_NO_SYSTEM_FONTS=1 pins the built-in fonts.

`--only-rss` (meant with `--cases 1000`) runs one cold compile and reports
its peak RSS and time only.

Run (never builds; the binary is $CARGO_TARGET_DIR/release/baosong or
/var/cache/baosong/target/release/baosong unless --bin is given):

    bench/compile.py                          # 200 cases, 3 runs
    bench/compile.py --cases 10 --runs 1      # quick proof that it works
    bench/compile.py --cases 1000 --only-rss  # the province: peak memory
    bench/compile.py --json out/compile.json  # also write JSON

Needs Pillow only when photos are not cached yet (`pip install pillow`).
"""
import argparse, os, pathlib, shutil, sys, tomllib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import corpus  # noqa: E402
from corpus import ROOT, md_table, measure, mib  # noqa: E402


def plain_typst(work):
    """The whole volume as one plain Typst file using the original photos."""
    out = [
        '#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, inside: 28mm, outside: 26mm), numbering: "— 1 —")',
        *corpus.PLAIN_PREAMBLE,
        '#outline()',
    ]
    for toml in sorted(work.rglob("story.toml")):
        doc = tomllib.loads(toml.read_text(encoding="utf-8"))
        out.append('#pagebreak(to: "odd")')
        out += corpus.plain_case(
            doc, lambda p, d=toml.parent: (str((d / p).relative_to(work)), corpus.is_portrait(d / p)), heading=True)
    (work / "plain.typ").write_text("\n".join(out) + "\n", encoding="utf-8")
    return work / "plain.typ"


def clear_outputs(out):
    def go():
        for p in out.glob("*"):
            if p.is_file():
                p.unlink()
    return go


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus.common_args(ap, runs=3)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--only-rss", action="store_true", help="one cold compile: peak RSS and time only")
    ap.add_argument("--no-typst", action="store_true", help="skip the Typst CLI baseline")
    a = ap.parse_args()
    binary = corpus.resolve_bin(a)
    env = dict(os.environ, BAOSONG_NO_SYSTEM_FONTS="1")
    with corpus.workdir(a, "compile") as work:
        run(a, binary, env, work)


def run(a, binary, env, work):
    info = corpus.make_corpus(work, a.cases, seed=a.seed, cache=a.corpus_cache)
    print(f"corpus: {a.cases} cases, {info['photos']} distinct photos, {info['bytes'] / 2**30:.2f} GiB "
          f"(each {info['min_bytes'] / 1e6:.2f}–{info['max_bytes'] / 1e6:.2f} MB, median {info['median_bytes'] / 1e6:.2f} MB), "
          f"{info['regions']} regions; ready in {info['seconds']} s", flush=True)
    out = work / "out"
    cmd = [binary, "compile", "collection.toml", "-o", "out"]
    cold = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731
    data = {"bench": "compile", "binary": corpus.binary_info(binary), "machine": corpus.machine_info(),
            "page_cache": "warm", "corpus": info, "runs": a.runs, "results": {}}

    if a.only_rss:
        m = measure(cmd, work, 1, env, before=cold)
        data["results"]["compile_cold"] = m.json()
        print(f"\n## baosong compile, {a.cases} cases, one cold run (page cache warm)\n")
        print(md_table(["measurement", "wall s", "peak RSS MiB"],
                       [[f"compile, cold ({a.cases} cases, {info['photos']} photos)", f"{m[0]:.2f}", f"{m[1]:.0f}"]]))
        corpus.write_json(a.json, data)
        return

    rows = {}
    print(f"measuring compile cold × {a.runs} …", flush=True)
    rows["compile, cold (no photo cache)"] = measure(cmd, work, a.runs, env, before=cold)
    pdf = next(out.glob("*.pdf"))
    docx = next(out.glob("*.docx"))
    sizes = {"pdf_bytes": pdf.stat().st_size, "docx_bytes": docx.stat().st_size}
    print(f"measuring compile warm × {a.runs} (all, pdf, docx) …", flush=True)
    rows["compile, warm (photo cache)"] = measure(cmd, work, a.runs, env, before=clear_outputs(out))
    rows["compile --format pdf, warm"] = measure(cmd + ["--format", "pdf"], work, a.runs, env, before=clear_outputs(out))
    rows["compile --format docx, warm"] = measure(cmd + ["--format", "docx"], work, a.runs, env, before=clear_outputs(out))

    typst, tver = (None, "skipped (--no-typst)") if a.no_typst else corpus.typst_cli()
    data["typst"] = {"path": typst, "version": tver}
    base = None
    if typst:
        if "0.15.1" not in tver:
            print(f"note: the baseline should be Typst 0.15.1 (the library baosong uses); found {tver}")
        src = plain_typst(work)
        print(f"measuring {tver} on the plain file × {a.runs} …", flush=True)
        base = measure(corpus.typst_cmd(typst, src, work / "plain.pdf"), work, a.runs)
        rows["baseline: typst CLI, same content, original photos"] = base
        sizes["typst_pdf_bytes"] = (work / "plain.pdf").stat().st_size
    else:
        print(f"\nbaseline skipped: {tver}")
    data["sizes"] = sizes

    print(f"\n## baosong compile: {a.cases} cases, {info['photos']} distinct photos "
          f"({info['bytes'] / 2**30:.2f} GiB), photo_dpi 200, median of {a.runs} (page cache warm)\n")
    table = []
    for name, m in rows.items():
        rt = f"{m[0] / base[0]:.2f}" if base else "n/a"
        rm = f"{m[1] / base[1]:.2f}" if base else "n/a"
        table.append([name, f"{m[0]:.2f}", " ".join(f"{t:.2f}" for t in m.times), f"{m[1]:.0f}", rt, rm])
        data["results"][name] = dict(m.json(), time_vs_typst=None if not base else round(m[0] / base[0], 3),
                                     rss_vs_typst=None if not base else round(m[1] / base[1], 3))
    print(md_table(["measurement", "median s", "runs s", "peak RSS MiB", "time × typst", "RSS × typst"], table))
    print()
    srows = [["baosong PDF", f"{mib(sizes['pdf_bytes']):.1f}"], ["baosong .docx", f"{mib(sizes['docx_bytes']):.1f}"]]
    if "typst_pdf_bytes" in sizes:
        srows.append(["typst CLI PDF (original photos)", f"{mib(sizes['typst_pdf_bytes']):.1f}"])
    print(md_table(["output", "MiB"], srows))
    if not base:
        print(f"\n(no Typst baseline: {tver})")
    corpus.write_json(a.json, data)


if __name__ == "__main__":
    main()
