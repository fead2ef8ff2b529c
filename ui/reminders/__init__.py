"""Reminders in the running app: the scheduler, desktop notifications and their actions, the tray, autostart."""
