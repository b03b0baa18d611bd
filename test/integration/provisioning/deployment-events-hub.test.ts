// The LISTEN connection starts with the first subscriber: notifications sent before it listens are lost,
// so every subscriber made before then is asked to read again once it listens.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { createDeploymentEventsHub } from '../../../src/provisioning/deployment-events-hub.ts';
import { createTestDatabase } from '../../helpers/database.ts';

test('a subscriber made before the hub listens is told to read again once it does', async (t) => {
  const database = await createTestDatabase();
  const hub = createDeploymentEventsHub(database.url, pino({ level: 'silent' }));
  t.after(async () => {
    await hub.close();
    await database.drop();
  });
  let calls = 0;
  const caughtUp = new Promise<void>((resolve) => hub.subscribe(42, () => {
    calls++;
    resolve();
  }));
  await Promise.race([caughtUp, new Promise((_, reject) => setTimeout(() => reject(new Error('never told to read again')), 5_000))]);
  assert.equal(calls, 1);
  // Once listening, a new subscriber reads first by itself: no extra call.
  let later = 0;
  const unsubscribe = hub.subscribe(43, () => later++);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(later, 0);
  unsubscribe();
});
