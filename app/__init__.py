"""The application factory: ``flask --app app:create_app …`` and ``python run.py`` both use it."""
from flask import Flask

from config import Config, check_production


def create_app(config_object=Config, **overrides) -> Flask:
    app = Flask(__name__, instance_path=str(_instance_path()))
    app.config.from_object(config_object)
    app.config.update(overrides)
    check_production(app.config)
    _init_extensions(app)
    return app


def _instance_path():
    from config import INSTANCE_DIR

    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return INSTANCE_DIR


def _init_extensions(app: Flask) -> None:
    import models  # noqa: F401  (registers every table before Alembic or FAB look)
    from app import (
        account_gate, cli, errors, foreign_keys, hardening, layout, read_only, request_guard,
    )

    from app.builder import ShebaoAppBuilder
    from app.extensions import csrf, db, migrate
    from app.security import limit_api_login

    db.init_app(app)
    foreign_keys.init_app(app, db)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    csrf.init_app(app)
    read_only.init_app(app)
    with app.app_context():
        appbuilder = ShebaoAppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        import views

        views.register(appbuilder)
        limit_api_login(appbuilder)
    request_guard.init_app(app)
    errors.init_app(app)
    account_gate.init_app(app)
    hardening.init_app(app)
    layout.init_app(app)
    cli.init_app(app)


def _migrations_dir():
    from config import BASE_DIR

    return BASE_DIR / "migrations"
