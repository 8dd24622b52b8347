"""Reading what users name: states, countries, levels, credentials, with their variants and typos."""

from __future__ import annotations

import pytest

from knowledge.vocabulary import LOOKUPS_FILE, vocabulary


@pytest.mark.parametrize(
    "entity, written, canonical",
    [
        ("state", "NJ", "New Jersey"),
        ("state", "nj", "New Jersey"),
        ("state", "D.C.", "District of Columbia"),
        ("state", "washington dc", "District of Columbia"),
        ("state", "new jersy", "New Jersey"),
        ("state", "Texs", "Texas"),
        ("country", "uk", "United Kingdom"),
        ("country", "england", "United Kingdom"),
        ("experience_level", "entry level", "junior"),
        ("experience_level", "Supervisor", "supervisor"),
        ("certification", "rhit", "RHIT"),
        ("certification", "ccs p", "CCS-P"),
        ("degree_type", "associates degree", "associate"),
        ("role", "coder", "medical coder"),
        ("state", "Narnia", None),
        ("state", "", None),
        ("state", None, None),
    ],
)
def test_canonical_values(entity, written, canonical):
    assert vocabulary().canonical(entity, written) == canonical


@pytest.mark.parametrize(
    "entity, text, found",
    [
        ("state", "whats the pay in NJ and in texas", ["New Jersey", "Texas"]),
        ("state", "i live in indiana", ["Indiana"]),
        ("state", "me and ok in here", []),
        ("state", "salary in west virginia", ["West Virginia"]),
        ("state", "what about washington, d.c.?", ["District of Columbia"]),
        ("state", "and in califronia", ["California"]),
        ("state", "i pay my taxes", []),
        ("country", "can i work in the UK or canada", ["United Kingdom", "Canada"]),
        ("country", "how much in france", ["France"]),
        ("experience_level", "what does a senior tech make", ["senior"]),
        ("certification", "what about certification", []),
        ("experience_level", "how do i do data entry", []),
        ("experience_level", "wut does a senoir tech do diffrent from a junior one", ["senior", "junior"]),
        ("state", "pay in new jersey vs hawai", ["New Jersey", "Hawaii"]),
    ],
)
def test_names_found_in_free_text(entity, text, found):
    assert vocabulary().find_in_text(entity, text) == found


def test_generated_nlu_lookups_are_up_to_date():
    assert LOOKUPS_FILE.read_text(encoding="utf-8") == vocabulary().nlu_yaml(), "run `make lookups`"


@pytest.mark.parametrize(
    "text, career",
    [
        ("how do i become an electrician", "electrician"),
        ("how much do nurses make", "nurse"),
        ("nurse salary", "nurse"),
        ("how much does a medical assistant earn", "medical assistant"),
        ("salary for a teacher", "teacher"),
        ("do i work with nurses", None),
        ("is it like being a medical assistant", None),
        ("how much do medical records technicians make", None),
        ("i was a cashier, can i switch to this", None),
        ("what tools do dental hygienists use", "dental hygienist"),
        ("how long are the shifts for a night shift paramedic?", "paramedic"),
        ("is records work a fit for retired teachers?", None),
        ("i work nights as a pharmacy technician, could this be a day job?", None),
        ("is pharmacy tech a good career?", "pharmacy tech"),
        ("would a lab tech be a better job", "lab tech"),
        ("is medical records a good career?", None),
        ("one offer is at a small doctors office, which kind of place pays more?", None),  # a workplace
        ("how much does a doctor make", "doctor"),
    ],
)
def test_questions_about_other_careers(text, career):
    assert vocabulary().other_career_asked(text) == career


def test_misspellings_are_sought_only_near_the_start_of_a_long_text():
    words = vocabulary()
    assert words.find_in_text("state", "pay in new jersy " + "blah " * 100) == ["New Jersey"]
    assert words.find_in_text("state", "blah " * 100 + "pay in new jersy") == []
    assert words.find_in_text("state", "blah " * 100 + "pay in New Jersey") == ["New Jersey"]
