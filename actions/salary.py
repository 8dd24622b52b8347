"""Pay: the national figures, and pay by state, country, level, industry or employer."""

from __future__ import annotations

from actions.specs import AnswerSpec
from actions.topic_action import TopicAnswerAction

SALARY_SCOPES = ("experience_level", "state", "country", "industry", "role")


class ActionAnswerSalary(TopicAnswerAction):
    """Answers pay questions, leading with the most recent national figure."""

    action_name = "action_answer_salary"
    specs = {
        "ask_salary": AnswerSpec(
            topic="salary",
            aspects=("median", "range"),
            scopes=SALARY_SCOPES,
            limit=2,
            newest_first=True,
            one_per_aspect=True,
            what="a pay figure",
            compare_scopes=("state",),
            follow_up="utter_more_on_salary",
            keywords=(
                # Questions about what moves pay or what comes with it, asked in pay words.
                (r"\b(boost|raise|increase|higher pay|earn more|make more|get paid more|affects?)\b", ("pay_factors",)),
                (r"\b(benefits|401k|401\(k\)|pto|insurance|perks)\b", ("benefits",)),
                (r"\b(avg|average|mean)\b", ("average",)),
                (r"\b(top|bottom|highest|lowest|percent|percentile|10%)", ("percentile",)),
                (r"\b(start|starting|entry|beginner|new grad)", ("entry_level",)),
                (r"\b(employers?|company|companies|real salar\w*|job records|actual job)\b", ("employer_record",)),
                (r"\b(which|what|best|highest)\b.*\bstates?\b|\bstates?\b.*\b(pay|best)", ("state",)),
                (r"\bindustr", ("industry",)),
            ),
        ),
        "ask_benefits": AnswerSpec(
            topic="salary",
            aspects=("benefits", "pay_factors"),
            limit=3,
            follow_up="utter_more_on_benefits",
            keywords=(
                (r"\b(insurance|401|pto|paid time|retirement|tuition|perks|package)", ("benefits",)),
                (r"\b(more|raise|increase|higher|boost|affect|depend|factor)", ("pay_factors",)),
            ),
        ),
    }
