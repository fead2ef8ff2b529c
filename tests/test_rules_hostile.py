"""Hostile rule files: whatever sits in the rules folder is reported and skipped, never a crash or a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.rules import parsing
from ledger.rules.eligibility import evaluate
from ledger.rules.rulebook import LAST_RESORT, Rule, RuleBook, RuleSet
from ledger.vocab import Use, Verdict
from tests.rules_helpers import ACME, TODAY, credit, load_with

REPO = Path(__file__).resolve().parent.parent

# Loads the rules in a child process, so a regression that blocks or eats memory fails the test
# instead of the whole suite: its address space is capped and the parent gives up after a while.
LOAD_IN_CHILD = """
import json, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from ledger.rules.rulebook import builtin_rules_dir, load_rulebook
book, problems = load_rulebook(builtin_rules_dir(), Path(sys.argv[1]))
print(json.dumps({"problems": [str(p) for p in problems], "merchants": [s.merchant for s in book.rule_sets]}))
"""


def load_in_child(folder: Path) -> dict[str, list[str]]:
    """What loading the rules with this user folder reports, from a child process that may not block."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", LOAD_IN_CHILD, str(folder)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("loading the rule files never finished")
    assert result.returncode == 0, result.stderr[-2000:]
    loaded: dict[str, list[str]] = json.loads(result.stdout)
    return loaded


def test_a_fifo_named_like_a_rule_file_is_skipped_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "acme.toml").write_text(ACME, encoding="utf-8")
    loaded = load_in_child(tmp_path)
    assert loaded["problems"] == [
        "pipe.toml: is not a regular file (a folder, device or pipe); only plain text files are read"
    ]
    assert loaded["merchants"] == ["Amazon", "ACME"]


def test_a_symbolic_link_to_an_endless_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    loaded = load_in_child(tmp_path)
    assert loaded["problems"] == [
        "zero.toml: is not a regular file (a folder, device or pipe); only plain text files are read"
    ]
    assert loaded["merchants"] == ["Amazon"]


def test_a_symbolic_link_to_a_good_rule_file_is_read_like_the_file(tmp_path: Path) -> None:
    # Dotfiles managers (GNU Stow, chezmoi) put links in place of files.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "acme.toml").write_text(ACME, encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "acme.toml").symlink_to(elsewhere / "acme.toml")
    book, problems = load_with(rules, {})
    assert problems == []
    assert sorted(rule_set.merchant for rule_set in book.rule_sets) == ["ACME", "Amazon"]


def test_a_folder_named_like_a_rule_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "folder.toml").mkdir()
    _, problems = load_with(tmp_path, {})
    assert problems == ["folder.toml: is not a regular file (a folder, device or pipe); only plain text files are read"]


@pytest.mark.parametrize(
    "text",
    [
        "merchant = " + "[" * 100_000 + "]" * 100_000 + "\n",
        # As deep as fits under the size cap.
        "merchant = " + "{ a = " * 20_000 + "1" + " }" * 20_000 + "\n",
    ],
    ids=["lists", "inline tables"],
)
def test_nesting_thousands_deep_is_reported_and_the_shipped_rules_still_answer(
    tmp_path: Path, text: str
) -> None:
    book, problems = load_with(tmp_path, {"deep.toml": text})
    assert problems == ["deep.toml: not valid TOML: lists or tables are nested too deeply to read"]
    ev = evaluate(credit("promotional"), TODAY, rulebook=book)
    assert ev.verdict_for(Use.AMAZON_GIFT_CARDS).verdict is Verdict.NO


def test_a_five_thousand_digit_number_is_reported(tmp_path: Path) -> None:
    text = ACME.replace("version = 2", "version = " + "9" * 5000)
    book, problems = load_with(tmp_path, {"huge.toml": text})
    assert problems == ["huge.toml: not valid TOML: a number has far too many digits"]
    assert [rule_set.merchant for rule_set in book.rule_sets] == ["Amazon"]


