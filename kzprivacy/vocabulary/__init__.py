"""The ground floor: the shared vocabulary and knowledge every other floor speaks.

The taxonomy (data categories, practices, verdicts), the tracker base, what a site entry
is (domains), language detection and the identity of pages and forms. Nothing here
imports from any other floor.
"""
