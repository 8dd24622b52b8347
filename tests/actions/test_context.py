"""Context across turns, the guides' disagreeing figures, and clarification when unsure."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.coach import ActionFollowUp
from actions.fallback import ActionClarified, ActionCoachFallback
from actions.reading import INTENT_LABELS
from actions.topic_answers import ANSWER_ACTIONS
from actions.topic_answers import ActionAnswerCertification
from actions.figures import ActionCompareFigures
from actions.topic_answers import ActionAnswerOutlook
from actions.topic_answers import ActionAnswerSalary

from .conftest import entity, render

NJ_PAY = {"topic": "salary", "last_intent": "ask_salary", "scope": "state", "state": "New Jersey"}


def answer_of(knowledge_store, fact_id: str) -> str:
    return knowledge_store.facts_by_id([fact_id])[0].answer


def test_a_follow_up_asks_the_last_question_about_the_new_place(ask, knowledge_store):
    said = ask(ActionFollowUp(), "and in Hawaii?", "follow_up", [entity("state", "Hawaii")], slots=NJ_PAY)
    assert answer_of(knowledge_store, "salary-state-hawaii-2014-g003") in said.reply
    assert said.slot("state") == "Hawaii" and said.slot("scope") == "state"


def test_a_follow_up_finds_a_misspelt_place_in_the_text(ask, knowledge_store):
    said = ask(ActionFollowUp(), "what about DC", "follow_up", slots=NJ_PAY)
    assert answer_of(knowledge_store, "salary-state-district-of-columbia-2014-g003") in said.reply


def test_a_follow_up_can_change_the_kind_of_scope(ask, knowledge_store):
    slots = {"topic": "salary", "last_intent": "ask_salary", "scope": "experience_level", "experience_level": "senior"}
    said = ask(
        ActionFollowUp(), "and a supervisor?", "follow_up", [entity("experience_level", "supervisor")], slots=slots
    )
    assert answer_of(knowledge_store, "salary-experience-supervisor-g000") in said.reply
    assert said.slot("experience_level") == "supervisor"


def test_nationally_resets_the_scope(ask, knowledge_store):
    said = ask(ActionFollowUp(), "and nationally?", "follow_up", slots=NJ_PAY)
    assert answer_of(knowledge_store, "salary-median-national-2023") in said.reply
    assert "New Jersey" not in said.reply
    assert said.slot("scope", "unset") is None


def test_nationally_is_the_last_question_however_strongly_the_word_draws_elsewhere(ask, knowledge_store):
    # "national" ranks the National Healthcareer Association and the guides' national data first.
    said = ask(
        ActionFollowUp(),
        "and nationally?",
        "follow_up",
        slots=NJ_PAY,
        facts=[("organizations-nha-g000", 0.8), ("organizations-data-sources-g000", 0.77)],
    )
    assert answer_of(knowledge_store, "salary-median-national-2023") in said.reply


def test_another_place_named_after_a_pay_answer_is_asked_about_pay(ask):
    canada = {"topic": "salary", "last_intent": "ask_salary", "scope": "country", "country": "Canada"}
    said = ask(
        ActionFollowUp(),
        "and mexico?",
        "follow_up",
        [entity("country", "Mexico")],
        slots=canada,
        facts=[("abroad-global-demand-g000", 0.75)],
    )
    assert said.responses[0] == "utter_no_facts_for" and "pay figure for Mexico" in said.reply
    assert said.slot("topic") == "salary"


def test_a_follow_up_without_an_earlier_question_says_so(ask):
    said = ask(ActionFollowUp(), "and in Texas?", "follow_up", [entity("state", "Texas")])
    assert said.responses[0] == "utter_follow_up_without_question"


def test_a_follow_up_naming_nothing_asks_what_to_compare(ask):
    said = ask(ActionFollowUp(), "and?", "follow_up", slots=NJ_PAY)
    assert said.responses == ["utter_follow_up_unclear"]
    assert "Pay and salary" in said.reply


def test_the_topic_s_scope_carries_to_the_next_question_on_it(ask, knowledge_store):
    slots = {
        "topic": "certification",
        "last_intent": "ask_certification",
        "scope": "certification",
        "certification": "RHIT",
    }
    said = ask(ActionAnswerCertification(), "how do I keep it?", "ask_cert_renewal", slots=slots)
    assert "utter_still_about" in said.responses
    assert answer_of(knowledge_store, "certification-renewal-rhit-g001") in said.reply


def test_a_new_topic_starts_without_the_old_scope(ask):
    said = ask(ActionAnswerOutlook(), "what's the job outlook", "ask_outlook", slots=NJ_PAY)
    assert "New Jersey" not in said.reply
    assert said.slot("scope", "unset") is None and said.slot("topic") == "outlook"


def test_a_carried_scope_without_facts_gives_the_general_answer_quietly(ask):
    slots = {"topic": "salary", "last_intent": "ask_salary", "scope": "state", "state": "New Jersey"}
    said = ask(ActionAnswerSalary(), "what benefits do they get", "ask_benefits", slots=slots)
    assert "utter_no_facts_for" not in said.responses
    assert "Source:" in said.reply


def test_openings_after_the_outlook_narrows_to_openings(ask, knowledge_store):
    slots = {"topic": "outlook", "last_intent": "ask_outlook"}
    said = ask(ActionFollowUp(), "and how many openings?", "follow_up", slots=slots)
    assert answer_of(knowledge_store, "outlook-openings-annual-g000") in said.reply


# --- the guides' figures side by side ---------------------------------------------------------
def test_a_quoted_figure_is_traced_to_its_guide_and_explained(ask):
    said = ask(ActionCompareFigures(), "why do other sites say $37k?", "compare_sources")
    assert said.responses[0] == "utter_figure_matches"
    assert "$37,110" in said.texts[1]
    assert "medians" in said.reply and "don't date" in said.reply  # why they differ, in one sentence
    assert "most recent nationwide figure: $47,190" in said.reply  # the one to go by
    assert len(said.reply.split()) <= 120


def test_all_salary_figures_are_listed_with_sources_newest_first(ask):
    said = ask(ActionCompareFigures(), "show me all the salary figures", "compare_sources")
    listing = said.texts[1]
    assert listing.index("$47,190") < listing.index("$38,860")  # 2023 before 2014
    assert listing.count("•") >= 8 and "Career Profile and Forecast" in listing
    assert len(said.reply.split()) < 300  # each figure one short line, not its whole answer


def test_a_year_lists_that_year_s_figures(ask):
    said = ask(ActionCompareFigures(), "what was it in 2014?", "compare_sources", slots={"topic": "salary"})
    assert said.responses[0] == "utter_figures_for_year"
    assert "$38,860" in said.reply and "$59,740" in said.reply


def test_a_year_without_figures_says_which_years_exist(ask):
    said = ask(ActionCompareFigures(), "what was the pay in 2019?", "compare_sources")
    assert said.responses == ["utter_no_figures_for_year"]
    assert "don't give a pay figure for 2019" in said.reply  # said as every "not in the guides" is
    assert "2014" in said.reply and "2023" in said.reply


def test_growth_figures_are_compared_too(ask):
    said = ask(ActionCompareFigures(), "why do the growth rates differ", "compare_sources")
    assert "7%" in said.reply and "13%" in said.reply and said.slot("topic") == "outlook"


def test_a_quoted_figure_written_without_a_dollar_sign_is_found_first(ask):
    said = ask(ActionCompareFigures(), "my friend says the average pay is 46,590, is that legit", "compare_sources")
    assert said.responses[0] == "utter_figure_matches"
    assert said.texts[1].startswith("• $46,590")


def test_an_unknown_figure_is_not_explained_away(ask):
    said = ask(ActionCompareFigures(), "someone said it pays $99k", "compare_sources")
    assert said.responses[0] == "utter_figure_not_found"
    assert "$99,000" in said.reply


# --- clarification ------------------------------------------------------------------------------
def unsure_tracker(text, ranking, events=None):
    from .conftest import make_tracker

    tracker = make_tracker(text, "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.45}] + [
        {"name": name, "confidence": confidence} for name, confidence in ranking
    ]
    return tracker


def test_two_close_intents_are_offered_as_buttons_with_something_else(action_store):
    dispatcher = CollectingDispatcher()
    tracker = unsure_tracker("pay and perks", [("ask_salary", 0.38), ("ask_benefits", 0.33), ("greet", 0.1)])
    ActionCoachFallback().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_clarify"
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles == [INTENT_LABELS["ask_salary"], INTENT_LABELS["ask_benefits"], INTENT_LABELS["something_else"]]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == '/clarify{"chosen":"ask_salary"}'


def test_the_conversation_s_topic_settles_a_close_call(action_store, knowledge_store):
    dispatcher = CollectingDispatcher()
    tracker = unsure_tracker("how do I keep it?", [("ask_cert_renewal", 0.34), ("ask_education_duration", 0.3)])
    tracker.slots.update(topic="certification", scope="certification", certification="RHIT")
    ActionCoachFallback().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_best_guess"
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert answer_of(knowledge_store, "certification-renewal-rhit-g001") in reply


def test_the_conversation_s_topic_supports_an_unsure_guess(action_store, knowledge_store):
    dispatcher = CollectingDispatcher()
    tracker = unsure_tracker("how do I keep it?", [("ask_cert_renewal", 0.38), ("ask_education_duration", 0.21)])
    tracker.slots.update(topic="certification", scope="certification", certification="RHIT")
    ActionCoachFallback().run(dispatcher, tracker, {})
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert answer_of(knowledge_store, "certification-renewal-rhit-g001") in reply
    without_context = CollectingDispatcher()
    ActionCoachFallback().run(
        without_context,
        unsure_tracker("how do I keep it?", [("ask_cert_renewal", 0.38), ("ask_education_duration", 0.21)]),
        {},
    )
    assert without_context.messages[0]["response"] == "utter_did_not_understand"


def test_a_clear_winner_is_not_questioned(action_store):
    dispatcher = CollectingDispatcher()
    tracker = unsure_tracker("what's the salary", [("ask_salary", 0.44), ("ask_benefits", 0.1)])
    ActionCoachFallback().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] != "utter_clarify"


def clarified(chosen: str, earlier_text: str, earlier_entities=None) -> CollectingDispatcher:
    earlier = {"text": earlier_text, "intent": {"name": "nlu_fallback"}, "entities": earlier_entities or []}
    latest = {
        "text": f'/clarify{{"chosen":"{chosen}"}}',
        "intent": {"name": "clarify", "confidence": 1.0},
        "entities": [{"entity": "chosen", "value": chosen}],
    }
    tracker = Tracker(
        "u",
        {},
        latest,
        [
            {"event": "user", "text": earlier_text, "parse_data": earlier},
            {"event": "user", "text": latest["text"], "parse_data": latest},
        ],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    ActionClarified().run(dispatcher, tracker, {})
    return dispatcher


def test_the_picked_intent_answers_the_earlier_message_with_what_it_named(action_store):
    dispatcher = clarified("ask_salary", "pay in new jersey and perks?")
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert "$59,740" in reply  # New Jersey, found in the earlier message's text


def test_something_else_asks_to_rephrase(action_store):
    dispatcher = clarified("something_else", "blah about pay")
    assert [m.get("response") for m in dispatcher.messages] == ["utter_rephrase", "utter_topics_hint"]


def test_every_answerable_intent_has_a_plain_label():
    assert set(ANSWER_ACTIONS) <= set(INTENT_LABELS)


def test_a_message_pointing_back_at_the_last_answer_is_asked_about_it(ask):
    # The classifier is unsure of "who gives that one out?": the credential just talked about answers.
    rhia = {
        "topic": "certification",
        "last_intent": "ask_certification",
        "scope": "certification",
        "certification": "RHIA",
    }
    said = ask(
        ActionCoachFallback(),
        "who gives that one out?",
        "nlu_fallback",
        slots=rhia,
        facts=[("skills-soft-g000", 0.61), ("duties-coder-g004", 0.56)],
    )
    assert "RHIA" in said.reply and "AHIMA" in said.reply
    # ... and without a last answer to point at, it is not guessed
    said = ask(
        ActionCoachFallback(),
        "who gives that one out?",
        "nlu_fallback",
        facts=[("skills-soft-g000", 0.61), ("duties-coder-g004", 0.56)],
    )
    assert "RHIA" not in said.reply


def test_after_the_figures_are_compared_the_newest_number_is_the_topic_s_latest(ask, knowledge_store):
    said = ask(ActionCompareFigures(), "my cousin says these techs make 38,860 a year", "compare_sources")
    assert said.slot("last_intent") == "ask_salary" and said.slot("topic") == "salary"
    slots = {"topic": "salary", "last_intent": said.slot("last_intent"), "scope": None}
    said = ask(
        ActionCoachFallback(),
        "so whats the newest number",
        "nlu_fallback",
        slots=slots,
        facts=[("organizations-data-sources-g002", 0.44), ("certification-chda-g001", 0.36)],
    )
    assert said.reply.startswith(answer_of(knowledge_store, "salary-median-national-2023")[:40])


def test_a_flow_the_classifier_finds_likeliest_starts_unless_the_words_stay_on_the_topic(ask):
    unsure = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "start_skills_check", "confidence": 0.3},
        {"name": "ask_pros", "confidence": 0.23},
    ]
    # First message: a strongly matching fact of another topic does not override the request.
    said = ask(
        ActionCoachFallback(),
        "do i even have the right skills? quiz me",
        "nlu_fallback",
        intent_ranking=unsure,
        facts=[("outlook-growth-2022-2032-g000", 0.9)],
    )
    assert said.followup == "skills_form"
    # On working in Canada, "who checks my education for it" is about Canada.
    abroad = {"topic": "abroad", "last_intent": "ask_abroad", "scope": "country", "country": "Canada"}
    said = ask(
        ActionCoachFallback(),
        "who checks my education for it",
        "nlu_fallback",
        slots=abroad,
        intent_ranking=unsure,
        facts=[("abroad-credential-canada-g000", 0.8)],
    )
    assert said.followup is None and "WES" in said.reply


def test_a_fact_of_the_conversation_s_topic_answers_what_the_classifier_missed(ask, knowledge_store):
    tools = {"topic": "tools", "last_intent": "ask_tools"}
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "help", "confidence": 0.4}]
    said = ask(
        ActionCoachFallback(),
        "what's HIS for?",
        "nlu_fallback",
        slots=tools,
        intent_ranking=ranking,
        facts=[("tools-his-g000", 0.65), ("overview-faq-good-fit-g000", 0.38)],
    )
    assert answer_of(knowledge_store, "tools-his-g000") in said.reply
    # on another topic, a fact that only matches that well is no answer
    said = ask(
        ActionCoachFallback(),
        "what's HIS for?",
        "nlu_fallback",
        slots={"topic": "salary"},
        intent_ranking=ranking,
        facts=[("tools-his-g000", 0.65), ("overview-faq-good-fit-g000", 0.38)],
    )
    assert answer_of(knowledge_store, "tools-his-g000") not in said.reply


def test_an_elliptical_follow_up_is_answered_by_the_topic_s_fact_its_words_point_at(ask, knowledge_store):
    tools = {"topic": "tools", "last_intent": "ask_tools"}
    said = ask(
        ActionFollowUp(),
        "and for the paper stuff?",
        "follow_up",
        slots=tools,
        facts=[("tools-document-management-g000", 0.62), ("duties-technician-g000", 0.6)],
    )
    assert answer_of(knowledge_store, "tools-document-management-g000")[:60] in said.reply


def test_the_readiness_assessment_and_the_checks_start_when_picked_but_never_unasked_from_the_fallback(ask):
    unsure = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "check_readiness", "confidence": 0.3},
        {"name": "ask_experience", "confidence": 0.2},
    ]
    # An unsure classifier leaning to the assessment does not start it: the fact answers.
    said = ask(
        ActionCoachFallback(),
        "how do i get xp w no job yet",
        "nlu_fallback",
        intent_ranking=unsure,
        facts=[("job-search-experience-placements-g000", 0.8)],
    )
    assert said.followup is None and "Internships" in said.reply
    picked = ask(
        ActionClarified(),
        '/clarify{"chosen":"check_readiness"}',
        "clarify",
        entities=[entity("chosen", "check_readiness")],
    )
    assert picked.followup == "action_readiness"
    picked = ask(
        ActionClarified(), '/clarify{"chosen":"check_resume"}', "clarify", entities=[entity("chosen", "check_resume")]
    )
    assert picked.followup == "action_ask_resume"
