/**
 * A check of a JSON value against the OpenAPI 3.0 subset of JSON Schema that zod's
 * `toJSONSchema` writes (type, nullable, enum, properties, required, additionalProperties, items,
 * anyOf/oneOf/allOf, $ref into components, string and number bounds, patterns). It is how the
 * contract test holds the API's answers to the document the API serves. Formats are not checked
 * beyond the patterns that come with them.
 */
export type JsonSchema = {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
};

/** Where each violation is (a JSON path) and what it is; empty when the value fits the schema. */
export function checkJson(value: unknown, schema: JsonSchema, root: { components?: { schemas?: Record<string, JsonSchema> } } = {}, path = "$"): string[] {
  if (schema.$ref) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name ? root.components?.schemas?.[name] : undefined;
    return target ? checkJson(value, target, root, path) : [`${path}: unresolved $ref ${schema.$ref}`];
  }
  if (value === null) return schema.nullable || schema.type === "null" || schema.enum?.includes(null) ? [] : [`${path}: null where ${schema.type ?? "a value"} is expected`];
  if (schema.anyOf || schema.oneOf) {
    const options = (schema.anyOf ?? schema.oneOf)!;
    const results = options.map((option) => checkJson(value, option, root, path));
    const fits = results.filter((errors) => errors.length === 0).length;
    if (schema.oneOf && fits > 1) return [`${path}: fits ${fits} of oneOf`];
    if (fits === 0) {
      const closest = results.reduce((best, errors) => (errors.length < best.length ? errors : best));
      return [`${path}: fits none of ${options.length} alternatives; the closest fails with: ${closest.join("; ")}`];
    }
  }
  const errors: string[] = [];
  for (const part of schema.allOf ?? []) errors.push(...checkJson(value, part, root, path));
  if (schema.not && checkJson(value, schema.not, root, path).length === 0) errors.push(`${path}: present where nothing is allowed`);
  if (schema.enum && !schema.enum.some((option) => option === value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.const !== undefined && schema.const !== value) errors.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  switch (schema.type) {
    case undefined:
      break;
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return [...errors, `${path}: ${describe(value)} where an object is expected`];
      const record = value as Record<string, unknown>;
      for (const name of schema.required ?? []) if (!(name in record)) errors.push(`${path}.${name}: missing`);
      for (const [name, child] of Object.entries(record)) {
        const property = schema.properties?.[name];
        if (property) errors.push(...checkJson(child, property, root, `${path}.${name}`));
        else if (schema.additionalProperties === false) errors.push(`${path}.${name}: not in the schema`);
        else if (typeof schema.additionalProperties === "object") errors.push(...checkJson(child, schema.additionalProperties, root, `${path}.${name}`));
      }
      break;
    }
    case "array":
      if (!Array.isArray(value)) return [...errors, `${path}: ${describe(value)} where an array is expected`];
      if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
      if (schema.items) value.forEach((item, index) => errors.push(...checkJson(item, schema.items!, root, `${path}[${index}]`)));
      break;
    case "string":
      if (typeof value !== "string") return [...errors, `${path}: ${describe(value)} where a string is expected`];
      if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: ${JSON.stringify(value.slice(0, 80))} does not match ${schema.pattern.slice(0, 80)}`);
      break;
    case "number":
    case "integer":
      if (typeof value !== "number" || !Number.isFinite(value)) return [...errors, `${path}: ${describe(value)} where a number is expected`];
      if (schema.type === "integer" && !Number.isInteger(value)) errors.push(`${path}: ${value} is not an integer`);
      if (schema.minimum !== undefined && (schema.exclusiveMinimum === true ? value <= schema.minimum : value < schema.minimum)) errors.push(`${path}: ${value} below ${schema.minimum}`);
      if (schema.maximum !== undefined && (schema.exclusiveMaximum === true ? value >= schema.maximum : value > schema.maximum)) errors.push(`${path}: ${value} above ${schema.maximum}`);
      if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) errors.push(`${path}: ${value} not above ${schema.exclusiveMinimum}`);
      if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) errors.push(`${path}: ${value} not below ${schema.exclusiveMaximum}`);
      break;
    case "boolean":
      if (typeof value !== "boolean") errors.push(`${path}: ${describe(value)} where a boolean is expected`);
      break;
    default:
      errors.push(`${path}: the schema has a type this check does not know: ${schema.type}`);
  }
  return errors;
}

const describe = (value: unknown): string => (Array.isArray(value) ? "an array" : value === null ? "null" : typeof value);
