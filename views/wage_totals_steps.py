"""The 工资申报 (C3) Σ line for the batch and 核对 pages, mixed into DeclarationWizard
(app/declarations/wage_totals.py; templates/declaration/_wage_totals.html)."""
from app.declarations import wage_totals


class WageTotalsSteps:
    def wage_totals(self, declaration) -> dict | None:
        return wage_totals.of(declaration)
