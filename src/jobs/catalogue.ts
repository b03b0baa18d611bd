// Every job the platform runs, with its payload. Payloads carry ids only, never secrets.
export interface JobCatalogue {
  /** Runs (or resumes) a deployment's saga. */
  'provisioning.run': { deploymentId: number };
  /** Sends an e-mail of the outbox (and any other that is due). */
  'mail.deliver': { emailId: number };
}

export type JobName = keyof JobCatalogue;

export const JOB_NAMES: readonly JobName[] = ['provisioning.run', 'mail.deliver'];
