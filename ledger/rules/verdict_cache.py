"""Verdicts for many credits at once, evaluating the rules once per distinct shape of credit.

A list of ten thousand credits holds few kinds of credit: the same merchant, source, categories
and terms over and over. A credit's verdicts (use, verdict, rule, reason; not its advice) depend
only on its rule set, its source, which rule conditions hold for it, what its terms say, the
latest checkout outcome per use, and the values the reasons quote. The first five make its
shape: the rules run once per shape, with a marker in place of each quoted value, and each
credit's reasons are those with its own values put in. A property test keeps the shortcut
identical to `evaluate`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.rules.eligibility import (
    Observation,
    UseVerdict,
    _facts,
    _latest_outcomes,
    _placeholders,
    condition_values,
    evaluate_facts,
)
from ledger.rules.rulebook import RuleBook, RuleSet, builtin_rulebook
from ledger.rules.ruleset import name_key

# Stands for a quoted value while the rules run: no value the ledger holds contains it.
_MARK = "\x00"


def _marker(name: str) -> str:
    return f"{_MARK}{name}{_MARK}"


class VerdictCache:
    """Verdicts of credits for one day and one rule book, each distinct shape evaluated once."""

    def __init__(self, today: date, rulebook: RuleBook | None = None) -> None:
        self.today = today
        self.book = rulebook if rulebook is not None else builtin_rulebook()
        # Per shape: its verdicts with markers for the quoted values, and the names of the values quoted.
        self._templates: dict[tuple[Any, ...], tuple[list[UseVerdict], tuple[str, ...]]] = {}
        # Per shape and quoted values: the verdicts as given out (credits alike share the very same list).
        self._known: dict[tuple[Any, ...], list[UseVerdict]] = {}
        # Per merchant and region as written: the rule set, its large-balance thresholds, whether it is elsewhere.
        self._rule_sets: dict[tuple[str, str], tuple[RuleSet | None, dict[str, Decimal], bool]] = {}
        self.evaluations = 0  # how many times the rules really ran (for tests and benchmarks)

    def _rule_set_for(self, merchant: str, region: str) -> tuple[RuleSet | None, dict[str, Decimal], bool]:
        rule_set = self.book.for_credit(merchant, region)
        other_region = rule_set is not None and name_key(region) != name_key(rule_set.region)
        return rule_set, self.book.large_balance_for(rule_set), other_region

    def verdicts(
        self, credit: Any, *, balance: Decimal | None = None, checks: Iterable[Observation] = ()
    ) -> list[UseVerdict]:
        """The credit's verdicts, in vocabulary order, exactly as `evaluate` gives them."""
        checks = list(checks)
        facts = _facts(credit, self.today, balance)
        where = (facts.merchant, facts.region)
        found_set = self._rule_sets.get(where)
        if found_set is None:
            found_set = self._rule_sets[where] = self._rule_set_for(facts.merchant, facts.region)
        rule_set, thresholds, other_region = found_set
        holds = condition_values(facts, thresholds, other_region)
        shape = (
            id(rule_set),
            facts.source,
            holds,
            tuple(sorted(facts.terms_by_use.items())),
            facts.terms,
            tuple(sorted(_latest_outcomes(checks).items())),
        )
        template = self._templates.get(shape)
        if template is None:
            names = tuple(_placeholders(facts, rule_set))
            marked = evaluate_facts(self.book, facts, rule_set, checks, {name: _marker(name) for name in names})
            self.evaluations += 1
            quoted = tuple(name for name in names if any(_marker(name) in v.reason for v in marked.verdicts))
            template = self._templates[shape] = (marked.verdicts, quoted)
        marked_verdicts, names = template
        if not names:
            return marked_verdicts  # its reasons quote nothing of the credit's own
        values = _placeholders(facts, rule_set)
        quoted_values = tuple(values[name] for name in names)
        key = (shape, quoted_values)
        found = self._known.get(key)
        if found is None:
            if any(not value or value.endswith(".") or _MARK in value for value in quoted_values):
                # The region's caution trims a reason's last full stop, which could reach into such a value:
                # these (rare) credits are evaluated with their own values.
                found = evaluate_facts(self.book, facts, rule_set, checks, values).verdicts
                self.evaluations += 1
            else:
                found = _filled(marked_verdicts, names, quoted_values)
            self._known[key] = found
        return found


def _filled(verdicts: list[UseVerdict], names: tuple[str, ...], values: tuple[str, ...]) -> list[UseVerdict]:
    """The verdicts with the credit's own values in place of the markers in their reasons."""
    reasons: dict[str, str] = {}  # uses often share a reason: fill each once
    filled: list[UseVerdict] = []
    for verdict in verdicts:
        if _MARK not in verdict.reason:
            filled.append(verdict)
            continue
        reason = reasons.get(verdict.reason)
        if reason is None:
            reason = verdict.reason
            for name, value in zip(names, values, strict=True):
                reason = reason.replace(_marker(name), value)
            reasons[verdict.reason] = reason
        # Built directly: `dataclasses.replace` costs a long list a good part of its time.
        filled.append(UseVerdict(verdict.use, verdict.verdict, verdict.rule, reason, verdict.about_categories))
    return filled
