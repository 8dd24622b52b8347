"""Job outlook: growth for each period, openings, what drives demand, AI, the 2025 market."""

from __future__ import annotations

from actions.specs import AnswerSpec
from actions.topic_action import TopicAnswerAction


class ActionAnswerOutlook(TopicAnswerAction):
    """Answers questions on growth, openings, automation, job security and the current market."""

    action_name = "action_answer_outlook"
    specs = {
        "ask_outlook": AnswerSpec(
            topic="outlook",
            aspects=("growth", "openings"),
            scopes=("state",),
            limit=2,
            newest_first=True,
            one_per_aspect=True,
            what="a growth projection",
            compare_scopes=("state",),
            follow_up="utter_more_on_outlook",
            keywords=(
                (r"\bopening|\bvacanc|\bjobs? (a|per|each) year", ("openings",)),
                (r"\b(why|driv|reason|cause)", ("growth_drivers",)),
                (r"\b(which|what|fastest|best)\b.*\bstates?\b", ("state_growth",)),
                (r"\b(supply|shortage|competition|saturat)", ("supply_demand",)),
                (r"\b(best|good) (chances|prospects|odds)|\bprospects\b", ("best_prospects",)),
            ),
        ),
        "ask_automation": AnswerSpec(topic="outlook", aspects=("automation",), limit=3),
        "ask_job_security": AnswerSpec(topic="outlook", aspects=("recession", "supply_demand"), limit=2),
        "ask_market": AnswerSpec(
            topic="market",
            aspects=("challenges", "opportunities", "trends"),
            limit=3,
            keywords=(
                (r"\b(challeng|hard|difficult|tough|competit)", ("challenges",)),
                (r"\b(opportunit|in demand|niche|where.*openings)", ("opportunities",)),
                (r"\b(trend|hiring|ai\b|salar)", ("trends",)),
            ),
        ),
    }
