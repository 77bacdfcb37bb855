"""Run the sample web in the foreground: python -m kzprivacy.sampleweb [--port N] [--generated N]."""

from __future__ import annotations

import argparse
import threading

import kzprivacy  # noqa: F401  (offline tldextract settings before anything else)

from .server import SampleWeb


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kzprivacy.sampleweb", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--generated", type=int, default=0, help="also serve N generated sites gen-00001-demo.kz ...")
    parser.add_argument("--zone", action="store_true",
                        help="generated sites behave as a simulated zone: latency, dead names, hangs (zone.py)")
    parser.add_argument("--hang-seconds", type=float, default=30.0, help="how long the hanging site holds a connection")
    args = parser.parse_args(argv)
    web = SampleWeb(port=args.port, generated=args.generated, hang_seconds=args.hang_seconds,
                    zone=args.zone)
    url = web.start()
    print(url, flush=True)
    print(f"# sites: {len(web.catalog.sites)} (+{args.generated} generated); CA certificate: {url}/ca.pem;"
          " Ctrl-C stops",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        web.stop()


if __name__ == "__main__":
    main()
