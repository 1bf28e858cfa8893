import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * Accessibility checks for the browser tests, made by the browser itself: axe-core, the page's geometry and the
 * pixels drawn around the focused element (see tests/support/page-probes.js), and Chromium's accessibility tree.
 */

export interface Focused {
  description: string;
  tag: string;
  id: string;
  name: string;
  classes: string;
  box: { left: number; top: number; width: number; height: number };
  onScreen: boolean;
  /** False when every sampled point of it is covered by something else; null for an element with no area. */
  unobscured: boolean | null;
}

export interface Layout {
  viewport: { width: number; height: number };
  scrollWidth: number;
  scrollHeight: number;
  scrollY: number;
  /** Messages at least partly on screen. */
  messages: number;
  overlaps: string[];
  truncated: string[];
  sendBox: { left: number; top: number; width: number; height: number } | null;
  transcriptHeight: number;
}

export interface LiveRegion {
  description: string;
  classes: string;
  text: string;
}

type ProbeWindow = { a11yProbes: Record<string, (...args: unknown[]) => unknown> };

function probe<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(([probeName, probeArgs]) => (globalThis as unknown as ProbeWindow).a11yProbes[probeName](...probeArgs), [
    name,
    args,
  ] as const) as Promise<T>;
}

/**
 * axe-core's default rules (WCAG 2.0, 2.1 and 2.2 A and AA, and best practices) on the page as it is now. Legacy mode
 * runs axe in the page itself instead of finishing in a second blank page: the same rules, half the time (the pages
 * tested have no frames, which is what the newer mode is for).
 */
export async function expectNoSeriousAxeViolations(page: Page, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => {
      const targets = violation.nodes.map((node) => node.target.join(' ')).join(' | ');
      return `${violation.id} (${violation.impact}): ${violation.help} at ${targets}`;
    });
  expect({ state, serious }).toEqual({ state, serious: [] });
}

/** The element's box and some room around it (where its indicator is drawn), within the viewport. */
function around(box: Focused['box'], viewport: { width: number; height: number }) {
  const margin = 32;
  const x = Math.max(0, box.left - margin);
  const y = Math.max(0, box.top - margin);
  const right = Math.min(viewport.width, box.left + box.width + margin);
  const bottom = Math.min(viewport.height, box.top + box.height + margin);
  return { x, y, width: right - x, height: bottom - y };
}

/**
 * The focused element is on screen, not entirely covered, and drawn differently when focused: at least as many pixels
 * as a 1 px outline around it change with a contrast of 3:1 or more between the focused and unfocused pictures. The
 * focus is taken away and given back to draw both; a picture that changes for another reason is taken again.
 */
