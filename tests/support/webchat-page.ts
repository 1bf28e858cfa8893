import type { Locator, Page } from 'playwright-core';

/** IPlani's bubbles in Web Chat, oldest first. */
export function botBubbles(page: Page): Locator {
  return page.locator('.webchat__bubble:not(.webchat__bubble--from-user)');
}

/** Web Chat's send box. */
export function sendBox(page: Page): Locator {
  return page.locator('[data-id="webchat-sendbox-input"]');
}

/** A bubble's text as Web Chat shows it, one paragraph after the other, whitespace collapsed. */
export async function bubbleText(bubble: Locator): Promise<string> {
  return collapse((await bubble.locator('.webchat__text-content').allTextContents()).join(' '));
}

export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Waits for an IPlani message matching `pattern` among those after the first `after`. */
export async function waitForBotMessage(page: Page, pattern: RegExp, after: number): Promise<void> {
  const bubbles = botBubbles(page);
  for (let index = after; ; index++) {
    try {
      await bubbles.nth(index).waitFor({ timeout: 20_000 });
    } catch {
      const texts = (await bubbles.allTextContents()).slice(after);
      throw new Error(`no IPlani message matching ${pattern} after ${after}; got ${texts.join(' | ')}`);
    }
    if (pattern.test(await bubbleText(bubbles.nth(index)))) return;
  }
}

/**
 * Holds the page's start of a Direct Line conversation (`POST /v3/directline/conversations`) until `release()`, so a
 * test can look at Web Chat while it is connecting. `arrived` resolves when the page has asked.
 */
export async function holdConversationStart(page: Page): Promise<{ arrived: Promise<void>; release(): void }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  await page.route('**/v3/directline/conversations', async (route) => {
    arrive();
    await released;
    await route.continue();
  });
  return {
    arrived,
    release() {
      release();
    },
  };
}
