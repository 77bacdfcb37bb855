"""Scrapy settings for kzprivacy. Behaviour is data: every default here is overridable per run
(`kzprivacy scan` sets the KZPRIVACY_* ones from its options, and `-s NAME=VALUE` any of them).
kzprivacy's own settings are declared in crawler/settings_table.py; Scrapy's that we change are below,
each with why."""

import kzprivacy
from kzprivacy.crawler.settings_table import SETTINGS as _table  # lower case: not a setting itself

BOT_NAME = "kzprivacy"
SPIDER_MODULES = ["kzprivacy.crawler.spiders"]
NEWSPIDER_MODULE = "kzprivacy.crawler.spiders"

# Name the tool and where to read about it, so site owners know who visits.
USER_AGENT = f"kzprivacy/{kzprivacy.__version__} (+{kzprivacy.TOOL_URL}; privacy-policy research scanner)"

# Politeness: robots.txt obeyed; few requests per site at once, many sites in parallel.
ROBOTSTXT_OBEY = True
# A broad crawl: throughput is set by how many requests are in flight while each waits for its
# site (hundreds of ms), not by CPU; each site still gets two at a time at most, with its delays.
CONCURRENT_REQUESTS = 384
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
# Scrapy's download slots are per host name, so these limits hold per site even through a proxy.
# Each delay varies by ±50 %, so a fleet of scans does not knock in lockstep.
DOWNLOAD_DELAY_JITTER = 0.5

# Bounded fetches: a hung site or a 50 MB page becomes a status, not a stuck crawl.
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
RETRY_ENABLED = True
RETRY_TIMES = 1
# Scrapy's retry list, but a timeout is never retried (a hang costs one timeout, not two), and
# crawler.middlewares.FailFast makes a retry to an origin that never answered fail at once.
REDIRECT_MAX_TIMES = 10
# Bytes of responses waiting to be read before Scrapy stops downloading. Its default, 5 MB, is half of one
# page at DOWNLOAD_MAXSIZE: two megabyte pages waiting for the parse pool stalled every other site's downloads.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 64 * 1024 * 1024
# A scan looks at every status itself (a 404 home page is a finding, not noise).
HTTPERROR_ALLOW_ALL = True
# Certificates are recorded, not enforced: a site with a bad certificate is still a site to scan.
DOWNLOAD_VERIFY_CERTIFICATES = False

# Outputs of one response processed at once. Scrapy starts this many asyncio tasks for every response
# whatever it yields (a page yields a few items and links), so its default of 100 cost 15 % of a zone
# scan's CPU in task switching (bench/zone.py: 34.2 s against 28.8 s of CPU for 1,000 sites).
CONCURRENT_ITEMS = 8
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Sites are visited once each: breadth first keeps many sites moving.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
# One queue per priority, not Scrapy's default of one per site (DownloaderAwarePriorityQueue): the
# spider starts sites only as others finish, so the scheduler never holds many sites to balance,
# and with JOBDIR the per-site queues cost a folder made and removed per site, blocking the reactor.
# Kept open when they run empty (crawler/queues.py), for the same reason.
SCHEDULER_PRIORITY_QUEUE = "kzprivacy.crawler.queues.KeepOpenPriorityQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# Names are resolved on the reactor's thread pool, many at once, and cached (DNSCACHE_SIZE names);
# a lookup that hangs ends after DNS_TIMEOUT (Scrapy's default, 60 s, is a long wait per dead name).
DNSCACHE_ENABLED = True
DNSCACHE_SIZE = 20000
DNS_TIMEOUT = 10
REACTOR_THREADPOOL_MAXSIZE = 64
# A scan opens no listening ports of its own.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # Scrapy's robots.txt and cookie middlewares, holding their state per site until it is done.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "kzprivacy.crawler.middlewares.SiteRobotsTxt": 100,
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "kzprivacy.crawler.middlewares.SiteCookies": 700,
    # After DownloadTimeoutMiddleware (350) and robots.txt: no request of a site outlives its time budget.
    "kzprivacy.crawler.middlewares.SiteBudget": 545,
    # After RetryMiddleware (550) on the way in, before it on the way back: a failed origin fails fast.
    "kzprivacy.crawler.middlewares.FailFast": 560,
    # Closest to the downloader: sees each response exactly as the server sent it.
    "kzprivacy.crawler.middlewares.WarcWriter": 950,
    # Before RedirectMiddleware (600) handles a 3xx, and before CookiesMiddleware (700) consumes it.
    "kzprivacy.crawler.middlewares.SetCookieRecorder": 720,
    # Before Scrapy's HttpProxyMiddleware (750), which then speaks to the proxy.
    "kzprivacy.crawler.middlewares.ProxyMiddleware": 740,
    # First of all: a private or loopback address is refused before robots.txt is even asked (netguard.py).
    "kzprivacy.crawler.middlewares.PrivateAddressGuard": 50,
}
# Scrapy's HTTP/1.1 handler, telling which hosts never answered a TLS handshake (crawler/tlswatch.py), so
# that an https server that hangs at the handshake costs one timeout, not two. In the base dict, so that
# DOWNLOAD_HANDLERS given with -s replaces it; browser mode's add-on replaces it here (crawler/browser/addon.py).
DOWNLOAD_HANDLERS_BASE = {
    "data": "scrapy.core.downloader.handlers.datauri.DataURIDownloadHandler",
    "file": "scrapy.core.downloader.handlers.file.FileDownloadHandler",
    "http": "kzprivacy.crawler.tlswatch.TlsWatchingHandler",
    "https": "kzprivacy.crawler.tlswatch.TlsWatchingHandler",
    "s3": "scrapy.core.downloader.handlers.s3.S3DownloadHandler",
    "ftp": "scrapy.core.downloader.handlers.ftp.FTPDownloadHandler",
}
# Names that resolve to private addresses are refused at connect time (DNS rebinding): crawler/netguard.py.
TWISTED_DNS_RESOLVER = "kzprivacy.crawler.netguard.GuardedResolver"

# A KZPRIVACY_* name the settings table lacks, or a value it cannot take, stops the crawl before it starts.
EXTENSIONS = {"kzprivacy.crawler.settings_table.CheckSettings": 0}

ITEM_PIPELINES = {
    # What the spider and the browser observed gets its party and tracker columns, the same for both modes.
    "kzprivacy.crawler.pipelines.EnrichObservations": 100,
    "kzprivacy.crawler.pipelines.SiteStoreWriter": 300,
}

# -- kzprivacy's own knobs: every KZPRIVACY_* setting, set to its default from the one table that
# declares, documents and checks them all (crawler/settings_table.py; `kzprivacy settings` prints it).
globals().update({row.name: row.default for row in _table})

# Browser mode (KZPRIVACY_MODE = "browser", `kzprivacy scan --render`): see crawler/browser/ and
# docs/browser-mode.md. The add-on does nothing in HTTP mode; in browser mode it installs
# scrapy-playwright and derives its PLAYWRIGHT_* settings from the KZPRIVACY_BROWSER_* ones.
ADDONS = {"kzprivacy.crawler.browser.BrowserMode": 0}
