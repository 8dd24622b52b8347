"""Which facts answer: the ranking weighed with the intent, the scope and the conversation, and
the short reply they make."""
from __future__ import annotations

import pytest

from actions.answering import compose
from actions.choosing import (Scored, facts_quoting, is_generic, missing_figure, pick, quoted_figures, reconcile, weigh,
                              year_not_covered)
from actions.career import ActionAnswerCareer
from actions.coach import ActionDeny, ActionTellMore
from actions.education import ActionAnswerEducation
from actions.work import ActionAnswerWork
from actions.replies import WORD_BUDGET, reply_text, source_line
from actions.salary import ActionAnswerSalary

from rasa_sdk.executor import CollectingDispatcher

from .conftest import Conversation, entity, parsed, render

pytestmark = pytest.mark.usefixtures("action_store")


def ranked(*pairs):
    """A parsed message carrying a ranking, as the NLU's FactRanker sends it."""
    return [{"id": i, "score": s} for i, s in pairs]


def store_answer(fact_id):
    from actions.store import store

    return store().facts_by_id([fact_id])[0].answer[:40]


def facts(store, *ids):
    return store.facts_by_id(list(ids))


def test_the_ranking_finds_a_fact_the_intent_alone_would_not(action_store):
    # The classifier says "cost"; the ranking says the financial-aid fact answers.
    message = {"text": "is there money to help me pay for school", "intent_ranking": [
        {"name": "ask_education_cost", "confidence": 0.5}],
        "facts": ranked(("diversity-resources-colleges-g000", 1.3), ("education-cost-associate-g000", 0.6))}
    spec = ActionAnswerEducation.specs["ask_education_cost"]
    answer = compose(spec, message["text"], None, message=message)
    assert "financial aid" in answer.messages[0]["text"]
    assert answer.topic == "diversity"  # the conversation moves to the fact's topic


def test_a_fact_the_ranking_puts_far_above_the_intent_s_topic_wins_over_a_confident_intent(action_store):
    # The classifier is sure of "cost"; the ranking puts financial aid well above any cost fact.
    message = {"text": "any grants for students in this field", "intent_ranking": [
        {"name": "ask_education_cost", "confidence": 0.96}],
        "facts": ranked(("diversity-resources-colleges-g000", 0.83), ("education-cost-associate-g000", 0.5))}
    spec = ActionAnswerEducation.specs["ask_education_cost"]
    assert "financial aid" in compose(spec, message["text"], None, message=message).messages[0]["text"]
    # ... but a fact only a little above the topic's best leaves the intent's answer in place
    message["facts"] = ranked(("diversity-resources-colleges-g000", 0.6), ("education-cost-associate-g000", 0.5))
    assert "$10,000" in compose(spec, message["text"], None, message=message).messages[0]["text"]


def test_a_near_match_clear_of_every_other_fact_wins_over_an_unsure_intent(action_store):
    # "pros" by the classifier; the ranking finds the patient-contact fact, far ahead of the rest
    message = {"text": "I love computers but I faint at the sight of blood. Is this for me?",
               "intent_ranking": [{"name": "ask_pros", "confidence": 0.5}],
               "facts": ranked(("overview-faq-patient-contact-g004", 0.95), ("pros-meaningful-work-g000", 0.73),
                               ("cons-eye-strain-g000", 0.47))}
    spec = ActionAnswerWork.specs["ask_pros"]
    assert "direct patient care" in compose(spec, message["text"], None, message=message).messages[0]["text"]
    # ... not when other facts score nearly as high: the ranking is not sure either
    message["facts"] = ranked(("overview-faq-patient-contact-g004", 0.95), ("cons-eye-strain-g000", 0.9),
                              ("pros-meaningful-work-g000", 0.73))
    assert "direct patient care" not in compose(spec, message["text"], None, message=message).messages[0]["text"]


def test_without_a_ranking_the_intent_s_curated_answer_is_given(action_store):
    spec = ActionAnswerSalary.specs["ask_salary"]
    text = compose(spec, "what's the median salary", None, message={}).messages[0]["text"]
    assert "$47,190" in text and text.count("Source") == 1


def test_the_asked_aspect_outweighs_a_slightly_better_ranked_fact(action_store):
    scored = weigh([("salary-median-national-2023", 0.9), ("salary-benefits-g000", 0.8)], [],
                   spec_topic="salary", asked=("benefits",), narrowed=True, default_aspects=("median",), topics={})
    assert scored[0].fact.id == "salary-benefits-g000"


def test_a_newer_figure_leads_an_older_one_of_the_same_kind(action_store):
    scored = weigh([("salary-median-national-2014-g003", 0.9), ("salary-median-national-2023", 0.88)], [],
                   spec_topic="salary", asked=(), narrowed=False, default_aspects=(), topics={}, newest_first=True)
    assert scored[0].fact.id == "salary-median-national-2023"
    # and a dated latest figure answers alone: the older one is for "tell me more"
    assert [f.id for f in pick(scored, 2, newest_first=True)] == ["salary-median-national-2023"]


