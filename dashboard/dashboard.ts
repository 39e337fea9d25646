/**
 * The dashboard's script (compiled to `dist/dashboard/dashboard.js`, inlined into the page by
 * `functions/dashboard-page.ts`). It polls the API with the page's key and draws the environments, and
 * for the selected one: its resources as a DAG coloured by state, a timeline of when each ran with the
 * critical path and the ETA, its failures, the plan's diff against Azure, its outputs, and the buttons
 * that re-apply, cancel and destroy it. Plain DOM and SVG: nothing to load from anywhere else.
 */

// ---- What the API answers (the parts drawn here; see functions/openapi.ts) ---------------------------

interface ReportedError {
  readonly nodeKey?: string;
  readonly code: string;
  readonly message: string;
}
interface Progress {
  readonly operation: "apply" | "destroy";
  readonly stage?: string;
  readonly nodes: Readonly<Record<string, string>>;
  readonly elapsedSec: number;
  readonly etaSec: number;
  readonly failures: readonly ReportedError[];
  readonly timeline?: Readonly<Record<string, { readonly startSec: number; readonly endSec?: number }>>;
}
interface Environment {
  readonly environmentId: string;
  readonly planHash: string;
  readonly spec: unknown;
  readonly createdAt: string;
  readonly lastOperation?: {
    readonly action: "apply" | "destroy";
    readonly status: "running" | "succeeded" | "failed" | "canceled";
    readonly startedAt: string;
    readonly endedAt?: string;
  };
  readonly resultSummary?: { readonly failures: readonly ReportedError[]; readonly leftInAzure?: string[] };
  readonly outputs?: Record<string, unknown>;
  readonly runtimeStatus?: string;
  readonly progress?: Progress;
}
interface GraphNode {
  readonly key: string;
  readonly kind: string;
  readonly stage: string;
  readonly dependsOn: readonly string[];
  readonly estimatedDurationSec: number;
  readonly critical: boolean;
  readonly layer: number;
  readonly order: number;
}
interface Graph {
  readonly planHash: string;
  readonly estimatedBuildSec: number;
  readonly criticalPath: { readonly keys: readonly string[] };
  readonly nodes: readonly GraphNode[];
}
interface Preview {
  readonly changes: Readonly<Record<string, number>>;
  readonly nodes: readonly {
    readonly key: string;
    readonly kind: string;
    readonly change: string;
    readonly changedPaths?: readonly string[];
    readonly reason?: string;
  }[];
}

// ---- Words: the same as envctl's (cli/live/node-words.ts) -------------------------------------------

/** A node's state in the user's words, for the environment's running or last operation. */
function nodeWord(state: string | undefined, environment: Environment): string {
  const destroy = environment.progress?.operation === "destroy";
  switch (state) {
    case "pending":
      return "waiting";
    case "creating":
      // Without a diff taken before the build: a first build creates, a re-apply brings things up to date.
      return destroy
        ? "deleting"
        : environment.createdAt === environment.lastOperation?.startedAt
          ? "creating"
          : "updating";
    case "succeeded":
      return destroy ? "deleted" : "done";
    case "waiting":
      return "needs input";
    case undefined:
      return "unknown";
    default:
      return state;
  }
}

const FINISHED = new Set(["done", "deleted", "unchanged", "failed", "skipped"]);
const POLL_MS = 1500;
const SVG = "http://www.w3.org/2000/svg";

// ---- The page's state -----------------------------------------------------------------------------

const key = new URLSearchParams(location.search).get("code") ?? "";
let environments: Environment[] = [];
let selectedId: string | undefined = decodeURIComponent(location.hash.replace(/^#/, "")) || undefined;
let selected: Environment | undefined;
let graph: Graph | undefined;
let preview: Preview | undefined;
let previewFor: string | undefined;
/** The selected environment's status at the last poll: a build that just ended gets a fresh diff. */
let lastStatus: string | undefined;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const svgById = (id: string) => document.getElementById(id) as unknown as SVGSVGElement;

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`/api/${path}`, { ...init, headers: { "x-functions-key": key, ...init.headers } });
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  attributes: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (text !== undefined) created.textContent = text;
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, value);
  return created;
}

function svg(tag: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const created = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, String(value));
  if (text !== undefined) created.textContent = text;
  return created;
}

