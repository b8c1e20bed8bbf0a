#!/usr/bin/env python3
"""Benchmark the browser workbench's edit latency (`baosong serve`), against a
full `baosong build` of the same material in the same run.

What happens:

1. A folder DIR gets photos copied into it: 3 for the material being edited
   and 3 more for each "new draft" run — all distinct 2400×1600 JPEGs of
   about 2.5 MB (bench/corpus.py; generated once with Pillow, cached under
   --corpus-cache). Photo paths in the form are relative to DIR.
2. `baosong serve DIR --port 0` starts; the script reads its stdout line
   "正在运行：http://127.0.0.1:PORT/" and takes the CSRF token from
   GET /api/session ("csrf").
3. The material is the smallest case the rules accept with 3 photos: the
   example story's body cut to whole paragraphs of about 850 字 (≥ 800, so
   it has no errors) and 3 photos with captions. That is 5 pages, not 3: a
   photo 156 mm wide (104 mm high) plus its caption takes more than half of
   the 225 mm text block, so each photo gets a page of its own, after 2
   pages of text (--body-chars changes the length). Every
   POST sends Origin: http://127.0.0.1:PORT, X-CSRF-Token and
   Content-Type: application/json, body
   {"draft": …, "type": "case", "path": null, "values": {title, unit,
   category, body, photos: [{path, caption}, …]}}.
4. Measured, each as the time until the JSON response is read, and again
   including GETs of every page image URL in it that this draft has not
   fetched before (fetched one after another — a browser would fetch them
   in parallel, so this is an upper bound):
   * the first preview in the freshly started server (draft "bench");
   * the first preview of a freshly opened draft in the warm server (new
     draft id, its own 3 new photos, one character of the body different):
     --runs of them, median;
   * --edits (default 30) edits of draft "bench", each changing one
     character of the body (positions spread over the whole body, so edits
     land on every page): median and p95.
5. The material is saved (POST /api/save {type, values} → {"path"}) and
   `baosong build` of that file (--format all, and --format pdf, which is
   what the preview lays out) is timed, --runs times, median.
6. The server's peak RSS (VmHWM from /proc/PID/status) at the end.

Goals (printed with the results): edit ≤ 150 ms median, first preview ≤ 1 s.

Run (never builds; --bin defaults to $CARGO_TARGET_DIR/release/baosong or
/var/cache/baosong/target/release/baosong):

    bench/preview.py
    bench/preview.py --edits 30 --runs 5 --json preview.json
"""
import argparse, http.client, json, os, pathlib, re, shutil, subprocess, sys, threading, time, tomllib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import corpus  # noqa: E402
from corpus import ROOT, md_table, measure, percentile  # noqa: E402

EDIT_GOAL_S = 0.150
FIRST_GOAL_S = 1.0


