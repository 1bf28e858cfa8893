import { chooseFrom, RulesUnderstanding } from '../../bot/understanding';
import {
  detectCommand,
  detectDocumentType,
  detectMenuIntent,
  parseDate,
  parseYesNo,
  utteranceOf,
} from '../../bot/understanding/rules';

describe('the rules understanding', () => {
  it('finds the commands that work anywhere, forgiving accents, case and one typo', () => {
    expect(detectCommand('Cancelar')).toEqual({ type: 'cancel' });
    expect(detectCommand('sair')).toEqual({ type: 'cancel' });
    expect(detectCommand('Início')).toEqual({ type: 'menu' });
    expect(detectCommand('ajdua')).toEqual({ type: 'help' });
    expect(detectCommand('voltar')).toEqual({ type: 'back' });
    expect(detectCommand('vincular abcd-2345')).toEqual({ type: 'link', code: 'ABCD2345' });
    expect(detectCommand('vincula ai HJ3K 8MZQ')).toEqual({ type: 'link', code: 'HJ3K8MZQ' });
    expect(detectCommand('vincular o codigo ABCD2345 por favor')).toEqual({ type: 'link', code: 'ABCD2345' });
    expect(detectCommand('desvincular 2')).toEqual({ type: 'unlink', position: 2 });
    expect(detectCommand('desvincular')).toEqual({ type: 'unlink' });
    expect(detectCommand('meus canais')).toEqual({ type: 'channels' });
    expect(detectCommand('ativar avisos')).toEqual({ type: 'notifications', on: true });
    expect(detectCommand('parar de receber avisos')).toEqual({ type: 'notifications', on: false });
    expect(detectCommand('quero cancelar meu cartão')).toBeNull();
  });

  it('finds the flow asked for by menu number, label or plain words', () => {
    expect(detectMenuIntent('1')).toBe('balance');
    expect(detectMenuIntent('2.')).toBe('cancelCard');
    expect(detectMenuIntent('Ver meus documentos')).toBe('documents');
    expect(detectMenuIntent('qual meu saldo?')).toBe('balance');
    expect(detectMenuIntent('perdi meu cartão')).toBe('cancelCard');
    expect(detectMenuIntent('quero guardar meu cartão SUS')).toBe('saveDocument');
    expect(detectMenuIntent('tenho uma dúvida')).toBe('question');
    expect(detectMenuIntent('9')).toBeNull();
    expect(detectMenuIntent('bom dia')).toBeNull();
  });

  it('reads yes and no', () => {
    expect(['sim', 'S', 'pode', 'Confirmo!'].map(parseYesNo)).toEqual([true, true, true, true]);
    expect(['não', 'N', 'negativo'].map(parseYesNo)).toEqual([false, false, false]);
    expect(parseYesNo('talvez')).toBeNull();
  });

  it('reads dates as people type them in Brazil and refuses dates that do not exist', () => {
    expect(parseDate('01/05/2030')).toBe('2030-05-01');
    expect(parseDate('1/5/30')).toBe('2030-05-01');
    expect(parseDate('01-05-2030')).toBe('2030-05-01');
    expect(parseDate('01.05.2030')).toBe('2030-05-01');
    expect(parseDate('1 de maio de 2030')).toBe('2030-05-01');
    expect(parseDate('2030-05-01')).toBe('2030-05-01');
    expect(parseDate('31/02/2030')).toBeNull();
    expect(parseDate('amanhã')).toBeNull();
  });

  it('recognises document types in everyday words', () => {
    expect(detectDocumentType('identidade')).toBe('rg');
    expect(detectDocumentType('carteira de motorista')).toBe('cnh');
    expect(detectDocumentType('cartão do SUS')).toBe('cns');
    expect(detectDocumentType('boleto')).toBeNull();
  });

  it('parses a message once into an utterance with everything the machines read', async () => {
    const utterance = await new RulesUnderstanding().parse('  Sim! ');
    expect(utterance).toMatchObject({ text: '  Sim! ', simple: 'sim', yesNo: true, number: null, command: null, skip: false });
    expect(utteranceOf('2')).toMatchObject({ number: 2, intent: 'cancelCard', yesNo: false });
    expect(utteranceOf('não sei')).toMatchObject({ skip: true });
    expect(utteranceOf('1 de maio de 2030').date).toBe('2030-05-01');
  });

  it('chooses among the options a step shows by number, value, label, one typo or one distinctive word', () => {
    const reasons = [
      { label: 'Perda', value: 'lost' },
      { label: 'Roubo ou furto', value: 'stolen' },
      { label: 'Cartão danificado', value: 'damaged' },
    ];
    expect(chooseFrom(utteranceOf('2'), reasons)?.value).toBe('stolen');
    expect(chooseFrom(utteranceOf('4'), reasons)).toBeNull();
    expect(chooseFrom(utteranceOf('lost'), reasons)?.value).toBe('lost');
    expect(chooseFrom(utteranceOf('roubo ou furto'), reasons)?.value).toBe('stolen');
    expect(chooseFrom(utteranceOf('perdaa'), reasons)?.value).toBe('lost');
    expect(chooseFrom(utteranceOf('danificado'), reasons)?.value).toBe('damaged');
    expect(chooseFrom(utteranceOf(''), reasons)).toBeNull();
  });
});
