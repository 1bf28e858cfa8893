import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CertifiedKey } from './test-pki';

/**
 * A local stand-in for a receiving PSP (payment service provider) that speaks the subset of the Banco Central's API Pix
 * (v2, https://bacen.github.io/pix-api/) a receiver uses, shaped after that specification:
 *
 * - every call over mutual TLS (the PSP's server certificate, the receiver's client certificate from the same CA);
 * - `POST /oauth/token` (client credentials, HTTP Basic) -> `{access_token, token_type: "Bearer", expires_in, scope}`;
 * - `PUT /cob/{txid}` `{calendario: {expiracao}, valor: {original}, chave, solicitacaoPagador?}` -> 201 the charge with
 *   `status: "ATIVA"`, `loc` and `location` (the payload URL a dynamic BR Code carries), `pixCopiaECola`;
 *   `GET /cob/{txid}` -> the charge (`CONCLUIDA` with its `pix` once paid);
 * - `GET /pix?inicio&fim` -> `{parametros: {inicio, fim, paginacao}, pix: [...]}` (received payments, paginated);
 * - `PUT /pix/{e2eid}/devolucao/{id}` `{valor}` -> 201 `{id, rtrId, valor, horario: {solicitacao}, status:
 *   "EM_PROCESSAMENTO"}`, settled later to `DEVOLVIDO` or `NAO_REALIZADO` (`settleRefund`); `GET` the same path;
 * - `PUT /webhook/{chave}` `{webhookUrl}`: payments (and settled refunds, inside their `pix[].devolucoes`) are POSTed to
 *   `{webhookUrl}/pix` as `{pix: [...]}`, possibly several per call, over mutual TLS with the PSP's client certificate.
 *
 * Errors are problem details as the API Pix answers them (`type` https://pix.bcb.gov.br/api/v2/error/<Name>).
 * A sandbox route, `POST /sandbox/cob/{txid}/pagar` (any client certificate of the CA, no token), pays a charge as a
 * payer's bank would: that is what `npm run pix:pay` calls. Loopback only; state lives in memory.
 */
export interface PixPspOptions {
  ca: string;
  server: CertifiedKey;
  /** The PSP's client certificate for webhook calls. */
  webhookClient: CertifiedKey;
  clientId: string;
  clientSecret: string;
  /** Where payments are notified (`{webhookUrl}/pix`); also settable through `PUT /webhook/{chave}`. */
  webhookUrl?: string;
  /** The receiver's Pix key, the only `chave` charges may name. */
  pixKey: string;
  /** Port to listen on (0: any free one). */
  port?: number;
}

export interface Cob {
  calendario: { criacao: string; expiracao: number };
  txid: string;
  revisao: number;
  loc: { id: number; location: string; tipoCob: 'cob' };
  location: string;
  status: 'ATIVA' | 'CONCLUIDA' | 'REMOVIDA_PELO_USUARIO_RECEBEDOR' | 'REMOVIDA_PELO_PSP';
  valor: { original: string };
  chave: string;
  solicitacaoPagador?: string;
  pixCopiaECola: string;
  pix?: Pix[];
}

export interface Devolucao {
  id: string;
  rtrId: string;
  valor: string;
  horario: { solicitacao: string; liquidacao?: string };
  status: 'EM_PROCESSAMENTO' | 'DEVOLVIDO' | 'NAO_REALIZADO';
  motivo?: string;
}

export interface Pix {
  endToEndId: string;
  txid: string;
  valor: string;
  chave: string;
  horario: string;
  infoPagador?: string;
  devolucoes?: Devolucao[];
}

/** A webhook call as the stand-in made it, and how the receiver answered. */
export interface WebhookDelivery {
  body: { pix: Pix[] };
  status: number | 'error';
}

const TXID = /^[a-zA-Z0-9]{26,35}$/;
const E2EID = /^[a-zA-Z0-9]{32}$/;
const VALOR = /^\d{1,10}\.\d{2}$/;
const ISPB = '99999999';

function problem(res: ServerResponse, status: number, name: string, title: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: `https://pix.bcb.gov.br/api/v2/error/${name}`, title, status, detail }));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 64 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `E` + ISPB + yyyyMMddHHmm + 11 alphanumerics: the end-to-end id format of the Pix arrangement (32 characters). */
function newE2eid(at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 12);
  const tail = randomBytes(16).toString('hex').slice(0, 11);
  return `E${ISPB}${stamp}${tail}`;
}

