"""Facts found by meaning: every fact a document, ranked for a question.

A fact's documents are its measure and answer, its named items and points, and the curated
"asked as" phrasings kept with it in `knowledge/facts/` (never questions from `eval/`). A
question is ranked against them in two ways, and the two are added:

- meaning: the cosine of the question's sentence vector (components/minilm.py) and the nearest
  of the fact's document vectors;
- words: the share of the question's word weight (inverse document frequency) that the fact's
  text holds, so a rare name ("CAHIIM", "CHDA") or figure pulls its fact up even where the
  encoder knows it poorly.

The index is built when the model is trained (components/fact_ranker.py) and stored with it;
the actions weigh the ranking with the intent's topic, the entities and the conversation.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np

from knowledge.schema import FACTS_DIR, FactRecord, load_facts
from knowledge.topics import topics

# How much the words count beside the meaning.
LEXICAL_WEIGHT = 0.5
WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
STOPWORDS = frozenset(
    "a an the and or but if of to in on at for with from by as is are was were be been being am do does did "
    "i me my im i'm you your it its it's this that these those there here what which who whom how why when "
    "where can could would should will shall may might must have has had having not no so than then too very "
    "just about into over under up down out off again further once all any both each few more most other some "
    "such only own same s t don doesn didn isn aren wasn weren get got gets getting they them their we us our "
    "he she his her hers him ok okay hi hey please thanks thank really much many also like want know tell "
    "need lot lots thing things kind sort someone something anything guys u ur ya actually usually really "
    "basically exactly honestly generally typically even still ever whats hows wheres whos dont ive "
    "youre theyre isnt arent wont cant gonna wanna".split()
)
# The career's own name says nothing about which fact is wanted: every fact is about it.
CAREER_NAME = re.compile(
    r"\b(medical records?|health information|health info|records?|medical record)"
    r"\s+(technicians?|techs?|specialists?)\b"
    r"|\b(mrts?|hits?|rhits?)\s+(technicians?|techs?)\b|\b(medical records?|records) (jobs?|careers?|work|field)\b",
    re.IGNORECASE,
)


# "I meant the office programs, not the EHR": what was meant, without what was not.
CORRECTED = re.compile(r"\b(meant|was asking about|was talking about)\b", re.IGNORECASE)
NOT_MEANT = re.compile(
    r"(,\s*|\s+)(and\s+)?(not|rather than|instead of)\s+(the\s+|a\s+|an\s+)?[^,.;!?]{1,40}", re.IGNORECASE
)


def without_career_name(text: str) -> str:
    """The question with the career's own name left out ("which states pay the most for medical
    records technicians" -> "which states pay the most for"), unless little else is left; in a
    correction, what was not meant is left out too ("i meant the visa, not school")."""
    corrected = CORRECTED.search(text or "")
    if corrected:
        text = text[: corrected.end()] + NOT_MEANT.sub("", text[corrected.end() :])
    stripped = " ".join(CAREER_NAME.sub(" ", text or "").split())
    return stripped if len(terms(stripped)) >= 2 else text


def stem(word: str) -> str:
    """A crude English stem, enough to join "certifications"/"certified" and "paying"/"pays"."""
    for suffix, keep in (
        ("ications", 4),
        ("ication", 4),
        ("ies", 3),
        ("ing", 4),
        ("ed", 4),
        ("es", 4),
        ("s", 3),
        ("ly", 4),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


# An acronym that spells a common word ("HIS", hospital information systems; "AS", the degree)
# is a word of its own, unless the text is written in capitals.
ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")


def terms(text: str) -> List[str]:
    text = text or ""
    shouted = len(re.findall(r"\b[A-Z]{4,}\b", text)) >= 2  # "WHAT IS THE SALARY"
    acronyms = set() if shouted else {a.lower() for a in ACRONYM.findall(text)}
    words = (w[:-2] if w.endswith("'s") else w for w in WORD.findall(text.lower()))
    return [stem(w) for w in words if w not in STOPWORDS or w in acronyms]


def topic_labels() -> Dict[str, str]:
    """Plain words for each topic (knowledge/topics.yml), which lead its facts' documents ("Pay and salary: ...")."""
    return {name: topic.label for name, topic in topics().items()}


def documents(fact: FactRecord, labels: Dict[str, str]) -> List[str]:
    """The texts a fact is found by: what it measures and says, its list, how it is asked."""
    label = labels.get(fact.topic, fact.topic.replace("_", " "))
    scope = "" if fact.scope_type == "national" else f" ({fact.scope_name})"
    docs = [f"{label}{scope}: {fact.measure}. {fact.answer}"]
    listed = list(fact.items) + list(fact.points)
    if listed:
        docs.append(f"{label}{scope}: {fact.measure}: " + "; ".join(listed))
    docs.extend(fact.asked_as)
    return docs


