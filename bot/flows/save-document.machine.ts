import { and, assign, fromPromise, not, sendParent, setup } from 'xstate';
import {
  findDocumentType,
  maskDocumentNumber,
  validateDocumentNumber,
  type DocumentTypeCode,
} from '../../src/documents/document-types';
import { checkDocumentLabel, checkIssuerState } from '../../src/documents/document-input';
import * as say from '../render/messages.pt-BR';
import * as text from '../render/save-document.pt-BR';
import { MAX_FAILURES, promptState, SKIP_OPTIONS, STATE_OPTIONS, TYPE_OPTIONS, YES_NO_OPTIONS } from './prompt';
import type { ResumeInput } from './pause';
import { chooseFrom, type Utterance } from '../understanding';
import { dayAlone, dayOfMonth } from '../understanding/recognizers';
import { readsAsSentence } from '../understanding/free-text';
import { unavailableFile } from '../attachments';
import type {
  BotMessage,
  Choice,
  ConversationKey,
  FlowEvent,
  GiveUpEvent,
  IncomingAttachment,
  Outcome,
  SayEvent,
  WalletPorts,
} from './types';

interface SaveDocumentContext {
  citizenId: string;
  conversation: ConversationKey;
  type: DocumentTypeCode | null;
  issuerState: string | null;
  label: string | null;
  /** A name that reads as a sentence, until the citizen confirms it. */
  heldLabel: string | null;
  number: string | null;
  /** The number typed in the first message ("salvar cnh 45733270661"), until it is checked against the type. */
  offeredNumber: string | null;
  /** The date typed in the first message ("vence 5/8/29": YYYY-MM-DD, or YYYY-MM), until the type's expiry is known. */
  offeredExpiry: string | null;
  expiresAt: string | null;
  /** The month of the expiry (YYYY-MM) when the citizen gave only that ("09/2033"), until the day is given. */
  expiryMonth: string | null;
  /** An expiry already past that the citizen said to keep: the document is saved as expired. Absent in older snapshots. */
  expiredAccepted?: string | null;
  /** The expiry last compared with today's date: not compared again until it changes. Absent in older snapshots. */
  expiryChecked?: string | null;
  stagedFileId: string | null;
  fileDescription: string | null;
  /** A field said to be wrong at the summary is being asked again: once answered, the summary comes back. */
  correcting: boolean;
  /** The step a file sent early came at ("ta ai a foto" where the number is asked): asked again once it is staged. */
  returnTo: EarlyFileStep | null;
  /**
   * A file sent with the message that started the flow ("salva minha cnh" and the photo), until it is staged in that
   * same turn. Absent in older snapshots.
   */
  firstFile?: IncomingAttachment | null;
  failures: number;
  /** Set when the flow ended after repeated failures to receive the file (the service's, not the citizen's). */
  gaveUp: boolean;
}

/** The steps before the file's own where a file may come early; `start` is the message that started the flow. */
type EarlyFileStep = 'start' | 'type' | 'issuerState' | 'label' | 'number' | 'expiresAt';

/** A file sent before its step: staged at once, and the step it came at asked again. */
function earlyFile(step: EarlyFileStep) {
  return { guard: 'hasAttachment', target: 'stagingEarly', actions: { type: 'rememberStep', params: { step } } } as const;
}

/** What the citizen said in this event; null for HELP and BACK. */
function heard(event: FlowEvent): Utterance | null {
  return event.type === 'INPUT' ? event.utterance : null;
}

/** The type a message names: one of the options shown (number, button, short label), else everyday words. */
function documentTypeOf(event: FlowEvent): DocumentTypeCode | null {
  const utterance = heard(event);
  if (!utterance) return null;
  return chooseFrom(utterance, text.TYPE_CHOICES)?.value ?? utterance.documentType;
}

/**
 * The issuing state: an option shown ("1" is RJ), a state named in words ("rio de janeiro"), else as the citizen typed
 * it, without punctuation ("R.J." is "R J", "rj." is "RJ").
 */
function issuerStateIn(event: FlowEvent): string {
  const utterance = heard(event);
  if (!utterance) return '';
  const choice = chooseFrom(utterance, text.STATE_CHOICES);
  if (choice && choice !== text.SKIP) return choice.value;
  return utterance.slots.state ?? utterance.simple.toUpperCase();
}

/** The citizen skips an optional step: "pular", "nao tenho foto agora", or the number of the Pular option. */
function skips(event: FlowEvent, choices: readonly Choice[] = [text.SKIP]): boolean {
  const utterance = heard(event);
  return utterance !== null && (utterance.skip || chooseFrom(utterance, choices) === text.SKIP);
}

/**
 * The document number: found inside a sentence ("meu cpf é 174.063.966-94"), else the message as typed. A document of
 * type "outro" has no number rule to find it by, so its number is the answer as typed ("1234567 serie 0020"). A number
 * typed in groups the recognizer reads only in part ("GK 583 120": the digits alone) is the answer as typed when that
 * passes the type's rule and the part does not.
 */
