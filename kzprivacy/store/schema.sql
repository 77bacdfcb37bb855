-- The tables a scan leaves behind (../shared/spec/data-contract.md), in SQLite.
-- Every row carries crawl_id and site. Columns beyond the contract's minimum are
-- documented in docs/data-dictionary.md. Unique keys make every write idempotent,
-- so a resumed crawl or a re-run analysis replaces rows instead of duplicating them.

CREATE TABLE IF NOT EXISTS crawls (
    crawl_id      TEXT PRIMARY KEY,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    mode          TEXT NOT NULL DEFAULT 'http',      -- http | browser
    tool_version  TEXT NOT NULL,
    settings      TEXT NOT NULL DEFAULT '{}',        -- JSON
    sites_total   INTEGER NOT NULL DEFAULT 0,
    sites_done    INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'running'    -- running | finished | interrupted
);

CREATE TABLE IF NOT EXISTS sites (
    crawl_id        TEXT NOT NULL,
    site            TEXT NOT NULL,                   -- registrable domain, IDN in Unicode
    input           TEXT,                            -- the entry as the user gave it
    ascii_host      TEXT,                            -- punycode host actually crawled
    start_url       TEXT,
    final_url       TEXT,
    status          TEXT NOT NULL DEFAULT 'pending', -- pending | ok | dns_error | timeout | ...
    error           TEXT,
    https           INTEGER,                         -- 1 when the site answered over https
    redirect_chain  TEXT,                            -- JSON list of URLs
    pages_fetched   INTEGER NOT NULL DEFAULT 0,
    policy_url      TEXT,                            -- best policy candidate
    policies_found  INTEGER NOT NULL DEFAULT 0,
    started_at      TEXT,
    finished_at     TEXT,
    screenshot      TEXT,                            -- browser mode: the home page as PNG, path from the database's folder
    consent         TEXT,                            -- browser mode with --consent accept: accepted | no_banner | click_failed
    consent_button  TEXT,                            -- the label of the accept button clicked
    PRIMARY KEY (crawl_id, site)
);

CREATE TABLE IF NOT EXISTS pages (
    crawl_id        TEXT NOT NULL,
    site            TEXT NOT NULL,
    url             TEXT NOT NULL,
    status_code     INTEGER,
    content_type    TEXT,
    sha256          TEXT,
    bytes           INTEGER,
    encoding        TEXT,
    fetched_at      TEXT,
    kind            TEXT,                            -- home | policy | form | other
    error           TEXT,
    warc_file       TEXT,
    warc_record_id  TEXT,
    warc_offset     INTEGER,
    warnings        TEXT,                            -- JSON list: caps that cut what the page shows
    alias_of        TEXT,                            -- the URL standing for this page when another one had the same body
    PRIMARY KEY (crawl_id, site, url)
);

CREATE TABLE IF NOT EXISTS cookies (
    crawl_id        TEXT NOT NULL,
    site            TEXT NOT NULL,
    page_url        TEXT NOT NULL,
    response_url    TEXT,                            -- the response that sent it (a redirect, say)
    name            TEXT NOT NULL,
    value_length    INTEGER,
    domain          TEXT,
    path            TEXT,
    expires         TEXT,
    max_age         INTEGER,
    secure          INTEGER,
    httponly        INTEGER,
    samesite        TEXT,
    set_by          TEXT,                            -- header | script
    party           TEXT,                            -- first | third
    service_id      TEXT,                            -- tracker knowledge base id
    vendor          TEXT,
    company         TEXT,
    country         TEXT,
    category        TEXT,
    is_tracking     INTEGER,
    consent_phase   TEXT NOT NULL DEFAULT 'before_consent',
    raw             TEXT,                            -- the Set-Cookie header as sent
    fetched_at      TEXT,
    warc_record_id  TEXT,
    UNIQUE (crawl_id, site, page_url, name, domain, path, consent_phase)
);

CREATE TABLE IF NOT EXISTS requests (
    crawl_id        TEXT NOT NULL,
    site            TEXT NOT NULL,
    page_url        TEXT NOT NULL,
    url             TEXT NOT NULL,
    host            TEXT,
    resource_type   TEXT,                            -- script | iframe | img | stylesheet | preconnect | xhr | ...
    initiator       TEXT,
    party           TEXT,
    service_id      TEXT,
    vendor          TEXT,
    company         TEXT,
    country         TEXT,
    category        TEXT,
    consent_phase   TEXT NOT NULL DEFAULT 'before_consent',
    fetched_at      TEXT,
    warc_record_id  TEXT,                            -- record of the page that referenced it
    UNIQUE (crawl_id, site, page_url, url, resource_type, consent_phase)
);

