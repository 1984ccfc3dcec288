import { envVarValues } from "./owned.js";
import { AUTH, find, type Topic } from "./slot.js";
import { findStatements } from "./context.js";
import { dataObjects, integrations, nonFunctional, primaryChanges } from "./topic-values.js";
import { unique } from "./text.js";
import { LIMITS } from "../../template/schema.js";

/** Data, infrastructure, quality and delivery. */
export const DELIVERY_TOPICS: Topic[] = [
  {
    name: "migration",
    slot: /migration|rollback|forward and/,
    values: (c) =>
      findStatements(
        c,
        /\b(migrat\w*|rollback|roll back|backfill\w*|upgrade|downgrade|backwards? compat\w*)\b/i,
        { kinds: ["design", "requirements", "rollout", "decision"], limit: 3 },
      ),
  },
  {
    name: "index",
    slot: /\bindex/,
    values: find(/\b(index\w*|primary key|unique|lookup|query performance)\b/i, 2),
  },
  {
    name: "queue",
    slot: /queue/,
    values: find(/\b(queues?|queued|backpressure|dead[- ]letter)\b/i),
  },
  {
    name: "retry",
    slot: /retr(y|ies)|failure handling|error handling/,
    values: find(
      /\b(retr(y|ies|ied|ying)|backoff|fail(s|ed|ure|ures)?|errors?|timeouts?|dead[- ]letter|idempoten\w*)\b/i,
    ),
  },
  {
    name: "tasks",
    slot: /\btasks?\b|worker|async|background|\bjobs?\b/,
    values: find(
      /\b(tasks?|jobs?|workers?|background|async\w*|schedul\w*|cron|periodic\w*|janitor|batch)\b/i,
    ),
  },
  {
    name: "dataObjects",
    slot: /tables?|views?|schema|database|entities and relationships|warehouse objects/,
    values: (c, s, change) => dataObjects(c, s, change),
  },
  {
    name: "pipelines",
    slot: /pipeline|etl|data flows?|ingestion/,
    values: find(
      /\b(pipelines?|ETL|ELT|jobs?|sync\w*|export\w*|ingest\w*|DAGs?|hooks?|workflows?|manifest)\b/i,
    ),
  },
  {
    name: "images",
    slot: /images?|dockerfile|container/,
    values: (c, s, change) =>
      unique([
        ...find(/\b(images?|Dockerfiles?|containers?|docker(-compose)?|compose|OCI|registry)\b/i)(
          c,
          s,
          change,
        ),
      ]),
  },
  {
    name: "config",
    slot: /config|environment|settings|\benv\b|variables/,
    values: (c, s, change) =>
      unique([
        ...envVarValues(c, s),
        ...find(/\b(config\w*|settings?|flags?|env vars?|environment variables?|options)\b/i, 2)(
          c,
          s,
          change,
        ),
      ]),
  },
  {
    name: "downstream",
    slot: /downstream|dimension exports|consumers?|export/,
    values: find(/\b(downstream|consum\w*|export\w*|subscrib\w*|replicat\w*)\b/i),
  },
  {
    name: "versioning",
    slot: /version|time-?travel|history/,
    values: find(/\b(version\w*|histor\w*|time[- ]travel|snapshot\w*|audit\w*|immutab\w*)\b/i),
  },
  {
    name: "domain",
    slot: /domain|hierarch|entity structure|entit/,
    values: find(
      /\b(entit\w*|domains?|hierarch\w*|glossary|terms?|taxonom\w*|relationships?|aspects?|URNs?)\b/i,
    ),
  },
  {
    name: "formats",
    slot: /formats?|sources?/,
    values: find(/\b(JSON|CSV|Parquet|Avro|YAML|XML|Protobuf|Delta|format\w*|sources?)\b/),
  },
  {
    name: "validation",
    slot: /validat/,
    values: find(
      /\b(validat\w*|reject\w*|must match|invalid|constraints?|verif\w*|malformed|non-conforming)\b/i,
    ),
  },
  {
    name: "transformation",
    slot: /transform/,
    values: find(
      /\b(transform\w*|convert\w*|mapp\w*|generat\w*|comput\w*|merg\w*|dedup\w*|filter\w*)\b/i,
    ),
  },
  {
    name: "enrichment",
    slot: /enrich/,
    values: find(/\b(enrich\w*|metadata|annotat\w*|tags?|facets?|augment\w*)\b/i),
  },
  {
    name: "aggregation",
    slot: /aggregat/,
    values: find(/\b(aggregat\w*|summar\w*|roll-?ups?|group\w*|top-?k)\b/i),
  },
  { name: "caching", slot: /cach/, values: find(/\bcach\w*/i) },
  {
    name: "batch",
    slot: /batch|real-?time/,
    values: find(
      /\b(batch(es|ed)?|real-?time|near[- ]real-?time|stream(s|ing|ed)?|polling|long-poll\w*|on[- ]demand)\b/i,
    ),
  },
  {
    name: "performance",
    slot: /performance|optimi[sz]|latency/,
    values: (c) =>
      nonFunctional(
        c,
        /\b(latency|p9\d|throughput|\d+\s?ms|performan\w*|slow\w*|scal(e|able|ability|ing))\b/i,
      ),
  },
  {
    name: "security",
    slot: /security|privacy/,
    values: (c) =>
      nonFunctional(
        c,
        new RegExp(
          `${AUTH.source}|\\b(secur\\w*|encrypt\\w*|privacy|sensitive|leak\\w*|isolation)\\b`,
          "i",
        ),
      ),
  },
  {
    name: "monitoring",
    slot: /monitor|observab|metric|alert|logging/,
    values: find(
      /\b(metrics?|monitor\w*|observab\w*|logging|audit logs?|alert\w*|tracing|dashboards?|SLIs?|SLOs?)\b/i,
    ),
  },
  {
    name: "rollout",
    slot: /go-live|deploy|production readiness|launch|release|roll-?out|adoption/,
    values: (c) => findStatements(c, /./, { kinds: ["rollout"], limit: 2 }),
  },
  {
    name: "integrations",
    slot: /integration points?|integrations?|external/,
    values: (c) => integrations(c),
  },
  {
    name: "infrastructure",
    slot: /infrastructure/,
    values: (c, s, change) =>
      unique([
        ...find(
          /\b(docker\w*|compose|containers?|kubernetes|deploy\w*|infrastructure|helm|terraform|CI)\b/i,
          2,
        )(c, s, change),
        ...envVarValues(c, s),
      ]),
  },
  {
    name: "primary",
    slot: /primary changes|high-level|overview|summary/,
    max: LIMITS.items,
    values: (c) => primaryChanges(c),
  },
  { name: "features", slot: /features?|functionality|capabilit/, values: (c) => primaryChanges(c) },
];
