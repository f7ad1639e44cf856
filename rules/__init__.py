"""Pure business rules: no web framework, no database; see /work/shared/spec/RULES.md."""