export async function expectVisibleFocus(page: Page, step: string): Promise<Focused> {
  const focused = await probe<Focused | null>(page, 'focused');
  if (!focused) throw new Error(`${step}: nothing has the focus`);
  expect({ step, focused: focused.description, onScreen: focused.onScreen, covered: focused.unobscured === false }).toEqual({
    step,
    focused: focused.description,
    onScreen: true,
    covered: false,
  });
  const scale = await page.evaluate(() => (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio);
  const clip = around(focused.box, page.viewportSize()!);
  for (let attempt = 0; attempt < 3; attempt++) {
    const withFocus = await page.screenshot({ animations: 'disabled', clip });
    await probe(page, 'blurFocused');
    const withoutFocus = await page.screenshot({ animations: 'disabled', clip });
    await probe(page, 'restoreFocus');
    const again = await page.screenshot({ animations: 'disabled', clip });
    if (!again.equals(withFocus)) continue;
    const changed = await probe<number>(page, 'contrastingPixels', withFocus.toString('base64'), withoutFocus.toString('base64'));
    const outline = 2 * (focused.box.width + focused.box.height) * scale * scale;
    expect({ step, focused: focused.description, indicatorLargeEnough: changed >= outline, changed }).toEqual({
      step,
      focused: focused.description,
      indicatorLargeEnough: true,
      changed,
    });
    return focused;
  }
  throw new Error(`${step}: the page kept changing while the focus indicator of ${focused.description} was measured`);
}

/**
 * Presses `key` until the focused element is the one wanted, checking at every stop that the focus is visible.
 * Returns every stop; fails after `max` presses (a trap, or the element is not reachable that way).
 */
export async function pressUntilFocused(
  page: Page,
  key: string,
  wanted: (focused: Focused) => boolean,
  what: string,
  max = 20,
): Promise<Focused[]> {
  const stops: Focused[] = [];
  for (let press = 0; press < max; press++) {
    await page.keyboard.press(key);
    const focused = await probe<Focused | null>(page, 'focused');
    // The browser's own controls, past the page's last element, are where the focus leaves and re-enters the page.
    if (!focused) continue;
    stops.push(await expectVisibleFocus(page, `${key} towards ${what}`));
    if (wanted(focused)) return stops;
  }
  throw new Error(
    `${what} not reached with ${max} presses of ${key}; stops: ${stops.map((stop) => stop.description).join(', ')}`,
  );
}

export async function focusedElement(page: Page): Promise<Focused | null> {
  return probe<Focused | null>(page, 'focused');
}

/**
 * Reflow (WCAG 1.4.10) and the chat's own promises: no horizontal scroll, no overlapping controls or messages, no
 * label cut short; in the chat also the send box on screen with the page itself not scrolling, and room left for the
 * conversation (a quarter of the height at least).
 */
export async function expectReflow(page: Page, state: string, options: { chat: boolean }): Promise<Layout> {
  const layout = await probe<Layout>(page, 'layout');
  const { width, height } = layout.viewport;
  const problems: string[] = [...layout.overlaps, ...layout.truncated.map((label) => `cut short: ${label}`)];
  if (layout.scrollWidth > width) problems.push(`horizontal scroll: scrollWidth ${layout.scrollWidth} > ${width}`);
  if (options.chat) {
    const send = layout.sendBox;
    if (!send) problems.push('no send box');
    else if (send.top < 0 || send.top + send.height > height) problems.push(`send box off screen: ${JSON.stringify(send)}`);
    if (layout.scrollHeight > height || layout.scrollY !== 0) {
      problems.push(`the page scrolls: scrollHeight ${layout.scrollHeight} > ${height} or scrollY ${layout.scrollY}`);
    }
    if (layout.transcriptHeight < height / 4) problems.push(`conversation only ${layout.transcriptHeight} px high`);
    if (layout.messages === 0) problems.push('no message on screen');
  }
  expect({ state, problems }).toEqual({ state, problems: [] });
  return layout;
}

export async function liveRegions(page: Page): Promise<LiveRegion[]> {
  return probe<LiveRegion[]>(page, 'liveRegions');
}

export async function runningAnimations(page: Page): Promise<string[]> {
  return probe<string[]>(page, 'animations');
}

/** The CSS background of Web Chat's "Conectando…" indicator: its animated GIF (a blob: URL) or the page's still one. */
export async function connectingPicture(page: Page): Promise<string | null> {
  await page.locator('.webchat__connectivityStatus').first().waitFor();
  return probe<string | null>(page, 'connectingPicture');
}

export interface AccessibleNode {
  role: string;
  name: string;
  description: string;
  invalid: boolean;
}

/** The element as Chromium exposes it to screen readers (its accessibility tree, through the DevTools protocol). */
export async function accessibleNode(page: Page, selector: string): Promise<AccessibleNode> {
  const session = await page.context().newCDPSession(page);
  try {
    const { root } = await session.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await session.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) throw new Error(`no element matches ${selector}`);
    const { nodes } = await session.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    const node = nodes[0];
    const value = (property?: { value?: unknown }) => (typeof property?.value === 'string' ? property.value : '');
    const invalid = node.properties?.find((property) => property.name === 'invalid');
    return {
      role: value(node.role),
      name: value(node.name),
      description: value(node.description),
      invalid: invalid !== undefined && invalid.value.value !== 'false',
    };
  } finally {
    await session.detach();
  }
}
