"""The job itself: what it is, duties, skills, tools, where and how the work is done, pros and cons."""

from __future__ import annotations

from actions.specs import AnswerSpec
from actions.topic_action import TopicAnswerAction


# "pros and cons", "good and bad sides", "advantages and disadvantages"
BOTH_SIDES = r"\bpros\b.*\bcons\b|\bcons\b.*\bpros\b|\bgood\b.*\bbad\b|\bbad\b.*\bgood\b|advantages.*disadvantages"


class ActionAnswerWork(TopicAnswerAction):
    """Answers questions about the work: what it is, its duties, skills, tools and setting."""

    action_name = "action_answer_work"
    specs = {
        "ask_overview": AnswerSpec(
            topic="overview",
            aspects=("what_is",),
            limit=2,
            keywords=(
                (r"\b(also called|other (names?|titles?)|known as|job titles?|same (job|thing) as)", ("other_titles",)),
                (r"\b(clerical|clinical|medical knowledge|myth|misconception)", ("misconceptions",)),
                (r"\b(patients?|contact|bedside)\b", ("patient_contact",)),
                (r"\b(suit|fit|right for me|good for me|introvert|personality|kind of person)", ("fit",)),
                (r"\b(faq|common questions|people ask)", ("faq",)),
            ),
        ),
        "ask_duties": AnswerSpec(
            topic="duties",
            aspects=("technician",),
            scopes=("role",),
            limit=2,
            what="duties",
            keywords=((r"\b(activities|on (a|my) resume|resume examples?)\b", ("work_activities",)),),
        ),
        "ask_role_difference": AnswerSpec(
            topic="duties",
            aspects=("role_difference",),
            limit=3,
            this_career_only=False,
            keywords=((r"\b(differ\w*|diff|vs\.?|versus|compared?( with| to)?)\b", ("role_difference",)),),
        ),
        "ask_skills": AnswerSpec(
            topic="skills",
            aspects=("technical", "soft"),
            limit=2,
            keywords=(
                (r"\b(soft|people|personal|communicat)", ("soft", "qualities")),
                (r"\b(qualit|personality|traits?)\b", ("qualities",)),
                (r"\blanguage", ("languages",)),
                (r"\b(top|most important|main)\b", ("top_skills",)),
            ),
        ),
        "ask_tools": AnswerSpec(topic="tools", aspects=("ehr", "software", "equipment"), limit=3),
        "ask_work_environment": AnswerSpec(
            topic="work_environment",
            aspects=("setting", "schedule"),
            limit=3,
            keywords=(
                (r"\b(hours|schedule|shift|weekend|night|overtime|full.?time|part.?time)", ("schedule",)),
                (r"\b(sit|physical|desk|screen|stress)", ("physical",)),
                (r"\b(team|colleague|nurse|doctor|work with)", ("collaboration",)),
            ),
        ),
        "ask_remote_work": AnswerSpec(
            topic="remote_work",
            aspects=("remote_us",),
            scopes=("country",),
            limit=3,
            what="remote-work details",
            keywords=((r"\b(abroad|another country|international|nomad|overseas|travel)", ("remote_international",)),),
        ),
        "ask_pros": AnswerSpec(topic="pros", aspects=("pro",), limit=1, together=((BOTH_SIDES, "ask_cons"),)),
        "ask_cons": AnswerSpec(topic="cons", aspects=("con",), limit=1, together=((BOTH_SIDES, "ask_pros"),)),
    }
