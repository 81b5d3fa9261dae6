"""Outside services behind small interfaces. create_app() picks one implementation of each from configuration."""
