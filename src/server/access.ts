import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "../errors.js";

/** A route the app serves, and whether it answers without the API token. */
export interface RouteAccess {
  method: string;
  url: string;
  open: boolean;
}

export interface AccessOptions {
  /** When set, every route that is not open needs `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** Host names (besides IP addresses and localhost) the server answers to; `*`: any. */
  allowedHosts: string[];
  /** Other origins that may send requests that change something (the CORS allow-list). */
  corsOrigins: string[];
}

/**
 * Routes that hold no draft: the page shell and its built files, the health checks, the API
 * docs. Decided on the route the router matched (its pattern), never on the URL string, so no
 * spelling of a path (percent-encoded, dot segments, doubled slashes) can reach a closed route
 * as an open one.
 */
const OPEN_ROUTES = new Set(["/", "/drafts", "/drafts/:id", "/*", "/healthz", "/readyz"]);
const isOpenRoute = (url: string): boolean =>
  OPEN_ROUTES.has(url) || url === "/docs" || url.startsWith("/docs/");

/** Methods that change something; browsers send them cross-site without asking first. */
const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Who may call what, checked on every request before any route runs:
 * 1. the Host header names this server (a DNS-rebinding page carries its own host name);
 * 2. a request that changes something comes from this server's own page, a listed CORS origin,
 *    or no browser at all (a form or a no-cors fetch from another site needs no preflight);
 * 3. with a token set, every route that is not open needs it (cookies never count).
 * Returns the app's route table with each route's access, filled as routes are added.
 */
export function guardAccess(app: FastifyInstance, options: AccessOptions): RouteAccess[] {
  const routes: RouteAccess[] = [];
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      routes.push({ method, url: route.url, open: isOpenRoute(route.url) });
  });
  const hostAllowed = hostCheck(options.allowedHosts);
  const checkToken = options.token ? tokenCheck(options.token) : undefined;
  app.addHook("onRequest", (request, _reply, done) => {
    try {
      hostAllowed(request);
      if (UNSAFE_METHODS.has(request.method)) assertSameSite(request, options.corsOrigins);
      const url = request.routeOptions.url;
      // No route matched: the not-found handler answers, and it holds nothing.
      if (checkToken && url !== undefined && !isOpenRoute(url)) checkToken(request);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  return routes;
}

function hostCheck(allowed: string[]): (request: FastifyRequest) => void {
  const names = new Set(allowed.map((h) => h.toLowerCase()));
  const anyHost = names.has("*");
  return (request) => {
    const header = request.headers.host;
    // A request without a Host (HTTP/1.0) cannot come from a rebound name.
    if (anyHost || header === undefined) return;
    const name = hostName(header);
    if (name !== undefined && (name === "localhost" || isIP(name) !== 0 || names.has(name))) return;
    throw new AppError(
      "HOST_NOT_ALLOWED",
      `this server does not answer to the host "${header.slice(0, 100)}"`,
      {
        hint: "use its address (e.g. 127.0.0.1), or add the name to PLANDRAFT_ALLOWED_HOSTS",
      },
    );
  };
}

/** "Example.com:8080" -> "example.com"; "[::1]:80" -> "::1"; undefined when malformed. */
function hostName(header: string): string | undefined {
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::\d{1,5})?$/i.exec(header.trim());
  const name = match?.[1] ?? match?.[2];
  return name?.toLowerCase().replace(/\.$/, "");
}

/**
 * Browsers say where a request comes from: `Sec-Fetch-Site` (all current ones), else `Origin`.
 * Same-site is not enough: another port of 127.0.0.1 is the same site and another program.
 */
function assertSameSite(request: FastifyRequest, corsOrigins: string[]): void {
  const site = header(request, "sec-fetch-site");
  const origin = header(request, "origin");
  if (site === "same-origin" || site === "none") return;
  if (origin !== undefined && corsOrigins.includes(origin)) return;
  if (site === undefined && (origin === undefined || origin === ownOrigin(request))) return;
  throw new AppError(
    "CROSS_SITE_REFUSED",
    `refused a ${request.method} from another site (${origin ?? site ?? "unknown origin"})`,
    {
      hint: "use this server's own page, a client that is not a browser, or list the origin in PLANDRAFT_CORS_ORIGINS",
    },
  );
}

function ownOrigin(request: FastifyRequest): string | undefined {
  const host = header(request, "host");
  return host ? `${request.protocol}://${host}` : undefined;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value : undefined;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** 401 without a bearer token, 403 with a wrong one; compared in constant time. */
function tokenCheck(token: string): (request: FastifyRequest) => void {
  const expected = digest(token);
  return (request) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header(request, "authorization") ?? "");
    if (!match) {
      throw new AppError("UNAUTHORIZED", "this server needs an API token", {
        hint: "send Authorization: Bearer <token> (PLANDRAFT_API_TOKEN for the CLI)",
        headers: { "www-authenticate": 'Bearer realm="plandraft"' },
      });
    }
    // Hashes have the same length, so the comparison takes the same time for any guess.
    if (!timingSafeEqual(digest(match[1] ?? ""), expected)) {
      throw new AppError("FORBIDDEN", "the API token is not valid for this server", {
        hint: "check PLANDRAFT_API_TOKEN",
      });
    }
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|\[::1\])$/i;

/** A server reachable from other machines must ask for a token, unless told otherwise. */
export function assertSafeToListen(
  host: string,
  server: { apiToken: string | undefined; allowNoToken: boolean },
): void {
  if (LOOPBACK.test(host) || server.apiToken || server.allowNoToken) return;
  throw new AppError(
    "SERVER_INSECURE",
    `refusing to listen on ${host} without an API token: anyone who can reach it could spend your model keys`,
    {
      hint: "set PLANDRAFT_API_TOKEN, or PLANDRAFT_ALLOW_NO_TOKEN=1 if something in front of it checks access",
    },
  );
}
