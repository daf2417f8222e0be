"""A brand kit as one version stores it, and the difference between two."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from icop.brand.fonts import BrandFont
from icop.brand.learning.schemas import PaletteEntry, ToneProfile
from icop.brand.palette import DEFAULT_SPEC, BrandSpec
from icop.models import TenantBrandKit

# The columns the renderer reads; everything else of a snapshot lives in brand_kits.profile.
KIT_COLUMNS = ("name", "background", "accent", "text", "font")


class KitSnapshot(BaseModel):
    """A whole kit as one version stores it."""

    name: str = Field(max_length=80)
    background: str
    accent: str
    text: str
    font: BrandFont | None = None
    palette: list[PaletteEntry] = Field(default_factory=list)
    declared_fonts: list[str] = Field(default_factory=list)
    heading_font: str | None = None
    body_font: str | None = None
    tone: ToneProfile | None = None

    def spec(self) -> BrandSpec:
        return BrandSpec(
            name=self.name,
            background=self.background,
            accent=self.accent,
            text=self.text,
            font=self.font.value if self.font else None,
        )

    def profile(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude=set(KIT_COLUMNS))


class KitChange(BaseModel):
    field: str
    before: Any = None
    after: Any = None


def snapshot_of(kit: TenantBrandKit | None) -> KitSnapshot:
    if kit is None:
        spec = DEFAULT_SPEC
        return KitSnapshot(
            name=spec.name, background=spec.background, accent=spec.accent, text=spec.text
        )
    font: BrandFont | None
    try:
        font = BrandFont(kit.font) if kit.font else None
    except ValueError:
        font = None
    return KitSnapshot.model_validate(
        {
            **(kit.profile or {}),
            "name": kit.name,
            "background": kit.background,
            "accent": kit.accent,
            "text": kit.text,
            "font": font,
        }
    )


def diff(before: KitSnapshot, after: KitSnapshot) -> list[KitChange]:
    """Field by field; the tone field by field too (a changed formality reads as such)."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    changes: list[KitChange] = []
    for name in KitSnapshot.model_fields:
        if name == "tone" and isinstance(old.get(name), dict) and isinstance(new.get(name), dict):
            for key in sorted(set(old[name]) | set(new[name])):
                if old[name].get(key) != new[name].get(key):
                    changes.append(
                        KitChange(
                            field=f"tone.{key}", before=old[name].get(key), after=new[name].get(key)
                        )
                    )
        elif old.get(name) != new.get(name):
            changes.append(KitChange(field=name, before=old.get(name), after=new.get(name)))
    return changes
