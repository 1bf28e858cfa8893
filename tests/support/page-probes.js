// Measurements the browser tests take inside the page, as the browser itself lays it out and draws it. Injected by
// tests/support/browser.ts (context.addInitScript, which the page's CSP does not govern) as window.a11yProbes.
(function () {
  'use strict';

  const CONTROLS = 'a[href], button, input:not([type="hidden"]), select, textarea, [role="button"], [tabindex="0"]';
  const MESSAGES = '.webchat__bubble';
  // Web Chat's suggested actions and the page's buttons must show their whole label, never an ellipsis.
  const LABELS = '.webchat__suggested-action__text, button';

  function viewport() {
    return { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };
  }

  function boxOf(element) {
    const rect = element.getBoundingClientRect();
    return { left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom };
  }

  function intersect(a, b) {
    return {
      left: Math.max(a.left, b.left),
      top: Math.max(a.top, b.top),
      right: Math.min(a.right, b.right),
      bottom: Math.min(a.bottom, b.bottom),
    };
  }

  function area(box) {
    return Math.max(0, box.right - box.left) * Math.max(0, box.bottom - box.top);
  }

  function round(box) {
    return {
      left: Math.round(box.left),
      top: Math.round(box.top),
      width: Math.round(box.right - box.left),
      height: Math.round(box.bottom - box.top),
    };
  }

  /** What a person would call the element: its accessible name as far as the page spells it out. */
  function nameOf(element) {
    const labelledBy = (element.getAttribute('aria-labelledby') || '')
      .split(/\s+/)
      .map((id) => document.getElementById(id))
      .filter(Boolean)
      .map((label) => label.textContent)
      .join(' ');
    const labels = element.labels ? Array.from(element.labels, (label) => label.textContent).join(' ') : '';
    const name =
      element.getAttribute('aria-label') || labelledBy || labels || element.getAttribute('title') || element.textContent || '';
    return name.replace(/\s+/g, ' ').trim().slice(0, 80);
  }

  function describe(element) {
    const id = element.id ? '#' + element.id : '';
    const kind = element.classList.contains('webchat__bubble') ? 'message' : element.tagName.toLowerCase();
    return kind + id + ' "' + nameOf(element) + '"';
  }

  /**
   * The part of an element that is on screen: its box cut by the viewport and by every ancestor that clips it, or
   * null when nothing of it shows (not rendered, transparent, hidden, clipped away, or a 1 px screen-reader text).
   */
  function visibleBox(element) {
    if (!element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return null;
    let visible = intersect(boxOf(element), viewport());
    for (let node = element; node; node = node.parentElement) {
      const style = window.getComputedStyle(node);
      if (style.clip !== 'auto' || style.clipPath !== 'none') return null;
      if (node !== element && (style.overflowX !== 'visible' || style.overflowY !== 'visible')) {
        visible = intersect(visible, boxOf(node));
      }
    }
    return area(visible) > 1 ? visible : null;
  }

  function relativeLuminance(r, g, b) {
    const linear = (value) => {
      const c = value / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  }

  async function pixelsOf(base64) {
    const bytes = Uint8Array.from(window.atob(base64), (character) => character.charCodeAt(0));
    const bitmap = await window.createImageBitmap(new window.Blob([bytes], { type: 'image/png' }));
    const canvas = new window.OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  }

  let blurred = null;

  window.a11yProbes = {
    /** The focused element: what it is, where, and whether any of it can be seen (not under something else). */
    focused() {
      const element = document.activeElement;
      if (!element || element === document.body || element === document.documentElement) return null;
      const box = boxOf(element);
      const onScreen = intersect(box, viewport());
      let unobscured = null;
      if (area(onScreen) > 0) {
        unobscured = false;
        for (const fx of [0.1, 0.5, 0.9]) {
          for (const fy of [0.1, 0.5, 0.9]) {
            const x = onScreen.left + (onScreen.right - onScreen.left) * fx;
            const y = onScreen.top + (onScreen.bottom - onScreen.top) * fy;
            const hit = document.elementFromPoint(x, y);
            if (hit && (hit === element || element.contains(hit))) unobscured = true;
          }
        }
      }
      return {
        description: describe(element),
        tag: element.tagName.toLowerCase(),
        id: element.id,
        name: nameOf(element),
        classes: element.className && typeof element.className === 'string' ? element.className : '',
        box: round(box),
        // Inclusive, so a zero-height element (Web Chat's end-of-transcript marker) counts where it sits.
        onScreen: box.right >= 0 && box.left <= window.innerWidth && box.bottom >= 0 && box.top <= window.innerHeight,
        unobscured,
      };
    },

    /** Takes the focus away from the focused element (to draw it unfocused); restoreFocus gives it back. */
    blurFocused() {
      blurred = document.activeElement;
      blurred.blur();
    },

    restoreFocus() {
      blurred.focus();
      blurred = null;
    },

    /**
     * How many pixels differ between two screenshots of the same size by a contrast of at least 3:1 (WCAG's measure
     * for a focus indicator: the same pixels focused and unfocused).
     */
    async contrastingPixels(before, after) {
      const [a, b] = await Promise.all([pixelsOf(before), pixelsOf(after)]);
      if (a.length !== b.length) throw new Error('screenshots of different sizes');
      let count = 0;
      for (let i = 0; i < a.length; i += 4) {
        if (a[i] === b[i] && a[i + 1] === b[i + 1] && a[i + 2] === b[i + 2]) continue;
        const la = relativeLuminance(a[i], a[i + 1], a[i + 2]);
        const lb = relativeLuminance(b[i], b[i + 1], b[i + 2]);
        if ((Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05) >= 3) count++;
      }
      return count;
    },

    /**
     * The page's geometry: horizontal overflow, overlapping controls or messages (each cut to what is on screen),
     * labels cut short, and where the send box and the conversation are.
     */
    layout() {
      const items = [];
      for (const element of document.querySelectorAll(CONTROLS + ', ' + MESSAGES)) {
        const visible = visibleBox(element);
        if (visible) items.push({ element, visible });
      }
      const overlaps = [];
      for (let i = 0; i < items.length; i++) {
        for (let j = i + 1; j < items.length; j++) {
          const a = items[i];
          const b = items[j];
          if (a.element.contains(b.element) || b.element.contains(a.element)) continue;
          const common = intersect(a.visible, b.visible);
          // More than a pixel each way: neighbours that touch, or round to the same pixel, are not overlapping.
          if (common.right - common.left > 1 && common.bottom - common.top > 1) {
            overlaps.push(describe(a.element) + ' overlaps ' + describe(b.element) + ' at ' + JSON.stringify(round(common)));
          }
        }
      }
      const truncated = [];
      for (const element of document.querySelectorAll(LABELS)) {
        if (visibleBox(element) && element.scrollWidth > element.clientWidth + 1) truncated.push(describe(element));
      }
      const sendBox = document.querySelector('[data-id="webchat-sendbox-input"]');
      const transcript = document.querySelector('.webchat__basic-transcript__scrollable');
      const transcriptBox = transcript && visibleBox(transcript);
      return {
        viewport: { width: window.innerWidth, height: window.innerHeight },
        scrollWidth: document.documentElement.scrollWidth,
        scrollHeight: document.documentElement.scrollHeight,
        scrollY: window.scrollY,
        messages: items.filter((item) => item.element.matches(MESSAGES)).length,
        overlaps,
        truncated,
        sendBox: sendBox ? round(boxOf(sendBox)) : null,
        transcriptHeight: transcriptBox ? Math.round(transcriptBox.bottom - transcriptBox.top) : 0,
      };
    },

    /**
     * Every live region a screen reader would follow (rendered, aria-live not off), with its text: the page must
     * have one that speaks, and the others must stay quiet.
     */
    liveRegions() {
      const regions = [];
      for (const element of document.querySelectorAll('[aria-live], [role="log"], [role="status"], [role="alert"]')) {
        if (element.getAttribute('aria-live') === 'off') continue;
        // A visually hidden region is still read; one that is not rendered (display: none) is not.
        if (!element.checkVisibility({ visibilityProperty: true })) continue;
        regions.push({
          description: describe(element),
          classes: typeof element.className === 'string' ? element.className : '',
          text: element.textContent.replace(/\s+/g, ' ').trim(),
        });
      }
      return regions;
    },

    /** The picture Web Chat shows next to "Conectando…" (a CSS background), or null when it shows none. */
    connectingPicture() {
      const status = document.querySelector('.webchat__connectivityStatus');
      if (!status) return null;
      for (const element of status.querySelectorAll('*')) {
        const picture = window.getComputedStyle(element).backgroundImage;
        if (picture !== 'none') return picture;
      }
      return null;
    },

    /** Animations running on the page (CSS animations and transitions), as "element: name". */
    animations() {
      return document.getAnimations().map((animation) => {
        const target = animation.effect && animation.effect.target;
        return (
          (target ? describe(target) : '?') + ': ' + (animation.animationName || animation.transitionProperty || 'animation')
        );
      });
    },
  };
})();
