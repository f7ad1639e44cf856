import click


@click.group(help="演示数据")
def demo():
    pass
