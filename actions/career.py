"""Getting in and moving up: the path, first steps, job search, related roles, employers, abroad."""

from __future__ import annotations

from actions.specs import AnswerSpec
from actions.topic_action import TopicAnswerAction


class ActionAnswerCareer(TopicAnswerAction):
    """Answers questions on getting started, the career ladder, job search and where to work."""

    action_name = "action_answer_career"
    specs = {
        "ask_career_path": AnswerSpec(
            topic="career_path",
            aspects=("advancement",),
            scopes=("experience_level",),
            limit=2,
            what="details",
            keywords=(
                (r"\b(examples?|real paths?|people go|end up|lead to)\b", ("example_paths",)),
                (r"\b(lateral|sideways|pivot|switch|move into|change (to|into))\b", ("lateral",)),
                (r"\b(milestones?|rhia|rhit|credentials?)\b", ("milestones",)),
            ),
            follow_up="utter_more_on_career_path",
        ),
        "ask_how_to_become": AnswerSpec(
            topic="getting_started",
            aspects=("steps",),
            limit=1,
            follow_up="utter_more_on_getting_started",
            keywords=(
                (r"\b(how long|how fast|quick|timeline|years?|yrs?|months?)\b", ("timeline",)),
                (r"\b(myths?|misconceptions?|clerical|assume)", ("misconceptions",)),
            ),
        ),
        "ask_experience": AnswerSpec(topic="job_search", aspects=("experience",), limit=2),
        "ask_resume": AnswerSpec(
            topic="job_search",
            aspects=("resume",),
            limit=2,
            keywords=(
                (r"\b(apply|applying|applications?|job search|find (a )?job|job boards?|network)", ("applications",)),
            ),
        ),
        "ask_interview": AnswerSpec(topic="job_search", aspects=("interview",), limit=2),
        "ask_related_careers": AnswerSpec(
            topic="related_careers",
            aspects=("related", "specialisation"),
            scopes=("role",),
            limit=3,
            keywords=((r"\bspeciali", ("specialisation",)),),
            this_career_only=False,
        ),
        "ask_employers": AnswerSpec(
            topic="employers",
            aspects=("industries", "settings"),
            limit=3,
            # "do some kinds of employers pay better?": which settings pay more, not where the jobs are
            keywords=(
                (
                    r"\bpa(y|ys|id)\b.{0,20}\b(more|better|most|less)\b|\b(better|best|higher)[- ]pa(ying|id)\b",
                    ("pay",),
                ),
            ),
        ),
        "ask_abroad": AnswerSpec(
            topic="abroad",
            aspects=("overview", "visa"),
            scopes=("country",),
            limit=3,
            what="details",
            keywords=(
                (
                    r"\b(recogni|wes|anmac|transfer|evaluat|assess)"
                    r"|\b(check|look)\w*( at| over)? my (school|education|degree|"
                    r"qualif|credential|diploma|papers)",
                    ("credential_recognition",),
                ),
                (r"\b(ielts|toefl|language|english test)", ("language_tests",)),
                (r"\b(visa|immigra|permanent|sponsor)", ("visa",)),
                (r"\b(nomad|remote)", ("remote",)),
            ),
        ),
        "ask_organizations": AnswerSpec(topic="organizations", aspects=("professional_body",), limit=3),
        "ask_reading_list": AnswerSpec(topic="organizations", aspects=("reading_list", "resources"), limit=2),
        "ask_diversity": AnswerSpec(
            topic="diversity",
            aspects=("hiring", "resources"),
            limit=2,
            keywords=(
                (
                    r"\b(culture|workplace|flag|(actually|truly|really|genuinely) inclusive"
                    r"|inclusive (employer|place))",
                    ("culture",),
                ),
                # "are there scholarships for this?": the guides keep them with the resources
                (r"\b(scholarships?|financial aid|grants?)\b", ("resources",)),
            ),
        ),
    }