@dataclass
class Ranked:
    id: str
    score: float
    meaning: float
    words: float


class FactIndex:
    """The facts' document vectors and word weights, ranked against a question."""

    def __init__(
        self,
        ids: List[str],
        doc_owner: np.ndarray,
        vectors: np.ndarray,
        doc_terms: List[Counter],
        idf: Dict[str, float],
    ):
        self.ids = ids
        self.doc_owner = doc_owner  # document row -> fact index
        self.vectors = vectors  # one unit row a document
        self.fact_terms = [set() for _ in ids]
        for row, counts in enumerate(doc_terms):
            self.fact_terms[int(doc_owner[row])].update(counts)
        self.idf = idf
        self._prepare()

    def _prepare(self) -> None:
        """What ranking reads for every message, made once: the facts holding each word, and
        where each fact's documents start (they are stored fact by fact)."""
        postings: Dict[str, List[int]] = {}
        for i, fact_terms in enumerate(self.fact_terms):
            for term in fact_terms:
                postings.setdefault(term, []).append(i)
        self.postings = {term: np.array(facts, dtype=np.int64) for term, facts in postings.items()}
        owner = np.asarray(self.doc_owner)
        ordered = (
            len(owner) > 0
            and bool(np.all(np.diff(owner) >= 0))
            and np.array_equal(np.unique(owner), np.arange(len(self.ids)))
        )
        self.doc_starts = np.flatnonzero(np.r_[True, np.diff(owner) != 0]) if ordered else None

    @classmethod
    def build(
        cls,
        embed: Callable[[List[str]], np.ndarray],
        facts: Optional[List[FactRecord]] = None,
        facts_dir: Path = FACTS_DIR,
    ) -> "FactIndex":
        facts = facts if facts is not None else load_facts(facts_dir)
        labels = topic_labels()
        texts: List[str] = []
        owner: List[int] = []
        for i, fact in enumerate(facts):
            for text in documents(fact, labels):
                texts.append(text)
                owner.append(i)
        doc_terms = [Counter(terms(t)) for t in texts]
        # Word weights over facts, not documents: a fact with three phrasings is one fact.
        per_fact: List[set] = [set() for _ in facts]
        for row, counts in enumerate(doc_terms):
            per_fact[owner[row]].update(counts)
        frequency = Counter(t for fact_terms in per_fact for t in fact_terms)
        n = len(facts)
        idf = {t: math.log(1 + n / df) for t, df in frequency.items()}
        return cls([f.id for f in facts], np.array(owner, dtype=np.int32), embed(texts), doc_terms, idf)

    # -- ranking --------------------------------------------------------------------------
    def meaning(self, vector: np.ndarray) -> np.ndarray:
        """Per fact, the cosine of its nearest document."""
        cosines = self.vectors @ vector.astype(np.float32)
        if self.doc_starts is not None:  # each fact's documents side by side: one reduction
            return np.maximum(np.maximum.reduceat(cosines, self.doc_starts), np.float32(-1.0))
        scores = np.full(len(self.ids), -1.0, dtype=np.float32)
        np.maximum.at(scores, self.doc_owner, cosines)
        return scores

    def words(self, text: str) -> np.ndarray:
        """Per fact, the share of the question's word weight found in its text."""
        asked = set(terms(text))
        # A word no fact has ("welder", a typo) still counts, as a word the facts lack.
        weights = {t: self.idf.get(t, math.log(1 + len(self.ids))) for t in asked}
        total = sum(weights.values())
        if not total:
            return np.zeros(len(self.ids), dtype=np.float32)
        found = np.zeros(len(self.ids), dtype=np.float64)  # summed in the question's word order
        for term, weight in weights.items():
            facts = self.postings.get(term)
            if facts is not None:
                found[facts] += weight
        return (found / total).astype(np.float32)

    def rank(self, text: str, vector: np.ndarray, k: int = 15) -> List[Ranked]:
        """The k best facts for a question (`vector`: the encoder's vector of
        `without_career_name(text)`)."""
        meaning, words = self.meaning(vector), self.words(without_career_name(text))
        combined = meaning + LEXICAL_WEIGHT * words
        k = min(k, len(self.ids))
        top = np.argsort(-combined)[:k]
        return [Ranked(self.ids[i], float(combined[i]), float(meaning[i]), float(words[i])) for i in top]

    # -- storage --------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(folder / "vectors.npz", vectors=self.vectors, doc_owner=self.doc_owner)
        (folder / "index.json").write_text(
            json.dumps(
                {
                    "ids": self.ids,
                    "idf": self.idf,
                    "fact_terms": [sorted(t) for t in self.fact_terms],
                }
            )
        )

    @classmethod
    def load(cls, folder: Path) -> "FactIndex":
        with np.load(folder / "vectors.npz", allow_pickle=False) as arrays:
            vectors, owner = arrays["vectors"], arrays["doc_owner"]
        data = json.loads((folder / "index.json").read_text())
        index = cls.__new__(cls)
        index.ids, index.idf = data["ids"], data["idf"]
        index.vectors, index.doc_owner = vectors, owner
        index.fact_terms = [set(t) for t in data["fact_terms"]]
        index._prepare()
        return index


