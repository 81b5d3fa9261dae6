"""Flask CLI commands."""
import click


def register(app):
    from vgk import cli_admin

    cli_admin.register(app)

    @app.cli.command("rq-worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def rq_worker(burst):
        """Run a background job worker (needs REDIS_URL)."""
        from flask import current_app

        from vgk.jobs.worker import run_worker

        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException("REDIS_URL is not set: jobs already run inline.")
        run_worker(current_app._get_current_object(), burst=burst)

    @app.cli.command("seed-demo")
    @click.option("--products", default=220, show_default=True, help="How many active listings to create.")
    @click.option("--allow-production", is_flag=True, help="Seed even with the production configuration.")
    def seed_demo(products, allow_production):
        """Fill the (migrated) database with demo data; does nothing if the demo accounts exist."""
        from flask import current_app

        from vgk import demo

        if not current_app.config.get("DEV_TOOLS") and not allow_production:
            raise click.ClickException(
                "Refusing to seed demo accounts (shared public password) outside development; "
                "pass --allow-production for a demo deployment."
            )
        summary = demo.seed_demo(products=products)
        if summary["created"]:
            click.echo(f"Demo data created in {summary['seconds']} s.")
        else:
            click.echo("Demo accounts already exist: nothing to do.")
        statuses = ", ".join(f"{count} {status}" for status, count in summary["products"].items())
        click.echo(
            f"  {summary['cities']} cities, {summary['pickup_points']} pickup points, "
            f"{summary['categories']} categories, {summary['users']} users"
        )
        click.echo(f"  products: {statuses or 'none'}; {summary['images']} images")
        click.echo(f"Demo accounts (password: {demo.DEMO_PASSWORD}):")
        for account in demo.DEMO_ACCOUNTS:
            click.echo(f"  {account['role']:<6}  {account['email']:<24}  {account['phone']}")
        click.echo(f"Admin and staff sign-in codes arrive by SMS in the outbox: /dev/outbox. "
                   f"Staff tablet PIN: {demo.DEMO_STAFF_PIN}")
