import type { Activity } from 'botbuilder';
import type { EntityManager } from '../../../src/db/orm';

/** A stored Direct Line conversation. */
export interface DirectLineConversation {
  id: string;
  userId: string;
  citizenId: string | null;
}

/** Activities after a watermark, and the watermark to ask from next time. */
export interface ActivitySet {
  activities: Partial<Activity>[];
  watermark: string;
}

/** Most activities one poll or one stream frame carries; the client asks again from the returned watermark. */
const PAGE_SIZE = 100;

/**
 * Direct Line conversations and their activities in the database. Every statement runs on its own fork of the entity
 * manager: the store is used from requests, from WebSocket streams and from the retention timer alike.
 */
export class DirectLineStore {
  constructor(private readonly em: EntityManager) {}

  /** Creates the conversation; false when it already exists (a second start of the same token's conversation). */
  async create(conversation: DirectLineConversation): Promise<boolean> {
    const rows = await this.em.fork().execute<{ id: string }[]>(
      `insert into directline_conversations (id, user_id, citizen_id) values (?, ?, ?)
       on conflict (id) do nothing returning id`,
      [conversation.id, conversation.userId, conversation.citizenId],
    );
    return rows.length > 0;
  }

  async find(id: string): Promise<DirectLineConversation | null> {
    const rows = await this.em
      .fork()
      .execute<{ id: string; user_id: string; citizen_id: string | null }[]>(
        'select id, user_id, citizen_id from directline_conversations where id = ?',
        [id],
      );
    const row = rows[0];
    return row ? { id: row.id, userId: row.user_id, citizenId: row.citizen_id } : null;
  }

  /**
   * Appends an activity and returns its id (`{conversation}|{number}`). Numbering and insert are one statement: the
   * row lock taken by the update orders concurrent appends from any instance.
   */
  async append(conversationId: string, activity: Partial<Activity>): Promise<string> {
    const rows = await this.em.fork().execute<{ id: string }[]>(
      `with next as (
         update directline_conversations set last_seq = last_seq + 1, updated_at = now()
          where id = ? returning id, last_seq)
       insert into directline_activities (conversation_id, seq, activity)
       select next.id, next.last_seq,
              ?::jsonb || jsonb_build_object(
                'id', next.id || '|' || lpad(next.last_seq::text, 7, '0'),
                'conversation', jsonb_build_object('id', next.id),
                'timestamp', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
         from next
       returning activity->>'id' as id`,
      [conversationId, JSON.stringify(activity)],
    );
    if (!rows[0]) throw new Error(`Direct Line conversation ${conversationId} does not exist`);
    return rows[0].id;
  }

  /** Activities numbered after `watermark` (all of them when it is empty or not a number). */
  async activitiesAfter(conversationId: string, watermark: string | undefined): Promise<ActivitySet> {
    const after = watermark && /^\d{1,15}$/.test(watermark) ? Number(watermark) : 0;
    const rows = await this.em
      .fork()
      .execute<{ seq: string | number; activity: Partial<Activity> | string }[]>(
        `select seq, activity from directline_activities where conversation_id = ? and seq > ? order by seq limit ?`,
        [conversationId, after, PAGE_SIZE],
      );
    const activities = rows.map((row) =>
      typeof row.activity === 'string' ? (JSON.parse(row.activity) as Partial<Activity>) : row.activity,
    );
    const last = rows.at(-1);
    return { activities, watermark: String(last ? Number(last.seq) : after) };
  }

  /** Deletes conversations (and their activities) with nothing new for `idleHours`; returns how many went. */
  async purgeIdle(idleHours: number): Promise<number> {
    const rows = await this.em.fork().execute<{ n: number }[]>(
      `with gone as (
         delete from directline_conversations where updated_at < now() - make_interval(hours => ?::int) returning 1)
       select count(*)::int as n from gone`,
      [idleHours],
    );
    return Number(rows[0].n);
  }
}
