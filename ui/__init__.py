"""PySide6 widgets only: windows, views, Qt models and the task runner. Thin over `outreach`."""