CREATE TABLE IF NOT EXISTS inline_trackers (
    crawl_id        TEXT NOT NULL,
    site            TEXT NOT NULL,
    page_url        TEXT NOT NULL,
    service_id      TEXT NOT NULL,
    vendor          TEXT,
    tracker_id      TEXT,                            -- counter / pixel / container id
    company         TEXT,
    country         TEXT,
    category        TEXT,
    snippet         TEXT,
    warc_record_id  TEXT,
    UNIQUE (crawl_id, site, page_url, service_id, tracker_id)
);

CREATE TABLE IF NOT EXISTS forms (
    crawl_id              TEXT NOT NULL,
    site                  TEXT NOT NULL,
    page_url              TEXT NOT NULL,
    form_index            INTEGER NOT NULL,
    action                TEXT,
    method                TEXT,
    method_explicit       INTEGER,                   -- 1: the markup says method=…; 0: the default (GET) or a script
    action_is_https       INTEGER,
    action_host           TEXT,
    action_party          TEXT,
    has_consent_checkbox  INTEGER,
    policy_link_near      INTEGER,
    fields_count          INTEGER,
    warc_record_id        TEXT,
    form_key              TEXT,                      -- the same form on several pages has one key (kzprivacy/identity.py)
    PRIMARY KEY (crawl_id, site, page_url, form_index)
);

CREATE TABLE IF NOT EXISTS form_fields (
    crawl_id      TEXT NOT NULL,
    site          TEXT NOT NULL,
    page_url      TEXT NOT NULL,
    form_index    INTEGER NOT NULL,
    field_index   INTEGER NOT NULL,
    name          TEXT,
    type          TEXT,
    label         TEXT,
    placeholder   TEXT,
    autocomplete  TEXT,
    pattern       TEXT,                              -- pattern / data-mask / inputmask
    required      INTEGER,
    category      TEXT,
    PRIMARY KEY (crawl_id, site, page_url, form_index, field_index)
);

-- Browser mode's form probe: where each form's data went when it was submitted with synthetic values,
-- every request aborted inside the browser (docs/browser-mode.md). One row per request the submission
-- made (request_index), or one row with no url when it made none.
CREATE TABLE IF NOT EXISTS form_destinations (
    crawl_id       TEXT NOT NULL,
    site           TEXT NOT NULL,
    page_url       TEXT NOT NULL,
    form_index     INTEGER NOT NULL,
    request_index  INTEGER NOT NULL,
    form_key       TEXT,                            -- forms.form_key
    outcome        TEXT,                            -- submitted | no_request | invalid | gone | error
    fields_filled  TEXT,                            -- JSON list of the fields given synthetic values
    url            TEXT,
    host           TEXT,
    method         TEXT,                            -- GET | POST | ... | WEBSOCKET
    resource_type  TEXT,
    party          TEXT,                            -- first | third
    service_id     TEXT,
    vendor         TEXT,
    company        TEXT,
    country        TEXT,
    fields_sent    TEXT,                            -- JSON list of the fields whose values the request carried
    body_bytes     INTEGER,
    probed_at      TEXT,
    warc_record_id TEXT,                            -- the page's record
    PRIMARY KEY (crawl_id, site, page_url, form_index, request_index)
);

CREATE TABLE IF NOT EXISTS policies (
    crawl_id         TEXT NOT NULL,
    site             TEXT NOT NULL,
    url              TEXT NOT NULL,
    found_via        TEXT,                           -- link | footer_link | banner_link | consent_link | builder_link | script_link | in_page | text_mention | common_path | language_variant | redirect
    link_text        TEXT,
    link_score       REAL,                           -- how strongly the link pointed to a policy
    format           TEXT,                           -- html | pdf | docx | txt
    language         TEXT,                           -- ru | kk | en | mixed | unknown
    title            TEXT,
    sha256           TEXT,
    text             TEXT,
    chars            INTEGER,
    is_policy_score  REAL,
    document_kind    TEXT,                           -- privacy_policy | consent | terms | offer | other
    is_best          INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'ok',     -- ok | parse_error | empty | too_large | mention
    error            TEXT,
    fetched_at       TEXT,
    warc_record_id   TEXT,
    PRIMARY KEY (crawl_id, site, url)
);

CREATE TABLE IF NOT EXISTS declarations (
    crawl_id    TEXT NOT NULL,
    site        TEXT NOT NULL,
    policy_url  TEXT NOT NULL,
    category    TEXT NOT NULL,
    status      TEXT NOT NULL,                       -- declared | denied
    evidence    TEXT,
    start       INTEGER,
    "end"       INTEGER,
    rule        TEXT,                                -- which lexicon rule matched
    vendors     TEXT,                                -- vendors named in the sentence (JSON list)
    specificity TEXT,                                -- specific | vague ("third parties", "other data")
    note        TEXT                                 -- why: negated, exception, lead-in, ...
);
CREATE INDEX IF NOT EXISTS declarations_site ON declarations (crawl_id, site);

