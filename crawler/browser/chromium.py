"""Chromium for browser mode: where it is, the switches and profile preferences it runs with, and why
browser mode cannot run here when it cannot."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from kzprivacy.crawler.settings_table import default

DEFAULT_CHROMIUM = default("KZPRIVACY_CHROMIUM")
# Without the background-networking flags Chromium calls Google hosts on its own (and fails offline).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--mute-audio",
                 "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
                 "--disable-client-side-phishing-detection", "--safebrowsing-disable-auto-update", "--no-pings",
                 "--metrics-recording-only", "--disable-breakpad", "--no-service-autorun",
                 "--disable-dev-shm-usage"]  # what Debian's wrapper would add where /dev/shm is small
# Chromium's cookie_controls_mode: 0 never blocks third-party cookies (1 always does, 2 in incognito only).
# Debian's Chromium blocks them in the contexts Playwright opens; a scan must see them.
# net.network_prediction_options 2: no preconnects or DNS prefetches of Chromium's own. A page's requests
# are what it asked for, and the form probe's aborted submissions open no connection to their target.
# The rest keep Chromium from calling Google on its own during a scan: autofill predictions for the forms
# it sees, account checks, safe-browsing and translation.
PROFILE_PREFERENCES = ('{"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": false}, '
                       '"net": {"network_prediction_options": 2}, '
                       '"autofill": {"enabled": false, "profile_enabled": false, "credit_card_enabled": false}, '
                       '"signin": {"allowed": false}, "safebrowsing": {"enabled": false}, '
                       '"translate": {"enabled": false}, "browser": {"enable_spellchecking": false}}')

# How long closing a browser or a context may take before it counts as gone.
CLOSE_TIMEOUT = 10.0


def browser_problem(chromium: str | None = None) -> str | None:
    """Why browser mode cannot run here (with how to fix it), or None when it can."""
    try:
        import playwright.async_api  # noqa: F401
        import scrapy_playwright  # noqa: F401
    except ImportError as exc:
        return (f"Browser mode needs scrapy-playwright ({exc.name} is not installed).\n"
                "Install it with:  python -m pip install scrapy-playwright   (or run ./setup.sh)")
    path = chromium or DEFAULT_CHROMIUM
    if not (Path(path).is_file() or shutil.which(path)):
        return (f"Browser mode needs Chromium, and there is none at {path}.\n"
                "Install it with:  sudo apt-get install chromium   (or run ./setup.sh)\n"
                "or name another Chromium with -s KZPRIVACY_CHROMIUM=/path/to/chromium.")
    return None


def chromium_executable(path: str) -> str:
    """The Chromium binary to launch for `path`: Debian's /usr/bin/chromium is a shell wrapper that exports
    Google API keys (/etc/chromium.d/apikeys), and with them Chromium calls Google's account, autofill and
    update services on its own during a scan; the binary behind the wrapper, run directly, has no keys."""
    real = Path("/usr/lib/chromium/chromium")
    if Path(path) == Path(DEFAULT_CHROMIUM) and real.is_file():
        return str(real)
    return path


# Chromium's own calls to Google that its switches and preferences do not stop: autofill predictions for
# every form it sees (content-autofill.googleapis.com) and the like, seen through the sample web's proxy.
# Then the browser's own window furniture: headless Chromium (since about 140) opens every new page in a
# window of its own with the omnibox's suggestion popup loaded as a WebUI page (chrome://omnibox-popup.
# top-chrome/) in a renderer process of its own; that renderer did most of the CPU work of a scan of the
# sample web (14 of 33 CPU-seconds for 8 sites). Nothing a site does reaches it, so nothing recorded changes.
DISABLED_FEATURES = ("AutofillServerCommunication", "OptimizationGuideModelDownloading", "OptimizationHintsFetching",
                     "OptimizationTargetPrediction", "Translate", "CertificateTransparencyComponentUpdater",
                     "WebUIOmniboxPopup", "WebUIOmniboxFullPopup", "WebUIOmniboxAimPopup", "PreloadTopChromeWebUI")


def playwright_disabled_features() -> list[str]:
    """The features Playwright itself disables. Chromium honours only the last --disable-features switch,
    so ours must repeat Playwright's list (HttpsUpgrades among them: http stays http) or undo it."""
    import playwright

    bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
    try:
        source = bundle.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    match = re.search(r"disabledFeatures = \[(.*?)\]", source, re.DOTALL)
    return re.findall(r'^\s*"([A-Za-z0-9]+)"', match.group(1), re.MULTILINE) if match else []


def chromium_args() -> list[str]:
    features = list(dict.fromkeys([*playwright_disabled_features(), *DISABLED_FEATURES]))
    return [*CHROMIUM_ARGS, "--disable-features=" + ",".join(features)]