def test_a_named_level_is_not_outweighed_by_a_newer_figure_for_everyone(action_store):
    # "how much for a tech just starting out": the junior level's undated figure, not the
    # nationwide median of 2023, although the ranking puts the median a little higher
    ranking = [("salary-median-national-2023", 0.9), ("salary-experience-junior-g000", 0.86)]
    scored = weigh(ranking, [], spec_topic="salary", asked=(), narrowed=False, default_aspects=(), topics={},
                   newest_first=True, scope=("experience_level", "junior"))
    assert scored[0].fact.id == "salary-experience-junior-g000"
    unscoped = weigh(ranking, [], spec_topic="salary", asked=(), narrowed=False, default_aspects=(), topics={},
                     newest_first=True)
    assert unscoped[0].fact.id == "salary-median-national-2023"  # with no level named, the latest leads


def test_two_figures_for_the_same_thing_are_reconciled_in_one_sentence(action_store):
    old, new = facts(action_store, "salary-median-national-2014-g003", "salary-median-national-2023")
    note = reconcile([new, old])
    assert "different years (2014 and 2023)" in note and "more recent" in note
    averages = facts(action_store, "salary-average-national-g001", "salary-average-national-g002")
    assert "more recent" not in reconcile(averages)  # neither is dated: no "go by the newer"


def test_each_part_of_a_two_part_question_gets_its_fact(action_store):
    whole = weigh([("education-duration-certificate-9-12-months-g000", 1.0)], [], spec_topic=None, asked=(),
                  narrowed=False, default_aspects=(), topics={})
    parts = [weigh([(i, 1.0)], [], spec_topic=None, asked=(), narrowed=False, default_aspects=(), topics={})
             for i in ("education-duration-certificate-9-12-months-g000", "education-cost-certificate-g000")]
    assert [f.id for f in pick(whole, 2, parts)] == [
        "education-duration-certificate-9-12-months-g000", "education-cost-certificate-g000"]


@pytest.mark.parametrize("text, expected", [
    ("i read they only make $37k, is that right?", [(37000.0, "money")]),
    ("someone said 22% growth, still true?", [(22.0, "percent")]),
    ("3k is my max, is there any financial aid?", []),  # the person's own budget, not a claim
    ("how much do they make", []),
    ("A website said new techs start around 30k. Is that right?", [(30000.0, "money")]),
    ("my friend says the average pay is 46,590, is that legit", [(46590.0, "money")]),
    ("I saw 13 percent job growth quoted, where does that come from?", [(13.0, "percent")]),
    ("do they really get benefits like a 401k?", []),  # a retirement plan, not a sum
    ("I heard there'll be 28,000 new jobs. Over what time period is that?", [(28000.0, "other")]),  # jobs, not $
])
def test_quoted_figures_are_claims_to_check(text, expected):
    assert quoted_figures(parsed(text)) == expected


def test_a_quoted_number_of_jobs_is_traced_to_the_projection_not_to_a_salary(action_store):
    found = facts_quoting(quoted_figures(parsed("I heard there'll be 28,000 new jobs, over what period?")))
    assert [f.id for f in found] == ["outlook-new-jobs-2016-2026-g001"]


def test_a_quoted_figure_is_traced_to_the_guide_that_gives_it(action_store):
    assert facts_quoting([(37110.0, "money")])[0].id == "salary-average-national-g001"
    assert facts_quoting([(22.0, "percent")])[0].id == "outlook-growth-2012-2022-g003"
    assert facts_quoting([(120000.0, "money")]) == []


def test_a_quoted_figure_is_traced_only_to_a_fact_about_what_the_message_is_about(action_store):
    ranked_for = lambda *ids: [{"id": i, "score": 0.8} for i in ids]  # noqa: E731
    # "DC pays around 90k": the manager's $90k is not DC's pay
    dc = {"text": "I saw a post saying DC pays around 90k. Legit?",
          "facts": ranked_for("salary-experience-manager-g000", "salary-state-district-of-columbia-2014-g003")}
    assert facts_quoting([(90000.0, "money")]) and facts_quoting([(90000.0, "money")], dc,
                                                                 [("state", "District of Columbia")]) == []
    # "an associate's runs about $50k": not an Australian salary of A$50,000
    cost = {"text": "A forum said an associate's runs about $50k. Is that what it costs?",
            "facts": ranked_for("education-cost-associate-g000", "salary-country-australia-g000")}
    assert facts_quoting([(50000.0, "money")], cost) == []
    # a figure the message's ranking does not reach is not traced at all
    assert facts_quoting([(37110.0, "money")], {"text": "x", "facts": ranked_for("education-cost-associate-g000")}) == []
    assert facts_quoting([(37110.0, "money")], {"text": "x", "facts": ranked_for("salary-average-national-g001")})