/** `75` ⇒ `1m 15s`; tenths below ten seconds (a local build is fast). */
function duration(sec: number): string {
  if (sec < 10) return `${Math.max(0, Math.round(sec * 10) / 10)}s`;
  const whole = Math.round(sec);
  const minutes = Math.floor(whole / 60);
  return minutes > 0 ? `${minutes}m ${whole % 60}s` : `${whole}s`;
}

function statusOf(environment: Environment): string {
  return environment.lastOperation?.status ?? "new";
}

// ---- Drawing ------------------------------------------------------------------------------------

function renderList(): void {
  const list = byId<HTMLUListElement>("environments");
  list.replaceChildren(
    ...environments.map((environment) => {
      const item = element("li");
      const button = element("button", undefined, {
        "data-testid": "env-row",
        "data-env": environment.environmentId,
        "aria-current": String(environment.environmentId === selectedId),
      });
      button.append(
        element("strong", environment.environmentId),
        element("span", statusOf(environment), { class: "badge", "data-status": statusOf(environment) }),
        element(
          "span",
          environment.lastOperation
            ? `${environment.lastOperation.action} since ${new Date(environment.lastOperation.startedAt).toLocaleString()}`
            : "",
          { class: "when" },
        ),
      );
      button.addEventListener("click", () => select(environment.environmentId));
      item.append(button);
      return item;
    }),
  );
  byId("no-environments").hidden = environments.length > 0;
}

function renderSummary(environment: Environment): void {
  const operation = environment.lastOperation;
  const status = statusOf(environment);
  byId("env-title").textContent = environment.environmentId;
  const badge = byId("env-status");
  badge.textContent = operation ? `${operation.action} ${status}` : status;
  badge.dataset.status = status;
  const progress = environment.progress;
  const total = graph?.nodes.length ?? Object.keys(progress?.nodes ?? {}).length;
  const words = graph?.nodes.map((node) => nodeWord(progress?.nodes[node.key], environment)) ?? [];
  const finished = words.filter((word) => FINISHED.has(word)).length;
  const running = status === "running";
  const parts = [
    `${finished}/${total} resources finished`,
    progress ? `elapsed ${duration(progress.elapsedSec)}` : "",
    running && progress ? `ETA ~${duration(progress.etaSec)}` : "",
    progress?.stage && running ? `stage ${progress.stage}` : "",
  ];
  byId("env-progress").textContent = parts.filter((part) => part !== "").join(" · ");
  byId("bar-fill").style.width = `${total > 0 ? Math.round((100 * finished) / total) : 0}%`;
  byId<HTMLButtonElement>("cancel").disabled = !running;
  byId<HTMLButtonElement>("apply").disabled = running;
  byId<HTMLButtonElement>("destroy").disabled = running;
}

function renderFailures(environment: Environment): void {
  const failures = environment.progress?.failures ?? environment.resultSummary?.failures ?? [];
  byId("failures-section").hidden = failures.length === 0;
  byId("failures").replaceChildren(
    ...failures.map((failure) => {
      const item = element("li", undefined, { "data-node": failure.nodeKey ?? "" });
      item.append(
        element("strong", `${failure.nodeKey ?? environment.environmentId}: `),
        element("code", failure.code),
        document.createTextNode(` ${failure.message}`),
      );
      return item;
    }),
  );
}

/** How long a node has run (or ran), in wall seconds, from the timeline. */
function nodeElapsed(environment: Environment, nodeKey: string): number | undefined {
  const span = environment.progress?.timeline?.[nodeKey];
  if (!span) return undefined;
  return (span.endSec ?? environment.progress!.elapsedSec) - span.startSec;
}

const NODE = { width: 176, height: 34, gapX: 44, gapY: 12, pad: 12 };

