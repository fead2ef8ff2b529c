"""The `plan` subcommand: which credits should pay for a purchase, in what order (issue 15).

Its handler imports what it uses when it runs (see `ledger.cli`): registering it loads nothing but the vocabularies.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ledger.cli import Context, add_command, json_option
from ledger.vocab import CHECKOUT_USES, Use

if TYPE_CHECKING:
    from datetime import date

    from ledger.purchase_plan import PurchasePlan


def _money(minor: int, currency: str) -> str:
    from ledger.money import from_minor

    return str(from_minor(minor, currency))


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def plan_json(plan: PurchasePlan) -> dict[str, Any]:
    """The plan as `plan --json` prints it: amounts as decimal strings, credits in the order to use them."""
    currency = plan.purchase.currency
    return {
        "amount": _money(plan.purchase.amount_minor, currency),
        "currency": currency,
        "for": plan.purchase.use.value,
        "category": plan.purchase.category,
        "pay_with": [
            {
                "id": payment.candidate.credit_id,
                "title": payment.candidate.title,
                "amount": _money(payment.amount_minor, currency),
                "expires_on": _day(payment.candidate.expires_on),
                "verdict": payment.candidate.verdict.value,
                "rule": payment.candidate.rule,
                "reason": payment.candidate.reason,
                "check_terms_first": payment.check_terms,
            }
            for payment in plan.payments
        ],
        # Each credit that cannot pay, with how many more of its kind cannot either (passed over, not listed).
        "not_used": [
            {
                "id": skipped.candidate.credit_id,
                "title": skipped.candidate.title,
                "why": skipped.why,
                "more_like_it": skipped.others,
            }
            for skipped in plan.skipped
        ],
        "unpaid": _money(plan.unpaid_minor, currency),
        "expiring_unused_within_days": plan.horizon_days,
        "expiring_unused": _money(plan.expiring_unused_minor, currency),
    }


def cmd_plan(args: argparse.Namespace, context: Context) -> int:
    from ledger.errors import LedgerError
    from ledger.money import check_currency, parse_amount, to_minor
    from ledger.purchase_candidates import plan_for
    from ledger.purchase_plan import Purchase

    currency = check_currency(args.currency)
    amount = parse_amount(args.amount, currency)
    if amount <= 0:
        raise LedgerError("the amount of a purchase must be more than zero")
    category = args.category.strip() if args.category else None
    purchase = Purchase(
        amount_minor=to_minor(amount, currency),
        currency=currency,
        use=Use(args.use),
        category=category or None,
        allow_check_terms=args.allow_check_terms,
    )
    plan = plan_for(context.ledger, purchase, context.today, context.rulebook)
    if args.json:
        context.print_json(plan_json(plan))
        return 0
    _print_plan(plan, context)
    return 0


def _print_plan(plan: PurchasePlan, context: Context) -> None:
    from ledger.money import format_money, from_minor
    from ledger.purchase_plan import expiry_order, more_like_it

    out, currency = context.out, plan.purchase.currency

    def money(minor: int) -> str:
        return format_money(from_minor(minor, currency), currency)

    if plan.payments:
        print(f"Pay {money(plan.purchase.amount_minor)} with, in this order:", file=out)
    considered = sorted(
        [(payment.candidate, money(payment.amount_minor), payment.check_terms) for payment in plan.payments]
        + [(skipped.candidate, "", False) for skipped in plan.skipped],
        key=lambda item: expiry_order(item[0]),
    )
    why = {skipped.candidate.credit_id: skipped.why + more_like_it(skipped) for skipped in plan.skipped}
    for candidate, pays, check_first in considered:
        expires = candidate.expires_on.isoformat() if candidate.expires_on else "no expiry"
        if pays:
            note = "  (check its terms first)" if check_first else ""
            print(f"  {pays:>12}  credit {candidate.credit_id}: {candidate.title} (expires {expires}){note}", file=out)
        else:
            print(f"  {'not used':>12}  credit {candidate.credit_id}: {candidate.title}: {why[candidate.credit_id]}",
                  file=out)  # fmt: skip
    if not plan.payments:
        print(f"None of your {currency} credits can pay for this.", file=out)
    if plan.unpaid_minor:
        print(f"Left to pay another way: {money(plan.unpaid_minor)}", file=out)
    print(
        f"Still expiring unused within {plan.horizon_days} days: {money(plan.expiring_unused_minor)}",
        file=out,
    )


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    """Add the plan subcommand to the command line."""
    plan = add_command(
        subparsers, parent, "plan", cmd_plan, "which credits should pay for a purchase, soonest expiry first"
    )
    plan.add_argument("amount", help="what the purchase costs, e.g. 49.99")
    plan.add_argument("--currency", required=True, help="ISO 4217 code, e.g. USD")
    plan.add_argument(
        "--for", dest="use", choices=[use.value for use in CHECKOUT_USES], default=Use.GENERAL_PURCHASES.value,
        help="what is bought (default: general_purchases)",
    )  # fmt: skip
    plan.add_argument("--category", default=None, help="the purchase's category, for credits limited to some")
    plan.add_argument(
        "--allow-check-terms", action="store_true", help="also use credits whose terms need a look first (marked)"
    )
    json_option(plan)
