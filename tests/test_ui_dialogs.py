"""Every invalid input in the dialogs keeps OK disabled and says why, under the field that is wrong."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from ledger.storage.models import Credit
from ledger.storage.store import NewCredit
from ledger.vocab import Use
from tests.ui_helpers import OFFSCREEN_NOISE, TODAY, make_window, seed
from ui.dialogs.credit_dialog import CreditDialog
from ui.dialogs.movement_dialog import MovementDialog
from ui.style import STYLE_SHEET

pytestmark = OFFSCREEN_NOISE


def qdate(days_from_today: int) -> QDate:
    day = TODAY + timedelta(days=days_from_today)
    return QDate(day.year, day.month, day.day)


@pytest.fixture
def dialog(qtbot: QtBot) -> CreditDialog:
    form = CreditDialog(None, TODAY)
    qtbot.addWidget(form)
    form.amount.setText("25.00")
    assert form.validate() == []
    return form


def ok_enabled(form: CreditDialog | MovementDialog) -> bool:
    return form.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


CREDIT_CASES: list[tuple[str, str, Callable[[CreditDialog], None], str]] = [
    ("empty amount", "amount", lambda d: d.amount.setText(""), "Enter the amount"),
    ("amount is not a number", "amount", lambda d: d.amount.setText("twelve"), "not an amount"),
    ("zero amount", "amount", lambda d: d.amount.setText("0"), "more than zero"),
    ("negative amount", "amount", lambda d: d.amount.setText("-5"), "more than zero"),
    ("too many decimals for USD", "amount", lambda d: d.amount.setText("1.005"), "decimal places"),
    ("decimals for JPY", "amount", lambda d: (d.currency.setText("JPY"), d.amount.setText("10.5")), "decimal places"),
    ("unknown currency", "currency", lambda d: d.currency.setText("ABC"), "not a currency code"),
    ("empty currency", "currency", lambda d: d.currency.setText(""), "not a currency code"),
    ("received in the future", "received", lambda d: d.received.setDate(qdate(3)), "in the future"),
    ("expiry before received", "expires", lambda d: (d.has_expiry.setChecked(True), d.expires.setDate(qdate(-1))),
     "before the date received"),
    ("empty category between commas", "categories", lambda d: d.categories.setText("Books,,Toys"), "empty category"),
    ("category listed twice", "categories", lambda d: d.categories.setText("Books, books"), "listed twice"),
    ("category too long", "categories", lambda d: d.categories.setText("B" * 201), "too long"),
    ("no merchant", "merchant", lambda d: d.merchant.setText("  "), "which store"),
    ("bad region", "region", lambda d: d.region.setText("U1"), "two-letter country code"),
    ("unknown region", "region", lambda d: d.region.setText("ZZ"), "two-letter country code"),
    ("title too long", "title", lambda d: d.title.setText("t" * 201), "too long"),
    ("expiry after the last date the ledger keeps", "expires",
     lambda d: (d.has_expiry.setChecked(True), d.expires.line.setText("9999-12-31")),
     "9999-12-31 is outside the dates the ledger keeps (1900-01-01 to 2999-12-31)"),
    ("received before the first date the ledger keeps", "received", lambda d: d.received.line.setText("1899-12-31"),
     "outside the dates the ledger keeps"),
    ("a date in other digits", "received", lambda d: d.received.line.setText("٢٠٢٥-٠١-٠١"), "is not a date"),
    ("currency with a dotless i", "currency", lambda d: d.currency.setText("ıls"), "not a currency code"),
    ("region with a dotless i", "region", lambda d: d.region.setText("ıl"), "two-letter country code"),
    ("region with a long s", "region", lambda d: d.region.setText("ſe"), "two-letter country code"),
]


@pytest.mark.parametrize(("field", "change", "says"), [case[1:] for case in CREDIT_CASES],
                         ids=[case[0] for case in CREDIT_CASES])
def test_invalid_credit_input_keeps_ok_disabled_and_says_why(
    dialog: CreditDialog, field: str, change: Callable[[CreditDialog], None], says: str
) -> None:
    change(dialog)
    assert not ok_enabled(dialog)
    error = dialog.errors[field]
    assert not error.isHidden()
    assert says.lower() in error.text().lower()


def test_fixing_the_input_enables_ok_again_and_clears_the_message(dialog: CreditDialog) -> None:
    dialog.amount.setText("abc")
    assert not ok_enabled(dialog)
    dialog.amount.setText("19.99")
    assert ok_enabled(dialog)
    assert dialog.errors["amount"].isHidden()


def test_a_valid_form_gives_the_new_credit(dialog: CreditDialog) -> None:
    dialog.source.setCurrentIndex(dialog.source.findData("promotional"))
    dialog.currency.setText("eur")
    dialog.categories.setText(" Books , Toys ")
    dialog.has_expiry.setChecked(True)
    dialog.expires.setDate(qdate(30))
    value = dialog.value()
    assert (value.source, value.currency, value.amount) == ("promotional", "EUR", "25.00")
    assert value.categories == ("Books", "Toys")
    assert value.expires_on == TODAY + timedelta(days=30)


def test_the_claim_code_is_masked(dialog: CreditDialog) -> None:
    assert dialog.claim_code.echoMode() != dialog.claim_code.EchoMode.Normal


def test_edit_refuses_an_amount_below_what_was_spent(qtbot: QtBot) -> None:
    form = CreditDialog(None, TODAY, spent=Decimal("15.00"))
    qtbot.addWidget(form)
    form.amount.setText("10.00")
    assert not ok_enabled(form)
    assert "already been spent" in form.errors["amount"].text()


def movement(qtbot: QtBot, kind: str, limit: str = "20.00") -> MovementDialog:
    form = MovementDialog(None, kind=kind, currency="USD", limit=Decimal(limit),
                          received_on=TODAY - timedelta(days=10), today=TODAY, title="Card")
    qtbot.addWidget(form)
    return form


MOVEMENT_CASES: list[tuple[str, str, Callable[[MovementDialog], None], str, str]] = [
    ("emptied amount", "spend", lambda d: (d.amount.setText("1"), d.amount.setText("")), "amount", "enter an amount"),
    ("junk amount", "spend", lambda d: d.amount.setText("1,5x"), "amount", "not an amount"),
    ("overspend", "spend", lambda d: d.amount.setText("20.01"), "amount", "cannot be overspent"),
    ("refund more than spent", "refund", lambda d: d.amount.setText("25"), "amount", "no more can be refunded"),
    ("too many decimals", "spend", lambda d: d.amount.setText("1.001"), "amount", "decimal places"),
    ("future date", "spend", lambda d: (d.amount.setText("1"), d.on.setDate(qdate(1))), "on", "in the future"),
    ("before received", "spend", lambda d: (d.amount.setText("1"), d.on.setDate(qdate(-11))), "on",
     "before the credit"),
]


@pytest.mark.parametrize(("kind", "change", "field", "says"), [case[1:] for case in MOVEMENT_CASES],
                         ids=[case[0] for case in MOVEMENT_CASES])
def test_invalid_spend_or_refund_keeps_ok_disabled_and_says_why(
    qtbot: QtBot, kind: str, change: Callable[[MovementDialog], None], field: str, says: str
) -> None:
    form = movement(qtbot, kind)
    change(form)
    assert not ok_enabled(form)
    error = form.amount_error if field == "amount" else form.on_error
    assert not error.isHidden()
    assert says in error.text().lower()


def test_spending_the_whole_balance_is_allowed(qtbot: QtBot) -> None:
    form = movement(qtbot, "spend")
    form.amount.setText("20.00")
    assert ok_enabled(form)
    assert form.value()[0] == Decimal("20.00")


def test_a_fresh_add_form_shows_no_error_until_a_field_is_touched(qtbot: QtBot) -> None:
    form = CreditDialog(None, TODAY)
    qtbot.addWidget(form)
    assert not ok_enabled(form)
    assert all(error.isHidden() for error in form.errors.values())
    form.amount.setFocus()
    form.amount.editingFinished.emit()
    assert not form.errors["amount"].isHidden()
    assert "enter the amount" in form.errors["amount"].text().lower()


def test_a_typed_date_is_taken_exactly_or_refused_never_changed(qtbot: QtBot, dialog: CreditDialog) -> None:
    dialog.has_expiry.setChecked(True)
    dialog.received.line.setText("2024-01-05")
    dialog.expires.line.clear()
    qtbot.keyClicks(dialog.expires.line, "2024-02-29")
    assert dialog.expires.line.text() == "2024-02-29"
    assert dialog.expires.understood.text() == "Thursday 29 February 2024"
    assert ok_enabled(dialog)
    assert dialog.value().expires_on == date(2024, 2, 29)
    dialog.expires.line.setText("2025-02-29")
    assert not ok_enabled(dialog)
    assert dialog.expires.line.text() == "2025-02-29"
    assert "not a day in the calendar" in dialog.errors["expires"].text()
    assert dialog.expires.understood.text() == ""


def test_the_calendars_offer_only_the_dates_the_ledger_keeps(qtbot: QtBot, dialog: CreditDialog) -> None:
    first, last = QDate(1900, 1, 1), QDate(2999, 12, 31)
    spend = movement(qtbot, "spend")
    for field in (dialog.received, dialog.expires, spend.on):
        assert (field.calendar.minimumDate(), field.calendar.maximumDate()) == (first, last)


def test_the_spend_dialog_names_the_credit_and_makes_room_for_its_error(qtbot: QtBot) -> None:
    form = MovementDialog(None, kind="spend", currency="USD", limit=Decimal("92000000000.00"),
                          received_on=TODAY - timedelta(days=10), today=TODAY, title="Birthday gift card")
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    assert form.credit_label.text() == "Birthday gift card"
    assert form.limit_label.text() == "Balance: $92,000,000,000.00"
    assert form.note.width() >= form.note.fontMetrics().horizontalAdvance(form.note.placeholderText())
    form.amount.setText("92000000000.01")
    QApplication.processEvents()
    error = form.amount_error
    assert error.isVisible() and "more than the balance" in error.text()
    assert error.height() >= error.heightForWidth(error.width())
    bottom = error.mapTo(form, QPoint(0, error.height())).y()
    assert bottom <= form.on.mapTo(form, QPoint(0, 0)).y()


# --- what the terms say about each use (issue 13) -----------------------------------------------


def test_the_terms_text_only_suggests_what_they_say_until_the_user_takes_it(qtbot: QtBot, dialog: CreditDialog) -> None:
    box = dialog.terms_uses
    dialog.terms.setPlainText("Valid on books only. Not valid for the purchase of gift cards.")
    assert not box.suggestion_bar.isHidden()
    assert "Not valid for the purchase of gift cards." in box.suggestion_label.text()
    assert box.suggested[Use.AMAZON_GIFT_CARDS].text() == "suggested: Forbid"
    # Nothing is recorded from the text by itself.
    assert dialog.value().terms_by_use == {}
    qtbot.mouseClick(box.use_suggestions, Qt.MouseButton.LeftButton)
    assert dialog.value().terms_by_use == {"amazon_gift_cards": "forbid", "third_party_gift_cards": "forbid"}
    assert box.suggestion_bar.isHidden() and not box.grid_box.isHidden()


def test_the_user_records_what_the_terms_say_use_by_use(dialog: CreditDialog) -> None:
    box = dialog.terms_uses
    assert box.grid_box.isHidden() and box.summary.text() == "nothing recorded"
    box.toggle.setChecked(True)
    assert not box.grid_box.isHidden()
    transfer = box.choices[Use.TRANSFER]
    transfer.setCurrentIndex(transfer.findData("allow"))
    assert dialog.value().terms_by_use == {"transfer": "allow"}
    assert box.summary.text() == "1 use recorded"
    transfer.setCurrentIndex(transfer.findData("silent"))
    assert dialog.value().terms_by_use == {}


def test_the_edit_dialog_shows_what_was_recorded_from_the_terms(qtbot: QtBot) -> None:
    existing = Credit(
        source="refund", currency="USD", amount_minor=2000, received_on=TODAY, terms="Non-transferable.",
        terms_by_use={"amazon_gift_cards": "forbid"},
    )
    form = CreditDialog(None, TODAY, existing=existing, amount=Decimal("20.00"))
    qtbot.addWidget(form)
    box = form.terms_uses
    assert not box.grid_box.isHidden()
    assert box.choices[Use.AMAZON_GIFT_CARDS].currentData() == "forbid"
    assert box.suggested[Use.TRANSFER].text() == "suggested: Forbid"
    assert form.value().terms_by_use == {"amazon_gift_cards": "forbid"}


# --- words and input (issue 12) ---------------------------------------------------------------


@pytest.fixture
def app_style(qapp: QApplication) -> Iterator[None]:
    """The app's own style sheet, as the window sets it, for tests of how things look."""
    qapp.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    yield
    qapp.setStyleSheet("")


