/**
 * Where scimcheck's own files are, from the package root. This module sits two levels below the root in src/
 * (src/core/paths.ts) and in dist/ (dist/core/paths.js): `../../` is the root in both. Every file path of the package
 * is derived here, nowhere else.
 */
export const PACKAGE_ROOT = new URL('../../', import.meta.url);
/** The JSON Schemas (schemas/). */
export const SCHEMA_DIR = new URL('schemas/', PACKAGE_ROOT);
/** The built-in suites (suites/) and app profiles (suites/apps/). */
export const BUILTIN_SUITE_DIR = new URL('suites/', PACKAGE_ROOT);
export const BUILTIN_PROFILE_DIR = new URL('suites/apps/', PACKAGE_ROOT);
/** What the build generates for run time (precompiled validators, parsed built-ins): dist/generated/. */
export const GENERATED_DIR = new URL('dist/generated/', PACKAGE_ROOT);
