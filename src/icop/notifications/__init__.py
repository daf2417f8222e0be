"""In-app notifications: written in the same unit of work as the event they announce, so a
notice exists exactly when its cause committed; each member marks them read for themselves."""
