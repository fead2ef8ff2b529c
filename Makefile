# The two commands: `make run` opens the app, `make test` installs what the tests need and runs them all.
.PHONY: run demo test lint bench setup

VENV := .venv/bin

setup:
	@scripts/setup.sh

run: setup
	$(VENV)/python main.py

demo: setup
	$(VENV)/python main.py --demo

lint: setup
	$(VENV)/ruff check .
	$(VENV)/mypy ledger ui main.py

test: lint
	QT_QPA_PLATFORM=offscreen $(VENV)/python -m pytest

bench: setup
	QT_QPA_PLATFORM=offscreen $(VENV)/python -m bench
