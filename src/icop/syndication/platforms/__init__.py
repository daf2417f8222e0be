"""Platform clients (issue #7): one per social API behind ``base.PlatformClient``.

- ``base``: the contract (dataclasses, typed errors, the client and OAuth protocols).
- ``facebook``, ``instagram``, ``threads``, ``x``: the four clients; ``meta`` holds what the
  three Meta APIs share, ``_http`` the transport-failure rules.
- ``oauth``: the connect flows (Meta, Threads, X with PKCE).
- ``factory``: ``build_platform_clients(settings, http)``, ``build_oauth_providers(settings,
  http)``, ``build_http_client(settings)`` — the real APIs, or the emulator when
  ``ICOP_PLATFORM_EMULATOR_URL`` is set.
"""
