"""Browser mode's throughput and memory beside HTTP mode, on the same generated sample sites.

    python bench/browser.py --sites 60
    python bench/browser.py --sites 60 --contexts 4 8

Each scan is the real CLI (`kzprivacy scan`, with and without --render --consent accept) in a child
process, through the sample web's proxy, with the crawl's polite defaults and no analysis. Memory is
the peak of the summed proportional set size (PSS, so pages Chromium's processes share are counted
once) of the whole process tree: Python, Playwright's driver and every Chromium process. The figure
that travels between machines is the ratio to HTTP mode in the same run; for scale, the EDPS Website
Evidence Collector needs about 8 s per URL on its own and 2.8 s per URL with 4 workers.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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


def scan(out: Path, crawl_id: str, domains: Path, proxy: str, *extra: str) -> dict:
    """Run one scan in a child process; wall time, peak memory and what it stored."""
    command = [sys.executable, "-m", "kzprivacy.cli", "scan", "-i", str(domains), "--out", str(out),
               "--crawl-id", crawl_id, "--proxy", proxy, "--no-progress", "--no-analyze", *extra]
    peak = 0.0
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
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


def run(sites: int, contexts: list[int]) -> None:
    from kzprivacy.sampleweb.manifest import sample_domains
    from kzprivacy.sampleweb.server import SampleWeb

    with SampleWeb(generated=sites) as web, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        domains = out / "domains.txt"
        domains.write_text("\n".join(d for d in sample_domains(include_generated=sites) if d.startswith("gen-")),
                           encoding="utf-8")
        results = {"http": scan(out, "http", domains, web.proxy_url)}
        for n in contexts:
            results[f"browser x{n}"] = scan(out, f"browser-{n}", domains, web.proxy_url, "--render", "--consent",
                                            "accept", "-s", f"KZPRIVACY_BROWSER_SITES={n}")

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
    print("reference, EDPS Website Evidence Collector: ~8 s per URL sequential, ~2.8 s per URL with 4 workers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=60, help="generated sample sites (default 60)")
    parser.add_argument("--contexts", type=int, nargs="+", default=[4],
                        help="browser contexts (sites rendered at once) to try (default 4)")
    args = parser.parse_args()
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from kzprivacy.crawler.browser import browser_problem

    problem = browser_problem()
    if problem:
        raise SystemExit(problem)
    run(args.sites, args.contexts)


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
