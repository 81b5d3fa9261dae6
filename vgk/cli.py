"""Flask CLI commands."""
import click


def register(app):
    @app.cli.command("rq-worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def rq_worker(burst):
        """Run a background job worker (needs REDIS_URL)."""
        from flask import current_app

        from vgk.jobs.worker import run_worker

        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException("REDIS_URL is not set: jobs already run inline.")
        run_worker(current_app._get_current_object(), burst=burst)