CREATE TABLE IF NOT EXISTS findings (
    crawl_id         TEXT NOT NULL,
    site             TEXT NOT NULL,
    category         TEXT,
    verdict          TEXT NOT NULL,
    severity         TEXT NOT NULL,                  -- high | medium | low | info
    observed         TEXT,
    observed_url     TEXT,
    policy_evidence  TEXT,
    policy_url       TEXT,
    rule             TEXT NOT NULL,
    explanation      TEXT,
    manual_review    INTEGER NOT NULL DEFAULT 0,
    warc_record_id   TEXT,
    service_id       TEXT,                           -- the third-party service concerned, if any
    policy_side      TEXT,                           -- quoted | silent | no_policy | unreadable | not_applicable
    occurrences      INTEGER,                        -- places the fact was seen (pages, forms, fields)
    seen_at          TEXT                            -- JSON list of the page URLs where it was seen
);
CREATE INDEX IF NOT EXISTS findings_site ON findings (crawl_id, site);

-- Every observed flow with its verdict, clear ones included (findings are the flows that are not).
CREATE TABLE IF NOT EXISTS flows (
    crawl_id         TEXT NOT NULL,
    site             TEXT NOT NULL,
    category         TEXT NOT NULL,
    source           TEXT,                           -- form_field | cookie | service
    observed         TEXT,
    observed_url     TEXT,
    service_id       TEXT,
    vendor           TEXT,
    company          TEXT,
    country          TEXT,
    verdict          TEXT NOT NULL,
    policy_evidence  TEXT,
    policy_url       TEXT,
    vendor_named     INTEGER,                        -- the policy names this company or service
    warc_record_id   TEXT
);
CREATE INDEX IF NOT EXISTS flows_site ON flows (crawl_id, site);

-- Facts about each site's main policy: who operates, how to reach them, which law, warning signs.
CREATE TABLE IF NOT EXISTS policy_facts (
    crawl_id        TEXT NOT NULL,
    site            TEXT NOT NULL,
    policy_url      TEXT NOT NULL,
    operator_names  TEXT,                            -- JSON lists from here on
    bins            TEXT,                            -- [[number, valid], ...]
    bins_valid      INTEGER,
    emails          TEXT,
    phones          TEXT,
    dates           TEXT,
    versions        TEXT,
    laws            TEXT,                            -- kz_94v, ru_152fz, gdpr, ...
    warnings        TEXT,                            -- [[code, evidence], ...]
    document_type   TEXT,                            -- privacy_policy | consent | terms
    PRIMARY KEY (crawl_id, site, policy_url)
);

-- Each distinct policy text's analysis (declarations and facts), kept across crawls: a weekly scan, or the
-- same template on thousands of sites, analyses a text once per version of the analysis.
CREATE TABLE IF NOT EXISTS policy_analyses (
    text_sha256  TEXT NOT NULL,                      -- of the policy text (UTF-8), not of the page's bytes
    analyzer     TEXT NOT NULL,                      -- fingerprint of the analysis code and lexicon
    result       TEXT NOT NULL,                      -- JSON: {"declarations": [...], "facts": {...}}
    analyzed_at  TEXT,
    PRIMARY KEY (text_sha256, analyzer)
);

-- Per site: findings by severity, flows by verdict, and the score (docs/analysis.md).
CREATE TABLE IF NOT EXISTS site_summaries (
    crawl_id          TEXT NOT NULL,
    site              TEXT NOT NULL,
    score             INTEGER NOT NULL,
    findings          INTEGER NOT NULL,
    findings_high     INTEGER NOT NULL,
    findings_medium   INTEGER NOT NULL,
    findings_low      INTEGER NOT NULL,
    findings_info     INTEGER NOT NULL,
    flows_clear       INTEGER NOT NULL,
    flows_vague       INTEGER NOT NULL,
    flows_omitted     INTEGER NOT NULL,
    flows_incorrect   INTEGER NOT NULL,
    flows_ambiguous   INTEGER NOT NULL,
    flows_no_policy   INTEGER NOT NULL,
    analyzed_at       TEXT,
    PRIMARY KEY (crawl_id, site)
);

CREATE TABLE IF NOT EXISTS storage (
    crawl_id       TEXT NOT NULL,
    site           TEXT NOT NULL,
    page_url       TEXT NOT NULL,
    origin         TEXT NOT NULL,
    kind           TEXT NOT NULL,                    -- local | session
    key            TEXT NOT NULL,
    party          TEXT,
    vendor         TEXT,
    consent_phase  TEXT NOT NULL DEFAULT 'before_consent',
    UNIQUE (crawl_id, site, origin, kind, key, consent_phase)
);
