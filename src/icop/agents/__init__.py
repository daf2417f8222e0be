"""The agents service: the article graph (LangGraph), its roles, runtimes and schemas."""