def test_a_figure_the_guides_lack_is_noticed(action_store):
    (eligibility,) = facts(action_store, "certification-eligibility-rhit-g000")
    assert missing_figure("how much does it cost to sit the RHIT exam?", [eligibility])
    (cost,) = facts(action_store, "education-cost-certificate-g000")
    assert not missing_figure("how much does a certificate cost?", [cost])
    assert not missing_figure("how long is it and what does it cost?", [eligibility, cost])  # one part has it
    (duration,) = facts(action_store, "education-duration-certificate-6-12-months-g000")
    assert not missing_figure("how long does a certificate take?", [duration])
    assert missing_figure("how long does the RHIT exam take?", [eligibility])  # no span of time in it
    # a span of time of something else: a program's length is not how long an evaluation or exam lasts
    assert missing_figure("how long does a WES evaluation usually take?", [duration])
    (renewal,) = facts(action_store, "certification-renewal-rhit-g001")
    assert missing_figure("how many hours long is the RHIT exam?", [renewal])
    assert not missing_figure("how long is the cert program for med records tech", [duration])
    assert not missing_figure("how long would the training take", [duration])  # a course, in other words
    (certificate_cost,) = facts(action_store, "education-cost-certificate-g000")
    assert missing_figure("ok and how much does that exam cost", [certificate_cost])  # a program's price
    (texas,) = facts(action_store, "outlook-state-growth-texas-2012-2022-g003")
    (openings,) = facts(action_store, "outlook-openings-annual-g000")
    assert missing_figure("how many openings does Texas have a year?", [texas])  # a percentage, not openings
    assert not missing_figure("how many openings come up each year?", [openings])
    (canada,) = facts(action_store, "abroad-credential-canada-g000")
    (uk_visa,) = facts(action_store, "abroad-visa-uk-g000")
    assert not missing_figure("who evaluates my schooling for Canada?", [canada])  # WES
    assert missing_figure("who evaluates my schooling for the UK?", [uk_visa])
    (milwaukee,) = facts(action_store, "education-program-milwaukee-g002")
    (online,) = facts(action_store, "education-online-g001")
    assert missing_figure("can I take the Milwaukee program part-time?", [milwaukee])  # it never says
    assert not missing_figure("can I study for this online?", [online])
    (cpc,) = facts(action_store, "certification-cpc-g000")
    assert missing_figure("what group awards the CPC?", [cpc])  # it names no awarding body
    assert not missing_figure("who administers the RHIT exam?", [eligibility])  # it names AHIMA
    (median,) = facts(action_store, "salary-median-national-2023")
    assert missing_figure("how much per hour does a records tech get paid?", [median])  # a yearly figure
    assert missing_figure("whats the hourly wage", [median])
    assert not missing_figure("how much do they make a year", [median])
    # asked in other words: what the exam charges, its pass rate
    assert missing_figure("what does AHIMA charge to take the RHIT exam?", [eligibility])
    assert missing_figure("whats the pass rate on the RHIT exam?", [eligibility])
    (growth,) = facts(action_store, "outlook-growth-2016-2026-g001")  # a percentage of growth, not of people
    assert missing_figure("What percent of medical records technicians are women?", [growth])
    assert not missing_figure("what percentage growth is expected from 2016 to 2026?", [growth])
    (faster,) = facts(action_store, "outlook-growth-g002")  # "no exact percentage is given"
    assert missing_figure("what percentage growth is expected?", [faster])


def test_a_figure_asked_for_a_named_thing_answered_in_general_says_so(action_store):
    from actions.choosing import names_not_answered

    (cost,) = facts(action_store, "education-cost-associate-g000")
    (sinclair,) = facts(action_store, "education-program-sinclair-g002")
    question = "What's the tuition at Sinclair College for their HIT associate's degree?"
    assert names_not_answered(question, [cost]) == ["Sinclair College"]  # "college" alone is said
    assert names_not_answered(question, [cost, sinclair]) == []
    assert names_not_answered("How much does an RHIT make?", [cost]) == []  # an acronym: spelled out
    assert names_not_answered("how much is it, my name is Maria", [cost]) == []  # a person
    assert names_not_answered("how much is a course in Texas", [cost], named=["Texas"]) == []  # the NLU's
    (median,) = facts(action_store, "salary-median-national-2023")
    assert year_not_covered(parsed("what will they earn in 2030?"), [median]) == "2030"
    assert year_not_covered(parsed("what did they earn in 2023?"), [median]) is None
    (projection,) = facts(action_store, "outlook-growth-2016-2026-g001")
    assert year_not_covered(parsed("what growth was projected for 2016 to 2026?"), [projection]) is None
    (supervisor,) = facts(action_store, "salary-experience-supervisor-g000")  # undated
    assert year_not_covered(parsed("what will a supervisor earn in 2030"), [supervisor]) == "2030"
    assert year_not_covered(parsed("what does a supervisor earn in 2024"), [supervisor]) is None


def test_a_question_naming_only_its_topic_is_generic():
    assert is_generic("how much do medical records technicians get paid?") and is_generic("whats the outlook")
    assert not is_generic("which industries pay the most")
    assert not is_generic("what's HIS for?")  # one word, but a name
    assert is_generic("what's the job outlook for medical records technicians", "outlook")  # the label's words
    assert not is_generic("whats the salary growth", "salary")
    assert is_generic("what software do medical records techs use?", "tools")  # "use", the label's "used"


