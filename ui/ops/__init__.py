"""Operations: the store work and other slow work behind the screens, in one place.

An operation is a plain function that does what a screen needs from the store (or from the disk,
or a key derivation) and returns plain data (dataclasses, records, tuples) that the view draws.
It never touches a widget and never decides the words on screen: views make words.

Every operation is marked with `ui.tasks.blocking`, so called on the GUI thread it raises at once
(a slip shows up in the first test that makes it, not as a frozen screen in a church hall). A view
runs it through the task runner, store work on the one store worker so it keeps the order asked:

    context.runner.run_db(load_drafts, context.store, name="ui.home.drafts", on_success=self.show)

with the function's own keywords bound by `functools.partial`. An operation may call another
one: both run on the worker.

One naming scheme, an imperative verb phrase:

* reads start with ``load_`` (``load_home``, ``load_check_reviews``, ``load_dashboard``), or
  ``search_`` for a free-text search (``search_people``);
* writes use the domain's verb: ``start_session``, ``register_person``, ``record_outcome``,
  ``start_check``, ``save_check``, ``finalise_check``, ``amend_check``, ``record_summary_export``,
  ``decide_review``, ``retry_outbox_item``, ``save_dashboard_figures``, ``save_dashboard_personal``;
  and opening the app: ``open_store``, ``unlock_store``, ``set_up_store``.

No ``_task`` suffixes and no bare nouns: the name says what the operation does.

tests/ui/test_ops_layout.py keeps to this: every `blocking` function under ui/ lives here, every
public function here is one and is named so, and no module here imports widgets.

Modules, by subject:

* `ui.ops.start`: opening the app: the users, opening and unlocking the store (imported before
  the first window, so it stays small).
* `ui.ops.setup`: the first set-up of a laptop: the store, its first user, the organisation file.
* `ui.ops.home`: the worker's home: the lists (drafts, follow-ups, outbox), recording a
  follow-up's outcome, today's venue session, finding and registering people.
* `ui.ops.check`: one check: open, start with consent, save, finalise, amend; the audit entry
  for a summary saved as a PDF.
* `ui.ops.reviews`: the worker's view of supervisors' reviews of their checks.
* `ui.ops.sync`: what sync left in the store: the status line, why each outbox item waits,
  putting an item back in the queue; home and sync read in one go.
* `ui.ops.team`: the supervisor's review queue, one check under review and the decision, the
  dashboards and their exports.

This file imports nothing: the start path imports `ui.ops.start` before the first window.
"""
