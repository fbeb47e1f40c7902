"""The reference shared-record server: a strict FHIR R4 subset over SQLAlchemy.

It exists so that development, tests, demos and small pilots have a real FHIR server that
behaves by the specification for every interaction it supports and refuses everything
else out loud. See docs/server.md for what it supports and how to run it.
"""
