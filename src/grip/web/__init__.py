"""The web app: a thin shell of routes and templates over the library."""
