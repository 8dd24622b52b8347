# The career coach: `make run` to talk to it, `make test` to check everything.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
RASA := $(BIN)/rasa
MODEL := models/coach.tar.gz
SEEDS_DIR ?= $(abspath ../shared/seeds)
# Training uses both cores: concurrent trainings (two shells, cross-validation) queue on this lock.
TRAIN_LOCK ?= /tmp/coach-train.lock

export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
# Rasa 3.6's dependencies warn about their own deprecated calls on every start.
export PYTHONWARNINGS := ignore::DeprecationWarning
export SEEDS_DIR

# The components' code is part of the model: a change to it trains again.
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) $(wildcard components/*.py) \
  $(wildcard knowledge/facts/*.yml) knowledge/topics.yml knowledge/retrieval.py
KNOWLEDGE_INPUTS := $(wildcard knowledge/*.yml knowledge/facts/*.yml knowledge/*.py)

.PHONY: help install run shell knowledge provenance lookups topics validate train test lint test-unit eval-heldout \
        test-stories test-e2e test-production test-slack test-cli ask replay bench-train crossval \
        crossval-compare unanswered ratings clean

help:
	@echo "make run         install, build, train if needed, start the coach on localhost:5005"
	@echo "                 (HTTP API off; ENABLE_API=1 with RASA_API_TOKEN_FILE or RASA_API_TOKEN turns it on)"
	@echo "make shell       chat with the coach in the terminal"
	@echo "make ask Q=...   ask one question and print the reply (for scripts)"
	@echo "make replay      replay the test conversations, each story's PASS or FAIL"
	@echo "make eval        the unseen questions over REST: pass rate per category, reply length"
	@echo "make eval-heldout  the same for eval/heldout to eval/heldout4, sets written after changes"
	@echo "make test        everything: lint, unit tests, provenance, data validation, conversations, end to end"
	@echo "make lint        ruff: lint and format check (ruff format . to apply the layout)"
	@echo "make knowledge   build the knowledge database from knowledge/"
	@echo "make provenance  check every fact against the guide it cites"
	@echo "make lookups     regenerate data/nlu/lookups.yml from knowledge/vocabulary.yml"
	@echo "make topics      regenerate the topics' intents in domain.yml and data/rules/answers.yml"
	@echo "                 from knowledge/topics.yml"
	@echo "make validate    rasa data validate, and the NLU examples checked (scripts/check_nlu.py)"
	@echo "make train       train the model (only when data or config changed)"
	@echo "make bench-train measure training time, cold and with the cache"
	@echo "make bench       speed and memory under load beside the stock rasa init bot (~15 min)"
	@echo "make crossval    5-fold NLU cross-validation report in results/crossval/"
	@echo "make crossval-compare  the same with and without spaCy, side by side"
	@echo "make unanswered  the questions users asked most that the coach could not answer"
	@echo "make ratings     thumbs up and down on answers, by intent and topic"
	@echo "make prune       delete conversations and feedback older than RETENTION_DAYS (default 90)"
	@echo "make audit       known vulnerabilities in the locked dependencies (needs the network; docs/audit.md)"

install: $(VENV)/.installed
$(VENV)/.installed: requirements.txt constraints.txt scripts/bootstrap.sh scripts/install_spacy_model.sh \
		scripts/install_sentence_vectors.sh scripts/install_sentence_encoder.sh scripts/wheel_files.sh
	scripts/bootstrap.sh
	touch $@

knowledge: build/knowledge.stamp
build/knowledge.stamp: $(VENV)/.installed $(KNOWLEDGE_INPUTS)
	$(PYTHON) -m knowledge.loader
	@mkdir -p build && touch $@

provenance: $(VENV)/.installed
	$(PYTHON) -m knowledge.provenance

lookups: $(VENV)/.installed
	$(PYTHON) -m knowledge.vocabulary

# The topics' intents in domain.yml and their rules (data/rules/answers.yml), from knowledge/topics.yml.
topics: $(VENV)/.installed
	$(PYTHON) -m knowledge.topics

validate: $(VENV)/.installed
	$(PYTHON) -m knowledge.vocabulary --check
	$(PYTHON) -m knowledge.topics --check
	$(PYTHON) scripts/check_nlu.py > /dev/null || $(PYTHON) scripts/check_nlu.py
	$(RASA) data validate --fail-on-warnings

train: $(MODEL)
$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	flock $(TRAIN_LOCK) $(RASA) train --fixed-model-name coach --out models
	@touch $@

run: $(MODEL) build/knowledge.stamp
	scripts/run.sh

shell: $(MODEL) build/knowledge.stamp
	scripts/run.sh shell

# A running coach on localhost:$(PORT) answers; otherwise one is started for the question.
# Q is passed unexpanded and single-quoted, so $, quotes and backticks in it stay text.
ask: $(MODEL) build/knowledge.stamp
	@$(PYTHON) scripts/ask.py '$(subst ','"'"',$(value Q))'

# The coach judged by its replies to unseen questions (eval/): starts its own servers.
.PHONY: eval
eval: $(MODEL) build/knowledge.stamp
	$(PYTHON) eval/run.py

eval-heldout: $(MODEL) build/knowledge.stamp
	$(PYTHON) eval/run.py --questions eval/heldout --out results/heldout
	$(PYTHON) eval/run.py --questions eval/heldout2 --out results/heldout2
	$(PYTHON) eval/run.py --questions eval/heldout3 --out results/heldout3
	$(PYTHON) eval/run.py --questions eval/heldout4 --out results/heldout4

replay: $(MODEL)
	@$(PYTHON) scripts/replay.py

test: lint test-unit provenance validate test-stories test-e2e test-production test-security test-slack test-cli test-browser

# ruff (pyproject.toml): pyflakes and pycodestyle's checks, and the formatter's layout.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-unit: $(VENV)/.installed
	$(PYTHON) -m pytest -q tests --ignore=tests/e2e --ignore=tests/production \
	  --ignore=tests/slack --ignore=tests/cli --ignore=tests/browser --ignore=tests/security

test-stories: $(MODEL) build/knowledge.stamp
	scripts/test_stories.sh

test-e2e: $(MODEL) build/knowledge.stamp
	$(PYTHON) -m pytest -q tests/e2e

# Restarts, two replicas behind nginx on Postgres and Redis, faults and bad input (installs
# postgresql, redis-server and nginx with apt-get when missing).
test-production: $(MODEL) build/knowledge.stamp
	scripts/ensure_services.sh
	$(PYTHON) -m pytest -q tests/production

# The hardening tests (docs/security.md): one or more per attack or fault, some against the
# real servers, Redis and PostgreSQL (installed like the production tests' when missing).
.PHONY: test-security
test-security: $(MODEL) build/knowledge.stamp
	scripts/ensure_services.sh
	$(PYTHON) -m pytest -q tests/security

# Slack's Events API against the real servers, with a local fake of Slack's Web API.
test-slack: $(MODEL) build/knowledge.stamp
	$(PYTHON) -m pytest -q tests/slack

# make ask (with a running coach and with none) and make replay.
test-cli: $(MODEL) build/knowledge.stamp
	$(PYTHON) -m pytest -q tests/cli

# The website widget in headless Chromium (Debian's package, installed when missing).
.PHONY: test-browser
test-browser: $(MODEL) build/knowledge.stamp
	scripts/ensure_chromium.sh
	scripts/ensure_webchat.sh
	$(PYTHON) -m pytest -q tests/browser

bench-train: $(VENV)/.installed
	$(PYTHON) bench/training.py

# Load at 1, 10 and 50 conversations beside the stock `rasa init` bot, start-up, memory and
# training time (bench/run.py); printed and saved to bench/results/.
.PHONY: bench
bench: $(MODEL) build/knowledge.stamp
	command -v redis-server >/dev/null || apt-get install -y redis-server || \
	  (apt-get update && apt-get install -y redis-server)
	$(PYTHON) bench/run.py

# Each fold trains under $(TRAIN_LOCK), so other trainings run between folds.
crossval: $(VENV)/.installed
	TRAIN_LOCK=$(TRAIN_LOCK) $(PYTHON) -m eval.crossval

crossval-compare: $(VENV)/.installed
	TRAIN_LOCK=$(TRAIN_LOCK) $(PYTHON) -m eval.crossval --compare

unanswered: $(VENV)/.installed
	$(PYTHON) -m feedback unanswered --limit $(or $(LIMIT),20)

ratings: $(VENV)/.installed
	$(PYTHON) -m feedback ratings

# Conversations (the tracker store ENDPOINTS names) and feedback older than RETENTION_DAYS
# (default 90): whole conversations, or whole earlier sessions of one still in use.
.PHONY: prune
prune: $(VENV)/.installed
	$(PYTHON) -m extensions.retention --endpoints $(or $(ENDPOINTS),endpoints.yml)

# Known vulnerabilities in constraints.txt, each with its verdict from docs/audit.md. pip-audit
# lives in its own virtualenv: it cannot install beside Rasa's pins (packaging==20.9). It asks
# PyPI and osv.dev over the network, so it is not part of `make test`.
AUDIT_VENV := build/audit-venv
PIP_AUDIT_VERSION := 2.9.0
.PHONY: audit
audit: $(AUDIT_VENV)/bin/pip-audit
	$(PYTHON) scripts/audit.py $(AUDIT_VENV)/bin/pip-audit
$(AUDIT_VENV)/bin/pip-audit:
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet pip-audit==$(PIP_AUDIT_VERSION)

clean:
	rm -rf build models results .pytest_cache