def test_a_question_naming_only_its_topic_gets_the_curated_headline_first(action_store):
    from actions.work import ActionAnswerWork

    text = "what software do medical records techs use?"
    message = {"text": text, "intent_ranking": [{"name": "ask_tools", "confidence": 0.9}],
               "facts": ranked(("tools-document-management-g000", 1.07), ("tools-ehr-g000", 1.06))}
    reply = compose(ActionAnswerWork.specs["ask_tools"], text, None, message=message).messages[0]["text"]
    assert reply.startswith(store_answer("tools-ehr-g000")), reply


def test_one_source_line_names_each_guide_once_with_its_periods(action_store):
    new, old, undated = facts(action_store, "salary-median-national-2023", "salary-range-national-g000",
                              "salary-average-national-g001")
    assert source_line([new, old]) == "Source: Complete Medical Records Technician Career Guide, May 2023."
    line = source_line([new, undated])
    assert line.startswith("Sources: ") and "undated figure" in line


def test_a_long_list_is_cut_to_the_reply_budget(action_store):
    (steps,) = facts(action_store, "getting-started-7-steps-g000")
    assert len(reply_text([steps]).split()) <= WORD_BUDGET + 25  # the budget, the source line, a last bullet


def test_tell_me_more_gives_what_the_short_answer_held_back(action_store):
    slots = {"more_facts": ["salary-median-national-2014-g003", "salary-average-national-g002", "x"]}
    said = Conversation(ActionTellMore(), "tell me more", "tell_more", slots=slots)
    assert "$38,860" in said.reply and "$46,590" in said.reply
    assert said.slot("more_facts") == ["x"]
    said = Conversation(ActionTellMore(), "more", "tell_more", slots={})
    assert said.responses == ["utter_nothing_more"]


def test_a_correction_answers_what_was_meant_past_the_answer_given(action_store):
    slots = {"topic": "education", "last_intent": "ask_education", "last_facts": ["education-paths-g000"]}
    conversation = Conversation.__new__(Conversation)
    from rasa_sdk.executor import CollectingDispatcher

    from .conftest import make_tracker
    tracker = make_tracker("no, I meant the visa, not school", "deny", slots=slots)
    tracker.latest_message["facts"] = ranked(("education-paths-g000", 0.9), ("abroad-visa-timelines-g000", 0.8))
    conversation.dispatcher = CollectingDispatcher()
    conversation.events = ActionDeny().run(conversation.dispatcher, tracker, {})
    assert "few months" in conversation.reply
    plain_no = Conversation(ActionDeny(), "no thanks", "deny", slots=slots)
    assert plain_no.responses == ["utter_anything_else"]


def test_the_as_or_the_aas_answers_both(action_store):
    said = Conversation(ActionAnswerEducation(), "should i do the AS or the AAS", "ask_education",
                        [entity("degree_type", "AAS")])
    assert "Associate of Science (AS)" in said.reply and "Associate of Applied Science (AAS)" in said.reply


def test_a_comparison_asked_beside_another_question_answers_both(action_store):
    from .conftest import make_tracker

    text = "the AS or the AAS, which one, and how long is school"
    tracker = make_tracker(text, "ask_education", [entity("degree_type", "AS"), entity("degree_type", "AAS")])
    tracker.latest_message["fact_parts"] = [
        [{"id": "education-degree-as-g001", "score": 0.8}],
        [{"id": "education-duration-associate-g000", "score": 0.9}],
    ]
    dispatcher = CollectingDispatcher()
    ActionAnswerEducation().run(dispatcher, tracker, {})
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert "Associate of Science (AS)" in reply and "Associate of Applied Science (AAS)" in reply
    assert "two years" in reply  # the other question's answer, from its own part
    assert reply.count("Associate of Science (AS)") == 1  # the compared facts are not repeated


def test_an_offer_is_made_once_a_conversation(action_store):
    first = Conversation(ActionAnswerSalary(), "what is the median salary", "ask_salary")
    assert "utter_more_on_salary" in first.responses
    again = Conversation(ActionAnswerSalary(), "what is the median salary", "ask_salary",
                         slots={"offered": first.slot("offered")})
    assert "utter_more_on_salary" not in again.responses


def test_another_career_named_alone_is_declined(action_store):
    from actions.feedback import ActionOutOfScope
    from actions.work import ActionAnswerWork

    said = Conversation(ActionOutOfScope(), "what skills does a welder need", "out_of_scope")
    assert said.responses == ["utter_other_career"]
    said = Conversation(ActionAnswerWork(), "what skills does a welder need", "ask_skills")
    assert said.responses == ["utter_other_career"] and "Source" not in said.reply
    # named as the person's own job, it is context, not the question
    said = Conversation(ActionAnswerWork(), "im a nurse, what skills would i need for records work", "ask_skills")
    assert "utter_other_career" not in said.responses


