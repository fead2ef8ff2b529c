"""The window's hold on the claim codes' key: unlocked on demand, locked again when idle; and the clipboard.

Unlocking takes the key from the keyring without a word; where the codes are under a passphrase (no
keyring), a window-modal dialog asks for it and the action goes on once it is given. The key is
forgotten after the idle minutes set in Settings, when the ledger is reloaded, and at quit. A copied
code is taken off the clipboard after 30 seconds, if the clipboard still holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from ledger.storage.settings import load_settings
from ledger.vault.ledger_key import Ask, Keeper, VaultKey, VaultLocked, key_for_sealing, unlock, vault_row
from ui.dialogs.failure import SAVE_FAILURES, show_failure
from ui.dialogs.passphrase_dialog import PassphraseDialog

if TYPE_CHECKING:
    from ledger.storage.store import Ledger
    from ui.window.main_window import MainWindow

CLIPBOARD_CLEAR_MS = 30_000
# Tells clipboard managers (KDE's Klipper and others that honour it) not to keep the copied code.
SECRET_HINT_FORMAT = "x-kde-passwordManagerHint"
_ACTIVITY = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel)


class _Questions:
    """An asker that answers nothing and remembers what it was asked (to ask it again in a dialog)."""

    def __init__(self) -> None:
        self.asked: list[Ask] = []

    def __call__(self, question: Ask) -> None:
        self.asked.append(question)


class VaultSession(QObject):
    """Unlocks the claim codes for the window's actions, keeps the key while the user is active, then locks."""

    locked = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.key: VaultKey | None = None
        self.dialog: PassphraseDialog | None = None
        # The question the last quiet unlock could not answer without the user.
        self.question: Ask | None = None
        self._minutes = 0
        self._active = QElapsedTimer()
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._idle_timeout)
        self.clipboard_timer = QTimer(self)
        self.clipboard_timer.setSingleShot(True)
        self.clipboard_timer.setInterval(CLIPBOARD_CLEAR_MS)
        self.clipboard_timer.timeout.connect(self.clear_clipboard)
        self._copied: str | None = None
        app = QGuiApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.clear_clipboard)

    @property
    def ledger(self) -> Ledger:
        """The window's open ledger."""
        assert self.window.ledger is not None
        return self.window.ledger

    # --- unlocking --------------------------------------------------------------------------

    def unlock_quietly(self, *, sealing: bool = False) -> VaultKey | None:
        """The key if it can be had without a question (cached, keyring, waiting key file); None when a passphrase
        is needed. With `sealing`, a ledger without a key gets one. Raises a LedgerError when it stays locked."""
        if self.key is not None:
            self._touch()
            return self.key
        questions = _Questions()
        self.question = None
        try:
            key = (key_for_sealing if sealing else unlock)(self.ledger, questions)
        except VaultLocked:
            if questions.asked:
                self.question = questions.asked[-1]
                return None
            raise
        self._unlocked(key)
        row = vault_row(self.ledger)
        if questions.asked and row is not None and row.keeper is Keeper.KEY_FILE:
            # The key still waits in its file (no keyring): offer to protect it with a passphrase now.
            self._ask(questions.asked[-1], lambda _key: None, sealing=False)
        return key

    def with_key(self, then: Callable[[VaultKey], object], *, sealing: bool = False) -> None:
        """Run `then` with the unlocked key: at once, or once the passphrase asked for is given (never if refused)."""
        try:
            key = self.unlock_quietly(sealing=sealing)
        except SAVE_FAILURES as error:
            show_failure(self.window, error, "The claim codes stay locked")
            return
        if key is not None:
            then(key)
        elif self.question is not None:
            self._ask(self.question, then, sealing=sealing)

    def _ask(self, question: Ask, then: Callable[[VaultKey], object], *, sealing: bool) -> PassphraseDialog:
        title = "Protect the claim codes" if question.new else "Unlock the claim codes"
        dialog = PassphraseDialog(self.window, title, question.prompt + ".", new=question.new)

        def save() -> None:
            passphrase = dialog.passphrase()
            key = (key_for_sealing if sealing else unlock)(self.ledger, lambda _question: passphrase)
            self._unlocked(key)

        dialog.save = save
        dialog.accepted.connect(lambda: then(self.key) if self.key is not None else None)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _unlocked(self, key: VaultKey) -> None:
        self.key = key
        self._minutes = load_settings(self.ledger).lock_codes_after_minutes
        app = QGuiApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._touch()

    # --- locking ----------------------------------------------------------------------------

    def lock(self) -> None:
        """Forget the key; revealed codes are hidden again."""
        was_unlocked = self.key is not None
        self.key = None
        self.idle_timer.stop()
        app = QGuiApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if was_unlocked:
            self.locked.emit()

    def _touch(self) -> None:
        self._active.start()
        if self._minutes > 0:
            self.idle_timer.start(self._minutes * 60_000)

    def _idle_timeout(self) -> None:
        # Read again: the setting may have changed since the codes were unlocked.
        self._minutes = load_settings(self.ledger).lock_codes_after_minutes if self.window.ledger else 0
        if self._minutes == 0:
            return
        left = self._minutes * 60_000 - self._active.elapsed()
        if left > 1000:
            self.idle_timer.start(left)
            return
        self.lock()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Any key press or mouse use in the app counts as activity while the codes are unlocked."""
        if self.key is not None and event.type() in _ACTIVITY and self._minutes > 0:
            self._touch()
        return False

    # --- the clipboard ----------------------------------------------------------------------

    def copy(self, code: str) -> None:
        """Put the code on the clipboard (marked as a secret for clipboard managers); cleared after 30 s."""
        mime = QMimeData()
        mime.setText(code)
        mime.setData(SECRET_HINT_FORMAT, b"secret")
        QGuiApplication.clipboard().setMimeData(mime)
        self._copied = code
        self.clipboard_timer.start()

    def clear_clipboard(self) -> None:
        """Take the copied code off the clipboard, unless something else has been copied since."""
        self.clipboard_timer.stop()
        copied, self._copied = self._copied, None
        if copied is not None and QGuiApplication.clipboard().text() == copied:
            QGuiApplication.clipboard().clear()
