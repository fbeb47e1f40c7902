"""The home screen: session, people, follow-ups and outbox."""