function numberText(context: SaveDocumentContext, event: FlowEvent): string {
  const utterance = heard(event);
  if (context.type === 'outro') return utterance?.text.trim() ?? '';
  const found = utterance?.slots.documentNumber;
  if (!found) return utterance?.text ?? '';
  const typed = utterance.text;
  return context.type !== null && !checkNumber(context, found).ok && checkNumber(context, typed).ok ? typed : found;
}

function checkNumber(context: SaveDocumentContext, number: string) {
  // "Outro" takes any printable text as its number, so a reply to nothing asked ("sim", "ok", "beleza") would be stored
  // as one: a number has at least one digit.
  if (context.type === 'outro' && !/\d/.test(number)) return { ok: false as const, message: text.INVALID.numberWithoutDigit };
  return validateDocumentNumber(context.type!, number, { issuerState: context.issuerState });
}

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;

/** A month without its day ("09/2033", "setembro de 2033"), as YYYY-MM. */
function monthOnly(event: FlowEvent): string | null {
  const date = heard(event)?.slots.date ?? null;
  return date !== null && /^\d{4}-\d{2}$/.test(date) ? date : null;
}

/** The expiry the answer completes: the day ("dia 18") of the month given before. */
function dayOfKeptMonth(context: SaveDocumentContext, event: FlowEvent): string | null {
  const utterance = heard(event);
  const day = utterance ? dayAlone(utterance.text) : null;
  return context.expiryMonth && day !== null ? dayOfMonth(context.expiryMonth, day) : null;
}

/**
 * A document number typed where another value is asked, in words about the number ("nao pera o numero ta errado é
 * 27689670451"), that passes the type's rule: it replaces the number given before. Not for "outro", whose number is
 * free text that no sentence can be told apart from.
 */
function correctedNumber(context: SaveDocumentContext, event: FlowEvent): string | null {
  const typed = heard(event)?.slots.documentNumber;
  if (!typed || context.type === null || context.type === 'outro') return null;
  const result = checkNumber(context, typed);
  return result.ok ? result.number : null;
}

/** The validity typed a step early ("validade 12/03/2032" where the RG's state is asked), for a type that has one. */
function earlyExpiry(context: SaveDocumentContext, event: FlowEvent): string | null {
  const date = heard(event)?.slots.date ?? null;
  const hasExpiry = (typeOf(context)?.expiresAt ?? 'none') !== 'none';
  return hasExpiry && date !== null && (FULL_DATE.test(date) || MONTH.test(date)) ? date : null;
}

function typeOf(context: SaveDocumentContext) {
  return context.type ? findDocumentType(context.type) : undefined;
}

function inputText(event: FlowEvent): string {
  return heard(event)?.text ?? '';
}

function summary(context: SaveDocumentContext): BotMessage {
  return text.summary({
    typeLabel: typeOf(context)?.label ?? '',
    label: context.label,
    maskedNumber: context.type && context.number ? maskDocumentNumber(context.type, context.number) : '',
    issuerState: context.issuerState,
    expiresAt: context.expiresAt,
    fileDescription: context.fileDescription,
  });
}

/**
 * 3 · Salvar um documento: type -> number validated for that type (with the issuing state for RG and a name for
 * "outro") -> expiry when the type has one -> optional photo/PDF -> summary -> confirmation -> saved through the
 * document service.
 */