def darkest(widget: QWidget) -> float:
    """The lightness of the darkest pixel a widget draws (0 black, 1 white): its text, for a label."""
    image = widget.grab().toImage()
    return min(
        image.pixelColor(x, y).lightnessF() for x in range(image.width()) for y in range(image.height())
    )


def test_uk_in_the_region_field_is_saved_as_gb(dialog: CreditDialog) -> None:
    dialog.region.setText("uk")
    assert ok_enabled(dialog)
    assert dialog.value().region == "GB"


def test_an_unknown_region_names_the_codes_that_are_near_it(dialog: CreditDialog) -> None:
    dialog.region.setText("ZZ")
    assert not ok_enabled(dialog)
    assert "(with Z: ZA, ZM, ZW)" in dialog.errors["region"].text()


@pytest.mark.parametrize("amount", ["1.005", "0.001"])
def test_an_amount_problem_names_the_currency_in_capitals(dialog: CreditDialog, qtbot: QtBot, amount: str) -> None:
    dialog.amount.setText(amount)
    assert "USD has 2 decimal places" in dialog.errors["amount"].text()
    spend = MovementDialog(None, kind="spend", currency="USD", limit=Decimal(50), received_on=TODAY, today=TODAY,
                           title="Card")
    qtbot.addWidget(spend)
    spend.amount.setText(amount)
    assert "USD has 2 decimal places" in spend.amount_error.text()


