/**
 * `POST /api/environments/import-opta`: Opta's files in, one spec of this service out, converted by the
 * same pure module as `envctl import-opta` (`lib/spec/opta-import.ts`). Nothing is stored or started.
 *
 * The files come as `multipart/form-data` (one `environment` part and any number of `service` parts, files
 * or plain fields) or as JSON (`{ "environment": "<yaml>", "services": ["<yaml>", …] }`). Problems name
 * the file as `environment` or `services[i]` (in the order given) before the path inside it. Each file
 * gets the spec parser's limits (size, aliases, nesting); the body as a whole is bounded too, and its
 * nesting is checked before JSON is parsed.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { nestsDeeperThan } from "../lib/spec/nesting";
import { importOpta, type OptaFile } from "../lib/spec/opta-import";
import { MAX_NESTING_DEPTH } from "../lib/spec/parse";
import type { SpecProblem } from "../lib/spec/types";
import { problemResponse } from "./problem";
import { declaredSpecFormat } from "./spec-body";

/** Largest body taken, in bytes (1 MiB): an environment file and its services are a few KiB each. */
export const MAX_OPTA_IMPORT_BODY_BYTES = 1024 * 1024;

/** Content types the files may be sent as, for 415 answers and the OpenAPI document. */
export const OPTA_IMPORT_CONTENT_TYPES = ["multipart/form-data", "application/json"] as const;

/** The label of the environment file and of the i-th service file in problems and warnings. */
const ENVIRONMENT_LABEL = "environment";
const serviceLabel = (index: number) => `services[${index}]`;

/** The files of a request, or the answer refusing it. */
type ImportFiles =
  | { readonly ok: true; readonly environment: OptaFile; readonly services: readonly OptaFile[] }
  | { readonly ok: false; readonly answer: HttpResponseInit };

function badRequest(detail: string, problems: readonly SpecProblem[] = []): ImportFiles {
  return {
    ok: false,
    answer: problemResponse({
      title: "Invalid Opta files",
      status: 400,
      detail,
      ...(problems.length > 0 ? { problems, warnings: [] } : {}),
    }),
  };
}

function tooLarge(bytes: number | string): ImportFiles {
  return {
    ok: false,
    answer: problemResponse({
      title: "Request too large",
      status: 413,
      detail: `the body is ${bytes} bytes; Opta files are taken up to ${MAX_OPTA_IMPORT_BODY_BYTES} bytes in all (and 256 KiB each)`,
    }),
  };
}

/** Reads the files from the request: multipart parts or a JSON body. */
export async function readOptaImportFiles(request: HttpRequest): Promise<ImportFiles> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_OPTA_IMPORT_BODY_BYTES) return tooLarge(declared);
  const contentType = request.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > MAX_OPTA_IMPORT_BODY_BYTES) return tooLarge(bytes.length);
  if (mediaType === "multipart/form-data") return fromMultipart(bytes, contentType);
  if (declaredSpecFormat(contentType) === "json") return fromJson(bytes.toString("utf8"));
  return {
    ok: false,
    answer: problemResponse({
      title: "Unsupported media type",
      status: 415,
      detail: `Opta files are sent as ${OPTA_IMPORT_CONTENT_TYPES.join(" or ")}, not ${contentType || "a body without a content type"}`,
    }),
  };
}

/** `environment` and `service` parts, as files or plain fields, in the order sent. */
async function fromMultipart(bytes: Buffer, contentType: string): Promise<ImportFiles> {
  let form: FormData;
  try {
    // The platform's own multipart parser (undici's), over a body already bounded above.
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch {
    return badRequest("the body is not valid multipart/form-data");
  }
  const problems: SpecProblem[] = [];
  const texts: { name: string; text: string }[] = [];
  for (const [name, value] of form.entries()) {
    if (name !== "environment" && name !== "service") {
      problems.push({
        path: name,
        message: "unknown part; send one environment part and any number of service parts",
      });
      continue;
    }
    texts.push({ name, text: typeof value === "string" ? value : await value.text() });
  }
  const environments = texts.filter((part) => part.name === "environment");
  if (environments.length !== 1) {
    problems.push({
      path: ENVIRONMENT_LABEL,
      message: environments.length === 0 ? "is required: the Opta environment file" : "must be sent once",
    });
  }
  if (problems.length > 0) return badRequest("the multipart body does not hold the expected parts", problems);
  return {
    ok: true,
    environment: { label: ENVIRONMENT_LABEL, text: environments[0]!.text },
    services: texts
      .filter((part) => part.name === "service")
      .map((part, index) => ({ label: serviceLabel(index), text: part.text })),
  };
}

/** `{ environment: "<yaml>", services: ["<yaml>", …] }`. */
function fromJson(text: string): ImportFiles {
  // Nesting first: JSON.parse recurses, and a deep enough body exhausts the stack of the whole host.
  if (nestsDeeperThan(text, MAX_NESTING_DEPTH))
    return badRequest(`the body nests deeper than ${MAX_NESTING_DEPTH} levels`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return badRequest(
      `the body is declared as JSON but is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const problems: SpecProblem[] = [];
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return badRequest('the body must be { "environment": "<yaml>", "services": ["<yaml>", …] }');
  }
  const { environment, services = [], ...rest } = body as Record<string, unknown>;
  for (const key of Object.keys(rest))
    problems.push({ path: key, message: "unknown key; allowed keys here: environment, services" });
  if (typeof environment !== "string") {
    problems.push({
      path: ENVIRONMENT_LABEL,
      message: "must be the Opta environment file's text (a string)",
    });
  }
  if (!Array.isArray(services))
    problems.push({ path: "services", message: "must be a list of Opta service files' texts" });
  else {
    services.forEach((service: unknown, index) => {
      if (typeof service !== "string")
        problems.push({ path: serviceLabel(index), message: "must be a service file's text (a string)" });
    });
  }
  if (problems.length > 0) return badRequest("the JSON body does not hold Opta files", problems);
  return {
    ok: true,
    environment: { label: ENVIRONMENT_LABEL, text: environment as string },
    services: (services as string[]).map((service, index) => ({ label: serviceLabel(index), text: service })),
  };
}

/** Whether the client asked for YAML: the first of JSON or YAML its `Accept` lists. */
function wantsYaml(accept: string | null): boolean {
  for (const entry of (accept ?? "").split(",")) {
    const format = declaredSpecFormat(entry.trim());
    if (format === "yaml") return true;
    if (format === "json") return false;
  }
  return false;
}

/** The answer to an import request: 200 with the spec, or 400/413/415 problems. */
export async function answerOptaImport(request: HttpRequest): Promise<HttpResponseInit> {
  const files = await readOptaImportFiles(request);
  if (!files.ok) return files.answer;
  const result = importOpta({ environment: files.environment, services: files.services });
  if (!result.ok) {
    return problemResponse({
      title: "Invalid Opta files",
      status: 400,
      detail: `the Opta files have ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}; nothing was converted`,
      problems: result.problems,
      warnings: result.warnings,
    });
  }
  if (wantsYaml(request.headers.get("accept"))) {
    return {
      status: 200,
      headers: { "content-type": "application/yaml; charset=utf-8" },
      body: result.specYaml,
    };
  }
  return {
    status: 200,
    jsonBody: { spec: result.spec, specYaml: result.specYaml, warnings: result.warnings },
  };
}
