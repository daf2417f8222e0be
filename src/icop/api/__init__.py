"""The HTTP composition root: the FastAPI app, its lifespan (the process's ``Runtime`` and its
link to Temporal), readiness, and the registration of every service's router. It sits at the
top of the import layers: it may import every service, and no service imports it."""
