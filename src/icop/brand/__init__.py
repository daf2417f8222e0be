"""Brand voice: samples embedded for retrieval into writers' prompts and draft similarity."""

from icop.brand.service import BrandVoice, VoiceExample

__all__ = ["BrandVoice", "VoiceExample"]