export class PixPspStandIn {
  readonly cobs = new Map<string, Cob>();
  readonly received: Pix[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  /** OAuth token requests refused (bad client credentials). */
  refusedTokens = 0;
  url = '';
  webhookUrl: string | undefined;
  private server!: Server;
  private readonly tokens = new Set<string>();
  private locations = 0;

  constructor(private readonly options: PixPspOptions) {
    this.webhookUrl = options.webhookUrl;
  }

  async start(): Promise<void> {
    const { ca, server } = this.options;
    this.server = createServer(
      { ca, cert: server.cert, key: server.key, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        this.handle(req, res).catch((error: unknown) =>
          problem(res, 500, 'ErroInternoDoServidor', 'Erro interno', error instanceof Error ? error.message : String(error)),
        );
      },
    );
    await new Promise<void>((resolve) => this.server.listen(this.options.port ?? 0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * A payer pays the charge: it becomes CONCLUIDA, the payment joins the received ones, and (unless `notify` is false:
   * a lost webhook) it is POSTed to the webhook. `valor` defaults to the charge's amount. Returns the payment.
   */
  async pay(txid: string, options: { notify?: boolean; valor?: string; at?: Date } = {}): Promise<Pix> {
    const cob = this.cobs.get(txid);
    if (!cob) throw new Error(`no charge with txid ${txid}`);
    if (cob.status !== 'ATIVA') throw new Error(`charge ${txid} is ${cob.status}`);
    const at = options.at ?? new Date();
    const pix: Pix = {
      endToEndId: newE2eid(at),
      txid,
      valor: options.valor ?? cob.valor.original,
      chave: cob.chave,
      horario: at.toISOString(),
    };
    cob.status = 'CONCLUIDA';
    cob.pix = [pix];
    this.received.push(pix);
    if (options.notify !== false) await this.notify([pix]);
    return pix;
  }

  /** Settles a refund in processing and notifies it (the payment with its `devolucoes`) unless `notify` is false. */
  async settleRefund(
    e2eid: string,
    id: string,
    status: 'DEVOLVIDO' | 'NAO_REALIZADO',
    { notify = true }: { notify?: boolean } = {},
  ): Promise<void> {
    const pix = this.received.find((p) => p.endToEndId === e2eid);
    const refund = pix?.devolucoes?.find((d) => d.id === id);
    if (!pix || !refund) throw new Error(`no refund ${id} of ${e2eid}`);
    refund.status = status;
    if (status === 'DEVOLVIDO') refund.horario.liquidacao = new Date().toISOString();
    else refund.motivo = 'Devolução não realizada pelo PSP do pagador.';
    if (notify) await this.notify([pix]);
  }

  /** POSTs `{pix: payments}` to `{webhookUrl}/pix` with the PSP's client certificate; records the answer. */
  async notify(payments: Pix[], client: CertifiedKey = this.options.webhookClient): Promise<number | 'error'> {
    if (!this.webhookUrl) throw new Error('no webhook registered (PUT /webhook/{chave})');
    const body = { pix: payments.map((p) => structuredClone(p)) };
    const status = await postJson(`${this.webhookUrl.replace(/\/+$/, '')}/pix`, body, {
      ca: this.options.ca,
      cert: client.cert,
      key: client.key,
    });
    this.deliveries.push({ body, status });
    return status;
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    return header.startsWith('Bearer ') && this.tokens.has(header.slice(7));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (method === 'POST' && path === '/oauth/token') return this.token(req, body, res);
    const sandboxPay = /^\/sandbox\/cob\/([^/]+)\/pagar$/.exec(path);
    if (method === 'POST' && sandboxPay) {
      const txid = decodeURIComponent(sandboxPay[1]);
      const cob = this.cobs.get(txid);
      if (!cob || cob.status !== 'ATIVA') {
        return problem(res, 404, 'CobNaoEncontrado', 'Cobrança não encontrada', `Nenhuma cobrança ATIVA com txid ${txid}.`);
      }
      return json(res, 200, await this.pay(txid));
    }
    if (!this.authorized(req)) {
      return problem(res, 401, 'AcessoNegado', 'Acesso negado', 'Requisição sem token de acesso válido.');
    }
    const cobMatch = /^\/cob\/([^/]+)$/.exec(path);
    if (cobMatch && method === 'PUT') return this.putCob(decodeURIComponent(cobMatch[1]), body, res);
    if (cobMatch && method === 'GET') {
      const cob = this.cobs.get(decodeURIComponent(cobMatch[1]));
      if (!cob) return problem(res, 404, 'CobNaoEncontrado', 'Cobrança não encontrada', 'Nenhuma cobrança com este txid.');
      return json(res, 200, cob);
    }
    if (path === '/pix' && method === 'GET') return this.listPix(url, res);
    const refundMatch = /^\/pix\/([^/]+)\/devolucao\/([^/]+)$/.exec(path);
    if (refundMatch && method === 'PUT') return this.putRefund(refundMatch[1], refundMatch[2], body, res);
    if (refundMatch && method === 'GET') {
      const refund = this.received.find((p) => p.endToEndId === refundMatch[1])?.devolucoes?.find((d) => d.id === refundMatch[2]);
      if (!refund) return problem(res, 404, 'NaoEncontrado', 'Devolução não encontrada', 'Nenhuma devolução com este id.');
      return json(res, 200, refund);
    }
    const webhookMatch = /^\/webhook\/([^/]+)$/.exec(path);
    if (webhookMatch && method === 'PUT') {
      const parsed = JSON.parse(body || '{}') as { webhookUrl?: unknown };
      if (typeof parsed.webhookUrl !== 'string' || !parsed.webhookUrl.startsWith('https://')) {
        return problem(res, 400, 'WebhookOperacaoInvalida', 'Webhook inválido', 'webhookUrl deve ser uma URL https.');
      }
      this.webhookUrl = parsed.webhookUrl;
      res.writeHead(204).end();
      return;
    }
    problem(res, 404, 'NaoEncontrado', 'Não encontrado', `${method} ${path} não existe.`);
  }

  private token(req: IncomingMessage, body: string, res: ServerResponse): void {
    const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
    const params = new URLSearchParams(body);
    const expected = `${this.options.clientId}:${this.options.clientSecret}`;
    if (basic !== expected || params.get('grant_type') !== 'client_credentials') {
      this.refusedTokens += 1;
      return json(res, 401, { error: 'invalid_client', error_description: 'Credenciais do cliente inválidas.' });
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.add(token);
    json(res, 200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'cob.write cob.read pix.read pix.write',
    });
  }

  private putCob(txid: string, body: string, res: ServerResponse): void {
    if (!TXID.test(txid)) {
      return problem(
        res,
        400,
        'CobOperacaoInvalida',
        'Cobrança inválida',
        'O txid deve ter de 26 a 35 caracteres alfanuméricos.',
      );
    }
    const input = JSON.parse(body || '{}') as {
      calendario?: { expiracao?: unknown };
      valor?: { original?: unknown };
      chave?: unknown;
      solicitacaoPagador?: unknown;
    };
    const expiracao = input.calendario?.expiracao ?? 86400;
    if (typeof expiracao !== 'number' || !Number.isInteger(expiracao) || expiracao <= 0) {
      return problem(res, 400, 'CobOperacaoInvalida', 'Cobrança inválida', 'calendario.expiracao deve ser um inteiro positivo.');
    }
    const original = input.valor?.original;
    if (typeof original !== 'string' || !VALOR.test(original) || Number(original) <= 0) {
      return problem(res, 400, 'CobOperacaoInvalida', 'Cobrança inválida', 'valor.original deve ser como "10.00".');
    }
    if (input.chave !== this.options.pixKey) {
      return problem(res, 400, 'CobOperacaoInvalida', 'Cobrança inválida', 'A chave não pertence a este usuário recebedor.');
    }
    if (this.cobs.has(txid)) {
      return problem(res, 400, 'CobOperacaoInvalida', 'Cobrança inválida', 'Já existe uma cobrança com este txid.');
    }
    this.locations += 1;
    const location = `${this.url.replace(/^https:\/\//, '')}/qr/v2/${randomUUID().replace(/-/g, '')}`;
    const cob: Cob = {
      calendario: { criacao: new Date().toISOString(), expiracao },
      txid,
      revisao: 0,
      loc: { id: this.locations, location, tipoCob: 'cob' },
      location,
      status: 'ATIVA',
      valor: { original },
      chave: input.chave,
      ...(typeof input.solicitacaoPagador === 'string' ? { solicitacaoPagador: input.solicitacaoPagador } : {}),
      // The stand-in does not build BR Codes (the receiver builds its own from `location`); it says where to look.
      pixCopiaECola: `stand-in:${location}`,
    };
    this.cobs.set(txid, cob);
    json(res, 201, cob);
  }

  private listPix(url: URL, res: ServerResponse): void {
    const inicio = url.searchParams.get('inicio');
    const fim = url.searchParams.get('fim');
    if (!inicio || !fim || Number.isNaN(Date.parse(inicio)) || Number.isNaN(Date.parse(fim))) {
      return problem(res, 400, 'ConsultaInvalida', 'Consulta inválida', 'inicio e fim (RFC 3339) são obrigatórios.');
    }
    const page = Number(url.searchParams.get('paginacao.paginaAtual') ?? 0);
    const size = Number(url.searchParams.get('paginacao.itensPorPagina') ?? 100);
    const matching = this.received.filter(
      (p) => Date.parse(p.horario) >= Date.parse(inicio) && Date.parse(p.horario) <= Date.parse(fim),
    );
    json(res, 200, {
      parametros: {
        inicio,
        fim,
        paginacao: {
          paginaAtual: page,
          itensPorPagina: size,
          quantidadeDePaginas: Math.ceil(matching.length / size),
          quantidadeTotalDeItens: matching.length,
        },
      },
      pix: matching.slice(page * size, (page + 1) * size),
    });
  }

  private putRefund(e2eid: string, id: string, body: string, res: ServerResponse): void {
    if (!E2EID.test(e2eid)) return problem(res, 400, 'PixDevolucaoInvalida', 'Devolução inválida', 'e2eid malformado.');
    if (!/^[a-zA-Z0-9]{1,35}$/.test(id)) {
      return problem(res, 400, 'PixDevolucaoInvalida', 'Devolução inválida', 'O id deve ter até 35 caracteres alfanuméricos.');
    }
    const pix = this.received.find((p) => p.endToEndId === e2eid);
    if (!pix) return problem(res, 404, 'PixNaoEncontrado', 'Pix não encontrado', 'Nenhum Pix recebido com este e2eid.');
    const existing = pix.devolucoes?.find((d) => d.id === id);
    // The same id again is the same refund (the API's idempotency for devolucao).
    if (existing) return json(res, 201, existing);
    const input = JSON.parse(body || '{}') as { valor?: unknown };
    if (typeof input.valor !== 'string' || !VALOR.test(input.valor)) {
      return problem(res, 400, 'PixDevolucaoInvalida', 'Devolução inválida', 'valor deve ser como "10.00".');
    }
    const refunded = (pix.devolucoes ?? []).reduce((sum, d) => sum + (d.status === 'NAO_REALIZADO' ? 0 : Number(d.valor)), 0);
    if (Number(input.valor) + refunded > Number(pix.valor) + 1e-9) {
      return problem(res, 400, 'PixDevolucaoInvalida', 'Devolução inválida', 'O valor passa o que resta do Pix.');
    }
    const refund: Devolucao = {
      id,
      rtrId: `D${ISPB}${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 12)}${randomBytes(8).toString('hex').slice(0, 11)}`,
      valor: input.valor,
      horario: { solicitacao: new Date().toISOString() },
      status: 'EM_PROCESSAMENTO',
    };
    pix.devolucoes = [...(pix.devolucoes ?? []), refund];
    json(res, 201, refund);
  }
}

/** POST JSON over mutual TLS; resolves with the status (or 'error' when the call failed). */
export function postJson(
  target: string,
  body: unknown,
  tls: { ca: string; cert: string; key: string },
): Promise<number | 'error'> {
  return new Promise((resolve) => {
    const url = new URL(target);
    const payload = Buffer.from(JSON.stringify(body));
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
        ...tls,
        // A fresh connection per call: nothing kept alive outlives the stand-in.
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 'error'));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve('error'));
    req.end(payload);
  });
}
