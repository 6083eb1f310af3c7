"""The production front: nginx's configuration and the launcher of nginx and granian."""