function renderGraph(environment: Environment): void {
  const canvas = svgById("graph");
  if (!graph) return void canvas.replaceChildren();
  const position = new Map(
    graph.nodes.map((node) => [
      node.key,
      {
        x: NODE.pad + node.layer * (NODE.width + NODE.gapX),
        y: NODE.pad + node.order * (NODE.height + NODE.gapY),
      },
    ]),
  );
  const layers = Math.max(...graph.nodes.map((node) => node.layer)) + 1;
  const rows = Math.max(...graph.nodes.map((node) => node.order)) + 1;
  const width = NODE.pad * 2 + layers * (NODE.width + NODE.gapX) - NODE.gapX;
  const height = NODE.pad * 2 + rows * (NODE.height + NODE.gapY) - NODE.gapY;
  // The whole graph in view: scaled down to the panel's width when wider, never scaled up.
  canvas.setAttribute("viewBox", `0 0 ${width} ${height}`);
  canvas.setAttribute("width", String(width));
  canvas.setAttribute("height", String(height));
  canvas.style.width = "100%";
  canvas.style.maxWidth = `${width}px`;
  canvas.style.height = "auto";
  const criticalEdges = new Set(
    graph.criticalPath.keys.slice(1).map((nodeKey, index) => `${graph!.criticalPath.keys[index]}>${nodeKey}`),
  );
  const edges = graph.nodes.flatMap((node) =>
    node.dependsOn.map((dependency) => {
      const from = position.get(dependency)!;
      const to = position.get(node.key)!;
      const [x1, y1] = [from.x + NODE.width, from.y + NODE.height / 2];
      const [x2, y2] = [to.x, to.y + NODE.height / 2];
      const bend = (x2 - x1) / 2;
      return svg("path", {
        class: criticalEdges.has(`${dependency}>${node.key}`) ? "edge critical" : "edge",
        d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
      });
    }),
  );
  const boxes = graph.nodes.map((node) => {
    const { x, y } = position.get(node.key)!;
    const word = nodeWord(environment.progress?.nodes[node.key], environment);
    const ran = nodeElapsed(environment, node.key);
    const group = svg("g", {
      class: node.critical ? "node critical" : "node",
      "data-node": node.key,
      "data-state": word,
      "data-testid": "graph-node",
      transform: `translate(${x},${y})`,
    });
    const title = svg("title", {}, `${node.key} (${node.kind}, ${node.stage}): ${word}`);
    group.append(
      title,
      svg("rect", { width: NODE.width, height: NODE.height, rx: 5 }),
      svg("text", { x: 6, y: 14 }, node.key.length > 28 ? `${node.key.slice(0, 27)}…` : node.key),
      svg("text", { x: 6, y: 28 }, ran === undefined ? word : `${word} · ${duration(ran)}`),
    );
    return group;
  });
  canvas.replaceChildren(...edges, ...boxes);
}

const TIMELINE = { label: 210, width: 760, row: 16, pad: 8, axis: 18 };

function renderTimeline(environment: Environment): void {
  const canvas = svgById("timeline");
  const progress = environment.progress;
  const timeline = progress?.timeline ?? {};
  const critical = new Set(graph?.criticalPath.keys ?? []);
  const started = Object.entries(timeline).sort(
    ([a, x], [b, y]) => x.startSec - y.startSec || a.localeCompare(b),
  );
  const running = statusOf(environment) === "running";
  const nowSec = progress?.elapsedSec ?? 0;
  const etaAtSec = running ? nowSec + (progress?.etaSec ?? 0) : nowSec;
  const spanSec = Math.max(1, etaAtSec, ...started.map(([, span]) => span.endSec ?? nowSec));
  const x = (sec: number) => TIMELINE.label + (sec / spanSec) * TIMELINE.width;
  const height = TIMELINE.axis + TIMELINE.pad * 2 + Math.max(1, started.length) * TIMELINE.row;
  canvas.setAttribute("width", String(TIMELINE.label + TIMELINE.width + 60));
  canvas.setAttribute("height", String(height));
  const parts: SVGElement[] = [];
  const step = niceStep(spanSec / 8);
  for (let tick = 0; tick <= spanSec; tick += step) {
    parts.push(
      svg("line", { class: "axis", x1: x(tick), x2: x(tick), y1: TIMELINE.axis - 4, y2: height }),
      svg("text", { x: x(tick) + 2, y: 11, class: "stage-label" }, duration(tick)),
    );
  }
  if (started.length === 0) {
    parts.push(svg("text", { x: 8, y: TIMELINE.axis + 14 }, "Nothing has started in this operation yet."));
  }
  started.forEach(([nodeKey, span], index) => {
    const y = TIMELINE.axis + TIMELINE.pad + index * TIMELINE.row;
    const word = nodeWord(progress?.nodes[nodeKey], environment);
    const end = span.endSec ?? nowSec;
    parts.push(
      svg("text", { x: 4, y: y + 11 }, `${critical.has(nodeKey) ? "★ " : ""}${nodeKey}`),
      svg("rect", {
        class: critical.has(nodeKey) ? "span critical" : "span",
        "data-node": nodeKey,
        "data-state": word,
        "data-testid": "timeline-span",
        x: x(span.startSec),
        y: y + 2,
        width: Math.max(2, x(end) - x(span.startSec)),
        height: TIMELINE.row - 4,
        rx: 2,
      }),
    );
  });
  if (running) {
    parts.push(
      svg("line", { class: "now", x1: x(nowSec), x2: x(nowSec), y1: TIMELINE.axis - 4, y2: height }),
    );
    parts.push(
      svg("line", { class: "eta", x1: x(etaAtSec), x2: x(etaAtSec), y1: TIMELINE.axis - 4, y2: height }),
    );
    parts.push(
      svg(
        "text",
        { x: x(etaAtSec) + 3, y: height - 4, "data-testid": "timeline-eta" },
        `ETA ${duration(etaAtSec - nowSec)}`,
      ),
    );
  }
  canvas.replaceChildren(...parts);
}

