"use client";

import { Alert, Loader, Text } from "@mantine/core";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";

import { handActions, loadableSource, objectsById, scalesOnly } from "@/lib/designs/edits";
import type { DesignDocument, DesignObject, HandAction } from "@/lib/designs/types";

/** The largest width the canvas takes on the page; a larger design is shown zoomed out (Fabric
 * maps the pointer back to design pixels, so edits stay exact). */
const MAX_DISPLAY_WIDTH = 560;

type Props = {
  document: DesignDocument;
  /** Bumped by the page whenever the stored document must be drawn again (after a save, a
   * refusal, a conflict), even when it is the same object. */
  revision: number;
  readOnly: boolean;
  previewUrl: string;
  onEdit: (actions: HandAction[]) => void;
};

type FabricModule = typeof import("fabric");
type FabricCanvas = InstanceType<FabricModule["Canvas"]>;
type FabricThing = InstanceType<FabricModule["FabricObject"]> & { id?: string; text?: string };

/** Object-store pictures cannot load in the browser: a grey stand-in of the same size keeps
 * the layout (the server renders the real picture in the preview and the JPEG). */
function placeholder(item: DesignObject): string {
  const width = Math.max(1, Math.round((item.width ?? 1) + Number(item.cropX ?? 0)));
  const height = Math.max(1, Math.round((item.height ?? 1) + Number(item.cropY ?? 0)));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#cbd5e1"/></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The stored document as Fabric 6 loads it: ICOP places a group's members from the group's
 * corner, Fabric from its centre; pictures the browser cannot fetch get a stand-in. */
function browserDocument(document: DesignDocument): DesignDocument {
  const fix = (item: DesignObject): DesignObject => ({
    ...item,
    ...(item.type === "Image" && typeof item.src === "string" && !loadableSource(item.src) ? { src: placeholder(item) } : {}),
  });
  const fromCentre = (group: DesignObject) => (member: DesignObject): DesignObject => ({
    ...fix(member),
    left: (member.left ?? 0) - (group.width ?? 0) / 2,
    top: (member.top ?? 0) - (group.height ?? 0) / 2,
  });
  return {
    ...document,
    objects: document.objects.map((item) => (item.objects ? { ...fix(item), objects: item.objects.map(fromCentre(item)) } : fix(item))),
  };
}

/**
 * The design on a Fabric.js 6 canvas: select, drag, resize, turn, and edit text in place (a
 * double click on a text box). Fabric is loaded on demand (`import("fabric")`), so it weighs
 * only on this page and only once it renders. Each finished gesture is reported as the API's
 * actions; the page saves them and hands back the stored document, which is drawn again.
 */
export function DesignCanvas({ document, revision, readOnly, previewUrl, onEdit }: Props) {
  const t = useTranslations("designEditor");
  const holder = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<FabricCanvas | null>(null);
  const fabricRef = useRef<FabricModule | null>(null);
  const documentRef = useRef(document);
  const onEditRef = useRef(onEdit);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  const zoom = Math.min(1, MAX_DISPLAY_WIDTH / document.width);

  documentRef.current = document;
  onEditRef.current = onEdit;

  // The canvas once per mount: Fabric's module, the element, the gesture handlers.
  useEffect(() => {
    let disposed = false;
    const element = window.document.createElement("canvas");
    holder.current?.replaceChildren(element);
    void (async () => {
      try {
        // After the page's load event: Fabric (~100 kB gzipped) is not part of what the page
        // needs to show itself, and a chunk requested before it would hold the event back.
        if (window.document.readyState !== "complete") {
          await new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
        }
        const fabric = await import("fabric");
        if (disposed) return;
        fabricRef.current = fabric;
        const canvas = new fabric.Canvas(element, {
          selection: false, // one object at a time: a hand edit names one target
          preserveObjectStacking: true,
          enableRetinaScaling: true,
        });
        canvasRef.current = canvas;
        canvas.on("object:modified", ({ target }) => {
          const thing = target as FabricThing;
          const before = thing.id ? objectsById(documentRef.current.objects).get(thing.id) : undefined;
          if (!before) return;
          const actions = handActions(before, {
            left: thing.left,
            top: thing.top,
            width: thing.width,
            height: thing.height,
            scaleX: thing.scaleX,
            scaleY: thing.scaleY,
            angle: thing.angle,
          });
          if (before.type === "Textbox" && typeof thing.text === "string" && thing.text !== before.text) {
            actions.push({ kind: "set_text", targets: [before.id], text: thing.text });
          }
          if (actions.length > 0) onEditRef.current(actions);
        });
        setState("ready");
      } catch {
        if (!disposed) setState("failed");
      }
    })();
    return () => {
      disposed = true;
      void canvasRef.current?.dispose();
      canvasRef.current = null;
    };
  }, []);

  // The stored document, drawn again whenever the page says so.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (state !== "ready" || !canvas) return;
    let current = true;
    void (async () => {
      try {
        canvas.discardActiveObject();
        canvas.setZoom(zoom);
        canvas.setDimensions({ width: Math.round(document.width * zoom), height: Math.round(document.height * zoom) });
        await canvas.loadFromJSON(browserDocument(document));
        if (!current) return;
        canvas.setZoom(zoom);
        for (const thing of canvas.getObjects()) {
          thing.set({ selectable: !readOnly, evented: !readOnly, hasControls: !readOnly });
          if (thing.type === "Textbox" || thing.type === "textbox") (thing as unknown as { editable: boolean }).editable = !readOnly;
          if (scalesOnly(thing.type.charAt(0).toUpperCase() + thing.type.slice(1))) {
            thing.setControlsVisibility({ ml: false, mr: false, mt: false, mb: false });
          }
        }
        canvas.requestRenderAll();
      } catch {
        if (current) setState("failed");
      }
    })();
    return () => {
      current = false;
    };
  }, [state, document, revision, readOnly, zoom]);

  return (
    <div>
      <div
        ref={holder}
        role="group"
        aria-label={t("canvas", { width: document.width, height: document.height })}
        data-testid="design-canvas"
        data-zoom={zoom}
        data-ready={state === "ready" ? "true" : "false"}
        style={{
          width: Math.round(document.width * zoom),
          height: Math.round(document.height * zoom),
          border: "1px solid var(--mantine-color-gray-4)",
          display: state === "failed" ? "none" : "block",
        }}
      />
      {state === "loading" && (
        <Text size="sm" c="dimmed">
          <Loader size="xs" mr="xs" />
          {t("loading")}
        </Text>
      )}
      {state === "failed" && (
        <>
          <Alert color="yellow" role="status">
            {t("loadFailed")}
          </Alert>
          {/* eslint-disable-next-line @next/next/no-img-element -- the API's PNG, sized by the design */}
          <img src={previewUrl} alt={t("canvas", { width: document.width, height: document.height })} width={Math.round(document.width * zoom)} />
        </>
      )}
    </div>
  );
}
