"""Declarative policy packs: organisation rules as JSON Schemas in YAML (see ``pack``)."""
