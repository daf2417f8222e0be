"""Brand voice: samples embedded for retrieval into writers' prompts and draft similarity."""

from icop.brand.service import BrandVoiceService, VoiceExample

__all__ = ["BrandVoiceService", "VoiceExample"]
