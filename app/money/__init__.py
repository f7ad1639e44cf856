"""Money (D1–D5): the monthly assessment, bills, payment through a bank gateway, settling."""
