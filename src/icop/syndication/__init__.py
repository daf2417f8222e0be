"""Social syndication: getting an article's social copy onto Facebook Pages, Instagram, Threads
and X (issue #7). Subpackages hold the parts; `validation` is the pure, I/O-free stage that checks
and auto-fixes a post before anything is sent."""
