"""The lint engine: load, locate, run rules, findings, config."""
