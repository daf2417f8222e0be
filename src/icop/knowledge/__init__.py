"""The tenant's knowledge store: uploaded documents, chunked, embedded and searchable."""