/** A round step for an axis: 1, 2 or 5 times a power of ten. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 0.1)));
  return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= rough) ?? rough;
}

function renderPlan(): void {
  const table = byId<HTMLTableElement>("plan");
  if (!preview) return void table.replaceChildren();
  const changes = Object.entries(preview.changes)
    .filter(([, count]) => count > 0)
    .map(([change, count]) => `${count} ${change}`);
  byId("plan-summary").textContent = `Against Azure now: ${changes.join(", ")}.`;
  const head = element("tr");
  head.append(
    element("th", "resource"),
    element("th", "kind"),
    element("th", "change"),
    element("th", "what"),
  );
  table.replaceChildren(
    head,
    ...preview.nodes.map((node) => {
      const row = element("tr", undefined, { "data-node": node.key });
      row.append(
        element("td", node.key),
        element("td", node.kind),
        element("td", node.change, { "data-change": node.change }),
        element("td", node.changedPaths?.join(", ") ?? node.reason ?? ""),
      );
      return row;
    }),
  );
}

/** Outputs as dotted paths: endpoints and secret names (the API never holds a secret value). */
function renderOutputs(environment: Environment): void {
  const rows: [string, string][] = [];
  const walk = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [name, inner] of Object.entries(value)) walk(prefix ? `${prefix}.${name}` : name, inner);
    } else rows.push([prefix, Array.isArray(value) ? value.join(", ") : String(value)]);
  };
  walk("", environment.outputs ?? {});
  const list = byId("outputs");
  list.replaceChildren(...rows.flatMap(([name, value]) => [element("dt", name), element("dd", value)]));
  if (rows.length === 0) list.replaceChildren(element("dd", "none (nothing built, or destroyed)"));
}

function render(): void {
  renderList();
  byId("environment").hidden = selected === undefined;
  if (!selected) return;
  renderSummary(selected);
  renderFailures(selected);
  renderGraph(selected);
  renderTimeline(selected);
  renderPlan();
  renderOutputs(selected);
}

// ---- Talking to the API -------------------------------------------------------------------------

function connection(text: string, failed = false): void {
  const status = byId("connection");
  status.textContent = text;
  status.classList.toggle("error", failed);
}

async function loadPreview(environmentId: string): Promise<void> {
  previewFor = environmentId;
  byId("plan-summary").textContent = "Comparing with Azure…";
  const response = await api(`environments/${encodeURIComponent(environmentId)}/plan`, { method: "POST" });
  if (selectedId !== environmentId) return;
  preview = response.ok ? ((await response.json()) as Preview) : undefined;
  if (!response.ok) byId("plan-summary").textContent = `The comparison failed (${response.status}).`;
  render();
}

