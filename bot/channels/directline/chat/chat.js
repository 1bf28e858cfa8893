// The city's web chat page: signs in against the REST API, gets a Direct Line token that carries the citizen (or an
// anonymous one), and renders Bot Framework Web Chat against the app's own Direct Line. No inline script (CSP).
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
  const chatSection = document.getElementById('chat');
  const chatWho = document.getElementById('chat-who');
  const signOutButton = document.getElementById('sign-out-button');
  const webchatElement = document.getElementById('webchat');

  const STYLE_OPTIONS = {
    // Rio blue for everything interactive (it keeps text contrast above 4.5:1); the city's orange marks focus.
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
    transitionDuration: '0s',
    sendBoxButtonColor: '#0061a8',
    sendBoxButtonColorOnFocus: '#f7a600',
    sendBoxButtonColorOnHover: '#004a80',
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

  // The session the chat was opened with: "Sair" ends it, and with it the chat's Direct Line token.
  let refreshToken = null;

  function setBusy(busy) {
    signInButton.disabled = busy;
    anonymousButton.disabled = busy;
  }

  function showError(message) {
    formError.textContent = message;
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

  function renderChat(token, who) {
    signInSection.hidden = true;
    chatSection.hidden = false;
    chatWho.textContent = who;
    password.value = '';
    otp.value = '';
    window.WebChat.renderWebChat(
      {
        directLine: window.WebChat.createDirectLine({
          token,
          domain: location.origin + '/v3/directline',
          webSocket: !/[?&]polling=1\b/.test(location.search),
        }),
        locale: 'pt-BR',
        styleOptions: STYLE_OPTIONS,
      },
      webchatElement,
    );
    // The sign-in form just disappeared with the focus in it: move the focus to the chat's status line, from where the
    // next Tab reaches the conversation and the send box.
    chatWho.focus();
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    showError('');
    if (!username.value.trim() || !password.value) {
      showError('Informe seu CPF ou e-mail e sua senha.');
      return;
    }
    setBusy(true);
    try {
      const body = { grant_type: 'password', username: username.value.trim(), password: password.value };
      if (!otpField.hidden && otp.value.trim()) body.otp = otp.value.trim();
      const { status, data } = await postJson('/v1/auth/token', body);
      if (status === 200 && data && data.access_token) {
        refreshToken = data.refresh_token;
        renderChat(await directLineToken(data.access_token), 'Você entrou na sua conta.');
        return;
      }
      if (data && data.error === 'mfa_required') {
        otpField.hidden = false;
        showError('Digite o código de verificação do seu aplicativo autenticador.');
        otp.focus();
        return;
      }
      if (status === 429) showError('Muitas tentativas. Aguarde um pouco e tente de novo.');
      else showError((data && data.error_description) || 'CPF, e-mail ou senha incorretos.');
    } catch (error) {
      showError(error instanceof Error ? error.message : 'Não foi possível entrar agora.');
    } finally {
      setBusy(false);
    }
  });

  anonymousButton.addEventListener('click', async function () {
    showError('');
    setBusy(true);
    try {
      renderChat(await directLineToken(null), 'Conversa sem conta: só perguntas sobre a Carteira.');
    } catch (error) {
      showError(error instanceof Error ? error.message : 'Não foi possível abrir a conversa agora.');
    } finally {
      setBusy(false);
    }
  });

  signOutButton.addEventListener('click', async function () {
    signOutButton.disabled = true;
    // Ending the session on the server ends the chat's token too (not only this page's copy of it).
    if (refreshToken) await postJson('/v1/auth/revoke', { token: refreshToken }).catch(() => null);
    // A full reload drops the Web Chat instance and its token with it.
    location.reload();
  });
})();
