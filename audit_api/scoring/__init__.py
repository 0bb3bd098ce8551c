"""Pure scoring of checklist answers (DESIGN.md section 4): no Flask, no database."""
