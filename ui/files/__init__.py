"""Files from the window: import, export, backups and restore, and the desktop entry."""