def test_an_unsure_out_of_scope_that_names_this_career_is_answered(action_store):
    from actions.feedback import ActionOutOfScope

    from .conftest import make_tracker

    def said(text):
        tracker = make_tracker(text, "out_of_scope")
        tracker.latest_message["intent"] = {"name": "out_of_scope", "confidence": 0.46}
        tracker.latest_message["intent_ranking"] = [{"name": "out_of_scope", "confidence": 0.46},
                                                    {"name": "ask_education_duration", "confidence": 0.28}]
        dispatcher = CollectingDispatcher()
        ActionOutOfScope().run(dispatcher, tracker, {})
        return dispatcher.messages

    answered = said("I stock shelves overnight at a grocery store. How soon could I be working as a records tech?")
    assert not any(m.get("response") == "utter_out_of_scope" for m in answered)
    assert "months" in "\n".join(render(m) for m in answered)
    # without this career named, it stays out of scope
    assert [m.get("response") for m in said("how soon could I be working at a grocery store?")] == ["utter_out_of_scope"]


def test_an_elliptical_question_stays_on_the_conversation_s_topic(action_store):
    slots = {"topic": "salary", "last_intent": "ask_salary"}
    said = Conversation(ActionAnswerCareer(), "what about senior techs", "ask_career_path",
                        [entity("experience_level", "senior")], slots=slots)
    assert "$53k" in said.reply  # the pay of a senior, as the conversation was on pay
    said = Conversation(ActionAnswerCareer(), "what does a senior tech do", "ask_career_path",
                        [entity("experience_level", "senior")], slots=slots)
    assert "4-7 years" in said.reply and "$53k" not in said.reply  # a new question wins


def test_a_second_fact_that_points_at_its_list_shows_it(action_store):
    technician, coder = action_store.facts_by_id(["duties-technician-g004", "duties-coder-g004"])
    assert coder.answer.endswith("these.") and coder.points
    text = reply_text([technician, coder])
    after = text.split(coder.answer, 1)[1]
    assert after.lstrip("\n").startswith("• ")  # the coder's tasks, not a bare "these."
    assert len(text.split()) <= WORD_BUDGET + 40


@pytest.mark.parametrize("text, names", [
    ("Will the GI Bill pay for an HIT program? I'm a vet", ["GI Bill"]),
    ("Do I need to learn Python or SQL for this job?", ["Python", "SQL"]),
    ("does the RHIT from AHIMA need Epic experience?", []),  # names the guides use
    ("My name is Maria, what jobs exist", []), ("I work at Walmart, can I switch?", []),  # about the person
    ("is the pay better in New Jersey", []),
])
def test_names_no_guide_uses_are_noticed(text, names):
    from actions.choosing import unmentioned_names

    assert unmentioned_names(text) == names


def test_a_question_about_something_the_guides_never_name_says_so_first(action_store):
    message = {"text": "Do I need to learn Python or SQL for this job?",
               "intent_ranking": [{"name": "ask_skills", "confidence": 0.9}],
               "facts": ranked(("skills-technical-g000", 0.7))}
    from actions.work import ActionAnswerWork

    spec = ActionAnswerWork.specs["ask_skills"]
    text = compose(spec, message["text"], None, message=message).messages[0]["text"]
    assert text.startswith('The guides don\'t mention "Python" or "SQL"')


def test_what_a_name_means_is_answered_by_the_fact_that_spells_it_out(action_store):
    from actions.choosing import spelled_out

    assert spelled_out("wat is ahima") == {"AHIMA"} and not spelled_out("what does a coder do")
    ranking = [("organizations-ahima-networking-g000", 0.8), ("organizations-ahima-rhit-exam-g001", 0.7)]
    scored = weigh(ranking, [], spec_topic="organizations", asked=(), narrowed=False, default_aspects=(),
                   topics={}, question="wat is ahima")
    assert scored[0].fact.id == "organizations-ahima-rhit-exam-g001"  # "The American ... Association (AHIMA)"


@pytest.mark.parametrize("text, leans", [
    ("where would i find those jobs", True),
    ("which countries have visas for that", True),
    ("what about from another country?", True),
    ("which countries have work visas", False),
])
def test_a_message_that_leans_on_the_last_one_weighs_its_topic_more(action_store, text, leans):
    from actions.scope import leans_back

    assert leans_back(text) == leans
    ranking = [("abroad-visa-routes-g000", 0.8), ("remote-international-job-sources-g000", 0.7)]
    scored = weigh(ranking, [], spec_topic="abroad", asked=(), narrowed=False, default_aspects=(), topics={},
                   context_topic="remote_work", leans_back=leans_back(text))
    assert scored[0].fact.topic == ("remote_work" if leans else "abroad")


def test_a_topic_lends_part_of_its_confidence_to_the_topics_beside_it():
    from actions.choosing import RELATED_SHARE, related_topics, topic_confidence
    from knowledge.retrieval import topic_labels

    known = set(topic_labels())
    assert set(related_topics()) <= known and all(set(r) <= known for r in related_topics().values())
    message = {"intent_ranking": [{"name": "ask_salary", "confidence": 0.8}, {"name": "ask_market", "confidence": 0.1}]}
    weights = topic_confidence(message, {"ask_salary": "salary", "ask_market": "market"})
    assert weights["salary"] == 0.8
    assert weights["market"] == pytest.approx(RELATED_SHARE * 0.8)  # more than its own 0.1
    assert "cons" not in weights  # not related to pay


