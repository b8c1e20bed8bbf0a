#!/usr/bin/env python3
"""Load test of the office portal (`baosong serve --office`): N schools
(default 100) log in and submit a case with 3 photos at the same moment.
Localhost only, bounded (one thread per school, at most 300, every request
with a timeout), standard-library HTTP (http.client) with explicit headers.

What happens:

1. roster.toml with N units (`[[units]] name, region`: the same names,
   regions and stories as bench/corpus.py's make_corpus) and
   `baosong office init DIR --roster roster.toml`; its stdout table
   ("单位  县区  访问码", one line per unit, 办公室 last) gives every
   unit's access code (like 2AB-XXXX-XXXX-XXXX).
2. `baosong serve --office DIR --port 0`; the URL comes from its first
   stdout line "正在运行：http://127.0.0.1:PORT/".
3. N threads wait at a barrier, then each:
   * POST /api/login {"code": …} (JSON, with Origin) → the
     `baosong_session` cookie from Set-Cookie and "csrf" from the JSON;
   * POST /api/submissions, multipart/form-data streamed from disk: part
     `material` (filename "story.toml", a case whose unit is the school's
     name) and three parts `files` (filenames photos/01.jpg … 03.jpg): the
     school's own distinct 2400×1600 photos of about 2.5 MB (generated
     once with Pillow and cached under --corpus-cache), with headers Origin,
     X-CSRF-Token and Cookie. Expected: 201 and JSON {"id", "diagnostics"}.
4. Reported: all accepted?, p50/p95 latency of login and of submission,
   total wall time (barrier to last answer), the server's peak RSS
   (VmHWM in /proc/PID/status at the end, and when the last login was
   answered: logins run argon2id, about 19 MiB each, all at once).
5. Verified: the office logs in with its code; GET /api/status returns N
   rows, each with a case; GET /api/submissions has N entries.

Any refused request is printed exactly (request line, headers, response)
and makes the script exit with status 1 after the report.

Run (never builds; --bin defaults to $CARGO_TARGET_DIR/release/baosong or
/var/cache/baosong/target/release/baosong):

    bench/portal_load.py                     # 100 schools, 300 photos
    bench/portal_load.py --schools 20 --json portal.json
"""
import argparse, http.client, json, os, pathlib, re, subprocess, sys, threading, time, uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import corpus  # noqa: E402
from corpus import md_table, percentile  # noqa: E402
from preview import Server  # noqa: E402

CODE = re.compile(r"\b[0-9A-Z]{3}(?:-[0-9A-Z]{4}){3}\b")
COOKIE = "baosong_session"
TIMEOUT = 600


def parse_codes(stdout):
    """{unit: code} from `office init`'s table; the office is '办公室'."""
    lines = [l for l in stdout.splitlines() if l.strip()]
    head = next((i for i, l in enumerate(lines) if l.split()[:3] == ["单位", "县区", "访问码"]), None)
    if head is None:
        raise ValueError("no header line “单位  县区  访问码”")
    codes = {}
    for l in lines[head + 1:]:
        m = CODE.search(l)
        if not m:
            continue
        codes[l.split()[0]] = m.group()
    return codes


def session_cookie(headers):
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith(COOKIE + "="):
            return v.split(";", 1)[0]
    return None


class Multipart:
    """multipart/form-data streamed from files: (field, filename, path or bytes)."""

    def __init__(self, parts):
        self.boundary = "----baosongbench" + uuid.uuid4().hex
        self.parts = []
        for field, filename, src in parts:
            ctype = "application/toml" if filename.endswith(".toml") else "image/jpeg"
            head = (f"--{self.boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
                    f"Content-Type: {ctype}\r\n\r\n").encode()
            self.parts.append((head, src))
        self.tail = f"--{self.boundary}--\r\n".encode()
        self.length = sum(len(h) + (len(s) if isinstance(s, bytes) else os.path.getsize(s)) + 2 for h, s in self.parts) + len(self.tail)

    def content_type(self):
        return f"multipart/form-data; boundary={self.boundary}"

    def __iter__(self):
        for head, src in self.parts:
            yield head
            if isinstance(src, bytes):
                yield src
            else:
                with open(src, "rb") as f:
                    while chunk := f.read(256 * 1024):
                        yield chunk
            yield b"\r\n"
        yield self.tail


