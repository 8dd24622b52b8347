"""Facts found by meaning and by words: the index over the curated facts."""

from __future__ import annotations

import numpy as np
import pytest

from components.minilm import MiniLM
from knowledge.retrieval import FactIndex, documents, ranking_of, stem, terms, topic_labels, without_career_name
from knowledge.schema import TOPICS, load_facts


@pytest.fixture(scope="module")
def encoder():
    return MiniLM()


@pytest.fixture(scope="module")
def index(encoder):
    return FactIndex.build(encoder.embed)


def top_ids(index, encoder, text, k=3):
    return [r.id for r in index.rank(text, encoder.embed_one(text), k)]


def test_every_topic_has_plain_words():
    assert set(topic_labels()) == set(TOPICS)


def test_words_are_stemmed_and_stopwords_dropped():
    assert stem("certifications") == stem("certification")
    assert terms("What are the RHIT's requirements?") == ["rhit", "requirement"]


def test_a_rare_name_finds_its_fact(index, encoder):
    assert top_ids(index, encoder, "chda?")[0] == "certification-chda-g001"


def test_a_question_sharing_no_word_with_its_fact_finds_it_by_meaning(index, encoder):
    text = "will they still need people for this in ten years"
    assert any(i.startswith("outlook-") for i in top_ids(index, encoder, text))


def test_every_fact_is_in_the_index(index):
    assert sorted(index.ids) == sorted(f.id for f in load_facts())
    assert len(index.vectors) >= len(index.ids)


@pytest.mark.parametrize(
    "text",
    [
        "how much does a records tech make in ohio",
        "chda?",
        "salery",
        "what would I study, and how long does it take",
        "qwxz",
        "",
    ],
)
def test_the_scores_are_each_facts_best_document_and_share_of_the_question_words(index, encoder, text):
    """The definitions, fact by fact, give exactly what ranking computes over all facts at once."""
    import math

    vector = encoder.embed_one(text or "empty")
    cosines = index.vectors @ vector.astype(np.float32)
    best = [max(cosines[row] for row in np.flatnonzero(index.doc_owner == i)) for i in range(len(index.ids))]
    assert np.array_equal(index.meaning(vector), np.maximum(np.array(best, dtype=np.float32), np.float32(-1)))
    asked = set(terms(text))
    weights = {t: index.idf.get(t, math.log(1 + len(index.ids))) for t in asked}
    total = sum(weights.values())
    shares = [
        sum(w for t, w in weights.items() if t in fact_terms) / total if total else 0.0
        for fact_terms in index.fact_terms
    ]
    assert np.array_equal(index.words(text), np.array(shares, dtype=np.float32))


def test_a_fact_is_found_by_its_answer_its_list_and_how_it_is_asked():
    fact = next(f for f in load_facts() if f.items)
    fact.asked_as.append("how would someone put this")
    docs = documents(fact, topic_labels())
    assert fact.answer in docs[0] and fact.items[0] in docs[1] and docs[-1] == "how would someone put this"


def test_the_index_survives_storage_without_pickle(index, encoder, tmp_path):
    index.save(tmp_path)
    loaded = FactIndex.load(tmp_path)
    text = "how long is a certificate program"
    vector = encoder.embed_one(text)
    assert [r.id for r in loaded.rank(text, vector, 5)] == [r.id for r in index.rank(text, vector, 5)]
    # the arrays are plain data: numpy refuses them only if they needed pickle
    with np.load(tmp_path / "vectors.npz", allow_pickle=False) as arrays:
        assert arrays["vectors"].dtype == np.float32


def test_a_parsed_message_gives_its_ranking():
    message = {"facts": [{"id": "a", "score": 0.9}, {"id": "b", "score": 0.5}, "junk"]}
    assert ranking_of(message) == [("a", 0.9), ("b", 0.5)]
    assert ranking_of({}) == []


@pytest.mark.parametrize(
    "text, kept",
    [
        ("no sorry i meant the office programs, not the EHR", "no sorry i meant the office programs"),
        ("sorry, I meant a health information manager, not a coder", "sorry, I meant a health information manager"),
        ("no i meant the RHIA not the RHIT", "no i meant the RHIA"),
        ("I was asking about pay, not school", "I was asking about pay"),
        ("i mean, is it not boring", "i mean, is it not boring"),  # a filler, not a correction
        ("is it not hard?", "is it not hard?"),
    ],
)
def test_a_correction_is_ranked_on_what_was_meant(text, kept):
    assert without_career_name(text) == kept


def test_an_acronym_that_spells_a_common_word_is_kept():
    assert "his" in terms("what's HIS for?") and "his" not in terms("is his job hard")
    assert "as" in terms("AS or AAS") and terms("WHAT IS THE SALARY") == ["salary"]


@pytest.mark.parametrize(
    "text, parts",
    [
        ("how much do they make? and how long is school", ["how much do they make?", "and how long is school"]),
        ("what is the RHIT? and what does it cost?", ["what is the RHIT?", "and what does it cost?"]),
        # a question that only compares stays with what it compares
        (
            "AS vs AAS, what's the difference? and how many years do they take",
            ["AS vs AAS, what's the difference?", "and how many years do they take"],
        ),
        (
            "how fast is this field growing and how many openings are there a year?",
            ["how fast is this field growing", "how many openings are there a year?"],
        ),
        ("what do they make", []),
        (
            "How long until I'm job-ready, and after school how long should I study for the exam?",
            ["How long until I'm job-ready", "after school how long should I study for the exam?"],
        ),
    ],
)
def test_the_questions_of_a_message(text, parts):
    from knowledge.retrieval import question_parts

    assert question_parts(text) == parts


@pytest.mark.parametrize(
    "parts, completed",
    [
        # An elliptical part gets what it leaves out from the part before it.
        (
            ["How is an RHIT different from an RHIA?", "And from a CCS?"],
            ["How is an RHIT different from an RHIA?", "How is an RHIT different from a CCS?"],
        ),
        (
            ["what do techs earn in Ohio", "or in Maine?"],
            ["what do techs earn in Ohio", "what do techs earn in Maine?"],
        ),
        # A pronoun pointing back is replaced with the thing the part before names.
        (
            ["what does the CCA exam cover", "how hard is it"],
            ["what does the CCA exam cover", "how hard is the CCA exam"],
        ),
        # ... but not with a phrase that names nothing ("the difference"), nor when nothing precedes.
        (
            ["RHIT or RHIA, what is the difference?", "how long do they take"],
            ["RHIT or RHIA, what is the difference?", "how long do they take"],
        ),
        (["is it hard to learn coding", "what does it pay"], ["is it hard to learn coding", "what does it pay"]),
    ],
)
def test_each_part_of_a_message_is_readable_on_its_own(parts, completed):
    from knowledge.retrieval import completed_parts

    last_phrase = {
        "what does the CCA exam cover": "the CCA exam",
        "is it hard to learn coding": "",
        "RHIT or RHIA, what is the difference?": "the difference",
    }
    assert completed_parts(parts, lambda part: last_phrase.get(part, "")) == completed
