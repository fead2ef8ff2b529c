"""The main window: the credit table, the detail panel, the overview, menus and shortcuts.

Seams for other parts of the app: `ledger_changed` is emitted after every change,
`add_banner()` puts a message at the top of the window, `file_menu` and
`settings_action` are there to be extended and connected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ledger.status import EXPIRING_WITHIN_DAYS
from ui.window.window_state import restore_geometry, restore_layout, save_window

if TYPE_CHECKING:
    from ledger.storage.store import Ledger
    from ui.window.column_fit import ColumnFit, FittedTableView
    from ui.window.credit_actions import CreditActions
    from ui.window.credit_table import CreditTableModel
    from ui.window.detail_panel import DetailPanel
    from ui.window.empty_state import EmptyState
    from ui.window.filter_feedback import FilterFeedback
    from ui.window.help_panel import HelpPanel
    from ui.window.overview import OverviewPanel
    from ui.window.summary_bar import SummaryBar

PAGE_EMPTY, PAGE_CREDITS = 0, 1
# How often the window asks whether another program (the command line, cron, another window) wrote to the ledger.
OUTSIDE_POLL_MS = 1500


def _dialog_open() -> bool:
    # A modal dialog or question (window- or application-modal) is open: the user is in the middle of something.
    return any(isinstance(widget, QDialog) and widget.isVisible() and widget.isModal()
               for widget in QApplication.topLevelWidgets())


def _today() -> date:
    # The clock (and the validation it loads) is imported on first use, after the first frame.
    from ledger import clock

    return clock.today()


class LedgerChange:
    """What changed: `kind` (added, edited, spent, refunded, corrected, checked, archived, unarchived, deleted,
    restored, reloaded: a different ledger now; refreshed: another program changed this one) and the credit
    it concerns (None for a reload or a refresh)."""

    def __init__(self, kind: str, credit_id: int | None) -> None:
        self.kind = kind
        self.credit_id = credit_id

    def __repr__(self) -> str:
        return f"LedgerChange({self.kind!r}, {self.credit_id!r})"


class MainWindow(QMainWindow):
    """Credit Ledger's window. Shows itself first, then opens the ledger file (`open_ledger`).

    `staged`: only the window's shell (title, size, status bar) is built, for a first frame as early as a bare
    window's; `build()` adds the table, the panels, the tool bar and the menus (ui/window/startup.py calls it
    once that frame is painted). Otherwise everything is built at once.
    """

    ledger_changed = Signal(object)
    ledger_opened = Signal()

    # Set by `build_menus` (ui/window/menus.py) while the window is built; other parts of the app
    # extend the menus and connect these actions.
    file_menu: QMenu
    edit_menu: QMenu
    view_menu: QMenu
    help_menu: QMenu
    quit_action: QAction
    undo_action: QAction
    settings_action: QAction
    help_action: QAction
    reload_action: QAction
    credit_actions: dict[str, QAction]
    """The actions on the selected credit, by key (edit, spend, refund, archive, delete, …)."""
    # Set by `build()`.
    model: CreditTableModel
    proxy: CreditTableModel
    table: FittedTableView
    column_fit: ColumnFit
    detail: DetailPanel
    summary: SummaryBar
    empty_state: EmptyState
    filter_feedback: FilterFeedback

    def __init__(
        self,
        path: Path,
        *,
        demo: bool = False,
        today: Callable[[], date] | None = None,
        settings: QSettings | None = None,
        staged: bool = False,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.demo = demo
        self.today = today or _today
        self.settings = settings or QSettings()
        self.ledger: Ledger | None = None
        self.rulebook: Any = None
        self.expiring_within = EXPIRING_WITHIN_DAYS
        self.setWindowTitle("Credit Ledger — demo" if demo else "Credit Ledger")
        self.setObjectName("mainWindow")
        self.resize(1280, 760)
        self._overview: OverviewPanel | None = None
        self.actions_: CreditActions | None = None
        self.help_panel: HelpPanel | None = None
        self.built = False
        self.loading_label = QLabel("Opening the ledger…")
        self.statusBar().addWidget(self.loading_label)
        restore_geometry(self, self.settings)
        if not staged:
            self.build()

    # --- layout -----------------------------------------------------------------------------

    def build(self) -> None:
        """Build the window's contents: the table, the panels, the tool bar, the menus (once; see `staged`).

        Its modules are imported here, not with the window's: the shell's first frame does not wait for them.
        """
        if self.built:
            return
        self.built = True
        from ui.window.credit_table import CreditTableModel

        self.model = CreditTableModel(self)
        # The view's model: the table model sorts and filters itself (see ui/window/credit_table.py).
        self.proxy = self.model
        self._build()
        restore_layout(self, self.settings, self.table.horizontalHeader())
        self.column_fit.apply_modes()

    def _build(self) -> None:
        from ui.style import apply_style
        from ui.window.empty_state import EmptyState
        from ui.window.filter_feedback import FilterFeedback
        from ui.window.menus import build_menus
        from ui.window.summary_bar import SummaryBar
        from ui.window.table_access import install_table_access

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.banner_area = QVBoxLayout()
        self.banner_area.setContentsMargins(8, 4, 8, 0)
        outer.addLayout(self.banner_area)
        self.summary = SummaryBar()
        outer.addWidget(self.summary)
        self.pages = QStackedWidget()
        self.empty_state = EmptyState()
        self.pages.addWidget(self.empty_state)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._credits_page(), "Credits")
        self.overview_host = QWidget()
        QVBoxLayout(self.overview_host).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.overview_host, "Overview")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.pages.addWidget(self.tabs)
        # While the ledger opens the (empty) table shows, not the first-run page: it may hold credits.
        self.pages.setCurrentIndex(PAGE_CREDITS)
        outer.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        # The app's style sheet goes on now the central widgets exist, so each is styled once
        # (ui/style.py); the tool bar reads its spacing when built, so it comes after.
        apply_style()
        self._build_toolbar()
        self._build_help()
        build_menus(self)
        self.row_menu = install_table_access(self)
        self.filter_feedback = FilterFeedback(self)
        self._order_tab()

    def _order_tab(self) -> None:
        # Tab goes from the table to the search and the filters, into the detail panel, and back to the table;
        # within the table the arrows move.
        self.table.setTabKeyNavigation(False)
        self.tabs.tabBar().setAccessibleName("Credits or overview")
        chain = (self.table, self.search, self.status_filter, self.source_filter, self.detail)
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _credits_page(self) -> QWidget:
        from PySide6.QtCore import Qt

        from ui.window.column_fit import ColumnFit, FittedTableView
        from ui.window.detail_panel import DetailPanel

        self.table = FittedTableView()
        self.table.setObjectName("creditTable")
        self.table.setAccessibleName("Credits")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.horizontalHeader().setHighlightSections(False)
        self.column_fit = ColumnFit(self.table, self.model)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(lambda _index: self._act("edit"))
        self.detail = DetailPanel()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([840, 440])
        self.splitter = splitter
        return splitter

    def _build_toolbar(self) -> None:
        from ui.labels import SOURCE_LABELS, STATUS_LABELS

        bar = QToolBar("Search and filter")
        bar.setObjectName("filterBar")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.add_action = QAction("Add credit…", self)
        self.add_action.setShortcut(QKeySequence.StandardKey.New)
        self.add_action.setToolTip("Record a new credit (Ctrl+N)")
        bar.addAction(self.add_action)
        bar.addSeparator()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search titles, merchants, references, notes, categories, terms  (Ctrl+F)")
        self.search.setAccessibleName("Search credits")
        self.search.setClearButtonEnabled(True)
        # It takes the slack of a wide window; narrow (800 px, or a laptop at scale 2) the filters beside it still fit.
        self.search.setMinimumWidth(180)
        self.search.textChanged.connect(self.proxy.set_search)
        bar.addWidget(self.search)
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Filter by status")
        self.status_filter.setToolTip("Show credits with this status (All leaves archived credits out)")
        self.status_filter.addItem("All", None)
        for status, label in STATUS_LABELS.items():
            self.status_filter.addItem(label, status)
        self.status_filter.currentIndexChanged.connect(
            lambda _n: self.proxy.set_status(self.status_filter.currentData())
        )
        bar.addWidget(self._label_for(self.status_filter, "  Status "))
        bar.addWidget(self.status_filter)
        self.source_filter = QComboBox()
        self.source_filter.setAccessibleName("Filter by source")
        self.source_filter.addItem("Every source", None)
        for source, label in SOURCE_LABELS.items():
            self.source_filter.addItem(label, source)
        self.source_filter.currentIndexChanged.connect(
            lambda _n: self.proxy.set_source(self.source_filter.currentData())
        )
        bar.addWidget(self._label_for(self.source_filter, "  Source "))
        bar.addWidget(self.source_filter)
        self.proxy.modelReset.connect(self._after_filter)

    @staticmethod
    def _label_for(field: QWidget, text: str) -> QLabel:
        # Its buddy: a screen reader names a list box by the label beside it (on Linux it says the chosen item).
        label = QLabel(text)
        label.setBuddy(field)
        return label

    def _build_help(self) -> None:
        from PySide6.QtCore import Qt

        # The panel itself is built on first use (F1): it is not needed to show the window.
        self.help_dock = QDockWidget("Help", self)
        self.help_dock.setObjectName("helpDock")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.help_dock)
        self.help_dock.hide()
        self.empty_state.help_requested.connect(self.show_help)

    # --- seams for other parts of the app ---------------------------------------------------

    def add_banner(self, widget: QWidget) -> None:
        """Show a widget (a reminder, a warning) at the top of the window until it closes itself."""
        self.banner_area.addWidget(widget)

    def show_help(self) -> None:
        """Open the Help panel (F1)."""
        if self.help_panel is None:
            from ui.window.help_panel import HelpPanel

            self.help_panel = HelpPanel()
            self.help_dock.setWidget(self.help_panel)
        self.help_dock.show()
        self.help_dock.raise_()

    def focus_search(self) -> None:
        """Put the cursor in the search box (Ctrl+F)."""
        from PySide6.QtCore import Qt

        self.tabs.setCurrentIndex(0)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- loading ----------------------------------------------------------------------------

    def open_ledger(self) -> None:
        """Open the ledger file, fill the table and connect the actions, all at once.

        The app does the same in stages, painting in between (ui/window/startup.py).
        """
        self.open_file()
        self.reload()
        self.finish_opening()

    def open_file(self, *, checked: bool = False) -> None:
        """Open (and if need be create or upgrade) the ledger file; the table is filled by `fill`.

        `checked`: the file's integrity check has just passed (see ui/window/startup.py) and is not run again.
        """
        from ledger.storage.store import Ledger

        self.ledger = Ledger.open(self.path, checked=checked)
        self.watch_ledger(self.ledger)
        if self.demo:
            from ledger.demo import open_demo

            open_demo(self.ledger, self.today())

    def finish_opening(self) -> None:
        """Connect the credit actions and tell the rest of the app the ledger is open (`ledger_opened`)."""
        from ui.window.credit_actions import CreditActions

        if self.actions_ is None:
            self.actions_ = CreditActions(self)
            self.outside_timer = QTimer(self)
            self.outside_timer.setInterval(OUTSIDE_POLL_MS)
            self.outside_timer.timeout.connect(self.show_outside_changes)
            self.outside_timer.start()
        self.ledger_opened.emit()

    def watch_ledger(self, ledger: Ledger) -> None:
        """Show the ledger afresh whenever a save finds it was restored or replaced behind the window's back."""
        ledger.on_replaced = lambda: QTimer.singleShot(0, self._ledger_replaced)

    def _ledger_replaced(self) -> None:
        if self.ledger is None:
            return
        self.reload()
        self.ledger_changed.emit(LedgerChange("reloaded", None))  # undo steps belonged to the ledger before
        self.statusBar().showMessage("The ledger was restored or replaced by another program: showing it as it is now")

    def show_outside_changes(self) -> bool:
        """Show what other programs wrote to the ledger since the window read it (asked every OUTSIDE_POLL_MS,
        and when the window is activated); True when there was something to show. Waits while a dialog is
        open: the user may be editing a credit."""
        if self.ledger is None or self.actions_ is None or _dialog_open():
            return False
        from ledger.errors import LedgerError, StorageError
        from ledger.storage.inspection import LedgerFileError
        from ledger.storage.store import OutsideChange

        try:
            change = self.ledger.outside_change()
        except (LedgerError, StorageError, LedgerFileError) as error:
            # Another program left something unreadable at the ledger's path; say so, and look again later.
            self.statusBar().showMessage(f"Could not read the ledger's file: {error}", 10_000)
            return False
        if change is OutsideChange.REPLACED:
            self._ledger_replaced()
        elif change is OutsideChange.CHANGED:
            self.reload()
            self.ledger_changed.emit(LedgerChange("refreshed", None))
        return change is not None

    def reload_now(self) -> None:
        """Read the ledger again now (F5, View → Reload), as it is on disk."""
        if self.ledger is None:
            return
        if not self.show_outside_changes():  # nothing came from elsewhere: read it anyway
            self.reload()
            self.ledger_changed.emit(LedgerChange("refreshed", None))
        self.statusBar().showMessage("Reloaded the ledger", 4000)

    def reload(self) -> None:
        """Read every credit again (after an import or a restore, a change made elsewhere, or when the day
        changes), keeping the shown credit, the sort, the filters and where the table is scrolled to."""
        shown = self.detail.credit_id  # emptying the table (in `fill`) clears the panel
        bars = (self.table.verticalScrollBar(), self.table.horizontalScrollBar())
        scrolled = [bar.value() for bar in bars]
        self.fill()
        self.restore_selection(shown)
        for bar, value in zip(bars, scrolled, strict=True):
            bar.setValue(value)

    def fill(self, listing: tuple[int, list[tuple[Any, ...]]] | None = None) -> None:
        """Read every credit and show them: the table, the summary and the balance column's width.

        `listing`: the generation and rows already read (`listing.read_listing`), shown if the ledger
        has not been restored since; otherwise they are read again.
        """
        from ledger.storage.listing import list_credits

        if listing is not None and self.ledger is not None and listing[0] == self.ledger.generation:
            rows = listing[1]
        else:
            if self.ledger is not None:
                # What follows reads the ledger as it is now, so writes decided from it are safe again.
                self.ledger.acknowledge_changes()
            # Let go of the old rows before reading the new ones: at 100,000 credits two copies
            # at once would double the window's peak memory.
            self.model.set_rows([])
            rows = list_credits(self.path, self.today(), self.expiring_within)
        self.model.set_rows(rows)
        self._after_change()

    def restore_selection(self, credit_id: int | None = None) -> None:
        """Keep the shown credit (or `credit_id`) selected if it is still listed, else select the most urgent one."""
        chosen = self.detail.credit_id if credit_id is None else credit_id
        if chosen is None or not self.select_credit(chosen):
            self._select_most_urgent()

    def refresh_credit(self, credit_id: int, kind: str) -> None:
        """Update one credit's row and the panels after a change, then tell listeners."""
        from ledger.storage.listing import list_credit

        self.model.put_row(list_credit(self.path, credit_id, self.today(), self.expiring_within), credit_id)
        self._after_change()
        self.select_credit(credit_id)
        self.ledger_changed.emit(LedgerChange(kind, credit_id))

    def _after_change(self) -> None:
        self.pages.setCurrentIndex(PAGE_CREDITS if self.model.total_count() else PAGE_EMPTY)
        self.summary.show_rows(self.model.all_rows(), self.today())
        if self._overview is not None and self.tabs.currentIndex() == 1:
            self._show_overview()
        self.column_fit.fit_money()

    def _select_most_urgent(self) -> None:
        # Start where attention is needed: the usable credit closest to its expiry date.
        from ledger.storage.listing import DAYS_LEFT, ID, STATUS

        urgent = [row for row in self.model.all_rows() if row[STATUS] == "expiring"]
        if urgent:
            self.select_credit(min(urgent, key=lambda row: row[DAYS_LEFT])[ID])

    def _after_filter(self) -> None:
        # The shown credit is still there: select its row again; its details have not changed.
        if self.detail.credit_id is not None and self._select_row(self.detail.credit_id):
            self.update_actions()
            return
        self.detail.clear()
        self.update_actions()

    # --- selection and detail ---------------------------------------------------------------

    def selected_credit_id(self) -> int | None:
        """The id of the credit selected in the table, if any."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.proxy.credit_id(index.row())

    def select_credit(self, credit_id: int) -> bool:
        """Select a credit's row (if it is shown) and show its details; False when it is filtered out."""
        if not self._select_row(credit_id):
            return False
        self.show_detail(credit_id)
        return True

    def _select_row(self, credit_id: int) -> bool:
        from ui.window.credit_table import COL_TITLE

        row = self.model.row_of(credit_id)
        if row < 0:
            return False
        index = self.model.index(row, COL_TITLE)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        credit_id = self.proxy.credit_id(current.row()) if current.isValid() else None
        if credit_id is None:
            self.detail.clear()
        elif credit_id != self.detail.credit_id:
            self.show_detail(credit_id)
        self.update_actions()

    def show_detail(self, credit_id: int) -> None:
        """Show a credit in the detail panel, evaluating the usage rules for it alone."""
        if self.ledger is None:
            return
        detail = self.ledger.detail(credit_id, self.today(), self.expiring_within)
        self.detail.show_credit(detail, self._evaluate(detail))
        self.update_actions()

    def _evaluate(self, detail: Any) -> Any:
        # Rules are evaluated for the selected credit only, never for every row on load.
        try:
            from ledger.rules.eligibility import evaluate
        except ImportError:
            return None
        return evaluate(
            detail.credit, self.today(), balance=detail.balance, checks=detail.checks, rulebook=self.rule_book()
        )

    def rule_book(self) -> Any:
        """The shipped rules plus the user's rule files, loaded on first use; skipped files are named once."""
        if self.rulebook is None:
            from ledger.rules.rulebook import builtin_rules_dir, load_rulebook, skipped_files
            from ledger.storage.paths import user_rules_dir

            self.rulebook, problems = load_rulebook(builtin_rules_dir(), user_rules_dir(self.path))
            if problems:
                # One message naming every skipped file: one message each would leave only the last on screen.
                self.statusBar().showMessage(f"Rule files skipped: {' · '.join(skipped_files(problems))}", 30_000)
        return self.rulebook

    def update_actions(self) -> None:
        """Enable the credit actions (`credit_actions`, also those others add) while a credit is shown."""
        has = self.ledger is not None and self.detail.credit_id is not None
        for action in self.credit_actions.values():
            action.setEnabled(has)

    def _act(self, key: str) -> None:
        action = self.credit_actions.get(key)
        if action is not None and action.isEnabled():
            action.trigger()

    def _tab_changed(self, index: int) -> None:
        if index != 1:
            return
        if self._overview is None:
            # QtCharts is loaded on first use: it is not needed to show the window.
            from ui.window.overview import OverviewPanel

            self._overview = OverviewPanel()
            layout = self.overview_host.layout()
            assert layout is not None
            layout.addWidget(self._overview)
        self._show_overview()

    def _show_overview(self) -> None:
        from ledger.storage.listing import spending_pace

        assert self._overview is not None
        pace = spending_pace(self.path, self.today()) if self.ledger is not None else {}
        self._overview.show_rows(self.model.all_rows(), self.today(), pace)

    @property
    def overview(self) -> OverviewPanel:
        """The overview tab's panel (created on first use)."""
        if self._overview is None:
            self._tab_changed(1) if self.tabs.currentIndex() == 1 else self.tabs.setCurrentIndex(1)
        assert self._overview is not None
        return self._overview

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Coming back to the window shows at once what other programs wrote meanwhile."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            QTimer.singleShot(0, self.show_outside_changes)

    # --- closing ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """Remember the geometry and column widths, then close."""
        if self.built:  # closed before its contents were built, nothing of the layout has changed
            save_window(self, self.settings, self.table.horizontalHeader())
        super().closeEvent(event)

    def close_ledger(self) -> None:
        """Release the ledger file (the app calls this after the event loop ends)."""
        if self.ledger is not None:
            self.ledger.close()
            self.ledger = None


