import type { TestApp } from './test-app';

/** An activity as the Direct Line API returns it (the fields tests look at). */
export interface DirectLineActivity {
  id: string;
  type: string;
  text?: string;
  textFormat?: string;
  speak?: string;
  from: { id: string; role?: string };
  channelData?: { clientActivityID?: string };
  suggestedActions?: { actions: Array<{ title: string; value: string }> };
}

/** A Direct Line client that plays Web Chat's part over plain HTTP (polling). */
export class DirectLineClient {
  watermark = '';
  conversationId = '';
  streamUrl = '';

  constructor(
    private readonly t: TestApp,
    public token: string,
  ) {}

  /** A token from the app: the citizen's when `accessToken` is given, anonymous otherwise. */
  static async forCitizen(t: TestApp, accessToken?: string): Promise<DirectLineClient> {
    const res = await t.fetch('/v1/bot/directline/token', {
      method: 'POST',
      headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { token: string; conversationId: string };
    const client = new DirectLineClient(t, body.token);
    client.conversationId = body.conversationId;
    return client;
  }

  headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' };
  }

  async start(): Promise<Response> {
    const res = await this.t.fetch('/v3/directline/conversations', { method: 'POST', headers: this.headers() });
    if (res.status === 201) {
      const body = (await res.clone().json()) as { conversationId: string; token: string; streamUrl: string };
      this.conversationId = body.conversationId;
      this.token = body.token;
      this.streamUrl = body.streamUrl;
    }
    return res;
  }

  /** Posts a user message the way Web Chat does; returns the activity id. */
  async say(text: string, from = { id: 'dl_whoever', role: 'user' }): Promise<string> {
    const res = await this.t.fetch(`/v3/directline/conversations/${this.conversationId}/activities`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({
        type: 'message',
        text,
        textFormat: 'plain',
        channelId: 'webchat',
        from,
        locale: 'pt-BR',
        channelData: { clientActivityID: `client-${Date.now()}-${Math.random()}` },
      }),
    });
    if (res.status !== 200) throw new Error(`post: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }

  poll(conversationId = this.conversationId, watermark = this.watermark): Promise<Response> {
    return this.t.fetch(`/v3/directline/conversations/${conversationId}/activities?watermark=${watermark}`, {
      headers: this.headers(),
    });
  }

  /** Activities since the last call, advancing the watermark. */
  async next(): Promise<DirectLineActivity[]> {
    const res = await this.poll();
    if (res.status !== 200) throw new Error(`poll: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { activities: DirectLineActivity[]; watermark: string };
    this.watermark = body.watermark;
    return body.activities;
  }

  /**
   * Sends a file the way Web Chat's paper clip does: multipart/form-data to `/upload`, with the activity as a JSON part
   * and the file in part `file`. Returns the response (the activity id on 200).
   */
  upload(
    file: { bytes: Buffer; name: string; type: string },
    activity: Record<string, unknown> = { type: 'message', text: '', locale: 'pt-BR' },
  ): Promise<Response> {
    const form = new FormData();
    form.append('activity', new Blob([JSON.stringify(activity)], { type: 'application/vnd.microsoft.activity' }));
    form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
    return this.t.fetch(`/v3/directline/conversations/${this.conversationId}/upload?userId=dl_whoever`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}` },
      body: form,
    });
  }

  /** Says `text` and returns the bot's replies to it (polled after the turn, which the POST waits for). */
  async ask(text: string): Promise<string> {
    await this.say(text);
    const activities = await this.next();
    return activities
      .filter((activity) => activity.from.role === 'bot')
      .map((activity) => activity.text ?? '')
      .join('\n---\n');
  }
}
