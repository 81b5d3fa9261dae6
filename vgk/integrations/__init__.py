"""Outside services behind small interfaces. create_app() picks one implementation of each from configuration
and installs them on the app; `registry` hands them out, typed."""