QUESTION_START = (
    r"(how|what|whats|what's|when|where|which|who|why|do|does|did|is|are|can|could|will|would|"
    r"should|shall|any|and|also|plus)"
)
SENTENCE_END = re.compile(r"(?<=[?!.;])\s+")
# "... and how long does it take", ", also what does it cost": a second question joined on.
JOINED_QUESTION = re.compile(
    rf"(?:,\s*|\s+)(?:and|also|plus|,)\s+(?=(?:also\s+)?{QUESTION_START}\b)"
    rf"|,\s*(?=(?:is|are|do|does|can|could|how|what|which|where|when|who|why|will|should)\b)"
    # ", and after school how long ...": a short lead-in before the question word
    rf"|,\s*and\s+(?=(?:(?!how|what|which)\w+\s+){{1,2}}(?:how|what|which)\b)",
    re.IGNORECASE,
)


# The words of a question that compares what the sentence before it names (as `terms` gives them).
COMPARING = set(terms("difference different differ compare comparison better best versus vs mean"))


def question_parts(text: str, min_words: int = 3) -> List[str]:
    """The questions in a message that asks more than one ("how much do they make? and how long is
    school"), each of at least `min_words` words; [] for a message that asks one."""
    pieces: List[str] = []
    for sentence in SENTENCE_END.split(text or ""):
        pieces += [p for p in JOINED_QUESTION.split(sentence) if p]
    parts: List[str] = []
    for piece in (p.strip(" ,") for p in pieces if len(p.split()) >= min_words):
        # "AS vs AAS, what's the difference?": a question that only compares belongs to the
        # piece naming what it compares.
        if parts and not set(terms(piece)) - COMPARING:
            parts[-1] = f"{parts[-1]}, {piece}"
        else:
            parts.append(piece)
    return parts if len(parts) >= 2 else []


# "... and from a medical coder?": a part that is only a preposition and what follows it, asked
# of the part before ("how does a records tech differ from a manager?").
ELLIPTIC_PART = re.compile(
    r"^(?:and|or|but|also|what about|how about)\s+(from|for|in|with|to|about|than|at|of|as)\s+"
    r"(.+?)[\s?.!]*$",
    re.IGNORECASE,
)
# "... and what kind of jobs does it open up?": a part that points back at the part before.
POINTS_BACK = re.compile(r"\b(it|they|them|those|these)\b", re.IGNORECASE)
# Words that name no thing a pronoun could stand for ("what's the difference?", "the best part").
NO_REFERENT = COMPARING | set(terms("part parts one ones thing way job field career work"))


def completed_parts(parts: List[str], phrase_of: Optional[Callable[[str], str]] = None) -> List[str]:
    """The parts of a two-part question, each readable on its own: an elliptical part gets what it
    leaves out from the part before it ("How does a tech differ from a manager? And from a coder?"
    -> "... And how does a tech differ from a coder"), and a pronoun pointing back is replaced with
    the thing the part before names (`phrase_of`: that part -> its last noun phrase, or "")."""
    completed: List[str] = []
    for part in parts:
        previous = completed[-1] if completed else ""
        elliptic = ELLIPTIC_PART.match(part.strip()) if previous else None
        if elliptic:
            at = [m.end() for m in re.finditer(rf"\b{elliptic.group(1)}\b", previous, re.IGNORECASE)]
            if at:
                part = f"{previous[: at[-1]].rstrip(' ,?')} {elliptic.group(2)}?"
        elif previous and phrase_of and POINTS_BACK.search(part):
            phrase = phrase_of(previous)
            if phrase and set(terms(phrase)) - NO_REFERENT:
                part = POINTS_BACK.sub(phrase, part, count=1)
        completed.append(part)
    return completed


def ranking_of(message: Dict) -> List[Tuple[str, float]]:
    """(fact id, score) pairs a parsed message carries, best first ([] when it has none)."""
    return [(r["id"], float(r["score"])) for r in message.get("facts") or [] if isinstance(r, dict) and "id" in r]
