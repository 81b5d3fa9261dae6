"""Running the site rather than the site itself: the production shape on one machine (`make up`: nginx in
front of several gunicorn processes, an RQ worker, PostgreSQL and Redis), its nginx configuration and the
static files nginx serves. Nothing here is imported by the app."""
