/** The designs API as the editor page uses it (issue 14; src/icop/api/designs: DesignOut,
 * CommandOut, the versions list, the problems it answers). The shapes follow the API's
 * OpenAPI document; the page reads them through these names. */

/** One object of a design's canvas as Fabric.js 6 serialises it, with ICOP's metadata. */
export type DesignObject = {
  id: string;
  type: string;
  name?: string | null;
  role?: string | null;
  left?: number;
  top?: number;
  width?: number;
  height?: number;
  scaleX?: number;
  scaleY?: number;
  angle?: number;
  text?: string;
  src?: string;
  objects?: DesignObject[];
  [key: string]: unknown;
};

export type DesignDocument = {
  version?: string;
  width: number;
  height: number;
  background?: string | null;
  objects: DesignObject[];
};

export type Design = {
  id: string;
  article_id: string | null;
  image_id: string | null;
  preset: string;
  width: number;
  height: number;
  head: number;
  versions: number;
  can_undo: boolean;
  can_redo: boolean;
  document: DesignDocument;
  preview_url: string;
  published_version: number | null;
  published_url: string | null;
  created_at: string;
  updated_at: string;
};

export type Candidate = {
  id: string;
  type: string;
  name: string | null;
  role: string | null;
  text: string | null;
};

export type CommandResult = {
  design: Design;
  description: string;
  actions: unknown[];
  source: string;
};

export type DesignVersion = {
  number: number;
  parent: number | null;
  note: string | null;
  actions_count: number;
  created_at: string;
  preview_url: string;
  is_head: boolean;
};

/** A hand edit or a command's change, as the API's action union spells it
 * (src/icop/designs/actions.py). The canvas sends these kinds. */
export type HandAction =
  | { kind: "move"; targets: string[]; x: number; y: number; relative: false }
  | { kind: "resize"; targets: string[]; scale?: number; width?: number; height?: number }
  | { kind: "rotate"; targets: string[]; angle: number; relative: false }
  | { kind: "set_text"; targets: string[]; text: string };

/** A problem+json answer of the API (RFC 9457) with ICOP's extensions. */
export type Problem = {
  status?: number;
  code?: string;
  title?: string;
  detail?: string;
  head?: number;
  candidates?: Candidate[];
};
