"""`flask --app wsgi crm ...` commands."""

import click
from flask.cli import AppGroup

from crm.extensions import db

cli = AppGroup("crm", help="CRM administration commands.")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Load the demo organisation and data, once."""
    from crm.auth.demo import seed_people
    from crm.campaigns.demo import seed_campaigns_demo
    from crm.channel.demo import seed_channel_demo
    from crm.contracts.demo import seed_contracts_demo
    from crm.sales.demo import seed_sales_demo
    from crm.satisfaction.demo import seed_satisfaction_demo
    from crm.service.demo import seed_service_demo

    people = seed_people()
    db.session.flush()
    sales = seed_sales_demo()
    if sales:
        seed_service_demo()
        seed_contracts_demo()
        seed_satisfaction_demo()
    if any([sales, seed_channel_demo(), seed_campaigns_demo(), people]):
        db.session.commit()
        click.echo("Demo data loaded.")
    else:
        click.echo("Data already present; demo data not loaded again.")


@cli.command("demo-logins")
def print_demo_logins() -> None:
    """Print the demo users and password."""
    from crm.auth.demo import demo_logins

    demo = demo_logins()
    for user in demo["users"]:
        click.echo(f"  {user.username:<12} {user.name:<6} {', '.join(sorted(user.roles))}")
    click.echo(f"  password: {demo['password']}")


@cli.command("create-admin")
@click.argument("username")
@click.option("--name", default="Administrator")
@click.password_option()
def create_admin(username: str, name: str, password: str) -> None:
    """Create an administrator account."""
    from crm.auth.services import save_user
    from crm.errors import DomainError

    try:
        save_user(None, username=username, name=name, email=None, team_id=None,
                  roles=["admin"], password=password)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Administrator {username} created.")
