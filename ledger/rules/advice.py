"""Advice for one credit, ranked by relevance and kept short.

Every rule that applies contributes; what reaches the user is ordered by the rule's
tier (`ledger.rules.ruleset.AdviceTier`): the time left first, then what is particular to the
credit, each on a line of its own. The general tiers (details worth recording, what
never to do, where to check when unsure) give short clauses, and the clauses of one
tier share a single line, so the general warnings never bury the useful line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ledger.rules.ruleset import AdviceTier

# How a line of joined clauses begins, per tier; the other tiers give whole lines.
LEAD_INS: dict[AdviceTier, str] = {
    AdviceTier.RECORD: "Add to this credit: ",
    AdviceTier.CAUTION: "To keep the account safe: ",
    AdviceTier.UNSURE: "When unsure: ",
}


@dataclass(frozen=True)
class Advice:
    """One line of advice: the rule it comes from, plus the rules whose clauses share the line."""

    rule: str
    text: str
    also: tuple[str, ...] = ()

    @property
    def rules(self) -> tuple[str, ...]:
        """Every rule this line speaks for, the first one first."""
        return (self.rule, *self.also)


@dataclass(frozen=True)
class Piece:
    """What one rule has to say, before the pieces are ranked and joined."""

    tier: AdviceTier
    rule: str
    text: str


def arrange(pieces: Iterable[Piece]) -> list[Advice]:
    """The advice lines: tier by tier, rule order within a tier, one line per joined tier."""
    seen: set[str] = set()
    by_tier: dict[AdviceTier, list[Piece]] = {tier: [] for tier in AdviceTier}
    for piece in pieces:
        if piece.rule not in seen and piece.text.strip():
            seen.add(piece.rule)
            by_tier[piece.tier].append(piece)
    lines: list[Advice] = []
    for tier, group in by_tier.items():
        if not group:
            continue
        lead_in = LEAD_INS.get(tier)
        if lead_in is None:
            lines.extend(_whole_lines(group))
            continue
        clauses: list[str] = []
        for piece in group:
            clause = piece.text.strip().rstrip(".;").strip()
            if clause not in clauses:
                clauses.append(clause)
        text = f"{lead_in}{'; '.join(clauses)}."
        lines.append(Advice(group[0].rule, text, tuple(piece.rule for piece in group[1:])))
    return lines


def _whole_lines(group: list[Piece]) -> list[Advice]:
    """One line per piece; rules that give the very same text share its line (it is said once)."""
    texts: dict[str, tuple[str, list[str]]] = {}
    for piece in group:
        text = piece.text.strip()
        if text in texts:
            texts[text][1].append(piece.rule)
        else:
            texts[text] = (piece.rule, [])
    return [Advice(rule, text, tuple(also)) for text, (rule, also) in texts.items()]


def advice_json(advice: Iterable[Advice]) -> list[dict[str, object]]:
    """The advice as `show --json` prints it: `[{rule, rules, text}]` (`rules` lists every rule on the line)."""
    return [{"rule": item.rule, "rules": list(item.rules), "text": item.text} for item in advice]
