"""The cookie banner: which button accepts it (a pure heuristic, choose_consent_button), and clicking it
on a rendered page (click_consent), with KZPRIVACY_CONSENT = "accept"."""

from __future__ import annotations

import re
from typing import Any

from .failures import BrowserPageError
from .recorder import AFTER, BEFORE, PageRecorder
from .scripts import script

# Lists every visible clickable element with its label, the text around it, its ancestors' ids and
# classes, and whether it sits in a fixed box or a form: what choose_consent_button weighs.
CANDIDATES_JS = script("consent_candidates")
MARK_JS = script("consent_mark")      # marks the chosen element, so a locator can click it
CLICK_JS = script("consent_click")    # a script click, when a real one is refused (covered, animated)

# Accept-button labels, normalised (lower case, ё as е, no punctuation), in Russian, Kazakh and English.
ACCEPT_LABELS = (
    "принять", "принимаю", "согласен", "согласна", "согласиться", "я согласен", "я согласна", "хорошо",
    "понятно", "ясно", "ок", "ok", "okay", "разрешить", "подтвердить",
    "қабылдау", "қабылдаймын", "келісемін", "келісу", "жақсы", "түсінікті",
    "accept", "i accept", "agree", "i agree", "got it", "allow", "allow all", "continue",
)
REJECT_WORDS = ("не ", "нет", "отклон", "отказ", "запрет", "reject", "decline", "deny", "refuse", "настро", "setting",
                "manage", "customi", "preferenc", "параметр", "бас тарт", "қабылдамау", "тек қажет", "только необход",
                "necessary", "essential", "подробн", "more", "details", "изменить", "learn")
COOKIE_WORDS = ("cookie", "куки", "кук", "cooki", "gdpr", "consent", "персональн", "келісім", "печенье")
BANNER_ATTRS = ("cookie", "consent", "gdpr", "cmp", "banner", "notice", "privacy", "onetrust", "cookiebot")
_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)


def _normalise_label(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.lower().replace("ё", "е")).split())


def choose_consent_button(candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The cookie banner's accept button among clickable elements, or None.

    Each candidate: label (its text), context (the text around it), attrs (ids and
    classes of its ancestors), fixed (inside a fixed or sticky box), in_form (inside a
    form with text fields). A label must read as "accept" and not as "reject" or
    "settings", and the button must sit in something about cookies (by its text or
    its ids and classes); a fixed box and an exact label break ties.
    """
    best, best_score = None, 0
    for candidate in candidates:
        label = _normalise_label(candidate.get("label") or "")
        words = label.split()
        if not words or len(words) > 5 or any(w in f" {label} " or label.startswith(w.strip())
                                              for w in REJECT_WORDS):
            continue
        exact = label in ACCEPT_LABELS
        if not exact and not any(label.startswith(a + " ") for a in ACCEPT_LABELS):
            continue
        context = (candidate.get("context") or "").lower()
        attrs = (candidate.get("attrs") or "").lower()
        about_cookies = any(w in context for w in COOKIE_WORDS) or any(w in label for w in COOKIE_WORDS)
        banner_like = any(w in attrs for w in BANNER_ATTRS)
        if not (about_cookies or banner_like):
            continue
        score = (2 * about_cookies + banner_like + bool(candidate.get("fixed")) + exact
                 - 3 * bool(candidate.get("in_form")))
        if score > best_score:
            best, best_score = candidate, score
    return best


async def click_consent(recorder: PageRecorder) -> tuple[str, str | None]:
    """Click the cookie banner's accept button: ("accepted", its label), ("no_banner", None) or
    ("click_failed", label)."""
    page = recorder.page
    frames = [page.main_frame] + [f for f in page.frames if f != page.main_frame]
    for frame in frames:
        if frame.is_detached():
            continue
        try:
            candidates = await recorder.call(frame.evaluate(CANDIDATES_JS), "looking for a cookie banner")
        except BrowserPageError:
            if frame == page.main_frame:
                raise
            continue
        except Exception:
            continue
        chosen = choose_consent_button(candidates)
        if chosen is None:
            continue
        label = " ".join(chosen["label"].split())[:200]
        await recorder.call(frame.evaluate(MARK_JS, chosen["index"]), "marking the accept button")
        recorder.phase = AFTER  # what the click itself sets off already counts as after consent
        try:
            await frame.locator("[data-kzprivacy-consent]").first.click(timeout=3000)
        except Exception:  # covered, animated: a script click still runs the banner's handler
            try:
                await recorder.call(frame.evaluate(CLICK_JS), "clicking the accept button")
            except BrowserPageError:
                raise
            except Exception:
                recorder.phase = BEFORE
                return "click_failed", label
        return "accepted", label
    return "no_banner", None
