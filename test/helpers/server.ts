/** What tests ask of a reference server they started. */
import type { RunningServer } from '../../src/server/index.js';

/** Users and groups on the server other than its seed data: what a run created and may have left behind. */
export const ownObjects = (s: RunningServer): number => {
  const snap = s.snapshot();
  return [...snap.users, ...snap.groups].filter((r) => !String(r.id).startsWith('seed-')).length;
};
