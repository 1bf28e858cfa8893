import { Repository, type Tx } from '../db/repository';

/** The PostgreSQL notification channel told of every appended activity (see {@link DirectLineRepository.append}). */
export const DIRECTLINE_ACTIVITY_CHANNEL = 'directline_activity';

/** What a notification on {@link DIRECTLINE_ACTIVITY_CHANNEL} says: which conversation got activities, written by whom. */
export interface ActivityNotice {
  conversationId: string;
  /** The writing instance's own name (see DirectLineStore). */
  origin: string;
}

/** Reads a payload of {@link DIRECTLINE_ACTIVITY_CHANNEL} (`{conversationId} {origin}`); null when malformed. */
export function activityNotice(payload: string): ActivityNotice | null {
  const [conversationId, origin, ...rest] = payload.split(' ');
  return conversationId && origin && rest.length === 0 ? { conversationId, origin } : null;
}

/** A stored Direct Line conversation: the channel user of its token and the citizen signed in to it (if any). */
export interface DirectLineConversation {
  id: string;
  userId: string;
  citizenId: string | null;
}

/** A stored activity as JSON (the bot edge knows its Bot Framework shape) and its number in the conversation. */
export interface StoredActivity {
  seq: number;
  activity: Record<string, unknown>;
}

/**
 * The app's own Direct Line conversations (`directline_conversations`) and their activities (`directline_activities`,
 * numbered per conversation). Every statement runs on its own: the web chat's requests, its WebSocket streams and the
 * retention timer use it alike.
 */
export class DirectLineRepository extends Repository {
  /** Creates the conversation; false when it already exists (a second start of the same token's conversation). */
  async create(conversation: DirectLineConversation): Promise<boolean> {
    const rows = await this.rows(
      `insert into directline_conversations (id, user_id, citizen_id) values (?, ?, ?)
       on conflict (id) do nothing returning id`,
      [conversation.id, conversation.userId, conversation.citizenId],
    );
    return rows.length > 0;
  }

  /** One conversation, or null. */
  async find(id: string): Promise<DirectLineConversation | null> {
    const row = await this.row<{ id: string; user_id: string; citizen_id: string | null }>(
      'select id, user_id, citizen_id from directline_conversations where id = ?',
      [id],
    );
    return row ? { id: row.id, userId: row.user_id, citizenId: row.citizen_id } : null;
  }

  /**
   * Appends an activity and returns its id (`{conversation}|{number}`), or null when the conversation does not exist.
   * Numbering and insert are one statement: the row lock taken by the update orders concurrent appends from any
   * instance. The stored activity gets its id, conversation and timestamp from the database.
   *
   * The same statement (so the same transaction) notifies {@link DIRECTLINE_ACTIVITY_CHANNEL} with
   * {@link activityNotice}: PostgreSQL delivers it to every listening instance once the activity is committed, never
   * before, and not at all if it rolls back. `origin` names the writing instance, which wakes its own streams itself.
   */
  async append(conversationId: string, activity: object, origin: string): Promise<string | null> {
    const row = await this.row<{ id: string }>(
      `with next as (
         update directline_conversations set last_seq = last_seq + 1, updated_at = now()
          where id = ? returning id, last_seq),
       appended as (
         insert into directline_activities (conversation_id, seq, activity)
         select next.id, next.last_seq,
                ?::jsonb || jsonb_build_object(
                  'id', next.id || '|' || lpad(next.last_seq::text, 7, '0'),
                  'conversation', jsonb_build_object('id', next.id),
                  'timestamp', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
           from next
         returning conversation_id, activity->>'id' as id)
       select appended.id, pg_notify(?, appended.conversation_id || ' ' || ?::text) as notified from appended`,
      [conversationId, JSON.stringify(activity), DIRECTLINE_ACTIVITY_CHANNEL, origin],
    );
    return row ? row.id : null;
  }

  /** At most `limit` activities numbered after `after`, in order. */
  async activitiesAfter(conversationId: string, after: number, limit: number): Promise<StoredActivity[]> {
    const rows = await this.rows<{ seq: string | number; activity: Record<string, unknown> | string }>(
      `select seq, activity from directline_activities where conversation_id = ? and seq > ? order by seq limit ?`,
      [conversationId, after, limit],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      activity: typeof row.activity === 'string' ? (JSON.parse(row.activity) as Record<string, unknown>) : row.activity,
    }));
  }

  /** Deletes conversations (and their activities) with nothing new for `idleHours` before `now`; returns how many went. */
  async deleteIdle(idleHours: number, now: Date): Promise<number> {
    const row = await this.row<{ n: number }>(
      `with gone as (
         delete from directline_conversations where updated_at < ?::timestamptz - make_interval(hours => ?::int) returning 1)
       select count(*)::int as n from gone`,
      [now, idleHours],
    );
    return Number(row!.n);
  }

  /** LGPD erasure: the web chat transcripts the citizen was signed in to (their activities go with them). */
  async deleteAllOfCitizen(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from directline_conversations where citizen_id = ?', [userId], tx);
  }
}
