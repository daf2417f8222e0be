"""Platform clients (issue #7): one per social API behind ``base.PlatformClient``."""