def test_a_version_too_large_to_mean_anything_is_reported(tmp_path: Path) -> None:
    _, problems = load_with(tmp_path, {"acme.toml": ACME.replace("version = 2", "version = " + "9" * 4000)})
    assert problems == [f"acme.toml: 'version' must be a whole number from 1 to 1000000, not {'9' * 39}…"]


@pytest.mark.parametrize(
    "placeholder",
    ["{merchant:>99999999999}", "{merchant:>9}", "{merchant!r}", "{merchant.x}", "{merchant[0]}", "{0}"],
)
def test_a_placeholder_may_only_be_a_plain_name(tmp_path: Path, placeholder: str) -> None:
    text = ACME.replace("pays for anything in its stores.", f"pays for anything at {placeholder}.")
    book, problems = load_with(tmp_path, {"acme.toml": text})
    assert problems == [
        f"acme.toml: rule 'acme-store-credit-spends-anywhere': 'reason' has placeholder {placeholder}: "
        "a placeholder is a plain name like {merchant}, with no format, conversion, attribute or index"
    ]
    assert [rule_set.merchant for rule_set in book.rule_sets] == ["Amazon"]


def test_a_rule_that_skipped_validation_still_gets_plain_substitution_only() -> None:
    hostile = Rule(
        id="hand-made",
        reason="Wide {merchant:>99999999999}, shouted {merchant!r}, plain {merchant}, braces {{merchant}}.",
        sources=None,
        uses=tuple(Use),
        verdict=Verdict.CHECK_TERMS,
    )
    book = RuleBook((RuleSet("ACME", "US", (hostile,)),), LAST_RESORT)
    ev = evaluate(credit(merchant="ACME", region="US"), TODAY, rulebook=book)
    assert ev.verdict_for(Use.CASH_OUT).reason == (
        "Wide {merchant:>99999999999}, shouted {merchant!r}, plain ACME, braces {merchant}."
    )


def test_a_file_past_the_size_cap_is_refused_unread_and_one_at_the_cap_loads(tmp_path: Path) -> None:
    cap = parsing.MAX_FILE_BYTES
    at_cap = ACME + "#" * (cap - len(ACME) - 1) + "\n"
    assert len(at_cap.encode()) == cap
    book, problems = load_with(tmp_path, {"acme.toml": at_cap, "big.toml": at_cap + "\n"})
    assert problems == [f"big.toml: is too large (a rule file may hold at most {cap // 1024} KB)"]
    assert [rule_set.merchant for rule_set in book.rule_sets] == ["Amazon", "ACME"]


def test_a_file_with_hundreds_of_problems_lists_ten_and_counts_the_rest(tmp_path: Path) -> None:
    broken = "".join(f'[[rules]]\nid = "r{n}"\nuses = "all"\nverdict = "maybe"\nreason = "R."\n' for n in range(200))
    _, problems = load_with(tmp_path, {"many.toml": 'merchant = "ACME"\nregion = "US"\n' + broken})
    assert len(problems) == 11
    assert problems[0].startswith("many.toml: rule 'r0': unknown verdict 'maybe'")
    assert problems[-1] == "many.toml: and 190 more problems"


@pytest.mark.parametrize(
    "line",
    [
        'when = "' + "x" * 100_000 + '"',
        'checkout = "' + "y" * 100_000 + '"',
        "tier = [" + ", ".join(["1"] * 20_000) + "]",
        '"' + "z" * 100_000 + '" = 1',
    ],
    ids=["when", "checkout", "tier", "field name"],
)
def test_a_huge_value_is_named_briefly_in_its_problem(tmp_path: Path, line: str) -> None:
    text = ACME.replace('reason = "ACME store credit', line + '\nreason = "ACME store credit')
    _, problems = load_with(tmp_path, {"acme.toml": text})
    assert len(problems) == 1
    assert problems[0].startswith("acme.toml: rule 'acme-store-credit-spends-anywhere': ")
    assert len(problems[0]) < 300, problems[0][:300]
