"""The check screens: consent, the check form generated from the definition, findings and plan,
the final review, finalising and amending, and the person's summary.

`ui.check.workflow.CheckWorkflow` is the one widget the main window shows for a check;
everything else here is a part of it.
"""
