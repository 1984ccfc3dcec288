// Deterministic JSON-schema instance generator for the scripted LLM server, plus locating the
// schema a chat-completions request asks for. Covers what zod/LangChain tool schemas produce.

type Schema = Record<string, unknown>;

export type FillOverride = (path: string[], schema: Schema) => unknown;

export interface FillOptions {
  override?: FillOverride;
}

export const isRecord = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const asNumber = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

function resolvePointer(root: Schema, ref: string): Schema {
  if (!ref.startsWith("#")) throw new Error(`schema-filler: unsupported external $ref ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = isRecord(node) ? node[key] : undefined;
  }
  if (!isRecord(node)) throw new Error(`schema-filler: unresolvable $ref ${ref}`);
  return node;
}

const isNullSchema = (schema: unknown): boolean =>
  isRecord(schema) && (schema.type === "null" || (schema.const === null && !("type" in schema)));

/** Generates a value that validates against `schema`, starting at `root`. */
export function fillSchema(schema: unknown, options: FillOptions = {}): unknown {
  const root = isRecord(schema) ? schema : {};
  return new Filler(root, options).fill(root, [], { depth: 0, refs: [], minimal: false });
}

interface Walk {
  depth: number;
  refs: string[];
  /** Inside a recursive $ref: generate the smallest valid value so recursion terminates. */
  minimal: boolean;
}

const deeper = (walk: Walk): Walk => ({ ...walk, depth: walk.depth + 1 });

class Filler {
  constructor(
    private readonly root: Schema,
    private readonly options: FillOptions,
  ) {}

  fill(input: unknown, path: string[], outer: Walk): unknown {
    if (input === true || input === undefined) return this.defaultString(path, {});
    if (!isRecord(input)) throw new Error(`schema-filler: invalid schema at ${path.join(".")}`);
    if (outer.depth > 64) throw new Error(`schema-filler: schema too deep at ${path.join(".")}`);
    const walk: Walk = { ...outer, refs: [...outer.refs] };
    const schema = this.deref(input, walk);

    const overridden = this.options.override?.(path, schema);
    if (overridden !== undefined) return overridden;

    if ("const" in schema) return schema.const;
    if (Array.isArray(schema.enum)) {
      const first: unknown = schema.enum.find((v) => v !== null) ?? schema.enum[0];
      return first;
    }

    const union = Array.isArray(schema.anyOf) ? schema.anyOf : schema.oneOf;
    if (Array.isArray(union) && union.length > 0) {
      const nullBranch: unknown = walk.minimal ? union.find(isNullSchema) : undefined;
      const branch: unknown = nullBranch ?? union.find((b) => !isNullSchema(b)) ?? union[0];
      return this.fill(branch, path, deeper(walk));
    }

    if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
      return this.fill(this.mergeAllOf(schema, walk), path, deeper(walk));
    }

    switch (this.pickType(schema, walk)) {
      case "object":
        return this.fillObject(schema, path, walk);
      case "array":
        return this.fillArray(schema, path, walk);
      case "string":
        return this.defaultString(path, schema);
      case "integer":
        return this.fillNumber(schema, true);
      case "number":
        return this.fillNumber(schema, false);
      case "boolean":
        return true;
      case "null":
        return null;
      default:
        return this.defaultString(path, schema);
    }
  }

  private deref(schema: Schema, walk: Walk): Schema {
    let current = schema;
    for (let hops = 0; typeof current.$ref === "string"; hops++) {
      if (hops > 32) throw new Error(`schema-filler: $ref cycle at ${current.$ref}`);
      const { $ref, ...rest } = current;
      if (walk.refs.includes($ref)) walk.minimal = true;
      walk.refs.push($ref);
      current = { ...resolvePointer(this.root, $ref), ...rest };
    }
    return current;
  }

  private mergeAllOf(schema: Schema, walk: Walk): Schema {
    const { allOf, ...rest } = schema;
    const merged: Schema = { ...rest };
    const properties: Schema = isRecord(rest.properties) ? { ...rest.properties } : {};
    for (const part of allOf as unknown[]) {
      if (!isRecord(part)) continue;
      const resolved = this.deref(part, walk);
      Object.assign(merged, resolved);
      if (isRecord(resolved.properties)) Object.assign(properties, resolved.properties);
    }
    if (Object.keys(properties).length > 0) merged.properties = properties;
    return merged;
  }

  private pickType(schema: Schema, walk: Walk): string | undefined {
    const { type } = schema;
    if (typeof type === "string") return type;
    if (Array.isArray(type)) {
      if (walk.minimal && type.includes("null")) return "null";
      const nonNull: unknown = type.find((t) => t !== "null");
      return typeof nonNull === "string" ? nonNull : "null";
    }
    if (isRecord(schema.properties)) return "object";
    if ("items" in schema || "prefixItems" in schema) return "array";
    return undefined;
  }

  private fillObject(schema: Schema, path: string[], walk: Walk): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const properties = isRecord(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required : [];
    for (const [key, child] of Object.entries(properties)) {
      if (walk.minimal && !required.includes(key)) continue;
      out[key] = this.fill(child, [...path, key], deeper(walk));
    }
    for (const key of required) {
      if (typeof key === "string" && !(key in out)) {
        out[key] = this.fill(schema.additionalProperties, [...path, key], deeper(walk));
      }
    }
    return out;
  }

  private fillArray(schema: Schema, path: string[], walk: Walk): unknown[] {
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
    const minItems = asNumber(schema.minItems) ?? 0;
    const maxItems = asNumber(schema.maxItems) ?? Infinity;
    const preferred = walk.minimal ? 0 : 2;
    const wanted = Math.max(minItems, prefix.length > 0 ? prefix.length : preferred);
    const count = Math.min(wanted, maxItems);
    const items: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const itemSchema: unknown =
        i < prefix.length ? prefix[i] : schema.items === false ? undefined : schema.items;
      const item = this.fill(itemSchema ?? {}, [...path, String(i)], deeper(walk));
      const duplicate = items.some((seen) => JSON.stringify(seen) === JSON.stringify(item));
      if (schema.uniqueItems === true && duplicate && items.length >= minItems) break;
      items.push(item);
    }
    return items;
  }

  private fillNumber(schema: Schema, integer: boolean): number {
    let value = 1;
    const minimum = asNumber(schema.minimum);
    const exclusiveMinimum = asNumber(schema.exclusiveMinimum);
    const maximum = asNumber(schema.maximum);
    const exclusiveMaximum = asNumber(schema.exclusiveMaximum);
    if (minimum !== undefined && value < minimum) value = minimum;
    if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) {
      value = integer ? Math.floor(exclusiveMinimum) + 1 : exclusiveMinimum + 1;
    }
    if (maximum !== undefined && value > maximum) value = maximum;
    if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) {
      value = integer ? Math.ceil(exclusiveMaximum) - 1 : exclusiveMaximum - 0.5;
    }
    if (integer) value = Math.ceil(value);
    const multipleOf = asNumber(schema.multipleOf);
    if (multipleOf !== undefined && multipleOf > 0)
      value = Math.ceil(value / multipleOf) * multipleOf;
    return value;
  }

  private defaultString(path: string[], schema: Schema): string {
    const formatted = formatString(schema.format);
    let value = formatted ?? `Scripted ${describePath(path)}`;
    const minLength = asNumber(schema.minLength) ?? 0;
    const maxLength = asNumber(schema.maxLength);
    if (value.length < minLength) value = value.padEnd(minLength, "x");
    if (maxLength !== undefined && value.length > maxLength) value = value.slice(0, maxLength);
    return value;
  }
}

/** "Scripted title" for a property, "Scripted tags 2" for the 2nd element of `tags`. */
function describePath(path: string[]): string {
  const last = path.at(-1);
  if (last === undefined) return "value";
  if (!/^\d+$/.test(last)) return last;
  const owner = [...path].reverse().find((segment) => !/^\d+$/.test(segment)) ?? "item";
  return `${owner} ${Number(last) + 1}`;
}

function formatString(format: unknown): string | undefined {
  switch (format) {
    case "email":
      return "scripted@example.com";
    case "uri":
    case "url":
      return "https://example.com/scripted";
    case "uuid":
      return "00000000-0000-4000-8000-000000000000";
    case "date-time":
      return "2024-01-01T00:00:00Z";
    case "date":
      return "2024-01-01";
    case "time":
      return "00:00:00";
    default:
      return undefined;
  }
}

export type Target = {
  name: string | undefined;
  schema: unknown;
  via?: "tool" | "response_format";
};

/** The tool named by tool_choice, else the first tool, else a json_schema response_format. */
export function findTarget(body: Record<string, unknown>): Target {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  const fnOf = (tool: Record<string, unknown>) => (isRecord(tool.function) ? tool.function : {});
  const choice = isRecord(body.tool_choice) ? body.tool_choice.function : undefined;
  const chosenName = isRecord(choice) ? choice.name : undefined;
  const tool = tools.find((t) => fnOf(t).name === chosenName) ?? tools[0];
  if (tool) {
    const fn = fnOf(tool);
    const name = typeof fn.name === "string" ? fn.name : undefined;
    return { name, schema: fn.parameters ?? { type: "object", properties: {} }, via: "tool" };
  }
  const format = isRecord(body.response_format) ? body.response_format : {};
  if (format.type === "json_schema" && isRecord(format.json_schema)) {
    const { name, schema } = format.json_schema;
    return { name: typeof name === "string" ? name : undefined, schema, via: "response_format" };
  }
  return { name: undefined, schema: undefined };
}
