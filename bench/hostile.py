"""The hostile web scanned all at once, against the longest configured timeout.

    python bench/hostile.py [--timeout 10]

Scans every hostile site (kzprivacy/sampleweb/hostile/sites.yaml) beside the control site, then the
control site alone, each in its own process, and prints the hostile scan's wall time as a ratio to
the longest timeout a page may take (the download timeout; the parse budget is set to the same): a crawl where no
page adds its parse time to the others ends within that timeout plus a small margin, whatever the hostile sites do.
The control scan alone is the baseline measured in the same run (these machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from kzprivacy.sampleweb import SampleWeb, hostile_domains
    from kzprivacy.sampleweb.hostile.scan import CONTROL, prepare, scan

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=10.0, help="the crawl's download timeout, seconds")
    parser.add_argument("--no-sigterm", action="store_true", help="skip the SIGTERM measurements")
    args = parser.parse_args()
    prepare()
    stops = []
    with tempfile.TemporaryDirectory() as tmp, SampleWeb(hang_seconds=args.timeout + 5) as web:
        budget = ("-s", f"KZPRIVACY_PARSE_TIMEOUT={args.timeout:g}")
        alone = scan([CONTROL], web.proxy_url, Path(tmp) / "alone", "alone", args.timeout, extra=budget)
        hostile = scan([*hostile_domains(), CONTROL], web.proxy_url, Path(tmp) / "hostile", "hostile", args.timeout,
                       extra=budget)
        if not args.no_sigterm:  # SIGTERM at a quarter, half and three quarters of the way through
            for i, fraction in enumerate((0.25, 0.5, 0.75)):
                stopped = scan([*hostile_domains(), CONTROL], web.proxy_url, Path(tmp) / f"stop{i}", f"stop{i}",
                               args.timeout, sigterm_after=fraction * hostile.seconds, extra=budget)
                stops.append((fraction * hostile.seconds, stopped.stop_seconds, stopped.returncode))
        from kzprivacy.store import open_store

        with open_store(hostile.db, read_only=True) as store:
            statuses = store.crawl_summary("hostile")["statuses"]
    sites = sum(statuses.values())
    print(f"hostile scan: {sites} sites in {hostile.seconds:.1f} s, peak RSS {hostile.peak_rss_mb:.0f} MB, "
          f"exit {hostile.returncode}")
    print(f"  statuses: {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}")
    print(f"control site alone: {alone.seconds:.1f} s, peak RSS {alone.peak_rss_mb:.0f} MB")
    print(f"longest configured timeout: {args.timeout:.1f} s")
    print(f"hostile scan / longest timeout: {hostile.seconds / args.timeout:.2f}x "
          f"(margin over the timeout: {hostile.seconds - args.timeout:+.1f} s; "
          f"over timeout + control alone: {hostile.seconds - args.timeout - alone.seconds:+.1f} s)")

    for at, took, code in stops:
        figure = f"{took:.2f} s" if took is not None else "(had already ended)"
        print(f"SIGTERM at {at:.1f} s: exit after {figure}, exit code {code}")


if __name__ == "__main__":
    main()
