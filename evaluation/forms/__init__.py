"""Evaluation's forms, one module per area (the programme; the grade grids)."""
