"""The application: what a command does, without the command line.

A workspace (the output folder, its database, the latest and previous crawl), a crawl plan
(options turned into Scrapy settings and the `crawls.settings` record), scans, weekly runs,
distributed runs, pruning. The CLI (kzprivacy.cli) is a thin shell over this floor.
"""
