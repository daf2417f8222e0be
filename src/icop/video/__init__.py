"""Short vertical videos from an article or a brief (issue 18): the scene planner, storyboard,
video director and reviewer agents, the providers that render segments (the local renderer,
Veo, ComfyUI AnimateDiff), the edit that assembles them, and the durable video workflow."""
