"""Scrapy settings for kzprivacy. Behaviour is data: every default here is overridable per run
(`kzprivacy scan` sets the KZPRIVACY_* ones from its options)."""

import kzprivacy

BOT_NAME = "kzprivacy"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

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
# Scrapy's retry list: crawler.middlewares.FailFast makes a retry to an origin that never answered
# fail at once, so retries cost time only on live sites, where a slow page may well answer again.
REDIRECT_MAX_TIMES = 10
# A scan looks at every status itself (a 404 home page is a finding, not noise).
HTTPERROR_ALLOW_ALL = True
# Certificates are recorded, not enforced: a site with a bad certificate is still a site to scan.
DOWNLOAD_VERIFY_CERTIFICATES = False

# Items are small and the database writer is fast; more in flight only costs memory.
CONCURRENT_ITEMS = 100
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Sites are visited once each: breadth first keeps many sites moving.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
# One queue per priority, not Scrapy's default of one per site (DownloaderAwarePriorityQueue): the
# spider starts sites only as others finish, so the scheduler never holds many sites to balance,
# and with JOBDIR the per-site queues cost a folder made and removed per site, blocking the reactor.
# Kept open when they run empty (crawler/queues.py), for the same reason.
SCHEDULER_PRIORITY_QUEUE = "crawler.queues.KeepOpenPriorityQueue"
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
    "crawler.middlewares.SiteRobotsTxt": 100,
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.middlewares.SiteCookies": 700,
    # After RetryMiddleware (550) on the way in, before it on the way back: a failed origin fails fast.
    "crawler.middlewares.FailFast": 560,
    # Closest to the downloader: sees each response exactly as the server sent it.
    "crawler.middlewares.WarcWriter": 950,
    # Before RedirectMiddleware (600) handles a 3xx, and before CookiesMiddleware (700) consumes it.
    "crawler.middlewares.SetCookieRecorder": 720,
    # Before Scrapy's HttpProxyMiddleware (750), which then speaks to the proxy.
    "crawler.middlewares.ProxyMiddleware": 740,
    # First of all: a private or loopback address is refused before robots.txt is even asked (netguard.py).
    "crawler.middlewares.PrivateAddressGuard": 50,
}
# Names that resolve to private addresses are refused at connect time (DNS rebinding): crawler/netguard.py.
TWISTED_DNS_RESOLVER = "crawler.netguard.GuardedResolver"

ITEM_PIPELINES = {
    "crawler.pipelines.SQLitePipeline": 300,
}

# -- kzprivacy's own knobs ----------------------------------------------------------------
KZPRIVACY_CRAWL_ID = None              # default: a UTC timestamp chosen by the spider
KZPRIVACY_DB = "output/kzprivacy.db"   # SQLite file the pipeline writes
KZPRIVACY_WARC_DIR = None              # WARC folder; None disables WARC writing
KZPRIVACY_WARC_MAX_BYTES = 1 << 30     # start a new WARC file past this size
KZPRIVACY_PROXY = None                 # http://host:port: route every request through it
KZPRIVACY_BLOCK_PRIVATE_ADDRESSES = True
KZPRIVACY_ALLOW_PRIVATE_HOSTS = []     # host names exempt from the private-address guard
KZPRIVACY_MAX_PAGES = 20               # pages per site, home included
KZPRIVACY_MODE = "http"                # http | browser
# Sites crawled at once: the spider starts a new site only when one finishes, so the scheduler,
# robots.txt parsers and cookie jars hold this many sites, not the whole list.
KZPRIVACY_SITES_AT_ONCE = 384
KZPRIVACY_FAIL_FAST_ORIGINS = 50000    # origins remembered as failed (crawler.middlewares.FailFast); 0: off

# -- caps on what one page may cost (crawler/extract/limits.py). Every extraction is linear in its input
# and stops at these; a cut is recorded in pages.warnings, so a partial row says it is partial.
KZPRIVACY_MAX_LINKS = 3000             # links kept per page (footer, cookie-banner and hreflang links first)
KZPRIVACY_MAX_RESOURCES = 2000         # third-party scripts, pixels, iframes... kept per page
KZPRIVACY_MAX_FORMS = 50               # forms read per page
KZPRIVACY_MAX_FIELDS = 300             # fields read per form
KZPRIVACY_MAX_TEXT_CHARS = 500_000     # characters of a policy's text (a long real policy is ~60,000)
KZPRIVACY_MAX_DOM_DEPTH = 512          # element nesting our text walkers descend (the parser stops at 2048)
KZPRIVACY_MAX_PDF_PAGES = 300          # PDF pages converted to text
KZPRIVACY_MAX_DOCX_PARTS = 1000        # files inside a DOCX: more is a ZIP bomb -> policy status too_large
KZPRIVACY_MAX_INFLATED_BYTES = 50 * 1024 * 1024  # what a DOCX's parts or a PDF's streams may inflate to: more -> too_large
KZPRIVACY_MAX_COOKIES = 300            # Set-Cookie headers read per response (browsers keep ~180 per site)

# -- the parse pool (crawler/parsepool.py): pages are read in worker processes, so no page can stall the
# crawl. A page whose parsing or conversion passes its budget is abandoned (its worker killed and
# replaced) and recorded as parse_timeout; a worker past its memory limit records too_large.
KZPRIVACY_PARSE_WORKERS = 2            # worker processes (the machine's other cores); 0: parse in-process
KZPRIVACY_PARSE_TIMEOUT = 20           # seconds one page may take to read (links, forms, document to text)
KZPRIVACY_PARSE_MEMORY_MB = 2048       # address space a worker may use
# Bytes of responses waiting to be read before Scrapy stops downloading (its default, 5 MB, is half of
# one page at DOWNLOAD_MAXSIZE: two megabyte pages waiting for the parse pool stalled every other site's downloads).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 64 * 1024 * 1024
# Ctrl-C / SIGTERM: seconds the graceful stop may take before requests in flight are dropped (crawler/shutdown.py).
KZPRIVACY_SHUTDOWN_GRACE = 1.5

# -- browser mode (KZPRIVACY_MODE = "browser", `kzprivacy scan --render`): see crawler/browser.py and
# docs/browser-mode.md. The add-on below does nothing in HTTP mode; in browser mode it installs
# scrapy-playwright and derives its PLAYWRIGHT_* settings from these.
ADDONS = {"crawler.browser.BrowserMode": 0}
KZPRIVACY_CHROMIUM = "/usr/bin/chromium"  # the system's Chromium (Playwright's own download is not used)
KZPRIVACY_CONSENT = "none"             # none: never touch a page | accept: also click the cookie banner's accept
KZPRIVACY_BROWSER_SITES = 4            # sites rendered at once, one browser context each
KZPRIVACY_BROWSER_LOAD_WAIT = 10       # seconds to wait for the load event, then record from DOMContentLoaded
KZPRIVACY_BROWSER_SETTLE = 3           # seconds at most to wait for the page's network to go quiet
KZPRIVACY_SCREENSHOT_DIR = None        # where home-page screenshots go (the CLI: OUT/<crawl_id>/screenshots)
# The form probe: each form asking for personal data is filled with synthetic values and submitted with
# every request aborted inside the browser, to record where its data really goes (crawler/formprobe.py).
KZPRIVACY_FORM_PROBE = True            # on: nothing leaves the browser, and the destination is the finding
KZPRIVACY_FORM_PROBE_MAX = 5           # forms probed per page at most (each distinct form once per site)
KZPRIVACY_FORM_PROBE_WAIT = 3.0        # seconds at most to wait for a submitted form's requests
