"""The pilot: what the pilot city halls did on the platform (docs/pilot.md)."""