export function createSaveDocumentMachine(ports: WalletPorts) {
  return setup({
    types: {
      context: {} as SaveDocumentContext,
      // `resume`: read by `resumable` (bot/flows/pause.ts), which starts the flow at a paused step.
      input: {} as {
        citizenId: string;
        conversation: ConversationKey;
        type?: DocumentTypeCode;
        label?: string;
        number?: string;
        expiresAt?: string;
        /** The issuing state the request named ("salvar meu rg do rio"), for a type that has one. */
        issuerState?: string;
        /** A file sent with the request: the document's file, kept for the attachment step. */
        file?: IncomingAttachment;
      } & ResumeInput,
      events: {} as FlowEvent,
    },
    actions: {
      askType: sendParent((): SayEvent => ({ type: 'SAY', message: text.askType(text.TYPE_CHOICES) })),
      askIssuerState: sendParent((): SayEvent => ({ type: 'SAY', message: text.askIssuerState() })),
      askLabel: sendParent((): SayEvent => ({ type: 'SAY', message: text.askLabel() })),
      askNumber: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: text.askNumber(typeOf(context)?.shortLabel ?? '', typeOf(context)?.numberRule ?? ''),
      })),
      // A month given without its day (in the first message) asks only for the day.
      askExpiresAt: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: context.expiryMonth
          ? text.askExpiryDay(context.expiryMonth)
          : text.askExpiresAt(typeOf(context)?.expiresAt === 'required'),
      })),
      askExpiryDay: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: text.askExpiryDay(context.expiryMonth ?? ''),
      })),
      askAttachment: sendParent((): SayEvent => ({ type: 'SAY', message: text.askAttachment() })),
      askLabelConfirm: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: text.confirmLabel(context.heldLabel ?? ''),
      })),
      askExpiredConfirm: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: text.confirmExpired(context.expiresAt ?? ''),
      })),
      askConfirm: sendParent(({ context }): SayEvent => ({ type: 'SAY', message: summary(context) })),
      sayText: sendParent((_, params: { text: string }): SayEvent => ({ type: 'SAY', message: { text: params.text } })),
      // "nao tenho o numero agora" is no mistyped number: where to find it is said instead.
      sayNumberError: sendParent(({ context, event }): SayEvent => {
        if (heard(event)?.notAtHand) {
          return { type: 'SAY', message: { text: text.notAtHand('number', typeOf(context)?.shortLabel ?? '') } };
        }
        const result = context.type ? checkNumber(context, numberText(context, event)) : null;
        return { type: 'SAY', message: { text: result && !result.ok ? result.message : text.INVALID.number } };
      }),
      // Not knowing a date the type requires is no mistyped date: where to find it is said instead.
      sayExpiryProblem: sendParent(({ context, event }): SayEvent => ({
        type: 'SAY',
        message: {
          text:
            skips(event) || heard(event)?.notAtHand
              ? text.notAtHand('expiry', typeOf(context)?.shortLabel ?? '')
              : text.INVALID.expiresAt,
        },
      })),
      sayIssuerStateProblem: sendParent(({ event }): SayEvent => ({
        type: 'SAY',
        message: { text: checkIssuerState(issuerStateIn(event)) ?? '' },
      })),
      sayLabelProblem: sendParent(({ event }): SayEvent => ({
        type: 'SAY',
        message: { text: checkDocumentLabel(inputText(event)) ?? '' },
      })),
      // "carteira de trabalho" where the type is asked is "outro" with its name: the name is not asked again.
      setType: assign({
        type: ({ event }) => documentTypeOf(event),
        label: ({ context, event }) => {
          const label = heard(event)?.slots.documentLabel;
          return documentTypeOf(event) === 'outro' && label && checkDocumentLabel(label) === null ? label : context.label;
        },
        failures: 0,
      }),
      setIssuerState: assign({ issuerState: ({ event }) => issuerStateIn(event), failures: 0 }),
      clearIssuerState: assign({ issuerState: null, failures: 0 }),
      setLabel: assign({ label: ({ event }) => inputText(event).trim().replace(/\s+/g, ' '), failures: 0 }),
      holdLabel: assign({ heldLabel: ({ event }) => inputText(event).trim().replace(/\s+/g, ' '), failures: 0 }),
      keepHeldLabel: assign({ label: ({ context }) => context.heldLabel, heldLabel: null, failures: 0 }),
      dropHeldLabel: assign({ heldLabel: null, failures: 0 }),
      takeOfferedNumber: assign({
        number: ({ context }) => {
          const result = checkNumber(context, context.offeredNumber ?? '');
          return result.ok ? result.number : null;
        },
        offeredNumber: null,
      }),
      sayOfferedNumberProblem: sendParent(({ context }): SayEvent => {
        const result = checkNumber(context, context.offeredNumber ?? '');
        return { type: 'SAY', message: { text: text.offeredNumberRefused(result.ok ? '' : result.message) } };
      }),
      dropOfferedNumber: assign({ offeredNumber: null }),
      takeOfferedExpiry: assign({ expiresAt: ({ context }) => context.offeredExpiry, offeredExpiry: null }),
      takeOfferedMonth: assign({ expiryMonth: ({ context }) => context.offeredExpiry, offeredExpiry: null }),
      setNumber: assign({
        number: ({ context, event }) => {
          const result = checkNumber(context, numberText(context, event));
          return result.ok ? result.number : null;
        },
        failures: 0,
      }),
      keepEarlyExpiry: assign({ offeredExpiry: ({ context, event }) => earlyExpiry(context, event) ?? context.offeredExpiry }),
      sayEarlyExpiryKept: sendParent(({ context, event }): SayEvent => ({
        type: 'SAY',
        message: { text: text.expiryKept(earlyExpiry(context, event) ?? '') },
      })),
      replaceNumber: assign({ number: ({ context, event }) => correctedNumber(context, event) ?? context.number, failures: 0 }),
      sayNumberReplaced: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: {
          text: text.numberReplaced(context.type && context.number ? maskDocumentNumber(context.type, context.number) : ''),
        },
      })),
      // Checked once the state is known, as a number of the first message is.
      keepEarlyNumber: assign({
        offeredNumber: ({ context, event }) => heard(event)?.slots.documentNumber ?? context.offeredNumber,
      }),
      sayKeptNumberProblem: sendParent(({ context }): SayEvent => {
        const result = checkNumber(context, context.number ?? '');
        return { type: 'SAY', message: { text: result.ok ? '' : result.message } };
      }),
      startCorrecting: assign({ correcting: true, failures: 0 }),
      rememberStep: assign({ returnTo: (_, params: { step: EarlyFileStep }) => params.step }),
      stopCorrecting: assign({ correcting: false }),
      setExpiresAt: assign({ expiresAt: ({ event }) => heard(event)?.date ?? null, expiryMonth: null, failures: 0 }),
      setExpiryMonth: assign({ expiryMonth: ({ event }) => monthOnly(event), failures: 0 }),
      setExpiryDay: assign({
        expiresAt: ({ context, event }) => dayOfKeptMonth(context, event),
        expiryMonth: null,
        failures: 0,
      }),
      clearExpiresAt: assign({ expiresAt: null, expiryMonth: null, failures: 0 }),
      acceptExpired: assign({ expiredAccepted: ({ context }) => context.expiresAt, failures: 0 }),
      noteExpiryChecked: assign({ expiryChecked: ({ context }) => context.expiresAt }),
      setStagedFile: assign({
        stagedFileId: (_, params: { stagedId: string; description: string }) => params.stagedId,
        fileDescription: (_, params: { stagedId: string; description: string }) => params.description,
        failures: 0,
      }),
      clearFile: assign({ stagedFileId: null, fileDescription: null, failures: 0 }),
      forgetFirstFile: assign({ firstFile: null }),
      countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
      markGaveUp: assign({ gaveUp: true }),
      giveUp: sendParent((): GiveUpEvent => ({ type: 'GIVE_UP' })),
    },
    guards: {
      validType: ({ event }) => documentTypeOf(event) !== null,
      validState: ({ event }) => checkIssuerState(issuerStateIn(event)) === null,
      skipped: ({ event }) => skips(event) || heard(event)?.noFile === true,
      // "nao tenho foto agora", "depois mando a foto": about the file, not the step being asked.
      saysNoFile: ({ event }) => heard(event)?.noFile === true,
      saysFileSent: ({ event }) => heard(event)?.fileSent === true,
      skippedState: ({ event }) => skips(event, text.STATE_CHOICES),
      // A question or a request typed at the name step is not a name: it is never stored as one.
      notAName: ({ event }) => {
        const act = heard(event)?.act ?? null;
        return act !== null && act !== 'inform';
      },
      // "sim" or "não" typed where the name is asked.
      answeredYesNo: ({ event }) => (heard(event)?.yesNo ?? null) !== null,
      validLabel: ({ event }) => checkDocumentLabel(inputText(event)) === null,
      readsAsSentence: ({ event }) => readsAsSentence(inputText(event)),
      validNumber: ({ context, event }) => context.type !== null && checkNumber(context, numberText(context, event)).ok,
      offeredNumber: ({ context }) => context.offeredNumber !== null,
      offeredNumberValid: ({ context }) =>
        context.offeredNumber !== null && context.type !== null && checkNumber(context, context.offeredNumber).ok,
      offeredFullDate: ({ context }) => FULL_DATE.test(context.offeredExpiry ?? ''),
      offeredMonth: ({ context }) => MONTH.test(context.offeredExpiry ?? ''),
      validDate: ({ event }) => (heard(event)?.date ?? null) !== null,
      givesEarlyExpiry: ({ context, event }) => earlyExpiry(context, event) !== null,
      givesCorrectedNumber: ({ context, event }) => correctedNumber(context, event) !== null,
      givesEarlyNumber: ({ event }) => (heard(event)?.slots.documentNumber ?? null) !== null,
      correcting: ({ context }) => context.correcting,
      hasNumber: ({ context }) => context.number !== null,
      keptNumberValid: ({ context }) =>
        context.type !== null && context.number !== null && checkNumber(context, context.number).ok,
      correctsNumber: ({ event }) => heard(event)?.corrects === 'number',
      correctsExpiry: ({ event }) => heard(event)?.corrects === 'expiry',
      correctsState: ({ event }) => heard(event)?.corrects === 'state',
      correctsLabel: ({ event }) => heard(event)?.corrects === 'label',
      correctsFile: ({ event }) => heard(event)?.corrects === 'file',
      monthOnly: ({ event }) => monthOnly(event) !== null,
      dayOfKeptMonth: ({ context, event }) => dayOfKeptMonth(context, event) !== null,
      skippedOptionalExpiry: ({ context, event }) => typeOf(context)?.expiresAt === 'optional' && skips(event),
      typeKnown: ({ context }) => context.type !== null,
      noLabelYet: ({ context }) => context.label === null,
      hasAttachment: ({ event }) => event.type === 'INPUT' && event.input.attachments.length > 0,
      saidYes: ({ event }) => heard(event)?.yesNo === true,
      saidNo: ({ event }) => heard(event)?.yesNo === false,
      isRg: ({ context }) => typeOf(context)?.usesIssuerState === true,
      stateKnown: ({ context }) => context.issuerState !== null,
      needsLabel: ({ context }) => typeOf(context)?.requiresLabel === true,
      hasExpiry: ({ context }) => (typeOf(context)?.expiresAt ?? 'none') !== 'none',
      // An expiry given and not yet compared with today's date (nor kept by the citizen as expired).
      expiryToCheck: ({ context }) =>
        context.expiresAt !== null &&
        context.expiredAccepted !== context.expiresAt &&
        context.expiryChecked !== context.expiresAt,
      // Before today: already past (a typo of the year is the likelier cause).
      expiryPast: ({ context }, params: { today: string }) => context.expiresAt !== null && context.expiresAt < params.today,
      tooManyFailures: ({ context }) => context.failures + 1 >= MAX_FAILURES,
      succeeded: (_, params: { ok: boolean }) => params.ok,
      hasStagedFile: ({ context }) => context.stagedFileId !== null,
      hasFirstFile: ({ context }) => (context.firstFile ?? null) !== null,
      cameAt: ({ context }, params: { step: EarlyFileStep }) => context.returnTo === params.step,
    },
    actors: {
      today: fromPromise<string>(() => ports.today()),
      stageAttachment: fromPromise<
        Outcome<{ stagedId: string; description: string }>,
        { conversation: ConversationKey; attachment: IncomingAttachment }
      >(({ input }) => ports.stageAttachment(input.conversation, input.attachment)),
      saveDocument: fromPromise<Outcome<{ id: string }>, { context: SaveDocumentContext; turnId: string }>(({ input }) => {
        const { context } = input;
        return ports.saveDocument(context.conversation, {
          citizenId: context.citizenId,
          type: context.type!,
          number: context.number!,
          label: context.label ?? undefined,
          issuerState: context.issuerState ?? undefined,
          expiresAt: context.expiresAt ?? undefined,
          stagedFileId: context.stagedFileId ?? undefined,
          idempotencyKey: `${context.conversation.channel}:${context.conversation.conversationId}:save-document:${input.turnId}`,
        });
      }),
    },
  }).createMachine({
    output: ({ context }) => ({ gaveUp: context.gaveUp }),
    id: 'saveDocument',
    context: ({ input }) => ({
      citizenId: input.citizenId,
      conversation: input.conversation,
      type: input.type ?? null,
      issuerState:
        input.type && findDocumentType(input.type)?.usesIssuerState && input.issuerState && !checkIssuerState(input.issuerState)
          ? input.issuerState
          : null,
      // Only a name that came with the type ("salvar minha carteira do clube"): it shows in the summary to confirm.
      label: input.type === 'outro' && input.label && checkDocumentLabel(input.label) === null ? input.label : null,
      heldLabel: null,
      number: null,
      // The number and the date of "salvar cnh 45733270661 vence 5/8/29": the flow asks only what is missing. A number
      // of type "outro" is kept as typed at its step, not as a request's words normalised it.
      offeredNumber: input.type === 'outro' ? null : (input.number ?? null),
      offeredExpiry: input.expiresAt ?? null,
      expiresAt: null,
      expiryMonth: null,
      stagedFileId: null,
      fileDescription: null,
      correcting: false,
      returnTo: null,
      firstFile: input.file ?? null,
      failures: 0,
      gaveUp: false,
    }),
    initial: 'start',
    states: {
      start: {
        // A file sent with the request is staged first; then the flow goes on as without it.
        // "quero guardar minha CNH" named the type already: it is not asked again.
        always: [
          {
            guard: 'hasFirstFile',
            target: 'stagingEarly',
            actions: { type: 'rememberStep', params: { step: 'start' } },
          },
          { guard: 'typeKnown', target: 'afterType' },
          { target: 'type' },
        ],
      },
      type: promptState({
        ask: 'askType',
        expecting: { at: 'save.type', options: TYPE_OPTIONS },
        answers: [earlyFile('type'), { guard: 'validType', target: 'afterType', actions: 'setType' }],
        invalid: { type: 'sayText', params: { text: text.INVALID.type } },
        help: { type: 'sayText', params: { text: text.HELP.type } },
      }),
      afterType: {
        always: [
          { guard: and(['isRg', not('stateKnown')]), target: 'issuerState' },
          { guard: and(['needsLabel', 'noLabelYet']), target: 'label' },
          { target: 'numberGiven' },
        ],
      },
      numberGiven: {
        // A number typed in the first message is checked once the type (and the RG's state) is known: taken when it
        // holds, else refused saying why and asked again.
        always: [
          // A state or a name corrected from the summary: back to it when the number kept still holds.
          { guard: and(['correcting', 'keptNumberValid']), target: 'confirm', actions: 'stopCorrecting' },
          // A state corrected from the summary whose rule the number kept does not pass: why, and the number asked.
          { guard: and(['correcting', 'hasNumber']), target: 'number', actions: 'sayKeptNumberProblem' },
          { guard: 'offeredNumberValid', target: 'afterNumber', actions: 'takeOfferedNumber' },
          { guard: 'offeredNumber', target: 'number', actions: ['sayOfferedNumberProblem', 'dropOfferedNumber'] },
          { target: 'number' },
        ],
      },
      issuerState: promptState({
        ask: 'askIssuerState',
        expecting: { at: 'save.state', options: STATE_OPTIONS },
        answers: [
          earlyFile('issuerState'),
          { guard: 'skippedState', target: 'numberGiven', actions: 'clearIssuerState' },
          { guard: 'validState', target: 'numberGiven', actions: ['setIssuerState', 'keepEarlyNumber'] },
          // The validity or the number typed a step early is kept for its step; the state is asked again. Not a miss.
          { guard: 'givesEarlyExpiry', actions: ['keepEarlyExpiry', 'sayEarlyExpiryKept', 'askIssuerState'] },
          {
            guard: 'givesEarlyNumber',
            actions: ['keepEarlyNumber', { type: 'sayText', params: { text: text.NUMBER_KEPT } }, 'askIssuerState'],
          },
        ],
        invalid: 'sayIssuerStateProblem',
        help: { type: 'sayText', params: { text: text.HELP.issuerState } },
        back: { target: 'type' },
      }),
      label: promptState({
        ask: 'askLabel',
        expecting: { at: 'save.label' },
        answers: [
          earlyFile('label'),
          { guard: 'answeredYesNo', actions: [{ type: 'sayText', params: { text: text.YES_NO_NOT_A_NAME } }, 'askLabel'] },
          { guard: 'notAName', actions: [{ type: 'sayText', params: { text: text.NOT_A_NAME } }, 'askLabel'] },
          { guard: and(['validLabel', 'readsAsSentence']), target: 'labelConfirm', actions: 'holdLabel' },
          { guard: 'validLabel', target: 'numberGiven', actions: 'setLabel' },
        ],
        invalid: 'sayLabelProblem',
        help: { type: 'sayText', params: { text: text.HELP.label } },
        back: { target: 'type' },
      }),
      labelConfirm: promptState({
        ask: 'askLabelConfirm',
        expecting: { at: 'save.labelConfirm', options: YES_NO_OPTIONS },
        answers: [
          { guard: 'saidYes', target: 'numberGiven', actions: 'keepHeldLabel' },
          { guard: 'saidNo', target: 'label', actions: 'dropHeldLabel' },
          // Another name instead of a yes or a no: that one, when it reads as a name.
          { guard: and(['validLabel', not('readsAsSentence')]), target: 'numberGiven', actions: ['dropHeldLabel', 'setLabel'] },
        ],
        invalid: { type: 'sayText', params: { text: text.INVALID.labelConfirm } },
        help: { type: 'sayText', params: { text: text.HELP.labelConfirm } },
        back: { target: 'label', actions: 'dropHeldLabel' },
      }),
      number: promptState({
        ask: 'askNumber',
        expecting: { at: 'save.number' },
        answers: [
          earlyFile('number'),
          { guard: 'validNumber', target: 'afterNumber', actions: ['setNumber', 'keepEarlyExpiry'] },
          { guard: 'givesEarlyExpiry', actions: ['keepEarlyExpiry', 'sayEarlyExpiryKept', 'askNumber'] },
        ],
        invalid: 'sayNumberError',
        help: { type: 'sayText', params: { text: text.HELP.number } },
        back: [{ guard: 'isRg', target: 'issuerState' }, { guard: 'needsLabel', target: 'label' }, { target: 'type' }],
      }),
      afterNumber: {
        // The date of the first message is the expiry when the type has one: a whole date is taken, a month asks the day.
        always: [
          { guard: 'correcting', target: 'afterExpiry' },
          { guard: and(['hasExpiry', 'offeredFullDate']), target: 'afterExpiry', actions: 'takeOfferedExpiry' },
          { guard: and(['hasExpiry', 'offeredMonth']), target: 'expiresAt', actions: 'takeOfferedMonth' },
          { guard: 'hasExpiry', target: 'expiresAt' },
          { target: 'afterExpiry' },
        ],
      },
      afterExpiry: {
        // A date already past is checked first: the document would be saved as expired.
        // A field corrected from the summary goes back to it.
        // A file sent early is not asked for again.
        always: [
          { guard: 'expiryToCheck', target: 'checkingExpiry' },
          { guard: 'correcting', target: 'confirm', actions: 'stopCorrecting' },
          { guard: 'hasStagedFile', target: 'confirm' },
          { target: 'attachment' },
        ],
      },
      expiresAt: promptState({
        ask: 'askExpiresAt',
        expecting: { at: 'save.expiry', options: SKIP_OPTIONS },
        answers: [
          earlyFile('expiresAt'),
          { guard: 'validDate', target: 'afterExpiry', actions: 'setExpiresAt' },
          { guard: 'dayOfKeptMonth', target: 'afterExpiry', actions: 'setExpiryDay' },
          // "nao pera o numero ta errado é ...": the number is replaced and the date asked again.
          { guard: 'givesCorrectedNumber', actions: ['replaceNumber', 'sayNumberReplaced', 'askExpiresAt'] },
          // Only the month: the day is asked, the month kept; not a miss.
          { guard: 'monthOnly', actions: ['setExpiryMonth', 'askExpiryDay'] },
          // "nao tenho foto agora" before the photo is asked: no date, and no skip of the date either; not a miss.
          { guard: 'saysNoFile', actions: [{ type: 'sayText', params: { text: text.FILE_COMES_LATER } }, 'askExpiresAt'] },
          { guard: 'skippedOptionalExpiry', target: 'afterExpiry', actions: 'clearExpiresAt' },
        ],
        invalid: 'sayExpiryProblem',
        help: { type: 'sayText', params: { text: text.HELP.expiresAt } },
        back: { target: 'number' },
      }),
      checkingExpiry: {
        tags: ['busy'],
        invoke: {
          id: 'today',
          src: 'today',
          onDone: [
            {
              guard: { type: 'expiryPast', params: ({ event }) => ({ today: event.output }) },
              target: 'expiredConfirm',
              actions: 'noteExpiryChecked',
            },
            { target: 'afterExpiry', actions: 'noteExpiryChecked' },
          ],
          // Without today's date the expiry is not judged: the save goes on, the summary shows the date.
          onError: { target: 'afterExpiry', actions: 'noteExpiryChecked' },
        },
      },
      /**
       * The expiry typed is already past ("10/01/2020"). Decided (issue 17): the document is not refused, since keeping an
       * expired document can be useful (proof of a renewal under way), but it is never saved as expired silently: the
       * citizen is told it is expired and keeps the date ("sim"), corrects it ("não": the date is asked again) or sends
       * the right date at once.
       */
      expiredConfirm: promptState({
        ask: 'askExpiredConfirm',
        expecting: { at: 'save.expiredConfirm', options: YES_NO_OPTIONS },
        answers: [
          { guard: 'validDate', target: 'afterExpiry', actions: 'setExpiresAt' },
          { guard: 'saidYes', target: 'afterExpiry', actions: 'acceptExpired' },
          { guard: 'saidNo', target: 'expiresAt', actions: 'clearExpiresAt' },
        ],
        invalid: { type: 'sayText', params: { text: text.INVALID.expiredConfirm } },
        help: { type: 'sayText', params: { text: text.HELP.expiredConfirm } },
        back: { target: 'expiresAt' },
      }),
      attachment: promptState({
        ask: 'askAttachment',
        expecting: { at: 'save.attachment', options: SKIP_OPTIONS },
        answers: [
          { guard: 'hasAttachment', target: 'staging' },
          // "mandei a foto" with no file: it did not arrive, which skips nothing. Not a miss.
          { guard: 'saysFileSent', actions: [{ type: 'sayText', params: { text: text.FILE_NOT_RECEIVED } }, 'askAttachment'] },
          { guard: 'skipped', target: 'confirm', actions: 'clearFile' },
          { guard: 'givesCorrectedNumber', actions: ['replaceNumber', 'sayNumberReplaced', 'askAttachment'] },
        ],
        invalid: { type: 'sayText', params: { text: text.INVALID.attachment } },
        help: { type: 'sayText', params: { text: text.HELP.attachment } },
        back: [{ guard: 'hasExpiry', target: 'expiresAt' }, { target: 'number' }],
      }),
      staging: {
        tags: ['busy'],
        invoke: {
          id: 'stageAttachment',
          src: 'stageAttachment',
          input: ({ context, event }) => ({
            conversation: context.conversation,
            attachment: event.type === 'INPUT' ? event.input.attachments[0] : unavailableFile(),
          }),
          onDone: [
            {
              guard: { type: 'succeeded', params: ({ event }) => ({ ok: event.output.ok }) },
              target: 'confirm',
              actions: {
                type: 'setStagedFile',
                params: ({ event }) =>
                  event.output.ok
                    ? { stagedId: event.output.stagedId, description: event.output.description }
                    : { stagedId: '', description: '' },
              },
            },
            {
              guard: 'tooManyFailures',
              target: 'gaveUp',
              actions: { type: 'sayText', params: ({ event }) => ({ text: event.output.ok ? '' : event.output.message }) },
            },
            {
              target: 'attachment',
              actions: [
                'countFailure',
                { type: 'sayText', params: ({ event }) => ({ text: event.output.ok ? '' : event.output.message }) },
              ],
            },
          ],
          onError: [
            { guard: 'tooManyFailures', target: 'gaveUp', actions: { type: 'sayText', params: { text: say.SERVICE_ERROR } } },
            { target: 'attachment', actions: ['countFailure', { type: 'sayText', params: { text: say.SERVICE_ERROR } }] },
          ],
        },
      },
      confirm: promptState({
        ask: 'askConfirm',
        expecting: { at: 'save.confirm', options: YES_NO_OPTIONS },
        answers: [
          { guard: 'givesCorrectedNumber', actions: ['replaceNumber', 'askConfirm'] },
          { guard: 'saidYes', target: 'saving' },
          // "nao, o numero ta errado": nothing saved, that field asked again, then the summary again.
          {
            guard: and(['saidNo', 'correctsNumber']),
            target: 'number',
            actions: ['startCorrecting', { type: 'sayText', params: { text: text.CORRECTING } }],
          },
          {
            guard: and(['saidNo', 'correctsExpiry', 'hasExpiry']),
            target: 'expiresAt',
            actions: ['startCorrecting', { type: 'sayText', params: { text: text.CORRECTING } }],
          },
          {
            guard: and(['saidNo', 'correctsState', 'isRg']),
            target: 'issuerState',
            actions: ['startCorrecting', { type: 'sayText', params: { text: text.CORRECTING } }],
          },
          {
            guard: and(['saidNo', 'correctsLabel', 'needsLabel']),
            target: 'label',
            actions: ['startCorrecting', { type: 'sayText', params: { text: text.CORRECTING } }],
          },
          {
            guard: and(['saidNo', 'correctsFile']),
            target: 'attachment',
            actions: { type: 'sayText', params: { text: text.CORRECTING } },
          },
          { guard: 'saidNo', target: 'done', actions: { type: 'sayText', params: { text: say.CANCELLED } } },
        ],
        invalid: { type: 'sayText', params: { text: text.INVALID.confirm } },
        help: { type: 'sayText', params: { text: text.HELP.confirm } },
        back: { target: 'attachment' },
      }),
      saving: {
        tags: ['busy'],
        invoke: {
          id: 'saveDocument',
          src: 'saveDocument',
          input: ({ context, event }) => ({ context, turnId: event.type === 'INPUT' ? event.turnId : '' }),
          onDone: [
            {
              guard: { type: 'succeeded', params: ({ event }) => ({ ok: event.output.ok }) },
              target: 'done',
              actions: {
                type: 'sayText',
                params: { text: text.SAVED },
              },
            },
            {
              // Nothing was saved and the staged file was kept: the citizen can free space and confirm again, go back
              // and change an answer or skip the file, or give up.
              guard: 'hasStagedFile',
              target: 'confirm',
              actions: { type: 'sayText', params: ({ event }) => ({ text: event.output.ok ? '' : event.output.message }) },
            },
            {
              target: 'done',
              actions: { type: 'sayText', params: ({ event }) => ({ text: event.output.ok ? '' : event.output.message }) },
            },
          ],
          onError: { target: 'done', actions: { type: 'sayText', params: { text: say.SERVICE_ERROR } } },
        },
      },
      stagingEarly: {
        tags: ['busy'],
        invoke: {
          id: 'stageEarlyAttachment',
          src: 'stageAttachment',
          input: ({ context, event }) => ({
            conversation: context.conversation,
            attachment: event.type === 'INPUT' ? event.input.attachments[0] : (context.firstFile ?? unavailableFile()),
          }),
          onDone: [
            {
              guard: { type: 'succeeded', params: ({ event }) => ({ ok: event.output.ok }) },
              target: 'backToStep',
              actions: [
                {
                  type: 'setStagedFile',
                  params: ({ event }) =>
                    event.output.ok
                      ? { stagedId: event.output.stagedId, description: event.output.description }
                      : { stagedId: '', description: '' },
                },
                {
                  type: 'sayText',
                  params: ({ event }) => ({ text: text.fileKept(event.output.ok ? event.output.description : '') }),
                },
              ],
            },
            {
              target: 'backToStep',
              actions: { type: 'sayText', params: ({ event }) => ({ text: event.output.ok ? '' : event.output.message }) },
            },
          ],
          onError: { target: 'backToStep', actions: { type: 'sayText', params: { text: say.SERVICE_ERROR } } },
        },
      },
      backToStep: {
        // The step the file came at, asked again (its entry asks). The first message's file is staged or refused by
        // now: it is not kept in the conversation.
        entry: 'forgetFirstFile',
        always: [
          { guard: { type: 'cameAt', params: { step: 'start' } }, target: 'start' },
          { guard: { type: 'cameAt', params: { step: 'type' } }, target: 'type' },
          { guard: { type: 'cameAt', params: { step: 'issuerState' } }, target: 'issuerState' },
          { guard: { type: 'cameAt', params: { step: 'label' } }, target: 'label' },
          { guard: { type: 'cameAt', params: { step: 'expiresAt' } }, target: 'expiresAt' },
          { target: 'number' },
        ],
      },
      gaveUp: { type: 'final', entry: 'markGaveUp' },
      done: { type: 'final' },
    },
  });
}
