"""Video benchmark: a 30-second 1080x1920 video from a demo article with the local renderer
(the embedded default): the agents' deterministic plan, text-free brand backdrops (the image
service's local provider draws text cards, which the video never animates: ADR 0038), Ken
Burns segments rendered concurrently, the review, and the edit with its words as overlays
(H.264/AAC).

    .venv/bin/python -m benchmarks.video [--seconds 30]

Last line: RESULT render_s=… realtime_factor=… segments_regenerated=… valid_for=…

``valid_for``: the platforms whose documented limits the file meets, by this package's own
probe (``icop.video.review.valid_for``); once videopub's validator (``icop.platforms.video``)
is merged it is the authority and this line should use it.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from icop.images.providers.local import LocalRendererProvider
from icop.video.media import probe
from icop.video.pipeline import VideoFormat, make_video
from icop.video.providers.local import LocalVideoProvider
from icop.video.review import valid_for

ARTICLE = Path(__file__).with_name("data") / "video_article.md"


async def main(seconds: int, out: Path | None) -> None:
    text = await asyncio.to_thread(ARTICLE.read_text)
    title = text.splitlines()[0].lstrip("# ").strip()
    made = await make_video(
        None,  # no model: the agents' deterministic answers (the embedded default offline)
        LocalVideoProvider(),
        title=title,
        text=text,
        target_seconds=seconds,
        video=VideoFormat(platform="instagram"),
        images=LocalRendererProvider(),
    )
    facts = probe(made.data)
    if out:
        await asyncio.to_thread(out.write_bytes, made.data)
    print(
        f"video: {facts.width}x{facts.height} {facts.video_codec}/{facts.audio_codec} "
        f"{facts.fps:g} fps {facts.duration_s:.2f} s {facts.size_bytes / 1e6:.1f} MB, "
        f"{len(made.segments)} segments, review: {made.review.model_dump_json()}"
    )
    platforms = ",".join(valid_for(facts)) or "none"
    print(
        f"RESULT render_s={made.render_s:.1f} "
        f"realtime_factor={made.render_s / facts.duration_s:.2f} "
        f"segments_regenerated={made.regenerated} valid_for={platforms}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.out))
