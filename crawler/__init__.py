"""The Scrapy project: spiders parse and yield, middlewares and pipelines each do one thing."""

# One name per module: imported as the top-level `crawler` (a checkout's root on sys.path) it would be a
# second copy of every class and setting beside kzprivacy.crawler; docs/architecture.md says why.
if __name__ != "kzprivacy.crawler":
    raise ImportError("import kzprivacy.crawler, not crawler: the floors live under one installed name")

