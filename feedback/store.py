"""What users teach the coach: the questions it could not answer, and thumbs up or down.

The tables live in the knowledge store's database ($KNOWLEDGE_DB_URL) but have metadata of
their own, so the loader, which replaces the facts, never creates, empties or drops them.
Nothing here knows who asked: no sender id is kept; personal details (names, e-mail
addresses, street addresses, dates of birth, places below a state: feedback/redaction.py),
phone-number-like digit runs and control characters are replaced before anything is written,
and text is capped. The reports print no control or bidi characters, and no database password.
Rows older than $RETENTION_DAYS are deleted by `make prune` (extensions/retention.py).

Recording never raises: a missing, broken or read-only database is logged and the
conversation carries on. The curators' queries do raise, so a report is never silently empty.

The curators read it with `python -m feedback` (feedback/report.py).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, List, Optional, Tuple

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    case,
    delete,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, declarative_base

from knowledge.loader import database_url, make_engine
from feedback.redaction import Entity, redact

logger = logging.getLogger(__name__)

FeedbackBase = declarative_base()

MAX_TEXT = 300
MAX_LABEL = 80
ANSWER_KEY_CHARS = 64  # a SHA-256 digest in hex
POSITIVE, NEGATIVE = "up", "down"

# Why a question went unanswered. Callers may pass other short reasons; these are the usual ones.
NOT_UNDERSTOOD = "not understood"
NO_FACTS = "no facts for the scope"
OTHER_CAREER = "other career"
OUT_OF_SCOPE = "out of scope"

# A run of digits with the separators phone numbers are written with: "+1 (555) 123-4567".
DIGIT_RUN = re.compile(r"\+?\d[\d\s().-]*\d")
PHONE_MIN_DIGITS = 7
YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*-\s*(?:19|20)\d\d")
# Control characters (C0, C1), and the invisible ones that reorder or hide text (bidi overrides
# and isolates, zero-width joiners: Unicode's format characters), which could make a printed
# report say what the stored text does not.
INVISIBLE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")
SPACE = re.compile(r"\s+")


class UnansweredQuestion(FeedbackBase):
    """A question the coach could not answer, without who asked it."""

    __tablename__ = "feedback_unanswered"

    id = Column(Integer, primary_key=True, autoincrement=True)
    asked_at = Column(DateTime, nullable=False, index=True)  # UTC
    text = Column(String(MAX_TEXT), nullable=False)
    normalized = Column(String(MAX_TEXT), nullable=False, index=True)
    reason = Column(String(MAX_LABEL), nullable=False)
    intent = Column(String(MAX_LABEL))
    confidence = Column(Float)


class AnswerRating(FeedbackBase):
    """A thumbs up or down on an answer: which intent and topic it answered, and the question.

    `answer` names the rated answer (a digest the caller makes, see actions/feedback.py) and is
    unique: a second rating of the same answer replaces the first. Ratings kept before it
    existed have none and are counted as they are."""

    __tablename__ = "feedback_ratings"

    id = Column(Integer, primary_key=True, autoincrement=True)
    rated_at = Column(DateTime, nullable=False, index=True)  # UTC
    rating = Column(String(4), nullable=False)
    intent = Column(String(MAX_LABEL))
    topic = Column(String(MAX_LABEL))
    question = Column(String(MAX_TEXT))
    answer = Column(String(ANSWER_KEY_CHARS))


# Created apart from the table, so that a database made before the column gets it too.
ONE_RATING_PER_ANSWER = Index("feedback_ratings_one_per_answer", AnswerRating.answer, unique=True)


# -- what is kept of a text -------------------------------------------------------------------
def _scrub_digits(match: re.Match) -> str:
    run = match.group(0)
    if sum(c.isdigit() for c in run) < PHONE_MIN_DIGITS or YEAR_RANGE.fullmatch(run.strip()):
        return run
    return "[number]"


def printable(text: Optional[str]) -> str:
    """The text with control and invisible formatting characters replaced by spaces."""
    return "".join(" " if unicodedata.category(c) in INVISIBLE_CATEGORIES else c for c in text or "")


def _capped(text: str, limit: int) -> str:
    text = SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def scrub(text: Optional[str], limit: int = MAX_TEXT, entities: Optional[Iterable[Entity]] = None) -> str:
    """What is kept of what a user typed: without control or invisible characters, personal
    details (feedback/redaction.py: e-mail addresses, names, places below a state, street
    addresses, dates of birth) or phone-number-like digit runs, whitespace collapsed, at most
    `limit` characters. `entities`: the named entities the NLU found in it (see `redact`)."""
    text = redact(printable(text), entities)
    return _capped(DIGIT_RUN.sub(_scrub_digits, text), limit)


def normalize(text: str) -> str:
    """The form questions are counted by: lower-case, whitespace collapsed."""
    return SPACE.sub(" ", text.lower()).strip()


def _label(value: Optional[str]) -> Optional[str]:
    """A short name the coach made (an intent, a topic, a reason): only cleaned and capped."""
    return (_capped(printable(value), MAX_LABEL) or None) if value is not None else None


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# -- what curators read -----------------------------------------------------------------------
@dataclass(frozen=True)
class UnansweredCount:
    question: str
    count: int
    last_seen: datetime
    reasons: str


@dataclass(frozen=True)
class RatingCount:
    intent: Optional[str]
    topic: Optional[str]
    up: int
    down: int


class FeedbackStore:
    """Writes and summarises feedback in the knowledge store's database."""

    def __init__(self, url: Optional[str] = None, engine: Optional[Engine] = None):
        self.url = url or database_url()
        self._engine = engine
        self._ready = False

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def ensure_tables(self) -> None:
        """Creates the feedback tables if they are missing (only those: never the facts'), and
        gives a ratings table made before `answer` existed the column and its unique index."""
        if not self._ready:
            FeedbackBase.metadata.create_all(self.engine)
            _add_answer_key(self.engine)
            self._ready = True

    def _write(self, write: Callable[[], bool]) -> bool:
        try:
            self.ensure_tables()
            return write()
        except (SQLAlchemyError, OSError) as error:
            # Feedback is a nicety: the user still gets the answer.
            logger.warning("feedback not stored (%s: %s)", error.__class__.__name__, str(error).splitlines()[0])
            self._ready = False
            return False

    def _insert(self, row: FeedbackBase) -> bool:
        with Session(self.engine) as session, session.begin():
            session.add(row)
        return True

    # -- writing (never raises) ----------------------------------------------------------
    def record_unanswered(
        self,
        text: Optional[str],
        reason: str,
        intent: Optional[str] = None,
        confidence: Optional[float] = None,
        entities: Optional[Iterable[Entity]] = None,
    ) -> bool:
        """Keeps a question the coach could not answer; False when it could not be stored.
        `entities`: the named entities the NLU found in `text`, if it read it."""
        kept = scrub(text, entities=entities)
        if not kept:
            return False  # an empty message teaches nothing
        row = UnansweredQuestion(
            asked_at=_now(),
            text=kept,
            normalized=normalize(kept)[:MAX_TEXT],
            reason=_label(reason) or "unknown",
            intent=_label(intent),
            confidence=_confidence(confidence),
        )
        return self._write(lambda: self._insert(row))

    def record_rating(
        self,
        positive: bool,
        intent: Optional[str],
        topic: Optional[str],
        question: Optional[str],
        answer: Optional[str] = None,
        entities: Optional[Iterable[Entity]] = None,
    ) -> bool:
        """Keeps a thumbs up or down on an answer; False when it could not be stored. A rating
        of an `answer` already rated replaces the earlier one. `entities`: as record_unanswered's."""
        row = AnswerRating(
            rated_at=_now(),
            rating=POSITIVE if positive else NEGATIVE,
            intent=_label(intent),
            topic=_label(topic),
            question=scrub(question, entities=entities) or None,
            answer=answer,
        )
        return self._write(lambda: self._insert(row) if answer is None else self._replace_rating(row))

    def _replace_rating(self, row: AnswerRating) -> bool:
        """Updates the answer's rating, or inserts it; the unique index settles a race of two."""
        changes = {
            "rated_at": row.rated_at,
            "rating": row.rating,
            "intent": row.intent,
            "topic": row.topic,
            "question": row.question,
        }
        statement = update(AnswerRating).where(AnswerRating.answer == row.answer).values(**changes)
        for _attempt in range(2):
            with Session(self.engine) as session, session.begin():
                if session.execute(statement).rowcount:
                    return True
            try:
                return self._insert(row)
            except IntegrityError:  # another process inserted it meanwhile: update that one
                row = AnswerRating(answer=row.answer, **changes)
        return False

    # -- reading (for curators) ----------------------------------------------------------
    def most_unanswered(self, limit: int = 20) -> List[UnansweredCount]:
        """The unanswered questions asked most often, then most recently."""
        self.ensure_tables()
        count = func.count().label("count")
        last_seen = func.max(UnansweredQuestion.asked_at).label("last_seen")
        statement = (
            select(UnansweredQuestion.normalized, count, last_seen)
            .group_by(UnansweredQuestion.normalized)
            .order_by(count.desc(), last_seen.desc(), UnansweredQuestion.normalized)
            .limit(limit)
        )
        with Session(self.engine) as session:
            rows = session.execute(statement).all()
            reasons = self._reasons(session, [row.normalized for row in rows])
        return [
            UnansweredCount(row.normalized, row.count, row.last_seen, reasons.get(row.normalized, "")) for row in rows
        ]

    @staticmethod
    def _reasons(session: Session, questions: List[str]) -> dict:
        statement = (
            select(UnansweredQuestion.normalized, UnansweredQuestion.reason)
            .where(UnansweredQuestion.normalized.in_(questions))
            .distinct()
            .order_by(UnansweredQuestion.normalized, UnansweredQuestion.reason)
        )
        found: dict = {}
        for question, reason in session.execute(statement):
            found[question] = f"{found[question]}, {reason}" if question in found else reason
        return found

    def rating_summary(self) -> List[RatingCount]:
        """Thumbs up and down per intent and topic, the most thumbs down first."""
        self.ensure_tables()
        up = func.sum(case((AnswerRating.rating == POSITIVE, 1), else_=0)).label("up")
        down = func.sum(case((AnswerRating.rating == NEGATIVE, 1), else_=0)).label("down")
        statement = (
            select(AnswerRating.intent, AnswerRating.topic, up, down)
            .group_by(AnswerRating.intent, AnswerRating.topic)
            .order_by(down.desc(), up.desc(), AnswerRating.intent)
        )
        with Session(self.engine) as session:
            return [
                RatingCount(row.intent, row.topic, int(row.up or 0), int(row.down or 0))
                for row in session.execute(statement)
            ]

    # -- retention (extensions/retention.py) -----------------------------------------------
    def prune(self, before: datetime) -> Tuple[int, int]:
        """Deletes the unanswered questions and ratings recorded before `before` (naive UTC);
        how many of each."""
        self.ensure_tables()
        with Session(self.engine) as session, session.begin():
            questions = session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.asked_at < before))
            ratings = session.execute(delete(AnswerRating).where(AnswerRating.rated_at < before))
            return questions.rowcount, ratings.rowcount

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def _add_answer_key(engine: Engine) -> None:
    """The `answer` column and its unique index on a ratings table that lacks them, without a
    migration tool: duplicate keys (none unless someone added the column by hand) keep the
    latest rating, then the index is made."""
    table = AnswerRating.__table__
    found = inspect(engine)
    if any(index["name"] == ONE_RATING_PER_ANSWER.name for index in found.get_indexes(table.name)):
        return
    columns = {column["name"] for column in found.get_columns(table.name)}
    with engine.begin() as connection:
        if "answer" not in columns:
            connection.execute(text(f"ALTER TABLE {table.name} ADD COLUMN answer VARCHAR({ANSWER_KEY_CHARS})"))
        latest = select(func.max(AnswerRating.id)).where(AnswerRating.answer.is_not(None)).group_by(AnswerRating.answer)
        connection.execute(delete(AnswerRating).where(AnswerRating.answer.is_not(None), AnswerRating.id.not_in(latest)))
    ONE_RATING_PER_ANSWER.create(engine, checkfirst=True)


def _confidence(value: Optional[float]) -> Optional[float]:
    try:
        return None if value is None else round(float(value), 4)
    except (TypeError, ValueError):
        return None