def test_the_greyed_out_expiry_date_reads_grey_too(qtbot: QtBot, app_style: None) -> None:
    form = CreditDialog(None, TODAY)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    said = form.expires.understood
    assert not form.has_expiry.isChecked() and not said.isEnabled() and said.text()
    greyed = darkest(said)
    form.has_expiry.setChecked(True)
    QApplication.processEvents()
    assert said.isEnabled()
    assert greyed > darkest(said) + 0.15


def field_tops(form: CreditDialog) -> dict[str, int]:
    fields = {
        "title": form.title, "merchant": form.merchant, "region": form.region, "amount": form.amount,
        "received": form.received, "expires": form.expires, "reference": form.reference,
        "categories": form.categories, "claim code": form.claim_code, "terms": form.terms, "notes": form.notes,
        "OK": form.buttons,
    }
    return {name: field.mapTo(form, QPoint(0, 0)).y() for name, field in fields.items()}


def test_the_add_dialog_does_not_jump_as_problems_come_and_go(qtbot: QtBot) -> None:
    form = CreditDialog(None, TODAY)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    before, size = field_tops(form), form.size()
    for change, field in (
        (lambda: qtbot.keyClicks(form.amount, "abc"), "amount"),
        (lambda: form.currency.setText("ABC"), "amount"),
        (lambda: form.received.line.setText("2999-01-01"), "received"),
        (form.merchant.clear, "merchant"),
    ):
        change()
        QApplication.processEvents()
        assert form.errors[field].isVisible()
        assert (field_tops(form), form.size()) == (before, size)
    form.amount.setText("12")
    form.currency.setText("USD")
    form.received.line.setText(TODAY.isoformat())
    form.merchant.setText("Amazon")
    QApplication.processEvents()
    assert ok_enabled(form)
    assert (field_tops(form), form.size()) == (before, size)


