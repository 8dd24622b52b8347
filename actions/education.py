"""Education and certification: degrees, durations, costs, courses, accreditation, credentials."""

from __future__ import annotations

from actions.specs import AnswerSpec
from actions.topic_action import TopicAnswerAction

DEGREE = ("degree_type",)
# "keeping the RHIT means 40 hours a year?", "how do I renew my cert": what keeping a credential takes.
KEEPING = (
    r"\b(keep\w*|maintain\w*|renew\w*|hold on to)\b.{0,30}\b(rhit|rhia|cert\w*|credentials?)\b"
    r"|\b(rhit|rhia|cert\w*|credentials?)\b.{0,30}\b(keep|maintain|renew)\w*|\bcontinuing education\b"
)


class ActionAnswerEducation(TopicAnswerAction):
    """Answers questions on schooling: which program, how long, what it costs, what it teaches."""

    action_name = "action_answer_education"
    specs = {
        "ask_education": AnswerSpec(
            topic="education",
            aspects=("typical_education", "paths"),
            scopes=DEGREE,
            what="details",
            follow_up="utter_more_on_education",
            keywords=(
                (r"\b(continuing|lifelong|keep learning|after (i'?m|you'?re) hired)", ("continuing_education",)),
            ),
        ),
        "ask_education_duration": AnswerSpec(
            topic="education", aspects=("duration",), scopes=DEGREE, what="a duration", limit=3
        ),
        "ask_education_cost": AnswerSpec(
            topic="education", aspects=("cost", "self_study"), scopes=DEGREE, what="a cost"
        ),
        "ask_coursework": AnswerSpec(topic="education", aspects=("coursework",), scopes=DEGREE, what="a course list"),
        "ask_accreditation": AnswerSpec(topic="education", aspects=("accreditation",)),
        "ask_online_study": AnswerSpec(topic="education", aspects=("online", "self_study")),
        "ask_programs": AnswerSpec(topic="education", aspects=("programs",), limit=3),
        "ask_high_school": AnswerSpec(topic="education", aspects=("high_school",)),
    }


class ActionAnswerCertification(TopicAnswerAction):
    """Answers questions on the credentials: who grants each, who can sit it, how to keep it."""

    action_name = "action_answer_certification"
    specs = {
        "ask_certification": AnswerSpec(
            topic="certification",
            aspects=("general", "value"),
            scopes=("certification",),
            scoped_aspects=("credential",),
            limit=2,
            keywords=(
                (r"\blicen[sc]", ("licensure",)),
                (KEEPING, ("renewal",)),
                # "do i gotta be certified to get hired?": what employers make of certification
                (
                    r"\b(required|require|need|needed|have to|gotta|must)\b"
                    r".{0,30}\b(hired|get a job|land a job|work)\b",
                    ("value",),
                ),
            ),
            what="details",
            follow_up="utter_more_on_certification",
        ),
        "ask_cert_renewal": AnswerSpec(
            topic="certification",
            aspects=("renewal",),
            scopes=("certification",),
            what="renewal rules",
            keywords=((KEEPING, ("renewal",)),),
        ),
    }
