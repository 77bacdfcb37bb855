"""The five seed policies, read by hand: what each declares and denies, and the facts about each.

The seeds are third-party documents kept outside the project (../shared/seeds); nothing of
them is copied here beyond category codes, statuses and a few words the evidence must contain.
"""

import os
from pathlib import Path

import pytest

from kzprivacy.analysis.declarations import extract_declarations, summarise
from kzprivacy.analysis.policy_facts import extract_facts
from kzprivacy.vocabulary.language import detect_language

# Beside the repository (../shared/seeds), or wherever KZPRIVACY_SEEDS points (a git worktree lives elsewhere).
SEEDS = Path(os.environ.get("KZPRIVACY_SEEDS") or Path(__file__).resolve().parents[1].parent / "shared" / "seeds")

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed policies not available at {SEEDS}")

D, N, A = "declared", "denied", "ambiguous"

# What a careful reader finds in each policy (category -> summary status); absent categories are not listed.
# consent and security (how consent is given, the protective measures) are what the form rules quote.
EXPECTED: dict[str, dict[str, str]] = {
    # A shop's policy: lists registration data, automatic data and location; consents to cross-border
    # transfer within its group; says it does not store payment data, yet has the user enter card data.
    "000_e84b5ff0ba1ab67f.txt": {
        "name": D, "iin": D, "phone": D, "email": D, "address": D, "id_document": D, "credentials": D,
        "social_profile": D, "usage": D, "ip_address": D, "device": D, "location": D, "payment_card": A,
        "call_recording": D, "cookies": D, "web_beacons": D, "analytics": D, "advertising": D,
        "third_party_sharing": D, "cross_border_transfer": D, "retention": D, "user_rights": D,
        "contact": D, "operator_identity": D, "consent": D, "security": D,
    },
    # A web studio: cites the Kazakhstan law, claims storage in Kazakhstan yet asks consent to transfers to
    # «некоторых странах»; denies special categories (health, biometric); gives an e-mail and a phone.
    "001_b37fee08cdb86705.txt": {
        "name": D, "phone": D, "email": D, "ip_address": D, "cookies": D, "device": D, "usage": D,
        "health": N, "biometric": N, "storage_in_kz": D, "cross_border_transfer": D, "third_party_sharing": D,
        "advertising": D, "analytics": D, "user_rights": D, "contact": D, "law_reference": D, "consent": D,
        "security": D,
    },
    # A call service: names no data category a user types in, only automatic data, cookies and beacons;
    # no contact but a feedback form.
    "002_68b9ebb374d3f7b6.txt": {
        "ip_address": D, "device": D, "usage": D, "cookies": D, "web_beacons": D, "advertising": D,
        "analytics": D, "email": D, "third_party_sharing": D, "user_rights": D, "retention": D, "contact": D,
        "operator_identity": D, "law_reference": D, "consent": D, "security": D,
    },
    # An online booking service for doctors that declares no health data, names no operator and
    # no contact (the contact line is empty).
    "003_4ad5ab21516813b0.txt": {
        "name": D, "phone": D, "email": D, "ip_address": D, "cookies": D, "device": D, "usage": D,
        "analytics": D, "advertising": D, "user_rights": D, "consent": D, "security": D,
    },
    # A document service: keeps data «без ограничения срока», may store it abroad, takes card data and the IIN.
    "004_49b2fd117285e3ee.txt": {
        "name": D, "iin": D, "email": D, "phone": D, "ip_address": D, "cookies": D, "device": D, "usage": D,
        "payment_card": D, "analytics": D, "advertising": D, "cross_border_transfer": D, "third_party_sharing": D,
        "retention": D, "user_rights": D, "operator_identity": D, "contact": D, "security": D,
    },
}


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed {name} not found in {SEEDS}")
    return path.read_text(encoding="utf-8")


def _evidence(name: str, category: str, status: str) -> list[str]:
    return [d.evidence for d in extract_declarations(_seed(name)) if d.category == category and d.status == status]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_declarations_match_a_careful_reading(name):
    text = _seed(name)
    declarations = extract_declarations(text)
    assert summarise(declarations) == EXPECTED[name]
    assert all(text[d.start:d.end] == d.evidence for d in declarations)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seeds_are_russian(name):
    assert detect_language(_seed(name)) == "ru"


