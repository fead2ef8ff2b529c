"""Reminder planning: which reminders are due, when the next one comes, and that each is claimed once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from ledger.errors import CreditNotFound
from ledger.reminders.delivery import compose
from ledger.reminders.planning import (
    DueReminder,
    ReminderCandidate,
    ReminderPolicy,
    latest_snooze_end,
    mute,
    plan_reminders,
    snooze,
)
from ledger.reminders.store import claim, count_expiring, load_candidates, plan_due, release
from ledger.storage.models import ReminderSent
from ledger.storage.store import Ledger
from tests.reminder_fixtures import ZONE, add_credit, local, set_expiry

POLICY = ReminderPolicy(lead_days=(30, 7, 1), remind_at=time(9, 0), zone=ZONE)
EXPIRY = date(2026, 6, 30)


def candidate(expires_on: date = EXPIRY, credit_id: int = 1, **changes: object) -> ReminderCandidate:
    fields: dict[str, object] = {
        "balance_minor": 2500,
        "currency": "USD",
        "title": "Birthday card",
        "source": "gift_card",
    }
    fields.update(changes)
    return ReminderCandidate(credit_id=credit_id, expires_on=expires_on, **fields)  # type: ignore[arg-type]


def due_leads(plan_due_list: tuple[DueReminder, ...]) -> list[tuple[int, int]]:
    return [(reminder.credit.credit_id, reminder.lead_days) for reminder in plan_due_list]


# --- pure planning ----------------------------------------------------------------------


def test_a_reminder_is_due_at_the_time_of_day_on_its_lead_day_and_not_a_minute_before() -> None:
    credits = [candidate()]

    early = plan_reminders(credits, POLICY, local(2026, 5, 31, 8, 59))
    on_time = plan_reminders(credits, POLICY, local(2026, 5, 31, 9, 0))

    assert early.due == ()
    assert early.next_due_at == local(2026, 5, 31, 9, 0)
    assert due_leads(on_time.due) == [(1, 30)]
    assert on_time.due[0].days_left == 30
    assert on_time.next_due_at == local(2026, 6, 23, 9, 0)


@pytest.mark.parametrize(
    ("what", "changes"),
    [
        ("used", {"balance_minor": 0}),
        ("archived", {"archived": True}),
        ("muted", {"muted": True}),
    ],
)
def test_used_archived_and_muted_credits_get_no_reminders(what: str, changes: dict[str, object]) -> None:
    plan = plan_reminders([candidate(**changes)], POLICY, local(2026, 6, 29, 12))

    assert plan == plan_reminders([], POLICY, local(2026, 6, 29, 12)), what


def test_an_expired_credit_gets_no_reminder_but_one_expiring_today_does() -> None:
    policy = ReminderPolicy(lead_days=(30, 7, 0), zone=ZONE)

    expired = plan_reminders([candidate(expires_on=date(2026, 6, 29))], policy, local(2026, 6, 30, 10))
    today = plan_reminders([candidate(expires_on=date(2026, 6, 30))], policy, local(2026, 6, 30, 10))

    assert expired.due == ()
    assert expired.next_due_at is None
    assert due_leads(today.due) == [(1, 0)]
    assert today.due[0].days_left == 0


def test_catch_up_shows_only_the_most_urgent_reminder_of_each_credit() -> None:
    credit = candidate(sent_leads=frozenset())

    plan = plan_reminders([credit], POLICY, local(2026, 6, 29, 12))

    assert due_leads(plan.due) == [(1, 1)]
    assert plan.due[0].superseded_leads == (7, 30)
    assert plan.next_due_at is None


def test_sent_reminders_are_not_due_again() -> None:
    plan = plan_reminders([candidate(sent_leads=frozenset({30, 7}))], POLICY, local(2026, 6, 25, 12))

    assert plan.due == ()
    assert plan.next_due_at == local(2026, 6, 29, 9, 0)


def test_a_snoozed_credit_is_quiet_until_the_snooze_ends_then_reminds_again() -> None:
    credit = candidate(sent_leads=frozenset({30, 7}), snoozed_until=date(2026, 6, 26))

    during = plan_reminders([credit], POLICY, local(2026, 6, 25, 12))
    after = plan_reminders([credit], POLICY, local(2026, 6, 26, 9, 0))

    assert during.due == ()
    assert during.next_due_at == local(2026, 6, 26, 9, 0)
    assert due_leads(after.due) == [(1, 4)]


def test_a_snooze_holds_back_regular_reminders_that_fall_inside_it() -> None:
    credit = candidate(snoozed_until=date(2026, 6, 10))

    plan = plan_reminders([credit], POLICY, local(2026, 6, 5, 12))

    assert plan.due == ()
    assert plan.next_due_at == local(2026, 6, 10, 9, 0)


def test_a_snooze_past_the_expiry_date_still_lets_the_final_reminder_through() -> None:
    credit = candidate(sent_leads=frozenset({30, 7}), snoozed_until=date(2026, 7, 5))

    assert plan_reminders([credit], POLICY, local(2026, 6, 28, 12)).next_due_at == local(2026, 6, 29, 9, 0)
    assert due_leads(plan_reminders([credit], POLICY, local(2026, 6, 29, 12)).due) == [(1, 1)]


def test_reminders_follow_local_time_across_daylight_saving() -> None:
    # Lead 7 falls on March 8, the day New York springs forward (lead 30 was sent in February).
    credit = candidate(expires_on=date(2026, 3, 15), sent_leads=frozenset({30}))

    plan = plan_reminders([credit], POLICY, local(2026, 3, 8, 8, 30))

    assert plan.next_due_at == local(2026, 3, 8, 9, 0)
    assert plan.next_due_at is not None
    assert plan.next_due_at.utcoffset() == timedelta(hours=-4)


def test_with_no_lead_times_nothing_is_ever_due() -> None:
    plan = plan_reminders([candidate()], ReminderPolicy(lead_days=(), zone=ZONE), local(2026, 6, 30, 12))

    assert plan.due == ()
    assert plan.next_due_at is None


# --- planning from the database ---------------------------------------------------------


def test_planning_from_the_ledger_finds_due_reminders_and_the_next_one_beyond_the_window(ledger: Ledger) -> None:
    soon = add_credit(ledger, date(2026, 6, 10), title="Soon")
    far = add_credit(ledger, date(2026, 12, 1), title="Far")
    add_credit(ledger, None, title="Never expires")

    plan = plan_due(ledger, POLICY, local(2026, 6, 5, 12))

    assert due_leads(plan.due) == [(soon, 7)]
    assert plan.next_due_at == local(2026, 6, 9, 9, 0)
    after_soon = plan_due(ledger, POLICY, local(2026, 6, 10, 12))
    assert [reminder.credit.credit_id for reminder in after_soon.due] == [soon]
    ledger.spend(soon, "25.00", today=date(2026, 6, 10))
    assert plan_due(ledger, POLICY, local(2026, 6, 10, 12)).next_due_at == local(2026, 11, 1, 9, 0)
    assert far not in [c.credit_id for c in load_candidates(ledger, POLICY, date(2026, 6, 10))]


def test_the_next_reminder_skips_used_and_muted_credits_beyond_the_window(ledger: Ledger) -> None:
    used = add_credit(ledger, date(2026, 9, 1))
    ledger.spend(used, "25.00", today=date(2026, 6, 1))
    muted = add_credit(ledger, date(2026, 9, 2))
    mute(ledger, muted)
    for _ in range(70):  # more than a page of used credits to read past
        ledger.spend(add_credit(ledger, date(2026, 9, 3)), "25.00", today=date(2026, 6, 1))
    live = add_credit(ledger, date(2026, 9, 20))

    plan = plan_due(ledger, POLICY, local(2026, 6, 1, 12))

    assert plan.due == ()
    assert plan.next_due_at == local(2026, 8, 21, 9, 0)
    assert live


def test_planning_searches_credits_by_the_expiry_index_and_never_scans_the_table(ledger: Ledger) -> None:
    for offset in range(0, 400, 3):
        add_credit(ledger, date(2026, 1, 1) + timedelta(days=offset))
    statements: list[str] = []

    with ledger.query() as connection:
        # Planning reads through this thread's connection; SQLite reports each statement with its values.
        connection.set_trace_callback(statements.append)
        try:
            plan_due(ledger, POLICY, local(2026, 3, 1, 12))
        finally:
            connection.set_trace_callback(None)

        credit_queries = [s for s in statements if "FROM credit" in s]
        assert credit_queries
        for statement in credit_queries:
            steps = connection.execute(f"EXPLAIN QUERY PLAN {statement}")
            details = [str(row[-1]) for row in steps]
            assert not any(detail.startswith("SCAN c") for detail in details), (statement, details)
            assert any("ix_credit_expires_on" in detail for detail in details), (statement, details)


def test_a_changed_expiry_date_re_arms_the_reminders(ledger: Ledger) -> None:
    credit_id = add_credit(ledger, date(2026, 6, 30))
    now = local(2026, 6, 23, 9, 0)
    assert len(claim(ledger, plan_due(ledger, POLICY, now).due, now)) == 1
    assert plan_due(ledger, POLICY, now).due == ()

    set_expiry(ledger, credit_id, date(2026, 6, 27))

    assert due_leads(plan_due(ledger, POLICY, now).due) == [(credit_id, 7)]


# --- claims -----------------------------------------------------------------------------


def test_a_reminder_can_be_claimed_only_once(ledger: Ledger) -> None:
    credit_id = add_credit(ledger, date(2026, 6, 30))
    now = local(2026, 6, 29, 10)
    due = plan_due(ledger, POLICY, now).due

    first = claim(ledger, due, now)
    second = claim(ledger, due, now)

    assert [c.reminder.key for c in first] == [(credit_id, 1, date(2026, 6, 30))]
    assert second == []
    with ledger.reading() as session:
        rows = session.exec(select(ReminderSent)).all()
    assert sorted((row.lead_days, row.channel) for row in rows) == [
        (1, "claimed"),
        (7, "superseded"),
        (30, "superseded"),
    ]
    assert all(row.sent_at == now for row in rows)


def test_a_released_claim_can_be_claimed_again(ledger: Ledger) -> None:
    add_credit(ledger, date(2026, 6, 30))
    now = local(2026, 6, 29, 10)
    due = plan_due(ledger, POLICY, now).due

    release(ledger, claim(ledger, due, now))

    assert plan_due(ledger, POLICY, now).due == due
    assert len(claim(ledger, due, now)) == 1


def test_a_credit_spent_after_planning_is_not_claimed(ledger: Ledger) -> None:
    credit_id = add_credit(ledger, date(2026, 6, 30))
    now = local(2026, 6, 29, 10)
    due = plan_due(ledger, POLICY, now).due

    ledger.spend(credit_id, "25.00", today=date(2026, 6, 29))

    assert claim(ledger, due, now) == []


def test_claiming_a_snooze_reminder_ends_the_snooze_and_releasing_it_restores_it(ledger: Ledger) -> None:
    credit_id = add_credit(ledger, date(2026, 6, 30))
    snooze(ledger, credit_id, date(2026, 6, 26))
    now = local(2026, 6, 26, 9, 30)
    claims = claim(ledger, plan_due(ledger, POLICY, now).due, now)
    assert [c.reminder.lead_days for c in claims] == [4]
    assert load_candidates(ledger, POLICY, now.date())[0].snoozed_until is None

    release(ledger, claims)

    assert load_candidates(ledger, POLICY, now.date())[0].snoozed_until == date(2026, 6, 26)


def test_snooze_and_mute_refuse_an_unknown_credit(ledger: Ledger) -> None:
    with pytest.raises(CreditNotFound):
        snooze(ledger, 99, date(2026, 1, 1))
    with pytest.raises(CreditNotFound):
        mute(ledger, 99)


def test_unmuting_brings_back_the_most_urgent_pending_reminder(ledger: Ledger) -> None:
    credit_id = add_credit(ledger, date(2026, 6, 30))
    mute(ledger, credit_id)
    now = local(2026, 6, 24, 12)
    assert plan_due(ledger, POLICY, now).due == ()

    mute(ledger, credit_id, muted=False)

    assert due_leads(plan_due(ledger, POLICY, now).due) == [(credit_id, 7)]


def test_count_expiring_counts_credits_with_money_left_expiring_soon(ledger: Ledger) -> None:
    add_credit(ledger, date(2026, 6, 10))
    add_credit(ledger, date(2026, 7, 1))
    ledger.spend(add_credit(ledger, date(2026, 6, 11)), "25.00", today=date(2026, 6, 1))
    ledger.set_archived(add_credit(ledger, date(2026, 6, 12)))
    add_credit(ledger, date(2026, 5, 31))
    add_credit(ledger, date(2026, 12, 31))

    assert count_expiring(ledger, date(2026, 6, 1), 30) == 2


# --- what the notification says ---------------------------------------------------------


def reminder(credit_id: int, days_left: int, amount_minor: int, currency: str = "USD", title: str = "") -> DueReminder:
    expires_on = date(2026, 6, 1) + timedelta(days=days_left)
    credit = candidate(expires_on, credit_id, balance_minor=amount_minor, currency=currency, title=title)
    return DueReminder(credit=credit, lead_days=days_left, due_at=local(2026, 6, 1), days_left=days_left)


def test_a_single_reminder_names_the_credit_the_amount_and_the_days_left() -> None:
    note = compose([reminder(1, 7, 2550, title="Birthday card")])

    assert note.title == "Birthday card expires in 7 days"
    assert note.body == "$25.50 left. Use it by June 8, 2026, or it is forfeited."


def test_a_credit_without_a_title_is_named_by_its_merchant_and_source() -> None:
    note = compose([reminder(1, 1, 1000, title="")])
    other = replace(reminder(1, 0, 1000), credit=candidate(title="", source="other"))

    assert note.title == "Amazon gift card expires tomorrow"
    assert compose([other]).title == "Amazon credit expires today"


def test_several_reminders_become_one_summary_with_the_total() -> None:
    note = compose([reminder(1, 7, 5000), reminder(2, 2, 2500), reminder(3, 1, 1000)])

    assert note.title == "3 credits worth $85.00 expire within 7 days"
    assert note.body.splitlines()[0] == "Amazon gift card: $10.00, expires tomorrow"


def test_a_summary_never_adds_different_currencies_together() -> None:
    note = compose([reminder(1, 7, 5000), reminder(2, 3, 2000, "EUR"), reminder(3, 0, 500)])

    assert note.title == "3 credits worth €20.00 and $55.00 expire within 7 days"


def test_a_reminder_names_its_credits_most_urgent_first_for_the_actions_on_it() -> None:
    assert compose([reminder(4, 30, 100)]).credit_ids == (4,)
    assert compose([reminder(1, 7, 5000), reminder(2, 2, 2500), reminder(3, 1, 1000)]).credit_ids == (3, 2, 1)


def test_only_a_reminder_in_a_credits_last_week_stays_until_dismissed() -> None:
    assert not compose([reminder(1, 30, 100)]).lasting
    assert not compose([reminder(1, 8, 100)]).lasting
    assert compose([reminder(1, 7, 100)]).lasting
    assert compose([reminder(1, 0, 100)]).lasting
    assert compose([reminder(1, 30, 100), reminder(2, 1, 100)]).lasting  # a summary with one in its last week


def test_a_long_summary_lists_the_most_urgent_and_counts_the_rest() -> None:
    note = compose([reminder(i, i, 100) for i in range(1, 9)])

    assert note.body.splitlines()[-1] == "and 3 more"
    assert len(note.body.splitlines()) == 6
    assert Decimal("8.00") == Decimal(note.title.split("$")[1].split()[0])


# --- a snooze never swallows the final reminder; one reminder per credit per day ----------


def test_a_snooze_that_outlasts_the_final_reminder_still_lets_it_through(ledger: Ledger) -> None:
    # The demo's "Amazon survey credit": at 09:30 on Dec 1 it expires on Dec 3, snoozed for 3 days to Dec 4.
    credit_id = add_credit(ledger, date(2026, 12, 3), title="Amazon survey credit")
    now = local(2026, 12, 1, 9, 30)
    claim(ledger, plan_due(ledger, POLICY, now).due, now)  # the 7-day lead, caught up
    snooze(ledger, credit_id, date(2026, 12, 4))

    assert plan_due(ledger, POLICY, local(2026, 12, 1, 12)).due == ()
    assert plan_due(ledger, POLICY, local(2026, 12, 1, 12)).next_due_at == local(2026, 12, 2, 9, 0)
    assert plan_due(ledger, POLICY, local(2026, 12, 2, 8, 59)).due == ()
    assert due_leads(plan_due(ledger, POLICY, local(2026, 12, 2, 9, 0)).due) == [(credit_id, 1)]


def test_a_snooze_ending_before_the_final_reminder_holds_the_others_back() -> None:
    credit = candidate(sent_leads=frozenset({30}), snoozed_until=date(2026, 6, 27))

    assert plan_reminders([credit], POLICY, local(2026, 6, 25, 12)).next_due_at == local(2026, 6, 27, 9, 0)
    assert due_leads(plan_reminders([credit], POLICY, local(2026, 6, 27, 9, 0)).due) == [(1, 3)]


def test_the_latest_snooze_end_is_the_day_of_the_final_reminder() -> None:
    assert latest_snooze_end(date(2026, 12, 3), (30, 7, 1)) == date(2026, 12, 2)
    assert latest_snooze_end(date(2026, 12, 3), (14, 0)) == date(2026, 12, 3)
    assert latest_snooze_end(date(2026, 12, 3), ()) == date(2026, 12, 3)


def test_a_late_catch_up_covers_the_reminder_due_later_the_same_day(ledger: Ledger) -> None:
    # Added at 08:00 on Dec 1, expiring Dec 8: the 30-day lead is caught up late ("in 7 days"), and
    # the 7-day lead due at 09:00 would say the very same thing an hour later.
    credit_id = add_credit(ledger, date(2026, 12, 8))
    early = local(2026, 12, 1, 8, 0)

    plan = plan_due(ledger, POLICY, early)

    assert due_leads(plan.due) == [(credit_id, 30)]
    assert plan.due[0].days_left == 7
    assert plan.due[0].superseded_leads == (7,)
    assert plan.next_due_at == local(2026, 12, 7, 9, 0)
    claim(ledger, plan.due, early)
    assert plan_due(ledger, POLICY, local(2026, 12, 1, 9, 0)).due == ()
    assert due_leads(plan_due(ledger, POLICY, local(2026, 12, 7, 9, 0)).due) == [(credit_id, 1)]


def test_a_reminder_on_time_does_not_cover_the_next_days_one() -> None:
    plan = plan_reminders([candidate(sent_leads=frozenset({30}))], POLICY, local(2026, 6, 23, 9, 0))

    assert due_leads(plan.due) == [(1, 7)]
    assert plan.due[0].superseded_leads == ()
    assert plan.next_due_at == local(2026, 6, 29, 9, 0)


# --- at most one reminder per credit a day, whatever the settings do ------------------------


def test_adding_a_lead_time_never_repeats_a_reminder_shown_today(ledger: Ledger) -> None:
    credit_id = add_credit(ledger, date(2026, 6, 30))
    at_nine = local(2026, 6, 23, 9, 0)
    assert [c.reminder.key for c in claim(ledger, plan_due(ledger, POLICY, at_nine).due, at_nine)] == [
        (credit_id, 7, date(2026, 6, 30))
    ]
    with_14 = replace(POLICY, lead_days=(30, 14, 7, 1))

    plan = plan_due(ledger, with_14, local(2026, 6, 23, 10, 0))

    # The new 14-day lead passed a week ago; today's reminder already said "expires in 7 days".
    assert plan.due == ()
    assert plan.next_due_at == local(2026, 6, 29, 9, 0)


def test_a_new_lead_at_a_later_time_of_day_never_gives_a_second_reminder_the_same_day(ledger: Ledger) -> None:
    credit_id = add_credit(ledger, date(2026, 12, 9))
    morning = local(2026, 12, 1, 9, 0)
    assert len(claim(ledger, plan_due(ledger, POLICY, morning).due, morning)) == 1  # the 30-day lead, caught up
    evening = replace(POLICY, lead_days=(30, 8, 7, 1), remind_at=time(18, 0))

    assert plan_due(ledger, evening, local(2026, 12, 1, 17, 0)).next_due_at == local(2026, 12, 2, 18, 0)
    assert plan_due(ledger, evening, local(2026, 12, 1, 18, 0)).due == ()
    assert due_leads(plan_due(ledger, evening, local(2026, 12, 2, 18, 0)).due) == [(credit_id, 7)]


def test_a_lead_added_after_the_last_reminder_it_would_precede_is_never_shown_late(ledger: Ledger) -> None:
    add_credit(ledger, date(2026, 6, 30))
    on_time = local(2026, 5, 31, 9, 0)
    assert len(claim(ledger, plan_due(ledger, POLICY, on_time).due, on_time)) == 1  # 30 days left
    with_45 = replace(POLICY, lead_days=(45, 30, 7, 1))

    plan = plan_due(ledger, with_45, local(2026, 6, 10, 12, 0))

    assert plan.due == ()
    assert plan.next_due_at == local(2026, 6, 23, 9, 0)


def test_two_processes_with_different_lead_times_cannot_both_remind_of_a_credit_the_same_day(
    ledger: Ledger,
) -> None:
    credit_id = add_credit(ledger, date(2026, 6, 30))
    now = local(2026, 6, 23, 9, 0)
    app_plan = plan_due(ledger, POLICY, now).due  # the app: 30, 7 and 1 days
    cron_plan = plan_due(ledger, replace(POLICY, lead_days=(30, 14, 1)), now).due  # a cron job, other settings
    assert due_leads(app_plan) == [(credit_id, 7)] and due_leads(cron_plan) == [(credit_id, 14)]

    won = claim(ledger, app_plan, now)
    lost = claim(ledger, cron_plan, local(2026, 6, 23, 9, 1))

    assert len(won) == 1 and lost == []
    with ledger.reading() as session:
        shown = session.exec(select(ReminderSent).where(ReminderSent.channel != "superseded")).all()
    assert [(row.credit_id, row.lead_days) for row in shown] == [(credit_id, 7)]
    tomorrow = local(2026, 6, 24, 9, 0)
    assert claim(ledger, plan_due(ledger, replace(POLICY, lead_days=(30, 14, 6, 1)), tomorrow).due, tomorrow)


def test_superseded_rows_count_as_covered_but_not_as_a_reminder_shown(ledger: Ledger) -> None:
    # A reminder log brought back (an import, an undone delete) can hold a superseded row of today
    # without the reminder that superseded it: nothing was shown today, so today's lead still is.
    credit_id = add_credit(ledger, date(2026, 6, 30))
    with ledger.writing() as session:
        session.add(
            ReminderSent(
                credit_id=credit_id,
                lead_days=30,
                expires_on=date(2026, 6, 30),
                sent_at=local(2026, 6, 23, 8, 0),
                channel="superseded",
            )
        )
    now = local(2026, 6, 23, 9, 0)

    plan = plan_due(ledger, POLICY, now)

    assert due_leads(plan.due) == [(credit_id, 7)] and plan.due[0].superseded_leads == ()
    assert len(claim(ledger, plan.due, now)) == 1
