"""Small NLU models for the component tests: the coach's own featurizers plus what is tested."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List

from rasa.core.agent import Agent
from rasa.model_training import train_nlu

BASE_PIPELINE = """
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4"""

# Two intents and a state named in some examples: enough for the intent classifier and the CRF.
ENTITY_NLU = """
version: "3.1"
nlu:
- intent: ask_salary
  examples: |
    - what is the pay in [Texas](state)
    - salary in [Ohio](state)?
    - how much do they earn in [Florida](state)
    - what do techs make in [Texas](state)
    - pay in [Maine](state)
    - wages for this job in [Ohio](state)
- intent: greet
  examples: |
    - hello
    - hi there
    - good morning
    - hey coach
    - hiya
    - hello again
"""


def train(work: Path, components: List[str], nlu: str) -> str:
    """A model of the base pipeline followed by `components` (class paths), trained on `nlu`."""
    added = "".join(f"\n  - name: {component}" for component in components)
    (work / "config.yml").write_text(
        f"language: en\nassistant_id: component-test\npipeline:{BASE_PIPELINE}{added}\npolicies: []\n"
    )
    (work / "nlu.yml").write_text(nlu)
    return train_nlu(str(work / "config.yml"), str(work / "nlu.yml"), str(work / "models"))


def parse_all(model: str, questions: List[str]) -> List[Dict[str, Any]]:
    agent = Agent.load(model)

    async def run():
        return [await agent.parse_message(q) for q in questions]

    return asyncio.run(run())
