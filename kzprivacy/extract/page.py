"""Everything the crawler reads from one response, as one pure function: the unit of work that the
parse pool (crawler/parsepool.py) runs in a worker process under a time budget.

`extract_page(PageTask) -> PageExtract` parses the HTML once and returns plain, picklable data: the
links a policy finder scores, the resources, the inline tracker signatures, the forms, a policy kept
inside the page, and, for policy pages, the document converted to text. The spider turns these into
rows and requests; nothing here knows about Scrapy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .documents import Document, DocumentError, to_document
from .limits import DEFAULT_CAPS, Caps

__all__ = ["PageTask", "PageExtract", "extract_page"]


@dataclass
class PageTask:
    url: str
    html: str | None = None          # the decoded page (or the rendered DOM) when it is HTML
    body: bytes | None = None        # the bytes, for a document to convert (policy pages)
    text: str | None = None          # the decoded text handed to the document converter
    content_type: str = ""
    in_page: bool = False            # look for a policy kept inside the page, and mentions of one
    caps: Caps = DEFAULT_CAPS


@dataclass
class PageExtract:
    warnings: list[str] = field(default_factory=list)
    links: list[Any] = field(default_factory=list)
    # The policy-link candidates of `links` (extract.policy.policy_links), scored here, in the worker, once:
    # scoring 3,000 links is seconds of regex work that must not run on the crawler's reactor thread.
    policy_links: list[Any] = field(default_factory=list)
    resources: list[Any] = field(default_factory=list)
    signatures: list[Any] = field(default_factory=list)
    forms: list[Any] = field(default_factory=list)
    in_page: list[Any] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    document: Document | None = None
    document_error: DocumentError | None = None
    # Set when the page could not be read: (status, error), e.g. ("parse_timeout", "...").
    failure: tuple[str, str] | None = None


def extract_page(task: PageTask) -> PageExtract:
    from kzprivacy.vocabulary.trackers import find_signatures

    from .discovery import in_page_policies, page_links, policy_mentions
    from .html import dom_depth_warning, extract_forms, extract_resources, selector
    from .policy import policy_links

    out = PageExtract()
    if task.html is not None:
        sel = selector(task.html)
        depth = dom_depth_warning(sel.root, task.caps)
        if depth:
            out.warnings.append(depth)
        out.links = page_links(sel, task.url, task.caps, out.warnings)
        out.policy_links = policy_links(out.links)
        for link in out.links:  # scored: the text around each link is not needed again (and not sent back)
            link.context = ""
        out.resources = extract_resources(sel, task.url, task.caps, out.warnings)
        out.signatures = find_signatures(task.html)
        out.forms = extract_forms(sel, task.url, caps=task.caps, warnings=out.warnings)
        if task.in_page:
            out.in_page = in_page_policies(sel, task.url)
            out.mentions = policy_mentions(sel)
    if task.body is not None:
        try:
            out.document = to_document(task.body, text=task.text, content_type=task.content_type, url=task.url,
                                       caps=task.caps)
            out.warnings.extend(out.document.warnings)
        except DocumentError as exc:
            out.document_error = exc
    return out
