"""Scale-out: several machines on one crawl (Redis for the shared queue of sites, PostgreSQL for the
shared results), and the weekly routine. See docs/operations.md."""
