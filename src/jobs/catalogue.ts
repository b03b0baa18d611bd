// Every job the platform runs, with its payload. Payloads carry ids only, never secrets.
export interface JobCatalogue {
  /** Runs (or resumes) a deployment's saga. */
  'provisioning.run': { deploymentId: number };
}

export type JobName = keyof JobCatalogue;

export const JOB_NAMES: readonly JobName[] = ['provisioning.run'];
