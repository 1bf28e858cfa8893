import type { Activity } from 'botbuilder';
import type { DirectLineConversation, DirectLineRepository } from '../../../src/conversations/directline.repository';

export type { DirectLineConversation } from '../../../src/conversations/directline.repository';

/** Activities after a watermark, and the watermark to ask from next time. */
export interface ActivitySet {
  activities: Partial<Activity>[];
  watermark: string;
}

/** Most activities one poll or one stream frame carries; the client asks again from the returned watermark. */
const PAGE_SIZE = 100;

/**
 * Direct Line conversations and their activities as the channel sees them: Bot Framework activities, paged by
 * watermark. The data lives in {@link DirectLineRepository}; this keeps the protocol's side (watermarks, pages).
 */
export class DirectLineStore {
  constructor(
    private readonly repository: DirectLineRepository,
    /** This instance's name in the notifications of appended activities (StreamWakeups.origin). */
    private readonly origin: string,
  ) {}

  /** Creates the conversation; false when it already exists (a second start of the same token's conversation). */
  create(conversation: DirectLineConversation): Promise<boolean> {
    return this.repository.create(conversation);
  }

  find(id: string): Promise<DirectLineConversation | null> {
    return this.repository.find(id);
  }

  /** Appends an activity and returns its id (`{conversation}|{number}`). */
  async append(conversationId: string, activity: Partial<Activity>): Promise<string> {
    const id = await this.repository.append(conversationId, activity, this.origin);
    if (id === null) throw new Error(`Direct Line conversation ${conversationId} does not exist`);
    return id;
  }

  /** Activities numbered after `watermark` (all of them when it is empty or not a number). */
  async activitiesAfter(conversationId: string, watermark: string | undefined): Promise<ActivitySet> {
    const after = watermark && /^\d{1,15}$/.test(watermark) ? Number(watermark) : 0;
    const rows = await this.repository.activitiesAfter(conversationId, after, PAGE_SIZE);
    const last = rows.at(-1);
    return {
      activities: rows.map((row) => row.activity as Partial<Activity>),
      watermark: String(last ? last.seq : after),
    };
  }
}
