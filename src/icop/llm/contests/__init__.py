"""Writers that compete: each tenant's record of judged contests (compare-mode articles), the
leaderboard over it, and the ``best_judged`` routing mode that learns from it."""