def call(port, method, path, body=None, headers=None):
    """One request on its own connection: (status, headers, body bytes, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    t0 = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        raw = r.read()
        return r.status, r.getheaders(), raw, time.perf_counter() - t0
    finally:
        conn.close()


def show(method, path, headers, body, status, raw):
    b = body if isinstance(body, (str, bytes)) else f"<multipart, {getattr(body, 'length', '?')} bytes>"
    if isinstance(b, bytes):
        b = b.decode("utf-8", "replace")
    return (f"  request: {method} {path}\n  headers: {headers}\n  body: {b[:400]}\n"
            f"  response: {status} {raw[:1500].decode('utf-8', 'replace')}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus.common_args(ap, runs=1)
    ap.add_argument("--schools", type=int, default=100)
    a = ap.parse_args()
    if not 1 <= a.schools <= 300:
        sys.exit("bench: --schools must be between 1 and 300")
    binary = corpus.resolve_bin(a)
    env = dict(os.environ, BAOSONG_NO_SYSTEM_FONTS="1")
    data = {"bench": "portal_load", "binary": corpus.binary_info(binary), "machine": corpus.machine_info(),
            "schools": a.schools}
    with corpus.workdir(a, "portal") as work:
        ok = run(a, binary, env, work, data)
    corpus.write_json(a.json, data)
    sys.exit(0 if ok else 1)


def run(a, binary, env, work, data):
    n = a.schools
    photos = corpus.ensure_photos(n, 3, a.seed, a.corpus_cache)
    data["photos"] = corpus.verify_photos([p for row in photos for p in row])
    regions = corpus.regions_for(n)
    base_body = corpus._story_parts()
    schools = []
    roster = []
    for k in range(n):
        title, unit, region = corpus.case_fields(k, regions)
        refs = [(f"photos/{i:02d}.jpg", f"{unit}{corpus.CAPTIONS[(k + i - 1) % len(corpus.CAPTIONS)]}") for i in (1, 2, 3)]
        story = corpus.story_text(title, unit, region, corpus.distinct_body(base_body, unit, k), refs).encode()
        schools.append({"unit": unit, "story": story, "photos": photos[k]})
        roster.append(f'[[units]]\nname = {corpus.toml_str(unit)}\nregion = {corpus.toml_str(region)}\n')
    (work / "roster.toml").write_text("\n".join(roster), encoding="utf-8")
    portal = work / "portal"
    p = subprocess.run([binary, "office", "init", str(portal), "--roster", str(work / "roster.toml")],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"bench: office init failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    codes = parse_codes(p.stdout)
    office = codes.pop("办公室", None)
    missing = [s["unit"] for s in schools if s["unit"] not in codes]
    if office is None or missing:
        sys.exit(f"bench: could not read every code from `office init` (office: {office}, missing: {missing[:5]})\n{p.stdout}")
    for s in schools:
        s["code"] = codes[s["unit"]]

    srv = Server([binary, "serve", "--office", str(portal), "--port", "0"], work, env)
    failures = []
    try:
        origin = srv.origin
        barrier = threading.Barrier(n + 1)
        results = [None] * n
        lock, logged = threading.Lock(), [0]

        def school(k):
            s = schools[k]
            r = {"unit": s["unit"]}
            results[k] = r
            body = json.dumps({"code": s["code"]})
            h = {"Origin": origin, "Content-Type": "application/json"}
            barrier.wait()
            try:
                st, hd, raw, dt = call(srv.port, "POST", "/api/login", body, h)
                r["login_s"], r["login_status"] = dt, st
                cookie = session_cookie(hd)
                with lock:
                    logged[0] += 1
                    if logged[0] == n:  # the last login answered: what did logging in cost?
                        data["server_peak_rss_mib_at_last_login"] = round(srv.peak_rss_mib(), 1)
                if st != 200 or not cookie:
                    r["error"] = "login\n" + show("POST", "/api/login", h, body, st, raw)
                    return
                csrf = json.loads(raw)["csrf"]
                mp = Multipart([("material", "story.toml", s["story"])] +
                               [("files", f"photos/{i:02d}.jpg", str(ph)) for i, ph in enumerate(s["photos"], 1)])
                h2 = {"Origin": origin, "X-CSRF-Token": csrf, "Cookie": cookie, "Content-Type": mp.content_type(),
                      "Content-Length": str(mp.length)}
                st, hd, raw, dt = call(srv.port, "POST", "/api/submissions", mp, h2)
                r["submit_s"], r["submit_status"], r["bytes"] = dt, st, mp.length
                j = json.loads(raw) if raw.startswith(b"{") else {}
                if st != 201 or "id" not in j or "diagnostics" not in j:
                    r["error"] = "submission\n" + show("POST", "/api/submissions", h2, mp, st, raw)
                    return
                r["id"] = j["id"]
                r["errors"] = sum(1 for d in j["diagnostics"] if d.get("severity") == "error")
                r["codes"] = sorted({d.get("code") for d in j["diagnostics"]})
            except Exception as e:  # a dropped connection is a result too
                r["error"] = f"{type(e).__name__}: {e}"

        threads = [threading.Thread(target=school, args=(k,), daemon=True) for k in range(n)]
        for t in threads:
            t.start()
        print(f"{n} schools: log in and submit 3 photos each ({data['photos']['bytes'] / 2**20:.0f} MiB in all) …", flush=True)
        barrier.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join(TIMEOUT * 2 + 60)
        wall = time.perf_counter() - t0
        data["server_peak_rss_mib_after_load"] = round(srv.peak_rss_mib(), 1)

        # The office's view.
        view = {}
        body = json.dumps({"code": office})
        h = {"Origin": origin, "Content-Type": "application/json"}
        st, hd, raw, _ = call(srv.port, "POST", "/api/login", body, h)
        cookie = session_cookie(hd)
        if st != 200 or not cookie:
            failures.append("office login\n" + show("POST", "/api/login", h, body, st, raw))
        else:
            h = {"Cookie": cookie}
            st, _, raw, dt = call(srv.port, "GET", "/api/status", None, h)
            if st != 200:
                failures.append("office status\n" + show("GET", "/api/status", h, "", st, raw))
            else:
                rows = json.loads(raw)
                view["status_rows"] = len(rows)
                view["status_rows_with_a_case"] = sum(1 for r in rows if (r.get("types") or {}).get("case", 0) >= 1)
                view["status_s"] = round(dt, 4)
            st, _, raw, dt = call(srv.port, "GET", "/api/submissions", None, h)
            if st != 200:
                failures.append("office submissions\n" + show("GET", "/api/submissions", h, "", st, raw))
            else:
                view["submissions"] = len(json.loads(raw))
                view["submissions_s"] = round(dt, 4)
        data["office_view"] = view
        data["server_peak_rss_mib"] = round(srv.peak_rss_mib(), 1)
    finally:
        srv.stop()

    done = [r for r in results if r]
    failures += [f"{r['unit']}: {r['error']}" for r in done if "error" in r]
    accepted = [r for r in done if "id" in r]
    logins = [r["login_s"] for r in done if r.get("login_status") == 200]
    subs = [r["submit_s"] for r in accepted]
    data.update(wall_s=round(wall, 3), accepted=len(accepted), refused=n - len(accepted),
                login_s=[round(x, 4) for x in logins], submit_s=[round(x, 4) for x in subs],
                submissions_with_errors=sum(1 for r in accepted if r["errors"]),
                diagnostic_codes=sorted({c for r in accepted for c in r["codes"]}), failures=failures)
    q = lambda xs, p: f"{percentile(xs, p) * 1000:.0f}" if xs else "—"  # noqa: E731
    print(f"\n## Office portal: {n} schools at once, each logs in and submits a case with 3 photos of ~2.5 MB\n")
    print(md_table(["measurement", "value"], [
        ["all accepted (201 with id and diagnostics)", f"{'yes' if len(accepted) == n else 'NO'} ({len(accepted)}/{n})"],
        ["login latency p50 / p95 ms", f"{q(logins, 50)} / {q(logins, 95)}"],
        ["submission latency p50 / p95 ms", f"{q(subs, 50)} / {q(subs, 95)}"],
        ["total wall time s (barrier to last answer)", f"{wall:.2f}"],
        ["uploaded", f"{sum(r.get('bytes', 0) for r in accepted) / 2**20:.0f} MiB"],
        ["server peak RSS MiB (VmHWM) at the end", f"{data['server_peak_rss_mib']:.0f}"],
        ["server peak RSS MiB when the last login was answered", f"{data.get('server_peak_rss_mib_at_last_login', float('nan')):.0f}"],
        ["accepted submissions with errors", f"{data['submissions_with_errors']} (codes seen: {', '.join(data['diagnostic_codes']) or 'none'})"],
        ["office: GET /api/status rows (with a case)", f"{view.get('status_rows', '—')} ({view.get('status_rows_with_a_case', '—')})"],
        ["office: GET /api/submissions entries", f"{view.get('submissions', '—')}"],
    ]))
    ok = (len(accepted) == n and view.get("status_rows") == n and view.get("status_rows_with_a_case") == n
          and view.get("submissions") == n and not failures)
    data["verified"] = ok
    print(f"\nverified: {'yes' if ok else 'NO'}")
    for f in failures[:10]:
        print("\nFAILED " + f)
    if len(failures) > 10:
        print(f"\n… and {len(failures) - 10} more failures (all in the JSON)")
    return ok


if __name__ == "__main__":
    main()
