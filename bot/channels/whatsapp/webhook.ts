import type { Request, Response, Server } from 'restify';
import { DomainError } from '../../../src/shared/errors';
import { readBody } from '../../../http/body';
import { HttpError } from '../../../http/errors';
import { exemptFromGlobalRateLimit, streamingRoute } from '../../../http/routes';
import type { WhatsAppChannel } from './channel';
import { inboundMessages } from './payload';
import { isSameSecret, isValidSignature } from './signature';

/** The webhook path configured in the Meta app (Webhooks product, "messages" field). */
export const WHATSAPP_WEBHOOK_PATH = '/webhooks/whatsapp';

/** The secrets the webhook checks; null = the channel is not configured. */
export interface WhatsAppWebhookOptions {
  verifyToken: string;
  appSecret: string;
  phoneNumberId: string;
  /** Largest webhook body read (the JSON body limit). */
  maxBodyBytes: number;
  channel: WhatsAppChannel;
}

const NOT_CONFIGURED = 'O canal WhatsApp não está configurado nesta instalação.';

function queryParam(req: Request, name: string): string {
  const value = new URL(req.url ?? '/', 'http://localhost').searchParams.get(name);
  return value ?? '';
}

/**
 * `GET /webhooks/whatsapp`: Meta's subscription handshake (hub.mode=subscribe and our verify token -> the challenge
 * echoed as text, else 403). `POST /webhooks/whatsapp`: deliveries, authenticated by `X-Hub-Signature-256` over the
 * exact bytes received before anything is parsed (401 otherwise), answered 200 at once (Meta retries anything else)
 * with the messages processed in the background. Without configuration both answer 404.
 */
export function registerWhatsAppWebhook(server: Server, options: WhatsAppWebhookOptions | null): void {
  // Every delivery arrives from a few Meta addresses, each signed: the global per-address budget would refuse Meta.
  exemptFromGlobalRateLimit(server, { path: WHATSAPP_WEBHOOK_PATH });
  server.get(WHATSAPP_WEBHOOK_PATH, async function whatsappVerify(req: Request, res: Response) {
    if (!options) throw new DomainError('not-found', NOT_CONFIGURED);
    const challenge = queryParam(req, 'hub.challenge');
    if (
      queryParam(req, 'hub.mode') !== 'subscribe' ||
      !isSameSecret(queryParam(req, 'hub.verify_token'), options.verifyToken) ||
      challenge === '' ||
      challenge.length > 512
    ) {
      throw new DomainError('forbidden', 'Verificação do webhook recusada: confira o token de verificação.');
    }
    res.sendRaw(200, challenge, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  server.post(WHATSAPP_WEBHOOK_PATH, async function whatsappDelivery(req: Request, res: Response) {
    if (!options) {
      req.resume();
      throw new DomainError('not-found', NOT_CONFIGURED);
    }
    // A streaming route (declared below): the body is read here, so nothing parses it before the check.
    const raw = await readBody(req, options.maxBodyBytes);
    const header = req.headers['x-hub-signature-256'];
    if (!isValidSignature(raw, Array.isArray(header) ? header[0] : header, options.appSecret)) {
      throw new DomainError('unauthorized', 'Assinatura X-Hub-Signature-256 ausente ou inválida.');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      throw new HttpError('malformed-request', 'O corpo da requisição não é um JSON válido.');
    }
    options.channel.accept(inboundMessages(body, options.phoneNumberId));
    res.send(200);
  });
  // Deliveries are authenticated over their exact bytes before anything parses them.
  streamingRoute(server, 'POST', WHATSAPP_WEBHOOK_PATH);
}