def test_the_second_part_of_a_question_is_not_won_by_the_first_parts_topic(action_store):
    from .conftest import make_tracker

    tracker = make_tracker("what does a supervisor earn and what do they do all day", "ask_salary",
                           [entity("experience_level", "supervisor")])
    tracker.latest_message["intent_ranking"] = [{"name": "ask_salary", "confidence": 0.9}]
    tracker.latest_message["fact_parts"] = [
        [{"id": "salary-experience-supervisor-g000", "score": 1.2}, {"id": "career-path-level-supervisor-g000", "score": 1.0}],
        [{"id": "career-path-level-supervisor-g000", "score": 0.94}, {"id": "salary-experience-supervisor-g000", "score": 0.76}],
    ]
    dispatcher = CollectingDispatcher()
    ActionAnswerSalary().run(dispatcher, tracker, {})
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert "$65k" in reply  # the pay
    assert "performance reviews" in reply  # and what a supervisor does, from the second part


def test_what_else_asks_beyond_what_the_person_says_they_have(action_store):
    from actions.work import ActionAnswerWork

    from .conftest import make_tracker

    def reply(text):
        tracker = make_tracker(text, "ask_skills")
        tracker.latest_message["facts"] = ranked(("skills-soft-g002", 1.0), ("skills-technical-g000", 0.9))
        tracker.latest_message["fact_parts"] = [ranked(("skills-soft-g002", 1.1)), ranked(("skills-technical-g000", 0.8))]
        dispatcher = CollectingDispatcher()
        ActionAnswerWork().run(dispatcher, tracker, {})
        return "\n".join(render(m) for m in dispatcher.messages)

    beyond = reply("I'm a people person and very organised. What else do I need to be good at?")
    assert "technical side" in beyond and "customer service" not in beyond
    both = reply("I'm a people person and very organised. What do I need to be good at?")
    assert "customer service" in both  # no "else": what they named answers too


def test_a_question_leaning_on_the_statement_before_it_reads_the_whole_message(action_store):
    from .conftest import make_tracker

    tracker = make_tracker("im an RHIA in texas and thinking about a move to canada, is that realistic?", "ask_abroad",
                           [entity("country", "Canada")])
    tracker.latest_message["facts"] = ranked(("abroad-visa-canada-g000", 0.62), ("salary-country-canada-g000", 0.58))
    # the statement ranks well (pay in Canada), the question alone ranks nothing
    tracker.latest_message["fact_parts"] = [ranked(("salary-country-canada-g000", 0.69)),
                                            ranked(("certification-ccs-g001", 0.36))]
    dispatcher = CollectingDispatcher()
    ActionAnswerCareer().run(dispatcher, tracker, {})
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert "Express Entry" in reply and "Canadian dollars" not in reply


def test_a_question_naming_the_difference_gets_the_difference(action_store):
    from actions.work import ActionAnswerWork

    said = Conversation(ActionAnswerWork(), "how is a coding specialist different from a records tech", "ask_role_difference",
                        [entity("role", "medical coder")],
                        facts=[("duties-coder-g004", 1.0), ("duties-role-difference-coder-g000", 0.85)],
                        intent_ranking=[{"name": "ask_role_difference", "confidence": 0.8}])
    assert said.slot("last_facts")[0] == "duties-role-difference-coder-g000"


def test_what_the_person_tells_is_the_question_s_context_not_a_question_of_its_own(action_store):
    from actions.store import store

    from .conftest import make_tracker

    def reply_to(text, intent, whole, parts):
        tracker = make_tracker(text, intent)
        tracker.latest_message["intent_ranking"] = [{"name": intent, "confidence": 0.5}]
        tracker.latest_message["facts"] = ranked(*whole)
        tracker.latest_message["fact_parts"] = [ranked(*part) for part in parts]
        dispatcher = CollectingDispatcher()
        ActionAnswerCareer().run(dispatcher, tracker, {})
        return "\n".join(render(m) for m in dispatcher.messages)

    said = lambda fact_id: store().facts_by_id([fact_id])[0].answer[:40]  # noqa: E731
    mobility, cmaa, setting = "diversity-internal-mobility-g000", "certification-cmaa-g000", "work-environment-setting-g001"
    # read with what the person tells, the whole message finds the answer; the question alone, another
    reply = reply_to("i work at the front desk of a hospital. could i move into their records department?",
                     "ask_career_path", [(mobility, 0.95), (cmaa, 0.83)], [[(setting, 0.8)], [(cmaa, 0.8)]])
    assert said(mobility) in reply and said(setting) not in reply, reply
    assert reply.index(said(mobility)) < reply.index(said(cmaa)), reply
    # a question asking only whether it suits leaves what the person tells as its own part
    hours, remote = "pros-predictable-hours-g000", "remote-us-faq-g000"
    reply = reply_to("I have two little kids and need predictable hours. Would this work for me?", "ask_career_path",
                     [(remote, 0.77), (hours, 0.69)], [[(hours, 0.9)], [("cons-repetitive-g000", 0.6)]])
    assert said(hours) in reply, reply


