"""Trend sources behind one protocol (``TrendSource``): RSS/Atom feeds, Instagram hashtag
search, Pinterest trends, YouTube most popular."""
