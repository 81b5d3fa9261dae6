"""Flask CLI commands."""
import click

from vgk.services.accounts.people import format_phone

# The operator's words for the states and roles the summary counts (the CLI speaks English).
LISTING_STATES = {"ACTIVE": "published", "PENDING": "awaiting moderation", "DRAFT": "drafts"}
ROLE_WORDS = {"ADMIN": "admin", "STAFF": "staff", "CLIENT": "client"}


def _progress_printer():
    """Print the seeding steps under a heading, shown with the first step (none when nothing is done)."""
    shown = []

    def show(step):
        if not shown:
            click.echo("Seeding the demo data (the pictures take a minute or so)…")
            shown.append(step)
        click.echo(f"  {step}")

    return show


@click.command("vapid-keys")
def vapid_keys():
    """Print a fresh VAPID key pair for Web Push (VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY)."""
    from vgk.integrations.push import new_vapid_keys

    private, public = new_vapid_keys()
    click.echo(f"VAPID_PRIVATE_KEY={private}\nVAPID_PUBLIC_KEY={public}")


def register(app):
    from vgk import cli_admin, cli_storage

    cli_admin.register(app)
    cli_storage.register(app)
    app.cli.add_command(vapid_keys)

    @app.cli.command("rq-worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def rq_worker(burst):
        """Run a background job worker (needs REDIS_URL)."""
        from flask import current_app

        from vgk.jobs.worker import run_worker

        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException("REDIS_URL is not set: jobs already run inline.")
        run_worker(current_app._get_current_object(), burst=burst)

    @app.cli.command("discovery-rebuild")
    def discovery_rebuild():
        """Rebuild the recommenders now (similar items, seen together, trending)."""
        from vgk.services.discovery.build import rebuild

        built = rebuild()
        click.echo(f"{built.products} products on sale, {built.events} events: {built.content} with similar items, "
                   f"{built.coview} with seen-together, {built.trending} trending lists ({built.seconds} s); "
                   f"{built.pruned} old events deleted.")

    @app.cli.command("media-sizes")
    def media_sizes():
        """Make the 480 and 640 px sizes of the listing photos stored before they existed (from their 960 px file)."""
        from vgk.services.selling import photo_sizes

        made = photo_sizes.fill_missing(progress=lambda line: click.echo(f"  {line}"))
        click.echo(f"{made} missing 480 and 640 px files made.")

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
        summary = demo.seed_demo(products=products, progress=_progress_printer())
        if summary["created"]:
            click.echo(f"Demo data created in {summary['seconds']} s.")
        else:
            click.echo("Demo accounts already exist: nothing to do.")
        statuses = ", ".join(f"{count} {LISTING_STATES.get(status, status.lower())}"
                             for status, count in summary["products"].items())
        click.echo(
            f"  {summary['cities']} cities, {summary['pickup_points']} pickup points, "
            f"{summary['categories']} categories, {summary['users']} accounts"
        )
        click.echo(f"  listings: {statuses or 'none'}; {summary['images']} pictures")
        click.echo(f"Demo accounts (password: {demo.DEMO_PASSWORD}):")
        for account in demo.DEMO_ACCOUNTS:
            click.echo(f"  {ROLE_WORDS.get(account['role'], account['role']):<6}  {account['email']:<24}  "
                       f"{format_phone(account['phone'])}")
        click.echo(f"Admin and staff sign-in codes arrive by SMS in the outbox: /dev/outbox. "
                   f"Staff tablet PIN: {demo.DEMO_STAFF_PIN}")
