"""The actions that answer the topics' questions from the facts. Which intents each answers, and
how, is knowledge/topics.yml's (`answered_by` and the intents' settings); the answering itself
is actions/topic_action.py's and actions/answering.py's."""

from __future__ import annotations

from typing import Dict, Tuple

from actions.specs import INTENT_ACTIONS
from actions.topic_action import TopicAnswerAction


class ActionAnswerCareer(TopicAnswerAction):
    """Getting in and moving up: the path, first steps, job search, related roles, employers,
    abroad, organizations and diversity."""

    action_name = "action_answer_career"


class ActionAnswerEducation(TopicAnswerAction):
    """Schooling: which program, how long, what it costs, what it teaches."""

    action_name = "action_answer_education"


class ActionAnswerCertification(TopicAnswerAction):
    """Credentials: which to get, what employers make of them, how to keep them."""

    action_name = "action_answer_certification"


class ActionAnswerOutlook(TopicAnswerAction):
    """Growth, openings, automation, job security and the current market."""

    action_name = "action_answer_outlook"


class ActionAnswerSalary(TopicAnswerAction):
    """Pay, led by the most recent national figure, and pay by state, country, level, industry."""

    action_name = "action_answer_salary"


class ActionAnswerWork(TopicAnswerAction):
    """The work itself: what it is, duties, skills, tools, where and how it is done, pros and cons."""

    action_name = "action_answer_work"


# One of each, and the one that answers each intent, in knowledge/topics.yml's order.
TOPIC_ACTIONS: Tuple[TopicAnswerAction, ...] = (
    ActionAnswerCareer(),
    ActionAnswerEducation(),
    ActionAnswerCertification(),
    ActionAnswerOutlook(),
    ActionAnswerSalary(),
    ActionAnswerWork(),
)
ANSWER_ACTIONS: Dict[str, TopicAnswerAction] = {
    intent: next(action for action in TOPIC_ACTIONS if type(action) is cls) for intent, cls in INTENT_ACTIONS.items()
}
