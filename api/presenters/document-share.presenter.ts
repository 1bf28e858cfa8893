import type { CreatedShare, ShareDetails, Verification } from '../../src/documents/shares.service';
import { DOCUMENT_STATUS_LABELS } from '../../src/documents/expiry';

/** A verification link just created: the only time its URL is shown. */
export interface CreatedShareView {
  id: string;
  /** Public verification URL; anyone holding it can check the document until `expiresAt`. */
  url: string;
  /** The URL as a QR code, `data:image/png;base64,...`. */
  qrCodePng: string;
  expiresAt: string;
  createdAt: string;
}

export interface ShareAccessView {
  accessedAt: string;
  /** Client address of whoever opened the link. */
  address: string;
  /** `shown`: the document was displayed; `expired`/`revoked`: the link was refused. */
  outcome: 'shown' | 'expired' | 'revoked';
}

/** A verification link as its owner lists it (never with its URL: only its hash is kept). */
export interface ShareView {
  id: string;
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  /** Every access ever made. */
  accessCount: number;
  /** The latest 100 accesses, newest first. */
  accesses: ShareAccessView[];
}

export interface SharePage {
  items: ShareView[];
  nextCursor: string | null;
}

/** What a verification link shows (JSON form of the public page). */
export interface VerificationView {
  /** Type code, see `GET /v1/document-types`. */
  type: string;
  typeLabel: string;
  /** The document's name, for type "outro" only. */
  label: string | null;
  holderName: string;
  maskedNumber: string;
  status: 'valid' | 'expiring' | 'expired';
  statusLabel: string;
  /** The document's expiry date, YYYY-MM-DD. */
  expiresAt: string | null;
  /** Until when this link works. */
  shareExpiresAt: string;
  checkedAt: string;
  /** States that the data was declared by the citizen and not confirmed by the issuing body. */
  notice: string;
}

export function presentCreatedShare({ share, url, qrCodePng }: CreatedShare): CreatedShareView {
  return {
    id: share.id,
    url,
    qrCodePng,
    expiresAt: share.expiresAt.toISOString(),
    createdAt: share.createdAt.toISOString(),
  };
}

export function presentShare({ share, status, accessCount, accesses }: ShareDetails): ShareView {
  return {
    id: share.id,
    status,
    createdAt: share.createdAt.toISOString(),
    expiresAt: share.expiresAt.toISOString(),
    revokedAt: share.revokedAt ? share.revokedAt.toISOString() : null,
    accessCount,
    accesses: accesses.map((access) => ({
      accessedAt: access.accessedAt.toISOString(),
      address: access.address,
      outcome: access.outcome,
    })),
  };
}

export function presentVerification(verification: Verification): VerificationView {
  return {
    type: verification.type,
    typeLabel: verification.typeLabel,
    label: verification.label,
    holderName: verification.holderName,
    maskedNumber: verification.maskedNumber,
    status: verification.status,
    statusLabel: DOCUMENT_STATUS_LABELS[verification.status],
    expiresAt: verification.expiresAt,
    shareExpiresAt: verification.shareExpiresAt.toISOString(),
    checkedAt: verification.checkedAt.toISOString(),
    notice: verification.notice,
  };
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character,
  );
}

const RIO_INSTANT = new Intl.DateTimeFormat('pt-BR', { timeZone: 'America/Sao_Paulo', dateStyle: 'short', timeStyle: 'short' });

/** 2030-12-31 -> 31/12/2030 */
function brazilianDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} · Carteira Digital Carioca</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f3f6f9;color:#1b2631}
main{max-width:34rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem 1.75rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.35rem;margin:0 0 1rem}.brand{color:#00579d;font-weight:600;font-size:.9rem;margin:0 0 .25rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.5rem 1rem;margin:0 0 1.25rem}dt{color:#5d6d7e}dd{margin:0;font-weight:600}
.status{display:inline-block;border-radius:999px;padding:.15rem .7rem;font-size:.9rem}
.valid{background:#d5f5e3;color:#145a32}.expiring{background:#fdebd0;color:#7e5109}.expired{background:#fadbd8;color:#78281f}
.notice{background:#eaf2f8;border-left:4px solid #00579d;padding:.75rem 1rem;margin:0 0 1rem}.small{color:#5d6d7e;font-size:.85rem}
</style>
</head>
<body><main>
<p class="brand">Carteira Digital Carioca · Prefeitura do Rio</p>
${body}
</main></body>
</html>
`;
}

/** The public verification page, in pt-BR; every value is HTML-escaped. */
export function renderVerificationPage(verification: Verification): string {
  const rows: Array<[string, string]> = [['Documento', verification.typeLabel]];
  if (verification.label) rows.push(['Nome do documento', verification.label]);
  rows.push(['Titular', verification.holderName], ['Número', verification.maskedNumber]);
  rows.push([
    'Validade do documento',
    verification.expiresAt ? brazilianDate(verification.expiresAt) : 'sem data de validade informada',
  ]);
  rows.push(['Este link vale até', `${RIO_INSTANT.format(verification.shareExpiresAt)} (horário de Brasília)`]);
  const status = verification.status;
  return page(
    'Verificação de documento',
    `<h1>Verificação de documento</h1>
<p><span class="status ${status}">${escapeHtml(DOCUMENT_STATUS_LABELS[status])}</span></p>
<dl>
${rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n')}
</dl>
<p class="notice">${escapeHtml(verification.notice)}</p>
<p class="small">Consultado em ${escapeHtml(RIO_INSTANT.format(verification.checkedAt))} (horário de Brasília).</p>`,
  );
}

/** The page shown instead when a link is unknown (404), expired or revoked (410). */
export function renderVerificationErrorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