def test_a_part_asking_for_a_figure_is_answered_by_a_fact_that_gives_one(action_store):
    from .conftest import make_tracker

    tracker = make_tracker("What's the median pay, and how many openings come up every year?", "ask_salary")
    tracker.latest_message["intent_ranking"] = [{"name": "ask_salary", "confidence": 0.5}]
    tracker.latest_message["facts"] = ranked(("organizations-data-sources-g000", 0.8), ("outlook-openings-annual-g000", 0.75))
    # the first part's ranking puts the fact about where the figures come from just above the figure
    tracker.latest_message["fact_parts"] = [
        ranked(("organizations-data-sources-g000", 0.9), ("salary-median-national-2023", 0.8)),
        ranked(("outlook-openings-annual-g000", 0.9))]
    dispatcher = CollectingDispatcher()
    ActionAnswerSalary().run(dispatcher, tracker, {})
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert "$47,190" in reply and "15,500" in reply, reply


def test_a_remembered_place_whose_facts_were_just_shown_does_not_trap_a_new_question(action_store):
    spec = ActionAnswerWork.specs["ask_remote_work"]
    text = "how would i find remote jobs like that"
    message = {"text": text, "intent_ranking": [{"name": "ask_remote_work", "confidence": 0.9}],
               "facts": ranked(("remote-international-job-sources-g000", 1.1), ("remote-international-g000", 0.95),
                               ("remote-international-visa-portugal-g000", 0.79))}
    portugal = ("country", "Portugal")
    # the place's one fact was the last answer: the new question gets its own answer
    answer = compose(spec, text, portugal, carried=True, message=message,
                     shown_before=["remote-international-visa-portugal-g000"])
    assert "Upwork" in answer.messages[-1]["text"] and not answer.scope
    # ... while a place with something not yet said still holds the conversation
    answer = compose(spec, text, portugal, carried=True, message=message)
    assert "Portugal" in answer.messages[-1]["text"]


def test_a_question_pointing_back_at_the_remembered_place_is_answered_about_it(action_store):
    from actions.work import ActionAnswerWork

    from .conftest import make_tracker

    slots = {"scope": "country", "country": "Australia", "topic": "salary", "last_intent": "ask_salary"}
    tracker = make_tracker("do they check my school papers", "ask_duties", slots=slots)
    tracker.latest_message["intent"]["confidence"] = 0.57  # the classifier hears "checking records"
    tracker.latest_message["facts"] = ranked(("duties-resume-examples-g004", 0.71), ("duties-technician-g000", 0.67),
                                             ("abroad-credential-canada-g000", 0.66))
    dispatcher = CollectingDispatcher()
    ActionAnswerWork().run(dispatcher, tracker, {})
    assert "ANMAC" in "\n".join(render(m) for m in dispatcher.messages)
    # a sure classifier, or a message not pointing back, keeps its own topic
    tracker.latest_message["intent"]["confidence"] = 0.9
    dispatcher = CollectingDispatcher()
    ActionAnswerWork().run(dispatcher, tracker, {})
    assert "ANMAC" not in "\n".join(render(m) for m in dispatcher.messages)


def test_the_other_side_asked_after_the_pros_gets_the_cons(action_store):
    from actions.work import ActionAnswerWork

    from .conftest import make_tracker

    slots = {"topic": "pros", "last_intent": "ask_pros", "last_facts": ["pros-summary-g000"]}
    tracker = make_tracker("and the bad?", "ask_cons", slots=slots)
    tracker.latest_message["intent_ranking"] = [{"name": "ask_cons", "confidence": 0.74}]
    # the ranking likes the "it depends" fact of the pros for any good-or-bad question
    tracker.latest_message["facts"] = ranked(("pros-cons-depend-g000", 0.77), ("cons-modest-starting-pay-g000", 0.66),
                                             ("cons-summary-g000", 0.2))
    dispatcher = CollectingDispatcher()
    ActionAnswerWork().run(dispatcher, tracker, {})
    reply = "\n".join(render(m) for m in dispatcher.messages)
    assert reply.startswith(store_answer("cons-summary-g000")), reply


def test_keeping_a_named_credential_is_answered_with_what_keeping_it_takes(action_store):
    from actions.answering import INTENT_ACTIONS

    for intent in ("ask_certification", "ask_cert_renewal"):
        said = Conversation(INTENT_ACTIONS[intent](), "my cousin says keeping the RHIT means 40 hours of classes every year",
                            intent, [entity("certification", "RHIT")],
                            facts=[("certification-renewal-rhit-g001", 0.71), ("work-environment-schedule-g000", 0.57)])
        assert "20 hours" in said.reply, (intent, said.reply)


def test_a_fact_comparing_places_answers_only_a_question_about_places(action_store):
    where, latest = "outlook-state-growth-2012-2022-g003", "outlook-growth-2022-2032-g000"
    ranking = [(where, 0.76), (latest, 0.6)]
    kwargs = dict(spec_topic=None, asked=(), narrowed=False, default_aspects=(), topics={}, newest_first=True)
    assert weigh(ranking, [], question="how fast is the field expected to grow?", **kwargs)[0].fact.id == latest
    assert weigh(ranking, [], question="which states grow fastest?", **kwargs)[0].fact.id == where


