/*
 * Types for the parts of nlp.js (v4, CommonJS, shipped without declarations) that the intent classifier uses.
 * Only what bot/understanding/classifier.ts calls is declared.
 */

declare module '@nlpjs/core' {
  /** The dependency container every nlp.js component is registered in. */
  export interface Container {
    use(plugin: unknown): void;
  }
  export function containerBootstrap(): Promise<Container>;
}

declare module '@nlpjs/lang-pt' {
  /** Portuguese normaliser, tokenizer, stemmer and stopwords. */
  export const LangPt: unknown;
}

declare module '@nlpjs/nlu' {
  import type { Container } from '@nlpjs/core';

  export interface NluSettings {
    locale: string;
    /** Prints every training epoch when true (the default). */
    log?: boolean;
    /** Adds a "None" intent fed by the words never seen in training. */
    useNoneFeature?: boolean;
    /** Replaces an unknown word by a known one at this edit distance. */
    spellCheck?: boolean;
    spellCheckDistance?: number;
    /** The network's learning rate (0.6 by default). */
    learningRate?: number;
    /** The slope of the output activation for positive sums (0.07 by default). */
    alpha?: number;
  }

  export interface NluClassification {
    intent: string;
    score: number;
  }

  /** The neural intent classifier: a one-layer network over stemmed words. */
  export class NluNeural {
    constructor(settings: NluSettings, container: Container);
    train(corpus: ReadonlyArray<{ utterance: string; intent: string }>): Promise<unknown>;
    process(utterance: string): Promise<{ classifications: NluClassification[] }>;
    /** The trained network as plain data (settings, features, intents and weights). */
    toJSON(): unknown;
    /** Loads a network exported by `toJSON`. */
    fromJSON(json: unknown): void;
  }
}
