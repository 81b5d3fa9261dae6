"""`flask backup`, `flask backups`, `flask restore <name>` and `flask offload`: the operator's storage
commands (the rules are vgk.services.storage's)."""
import click


def _size(count):
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"


def register(app):
    @app.cli.command("backup")
    def backup():
        """Back up the database and the local files now (then apply the retention: 7 daily, 4 weekly)."""
        from vgk.services.storage import backups

        made = backups.create()
        click.echo(f"Backup {made.name} ({_size(made.size)}) stored.")

    @app.cli.command("backups")
    def list_backups():
        """List the backups kept, newest first."""
        from vgk.services.storage import backups

        kept = backups.listing()
        for item in kept:
            click.echo(f"{item.name}  {_size(item.size):>9}  {item.local_date}")
        if not kept:
            click.echo("No backup yet: `flask backup` makes one.")

    @app.cli.command("restore")
    @click.argument("name")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def restore(name, yes):
        """Replace the database and the local files with backup NAME (stop the web and worker processes first)."""
        from vgk.services.storage import backups

        if not yes:
            click.confirm(f"Replace this site's database with {name}?", abort=True)
        try:
            done = backups.restore(name)
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Restored {done.name}: {len(done.tables)} tables, {sum(done.tables.values())} rows, "
                   f"{done.files} files.")

    @app.cli.command("offload")
    @click.option("--dry-run", is_flag=True, help="Only show what would move.")
    def offload_now(dry_run):
        """Move the files the offload rules pick to Dropbox now (one batch)."""
        from vgk.integrations import registry
        from vgk.services.storage import files, offload

        if registry.remote_storage() is None:
            raise click.ClickException("STORAGE_BACKEND is not dropbox: every file stays on this disk.")
        files.index()
        if dry_run:
            plan = offload.plan()
            for item in plan.candidates:
                click.echo(f"{item.key}  {_size(item.size)}  ({item.reason})")
            click.echo(f"{len(plan.candidates)} files, {_size(plan.bytes)} would move.")
            return
        done = offload.run()
        click.echo(f"{done.moved} files moved ({_size(done.moved_bytes)}), {done.failed} failed.")