async function refresh(): Promise<void> {
  const listed = await api("environments");
  if (listed.status === 401)
    return connection("the key was refused: open the URL envctl or npm start printed", true);
  if (!listed.ok) return connection(`the API answered ${listed.status}`, true);
  environments = ((await listed.json()) as { environments: Environment[] }).environments;
  selectedId ??= environments[0]?.environmentId;
  const asked = selectedId;
  if (asked) {
    const response = await api(`environments/${encodeURIComponent(asked)}`);
    const loaded = response.ok ? ((await response.json()) as Environment) : undefined;
    // Another environment was selected meanwhile: its own refresh shows it, not this answer.
    if (selectedId !== asked) return;
    selected = loaded;
    if (selected && graph?.planHash !== selected.planHash) {
      const answer = await api(`environments/${encodeURIComponent(asked)}/graph`);
      graph = answer.ok ? ((await answer.json()) as Graph) : undefined;
    }
    const status = selected ? statusOf(selected) : undefined;
    if (status !== undefined && status !== "running" && (previewFor !== asked || lastStatus === "running"))
      void loadPreview(asked);
    lastStatus = status;
  }
  connection(`updated ${new Date().toLocaleTimeString()}`);
  render();
}

async function poll(): Promise<void> {
  try {
    await refresh();
  } catch (error) {
    connection(`cannot reach the API: ${error instanceof Error ? error.message : String(error)}`, true);
  }
  setTimeout(() => void poll(), POLL_MS);
}

function select(environmentId: string): void {
  if (environmentId === selectedId) return;
  selectedId = environmentId;
  selected = undefined;
  graph = undefined;
  preview = undefined;
  previewFor = undefined;
  lastStatus = undefined;
  location.hash = encodeURIComponent(environmentId);
  // Nothing of the previous environment stays on screen (its status, its Destroy button) while the
  // new one loads.
  byId("env-status").textContent = "";
  render();
  void refresh();
}

/** Runs an action and says how the API answered (its problem's detail when refused). */
async function act(what: string, request: Promise<Response>): Promise<void> {
  const result = byId("action-result");
  result.textContent = `${what}…`;
  const response = await request;
  const body = (await response.json().catch(() => ({}))) as { detail?: string };
  result.textContent = response.ok
    ? `${what}: accepted (${response.status})`
    : `${what}: refused (${response.status}) ${body.detail ?? ""}`;
  await refresh();
}

/**
 * The recorded spec, as a user would send it again: with every default written out (so the plan is the
 * same), without `appliedDefaults`, the record's note of which they were (not part of a spec).
 */
function specToReapply(spec: unknown): unknown {
  const { appliedDefaults: _noted, ...rest } = spec as Record<string, unknown>;
  return rest;
}

function wireActions(): void {
  byId("apply").addEventListener("click", () => {
    if (!selected) return;
    preview = undefined;
    previewFor = selected.environmentId;
    void act(
      "Re-apply",
      api("environments", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(specToReapply(selected.spec)),
      }),
    );
  });
  byId("cancel").addEventListener("click", () => {
    if (!selected) return;
    void act(
      "Cancel",
      api(`environments/${encodeURIComponent(selected.environmentId)}/cancel`, { method: "POST" }),
    );
  });
  const dialog = byId<HTMLDialogElement>("destroy-dialog");
  const confirmation = byId<HTMLInputElement>("destroy-confirm");
  const go = byId<HTMLButtonElement>("destroy-go");
  byId("destroy").addEventListener("click", () => {
    if (!selected) return;
    byId("destroy-name").textContent = selected.environmentId;
    byId("destroy-hint").textContent = selected.environmentId;
    confirmation.value = "";
    go.disabled = true;
    dialog.showModal();
  });
  confirmation.addEventListener(
    "input",
    () => (go.disabled = confirmation.value !== selected?.environmentId),
  );
  byId("destroy-keep").addEventListener("click", () => dialog.close());
  go.addEventListener("click", () => {
    if (!selected || confirmation.value !== selected.environmentId) return;
    dialog.close();
    const keyVault = byId<HTMLInputElement>("destroy-purge").checked ? "purge" : "keep";
    preview = undefined;
    previewFor = selected.environmentId;
    void act(
      "Destroy",
      api(`environments/${encodeURIComponent(selected.environmentId)}?keyVault=${keyVault}`, {
        method: "DELETE",
      }),
    );
  });
  byId("refresh-plan").addEventListener("click", () => {
    if (selectedId) void loadPreview(selectedId);
  });
}

wireActions();
void poll();
