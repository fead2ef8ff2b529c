# The two commands: `make run` opens the app, `make test` installs what the tests need and runs them all.
.PHONY: run demo test lint bench setup dist

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

# A one-folder app for people without Python (PyInstaller), then its smoke test: dist/credit-ledger/credit-ledger.
dist: setup
	$(VENV)/python -m pip install -q "pyinstaller>=6.10,<7"
	$(VENV)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller scripts/credit-ledger.spec
	scripts/check-bundle.sh dist/credit-ledger/credit-ledger