def test_the_question_beside_a_statement_can_be_answered_by_its_own_strong_fact():
    from actions.choosing import strong_lead

    message = {"text": "Single mom here and I need a paycheck asap. What's the quickest way to get qualified for this?",
               "facts": ranked(("diversity-caregivers-work-life-g000", 0.69), ("pros-quick-entry-g000", 0.52)),
               "fact_parts": [ranked(("diversity-caregivers-work-life-g000", 0.78)),
                              ranked(("pros-quick-entry-g000", 0.71))]}
    assert strong_lead(message) == ("pros-quick-entry-g000", 0.71)
    # two questions: neither part alone speaks for the message
    message["text"] = "What do they earn? What's the quickest way to get qualified for this?"
    assert strong_lead(message) is None


def test_the_closest_fact_for_a_place_the_guides_lack_is_the_one_the_rest_of_the_question_asks(action_store):
    from actions.answering import INTENT_ACTIONS

    def reply(intent, text, kind, value, where, ranking):
        start = text.lower().index(where)
        message = {"text": text, "intent_ranking": [{"name": intent, "confidence": 0.8}], "facts": ranked(*ranking),
                   "entities": [{"entity": kind, "value": value, "start": start, "end": start + len(where)}]}
        answer = compose(INTENT_ACTIONS[intent].specs[intent], text, (kind, value), message=message)
        return "\n".join(render(m) for m in answer.messages)

    dubai = reply("ask_abroad", "can i work as an RHIT in dubai", "country", "United Arab Emirates", "dubai",
                  [("abroad-visa-uk-g000", 0.7), ("abroad-credential-rhit-g000", 0.66)])
    assert "may not be accepted" in dubai, dubai
    ohio = reply("ask_salary", "what's the salary in ohio", "state", "Ohio", "ohio",
                 [("salary-entry-level-g000", 0.7)])  # the topic alone: the curated headline
    assert "$47,190" in ohio, ohio


def test_how_to_tell_an_inclusive_employer_is_answered_with_the_signs_of_one(action_store):
    said = Conversation(ActionAnswerCareer(), "how can I tell if an employer is actually inclusive", "ask_diversity",
                        facts=[("diversity-red-flags-g000", 1.22), ("diversity-evaluating-employer-g000", 1.19),
                               ("diversity-inclusive-hiring-g000", 1.14)])
    assert "anti-discrimination" in said.reply, said.reply


def test_an_aspect_another_topic_names_in_the_question_weighs_for_that_topic_s_facts(action_store):
    from actions.answering import INTENT_ACTIONS, aspects_named_elsewhere

    text = "Is being a medical records technician a desk job?"
    spec = INTENT_ACTIONS["ask_overview"].specs["ask_overview"]
    assert ("work_environment", "physical") in aspects_named_elsewhere(spec, text)
    assert not [a for a in aspects_named_elsewhere(spec, text) if a[0] == spec.topic]  # its own keywords count as usual
    # read as the overview, the ranking unsure between the admin comparison and the physical setting
    message = {"text": text, "intent_ranking": [{"name": "ask_overview", "confidence": 0.55},
                                                {"name": "ask_role_difference", "confidence": 0.2},
                                                {"name": "ask_work_environment", "confidence": 0.11}],
               "facts": ranked(("work-environment-physical-g004", 1.09), ("duties-role-difference-admin-g000", 1.04))}
    reply = compose(spec, text, None, message=message).messages[0]["text"]
    assert reply.startswith(store_answer("work-environment-physical-g004")), reply


def test_each_question_of_a_two_part_message_gets_its_own_fact(action_store):
    coursework, jobs, other = facts(action_store, "education-coursework-bachelors-g001",
                                    "education-degree-bachelors-g000", "education-degree-aas-g001")
    # both parts rank the coursework first; the second part's own answer is its next fact
    parts = [[Scored(coursework, 1.2), Scored(other, 0.7)], [Scored(coursework, 1.0), Scored(jobs, 0.9)]]
    whole = [Scored(coursework, 1.2)]
    assert [f.id for f in pick(whole, 2, parts, questions=True)] == [coursework.id, jobs.id]
    # a statement beside one question adds nothing the question's fact did not already give
    assert [f.id for f in pick(whole, 2, parts)] == [coursework.id]


def test_whether_certification_is_needed_to_be_hired_is_answered_with_what_employers_make_of_it(action_store):
    from actions.answering import INTENT_ACTIONS

    said = Conversation(INTENT_ACTIONS["ask_certification"](), "do i gotta be certifed to get hired", "ask_certification",
                        facts=[("certification-value-employers-g004", 0.84), ("certification-eligibility-g004", 0.73)])
    assert "already certified" in said.reply, said.reply


def test_scholarships_asked_as_a_cost_question_get_the_resources_that_name_them(action_store):
    said = Conversation(ActionAnswerEducation(), "Are there scholarships or financial aid for health information students?",
                        "ask_education_cost", intent_ranking=[{"name": "ask_education_cost", "confidence": 0.96}],
                        facts=[("diversity-resources-colleges-g000", 0.84), ("diversity-resources-ahima-g000", 0.81),
                               ("education-high-school-g004", 0.58)])
    assert "financial aid" in said.reply, said.reply
