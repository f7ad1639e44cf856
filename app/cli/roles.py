import click
from flask import current_app
from flask.cli import with_appcontext

from app.roles import sync_roles


@click.group(help="角色与权限")
def roles():
    pass


@roles.command("sync", help="Create every permission and sync the three roles from code.")
@with_appcontext
def sync():
    counts = sync_roles(current_app.appbuilder)
    for name, count in counts.items():
        click.echo(f"{name}: {count} permissions")
