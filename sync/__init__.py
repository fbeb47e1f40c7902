"""The sync engine (outbox, push, pull, backoff) and `server/`, the reference shared-record server."""
