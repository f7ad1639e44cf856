"""CLI commands: ``flask roles sync``, ``flask demo load``."""
from app.cli import demo, payment, roles


def init_app(app) -> None:
    app.cli.add_command(roles.roles)
    app.cli.add_command(demo.demo)
    app.cli.add_command(payment.payment)
