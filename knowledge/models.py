"""SQLAlchemy tables of the knowledge store (SQLAlchemy 1.4, 2.0 style)."""

from __future__ import annotations

from typing import List

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Source(Base):
    """One of the five guides the facts come from."""

    __tablename__ = "sources"

    key = Column(String(16), primary_key=True)
    file = Column(String(200), nullable=False)
    title = Column(String(300), nullable=False)
    period = Column(String(300), nullable=False)


class Fact(Base):
    """One curated fact, with its scope, period and source."""

    __tablename__ = "facts"

    id = Column(String(120), primary_key=True)
    topic = Column(String(40), nullable=False, index=True)
    aspect = Column(String(40), nullable=False, index=True)
    measure = Column(String(200), nullable=False)
    value = Column(Float)
    value_max = Column(Float)
    unit = Column(String(60))
    scope_type = Column(String(40), nullable=False, index=True)
    scope_name = Column(String(200), nullable=False, index=True)
    period = Column(String(120))
    year = Column(Integer)
    answer = Column(Text, nullable=False)
    seq = Column(Integer, nullable=False)
    source_key = Column(String(16), ForeignKey("sources.key"), nullable=False)

    source = relationship(Source, lazy="joined")
    entries = relationship("FactEntry", order_by="FactEntry.position", lazy="selectin", cascade="all, delete-orphan")

    @property
    def items(self) -> List[str]:
        return [e.text for e in self.entries if e.kind == "item"]

    @property
    def points(self) -> List[str]:
        return [e.text for e in self.entries if e.kind == "point"]


class FactEntry(Base):
    """A named item (as the guide spells it) or a point (in our words) of a fact's list."""

    __tablename__ = "fact_entries"

    fact_id = Column(String(120), ForeignKey("facts.id", ondelete="CASCADE"), primary_key=True)
    kind = Column(String(8), primary_key=True)
    position = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
