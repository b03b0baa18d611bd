// The alert settings from the environment: webhook URLs validated as a whole and never printed in full.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertSettingsOf } from '../../../src/alerts/alert-notifier.ts';
import { ConfigError, describeConfig, loadConfig } from '../../../src/config.ts';

test('alert settings: defaults, webhook URLs validated and masked', () => {
  const defaults = loadConfig({});
  assert.deepEqual([defaults.alertWebhookUrls, defaults.alertReminderMinutes, defaults.alertRecoveryDelayMinutes], [[], 60, 5]);
  assert.equal(describeConfig(defaults).ALERT_WEBHOOK_URLS, '(aucun webhook)');

  const config = loadConfig({
    ALERT_WEBHOOK_URLS: ' https://hooks.slack.com/services/T0/B0/secret-token , https://chat.exemple.fr/hooks/abc,https://hooks.slack.com/services/T0/B0/secret-token',
    ALERT_REMINDER_MINUTES: '30', ALERT_RECOVERY_DELAY_MINUTES: '0', ADMIN_EMAILS: 'a@erp-btp.fr,b@erp-btp.fr',
  });
  assert.deepEqual(config.alertWebhookUrls, ['https://hooks.slack.com/services/T0/B0/secret-token', 'https://chat.exemple.fr/hooks/abc']);
  assert.equal(describeConfig(config).ALERT_WEBHOOK_URLS, 'https://hooks.slack.com/***, https://chat.exemple.fr/***');
  const settings = alertSettingsOf(config);
  assert.deepEqual([settings.reminderMs, settings.recoveryDelayMs, settings.adminEmails], [1_800_000, 0, ['a@erp-btp.fr', 'b@erp-btp.fr']]);

  for (const value of ['ftp://exemple.fr/hook', 'pas une url', 'https://user:pass@exemple.fr/hook', ',']) {
    assert.throws(() => loadConfig({ ALERT_WEBHOOK_URLS: value }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /ALERT_WEBHOOK_URLS : attendu une ou plusieurs URL http ou https séparées par des virgules, sans identifiants, reçu « \*\*\* »/);
      return true;
    }, value);
  }
  assert.throws(() => loadConfig({ ALERT_REMINDER_MINUTES: '0', ALERT_RECOVERY_DELAY_MINUTES: '-1' }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.problems.length, 2);
    return true;
  });
});
