"""Running the site: whether it is ready to serve (`health`: database, Redis, the job queue, the worker's
scheduler, migrations — one report for /readyz, the mobile API's health and the metrics) and the state
of the background work the admin dashboard shows (`work`: queue, failed jobs, workers, heartbeat)."""
