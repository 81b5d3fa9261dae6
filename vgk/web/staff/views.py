"""Views: thin, they read the request, call a service and render."""
