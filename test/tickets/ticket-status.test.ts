import { describe, expect, it } from 'vitest';
import { followUpLinks, ticketStatus } from '../../src/tickets/ticket-status.js';
import type { StatusChange } from '../../src/tickets/ticket-status.js';

const resolved = (at: number, by: 'ai' | 'human' = 'ai', confirmed = false): StatusChange => ({ kind: 'resolved', at, by, confirmed });
const reopened = (at: number): StatusChange => ({ kind: 'reopened', at });
const linked = (at: number, conversationId: string): StatusChange => ({ kind: 'linked', at, conversationId });

describe('ticketStatus', () => {
  it('is open with no change', () => {
    expect(ticketStatus([], 100)).toEqual({ resolved: false, resolvedAt: null, resolvedBy: null, confirmed: false, reopens: 0, everResolvedByHuman: false });
  });

  it('takes the latest resolution, with its time, resolver and confirmation', () => {
    expect(ticketStatus([resolved(10, 'human'), resolved(20, 'ai', true)], 100))
      .toMatchObject({ resolved: true, resolvedAt: 20, resolvedBy: 'ai', confirmed: true, reopens: 0, everResolvedByHuman: true });
  });

  it('counts a reopen only when it reopens a resolved ticket', () => {
    expect(ticketStatus([reopened(5), resolved(10), reopened(20), reopened(25)], 100))
      .toMatchObject({ resolved: false, reopens: 1 });
  });

  it('counts a conversation linked after the resolution as a follow-up reopen, once per conversation', () => {
    const changes = [linked(1, 'c1'), resolved(10), linked(20, 'c2'), resolved(30), linked(40, 'c2')];
    expect(ticketStatus(changes, 100)).toMatchObject({ resolved: true, resolvedAt: 30, reopens: 1 });
  });

  it('ignores what happens at or after asOf', () => {
    expect(ticketStatus([resolved(10), linked(20, 'c2')], 20)).toMatchObject({ resolved: true, resolvedAt: 10, reopens: 0 });
    expect(ticketStatus([resolved(10)], 10)).toMatchObject({ resolved: false });
  });

  // A conversation linked at the same millisecond as a resolution (the bot's first call and
  // `meter.resolve()` under one clock tick) was there when the ticket was resolved: no follow-up.
  // The stores give a link and an event of one moment in either order (different tables).
  it('does not count a link made at the moment of the resolution as a follow-up, in either order', () => {
    const expected = { resolved: true, resolvedAt: 10, resolvedBy: 'ai', reopens: 0 };
    expect(ticketStatus([linked(10, 'c1'), resolved(10)], 100)).toMatchObject(expected);
    expect(ticketStatus([resolved(10), linked(10, 'c1')], 100)).toMatchObject(expected);
  });

  it('still counts a new conversation linked at the moment of a second resolution as the follow-up of the first', () => {
    // Resolved at 5; at 10 a new contact (c2) arrives and is resolved at once: one reopen, resolved at 10.
    const expected = { resolved: true, resolvedAt: 10, reopens: 1 };
    expect(ticketStatus([linked(1, 'c1'), resolved(5), resolved(10, 'human'), linked(10, 'c2')], 100)).toMatchObject(expected);
    expect(ticketStatus([linked(1, 'c1'), resolved(5), linked(10, 'c2'), resolved(10, 'human')], 100)).toMatchObject(expected);
  });

  it('keeps the order of arrival between a resolution and a reopen made at one moment', () => {
    expect(ticketStatus([resolved(10), reopened(10)], 100)).toMatchObject({ resolved: false, reopens: 1 });
    expect(ticketStatus([reopened(10), resolved(10)], 100)).toMatchObject({ resolved: true, resolvedAt: 10, reopens: 0 });
  });
});

describe('followUpLinks', () => {
  it('names the links ticketStatus counts as reopens, and only those', () => {
    const changes: StatusChange[] = [
      { kind: 'linked', at: 5, conversationId: 'c1' }, // 0: open ticket, no follow-up
      { kind: 'resolved', at: 10, by: 'ai', confirmed: false }, // 1
      { kind: 'linked', at: 10, conversationId: 'c2' }, // 2: the resolution's moment: counted before it, no follow-up
      { kind: 'linked', at: 20, conversationId: 'c3' }, // 3: after: follow-up (reopen 1)
      { kind: 'resolved', at: 30, by: 'human', confirmed: true }, // 4
      { kind: 'linked', at: 40, conversationId: 'c1' }, // 5: c1 again: not its first link, nothing
      { kind: 'linked', at: 50, conversationId: 'c4' }, // 6: follow-up (reopen 2)
    ];
    expect([...followUpLinks(changes)]).toEqual([3, 6]);
    expect(ticketStatus(changes, 60)).toMatchObject({ resolved: false, reopens: 2 });
  });
});
