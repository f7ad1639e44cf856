"""The built-in demo bank (D4): a bank of its own inside the app, so online payment works with
nothing installed. It has its own pages (views.py: the cashier where the payer chooses 支付成功
or 支付失败), its own books (models/demo_bank.py), and talks to the merchant only as a real
gateway would: a redirect back to the return URL, and signed asynchronous notifications posted
to the notify URL and resent on Alipay's schedule until the merchant answers ``success``
(bank.py). The merchant reaches it through the gateway interface (gateway.py)."""
