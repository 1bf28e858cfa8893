import type { Request, Response, Server } from 'restify';

/** Where an e-mail change can be undone (the link of the e-mail-change notice, see ./public-links). */
export const UNDO_EMAIL_PAGE = '/conta/desfazer-email';

/** Where a citizen chooses a new password (the link of the password-reset e-mail, see ./public-links). */
export const PASSWORD_RESET_PAGE = '/redefinir-senha';

/**
 * The page the e-mail-change notice links to. Opening a link must change nothing (mail scanners open links too), so
 * the page only offers a button; the code travels in the URL fragment, which browsers never send to a server (nor to a
 * log), and the button posts it to `POST /v1/auth/email-change/undo`. No inline script (CSP).
 */
const UNDO_HTML = `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Desfazer a troca de e-mail · Carteira Digital Carioca</title>
<script src="${UNDO_EMAIL_PAGE}.js" defer></script>
</head>
<body>
<main>
<h1>Desfazer a troca de e-mail</h1>
<p>Se você não pediu a troca do e-mail da sua Carteira Digital Carioca, desfaça-a: o e-mail antigo volta para a conta e
todas as sessões abertas são encerradas. Depois, redefina a sua senha em "Esqueci minha senha".</p>
<button id="undo" type="button" disabled>Desfazer a troca de e-mail</button>
<p id="result" role="status" aria-live="polite"></p>
</main>
</body>
</html>
`;

const UNDO_SCRIPT = `'use strict';
(function () {
  var token = new URLSearchParams(location.hash.slice(1)).get('token');
  var button = document.getElementById('undo');
  var result = document.getElementById('result');
  if (!token) {
    result.textContent = 'O link está incompleto: abra o link do e-mail de aviso.';
    return;
  }
  button.disabled = false;
  button.addEventListener('click', function () {
    button.disabled = true;
    fetch('/v1/auth/email-change/undo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: token }),
    }).then(function (response) {
      if (response.status === 204) {
        history.replaceState(null, '', location.pathname);
        result.textContent = 'Pronto: o e-mail antigo voltou para a sua conta e todas as sessões foram encerradas. Agora redefina a sua senha.';
        return;
      }
      return response.json().then(function (problem) {
        result.textContent = (problem && problem.detail) || 'Não foi possível desfazer a troca.';
        button.disabled = false;
      });
    }, function () {
      result.textContent = 'Sem conexão. Tente de novo.';
      button.disabled = false;
    });
  });
})();
`;

/**
 * The page the password-reset e-mail links to. Like the undo page, opening it changes nothing and the code stays in the
 * fragment; the form posts it with the new password to `POST /v1/auth/password/reset`, and the problem's field messages
 * (a short or common password) or its detail (an expired code) are shown as they come: the API words them for citizens.
 */
const RESET_HTML = `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Redefinir a senha · Carteira Digital Carioca</title>
<script src="${PASSWORD_RESET_PAGE}.js" defer></script>
</head>
<body>
<main>
<h1>Redefinir a senha</h1>
<p>Escolha uma nova senha para a sua Carteira Digital Carioca. Depois disso, todas as sessões abertas são encerradas e
você entra de novo com a nova senha.</p>
<form id="reset" novalidate>
<p><label for="password">Nova senha</label><br>
<input id="password" name="password" type="password" autocomplete="new-password" required disabled></p>
<p><label for="confirmation">Repita a nova senha</label><br>
<input id="confirmation" name="confirmation" type="password" autocomplete="new-password" required disabled></p>
<button id="submit" type="submit" disabled>Salvar a nova senha</button>
</form>
<p id="result" role="status" aria-live="polite"></p>
</main>
</body>
</html>
`;

const RESET_SCRIPT = `'use strict';
(function () {
  var token = new URLSearchParams(location.hash.slice(1)).get('token');
  var form = document.getElementById('reset');
  var password = document.getElementById('password');
  var confirmation = document.getElementById('confirmation');
  var button = document.getElementById('submit');
  var result = document.getElementById('result');
  function enable(on) {
    password.disabled = !on;
    confirmation.disabled = !on;
    button.disabled = !on;
  }
  if (!token) {
    result.textContent = 'O link está incompleto: abra o link do e-mail de redefinição de senha.';
    return;
  }
  enable(true);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (password.value !== confirmation.value) {
      result.textContent = 'As duas senhas não são iguais. Digite a mesma senha nos dois campos.';
      confirmation.focus();
      return;
    }
    enable(false);
    fetch('/v1/auth/password/reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: token, newPassword: password.value }),
    }).then(function (response) {
      if (response.status === 204) {
        history.replaceState(null, '', location.pathname);
        form.hidden = true;
        result.textContent = 'Pronto: a sua senha foi alterada e todas as sessões foram encerradas. Entre de novo com a nova senha.';
        return;
      }
      return response.json().then(function (problem) {
        var fields = (problem && problem.errors) || [];
        var said = fields.map(function (error) { return error.message; }).join(' ');
        result.textContent = said || (problem && problem.detail) || 'Não foi possível alterar a senha.';
        enable(true);
      });
    }, function () {
      result.textContent = 'Sem conexão. Tente de novo.';
      enable(true);
    });
  });
})();
`;

const POLICY =
  "default-src 'none'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** `GET /conta/desfazer-email`, `GET /redefinir-senha` and their scripts. */
export function registerAccountPages(server: Server): void {
  const pages: Array<[string, string, string]> = [
    [UNDO_EMAIL_PAGE, UNDO_HTML, 'text/html; charset=utf-8'],
    [`${UNDO_EMAIL_PAGE}.js`, UNDO_SCRIPT, 'text/javascript; charset=utf-8'],
    [PASSWORD_RESET_PAGE, RESET_HTML, 'text/html; charset=utf-8'],
    [`${PASSWORD_RESET_PAGE}.js`, RESET_SCRIPT, 'text/javascript; charset=utf-8'],
  ];
  for (const [path, text, type] of pages) {
    const body = Buffer.from(text, 'utf8');
    server.get(path, async function accountPage(_req: Request, res: Response) {
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': POLICY,
        'Referrer-Policy': 'no-referrer',
      });
      res.end(body);
    });
  }
}
