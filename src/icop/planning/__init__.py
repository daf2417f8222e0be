"""Planning: content pipelines read from a sheet, sub-topic generation, schedules, write-back."""
