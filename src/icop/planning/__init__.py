"""The planning service: content pipelines, the content plan's sheets and sub-topic generation."""
