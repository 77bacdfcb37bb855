"""Browser mode's throughput and memory beside HTTP mode, on the same generated sample sites.

    python bench/browser.py --sites 60
    python bench/browser.py --sites 60 --contexts 4 8
    python bench/browser.py --sites 20 --wec            # also the EDPS Website Evidence Collector
    python bench/browser.py --sites 20 --wec --tree /tmp/old   # and browser mode as another checkout has it

Each scan is the real CLI (`kzprivacy scan`, with and without --render --consent accept) in a child
process, through the sample web's proxy, with the crawl's polite defaults and no analysis. Memory is
the peak of the summed proportional set size (PSS, so pages Chromium's processes share are counted
once) of the whole process tree: Python, Playwright's driver and every Chromium process. The figure
that travels between machines is the ratio to HTTP mode in the same run.

With --wec the EDPS Website Evidence Collector (WEC) scans the same sites in the same run, through the
same proxy, on the same Chromium: one `website-evidence-collector URL` process per site (its only
mode), --wec-workers of them at once (default: one run with 1, how it is meant to be used, one URL after
another, and one with as many as browser mode's sites at once), with its
defaults (the home page, 3 s sleep after the load, screenshots, HTML/DOCX/JSON/YAML reports) but no
PDF (it would launch a second Chromium per site). Install it once (not part of ./setup.sh; it is a
Node.js program, and puppeteer must not download a browser of its own):

    PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix bench/wec

(see bench/wec/README.md for installing it from a local copy of its source). Without it, --wec says so
and the rest of the benchmark runs. The ratio printed is WEC's seconds per site over browser mode's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEC = ROOT / "bench" / "wec" / "node_modules" / "website-evidence-collector" / "bin" / "website-evidence-collector.js"
WEC_INSTALL = "PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix bench/wec   (see bench/wec/README.md)"


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _tree_pss_mb(root: int) -> float:
    """Summed PSS of a process and all its descendants, in MB."""
    tree, todo, total = _children(), [root], 0
    while todo:
        pid = todo.pop()
        todo += tree.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            pass  # gone meanwhile
    return total / 1024


def scan(out: Path, crawl_id: str, domains: Path, proxy: str, *extra: str, tree: Path = ROOT) -> dict:
    """Run one scan in a child process (kzprivacy as in `tree`); wall time, peak memory and what it stored."""
    command = [sys.executable, "-m", "kzprivacy.cli", "scan", "-i", str(domains), "--out", str(out),
               "--crawl-id", crawl_id, "--proxy", proxy, "--no-progress", "--no-analyze", *extra]
    peak = 0.0
    started = time.perf_counter()
    path = os.pathsep.join([str(tree), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env = {**os.environ, "PYTHONPATH": path}
    proc = subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while proc.poll() is None:
        peak = max(peak, _tree_pss_mb(proc.pid))
        time.sleep(0.25)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{crawl_id} failed ({proc.returncode}): {proc.stderr.read()[-2000:]}")
    from kzprivacy.store import open_store

    with open_store(out / "kzprivacy.db", read_only=True) as store:
        summary = store.crawl_summary(crawl_id)
        cookies = store.read_table("cookies", crawl_id)
    return {
        "seconds": seconds, "peak_mb": peak, "sites": summary["sites"], "ok": summary["statuses"].get("ok", 0),
        "pages": summary["pages"], "requests": summary["third_party_requests"], "cookies": summary["cookies"],
        "script_cookies": int((cookies["set_by"] == "script").sum()) if len(cookies) else 0,
    }


def wec_problem(wec: Path) -> str | None:
    """Why the Website Evidence Collector cannot run here (with how to install it), or None."""
    if not shutil.which("node"):
        return "no node on PATH (apt-get install nodejs npm)"
    if not wec.is_file():
        where = wec.relative_to(ROOT) if wec.is_relative_to(ROOT) else wec
        return f"not installed at {where}; install it with:  {WEC_INSTALL}"
    return None


def wec_scan(out: Path, domains: list[str], proxy: str, workers: int, wec: Path, max_links: int) -> dict:
    """The EDPS Website Evidence Collector on each site, `workers` processes at once: wall time, peak memory
    (the summed PSS of every running collector's process tree) and what it found."""
    from kzprivacy.crawler.browser.chromium import DEFAULT_CHROMIUM, chromium_executable

    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1",
           "PUPPETEER_EXECUTABLE_PATH": chromium_executable(DEFAULT_CHROMIUM)}
    todo, running, failed = list(domains), [], []
    peak = 0.0
    started = time.perf_counter()
    while todo or running:
        for proc, site in list(running):
            if proc.poll() is not None:
                running.remove((proc, site))
                if proc.returncode != 0:
                    failed.append(f"{site} ({proc.returncode}): {proc.stderr.read()[-300:]}")
        while todo and len(running) < workers:
            site = todo.pop(0)
            command = ["node", str(wec), f"https://{site}/", "--output", str(out / site), "--overwrite", "--quiet",
                       "--no-pdf", "--max", str(max_links), f"--browser-options=--proxy-server={proxy}",
                       "--browser-options=--ignore-certificate-errors", "--browser-options=--no-sandbox"]
            running.append((subprocess.Popen(command, cwd=out, env=env, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.PIPE, text=True), site))
        peak = max(peak, sum(_tree_pss_mb(proc.pid) for proc, _ in running))
        time.sleep(0.25)
    seconds = time.perf_counter() - started
    for failure in failed:
        print(f"WEC failed on {failure}", file=sys.stderr)
    pages = requests = cookies = ok = 0
    for site in domains:
        try:
            found = json.loads((out / site / "inspection.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        ok += 1
        pages += len(found.get("browsing_history") or [])
        requests += len((found.get("hosts") or {}).get("requests", {}).get("thirdParty") or [])
        cookies += len(found.get("cookies") or [])
    return {"seconds": seconds, "peak_mb": peak, "sites": len(domains), "ok": ok, "pages": pages,
            "requests": requests, "cookies": cookies, "script_cookies": 0}


def run(sites: int, contexts: list[int], wec: dict | None = None, trees: list[Path] = ()) -> None:
    from kzprivacy.sampleweb.manifest import sample_domains
    from kzprivacy.sampleweb.server import SampleWeb

    with SampleWeb(generated=sites) as web, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        domains = out / "domains.txt"
        names = [d for d in sample_domains(include_generated=sites) if d.startswith("gen-")]
        domains.write_text("\n".join(names), encoding="utf-8")
        results = {"http": scan(out, "http", domains, web.proxy_url)}
        for n in contexts:
            for tree in [*trees, ROOT]:
                label = f"browser x{n}" + (f" {tree.name}" if tree != ROOT else "")
                results[label] = scan(out, f"browser-{n}-{len(results)}", domains, web.proxy_url, "--render",
                                      "--consent", "accept", "-s", f"KZPRIVACY_BROWSER_SITES={n}", tree=tree)
        for workers in (wec or {}).get("workers", []):
            (out / f"wec-{workers}").mkdir()
            results[f"WEC x{workers}"] = wec_scan(out / f"wec-{workers}", names, web.proxy_url, workers,
                                                  wec["path"], wec["max"])

    http = results["http"]
    print(f"{sites} generated sample sites (home, contact form, policy; two third-party services each), "
          f"{os.cpu_count()} CPUs")
    print(f"{'mode':14s} {'sites/s':>8s} {'s/site':>7s} {'pages':>6s} {'s/page':>7s} {'peak MB':>8s} "
          f"{'requests':>9s} {'cookies':>8s} {'by script':>9s}")
    for name, r in results.items():
        print(f"{name:14s} {r['sites'] / r['seconds']:8.2f} {r['seconds'] / r['sites']:7.2f} {r['pages']:6d} "
              f"{r['seconds'] / max(r['pages'], 1):7.2f} {r['peak_mb']:8.0f} {r['requests']:9d} {r['cookies']:8d} "
              f"{r['script_cookies']:9d}")
    for name, r in results.items():
        if name != "http":
            print(f"{name}: {http['seconds'] / r['seconds']:.2f}x HTTP mode's speed, "
                  f"{r['peak_mb'] / http['peak_mb']:.1f}x its memory; {r['ok']}/{r['sites']} sites ok")
    wec_runs = {name: r for name, r in results.items() if name.startswith("WEC")}
    if wec_runs:
        print("WEC: requests = third-party hosts, cookies = all it lists (it does not tell a script's apart); "
              "pages = its browsing history")
        for name, r in results.items():
            if name.startswith("browser"):
                for wec_name, baseline in wec_runs.items():
                    mine, theirs = r["seconds"] / r["sites"], baseline["seconds"] / baseline["sites"]
                    print(f"{name}: {theirs / mine:.2f}x the speed per site of {wec_name} "
                          f"({mine:.2f} s against {theirs:.2f} s)")
    else:
        print("reference (published, not measured here), EDPS Website Evidence Collector: ~8 s per URL sequential, "
              "~2.8 s per URL with 4 workers; run with --wec to measure it on the same sites")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=60, help="generated sample sites (default 60)")
    parser.add_argument("--contexts", type=int, nargs="+", default=[4],
                        help="browser contexts (sites rendered at once) to try (default 4)")
    parser.add_argument("--wec", action="store_true",
                        help="also run the EDPS Website Evidence Collector on the same sites (bench/wec)")
    parser.add_argument("--wec-workers", type=int, nargs="+", default=None,
                        help="collector processes at once, one run per value (default: 1 and the first --contexts "
                             "value: 1 is how it is meant to run, one URL after another)")
    parser.add_argument("--wec-max", type=int, default=0, help="WEC's --max: extra links it browses (default 0)")
    parser.add_argument("--wec-path", type=Path, default=WEC, help="website-evidence-collector.js to run")
    parser.add_argument("--tree", type=Path, nargs="*", default=[],
                        help="also run browser mode from these checkouts (another commit's worktree), in the same "
                             "run, before this one's")
    args = parser.parse_args()
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from kzprivacy.crawler.browser import browser_problem

    problem = browser_problem()
    if problem:
        raise SystemExit(problem)
    wec = None
    if args.wec:
        problem = wec_problem(args.wec_path)
        if problem:
            print(f"Website Evidence Collector skipped: {problem}", file=sys.stderr)
        else:
            workers = args.wec_workers or sorted({1, args.contexts[0]})
            wec = {"path": args.wec_path, "workers": workers, "max": args.wec_max}
    run(args.sites, args.contexts, wec, [t.resolve() for t in args.tree])


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
