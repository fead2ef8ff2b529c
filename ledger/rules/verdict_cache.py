"""Verdicts for many credits at once, evaluating the rules once per distinct shape of credit.

A list of ten thousand credits holds few kinds of credit: the same merchant, source, categories
and terms over and over. A credit's verdicts (use, verdict, rule, reason; not its advice) depend
only on its rule set, its source, which rule conditions hold for it, what its terms say, the
latest checkout outcome per use, and the values the rule set's reasons quote. Those make the
key; credits that share it share their verdicts, and a property test keeps the shortcut
identical to `evaluate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.rules.eligibility import (
    Observation,
    UseVerdict,
    _condition,
    _facts,
    _latest_outcomes,
    _placeholders,
    evaluate,
)
from ledger.rules.rulebook import RuleBook, RuleSet, builtin_rulebook
from ledger.rules.ruleset import ADVICE_ONLY_CONDITIONS, Condition, name_key
from ledger.vocab import Source

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_VERDICT_CONDITIONS = tuple(condition for condition in Condition if condition not in ADVICE_ONLY_CONDITIONS)


class VerdictCache:
    """Verdicts of credits for one day and one rule book, each distinct shape evaluated once."""

    def __init__(self, today: date, rulebook: RuleBook | None = None) -> None:
        self.today = today
        self.book = rulebook if rulebook is not None else builtin_rulebook()
        self._known: dict[tuple[Any, ...], list[UseVerdict]] = {}
        self._quoted: dict[tuple[Any, ...], tuple[str, ...]] = {}
        self.evaluations = 0  # how many times the rules really ran (for tests and benchmarks)

    def verdicts(
        self, credit: Any, *, balance: Decimal | None = None, checks: Iterable[Observation] = ()
    ) -> list[UseVerdict]:
        """The credit's verdicts, in vocabulary order, exactly as `evaluate` gives them."""
        checks = list(checks)
        key = self._shape(credit, balance, checks)
        found = self._known.get(key)
        if found is None:
            found = evaluate(credit, self.today, balance=balance, checks=checks, rulebook=self.book).verdicts
            self._known[key] = found
            self.evaluations += 1
        return found

    def _shape(self, credit: Any, balance: Decimal | None, checks: list[Any]) -> tuple[Any, ...]:
        facts = _facts(credit, self.today, balance)
        rule_set = self.book.for_credit(facts.merchant, facts.region)
        thresholds = self.book.large_balance_for(rule_set)
        other_region = rule_set is not None and name_key(facts.region) != name_key(rule_set.region)
        holds = tuple(_condition(c, facts, thresholds, other_region, {}) for c in _VERDICT_CONDITIONS)
        base = (
            id(rule_set),
            facts.source,
            holds,
            other_region,
            tuple(sorted(facts.terms_by_use.items())),
            facts.terms,
            tuple(sorted(_latest_outcomes(checks).items())),
        )
        names = self._quoted.get(base)
        if names is None:
            names = self._quoted[base] = self._reason_placeholders(
                rule_set, facts.source, dict(zip(_VERDICT_CONDITIONS, holds, strict=True))
            )
        values = _placeholders(facts, rule_set)
        return (*base, tuple(values.get(name, "") for name in names))

    def _reason_placeholders(
        self, rule_set: RuleSet | None, source: Source, holds: dict[Condition, bool]
    ) -> tuple[str, ...]:
        """Every value a reason can quote for a credit of this shape: those of the rules that may decide
        one of its uses (they cover its source and their conditions hold), and of the cautious default."""
        default = self.book.default_for(rule_set)
        templates = [default.reason, *default.reasons.values()]
        templates += [
            rule.reason
            for rule in self.book.rules_for(rule_set)
            if rule.uses and rule.covers(source) and all(holds.get(c, False) for c in rule.conditions)
        ]
        return tuple(sorted({name for text in templates for name in _PLACEHOLDER.findall(text)}))
