// Build step after tsc: precompiled AJV validators and the parsed built-in suites and profiles in dist/generated/
// (see src/core/util/generate.ts). Run time falls back to compiling and parsing when these are missing or stale.
import { generateAll } from '../dist/core/util/generate.js';
generateAll();
