// The city's web chat page: signs in against the REST API, gets a Direct Line token that carries the citizen (or an
// anonymous one), and renders Bot Framework Web Chat against the app's own Direct Line. No inline script (CSP).
// Accessibility (docs/accessibility.md): a title per state, errors tied to their fields, one polite live region that
// reads each new IPlani message once, focus indicators that contrast, no motion when the system asks for less.
(function () {
  'use strict';

  const form = document.getElementById('sign-in-form');
  const username = document.getElementById('username');
  const password = document.getElementById('password');
  const otpField = document.getElementById('otp-field');
  const otp = document.getElementById('otp');
  const formError = document.getElementById('form-error');
  const signInButton = document.getElementById('sign-in-button');
  const anonymousButton = document.getElementById('anonymous-button');
  const signInSection = document.getElementById('sign-in');
  const signedOut = document.getElementById('signed-out');
  const chatSection = document.getElementById('chat');
  const chatWho = document.getElementById('chat-who');
  const signOutButton = document.getElementById('sign-out-button');
  const webchatElement = document.getElementById('webchat');
  const announcer = document.getElementById('announcer');

  const SITE = 'IPlani · Carteira Digital Carioca';
  const SIGNED_OUT_FLAG = 'cdc-chat-signed-out';
  // Dark enough for 3:1 against every background it is drawn on (white, the page's grey, the blue buttons' edge).
  const FOCUS = '#1c1c1c';
  const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  // Web Chat's spinner and typing indicator are animated GIFs; when the system asks for less motion, still pictures.
  const STILL_DOTS =
    'url("data:image/svg+xml,' +
    encodeURIComponent(
      '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><g fill="#595959">' +
        '<circle cx="4" cy="10" r="2"/><circle cx="10" cy="10" r="2"/><circle cx="16" cy="10" r="2"/></g></svg>',
    ) +
    '")';

  const STYLE_OPTIONS = {
    // Rio blue for everything interactive (it keeps text contrast above 4.5:1); the city's orange only decorates.
    accent: '#0061a8',
    bubbleFromUserBackground: '#0061a8',
    bubbleFromUserTextColor: '#ffffff',
    bubbleFromUserBorderRadius: 12,
    bubbleBorderRadius: 12,
    bubbleBackground: '#eef3f8',
    suggestedActionBorderColor: '#0061a8',
    suggestedActionTextColor: '#0061a8',
    suggestedActionBorderRadius: 16,
    suggestedActionLayout: 'flow',
    // Many options on a small or zoomed screen scroll inside their own box, so the conversation keeps its room.
    suggestedActionsFlowMaxHeight: '30vh',
    transitionDuration: '0s',
    sendBoxButtonColor: '#0061a8',
    sendBoxButtonColorOnFocus: '#004a80',
    sendBoxButtonColorOnHover: '#004a80',
    // Web Chat's focus indicators (1 px, grey, dashed by default) made solid, 2 px and dark.
    suggestedActionKeyboardFocusIndicatorBorderColor: FOCUS,
    suggestedActionKeyboardFocusIndicatorBorderStyle: 'solid',
    suggestedActionKeyboardFocusIndicatorBorderWidth: 2,
    suggestedActionKeyboardFocusIndicatorBorderRadius: 14,
    suggestedActionsVisualKeyboardIndicatorColor: FOCUS,
    sendBoxButtonKeyboardFocusIndicatorBorderColor: FOCUS,
    sendBoxButtonKeyboardFocusIndicatorBorderWidth: 2,
    transcriptVisualKeyboardIndicatorColor: FOCUS,
    transcriptActivityVisualKeyboardIndicatorColor: FOCUS,
    transcriptActivityVisualKeyboardIndicatorStyle: 'solid',
    transcriptActivityVisualKeyboardIndicatorWidth: 2,
    botAvatarInitials: 'IP',
    botAvatarBackgroundColor: '#f7a600',
    // The paper clip sends one photo or PDF, the kinds a document accepts (the server checks size and content again).
    hideUploadButton: false,
    uploadAccept: 'image/jpeg,image/png,application/pdf',
    uploadMultiple: false,
    // Sent as soon as it is picked: the bot is waiting for it ("Envie o arquivo agora"), no extra tap on Send.
    sendAttachmentOn: 'attach',
    primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  };
  if (reduceMotion) {
    STYLE_OPTIONS.spinnerAnimationBackgroundImage = STILL_DOTS;
    STYLE_OPTIONS.typingAnimationBackgroundImage = STILL_DOTS;
  }

  // Web Chat names the bot by its avatar initials ("O bot IP disse"); screen readers should hear its name.
  const LOCALIZED_STRINGS = { ACTIVITY_BOT_SAID_ALT: 'IPlani disse:' };

  const TITLES = {
    signIn: 'Entrar',
    otp: 'Código de verificação',
    chat: 'Conversa',
    anonymousChat: 'Conversa sem conta',
    signedOut: 'Você saiu',
  };

  // The session the chat was opened with: "Sair" ends it, and with it the chat's Direct Line token.
  let refreshToken = null;

  function setTitle(state, error) {
    document.title = (error ? 'Erro: ' : '') + TITLES[state] + ' · ' + SITE;
  }

  /** The sign-in form's title: its step (password, or the verification code), marked when it shows an error. */
  function setFormTitle(error) {
    setTitle(otpField.hidden ? 'signIn' : 'otp', error);
  }

  // --- Sign-in form: each error next to its field and tied to it (aria-invalid + aria-describedby). ---

  const FIELDS = [
    { input: username, error: document.getElementById('username-error') },
    { input: password, error: document.getElementById('password-error') },
    { input: otp, error: document.getElementById('otp-error') },
  ].map(function (field) {
    return Object.assign(field, { hint: field.input.getAttribute('aria-describedby') || '' });
  });

  function describe(field, ids) {
    const all = [field.hint].concat(ids).filter(Boolean).join(' ');
    if (all) field.input.setAttribute('aria-describedby', all);
    else field.input.removeAttribute('aria-describedby');
  }

  function clearErrors() {
    formError.textContent = '';
    for (const field of FIELDS) {
      field.input.removeAttribute('aria-invalid');
      field.error.textContent = '';
      field.error.hidden = true;
      describe(field, []);
    }
  }

  function fieldError(input, message) {
    const field = FIELDS.find(function (candidate) {
      return candidate.input === input;
    });
    field.error.textContent = message;
    field.error.hidden = false;
    field.input.setAttribute('aria-invalid', 'true');
    describe(field, [field.error.id]);
  }

  /** A refusal that concerns what was typed as a whole (wrong password or code): said once, tied to every field. */
  function credentialsError(message) {
    formError.textContent = message;
    for (const field of FIELDS) {
      if (field.input === otp && otpField.hidden) continue;
      field.input.setAttribute('aria-invalid', 'true');
      describe(field, [formError.id]);
    }
    setFormTitle(true);
  }

  /** Anything else (too many attempts, the service down): said once, no field to blame. */
  function showError(message) {
    formError.textContent = message;
    setFormTitle(true);
  }

  // aria-disabled rather than disabled: disabling the focused button would drop the focus to the page's start.
  let busy = false;
  function setBusy(value) {
    busy = value;
    signInButton.setAttribute('aria-disabled', String(value));
    anonymousButton.setAttribute('aria-disabled', String(value));
  }

  async function postJson(path, body, accessToken) {
    const headers = { 'content-type': 'application/json' };
    if (accessToken) headers.authorization = 'Bearer ' + accessToken;
    const response = await fetch(path, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
    // A problem+json or OAuth error body is JSON too; anything else (a proxy's HTML page) counts as no body.
    const data = await response.json().catch(() => null);
    return { status: response.status, data };
  }

  async function directLineToken(accessToken) {
    const { status, data } = await postJson('/v1/bot/directline/token', undefined, accessToken);
    if (status !== 200 || !data || !data.token) throw new Error('Não foi possível abrir a conversa agora. Tente de novo.');
    return data.token;
  }

  // --- The live region: each new IPlani message once, with its buttons. ---

  const ANNOUNCEMENTS_KEPT = 20;
  const announced = new Set();

  function say(text) {
    const entry = document.createElement('p');
    entry.textContent = text;
    announcer.appendChild(entry);
    // Removals are not read (role="log" reads additions); old entries only go so the region stays small.
    while (announcer.childElementCount > ANNOUNCEMENTS_KEPT) announcer.firstElementChild.remove();
  }

  function announce(activity) {
    if (activity.type !== 'message' || !activity.from || activity.from.role !== 'bot') return;
    // A reconnecting stream can deliver an activity again: it was already read.
    if (activity.id) {
      if (announced.has(activity.id)) return;
      announced.add(activity.id);
    }
    const actions = (activity.suggestedActions && activity.suggestedActions.actions) || [];
    const labels = actions
      .map(function (action) {
        return action.title || action.value;
      })
      .filter(Boolean);
    // A message with emphasis comes as Markdown, with the same words in `speak` without markup (bot/render/activity.ts).
    const text = (activity.textFormat === 'markdown' && activity.speak ? activity.speak : activity.text || '').trim();
    if (!text && labels.length === 0) return;
    say('IPlani: ' + text + (labels.length ? ' Botões: ' + labels.join('; ') + '.' : ''));
  }

  // Web Chat reads messages in its own live region and again when its suggested-action toolbar (aria-live) changes;
  // with this page's region that would be twice. Its region is hidden by chat.css; the toolbar is quietened here.
  function quietenToolbars() {
    for (const toolbar of webchatElement.querySelectorAll('.webchat__suggested-actions[aria-live]')) {
      if (toolbar.getAttribute('aria-live') !== 'off') toolbar.setAttribute('aria-live', 'off');
    }
  }
  new window.MutationObserver(quietenToolbars).observe(webchatElement, { childList: true, subtree: true });

  function createStore() {
    return window.WebChat.createStore({}, function () {
      return function (next) {
        return function (action) {
          if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') announce(action.payload.activity);
          // Web Chat's own region said this too; it is hidden, so the page says it.
          if (action.type === 'DIRECT_LINE/POST_ACTIVITY_REJECTED') say('Sua mensagem não foi enviada. Tente de novo.');
          return next(action);
        };
      };
    });
  }

  function renderChat(token, who, state) {
    signInSection.hidden = true;
    chatSection.hidden = false;
    chatWho.textContent = who;
    password.value = '';
    otp.value = '';
    setTitle(state);
    window.WebChat.renderWebChat(
      {
        directLine: window.WebChat.createDirectLine({
          token,
          domain: location.origin + '/v3/directline',
          webSocket: !/[?&]polling=1\b/.test(location.search),
        }),
        store: createStore(),
        locale: 'pt-BR',
        overrideLocalizedStrings: LOCALIZED_STRINGS,
        styleOptions: STYLE_OPTIONS,
      },
      webchatElement,
    );
    // The sign-in form just disappeared with the focus in it: move the focus to the chat's status line, which is read,
    // and from where the next Tab reaches the conversation and the send box (without popping up a phone's keyboard).
    chatWho.focus();
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    if (busy) return;
    clearErrors();
    signedOut.hidden = true;
    const missing = [];
    if (!username.value.trim()) missing.push([username, 'Informe seu CPF ou e-mail.']);
    if (!password.value) missing.push([password, 'Informe sua senha.']);
    if (!otpField.hidden && !otp.value.trim()) missing.push([otp, 'Informe o código de verificação.']);
    if (missing.length > 0) {
      for (const [input, message] of missing) fieldError(input, message);
      setFormTitle(true);
      missing[0][0].focus();
      return;
    }
    setBusy(true);
    try {
      const body = { grant_type: 'password', username: username.value.trim(), password: password.value };
      if (!otpField.hidden) body.otp = otp.value.trim();
      const { status, data } = await postJson('/v1/auth/token', body);
      if (status === 200 && data && data.access_token) {
        refreshToken = data.refresh_token;
        renderChat(await directLineToken(data.access_token), 'Você entrou na sua conta.', 'chat');
        return;
      }
      if (data && data.error === 'mfa_required') {
        otpField.hidden = false;
        setFormTitle(false);
        otp.focus();
        return;
      }
      if (status === 429) showError('Muitas tentativas. Aguarde um pouco e tente de novo.');
      else credentialsError((data && data.error_description) || 'CPF, e-mail ou senha incorretos.');
    } catch (error) {
      showError(error instanceof Error ? error.message : 'Não foi possível entrar agora.');
    } finally {
      setBusy(false);
    }
  });

  anonymousButton.addEventListener('click', async function () {
    if (busy) return;
    clearErrors();
    setFormTitle(false);
    setBusy(true);
    try {
      renderChat(await directLineToken(null), 'Conversa sem conta: só perguntas sobre a Carteira.', 'anonymousChat');
    } catch (error) {
      showError(error instanceof Error ? error.message : 'Não foi possível abrir a conversa agora.');
    } finally {
      setBusy(false);
    }
  });

  signOutButton.addEventListener('click', async function () {
    signOutButton.setAttribute('aria-disabled', 'true');
    // Ending the session on the server ends the chat's token too (not only this page's copy of it).
    if (refreshToken) await postJson('/v1/auth/revoke', { token: refreshToken }).catch(() => null);
    // A full reload drops the Web Chat instance and its token with it; the reloaded page says so.
    window.sessionStorage.setItem(SIGNED_OUT_FLAG, '1');
    location.reload();
  });

  if (window.sessionStorage.getItem(SIGNED_OUT_FLAG)) {
    window.sessionStorage.removeItem(SIGNED_OUT_FLAG);
    signedOut.hidden = false;
    setTitle('signedOut');
    signedOut.focus();
  }
})();
