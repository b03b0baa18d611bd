// The lifecycle's calendar in Europe/Paris: day counts are differences of Paris dates, "n days later" keeps the
// Paris time, and the changes of 28 March 2027 (23-hour day) and 31 October 2027 (25-hour day) change nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, addParisDays, daysBetween, parisDate, parisInstant, parisMinuteOfDay, parseParisDate } from '../../../src/lifecycle/paris-calendar.ts';
import { deletionAt, graceEndsAt, noticeDate, reminderStage, trialDaysLeft } from '../../../src/lifecycle/trial-calendar.ts';

const at = (iso: string) => new Date(iso);

test('Paris dates and times of instants on both sides of the clock changes', () => {
  // 00:30 UTC on the 28th of March is 01:30 CET; 01:30 UTC is 03:30 CEST (02:00-02:59 does not exist).
  assert.equal(parisDate(at('2027-03-27T23:30:00Z')), '2027-03-28');
  assert.equal(parisMinuteOfDay(at('2027-03-28T00:30:00Z')), 90);
  assert.equal(parisMinuteOfDay(at('2027-03-28T01:30:00Z')), 210);
  // Summer: 22:30 UTC is already the next day in Paris; winter: 23:30 UTC is.
  assert.equal(parisDate(at('2027-03-29T22:30:00Z')), '2027-03-30');
  assert.equal(parisDate(at('2027-10-31T22:59:59Z')), '2027-10-31');
  assert.equal(parisDate(at('2027-10-31T23:00:00Z')), '2027-11-01');
});

test('the instant of a Paris wall-clock time, including the skipped and the doubled hour', () => {
  assert.equal(parisInstant('2027-03-27', 7 * 60).toISOString(), '2027-03-27T06:00:00.000Z');
  assert.equal(parisInstant('2027-03-28', 7 * 60).toISOString(), '2027-03-28T05:00:00.000Z');
  // 02:30 does not exist on the 28th of March: it lands after the gap, at 03:30 CEST.
  assert.equal(parisInstant('2027-03-28', 150).toISOString(), '2027-03-28T01:30:00.000Z');
  // 02:30 happens twice on the 31st of October: its first occurrence, in summer time.
  assert.equal(parisInstant('2027-10-31', 150).toISOString(), '2027-10-31T00:30:00.000Z');
  assert.equal(parisInstant('2027-10-31', 7 * 60).toISOString(), '2027-10-31T06:00:00.000Z');
});

test('day counts are differences of dates, whatever the length of the days between', () => {
  assert.equal(daysBetween('2027-03-23', '2027-03-30'), 7);
  assert.equal(daysBetween('2027-10-24', '2027-10-31'), 7);
  assert.equal(daysBetween('2027-03-30', '2027-03-23'), -7);
  assert.equal(daysBetween('2027-12-31', '2028-03-01'), 61);
  assert.equal(addDays('2027-03-27', 3), '2027-03-30');
  assert.equal(addDays('2028-03-01', -1), '2028-02-29');
  assert.equal(parseParisDate('2027-02-29'), undefined);
  assert.equal(parseParisDate('2028-02-29'), '2028-02-29');
  assert.equal(parseParisDate('29/02/2028'), undefined);
});

test('n Paris days later is the same Paris time, 23 or 25 hours in the day of a change', () => {
  // 12:00 CET on the 27th → 12:00 CEST on the 28th: 23 hours later.
  assert.equal(addParisDays(at('2027-03-27T11:00:00Z'), 1).toISOString(), '2027-03-28T10:00:00.000Z');
  // 12:00 CEST on the 30th of October → 12:00 CET on the 31st: 25 hours later.
  assert.equal(addParisDays(at('2027-10-30T10:00:00Z'), 1).toISOString(), '2027-10-31T11:00:00.000Z');
  // A 30-day grace period across the October change: 14:00 CEST → 14:00 CET.
  assert.equal(addParisDays(at('2027-10-10T12:00:00Z'), 30).toISOString(), '2027-11-09T13:00:00.000Z');
  // 02:30 on the 27th of March plus one day does not exist: 03:30 CEST.
  assert.equal(addParisDays(at('2027-03-27T01:30:00Z'), 1).toISOString(), '2027-03-28T01:30:00.000Z');
});

test('J-n across the March change: a trial ending 30 March 2027 at 00:30 (CEST)', () => {
  const end = at('2027-03-29T22:30:00Z');
  // At 07:00 CET on the 23rd, 6 days and 16.5 hours are left: a division of instants would say 6 (floor) or 7 (ceil)
  // depending on the hour; the date difference says 7, at any hour of the day.
  for (const run of ['2027-03-23T00:00:00+01:00', '2027-03-23T07:00:00+01:00', '2027-03-23T23:59:00+01:00']) {
    assert.equal(trialDaysLeft(parisDate(at(run)), end), 7, run);
  }
  assert.equal(trialDaysLeft('2027-03-27', end), 3);
  assert.equal(trialDaysLeft('2027-03-28', end), 2);
  assert.equal(trialDaysLeft('2027-03-29', end), 1);
  assert.equal(trialDaysLeft('2027-03-30', end), 0);
});

test('J-n across the October change: a trial ending 31 October 2027 at 23:30 (CET)', () => {
  const end = at('2027-10-31T22:30:00Z');
  assert.equal(trialDaysLeft(parisDate(at('2027-10-24T07:00:00+02:00')), end), 7);
  assert.equal(trialDaysLeft(parisDate(at('2027-10-24T23:59:00+02:00')), end), 7);
  assert.equal(trialDaysLeft(parisDate(at('2027-10-30T23:59:00+02:00')), end), 1);
  assert.equal(trialDaysLeft(parisDate(at('2027-10-31T00:00:00+02:00')), end), 0);
});

test('the reminder of each period: J-7 from 7 to 4 days left, J-3 from 3 to 2, J-1 on the eve and the last day', () => {
  assert.deepEqual([10, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1].map(reminderStage), [undefined, undefined, 7, 7, 7, 7, 3, 3, 1, 1, undefined]);
});

test('the grace period, its notice and the deletion date, in Paris days', () => {
  const end = at('2027-03-30T12:23:00Z'); // 14:23 CEST
  assert.equal(graceEndsAt(end, 30).toISOString(), '2027-04-29T12:23:00.000Z');
  assert.equal(noticeDate(end, 30), '2027-04-27');
  // Sent on time (or early), the notice changes nothing; sent late, the deletion moves to two days after it.
  assert.equal(deletionAt(end, 30, '2027-04-27').toISOString(), '2027-04-29T12:23:00.000Z');
  assert.equal(deletionAt(end, 30, '2027-04-29').toISOString(), '2027-05-01T12:23:00.000Z');
  // Across the October change, the deletion keeps the trial's Paris time: 10:00 CEST → 10:00 CET.
  assert.equal(graceEndsAt(at('2027-10-15T08:00:00Z'), 30).toISOString(), '2027-11-14T09:00:00.000Z');
});