def test_tab_moves_on_from_the_terms_and_the_notes(qtbot: QtBot) -> None:
    form = CreditDialog(None, TODAY)
    qtbot.addWidget(form)
    form.show()
    with qtbot.waitActive(form):
        form.activateWindow()
    for field in (form.terms, form.notes):
        field.setFocus()
        assert field.hasFocus()
        qtbot.keyClicks(field, "Books only")
        qtbot.keyClick(field, Qt.Key.Key_Tab)
        assert not field.hasFocus()
        assert field.toPlainText() == "Books only"
    form.terms.setFocus()
    qtbot.keyClick(form.terms, Qt.Key.Key_Tab)
    assert form.terms_uses.toggle.hasFocus()
    qtbot.keyClick(form.terms_uses.toggle, Qt.Key.Key_Backtab)
    assert form.terms.hasFocus()


def test_the_delete_question_answers_to_the_d_key(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> None:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="30", title="Doomed"))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    window.credit_actions["delete"].trigger()
    box = window.actions_.confirmation
    assert isinstance(box, QMessageBox)
    assert "&Delete" in [button.text() for button in box.buttons()]
    qtbot.keyClick(box, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: window.model.total_count() == 0)
    window.close_ledger()


def test_the_add_dialog_opens_at_the_width_its_fields_ask_for(qtbot: QtBot) -> None:
    form = CreditDialog(None, TODAY)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    assert form.width() >= 560
    assert not form.body.horizontalScrollBar().isVisible()
    assert form.terms.width() >= 400


@pytest.mark.parametrize(
    ("letter", "field"),
    [
        (Qt.Key.Key_G, lambda form: form.region),
        (Qt.Key.Key_A, lambda form: form.amount),
        (Qt.Key.Key_V, lambda form: form.received.line),
        (Qt.Key.Key_X, lambda form: form.has_expiry),
        (Qt.Key.Key_L, lambda form: form.claim_code),
        (Qt.Key.Key_E, lambda form: form.terms),
        (Qt.Key.Key_N, lambda form: form.notes),
    ],
)
def test_each_label_of_the_add_dialog_takes_the_keyboard_to_its_field(
    qtbot: QtBot, letter: Qt.Key, field: Callable[[CreditDialog], QWidget]
) -> None:
    form = CreditDialog(None, TODAY)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    qtbot.keyClick(form, letter, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is field(form)
