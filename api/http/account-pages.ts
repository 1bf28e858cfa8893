import type { Request, Response, Server } from 'restify';

/** Where an e-mail change can be undone (the link of the e-mail-change notice, see ./public-links). */
export const UNDO_EMAIL_PAGE = '/conta/desfazer-email';

/**
 * The page the e-mail-change notice links to. Opening a link must change nothing (mail scanners open links too), so
 * the page only offers a button; the code travels in the URL fragment, which browsers never send to a server (nor to a
 * log), and the button posts it to `POST /v1/auth/email-change/undo`. No inline script (CSP).
 */
const HTML = `<!doctype html>
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

const SCRIPT = `'use strict';
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

const POLICY =
  "default-src 'none'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** `GET /conta/desfazer-email` and its script. */
export function registerAccountPages(server: Server): void {
  const pages: Array<[string, string, string]> = [
    [UNDO_EMAIL_PAGE, HTML, 'text/html; charset=utf-8'],
    [`${UNDO_EMAIL_PAGE}.js`, SCRIPT, 'text/javascript; charset=utf-8'],
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
