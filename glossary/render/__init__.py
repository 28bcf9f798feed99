"""Views: functions that turn core results into rich renderables (never print)."""
