/**
 * Every JSON Schema validator of scimcheck comes from here. A validator set (a few schemas compiled by one Ajv
 * instance, with the same options) is compiled to JavaScript at build time (`scripts/precompile.js`, Ajv's standalone
 * code, in `dist/generated/<set>.cjs`) and loaded from there at run time: a few milliseconds instead of the ≈190 ms
 * that compiling costs. The generated module carries a hash of the schema texts and options it was compiled from;
 * when it is missing or stale (a schema edited since the build), the set is compiled at run time, as before.
 * Ajv itself is loaded only then (or for the server's own /Schemas that no precompiled validator covers).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv2020, Options, ValidateFunction } from 'ajv/dist/2020.js';
import { GENERATED_DIR } from '../paths.js';

const require = createRequire(import.meta.url);

export interface ValidatorSet {
  /** The generated module's name, `dist/generated/<set>.cjs`. */
  set: string;
  options: Options;
  /** ajv-formats' full formats (date-time, uri, email, ...). */
  formats: boolean;
  /** Annotation keywords (no validation code). */
  keywords?: { keyword: string; schemaType: 'string' | 'object' }[];
  /** The schema documents as JSON text, all in one instance so that `$ref`s between them resolve. */
  schemas: string[];
  /** Export name -> the `$id` of the schema it validates. */
  exports: Record<string, string>;
}

/** A new Ajv 2020-12 instance (ajv-formats added when asked), loaded on first use. */
export function newAjv(options: Options, formats = true): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv(options);
  if (formats) (require('ajv-formats') as (a: Ajv2020) => void)(ajv);
  return ajv;
}

function setAjv(spec: ValidatorSet, extra: Options = {}): Ajv2020 {
  const ajv = newAjv({ ...spec.options, ...extra }, spec.formats);
  for (const k of spec.keywords ?? []) ajv.addKeyword(k);
  for (const text of spec.schemas) ajv.addSchema(JSON.parse(text) as object);
  return ajv;
}

/** What a generated module was compiled from: the schema texts, the options, the keywords and the exports. */
export function setHash(spec: ValidatorSet): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([spec.options, spec.formats, spec.keywords ?? [], spec.exports]));
  for (const s of spec.schemas) h.update('\0').update(s);
  return h.digest('hex');
}

interface Generated {
  hash: string;
  [name: string]: ValidateFunction | string;
}

const loaded = new WeakMap<ValidatorSet, Record<string, ValidateFunction>>();

/**
 * The validators of a set: precompiled when the generated module is there and current, else compiled now. Keep the
 * set object (the result is remembered per object).
 */
export function validatorsOf(spec: ValidatorSet): Record<string, ValidateFunction> {
  let out = loaded.get(spec);
  if (!out) {
    out = precompiled(spec.set, setHash(spec)) ?? compileSet(spec);
    loaded.set(spec, out);
  }
  return out;
}

/** Where the validators of a set came from (for tests and `bench/`): `precompiled` or `compiled`. */
export function validatorSource(spec: ValidatorSet): 'precompiled' | 'compiled' {
  return precompiled(spec.set, setHash(spec)) ? 'precompiled' : 'compiled';
}

function precompiled(set: string, hash: string): Record<string, ValidateFunction> | undefined {
  const file = new URL(`${set}.cjs`, GENERATED_DIR);
  if (!existsSync(file)) return undefined;
  const mod = require(fileURLToPath(file)) as Generated;
  if (mod.hash !== hash) return undefined;
  const out: Record<string, ValidateFunction> = {};
  for (const [name, fn] of Object.entries(mod)) if (typeof fn === 'function') out[name] = fn;
  return out;
}

/** Compiles every export of a set (lazily: each on first use). */
export function compileSet(spec: ValidatorSet): Record<string, ValidateFunction> {
  let ajv: Ajv2020 | undefined;
  const out: Record<string, ValidateFunction> = {};
  for (const [name, id] of Object.entries(spec.exports)) {
    let fn: ValidateFunction | undefined;
    Object.defineProperty(out, name, {
      enumerable: true,
      get: () => {
        ajv ??= setAjv(spec);
        fn ??= ajv.getSchema(id);
        if (!fn) throw new Error(`validator set ${spec.set}: no schema with $id ${id}`);
        return fn;
      },
    });
  }
  return out;
}

/** Build time: writes `dir/<set>.cjs`, the set's validators as standalone code, with its hash. */
export function writeGenerated(spec: ValidatorSet, dir: URL = GENERATED_DIR): string {
  const ajv = setAjv(spec, { code: { source: true } });
  const standalone = (require('ajv/dist/standalone') as { default: (a: Ajv2020, refs: Record<string, string>) => string }).default;
  const code = standalone(ajv, spec.exports);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${spec.set}.cjs`, dir);
  writeFileSync(file, `${code}\nexports.hash = ${JSON.stringify(setHash(spec))};\n`);
  return fileURLToPath(file);
}