class Server:
    """`baosong serve …` as a child process; its URL from its first stdout line."""

    def __init__(self, cmd, log_dir, env=None, timeout=60):
        self.log = open(log_dir / "serve.stderr.log", "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, env=env)
        self.lines = []
        got = threading.Event()

        def pump():
            for raw in self.proc.stdout:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                got.set()
            got.set()

        threading.Thread(target=pump, daemon=True).start()
        if not got.wait(timeout) or not self.lines:
            self.stop()
            sys.exit(f"bench: `{' '.join(cmd)}` printed nothing in {timeout} s; stderr in {self.log.name}")
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", self.lines[0])
        if not m:
            self.stop()
            sys.exit(f"bench: unexpected first line from the server: {self.lines[0]!r}")
        self.port = int(m.group(1))
        self.origin = f"http://127.0.0.1:{self.port}"

    def peak_rss_mib(self):
        try:
            for line in open(f"/proc/{self.proc.pid}/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Client:
    """One keep-alive connection, as a browser tab has."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                return r.status, dict(r.getheaders()), r.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)


def fail(what, method, path, headers, body, status, resp):
    shown = body if isinstance(body, str) else (body or b"").decode("utf-8", "replace")
    sys.exit(f"bench: {what} failed\n  request: {method} {path}\n  headers: {headers}\n  body: {shown[:600]}\n"
             f"  response: {status} {resp[:2000].decode('utf-8', 'replace')}")


def short_body(chars=850):
    """The example body cut to whole paragraphs of about `chars` characters."""
    doc = tomllib.loads((ROOT / "examples/case/story.toml").read_text(encoding="utf-8"))
    out, n = [], 0
    for p in [p for p in doc["body"].split("\n\n") if p.strip()]:
        out.append(p)
        n += len(p)
        if n >= chars:
            break
    return "\n\n".join(out), doc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus.common_args(ap, runs=5)
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--body-chars", type=int, default=850, help="about this many characters of the example body (≥ 800 for no errors)")
    a = ap.parse_args()
    binary = corpus.resolve_bin(a)
    env = dict(os.environ, BAOSONG_NO_SYSTEM_FONTS="1")
    data = {"bench": "preview", "binary": corpus.binary_info(binary), "machine": corpus.machine_info(),
            "runs": a.runs, "edits": a.edits, "goals": {"edit_median_s": EDIT_GOAL_S, "first_preview_s": FIRST_GOAL_S}}
    with corpus.workdir(a, "preview") as work:
        root = work / "materials"
        pool = corpus.ensure_photos(1 + a.runs, 3, a.seed, a.corpus_cache)
        for k, row in enumerate(pool):
            for i, src in enumerate(row, 1):
                dst = root / ("photos" if k == 0 else f"draft{k}/photos") / f"{i:02d}.jpg"
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
        data["photos"] = corpus.verify_photos(sorted(root.rglob("*.jpg")))
        body, doc = short_body(a.body_chars)

        def values(body, photo_dir="photos"):
            return {"title": doc["title"], "unit": doc["unit"], "category": doc["category"], "body": body,
                    "photos": [{"path": f"{photo_dir}/{i:02d}.jpg", "caption": ph["caption"]}
                               for i, ph in enumerate(doc["photos"], 1)]}

        srv = Server([binary, "serve", str(root), "--port", "0"], work, env)
        try:
            run(a, binary, env, work, root, srv, body, values, data)
        finally:
            data["server_peak_rss_mib"] = round(srv.peak_rss_mib(), 1)
            srv.stop()
    report(a, data)


def run(a, binary, env, work, root, srv, body, values, data):
    c = Client(srv.port)
    status, _, raw = c.request("GET", "/api/session")
    if status != 200:
        fail("GET /api/session", "GET", "/api/session", {}, "", status, raw)
    csrf = json.loads(raw)["csrf"]
    hdr = {"Origin": srv.origin, "X-CSRF-Token": csrf, "Content-Type": "application/json"}

    def preview(draft, vals, seen):
        req = json.dumps({"draft": draft, "type": "case", "path": None, "values": vals}, ensure_ascii=False).encode()
        t0 = time.perf_counter()
        status, _, raw = c.request("POST", "/api/preview", req, hdr)
        t_json = time.perf_counter() - t0
        if status != 200:
            fail("POST /api/preview", "POST", "/api/preview", hdr, req, status, raw)
        j = json.loads(raw)
        if j.get("layout_error") or not j.get("pages"):
            fail("POST /api/preview (no pages)", "POST", "/api/preview", hdr, req, status, raw)
        new = [p["url"] for p in j["pages"] if p["url"] not in seen]
        for url in new:
            st, h, png = c.request("GET", url)
            if st != 200 or not png.startswith(b"\x89PNG"):
                fail("GET page image", "GET", url, {}, "", st, png)
            seen.add(url)
        t_all = time.perf_counter() - t0
        return t_json, t_all, j, len(new)

    # The first preview of the freshly started server.
    seen = set()
    t_json, t_all, j, n_new = preview("bench", values(body), seen)
    pages = len(j["pages"])
    data["material"] = {"chars": j.get("chars"), "pages": pages, "errors": j.get("errors"),
                        "warnings": j.get("warnings"), "diagnostics": sorted({d["code"] for d in j["diagnostics"]})}
    print(f"material: {j.get('chars')} 字, {pages} pages, {j.get('errors')} errors, {j.get('warnings')} warnings "
          f"({', '.join(data['material']['diagnostics']) or 'none'})", flush=True)
    data["first_fresh_server"] = {"json_s": round(t_json, 4), "with_images_s": round(t_all, 4), "images": n_new}

    # First previews of new drafts in the warm server, each with its own photos.
    spots = [i for i, ch in enumerate(body) if "\u4e00" <= ch <= "\u9fff"]
    firsts = []
    for k in range(1, a.runs + 1):
        b = list(body)
        b[spots[(k * 131) % len(spots)]] = corpus.COMMON[k % len(corpus.COMMON)]
        tj, ta, jj, nn = preview(f"bench-new-{k}-{time.time_ns()}", values("".join(b), f"draft{k}/photos"), set())
        firsts.append((tj, ta, nn))
    data["first_new_draft"] = {"json_s": [round(x[0], 4) for x in firsts], "with_images_s": [round(x[1], 4) for x in firsts],
                               "images": [x[2] for x in firsts]}

    # Edits of draft "bench": one character each.
    cur = list(body)
    edits = []
    for k in range(a.edits):
        pos = spots[(k * 97 + 13) % len(spots)]
        old = cur[pos]
        new = next(ch for ch in corpus.COMMON[k % 50:] + corpus.COMMON if ch != old)
        cur[pos] = new
        tj, ta, jj, nn = preview("bench", values("".join(cur)), seen)
        edits.append((tj, ta, nn, len(jj["pages"])))
    data["edits"] = {"json_s": [round(x[0], 4) for x in edits], "with_images_s": [round(x[1], 4) for x in edits],
                     "new_images": [x[2] for x in edits], "pages": [x[3] for x in edits]}

    # Save, then build the saved file.
    req = json.dumps({"type": "case", "values": values("".join(cur))}, ensure_ascii=False).encode()
    status, _, raw = c.request("POST", "/api/save", req, hdr)
    if status != 200:
        fail("POST /api/save", "POST", "/api/save", hdr, req, status, raw)
    saved = root / json.loads(raw)["path"]
    if not saved.is_file():
        sys.exit(f"bench: /api/save answered {raw!r} but {saved} does not exist")
    data["saved"] = str(saved.relative_to(root))
    out = work / "out"
    data["build_all"] = measure([binary, "build", str(saved), "-o", str(out)], work, a.runs, env).json()
    data["build_pdf"] = measure([binary, "build", str(saved), "-o", str(out), "--format", "pdf"], work, a.runs, env).json()


def report(a, data):
    import statistics as st
    e = data["edits"]
    f = data["first_new_draft"]
    b_all, b_pdf = data["build_all"]["median_s"], data["build_pdf"]["median_s"]
    ej, ea = st.median(e["json_s"]), st.median(e["with_images_s"])
    ej95, ea95 = percentile(e["json_s"], 95), percentile(e["with_images_s"], 95)
    fj, fa = st.median(f["json_s"]), st.median(f["with_images_s"])
    fs = data["first_fresh_server"]
    m = data["material"]
    rows = [
        ["first preview, freshly started server (1 run)", f"{fs['json_s'] * 1000:.0f}", "", f"{fs['with_images_s'] * 1000:.0f}", "",
         f"{fs['json_s'] / b_pdf:.2f}"],
        [f"first preview of a new draft, new photos (median of {a.runs})", f"{fj * 1000:.0f}", "", f"{fa * 1000:.0f}", "",
         f"{fj / b_pdf:.2f}"],
        [f"edit: one character of the body ({a.edits} edits)", f"{ej * 1000:.0f}", f"{ej95 * 1000:.0f}", f"{ea * 1000:.0f}",
         f"{ea95 * 1000:.0f}", f"{ej / b_pdf:.2f}"],
        [f"baseline: baosong build --format pdf of the saved file (median of {a.runs})", f"{b_pdf * 1000:.0f}", "", "", "", "1.00"],
        [f"baosong build (docx + pdf) of the saved file (median of {a.runs})", f"{b_all * 1000:.0f}", "", "", "", f"{b_all / b_pdf:.2f}"],
    ]
    print(f"\n## Workbench preview: a case of {m['pages']} pages ({m['chars']} 字, 3 photos of ~2.5 MB), "
          f"server peak RSS {data['server_peak_rss_mib']:.0f} MiB\n")
    print(md_table(["measurement", "median ms (JSON)", "p95 ms (JSON)", "median ms (+ new page images)",
                    "p95 ms (+ images)", "× build pdf"], rows))
    new_imgs = e["new_images"]
    print(f"\nNew page images per edit: median {st.median(new_imgs):g}, max {max(new_imgs)}.")
    goals = [["edit, median (JSON)", f"≤ {EDIT_GOAL_S * 1000:.0f} ms", f"{ej * 1000:.0f} ms", "met" if ej <= EDIT_GOAL_S else "NOT met"],
             ["edit, median (+ page images)", f"≤ {EDIT_GOAL_S * 1000:.0f} ms", f"{ea * 1000:.0f} ms", "met" if ea <= EDIT_GOAL_S else "NOT met"],
             ["first preview of a new draft (+ page images)", f"≤ {FIRST_GOAL_S:.0f} s", f"{fa:.2f} s", "met" if fa <= FIRST_GOAL_S else "NOT met"],
             ["first preview, fresh server (+ page images)", f"≤ {FIRST_GOAL_S:.0f} s", f"{fs['with_images_s']:.2f} s",
              "met" if fs["with_images_s"] <= FIRST_GOAL_S else "NOT met"]]
    print("\n### Goals\n")
    print(md_table(["goal", "target", "measured", ""], goals))
    data["summary"] = {"edit_json_median_s": round(ej, 4), "edit_json_p95_s": round(ej95, 4),
                       "edit_with_images_median_s": round(ea, 4), "edit_with_images_p95_s": round(ea95, 4),
                       "first_new_draft_json_median_s": round(fj, 4), "first_new_draft_with_images_median_s": round(fa, 4),
                       "build_pdf_median_s": b_pdf, "build_all_median_s": b_all,
                       "goals_met": {g[0]: g[3] == "met" for g in goals}}
    corpus.write_json(a.json, data)


if __name__ == "__main__":
    main()
