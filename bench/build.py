#!/usr/bin/env python3
"""Benchmark `baosong build` of one material, against the Typst CLI in the same run.

Two inputs:

(a) the example case, examples/case/story.toml (3 photos of 2.5 MB,
    2400×1600 baseline JPEG);
(b) one case with three photos as phones make them (bench/corpus.py's
    make_single_case): a 2400×1600 baseline JPEG, a 2400×1600 progressive
    JPEG and a portrait stored as 3200×2100 with EXIF orientation 6 (~5 MB).
    Generated once with Pillow and cached under --corpus-cache.

For each: median wall time and peak RSS (/usr/bin/time) of `baosong build
--format pdf`, `--format docx` and both (`all`), and of the Typst CLI
(`typst` 0.15.1 on PATH or in ~/.cargo/bin) compiling an equivalent plain
Typst file (same page, fonts from fonts/ via --font-path, photos 156 mm
wide, portrait ones at most 150 mm high); ratios are against that baseline.
Without typst the baseline is skipped with a message.
BAOSONG_NO_SYSTEM_FONTS=1 pins the built-in fonts; the page cache is warm.

Run (never builds; --bin defaults to $CARGO_TARGET_DIR/release/baosong or
/var/cache/baosong/target/release/baosong):

    bench/build.py                      # 7 runs each
    bench/build.py --runs 3 --json build.json
"""
import argparse, os, pathlib, sys, tomllib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import corpus  # noqa: E402
from corpus import ROOT, md_table, measure  # noqa: E402


def plain_typst(story, dst):
    """One case as a plain Typst file beside its photos (`dst` = story's folder)."""
    doc = tomllib.loads(story.read_text(encoding="utf-8"))
    lines = ['#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm), numbering: "— 1 —")',
             *corpus.PLAIN_PREAMBLE]
    lines += corpus.plain_case(doc, lambda p: (p, corpus.is_portrait(story.parent / p)))
    # Portrait photos: at most 150 mm high, whether or not Typst turns them upright.
    lines = [l.replace("height: 150mm", 'width: 156mm, height: 150mm, fit: "contain"') for l in lines]
    out = dst / "plain.typ"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus.common_args(ap, runs=7)
    ap.add_argument("--no-typst", action="store_true", help="skip the Typst CLI baseline")
    a = ap.parse_args(argv)
    binary = corpus.resolve_bin(a)
    env = dict(os.environ, BAOSONG_NO_SYSTEM_FONTS="1")
    typst, tver = (None, "skipped (--no-typst)") if a.no_typst else corpus.typst_cli()
    if typst and "0.15.1" not in tver:
        print(f"note: the baseline should be Typst 0.15.1 (the library baosong uses); found {tver}")
    data = {"bench": "build", "binary": corpus.binary_info(binary), "machine": corpus.machine_info(),
            "typst": {"path": typst, "version": tver}, "runs": a.runs, "page_cache": "warm", "inputs": {}}
    with corpus.workdir(a, "build") as work:
        # (a) the example, read in place (the plain file goes to a copy's folder with links to its photos)
        ex = work / "example"
        for p in (ROOT / "examples/case/photos").iterdir():
            corpus._place(p, ex / "photos" / p.name)
        (ex / "story.toml").write_bytes((ROOT / "examples/case/story.toml").read_bytes())
        phone = corpus.make_single_case(work / "phone", seed=a.seed, cache=a.corpus_cache)
        inputs = {
            "example case (3 × 2.5 MB, 2400×1600)": ex / "story.toml",
            "phone case (baseline, progressive, 3200×2100 EXIF 6 ~5 MB)": phone,
        }
        for label, story in inputs.items():
            photos = sorted((story.parent / "photos").glob("*.jpg"))
            print(f"{label}: " + ", ".join(f"{p.name} {p.stat().st_size / 1e6:.2f} MB" for p in photos), flush=True)
            rows = {}
            out = work / "out"
            for fmt in ["pdf", "docx", "all"]:
                rows[f"baosong build --format {fmt}"] = measure(
                    [binary, "build", str(story), "-o", str(out), "--format", fmt], work, a.runs, env)
            base = None
            if typst:
                src = plain_typst(story, story.parent)
                base = measure(corpus.typst_cmd(typst, src, story.parent / "plain.pdf"), story.parent, a.runs)
                rows["baseline: typst CLI, plain file"] = base
            res = {}
            table = []
            for name, m in rows.items():
                rt = f"{m[0] / base[0]:.2f}" if base else "n/a"
                rm = f"{m[1] / base[1]:.2f}" if base else "n/a"
                table.append([name, f"{m[0]:.3f}", f"{m[1]:.0f}", rt, rm])
                res[name] = dict(m.json(), time_vs_typst=round(m[0] / base[0], 3) if base else None,
                                 rss_vs_typst=round(m[1] / base[1], 3) if base else None)
            sizes = {p.name: p.stat().st_size for p in out.iterdir() if p.is_file()}
            if base:
                sizes["typst CLI plain.pdf"] = (story.parent / "plain.pdf").stat().st_size
            data["inputs"][label] = {"photos": {p.name: p.stat().st_size for p in photos}, "results": res,
                                     "output_bytes": sizes}
            print(f"\n## baosong build: {label}, median of {a.runs} (page cache warm)\n")
            print(md_table(["measurement", "median s", "peak RSS MiB", "time × typst", "RSS × typst"], table))
            print("\noutputs: " + ", ".join(f"{k} {v / 2**20:.1f} MiB" for k, v in sorted(sizes.items())) + "\n")
    if not typst:
        print(f"(no Typst baseline: {tver})")
    corpus.write_json(a.json, data)


if __name__ == "__main__":
    main()
