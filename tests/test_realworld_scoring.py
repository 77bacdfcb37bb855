"""The arithmetic of bench/realworld_documents.py on a tiny hand-made label set."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.append(str(BENCH))  # appended: bench/analysis.py must not shadow the analysis package

import realworld_documents as rw  # noqa: E402


def test_micro_precision_recall_on_hand_made_triples():
    gold = {("a", "phone", "declared"), ("a", "email", "declared"), ("a", "health", "denied"),
            ("b", "name", "declared")}
    predicted = {("a", "phone", "declared"), ("a", "health", "declared"), ("b", "name", "declared"),
                 ("b", "cookies", "declared")}
    s = rw.score(gold, predicted)
    assert (s.tp, s.fp, s.fn) == (2, 2, 2)
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(0.5)
    assert s.f1 == pytest.approx(0.5)
    health = rw.score(gold, predicted, category="health")
    assert (health.tp, health.fp, health.fn) == (0, 1, 1)
    assert health.f1 == 0.0


def test_ambiguous_counts_as_both_statuses_and_form_codes_are_not_scored():
    triples = rw.predicted_triples("d", {"payment_card": "ambiguous", "phone": "declared", "consent": "declared"})
    assert triples == {("d", "payment_card", "declared"), ("d", "payment_card", "denied"), ("d", "phone", "declared")}


def test_scores_add_up_and_empty_sets_are_perfect():
    total = rw.Score(3, 1, 0) + rw.Score(1, 0, 4)
    assert (total.tp, total.fp, total.fn) == (4, 1, 4)
    assert total.precision == pytest.approx(0.8) and total.recall == pytest.approx(0.5)
    assert rw.score(set(), set()).f1 == 1.0


def test_labels_outside_the_vocabulary_are_refused(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text("documents:\n- {id: x, file: x.html, language: ru, format: html, type: privacy_policy,\n"
                    "   declared: {telephone: «Телефон»}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="telephone"):
        rw.load_labels(path)


def test_the_committed_labels_load_and_name_their_sources():
    docs = rw.load_labels()
    assert docs, "bench/realworld/documents.yaml holds no documents"
    for doc in docs:
        assert {"repo", "path", "commit"} <= set(doc.source), doc.id
        assert len(doc.source["commit"]) == 40, doc.id


def test_runner_exits_non_zero_without_material(tmp_path, capsys):
    import realworld

    assert realworld.main(["--material", str(tmp_path / "nowhere")]) == 2
    assert "No real-world material" in capsys.readouterr().err


def test_strings_to_html_keeps_text_and_drops_identifiers():
    source = ("import { x } from '@/lib/y';\nconst t = { title: 'Политика', items: ['Имя и телефон', "
              "\"We collect your e-mail\"], icon: 'Shield', cls: \"max-w-4xl\" };")
    page = rw.strings_to_html(source)
    assert "<p>Политика</p>" in page and "<p>Имя и телефон</p>" in page and "<p>We collect your e-mail</p>" in page
    assert "Shield" not in page and "max-w-4xl" not in page and "@/lib/y" not in page


def test_splits_are_scored_apart_and_checked(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text("documents:\n"
                    "- {id: a, file: a.txt, language: ru, format: txt, type: consent, declared: {phone: «Телефон»}}\n"
                    "- {id: b, file: b.txt, language: kk, format: txt, type: consent, split: holdout,\n"
                    "   declared: {name: «Аты-жөні»}}\n", encoding="utf-8")
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "a.txt").write_text("Мы собираем номер телефона для связи с клиентом.", encoding="utf-8")
    (tmp_path / "documents" / "b.txt").write_text("Біз тек қала атауын сақтаймыз.", encoding="utf-8")
    assert [r.doc.id for r in rw.run(tmp_path, path, split="holdout")] == ["b"]
    fig = rw.figures(rw.run(tmp_path, path))
    assert set(fig["by_split"]) == {"dev", "holdout"}
    assert fig["by_split"]["holdout"].fn == 1 and fig["by_split"]["holdout"].tp == 0
    path.write_text("documents:\n- {id: c, file: c.txt, language: ru, format: txt, type: consent, split: test}\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="split"):
        rw.load_labels(path)


def test_recipes_render_a_data_files_items_and_a_components_texts(tmp_path):
    # A section of a data file (one language's items, label as heading) and a page component's texts in one
    # language (`isRu ? … : …`), written here in our own words.
    data = ("export const S = { sections: [\n"
            "  { id: 'rules', items: { RU: [ { label: 'Правила', text: 'Не бегать.' } ] } },\n"
            "  { id: 'privacy', items: {\n"
            "    RU: [ { label: 'Цели', text: 'Имя и телефон нужны для записи.' },\n"
            "          { label: 'Удаление', text: 'Напишите \\'удалить\\' администратору.' } ],\n"
            "    KZ: [ { label: 'Мақсат', text: 'Аты мен телефон жазылу үшін керек.' } ] } },\n"
            "  { id: 'contacts', items: { RU: [ { label: 'Адрес', text: 'ул. Примерная, 1' } ] } } ] };\n")
    recipe = "slice 'id: .privacy.' 'id: .contacts.|\\Z' | slice 'RU: \\[' '\\]' | jsfields label=h3 text"
    page = rw.apply_recipe(recipe, data.encode()).decode()
    assert page == ("<html><body>\n<h3>Цели</h3>\n<p>Имя и телефон нужны для записи.</p>\n<h3>Удаление</h3>\n"
                    "<p>Напишите &#x27;удалить&#x27; администратору.</p>\n</body></html>\n")
    # The same recipe on the privacy element alone (a stored excerpt) gives the same page.
    excerpt = data[data.index("{ id: 'privacy'"):data.index("  { id: 'contacts'")]
    assert rw.apply_recipe(recipe, excerpt.encode()).decode() == page
    # Fields of the object written at a field: `title: { ru: …, kz: … }`.
    sections = ('export const P = [\n  { title: { ru: "1. Цели", kz: "1. Мақсат" },\n'
                '    body: { ru: "Берём \\"имя\\".", kz: "Атын аламыз." } },\n];\n')
    assert rw.apply_recipe("jsfields title.kz=h2 body.kz", sections.encode()).decode() == (
        "<html><body>\n<h2>1. Мақсат</h2>\n<p>Атын аламыз.</p>\n</body></html>\n")
    russian = rw.apply_recipe("jsfields title.ru=h2 body.ru", sections.encode()).decode()
    assert "<h2>1. Цели</h2>\n<p>Берём &quot;имя&quot;.</p>" in russian
    component = ('<Hero title={isRu ? "Политика" : "Саясат"} />\n<div className="note">\n'
                 '  {isRu\n    ? "Черновик шаблона."\n    : "Үлгі жобасы."}\n</div>\n{sections.map(x => x)}\n')
    assert rw.apply_recipe("slice '<Hero' 'sections\\.map' | ternary 1", component.encode()).decode() == (
        "<html><body>\n<p>Саясат</p>\n<p>Үлгі жобасы.</p>\n</body></html>\n")
    # gather: `before` parts come ahead of the source, from stored copies when there is no mirror.
    stored = tmp_path / "documents" / "raw" / "stored" / "demo+site" / ("a" * 40)
    (stored / "src").mkdir(parents=True)
    (stored / "src" / "sections.ts").write_text(sections, encoding="utf-8")
    (stored / "src" / "page.tsx").write_text(component, encoding="utf-8")
    labels = tmp_path / "labels.yaml"
    labels.write_text(
        "documents:\n"
        "- id: demo-kk\n  file: demo-kk.html\n"
        f"  source: {{repo: demo/site, path: src/sections.ts, commit: {'a' * 40}}}\n"
        "  recipe: 'jsfields title.kz=h2 body.kz'\n"
        f"  before:\n    - {{repo: demo/site, path: src/page.tsx, commit: {'a' * 40},\n"
        "       recipe: 'slice ''<Hero'' ''sections\\.map'' | ternary 1'}\n", encoding="utf-8")
    assert rw.gather(tmp_path, labels, tmp_path / "no-mirrors") == []
    assert (tmp_path / "documents" / "demo-kk.html").read_text(encoding="utf-8") == (
        "<html><body>\n<p>Саясат</p>\n<p>Үлгі жобасы.</p>\n<h2>1. Мақсат</h2>\n<p>Атын аламыз.</p>\n</body></html>\n")


def test_policies_and_consents_are_scored_apart_from_terms(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text("documents:\n"
                    "- {id: a, file: a.txt, language: ru, format: txt, type: privacy_policy,\n"
                    "   declared: {phone: «телефон»}}\n"
                    "- {id: b, file: b.txt, language: ru, format: txt, type: terms, declared: {name: «имя»}}\n",
                    encoding="utf-8")
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "a.txt").write_text("Мы собираем номер телефона для связи с клиентом.", encoding="utf-8")
    (tmp_path / "documents" / "b.txt").write_text("Стороны соблюдают условия договора.", encoding="utf-8")
    results = rw.run(tmp_path, path)
    fig = rw.figures(results)
    assert fig["by_kind"]["policy, consent"].tp == 1 and fig["by_kind"]["terms, other"].fn == 1
    assert "terms, other (1 documents)" in rw.report(results)
