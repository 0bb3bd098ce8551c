"""Pure scoring of checklist answers (docs/scoring.md): no Flask, no database."""
