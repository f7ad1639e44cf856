"""``flask demo load [--persons N]``: the demo city (DEMO.md), idempotent, refused in production."""
from time import perf_counter

import click
from flask.cli import with_appcontext

from app.demo import DEFAULT_PERSONS, DemoError, load_demo


@click.group(help="演示数据")
def demo():
    pass


@demo.command("load", help="装入演示数据（空库；已装入则不做任何更改）")
@click.option("--persons", type=click.IntRange(min=0), default=DEFAULT_PERSONS, show_default=True,
              help="参保人数（10%归37010000004，其余归生成的单位）")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="以哪一天为今天（默认今天）：缴费历史截至上月")
@with_appcontext
def load(persons: int, today):
    started = perf_counter()
    try:
        summary = load_demo(persons=persons, today=today.date() if today else None)
    except DemoError as error:
        raise click.ClickException(str(error)) from None
    click.echo(summary["message"])
    for table, count in summary["counts"].items():
        click.echo(f"  {table}: {count:,}")
    for key in ("accounts", "accounts_kept", "bills"):
        if summary.get(key):
            click.echo(f"  {key}: {summary[key]}")
    for step, seconds in summary.get("timings", {}).items():
        click.echo(f"  {step}: {seconds:.2f} s")
    click.echo(f"用时 {perf_counter() - started:.1f} 秒")
