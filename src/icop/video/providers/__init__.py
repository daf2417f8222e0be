"""Segment providers behind one protocol (``base.VideoProvider``): the local renderer (the
embedded default), Veo through google-genai, ComfyUI AnimateDiff on a GPU host."""
