import type * as QrCode from 'qrcode';
import type { QRCodeToDataURLOptions } from 'qrcode';

/**
 * A QR code as a PNG data URL. The qrcode library (and its PNG encoder) is loaded on first use: only MFA enrolment and
 * document shares draw one, and every process would otherwise keep it in its heap.
 */
export function qrCodeDataUrl(text: string, options: QRCodeToDataURLOptions): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const qrcode = require('qrcode') as typeof QrCode;
  return qrcode.toDataURL(text, options);
}
