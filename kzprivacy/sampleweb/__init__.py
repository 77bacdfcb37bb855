"""The sample web: a local fake .kz web, served through an HTTP proxy, for the demo and tests.

    from kzprivacy.sampleweb import SampleWeb, load_sites, sample_domains

    with SampleWeb() as web:
        crawl(sample_domains(), proxy=web.proxy_url)
"""

from .manifest import browser_expectations, hostile_domains, load_hostile, load_sites, sample_domains, validate_site
from .server import SampleWeb, Served

__all__ = ["SampleWeb", "Served", "browser_expectations", "hostile_domains", "load_hostile", "load_sites",
           "sample_domains", "validate_site"]
