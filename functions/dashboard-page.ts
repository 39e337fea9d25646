/**
 * `GET /api/dashboard`: the dashboard as one HTML document. Its page (`dashboard/index.html`), style
 * (`dashboard/dashboard.css`) and compiled script (`dist/dashboard/dashboard.js`) are read from the app's
 * folder once and inlined, so the page needs no second request — every route of the app wants the
 * function key, and a page's own `<link>`/`<script src>` requests could not send it. The script reads
 * the key from the page's `?code=` and sends it to the API as `x-functions-key`.
 *
 * The answer forbids everything it does not need (a Content-Security-Policy that allows exactly its own
 * inline script and style by hash, and connections to this origin only), is never cached (its URL holds
 * the key) and sends no referrer.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The dashboard's files, relative to the app's folder (where `host.json` is): all in the package. */
export const DASHBOARD_FILES = {
  page: join("dashboard", "index.html"),
  style: join("dashboard", "dashboard.css"),
  script: join("dist", "dashboard", "dashboard.js"),
} as const;

/** Markers in the page replaced by the inlined style and script. */
const STYLE_MARKER = "<!-- dashboard.css -->";
const SCRIPT_MARKER = "<!-- dashboard.js -->";

/** The page and the headers it is served with. */
export interface DashboardDocument {
  readonly html: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The app's folder: the nearest folder above `from` holding `host.json` (the repository, or the zip's root). */
export function appFolderOf(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "host.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no host.json above ${from}: cannot find the app's folder`);
  }
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * The dashboard document from the files under `appFolder`.
 * @throws when a file is missing (the script is compiled by `npm run build`)
 */
export function buildDashboardDocument(appFolder: string): DashboardDocument {
  const read = (file: string) => readFileSync(join(appFolder, file), "utf8");
  const page = read(DASHBOARD_FILES.page);
  // `</` inside an inline element would end it early; neither file has one, but a later edit might.
  const style = read(DASHBOARD_FILES.style).replaceAll("</", "<\\/");
  const script = read(DASHBOARD_FILES.script)
    .replace(/^\/\/# sourceMappingURL=.*$/m, "")
    .replaceAll("</", "<\\/");
  if (!page.includes(STYLE_MARKER) || !page.includes(SCRIPT_MARKER))
    throw new Error(`${DASHBOARD_FILES.page} lacks its ${STYLE_MARKER} or ${SCRIPT_MARKER} marker`);
  const html = page
    .replace(STYLE_MARKER, () => `<style>${style}</style>`)
    .replace(SCRIPT_MARKER, () => `<script type="module">${script}</script>`);
  const policy = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "connect-src 'self'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    html,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": policy,
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
    },
  };
}

let cached: DashboardDocument | undefined;

/** The dashboard of this app (built once per process). */
export function dashboardDocument(): DashboardDocument {
  return (cached ??= buildDashboardDocument(appFolderOf(__dirname)));
}
