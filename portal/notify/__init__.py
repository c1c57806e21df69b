"""Notifications: what each event tells whom, the outbox sender, reminders."""
