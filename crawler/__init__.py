"""The Scrapy project: spiders parse and yield, middlewares and pipelines each do one thing."""

import kzprivacy  # noqa: F401  (sets the offline tldextract environment before Scrapy loads)
