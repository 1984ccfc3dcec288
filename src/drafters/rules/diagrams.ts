import type { FlowchartContent, SequenceContent } from "../../template/schema.js";
import { type DraftContext, touchedRepos } from "./context.js";
import { ownedObjects } from "./owned.js";
import { ownerOf } from "./repos.js";
import { shorten } from "./text.js";
import { STORE_SYSTEMS } from "./vocabulary.js";

interface Node {
  id: string;
  label: string;
}

const LABEL = 48;

/** Actors -> the repositories (or the feature) that change -> the stores and systems the doc names. */
export function flowchart(ctx: DraftContext): FlowchartContent {
  const actors = actorNodes(ctx);
  const services = serviceNodes(ctx);
  const stores = storeNodes(ctx);
  const externals = externalNodes(ctx).slice(0, 2);
  const primary = services[0] as Node & { repo?: string };
  const links: FlowchartContent["links"] = [
    ...actors.map((a) => ({ from: a.id, to: primary.id, label: "uses" })),
    ...services.slice(1).map((s) => ({ from: primary.id, to: s.id, label: null })),
    ...stores.map((d) => ({
      from: storeOwner(ctx, d, services).id,
      to: d.id,
      label: "reads and writes",
    })),
    ...externals.map((x) => ({ from: primary.id, to: x.id, label: "calls" })),
  ];
  return { nodes: [...actors, ...services, ...stores, ...externals], links };
}

/** The actor calling the endpoints the doc names, else walking its flow steps, else its scope. */
export function sequence(ctx: DraftContext): SequenceContent {
  const actor = actorNodes(ctx)[0] as Node;
  const service = serviceNodes(ctx)[0] as Node;
  const store = storeNodes(ctx)[0];
  const external = externalNodes(ctx)[0];
  const all = [actor, service, ...(store ? [store] : []), ...(external ? [external] : [])];
  const call = (from: Node, to: Node, text: string, reply = false) => ({
    from: from.id,
    to: to.id,
    text: shorten(text.replace(/`/g, ""), 70),
    reply,
  });
  const used = (messages: SequenceContent["messages"]) => ({
    participants: all.filter((p) => messages.some((m) => m.from === p.id || m.to === p.id)),
    messages,
  });
  const endpoints = ctx.facts.endpoints.slice(0, 5);
  if (endpoints.length > 0) {
    const messages = endpoints.flatMap((e, i) => [
      call(actor, service, `${e.method ?? "call"} ${e.path}`),
      ...(i === 0 && store
        ? [
            call(service, store, `read or write ${store.label}`),
            call(store, service, "result", true),
          ]
        : []),
      call(service, actor, "response", true),
    ]);
    return used(messages);
  }
  const steps = ctx.facts.flowSteps.length > 0 ? ctx.facts.flowSteps : whenClauses(ctx);
  if (steps.length > 0) {
    const next = external ?? store ?? service;
    const messages = steps
      .slice(0, 5)
      .map((step, i) => (i === 0 ? call(actor, service, step) : call(service, next, step)));
    return used([...messages, call(service, actor, "result", true)]);
  }
  const scope = ctx.brief.in_scope.slice(0, 3);
  const messages =
    scope.length > 0
      ? scope.map((s) => call(actor, service, s))
      : [call(actor, service, "TODO: the flow the doc leaves open")];
  return used([...messages, call(service, actor, "result", true)]);
}

function actorNodes(ctx: DraftContext): Node[] {
  const actors = ctx.brief.actors.slice(0, 2);
  return (actors.length > 0 ? actors : ["User"]).map((label, i) => ({
    id: `a${i + 1}`,
    label: shorten(label, LABEL),
  }));
}

function serviceNodes(ctx: DraftContext): (Node & { repo?: string })[] {
  const touched = touchedRepos(ctx);
  if (touched.length === 0) return [{ id: "s1", label: shorten(ctx.facts.name, LABEL) }];
  return [...touched]
    .sort((a, b) => b.score - a.score)
    .map((e, i) => {
      const terms = e.hits
        .slice(0, 2)
        .map((h) => h.term)
        .join(", ");
      return {
        id: `s${i + 1}`,
        label: shorten(terms ? `${e.repo} (${terms})` : e.repo, LABEL),
        repo: e.repo,
      };
    });
}

function storeNodes(ctx: DraftContext): Node[] {
  const systems = ctx.brief.integrations.filter((name) => STORE_SYSTEMS.test(name));
  const tables = ownedObjects(ctx)
    .filter((o) => o.change !== "read")
    .map((o) => o.name);
  return [...systems, ...tables]
    .slice(0, 4)
    .map((label, i) => ({ id: `d${i + 1}`, label: shorten(label, LABEL) }));
}

function externalNodes(ctx: DraftContext): Node[] {
  return ctx.brief.integrations
    .filter((name) => !STORE_SYSTEMS.test(name))
    .slice(0, 3)
    .map((label, i) => ({ id: `x${i + 1}`, label: shorten(label, LABEL) }));
}

function storeOwner(ctx: DraftContext, store: Node, services: (Node & { repo?: string })[]): Node {
  const repos = services.flatMap((s) => (s.repo ? [s.repo] : []));
  const owner = ownerOf(store.label, repos, ctx.profiles, ctx.evidence);
  return services.find((s) => s.repo === owner) ?? (services[0] as Node);
}

/** "When X, Then Y" scenarios: the X is a step the actor takes. */
function whenClauses(ctx: DraftContext): string[] {
  return ctx.facts.acceptance
    .flatMap((a) => /\bwhen\s+(.+?),?\s+then\b/i.exec(a)?.[1] ?? [])
    .slice(0, 4);
}
