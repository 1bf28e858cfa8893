import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** A PEM certificate with its PKCS#8 private key. */
export interface CertifiedKey {
  cert: string;
  key: string;
}

/**
 * A local certificate authority for the Pix stand-in and the app's webhook: everything mutual TLS needs on loopback,
 * generated in pure JavaScript (no openssl CLI), in memory. Never for production: the CA's key is thrown away with it.
 */
export interface TestPki {
  /** The CA certificate both sides trust. */
  ca: string;
  /** Server certificate of the stand-in PSP (127.0.0.1). */
  pspServer: CertifiedKey;
  /** Client certificate of the app towards the PSP. */
  appClient: CertifiedKey;
  /** Server certificate of the app's webhook port (127.0.0.1). */
  webhookServer: CertifiedKey;
  /** Client certificate of the PSP when it calls the webhook. */
  pspClient: CertifiedKey;
  /** Issues another certificate from this CA (a test of a client the webhook must refuse uses another CA's instead). */
  issue(commonName: string, usage: 'server' | 'client'): Promise<CertifiedKey>;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

function pem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

/** Generates a fresh CA and the four certificates of the Pix set-up, valid from an hour ago for `days` days. */
export async function createTestPki(days = 30): Promise<TestPki> {
  x509.cryptoProvider.set(webcrypto);
  const notBefore = new Date(Date.now() - 3_600_000);
  const notAfter = new Date(Date.now() + days * 86_400_000);
  const caKeys = await keyPair();
  const caName = 'CN=Carteira Digital Carioca Pix Test CA';
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: caName,
    keys: caKeys,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const issue = async (commonName: string, usage: 'server' | 'client'): Promise<CertifiedKey> => {
    const keys = await keyPair();
    const cert = await x509.X509CertificateGenerator.create({
      subject: `CN=${commonName}`,
      issuer: caName,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([
          usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
        ]),
        ...(usage === 'server'
          ? [
              new x509.SubjectAlternativeNameExtension([
                { type: 'ip', value: '127.0.0.1' },
                { type: 'dns', value: 'localhost' },
              ]),
            ]
          : []),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
    const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    return { cert: cert.toString('pem') + '\n', key: pem('PRIVATE KEY', key) };
  };
  return {
    ca: caCert.toString('pem') + '\n',
    pspServer: await issue('psp-stand-in', 'server'),
    appClient: await issue('carteira-digital-carioca', 'client'),
    webhookServer: await issue('carteira-pix-webhook', 'server'),
    pspClient: await issue('psp-stand-in-webhooks', 'client'),
    issue,
  };
}
