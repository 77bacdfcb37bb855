"""kzprivacy: a website-privacy scanner for Kazakhstan."""

import os

# tldextract must never fetch the public-suffix list at run time; Scrapy's cookie
# middleware builds its own extractor on import, so this is set before anything
# imports Scrapy.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

__version__ = "0.1.0"
TOOL_URL = "https://github.com/kzprivacy/kzprivacy"
