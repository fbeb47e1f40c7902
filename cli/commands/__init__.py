"""One module per sub-command. Each defines `register(subparsers)`, which adds its parser
and sets `func=run` (a callable taking the parsed arguments and returning an exit code).
Modules here are discovered by `cli.main`; build.spec collects them for the frozen build."""
