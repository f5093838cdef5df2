"""The store: database engine, sessions, models' base and migrations."""
