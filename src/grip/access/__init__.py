"""Access and security: users, roles, sign-in, sessions, LA isolation, restricted cases, audit."""
