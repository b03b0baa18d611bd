// Live progress across processes: the worker that runs a deployment is rarely the web process
// that streams it. A trigger announces each new event on the `deployment_events` channel;
// each web process holds one LISTEN connection and fans notifications out to its streams.
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';

export interface DeploymentEventsHub {
  subscribe(deploymentId: number, onEvent: () => void): () => void;
  close(): Promise<void>;
}

const RECONNECT_MS = 1_000;

export function createDeploymentEventsHub(url: string, log: Logger): DeploymentEventsHub {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url, application_name: 'erpbtp-events' });
    c.on('notification', (msg) => emitter.emit(`d:${msg.payload}`));
    c.on('error', (err) => {
      log.warn({ err: err.message }, 'deployment events listener lost, reconnecting');
      client = undefined;
      connecting = undefined;
      c.end().catch(() => undefined);
      // Streams re-read from their last event id when the listener is back, so nothing is missed.
      if (!closed) setTimeout(() => ensureConnected().then(() => emitter.emit('reconnected'), () => undefined), RECONNECT_MS).unref();
    });
    await c.connect();
    await c.query('listen deployment_events');
    client = c;
  }

  function ensureConnected(): Promise<void> {
    if (client || closed) return Promise.resolve();
    connecting ??= connect().catch((err: Error) => {
      connecting = undefined;
      throw err;
    });
    return connecting;
  }

  return {
    subscribe(deploymentId, onEvent) {
      // Until LISTEN is in place, notifications are lost: the subscriber reads again once it is, so an event
      // written between its first read and the start of listening is not missed.
      const listening = client !== undefined;
      ensureConnected().then(() => {
        if (!listening && emitter.listeners(`d:${deploymentId}`).includes(onEvent)) onEvent();
      }, (err: Error) => log.warn({ err: err.message }, 'deployment events listener unavailable'));
      emitter.on(`d:${deploymentId}`, onEvent);
      emitter.on('reconnected', onEvent);
      return () => {
        emitter.off(`d:${deploymentId}`, onEvent);
        emitter.off('reconnected', onEvent);
      };
    },
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}
