// The tenant API's quota and usage bodies (docs/tenant-contract.md §4.2, §4.3). Requests are closed
// (no extra field, no string for a number, integers within the columns' bounds); the reply is an allow-list.
// Refusals are the API's problem+json (src/http/errors.ts).
import Type, { type Static } from 'typebox';
import { quotaResources } from '../db/schema.ts';

/** usage_samples.users and .projects are PostgreSQL integers. */
const INT4_MAX = 2_147_483_647;
const Count = Type.Integer({ minimum: 0, maximum: INT4_MAX });
/** Bytes: exact in a JS number up to 2⁵³ − 1 (8 PiB), and a bigint in usage_samples. */
const Bytes = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const QuotaCheckBody = Type.Object({
  resource: Type.Enum(quotaResources),
  /** The count before the creation asked for; bytes for `storage`. */
  current: Bytes,
}, { additionalProperties: false });
export type QuotaCheckBody = Static<typeof QuotaCheckBody>;

/** -1 = unlimited, as in the plans and the instance's QUOTA_* variables. */
const LimitOrUnlimited = Type.Integer({ minimum: -1 });

export const QuotaCheckReply = Type.Object({
  resource: Type.String(),
  allowed: Type.Boolean(),
  used: Type.Integer(),
  limit: LimitOrUnlimited,
  remaining: LimitOrUnlimited,
  reason: Type.String(),
  message: Type.Union([Type.String(), Type.Null()]),
  plan: Type.String(),
  planName: Type.String(),
}, { additionalProperties: false });
export type QuotaCheckReply = Static<typeof QuotaCheckReply>;

export const UsageBody = Type.Object({
  users: Count,
  projects: Count,
  storageBytes: Bytes,
}, { additionalProperties: false });
export type UsageBody = Static<typeof UsageBody>;
