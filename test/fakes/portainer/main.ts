// Runs the fake Portainer by hand (`npm run fake-portainer`), e.g. to demonstrate the platform with
// ORCHESTRATOR=portainer. FAKE_PORTAINER_PORT (default 9000) and FAKE_PORTAINER_HOST (default 127.0.0.1);
// optional FAKE_PORTAINER_API_KEY, FAKE_PORTAINER_PASSWORD, FAKE_PORTAINER_DEPLOY_MS (default 2000) and
// FAKE_PORTAINER_HEALTHY_AFTER_MS (default 5000).
import { startFakePortainer } from './fake-portainer.ts';

const fake = await startFakePortainer({
  port: Number(process.env.FAKE_PORTAINER_PORT || 9000),
  host: process.env.FAKE_PORTAINER_HOST || '127.0.0.1',
  apiKey: process.env.FAKE_PORTAINER_API_KEY || undefined,
  adminPassword: process.env.FAKE_PORTAINER_PASSWORD || undefined,
  servePublishedPorts: true,
  latency: {
    deployMs: Number(process.env.FAKE_PORTAINER_DEPLOY_MS || 2000),
    healthyAfterMs: Number(process.env.FAKE_PORTAINER_HEALTHY_AFTER_MS || 5000),
  },
});

console.log(`Fake Portainer listening on ${fake.url}
  admin login: ${fake.adminUsername} / ${fake.adminPassword}
  API key:     ${fake.apiKey}
  environments: 1 (standalone Docker), 2 (Docker Swarm)
  published ports of running containers answer GET /health as their healthcheck says

  ORCHESTRATOR=portainer PORTAINER_URL=${fake.url} PORTAINER_API_KEY=${fake.apiKey} PORTAINER_ENDPOINT_ID=1 TENANT_HOST=${new URL(fake.url).hostname} npm start`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