def test_seed_000_enumeration_denial_and_consents():
    name = "000_e84b5ff0ba1ab67f.txt"
    iin = [d for d in extract_declarations(_seed(name)) if d.category == "iin"]
    assert [(d.evidence, d.note) for d in iin] == [("ИИН", "lead-in")]
    assert any("не хранит" in e for e in _evidence(name, "payment_card", "denied"))
    assert any("данные карты" in e for e in _evidence(name, "payment_card", "declared"))
    assert any("трансграничную передачу" in e for e in _evidence(name, "cross_border_transfer", "declared"))
    assert any("запись телефонных разговоров" in e for e in _evidence(name, "call_recording", "declared"))
    # Advice to users («рекомендуем ... не передавать логин и пароль») denies nothing.
    assert not [d for d in extract_declarations(_seed(name)) if d.status == "denied" and d.category != "payment_card"]
    social = [d for d in extract_declarations(_seed(name)) if d.category == "social_profile" and d.vendors]
    assert social and {"Facebook", "Instagram"} <= set(social[0].vendors)


def test_seed_001_storage_claim_and_special_categories():
    name = "001_b37fee08cdb86705.txt"
    assert any("на территории Республики Казахстан" in e for e in _evidence(name, "storage_in_kz", "declared"))
    for category in ("health", "biometric"):
        assert any("не осуществляется" in e for e in _evidence(name, category, "denied"))
    shares = [d for d in extract_declarations(_seed(name)) if d.category == "third_party_sharing"]
    assert {d.specificity for d in shares} == {"vague"}   # only «третьим лицам», never a kind or a vendor


def test_seed_002_declares_no_data_a_user_types_in():
    declared = EXPECTED["002_68b9ebb374d3f7b6.txt"]
    assert not {"name", "phone", "iin", "address"} & declared.keys()
    retention = [d for d in extract_declarations(_seed("002_68b9ebb374d3f7b6.txt")) if d.category == "retention"]
    assert {d.specificity for d in retention} == {"vague"}   # a right to learn the period, not a period


def test_seed_003_booking_site_without_health_data():
    declarations = extract_declarations(_seed("003_4ad5ab21516813b0.txt"))
    assert not [d for d in declarations if d.category in ("health", "operator_identity", "contact")]


def test_seed_004_abroad_unlimited_and_no_id_document():
    name = "004_49b2fd117285e3ee.txt"
    assert any("вне территории" in e for e in _evidence(name, "cross_border_transfer", "declared"))
    assert any("без ограничения срока" in e for e in _evidence(name, "retention", "declared"))
    assert not _evidence(name, "id_document", "declared")


# --- facts -------------------------------------------------------------------------------------

def test_seed_000_facts():
    facts = extract_facts(_seed("000_e84b5ff0ba1ab67f.txt"))
    assert facts.operator_names == ["ТОО «КликМед»"]
    assert facts.bins == [("180740027339", True)]
    assert facts.emails == [] and facts.phones == []
    assert facts.dates == ["23.10.2023", "01.11.2023"] and facts.versions == ["1.01"]
    assert facts.laws == [] and facts.warnings == []


def test_seed_001_facts():
    facts = extract_facts(_seed("001_b37fee08cdb86705.txt"))
    assert facts.operator_names == [] and facts.bins == []
    assert facts.emails == ["sales@webpulse.kz"]
    assert facts.phones == ["+7 (707) 840-51-61"]
    assert facts.laws == ["kz_94v"]   # written «№ 94-В» with a Cyrillic В
    assert facts.warnings == []


def test_seed_002_facts():
    facts = extract_facts(_seed("002_68b9ebb374d3f7b6.txt"))
    assert facts.operator_names == ["ТОО «Цифровая ракета»"]
    assert facts.bins == [] and facts.emails == [] and facts.phones == []
    assert facts.laws == ["kz_94v"] and facts.warnings == []


def test_seed_003_facts_warn_of_a_template():
    facts = extract_facts(_seed("003_4ad5ab21516813b0.txt"))
    assert facts.operator_names == [] and facts.bins == [] and facts.emails == []
    assert facts.laws == ["ru_law"]
    codes = [code for code, _ in facts.warnings]
    assert sorted(codes) == ["empty_contact", "foreign_law", "template_placeholder"]
    evidence = dict(facts.warnings)
    assert "федеральными законами" in evidence["foreign_law"]
    assert "Ссылка на документ" in evidence["template_placeholder"]
    assert "по адресу:" in evidence["empty_contact"]


def test_seed_004_facts():
    facts = extract_facts(_seed("004_49b2fd117285e3ee.txt"))
    assert facts.operator_names == ["Товарищество с ограниченной ответственностью «iDocument»"]
    assert facts.bins == [("240740036857", True)]
    assert facts.emails == ["info@ifg.kz"]
    assert facts.laws == []   # only «законодательство Республики Казахстан», never the law itself
    # «без ограничения срока» about data is a warning; «Политика действует бессрочно» is not.
    assert [code for code, _ in facts.warnings] == ["unlimited_retention"]
    assert "без ограничения срока" in facts.warnings[0][1]
